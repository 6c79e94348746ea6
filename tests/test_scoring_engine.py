"""The engine on small hand-built years: every rule of domain.md §4 with hand-worked
numbers (equal split of the mof-2020 blocks: 产出 4 × 12.50, 效益 2 × 15.00,
满意度 1 × 10.00, 执行 10)."""

from __future__ import annotations

import math

import pytest

from perfscore.errors import DataError, UsageError
from perfscore.model import DepartmentGoals, SubGoal
from perfscore.app.score import evaluate
from perfscore.scoring.engine import resolve_as_of
from test_scoring_support import FULL, ind, proj, project_of, replace, row_of, targets


def run(*projects, profile=None, **kw):
    return evaluate(targets(*projects), profile, checks=False, **kw)


def test_all_met_is_100_and_each_weight_is_the_equal_split():
    ev = run(proj("P1", FULL))
    ind_ = ev.indicators
    assert ind_["weight"].tolist() == [12.5, 12.5, 12.5, 12.5, 15.0, 15.0, 10.0]
    assert ind_["score"].tolist() == ind_["weight"].tolist()
    assert set(ind_["status"]) == {"scored"}
    p = project_of(ev, "P1")
    assert (p["exec_score"], p["产出指标"], p["效益指标"], p["满意度指标"], p["total"], p["grade"]) == \
        (10.0, 50.0, 30.0, 10.0, 100.0, "优")


def test_missed_quantity_and_overspent_cost():
    rows = replace(replace(FULL, 0, actual="80个"), 3, actual="9000元/月")
    ev = run(proj("P1", rows))
    # 12.5 × 80/100 = 10.00; 12.5 × 8500/9000 = 11.8055… → 11.81.
    assert row_of(ev, "宣传品数量")["score"] == 10.0
    assert row_of(ev, "办公成本")["score"] == 11.81
    assert row_of(ev, "办公成本")["arithmetic"] == "实际9000元/月 > 目标8500元/月，12.50×8500/9000 = 11.81"
    p = project_of(ev, "P1")
    assert p["产出指标"] == 10.0 + 11.81 + 25.0
    assert p["total"] == 96.81 and p["missed"] == 2


def test_arithmetic_text_of_the_brief():
    rows = [dict(level1="产出指标", level2="质量指标", level3="合格率", target="≥95%", actual="96%", weight=8),
            dict(level1="产出指标", level2="成本指标", level3="购置成本", target="≤1.82万元/辆",
                 actual="1.95万元/辆", weight=8)]
    ev = run(proj("P1", rows))
    assert row_of(ev, "合格率")["arithmetic"] == "96% ≥ 95% → 8.00 / 8.00"
    assert row_of(ev, "购置成本")["arithmetic"] == "实际1.95万元/辆 > 目标1.82万元/辆，8.00×1.82/1.95 = 7.47"
    assert row_of(ev, "购置成本")["score"] == 7.47


def test_half_up_rounding_of_a_score():
    # 12.5 × 1/100 = 0.125 → 0.13 (half up, not to even).
    ev = run(proj("P1", replace(FULL, 0, actual="1个")))
    assert row_of(ev, "宣传品数量")["score"] == 0.13


def test_not_applicable_is_dropped_and_the_total_rescaled():
    rows = replace(replace(FULL, 4, actual="不适用"), 0, actual="80个")
    ev = run(proj("P1", rows))
    r = row_of(ev, "社会影响")
    assert r["status"] == "not_applicable" and math.isnan(r["score"]) and r["review_reason"]
    p = project_of(ev, "P1")
    # Applicable 100 − 15 = 85; raw 10 + 10 + 37.5 + 15 + 10 = 82.5 → 82.5/85 × 100 = 97.0588… → 97.06.
    assert p["applicable_weight"] == 85.0 and p["raw_total"] == 82.5 and p["total"] == 97.06
    assert p["not_applicable"] == 1


def test_target_not_applicable_too():
    ev = run(proj("P1", replace(FULL, 5, target="不适用", actual=None)))
    assert row_of(ev, "办结比率")["status"] == "not_applicable"
    assert project_of(ev, "P1")["total"] == 100.0


def test_missing_actual_needs_review_and_counts_zero_until_reviewed():
    ev = run(proj("P1", replace(FULL, 4, actual=None)))
    r = row_of(ev, "社会影响")
    assert r["status"] == "needs_review" and r["review_reason"] == "未填写实际完成值"
    assert math.isnan(r["score"]) and r["weight"] == 15.0
    p = project_of(ev, "P1")
    assert p["total"] == 85.0 and p["incomplete"] and "incomplete" in p["flags"].split(";")
    assert p["needs_review"] == 1
    assert ev.department["needs_review"] == 1


def test_needs_review_excluded_under_a_profile_that_says_so(tmp_path):
    path = tmp_path / "exclude.toml"
    path.write_text('extends = "mof-2020"\nname = "exclude"\n[needs_review]\nmode = "exclude"\n', encoding="utf-8")
    ev = run(proj("P1", replace(FULL, 4, actual=None)), profile=str(path))
    assert project_of(ev, "P1")["total"] == 100.0


def test_project_without_satisfaction_is_rescaled_and_flagged():
    ev = run(proj("P1", FULL[:6]))
    p = project_of(ev, "P1")
    assert p["applicable_weight"] == 90.0 and p["total"] == 100.0
    assert "no_satisfaction" in p["flags"].split(";") and "满意度指标" in p["notes"]
    assert math.isnan(p["满意度指标"])


@pytest.mark.parametrize("target, actual, score", [
    ("优", "优", 15.0), ("优", "良", 10.5), ("优", "中", 4.5), ("优", "差", 4.5), ("良", "优", 15.0),
    ("优", "部分达成", 10.5),
])
def test_grade_ladder(target, actual, score):
    ev = run(proj("P1", replace(FULL, 4, target=target, actual=actual)))
    r = row_of(ev, "社会影响")
    assert (r["status"], r["rule"], r["score"]) == ("scored", "grade", score)


def test_grade_not_on_the_ladder_needs_review():
    ev = run(proj("P1", replace(FULL, 4, target="优", actual="较好")))
    r = row_of(ev, "社会影响")
    assert r["status"] == "needs_review" and "等级" in r["review_reason"]


@pytest.mark.parametrize("actual, score, flag", [
    ("2023-12-31", 12.5, ""), ("2023-06-30", 12.5, ""),
    ("2024-01-20", 8.75, "late"),      # 20 days late, within the 90-day grace → 部分达成 70 %
    ("2024-04-30", 3.75, "late"),      # 121 days late → 未达成 30 %
    ("未完成", 3.75, "not_completed"), ("延期完成", 8.75, "late"), ("按时完成", 12.5, ""),
])
def test_deadline(actual, score, flag):
    ev = run(proj("P1", replace(FULL, 2, actual=actual)))
    r = row_of(ev, "工作完成时限")
    assert (r["status"], r["rule"], r["score"]) == ("scored", "deadline", score)
    if flag:
        assert flag in r["flags"].split(";")


def test_deadline_arithmetic_names_the_days():
    ev = run(proj("P1", replace(FULL, 2, actual="2024-01-20")))
    assert row_of(ev, "工作完成时限")["arithmetic"] == \
        "2024-01-20 完成，逾期20天（宽限90天内） → 部分达成 12.50×70% = 8.75"


def test_deadline_grace_is_a_profile_setting(tmp_path):
    path = tmp_path / "strict.toml"
    path.write_text('extends = "mof-2020"\nname = "strict"\n[deadline]\ngrace_days = 10\n', encoding="utf-8")
    ev = run(proj("P1", replace(FULL, 2, actual="2024-01-20")), profile=str(path))
    assert row_of(ev, "工作完成时限")["score"] == 3.75


def test_explicit_score_inside_its_tier_is_used():
    # 良 against 优 → 部分达成: [60 %, 80 %) of 15 = [9.00, 12.00).
    ev = run(proj("P1", replace(FULL, 4, actual="良", score="11")))
    r = row_of(ev, "社会影响")
    assert r["score"] == 11.0 and "self_score" in r["flags"].split(";")
    assert "填报得分11.00" in r["arithmetic"]


@pytest.mark.parametrize("given", ["12", "8.5", "15"])
def test_explicit_score_outside_its_tier_is_refused(given):
    ev = run(proj("P1", replace(FULL, 4, actual="良", score=given)))
    r = row_of(ev, "社会影响")
    assert r["status"] == "needs_review" and math.isnan(r["score"])
    assert "不在「部分达成」档（9.00–12.00 分）内" in r["review_reason"]
    errors = [f for f in ev.findings if f.check == "score-outside-tier"]
    assert len(errors) == 1 and errors[0].severity == "error" and errors[0].indicator_id == "P1-05"


def test_achievement_tiers_default_points():
    rows = [("效益指标", "社会效益指标", f"效果{i}", "效果明显", a)
            for i, a in enumerate(["达成预期指标", "部分达成", "未达成", "按时完成", "未完成"])]
    ev = run(proj("P1", rows + [FULL[6]]))
    # 效益 30 over 5 = 6.00 each: 100 %, 70 %, 30 %, completed → 达成, not completed → 未达成.
    assert ev.indicators["score"].tolist()[:5] == [6.0, 4.2, 1.8, 6.0, 1.8]
    assert set(ev.indicators["rule"][:5]) == {"tier"}


def test_frequency_is_scored_as_ge_on_the_yearly_count():
    ev = run(proj("P1", replace(FULL, 0, target="每季度1次", actual="3次")))
    r = row_of(ev, "宣传品数量")
    # 4 a year, 3 done: 12.5 × 3/4 = 9.375 → 9.38.
    assert (r["rule"], r["score"]) == ("frequency", 9.38)
    assert r["arithmetic"] == "全年3次 < 4次/年 → 12.50×3/4 = 9.38"


def test_range_and_equality():
    rows = replace(replace(FULL, 1, target="90%-95%", actual="98%"), 5, target="=100%", actual="102%")
    ev = run(proj("P1", rows))
    # range: above the high bound → 12.5 × 95/98 = 12.117… → 12.12; '=': 15 × (1 − 2/100) = 14.70.
    assert (row_of(ev, "验收合格率")["rule"], row_of(ev, "验收合格率")["score"]) == ("range", 12.12)
    assert (row_of(ev, "办结比率")["rule"], row_of(ev, "办结比率")["score"]) == ("eq-deviation", 14.7)


def test_overshoot_is_flagged_without_deduction_by_default(tmp_path):
    rows = replace(FULL, 0, actual="150个")
    r = row_of(run(proj("P1", rows)), "宣传品数量")
    assert r["score"] == 12.5 and "overshoot" in r["flags"].split(";")
    assert "overshoot" not in row_of(run(proj("P1", replace(FULL, 0, actual="129个"))), "宣传品数量")["flags"]
    path = tmp_path / "deduct.toml"
    path.write_text('extends = "mof-2020"\nname = "deduct"\n[overshoot]\ndeduct = true\n', encoding="utf-8")
    r = row_of(run(proj("P1", rows), profile=str(path)), "宣传品数量")
    # 150 % is 0.20 past the 130 % threshold: 12.5 × (1 − 0.2) = 10.00.
    assert r["score"] == 10.0 and "overshoot_deducted" in r["flags"]


def test_quantitative_indicator_with_text_or_incomparable_units_needs_review():
    rows = replace(replace(FULL, 0, actual="完成"), 1, actual="96个")
    ev = run(proj("P1", rows))
    assert row_of(ev, "宣传品数量")["status"] == "needs_review"
    assert "不是数值" in row_of(ev, "宣传品数量")["review_reason"]
    assert row_of(ev, "验收合格率")["status"] == "needs_review"
    assert "不可比较" in row_of(ev, "验收合格率")["review_reason"]


def test_survey_counts_get_a_confidence_interval_and_a_flag():
    ev = run(proj("P1", replace(FULL, 6, actual="满意48人/调查50人")))
    r = row_of(ev, "居民满意度")
    assert r["score"] == 10.0
    assert "survey_ci_below_target" in r["flags"].split(";")
    assert round(r["ci_low"], 1) == 86.5 and "置信区间" in r["arithmetic"]
    # 1980 of 2000 (99 %): the interval's lower bound (98.5 %) is above the target: no flag.
    assert "survey_ci_below_target" not in row_of(
        run(proj("P1", replace(FULL, 6, actual="满意1980人/调查2000人"))), "居民满意度")["flags"]


@pytest.mark.parametrize("executed, rate, score, flag", [
    (105000.0, 1.05, 10.0, "exec_over_100"), (85000.0, 0.85, 8.5, "exec_low"), (95000.0, 0.95, 9.5, None),
])
def test_execution_rate(executed, rate, score, flag):
    p = project_of(run(proj("P1", FULL, budget=100000.0, executed=executed)), "P1")
    assert (p["exec_rate"], p["exec_score"]) == (rate, score)
    assert p["total"] == 90 + score
    if flag:
        assert flag in p["flags"].split(";")


def test_missing_execution_counts_zero_and_marks_the_project_incomplete():
    p = project_of(run(proj("P1", FULL, executed=None)), "P1")
    assert math.isnan(p["exec_score"]) and p["total"] == 90.0 and p["incomplete"]
    assert "exec_missing" in p["flags"].split(";")


def test_execution_denominator_full_year_or_initial(tmp_path):
    project = proj("P1", FULL, budget=100000.0, full_year=120000.0, executed=108000.0)
    assert project_of(run(project), "P1")["exec_score"] == 9.0
    path = tmp_path / "initial.toml"
    path.write_text('extends = "mof-2020"\nname = "initial"\n[execution]\ndenominator = "initial"\n', encoding="utf-8")
    assert project_of(run(project, profile=str(path)), "P1")["exec_score"] == 10.0


def _weighted(weights):
    names = ("level1", "level2", "level3", "target", "actual")
    return [dict(zip(names, r), weight=w) for r, w in zip(FULL, weights)]


def test_table_weights_are_used_when_every_indicator_has_one():
    ev = run(proj("P1", _weighted([10, 10, 10, 10, 20, 20, 10])))
    assert ev.indicators["weight"].tolist() == [10, 10, 10, 10, 20, 20, 10]
    assert project_of(ev, "P1")["total"] == 100.0
    assert not [f for f in ev.findings if f.check == "weights-gap"]


def test_table_weights_that_do_not_add_up_give_an_error_naming_the_gap():
    ev = run(proj("P1", _weighted([10, 10, 10, 10, 20, 20, 5])))
    gaps = [f for f in ev.findings if f.check == "weights-gap"]
    assert len(gaps) == 1 and gaps[0].severity == "error" and "少 5" in gaps[0].message
    # Scores are still computed.
    assert ev.indicators["score"].tolist() == [10, 10, 10, 10, 20, 20, 5]
    assert "weights_gap" in project_of(ev, "P1")["flags"]


def test_printed_block_weight_is_checked():
    rows = _weighted([10, 10, 10, 10, 20, 20, 10])
    for r in rows[:4]:
        r["block_weight"] = 50
    ev = run(proj("P1", rows))
    gaps = [f.message for f in ev.findings if f.check == "weights-gap"]
    assert any("产出指标各指标分值合计 40，与表中一级分值 50 不符（少 10）" in m for m in gaps)


def test_partial_table_weights_are_ignored_with_a_warning():
    rows = _weighted([10, 10, 10, 10, 20, 20, 10])
    rows[6]["weight"] = None
    ev = run(proj("P1", rows))
    assert ev.indicators["weight"].tolist() == [12.5, 12.5, 12.5, 12.5, 15.0, 15.0, 10.0]
    assert [f.severity for f in ev.findings if f.check == "weights-incomplete"] == ["warn"]


def test_sichuan_needs_the_tables_weights():
    with pytest.raises(DataError, match="没有任何指标给出分值"):
        run(proj("P1", FULL), profile="sichuan")
    rows = _weighted([10, 10, 10, 10, 20, 20, 10])
    rows[2]["weight"] = None
    with pytest.raises(DataError) as err:
        run(proj("P1", rows), profile="sichuan")
    assert "P1-03" in err.value.render()
    ev = run(proj("P1", _weighted([20, 10, 10, 10, 15, 15, 10])), profile="sichuan")
    assert ev.indicators["weight"].tolist() == [20, 10, 10, 10, 15, 15, 10]
    assert project_of(ev, "P1")["total"] == 100.0


def test_cost_as_its_own_first_level_block(tmp_path):
    # 财预〔2021〕101号: 成本指标 lifted out of 产出 by its 二级 label.
    path = tmp_path / "cost.toml"
    path.write_text(
        'extends = "mof-2020"\nname = "cost"\n[blocks]\n"产出指标" = 40\n'
        '"成本指标" = { weight = 10, level2 = ["成本指标"] }\n', encoding="utf-8")
    ev = run(proj("P1", replace(FULL, 3, actual="17000元/月")), profile=str(path))
    assert ev.blocks == ["产出指标", "成本指标", "效益指标", "满意度指标"]
    assert ev.indicators["weight"].tolist() == [13.34, 13.33, 13.33, 10.0, 15.0, 15.0, 10.0]
    p = project_of(ev, "P1")
    # 10 × 8500/17000 = 5.00.
    assert p["成本指标"] == 5.0 and p["产出指标"] == 40.0 and p["total"] == 95.0


def test_split_by_level2_then_equally(tmp_path):
    path = tmp_path / "l2.toml"
    path.write_text('extends = "mof-2020"\nname = "l2"\n[split]\nmethod = "by_level2"\n', encoding="utf-8")
    rows = [FULL[0], ("产出指标", "数量指标", "第二个数量", "≥1个", "1个"), FULL[1], FULL[2]] + FULL[4:]
    ev = run(proj("P1", rows), profile=str(path))
    # 产出 50 over 3 二级 → 16.67 (数量), 16.67 (质量), 16.66 (时效); 数量 16.67 over 2 → 8.34, 8.33.
    assert ev.indicators["weight"].tolist()[:4] == [8.34, 8.33, 16.67, 16.66]


def test_unknown_first_level_needs_review_with_an_error():
    ev = run(proj("P1", FULL + [("项目管理指标", "制度", "制度健全", "健全", "达成")]))
    r = row_of(ev, "制度健全")
    assert r["status"] == "needs_review" and "不在评分方案「mof-2020」" in r["review_reason"]
    assert [f.severity for f in ev.findings if f.check == "block-unknown"] == ["error"]


def test_department_total_is_budget_weighted():
    a = proj("A", FULL, budget=100000.0, executed=100000.0)
    b = proj("B", replace(FULL, 4, actual=None), budget=300000.0, executed=300000.0)
    ev = run(a, b)
    d = ev.department
    # (100 × 1 + 85 × 3) / 4 = 88.75.
    assert d["total"] == 88.75 and d["grade"] == "良"
    assert (d["budget"], d["executed"], d["exec_rate"]) == (400000.0, 400000.0, 1.0)
    assert (d["projects"], d["indicators"], d["needs_review"], d["incomplete_projects"]) == (2, 14, 1, 1)


def test_department_goals_are_scored_as_their_own_table():
    goals = DepartmentGoals(subgoals=[
        SubGoal(title="基层党建", indicators=[ind("DEPT-01", 1, ("产出指标", "质量指标", "特色占比", "≥95%", "96%"))]),
        SubGoal(title="应急管理", indicators=[ind("DEPT-02", 1, ("产出指标", "质量指标", "完成比例", "≥95%", "90%"))]),
    ])
    ev = evaluate(targets(proj("P1", FULL), department_goals=goals), checks=False)
    g = ev.department["goals"]
    # Execution 10 × 100 %; 90 over 2 = 45 each; 45 × 90/95 = 42.631… → 42.63.
    assert [r["score"] for r in g["indicators"]] == [45.0, 42.63]
    assert [r["subgoal"] for r in g["indicators"]] == ["基层党建", "应急管理"]
    assert (g["exec_score"], g["total"], g["grade"]) == (10.0, 97.63, "优")


def test_department_goals_without_actuals_are_not_scored():
    goals = DepartmentGoals(subgoals=[SubGoal(title="x", indicators=[
        ind("DEPT-01", 1, ("产出指标", "质量指标", "占比", "≥95%", None))])])
    ev = evaluate(targets(proj("P1", FULL), department_goals=goals), checks=False)
    assert "goals" not in ev.department


def test_monitoring_flags_a_lag():
    p = proj("P1", FULL, budget=100000.0, plan={"6月底": 50.0, "12月底": 100.0}, spent={"6月底": 40000.0})
    mon = run(p).monitoring.to_dict(orient="records")
    assert [m["checkpoint"] for m in mon] == ["6月底", "12月底"]
    assert (mon[0]["actual_pct"], mon[0]["lag_pct"], mon[0]["lagging"]) == (40.0, 10.0, True)
    assert math.isnan(mon[1]["actual_pct"]) and not mon[1]["lagging"]


def test_as_of_comes_from_the_option_then_source_date_epoch_then_year_end(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert resolve_as_of(None, 2023).isoformat() == "2023-12-31"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1706745600")  # 2024-02-01 UTC
    assert resolve_as_of(None, 2023).isoformat() == "2024-02-01"
    assert resolve_as_of("2024-03-15", 2023).isoformat() == "2024-03-15"
    with pytest.raises(UsageError):
        resolve_as_of("15/03/2024", 2023)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pytest.raises(UsageError):
        resolve_as_of(None, None)


def test_completed_without_timing_after_the_deadline_needs_review():
    rows = replace(FULL, 2, actual="基本完成")
    assert row_of(run(proj("P1", rows)), "工作完成时限")["status"] == "scored"
    r = row_of(run(proj("P1", rows), as_of="2024-02-01"), "工作完成时限")
    assert r["status"] == "needs_review" and "是否在截止日期前完成" in r["review_reason"]


def test_every_indicator_in_is_one_row_out_with_a_reason_unless_scored():
    rows = FULL + [("产出指标", "数量指标", "乱码", "见附件", "100"),
                   ("产出指标", "数量指标", "无值", "≥3个", None)]
    ev = run(proj("P1", rows), proj("P2", FULL[:3]))
    assert len(ev.indicators) == 12
    assert ev.indicators["indicator_id"].tolist() == [f"P1-{i:02d}" for i in range(1, 10)] + \
        [f"P2-{i:02d}" for i in range(1, 4)]
    for r in ev.indicators.to_dict(orient="records"):
        assert r["status"] in ("scored", "not_applicable", "needs_review")
        assert (r["status"] == "scored") == (r["review_reason"] == "")


def test_a_project_without_applicable_indicators_has_no_total():
    ev = run(proj("P0", []), proj("P1", [("效益指标", "社会效益指标", "x", "优", "不适用")]), proj("P2", FULL))
    p0, p1 = project_of(ev, "P0"), project_of(ev, "P1")
    for p in (p0, p1):
        assert math.isnan(p["total"]) and p["grade"] == "" and p["incomplete"]
        assert "no_indicators" in p["flags"].split(";") and "无法计算总分" in p["notes"]
    # The department total is the mean over projects that have one.
    assert ev.department["total"] == 100.0
