"""Target checks (事前审核): each check fires on a crafted fault and stays quiet on a clean project."""

from __future__ import annotations

import pytest

from perfscore.checks import CHECKS, check_targets
from perfscore.errors import ProfileError
from perfscore.model import DepartmentGoals, Funds, Indicator, Project, SubGoal, Targets

WAN = 10_000.0


def ind(level1, level2, level3, target, *, n=1, code="P1", desc=None, weight=None, block_weight=None):
    return Indicator(id=f"{code}-{n}", level1=level1, level2=level2, level3=level3,
                     description=desc if desc is not None else level3, target=target,
                     weight=weight, block_weight=block_weight)


def clean_indicators(code="P1", cost="≤55833.34元/月"):
    rows = [
        ("产出指标", "数量指标", "宣传品数量", "≥100个", "宣传品数量"),
        ("产出指标", "质量指标", "任务完成率", "≥95%", "按计划完成的任务占全部任务的比例"),
        ("产出指标", "时效指标", "工作完成时限", "2023年底前完成", "宣传、信访等工作完成时限"),
        ("产出指标", "成本指标", "工作经费成本", cost, "工作开展使用成本"),
        ("效益指标", "社会效益指标", "受益居民人数", "≥1000人", "受益居民人数"),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "≥95%", "辖区居民满意程度"),
    ]
    return [ind(a, b, c, t, n=i + 1, code=code, desc=d) for i, (a, b, c, t, d) in enumerate(rows)]


def project(code="P1", name="2023年街道体制经费", indicators=None, total=67 * WAN, fiscal=67 * WAN, other=None,
            plan=None):
    return Project(code=code, name=name, funds=Funds(total=total, fiscal=fiscal, other=other),
                   spending_plan=plan if plan is not None else {"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 100},
                   indicators=indicators if indicators is not None else clean_indicators(code))


def targets(*projects, year=2023):
    return Targets(year=year, projects=list(projects) or [project()])


def fired(t, check_id, profile=None):
    return [f for f in check_targets(t, profile) if f.check == check_id]


def replace(p: Project, level3: str, **changes) -> Project:
    inds = [i.model_copy(update=changes) if i.level3 == level3 else i for i in p.indicators]
    return p.model_copy(update={"indicators": inds})


# --- the clean project is quiet ------------------------------------------------------


def test_clean_project_has_only_the_cost_confirmation():
    findings = check_targets(targets())
    assert [f.check for f in findings] == ["cost-budget-ok"]
    assert findings[0].severity == "info"
    assert "670000" not in findings[0].message and "67万元" in findings[0].message


# --- one test pair per check ---------------------------------------------------------


def test_deadline_year_fires_when_the_name_says_another_year():
    # The seed's case: a project named 2022年… in the 2023 document with 2023年底前完成.
    t = targets(project(name="2022年街道体制经费", total=56.25 * WAN, fiscal=56.25 * WAN,
                        indicators=clean_indicators(cost="≤46875元/月")))
    hits = fired(t, "deadline-year")
    assert len(hits) == 1
    assert hits[0].indicator_id == "P1-3"
    assert "2023年" in hits[0].message and "2022年" in hits[0].message


def test_deadline_year_fires_for_a_year_other_than_the_budget_year():
    p = replace(project(name="社区工作经费"), "工作完成时限", target="2024年12月31日前完成")
    assert [f.indicator_id for f in fired(targets(p), "deadline-year")] == ["P1-3"]


def test_deadline_year_quiet_in_the_budget_year():
    assert fired(targets(project(name="社区工作经费")), "deadline-year") == []
    assert fired(targets(), "deadline-year") == []


def test_project_year_info_when_the_name_year_differs():
    assert len(fired(targets(project(name="2022年街道体制经费")), "project-year")) == 1
    assert fired(targets(project(name="2023年街道体制经费")), "project-year") == []
    assert fired(targets(project(name="2023-2025年三年行动")), "project-year") == []


@pytest.mark.parametrize("budget_wan, cost, verdict", [
    (56.25, "≤46875元/月", "ok"),           # the seed: 56.25万 ÷ 12 = 46875
    (67.00, "≤55833.34元/月", "ok"),        # 55833.333… printed rounded up: within 0.01 元
    (15.62, "≤39050元/季度", "ok"),         # 15.62万 ÷ 4
    (100.0, "≤25万/季度", "ok"),            # 万 alone = 万元
    (2.00, "≤1666.67元/月", "ok"),
    (67.00, "≤55833.36元/月", "bad"),       # 0.027 元 off: more than rounding
    (67.00, "≤60000元/月", "bad"),
    (12.00, "≤1万元/年", "bad"),            # 12万 ÷ 1 year = 12万
])
def test_cost_against_budget_by_period(budget_wan, cost, verdict):
    t = targets(project(total=budget_wan * WAN, fiscal=budget_wan * WAN, indicators=clean_indicators(cost=cost)))
    ok, bad = fired(t, "cost-budget-ok"), fired(t, "cost-budget")
    assert (len(ok), len(bad)) == ((1, 0) if verdict == "ok" else (0, 1))
    if verdict == "bad":
        assert bad[0].severity == "warn" and bad[0].indicator_id == "P1-4"


def _with_items(cost, quantity_level3, quantity_target, budget_wan):
    inds = clean_indicators(cost=cost)
    inds[0] = ind("产出指标", "数量指标", quantity_level3, quantity_target, n=1)
    return targets(project(name="专项经费", total=budget_wan * WAN, fiscal=budget_wan * WAN, indicators=inds))


def test_cost_per_item_uses_the_planned_quantity():
    # 20万 ÷ 11辆 = 18181.82 元/辆; printed 1.82万元/辆 = 18200: within half a 0.01万 step.
    t = _with_items("≤1.82万元/辆", "环保作业车辆", "≥11辆", 20.0)
    assert len(fired(t, "cost-budget-ok")) == 1
    # 140万 ÷ 12 ÷ 14 = 8333.33 元/月/社区, not 8500 (the seed's 社区工作经费).
    t = _with_items("≤8500元/月/社区", "社区数量", "≥14个", 140.0)
    hit = fired(t, "cost-budget")
    assert len(hit) == 1 and "8333.33" in hit[0].message and "14社区" in hit[0].message
    # 2万 ÷ 2台 = 10000 元/台, not 4500 (the seed's 财政所经费).
    t = _with_items("≤4500元/台", "办公设备配置数量", "≥2台", 2.0)
    hit = fired(t, "cost-budget")
    assert len(hit) == 1 and "10000" in hit[0].message


def test_cost_unchecked_when_the_item_count_is_unknown():
    t = _with_items("≤4500元/台", "宣传品数量", "≥100个", 2.0)
    assert fired(t, "cost-budget") == [] and fired(t, "cost-budget-ok") == []
    assert "台" in fired(t, "cost-budget-unchecked")[0].message


def test_cost_unchecked_without_budget():
    t = targets(project(total=None, fiscal=None))
    assert len(fired(t, "cost-budget-unchecked")) == 1


def test_spending_plan_end():
    bad = targets(project(plan={"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 90}))
    assert "90%" in fired(bad, "spending-plan-end")[0].message
    assert fired(targets(), "spending-plan-end") == []
    # Order comes from the month, not the dict order.
    shuffled = targets(project(plan={"12月底": 100, "3月底": 25, "6月底": 50, "10月底": 75}))
    assert fired(shuffled, "spending-plan-end") == [] and fired(shuffled, "spending-plan-order") == []


def test_spending_plan_order():
    bad = targets(project(plan={"3月底": 25, "6月底": 60, "10月底": 55, "12月底": 100}))
    assert len(fired(bad, "spending-plan-order")) == 1
    assert fired(targets(), "spending-plan-order") == []


def test_duplicate_level3():
    p = project()
    dup = p.indicators[1].model_copy(update={"id": "P1-7", "level3": "宣传品数量 "})
    hits = fired(targets(p.model_copy(update={"indicators": [*p.indicators, dup]})), "duplicate-level3")
    assert [h.indicator_id for h in hits] == ["P1-7"] and hits[0].severity == "error"
    assert fired(targets(), "duplicate-level3") == []


def test_level3_under_two_level1():
    p = project()
    dup = ind("效益指标", "社会效益指标", "宣传品数量", "≥100个", n=7)
    assert [h.indicator_id for h in fired(targets(p.model_copy(update={"indicators": [*p.indicators, dup]})),
                                          "level3-two-level1")] == ["P1-7"]
    assert fired(targets(), "level3-two-level1") == []


def test_no_satisfaction():
    p = project()
    t = targets(p.model_copy(update={"indicators": p.indicators[:-1]}))
    assert fired(t, "no-satisfaction")[0].project_code == "P1"
    assert fired(targets(), "no-satisfaction") == []


@pytest.mark.parametrize("code", ["", "  ", "13020823P 0001841", "１３０２０８"])
def test_project_code_invalid(code):
    assert len(fired(targets(project(code=code)), "project-code-invalid")) == 1


def test_project_code_valid_and_pattern():
    assert fired(targets(project(code="13020823P00018410001J")), "project-code-invalid") == []
    prof = {"options": {"project_code_pattern": r"\d{8}P\d{11}[0-9A-Z]"}}
    assert fired(targets(project(code="13020823P00018410001J")), "project-code-invalid", prof) == []
    assert len(fired(targets(project(code="13020823X0001")), "project-code-invalid", prof)) == 1


def test_project_code_shape():
    codes = ["13020823P00018410001J", "13020823P000182100017", "13020823P00018610001X", "13020823P0001851"]
    ps = [project(code=c, name=f"项目{i}", indicators=clean_indicators(c)) for i, c in enumerate(codes)]
    hits = fired(targets(*ps), "project-code-shape")
    assert [h.project_code for h in hits] == ["13020823P0001851"]
    assert fired(targets(*ps[:3]), "project-code-shape") == []


def test_duplicate_project_code():
    a, b = project(name="甲项目"), project(name="乙项目")
    assert [h.project_code for h in fired(targets(a, b), "duplicate-project-code")] == ["P1"]
    assert fired(targets(a, project(code="P2", name="乙项目", indicators=clean_indicators("P2"))),
                 "duplicate-project-code") == []


def test_cost_written_with_ge():
    p = replace(project(), "工作经费成本", target="≥55833.34元/月")
    assert [h.indicator_id for h in fired(targets(p), "cost-ge")] == ["P1-4"]
    assert fired(targets(), "cost-ge") == []


def test_quantity_measuring_money():
    p = replace(project(), "宣传品数量", target="≥5万元")
    assert [h.indicator_id for h in fired(targets(p), "quantity-money")] == ["P1-1"]
    assert fired(targets(), "quantity-money") == []


def test_rate_with_a_grade():
    # The seed's 任务指标达标率 = 优.
    p = replace(project(), "任务完成率", target="优")
    assert [h.indicator_id for h in fired(targets(p), "rate-qualitative")] == ["P1-2"]
    assert fired(targets(), "rate-qualitative") == []


def test_hollow_benefit():
    for hollow in ("优", "有效提升", "效果明显"):
        p = replace(project(), "受益居民人数", target=hollow)
        assert [h.indicator_id for h in fired(targets(p), "hollow-benefit")] == ["P1-5"], hollow
    assert fired(targets(), "hollow-benefit") == []


@pytest.mark.parametrize("placeholder", ["*", "_", "-", "--", "/", " ", "＊"])
def test_placeholder_target(placeholder):
    p = replace(project(), "宣传品数量", target=placeholder)
    hits = fired(targets(p), "placeholder-target")
    assert [h.indicator_id for h in hits] == ["P1-1"] and hits[0].severity == "error"
    # A placeholder is not reported a second time as unreadable.
    assert fired(targets(p), "unreadable-target") == []


def test_placeholder_quiet_for_not_applicable_words():
    for na in ("无", "—", "不适用"):
        assert fired(targets(replace(project(), "宣传品数量", target=na)), "placeholder-target") == [], na
    assert fired(targets(), "placeholder-target") == []


def test_placeholder_in_department_goals():
    t = targets()
    t = t.model_copy(update={"department_goals": DepartmentGoals(subgoals=[SubGoal(
        title="（一）基层党建", indicators=[ind("产出指标", "", "工作完成比例", "*", code="D1")])])})
    assert [h.indicator_id for h in fired(t, "placeholder-target")] == ["D1-1"]


def test_unreadable_target():
    p = replace(project(), "宣传品数量", target="按需安排，视情况而定")
    hits = fired(targets(p), "unreadable-target")
    assert [h.indicator_id for h in hits] == ["P1-1"]
    assert fired(targets(), "unreadable-target") == []


def _weighted(weights, block_weights=None):
    p = project()
    inds = [i.model_copy(update={"weight": w, "block_weight": (block_weights or {}).get(i.level1)})
            for i, w in zip(p.indicators, weights)]
    return targets(p.model_copy(update={"indicators": inds}))


def test_weights_sum():
    # 产出 4×12.5 = 50, 效益 30, 满意度 10, + 执行 10 = 100.
    good = [12.5, 12.5, 12.5, 12.5, 30, 10]
    assert fired(_weighted(good, {"产出指标": 50, "效益指标": 30, "满意度指标": 10}), "weights-sum") == []
    bad = fired(_weighted([12.5, 12.5, 12.5, 12.5, 25, 10]), "weights-sum")
    assert len(bad) == 1 and "85" in bad[0].message and "-5" in bad[0].message
    block = fired(_weighted(good, {"产出指标": 40}), "weights-sum")
    assert len(block) == 1 and "产出指标" in block[0].message
    partial = fired(_weighted([12.5, None, 12.5, 12.5, 30, 10]), "weights-sum")
    assert len(partial) == 1 and "任务完成率" in partial[0].message
    assert fired(targets(), "weights-sum") == []


def test_weights_sum_follows_the_profile_execution_weight():
    class Profile:  # a scoring profile with 执行 20
        checks: dict = {}
        execution = type("E", (), {"weight": 20.0, "low_rate": 0.9})()
    good = [10, 10, 10, 10, 30, 10]
    assert fired(_weighted(good), "weights-sum", Profile()) == []
    assert len(fired(_weighted(good), "weights-sum")) == 1


def test_block_share():
    hits = fired(_weighted([30, 10, 5, 5, 30, 10]), "block-share")
    assert [h.indicator_id for h in hits] == ["P1-1"] and "60" in hits[0].message
    # A block with a single indicator (满意度, 效益 here) is not a concentration.
    assert fired(_weighted([12.5, 12.5, 12.5, 12.5, 30, 10]), "block-share") == []
    assert fired(targets(), "block-share") == []


def test_funds_sum():
    bad = fired(targets(project(total=67 * WAN, fiscal=60 * WAN, other=5 * WAN)), "funds-sum")
    assert len(bad) == 1 and "65万元" in bad[0].message and "67万元" in bad[0].message
    assert fired(targets(project(total=67 * WAN, fiscal=60 * WAN, other=7 * WAN)), "funds-sum") == []
    assert fired(targets(), "funds-sum") == []


def test_copied_text_between_unrelated_projects():
    a = project(code="A", name="社区工作经费", indicators=clean_indicators("A"))
    b = project(code="B", name="征兵工作经费", indicators=clean_indicators("B"))
    hits = fired(targets(a, b), "copied-text")
    assert [h.project_code for h in hits] == ["B"] and "社区工作经费" in hits[0].message


def test_copied_text_quiet_for_related_or_distinct_projects():
    # Same project, two years (the seed's 2022/2023 街道体制经费): related, not a copy.
    a = project(code="A", name="2022年街道体制经费", indicators=clean_indicators("A"))
    b = project(code="B", name="2023年街道体制经费", indicators=clean_indicators("B"))
    assert fired(targets(a, b), "copied-text") == []
    c = project(code="C", name="征兵工作经费", indicators=[
        ind("产出指标", "数量指标", "征兵次数", "≥2次", n=1, code="C"),
        ind("满意度指标", "服务对象满意度指标", "居民满意度", "≥95%", n=2, code="C", desc="辖区居民满意程度")])
    assert fired(targets(a, c), "copied-text") == []


def test_copied_text_pairs_worked_by_hand():
    """Six projects of one unit; the pairs reported, later project first, by the rules:
    3 or more shared (名称+描述), or at least 2 that are half the smaller project; related
    names (A and 2023年A) never; a satisfaction row never."""
    base = clean_indicators("A")[:5]                       # five keys (the sixth is 满意度)
    own = [("产出指标", "数量指标", f"自有指标{k}", "≥1个", f"自有指标说明{k}") for k in range(4)]

    def rows(code, picks):
        return [ind(a, b, c, t, n=n, code=code, desc=d) for n, (a, b, c, t, d) in enumerate(picks, start=1)]

    def keys(indicators):
        return [(i.level1, i.level2, i.level3, i.target, i.description) for i in indicators]

    a_keys = keys(base)
    extra = [("产出指标", "数量指标", f"共同指标{k}", "≥2个", f"共同指标说明{k}") for k in range(2)]
    projects = [
        project(code="A", name="社区工作经费", indicators=rows("A", a_keys)),
        project(code="B", name="征兵工作经费", indicators=rows("B", a_keys[:2] + own[:2])),     # 2 of 4: half
        project(code="C", name="2023年社区工作经费", indicators=rows("C", a_keys)),            # A's, but related to A
        project(code="D", name="环境整治经费", indicators=rows("D", a_keys[:1] + own[2:])),     # 1 only
        project(code="E", name="道路养护经费", indicators=rows("E", a_keys + extra)),
        project(code="F", name="绿化管护经费", indicators=rows("F", extra + a_keys)),           # 7 with E
    ]
    hits = fired(targets(*projects), "copied-text")
    got = [(h.project_code, h.message.split("无关项目「")[1].split("」")[0]) for h in hits]
    assert got == [("B", "社区工作经费"), ("C", "征兵工作经费"), ("E", "社区工作经费"), ("E", "征兵工作经费"),
                   ("E", "2023年社区工作经费"), ("F", "社区工作经费"), ("F", "征兵工作经费"),
                   ("F", "2023年社区工作经费"), ("F", "道路养护经费")]
    assert "有2个指标（宣传品数量、任务完成率）" in hits[0].message
    # the seven F shares with E, in F's order: five named, then 等
    assert "有7个指标（共同指标0、共同指标1、宣传品数量、任务完成率、工作完成时限等）" in hits[-1].message


# --- profile control -----------------------------------------------------------------


def test_profile_disables_and_changes_severity():
    t = targets(project(plan={"3月底": 25, "12月底": 90}))
    assert fired(t, "spending-plan-end")[0].severity == "warn"
    assert fired(t, "spending-plan-end", {"severity": {"spending-plan-end": "error"}})[0].severity == "error"
    assert fired(t, "spending-plan-end", {"disable": ["spending-plan-end"]}) == []

    class Profile:
        name = "x.toml"
        checks = {"disable": ["cost-budget-ok"]}
    assert check_targets(targets(), Profile()) == []


@pytest.mark.parametrize("table, needle", [
    ({"disable": ["no-such-check"]}, "no-such-check"),
    ({"severity": {"cost-budget": "fatal"}}, "fatal"),
    ({"severity": {"nope": "warn"}}, "nope"),
    ({"options": {"overshoot": 2}}, "overshoot"),
    ({"options": {"block_share": "half"}}, "half"),
    ({"colour": "red"}, "colour"),
])
def test_profile_refuses_bad_checks_table(table, needle):
    with pytest.raises(ProfileError) as exc:
        check_targets(targets(), table)
    assert needle in exc.value.render()


def test_every_check_has_a_chinese_title_and_valid_severity():
    for spec in CHECKS.values():
        assert spec.severity in ("error", "warn", "info")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.title), spec.id


def test_findings_follow_input_order():
    a = project(code="A", name="甲项目", plan={"12月底": 90}, indicators=clean_indicators("A"))
    b = replace(project(code="B", name="乙项目", indicators=clean_indicators("B")), "宣传品数量", target="*")
    codes = [f.project_code for f in check_targets(targets(a, b)) if f.severity != "info"]
    assert codes == sorted(codes)


def test_copied_text_ignores_boilerplate_held_by_many_projects():
    names = ["社区工作经费", "征兵工作经费", "统计专项业务经费"]
    ps = [project(code=f"C{i}", name=n, indicators=clean_indicators(f"C{i}")) for i, n in enumerate(names)]
    assert [h.project_code for h in fired(targets(*ps), "copied-text")] == ["C1", "C2", "C2"]
    # Text held by 3 projects is a template's standard wording when the limit is 2.
    assert fired(targets(*ps), "copied-text", {"options": {"copied_max_holders": 2}}) == []


def test_exclude_leaves_out_checks_the_caller_reports_itself():
    t = _weighted([12.5, 12.5, 12.5, 12.5, 25, 10])
    assert len(fired(t, "weights-sum")) == 1
    assert [f for f in check_targets(t, exclude={"weights-sum"}) if f.check == "weights-sum"] == []
