"""Year comparison (perfscore.comparison): matching, change classification and flags.

Years are built here as small Targets / Evaluations; the seed's two 街道体制经费
projects are typed in from data/yanshan-2023/000_9a0311abce8b0d69.txt (and read from
data/yanshan-2023/targets.json when it exists).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from perfscore.comparison import (
    FLAG_BUDGET_UP_TARGETS_FLAT,
    FLAG_COST_UP_MORE_THAN_BUDGET,
    FLAG_DROPPED_AFTER_MISSED,
    FLAG_NOT_ABOVE_LAST_ACTUAL,
    SIMILARITY_THRESHOLD,
    compare,
    comparison_table,
    project_key,
)
from perfscore.errors import UsageError
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.scoring.evaluation import INDICATOR_COLUMNS, PROJECT_COLUMNS, Evaluation

REPO = Path(__file__).resolve().parents[1]
SEED_TARGETS = REPO / "data" / "yanshan-2023" / "targets.json"


# --- builders ------------------------------------------------------------------------


def ind(level3: str, target: str, level2: str = "数量指标", level1: str = "产出指标",
        description: str = "") -> Indicator:
    return Indicator(id=f"x-{level3}", level1=level1, level2=level2, level3=level3,
                     description=description, target=target)


def proj(name: str, indicators: list[Indicator], *, code: str | None = None,
         budget_wan: float | None = 10.0, unit_code: str | None = "435001") -> Project:
    return Project(code=code or f"P-{name}", name=name, unit_code=unit_code,
                   funds=Funds(total=None if budget_wan is None else round(budget_wan * 10000, 2)),
                   indicators=indicators)


def year(y: int | None, *projects: Project) -> Targets:
    return Targets(year=y, unit=Unit(code="435001", name="丰润区燕山路办事处本级"),
                   projects=list(projects))


def results(y: int, rows: list[dict], projects: list[dict]) -> Evaluation:
    """An Evaluation with the contract's columns; rows give what a test needs."""
    ind_rows = [{c: r.get(c, "") for c in INDICATOR_COLUMNS} for r in rows]
    proj_rows = [{c: p.get(c, math.nan) for c in PROJECT_COLUMNS} for p in projects]
    return Evaluation(meta={"schema": "perfscore.results/1", "year": y},
                      indicators=pd.DataFrame(ind_rows, columns=INDICATOR_COLUMNS),
                      projects=pd.DataFrame(proj_rows, columns=PROJECT_COLUMNS))


def steps_by_name(comparison, step: int = 0, project: int = 0) -> dict:
    """三级 name (latest) → IndicatorStep of one project and one step."""
    pt = comparison.projects[project]
    return {it.name: it.steps[step] for it in pt.indicators if it.steps[step] is not None}


# --- the seed's two 街道体制经费 projects (issue 7, done-when) ------------------------------


def _street(y: int, code: str, budget_wan: float, cost: str, l3: str, desc: str) -> Project:
    # Typed in from the seed: projects 1 (2022) and 2 (2023), 7 indicators each.
    return proj(f"{y}年街道体制经费", [
        ind("宣传品数量", "≥100个", "数量指标", description="宣传品数量"),
        ind("任务指标达标率", "优", "质量指标", description="宣传、信访维稳、维稳等工作开展效果"),
        ind("工作完成时限", "2023年底前完成", "时效指标", description="按年初计划宣传、信访维稳等工作完成时限"),
        ind("最小成本完成工作", cost, "成本指标", description="工作开展使用成本"),
        ind("保障工作开展", "优", "社会效益指标", "效益指标", "各项工作保质保量完成"),
        ind(l3, "优", "可持续影响指标", "效益指标", desc),
        ind("居民满意度", "≥95%", "服务对象满意度指标", "满意度指标", "辖区广大居民满意程度"),
    ], code=code, budget_wan=budget_wan)


def _assert_street_comparison(c) -> None:
    assert len(c.projects) == 1, "the two years' projects must be matched as one"
    pstep = c.projects[0].steps[0]
    assert pstep.link.how == "name"            # codes differ; 2022年/2023年 stripped
    assert pstep.change == "raised"
    assert pstep.before.budget == pytest.approx(562500.0)
    assert pstep.after.budget == pytest.approx(670000.0)
    steps = steps_by_name(c)
    assert len(steps) == 7
    changed = {name: st.change for name, st in steps.items() if st.change != "unchanged"}
    assert changed == {"最小成本完成工作": "raised"}
    cost = steps["最小成本完成工作"]
    assert cost.stricter is False               # a ≤ cost target raised is looser
    assert cost.ratio == pytest.approx(55833.34 / 46875)
    # The renamed indicator is a similarity match with an equal target, to be confirmed.
    renamed = steps["居民了解政策程度"]
    assert renamed.before.level3 == "居民了解政策情况"
    assert renamed.link.how == "similarity" and renamed.link.similarity >= SIMILARITY_THRESHOLD
    assert renamed.change == "unchanged"
    assert [(s, it.name) for s, _, it, _ in c.fallback_matches()] == [(0, "居民了解政策程度")]
    # Every other indicator matched by its 三级 name.
    assert {st.link.how for name, st in steps.items() if name != "居民了解政策程度"} == {"level3"}
    # The cost rose exactly as the budget did (55833.34 × 12 ≈ 67万): no cost flag; but
    # the budget rose while no target became stricter.
    flags = {(it.name if it else None, f) for _, _, it, f, _ in c.flagged()}
    assert flags == {(None, FLAG_BUDGET_UP_TARGETS_FLAT)}


def test_seed_street_projects_show_budget_and_cost_rise_only():
    y2022 = year(2022, _street(2022, "13020823P00018410001J", 56.25, "≤46875元/月",
                               "居民了解政策情况", "使居民及时了解政策信息"))
    y2023 = year(2023, _street(2023, "13020823P000182100017", 67.00, "≤55833.34元/月",
                               "居民了解政策程度", "保障居民及时了解政策"))
    _assert_street_comparison(compare([y2022, y2023]))


@pytest.mark.skipif(not SEED_TARGETS.exists(), reason="data/yanshan-2023/targets.json not built yet")
def test_seed_street_projects_from_extracted_targets():
    from perfscore.app.extract import load_targets

    seed = load_targets(SEED_TARGETS)
    by_name = {p.name: p for p in seed.projects}
    one = lambda y, p: seed.model_copy(update={"year": y, "projects": [p], "findings": []})  # noqa: E731
    c = compare([one(2022, by_name["2022年街道体制经费"]), one(2023, by_name["2023年街道体制经费"])])
    _assert_street_comparison(c)


# --- each kind of change ------------------------------------------------------------------


def test_raised_and_lowered_say_stricter_or_looser_by_direction():
    before = year(2022, proj("项目", [
        ind("宣传次数", "≥10次"),
        ind("达标率", "≥95%", "质量指标"),
        ind("设备成本", "≤50万元", "成本指标"),
        ind("人均成本", "≤8500元/月/人", "成本指标"),
        ind("结余率", "=0%", "质量指标"),
    ]))
    after = year(2023, proj("项目", [
        ind("宣传次数", "≥12次"),
        ind("达标率", "≥90%", "质量指标"),
        ind("设备成本", "≤40万元", "成本指标"),
        ind("人均成本", "≤9000元/月/人", "成本指标"),
        ind("结余率", "=1%", "质量指标"),
    ]))
    s = steps_by_name(compare([before, after]))
    assert (s["宣传次数"].change, s["宣传次数"].stricter) == ("raised", True)
    assert s["宣传次数"].ratio == pytest.approx(1.2)
    assert (s["达标率"].change, s["达标率"].stricter) == ("lowered", False)
    assert (s["设备成本"].change, s["设备成本"].stricter) == ("lowered", True)
    assert (s["人均成本"].change, s["人均成本"].stricter) == ("raised", False)
    assert (s["结余率"].change, s["结余率"].stricter) == ("raised", None)  # '=' is neither


def test_same_amount_in_other_units_or_periods_is_unchanged():
    before = year(2022, proj("项目", [
        ind("设备成本", "≤2万元", "成本指标"),
        ind("月成本", "≤46875元/月", "成本指标"),
        ind("巡查", "每季度1次"),
    ]))
    after = year(2023, proj("项目", [
        ind("设备成本", "≤20000元", "成本指标"),
        ind("月成本", "≤562500元/年", "成本指标"),
        ind("巡查", "≥4次"),
    ]))
    s = steps_by_name(compare([before, after]))
    assert {name: st.change for name, st in s.items()} == {
        "设备成本": "unchanged", "月成本": "unchanged", "巡查": "unchanged"}


def test_change_of_dimension_or_kind_is_not_a_raise():
    before = year(2022, proj("项目", [
        ind("培训覆盖", "≥95%"),
        ind("工作质量", "≥90%", "质量指标"),
        ind("办结", "≥10件"),
        ind("控制率", "≥80%", "质量指标"),
        ind("完成时间", "2022年6月底前", "时效指标"),
    ]))
    after = year(2023, proj("项目", [
        ind("培训覆盖", "≥200人"),          # percent → count
        ind("工作质量", "优", "质量指标"),    # comparison → grade
        ind("办结", "≥10万元"),             # count → money
        ind("控制率", "≤80%", "质量指标"),    # ≥ → ≤
        ind("完成时间", "2023年底前完成", "时效指标"),   # deadline later in its year
    ]))
    s = steps_by_name(compare([before, after]))
    for name in ("培训覆盖", "工作质量", "办结", "控制率"):
        assert s[name].change == "kind_changed", name
        assert s[name].stricter is None and s[name].ratio is None
    assert (s["完成时间"].change, s["完成时间"].stricter) == ("raised", False)
    assert "推后" in s["完成时间"].note


def test_deadline_at_the_same_point_of_each_year_is_unchanged():
    before = year(2022, proj("项目", [ind("完成时间", "2022年底前完成", "时效指标"),
                                      ind("验收", "2022年12月31日前", "时效指标")]))
    after = year(2023, proj("项目", [ind("完成时间", "2023年底前完成", "时效指标"),
                                     ind("验收", "2023年9月30日前", "时效指标")]))
    s = steps_by_name(compare([before, after]))
    assert s["完成时间"].change == "unchanged"
    assert (s["验收"].change, s["验收"].stricter) == ("lowered", True)  # earlier: stricter


def test_deadline_in_a_leap_year_is_compared_by_month_and_day():
    # 2024 has 366 days: counted in days from 1 January, 31 December 2024 is one day
    # "later" than 31 December 2023, and 1 March 2024 one day later than 1 March 2023.
    before = year(2023, proj("项目", [ind("完成时间", "2023年底前完成", "时效指标"),
                                      ind("验收", "2023年3月1日前", "时效指标"),
                                      ind("报送", "2023年2月底前", "时效指标"),
                                      ind("结算", "2023年底前完成", "时效指标")]))
    after = year(2024, proj("项目", [ind("完成时间", "2024年底前完成", "时效指标"),
                                     ind("验收", "2024年3月1日前", "时效指标"),
                                     ind("报送", "2024年2月底前", "时效指标"),     # 28 → 29 February: month end
                                     ind("结算", "2024年6月30日前完成", "时效指标")]))
    s = steps_by_name(compare([before, after]))
    for name in ("完成时间", "验收", "报送"):
        assert (s[name].change, s[name].stricter) == ("unchanged", None), (name, s[name].note)
    # 31 December → 30 June: 184 days earlier, stricter.
    assert (s["结算"].change, s["结算"].stricter) == ("lowered", True)
    assert "期限提前184天" in s["结算"].note


def test_grade_on_one_ladder_is_ordered():
    before = year(2022, proj("项目", [ind("质量", "良", "质量指标"), ind("效果", "优", "社会效益指标", "效益指标")]))
    after = year(2023, proj("项目", [ind("质量", "优", "质量指标"), ind("效果", "良", "社会效益指标", "效益指标")]))
    s = steps_by_name(compare([before, after]))
    assert (s["质量"].change, s["质量"].stricter) == ("raised", True)
    assert (s["效果"].change, s["效果"].stricter) == ("lowered", False)


def test_new_and_dropped_indicators_are_listed():
    before = year(2022, proj("项目", [ind("宣传品数量", "≥100个"), ind("巡查次数", "≥12次")]))
    after = year(2023, proj("项目", [ind("宣传品数量", "≥100个"), ind("居民满意度", "≥95%",
                                                                "服务对象满意度指标", "满意度指标")]))
    c = compare([before, after])
    changes = sorted((st.change, (st.before or st.after).level3)
                     for it in c.projects[0].indicators for st in it.steps)
    assert changes == [("dropped", "巡查次数"), ("new", "居民满意度"), ("unchanged", "宣传品数量")]
    table = comparison_table(c)
    ind_rows = table[table.row_type == "indicator"]
    assert len(ind_rows) == 3   # nothing lost
    assert set(ind_rows.change) == {"unchanged", "dropped", "new"}


def test_renamed_indicator_is_a_similarity_match_to_confirm():
    before = year(2022, proj("项目", [
        ind("居民了解政策情况", "优", "可持续影响指标", "效益指标", "使居民及时了解政策信息"),
        ind("宣传品数量", "≥100个")]))
    after = year(2023, proj("项目", [
        ind("宣传品数量", "≥100个"),
        ind("居民了解政策程度", "良", "可持续影响指标", "效益指标", "保障居民及时了解政策")]))
    c = compare([before, after])
    s = steps_by_name(c)
    st = s["居民了解政策程度"]
    assert st.link.how == "similarity" and st.link.needs_confirmation
    assert st.change == "lowered" and st.stricter is False
    assert "请确认" in st.note
    row = comparison_table(c).query("level3_after == '居民了解政策程度'").iloc[0]
    assert (row.indicator_match, row.level3_before) == ("similarity", "居民了解政策情况")


def test_unrelated_names_are_not_paired_by_similarity():
    before = year(2022, proj("项目", [ind("宣传品数量", "≥100个", "数量指标", description="宣传品")]))
    after = year(2023, proj("项目", [ind("居民满意度", "≥100个", "数量指标", description="宣传品")]))
    s = steps_by_name(compare([before, after]))
    assert {st.change for st in s.values()} == {"new", "dropped"}


def test_same_level3_under_two_level2_pairs_by_full_path_first():
    before = year(2022, proj("项目", [ind("满意度", "≥90%", "服务对象满意度指标", "满意度指标"),
                                      ind("满意度", "≥80%", "社会效益指标", "效益指标")]))
    after = year(2023, proj("项目", [ind("满意度", "≥85%", "社会效益指标", "效益指标"),
                                     ind("满意度", "≥90%", "服务对象满意度指标", "满意度指标")]))
    c = compare([before, after])
    got = {(st.after.level2, st.change) for it in c.projects[0].indicators for st in it.steps}
    assert got == {("服务对象满意度指标", "unchanged"), ("社会效益指标", "raised")}


# --- projects -------------------------------------------------------------------------------


def test_project_key_strips_year_and_ordinal_prefixes():
    assert project_key("2022年街道体制经费") == project_key("2023年街道体制经费") == "街道体制经费"
    assert project_key("（2）防疫工作经费") == project_key("防疫工作经费") == "防疫工作经费"
    assert project_key("1.2023年度 社区工作经费") == "社区工作经费"
    assert project_key("2023") == "2023"   # nothing left: keep the name


def test_projects_match_by_code_then_name_never_across_units():
    before = year(2022,
                  proj("甲项目", [ind("a", "≥1个")], code="C1"),
                  proj("（2）防疫工作经费", [ind("a", "≥1个")], code="C2"),
                  proj("征兵工作经费", [ind("a", "≥1个")], code="C3", unit_code="999"),
                  proj("已结束项目", [ind("a", "≥1个")], code="C4"))
    after = year(2023,
                 proj("甲项目（更名）", [ind("a", "≥1个")], code="C1"),
                 proj("防疫工作经费", [ind("a", "≥1个")], code="D2"),
                 proj("征兵工作经费", [ind("a", "≥1个")], code="D3"),
                 proj("新项目", [ind("a", "≥1个")], code="D5"))
    c = compare([before, after])
    got = [(pt.steps[0].link.how if pt.steps[0].link else pt.steps[0].change,
            pt.members[0].name if pt.members[0] else None,
            pt.members[1].name if pt.members[1] else None) for pt in c.projects]
    assert got == [
        ("code", "甲项目", "甲项目（更名）"),
        ("name", "（2）防疫工作经费", "防疫工作经费"),
        ("dropped", "征兵工作经费", None),      # another unit: not the same project
        ("dropped", "已结束项目", None),
        ("new", None, "征兵工作经费"),
        ("new", None, "新项目"),
    ]
    # A dropped project's indicators are listed as dropped, never lost.
    table = comparison_table(c)
    assert len(table[(table.row_type == "indicator")]) == 6


# --- three years -----------------------------------------------------------------------------


def test_three_year_comparison_chains_the_years():
    y21 = year(2021, proj("2021年社区工作经费", [ind("活动次数", "≥10次"), ind("旧指标", "≥1个")],
                          code="A21", budget_wan=100))
    y22 = year(2022, proj("2022年社区工作经费", [ind("活动次数", "≥12次"), ind("满意度", "≥90%")],
                          code="A22", budget_wan=120),
               proj("2022年临时项目", [ind("x", "≥1个")], code="T22", budget_wan=5))
    y23 = year(2023, proj("2023年社区工作经费", [ind("活动次数", "≥12次"), ind("满意度", "≥95%")],
                          code="A23", budget_wan=110))
    c = compare([y21, y22, y23])
    assert c.labels == ["2021年", "2022年", "2023年"]
    assert len(c.projects) == 2
    main, temp = c.projects
    assert [m.code if m else None for m in main.members] == ["A21", "A22", "A23"]
    assert [m.code if m else None for m in temp.members] == [None, "T22", None]
    assert [st.change for st in main.steps] == ["raised", "lowered"]
    assert main.steps[0].budget_ratio == pytest.approx(1.2)
    assert [st.change for st in temp.steps] == ["new", "dropped"]
    tracks = {it.name: [st.change if st else None for st in it.steps] for it in main.indicators}
    assert tracks == {
        "活动次数": ["raised", "unchanged"],
        "旧指标": ["dropped", None],
        "满意度": ["new", "raised"],
    }
    table = comparison_table(c)
    assert list(table.drop_duplicates(["from_year", "to_year"])[["from_year", "to_year"]]
                .itertuples(index=False, name=None)) == [("2021年", "2022年"), ("2022年", "2023年")]


def test_inputs_must_run_oldest_first():
    with pytest.raises(UsageError):
        compare([year(2023, proj("a", [])), year(2022, proj("a", []))])
    with pytest.raises(UsageError):
        compare([year(2023, proj("a", []))])


def test_labels_default_to_years_or_input_order():
    assert compare([year(2022, proj("a", [])), year(2023, proj("a", []))]).labels == ["2022年", "2023年"]
    assert compare([year(None, proj("a", [])), year(None, proj("a", []))]).labels == ["第1份", "第2份"]
    assert compare([year(2023, proj("a", [])), year(2023, proj("a", []))],
                   labels=["年初", "调整后"]).labels == ["年初", "调整后"]


# --- flags ------------------------------------------------------------------------------------


def test_cost_target_up_by_more_than_the_budget_is_flagged():
    before = year(2022, proj("项目", [ind("单位成本", "≤1000元/月", "成本指标"), ind("次数", "≥10次")],
                             budget_wan=10))
    after = year(2023, proj("项目", [ind("单位成本", "≤1300元/月", "成本指标"), ind("次数", "≥12次")],
                            budget_wan=11))
    c = compare([before, after])
    s = steps_by_name(c)
    assert s["单位成本"].flags == (FLAG_COST_UP_MORE_THAN_BUDGET,)
    assert s["次数"].flags == ()
    # A target became stricter (次数), so the budget rise is not "targets flat".
    assert c.projects[0].steps[0].flags == ()


def test_budget_up_with_a_new_indicator_is_not_flat():
    before = year(2022, proj("项目", [ind("次数", "≥10次")], budget_wan=10))
    after = year(2023, proj("项目", [ind("次数", "≥10次"), ind("户数", "≥50户")], budget_wan=12))
    assert compare([before, after]).projects[0].steps[0].flags == ()
    after_flat = year(2023, proj("项目", [ind("次数", "≥10次")], budget_wan=12))
    assert compare([before, after_flat]).projects[0].steps[0].flags == (FLAG_BUDGET_UP_TARGETS_FLAT,)
    after_less = year(2023, proj("项目", [ind("次数", "≥10次")], budget_wan=9))
    assert compare([before, after_less]).projects[0].steps[0].flags == ()


def _last_year_results() -> Evaluation:
    rows = [
        dict(project_code="P1", project_name="2022年社区工作经费", level1="产出指标", level2="数量指标",
             level3="活动次数", target="≥10次", actual="15次", weight=20.0, score=20.0, status="scored"),
        dict(project_code="P1", project_name="2022年社区工作经费", level1="产出指标", level2="成本指标",
             level3="人均成本", target="≤500元/人", actual="400元/人", weight=10.0, score=10.0, status="scored"),
        dict(project_code="P1", project_name="2022年社区工作经费", level1="产出指标", level2="质量指标",
             level3="整改率", target="≥95%", actual="80%", weight=10.0, score=8.42, status="scored"),
        dict(project_code="P1", project_name="2022年社区工作经费", level1="满意度指标",
             level2="服务对象满意度指标", level3="满意度", target="≥90%", actual="95%", weight=10.0,
             score=10.0, status="scored"),
    ]
    projects = [dict(project_code="P1", project_name="2022年社区工作经费", unit_code="435001",
                     budget=100000.0, total=88.42, grade="良")]
    return results(2022, rows, projects)


def test_flags_that_need_last_years_results():
    this_year = year(2023, proj("2023年社区工作经费", [
        ind("活动次数", "≥12次"),                      # 15 were held: not above last actual
        ind("人均成本", "≤450元/人", "成本指标"),        # a cap: judged against the budget instead
        ind("满意度", "≥96%", "服务对象满意度指标", "满意度指标"),   # above 95: fine
    ], code="P2", budget_wan=10))
    c = compare([_last_year_results(), this_year])
    s = steps_by_name(c)
    assert s["活动次数"].flags == (FLAG_NOT_ABOVE_LAST_ACTUAL,)
    assert "15次" in s["活动次数"].flag_notes[0]
    assert s["人均成本"].flags == ()
    assert s["满意度"].flags == ()
    # 整改率 was missed (8.42 of 10) and is gone this year.
    assert (s["整改率"].change, s["整改率"].flags) == ("dropped", (FLAG_DROPPED_AFTER_MISSED,))
    pt = c.projects[0]
    assert (pt.members[0].total, pt.members[0].grade) == (88.42, "良")
    row = comparison_table(c).query("row_type == 'project'").iloc[0]
    assert (row.total_before, row.grade_before) == (88.42, "良")
    assert pd.isna(row.total_after)           # this year has targets only


def test_results_against_results_show_score_and_grade_changes():
    before = _last_year_results()
    after_rows = [dict(r, project_name="2023年社区工作经费", project_code="P2")
                  for r in before.indicators.to_dict("records")]
    after = results(2023, after_rows, [dict(project_code="P2", project_name="2023年社区工作经费",
                                            unit_code="435001", budget=100000.0, total=93.0, grade="优")])
    c = compare([before, after])
    row = comparison_table(c).query("row_type == 'project'").iloc[0]
    assert (row.total_before, row.total_after, row.grade_before, row.grade_after) == (88.42, 93.0, "良", "优")
    assert row.change == "unchanged"   # same budget


SEED_ACTUALS = REPO / "data" / "yanshan-2023" / "actuals.csv"


@pytest.mark.skipif(not (SEED_TARGETS.exists() and SEED_ACTUALS.exists()), reason="sample year not built yet")
def test_last_years_results_against_this_years_targets(tmp_path):
    """The common case when setting targets: last year's results.json against new targets."""
    import re

    from perfscore.comparison import load_input
    from perfscore.app.extract import load_targets
    from perfscore.app.score import evaluate
    from perfscore.scoring import load_profile
    from perfscore.scoring.io import save_results
    from perfscore.app.run import load_inputs

    ev = evaluate(load_inputs(SEED_TARGETS, SEED_ACTUALS), load_profile("mof-2020"))
    save_results(ev, tmp_path / "results.json")
    last = load_input(tmp_path / "results.json")
    assert isinstance(last, Evaluation)
    next_year = load_targets(SEED_TARGETS).model_copy(update={"year": 2024})
    c = compare([last, next_year])
    assert len(c.projects) == 11
    assert {pt.steps[0].link.how for pt in c.projects} == {"code"}
    steps = [it.steps[0] for pt in c.projects for it in pt.indicators]
    assert len(steps) == 77 and {s.change for s in steps} == {"unchanged"}
    totals = dict(zip(ev.projects.project_code, ev.projects.total))
    assert {pt.code: pt.members[0].total for pt in c.projects} == totals
    # 宣传品数量 (≥100个) of 2023年街道体制经费: flagged exactly when last year's actual reached 100.
    row = ev.indicators[(ev.indicators.project_name == "2023年街道体制经费")
                        & (ev.indicators.level3 == "宣传品数量")].iloc[0]
    reached = float(re.match(r"\d+(?:\.\d+)?", row.actual).group()) >= 100
    street = next(pt for pt in c.projects if pt.name == "2023年街道体制经费")
    st = next(it.steps[0] for it in street.indicators if it.name == "宣传品数量")
    assert (FLAG_NOT_ABOVE_LAST_ACTUAL in st.flags) == reached
    # The report section shows last year's total and grade of every project.
    from perfscore.writers.compare_html import render_section as render_comparison_section
    from perfscore.writers.report_format import fixed

    section = render_comparison_section(c)
    for total, grade in zip(ev.projects.total, ev.projects.grade):
        assert f"{fixed(total)} <span class=\"grade" in section and f">{grade}</span>" in section


def test_project_first_seen_in_the_third_year_has_a_step_for_each_pair():
    a = year(2021, proj("甲", [ind("x", "≥1个")], code="A"))
    b = year(2022, proj("甲", [ind("x", "≥1个")], code="A"))
    c3 = year(2023, proj("甲", [ind("x", "≥2个")], code="A"), proj("乙", [ind("y", "≥1个")], code="B"))
    c = compare([a, b, c3])
    late = c.projects[1]
    assert [m is not None for m in late.members] == [False, False, True]
    assert late.steps[0] is None and late.steps[1].change == "new"
    assert [st.change if st else None for st in late.indicators[0].steps] == [None, "new"]
    table = comparison_table(c)
    assert list(table[table.project_name_after == "乙"].change) == ["new", "new"]  # project, indicator
