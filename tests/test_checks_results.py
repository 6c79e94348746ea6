"""Result checks at evaluate: each fires on a crafted self-evaluation and stays quiet on a sound one.

Evaluations come from the real engine (perfscore.scoring.evaluate) on small Targets
carrying actuals; a few tests then edit the Evaluation the way a hand-edited
results.json or a unit's own 得分 column would.
"""

from __future__ import annotations

import pytest

from perfscore.checks import apply_profile, check_results
from perfscore.comparison import FLAG_NOT_ABOVE_LAST_ACTUAL, compare
from perfscore.model import Finding
from perfscore.app.score import evaluate

from test_checks_targets import WAN, project, targets

# The sound self-evaluation: one miss (95 of 100 宣传品), explained; every other target met.
ACTUALS = {
    "宣传品数量": ("95个", "印刷厂停产一个月，少印5个；已更换供应商", "入库单"),
    "任务完成率": ("96%", "", "考核通报"),
    "工作完成时限": ("2023-11-30", "", "工作总结"),
    "工作经费成本": ("50000元/月", "", "明细账"),
    "受益居民人数": ("1100人", "", "台账"),
    "居民满意度": ("满意96人/共100人", "", ""),
}


def sound(name="2023年街道体制经费", changes=None, executed=65 * WAN):
    actuals = {**ACTUALS, **(changes or {})}
    p = project(name=name)
    inds = []
    for ind in p.indicators:
        actual, reason, evidence = actuals[ind.level3]
        inds.append(ind.model_copy(update={"actual": actual, "reason": reason or None, "evidence": evidence or None}))
    p = p.model_copy(update={"indicators": inds, "budget_full_year": 67 * WAN, "executed": executed})
    return targets(p)


def run(t, profile=None, previous=None, edit=None):
    ev = evaluate(t, as_of="2023-12-31")
    if edit:
        ev.indicators, ev.projects = ev.indicators.copy(), ev.projects.copy()
        edit(ev)
    return check_results(ev, profile, previous=previous)


def fired(findings, check_id):
    return [f for f in findings if f.check == check_id]


@pytest.fixture(scope="module")
def sound_findings():
    return run(sound())


def test_sound_evaluation_is_quiet(sound_findings):
    assert sound_findings == []


def test_missed_without_reason(sound_findings):
    hits = fired(run(sound(changes={"宣传品数量": ("95个", "", "入库单")})), "missed-no-reason")
    assert [h.indicator_id for h in hits] == ["P1-1"] and "偏差原因" in hits[0].message
    assert fired(sound_findings, "missed-no-reason") == []


@pytest.mark.parametrize("none_word", ["暂无", "无", "暂无问题。", "/"])
def test_missed_but_no_problem(none_word):
    findings = run(sound(changes={"宣传品数量": ("95个", none_word, "入库单")}))
    assert [h.indicator_id for h in fired(findings, "missed-no-problem")] == ["P1-1"]
    assert fired(findings, "missed-no-reason") == []


def test_missed_with_a_real_reason_is_quiet(sound_findings):
    assert fired(sound_findings, "missed-no-problem") == []


def test_overshoot_without_reason(sound_findings):
    # 1300 ≥ 130 % × 1000 → flagged; 1290 is 129 % → quiet; with a reason → quiet.
    hits = fired(run(sound(changes={"受益居民人数": ("1300人", "", "台账")})), "overshoot-no-reason")
    assert [h.indicator_id for h in hits] == ["P1-5"] and "130%" in hits[0].message
    assert fired(run(sound(changes={"受益居民人数": ("1290人", "", "台账")})), "overshoot-no-reason") == []
    assert fired(run(sound(changes={"受益居民人数": ("1300人", "旧城改造新增住户", "台账")})),
                 "overshoot-no-reason") == []
    assert fired(sound_findings, "overshoot-no-reason") == []


def test_overshoot_of_a_cost_cap_without_reason(sound_findings):
    # ≤55833.34元/月 spent 40000元/月: T / A = 139.6 % ≥ 130 % → the engine flags overshoot,
    # and the check follows it (a cap far above what was needed is set too loosely).
    # 50000元/月 is 111.7 % → quiet.
    findings = run(sound(changes={"工作经费成本": ("40000元/月", "", "明细账")}))
    hits = fired(findings, "overshoot-no-reason")
    assert [h.indicator_id for h in hits] == ["P1-4"]
    assert "139.6%" in hits[0].message and "上限可能设置偏宽" in hits[0].message
    assert fired(run(sound(changes={"工作经费成本": ("40000元/月", "节约办公开支", "明细账")})),
                 "overshoot-no-reason") == []
    assert fired(sound_findings, "overshoot-no-reason") == []


def test_overshoot_follows_the_engines_flag():
    # The engine's overshoot flag is the source of truth: the same actuals without the flag
    # (a results.json scored with a higher threshold, or hand-edited) are not reported.
    t = sound(changes={"受益居民人数": ("1300人", "", "台账")})
    assert len(fired(run(t), "overshoot-no-reason")) == 1

    def unflag(ev):
        ev.indicators["flags"] = ev.indicators["flags"].str.replace("overshoot", "", regex=False)
    assert fired(run(t, edit=unflag), "overshoot-no-reason") == []


def test_overshoot_threshold_of_the_scoring_profile(tmp_path):
    # A profile with overshoot.threshold 1.5: the engine does not flag 130 %, so neither
    # does the check; 160 % is flagged and reported with the profile's 150 %.
    from perfscore.scoring import load_profile

    path = tmp_path / "lax.toml"
    path.write_text('extends = "mof-2020"\n[overshoot]\nthreshold = 1.5\n', encoding="utf-8")
    prof = load_profile(str(path))
    for actual, expected in (("1300人", []), ("1600人", ["P1-5"])):
        ev = evaluate(sound(changes={"受益居民人数": (actual, "", "台账")}), prof, as_of="2023-12-31")
        hits = fired(check_results(ev, prof), "overshoot-no-reason")
        assert [h.indicator_id for h in hits] == expected
        assert all("≥150%" in h.message for h in hits)


def test_overshoot_threshold_follows_the_profile():
    t = sound(changes={"受益居民人数": ("1300人", "", "台账")})
    assert fired(run(t, {"options": {"overshoot_ratio": 1.5}}), "overshoot-no-reason") == []


def test_exec_low_without_reason():
    def with_reason(text):
        def edit(ev):
            ev.projects["exec_reason"] = text
        return edit
    low = sound(executed=50 * WAN)  # 74.6 %
    hits = fired(run(low, edit=with_reason("")), "exec-low-no-reason")
    assert len(hits) == 1 and "74.6%" in hits[0].message
    assert fired(run(low, edit=with_reason("项目延期至次年")), "exec-low-no-reason") == []
    assert fired(run(sound(), edit=with_reason("")), "exec-low-no-reason") == []
    # An Evaluation without the column says nothing about reasons: never guess.
    def drop(ev):
        ev.projects = ev.projects.drop(columns=["exec_reason"], errors="ignore")
    assert fired(run(low, edit=drop), "exec-low-no-reason") == []


def test_exec_low_reason_from_the_actuals_row():
    # The engine carries Project.exec_reason (the 全年执行数 row's 偏差原因) into the Evaluation.
    low = sound(executed=50 * WAN)
    explained = low.model_copy(update={"projects": [low.projects[0].model_copy(
        update={"exec_reason": "项目延期至次年"})]})
    evaluation = evaluate(explained, as_of="2023-12-31")
    assert evaluation.projects["exec_reason"].tolist() == ["项目延期至次年"]
    assert fired(check_results(evaluation), "exec-low-no-reason") == []
    assert len(fired(check_results(evaluate(low, as_of="2023-12-31")), "exec-low-no-reason")) == 1


@pytest.mark.parametrize("word", ["完成", "已完成", "达成预期指标"])
def test_text_as_actual_of_a_quantitative_indicator(word, sound_findings):
    findings = run(sound(changes={"宣传品数量": (word, "", "入库单")}))
    assert [h.indicator_id for h in fired(findings, "text-actual")] == ["P1-1"]
    assert fired(sound_findings, "text-actual") == []


@pytest.mark.parametrize("placeholder", ["*", "_", "-", "/", "－", "…"])
def test_placeholder_as_actual(placeholder, sound_findings):
    findings = run(sound(changes={"宣传品数量": (placeholder, "", "入库单")}))
    hits = fired(findings, "placeholder-actual")
    assert [(h.indicator_id, h.severity) for h in hits] == [("P1-1", "warn")]
    assert f"「{placeholder}」" in hits[0].message and "占位符" in hits[0].message
    assert fired(sound_findings, "placeholder-actual") == []


@pytest.mark.parametrize("word", ["无", "—", "不适用"])
def test_not_applicable_words_are_not_placeholders(word):
    # 无 and — are read as 不适用 (excluded and re-scaled), not as a value left blank.
    assert fired(run(sound(changes={"宣传品数量": (word, "", "入库单")})), "placeholder-actual") == []


def test_incomparable_units(sound_findings):
    findings = run(sound(changes={"宣传品数量": ("5万元", "", "入库单")}))
    hits = fired(findings, "incomparable-units")
    assert [h.indicator_id for h in hits] == ["P1-1"] and "元" in hits[0].message
    assert fired(sound_findings, "incomparable-units") == []


def test_satisfaction_without_survey_evidence(sound_findings):
    hits = fired(run(sound(changes={"居民满意度": ("96%", "", "")})), "satisfaction-no-evidence")
    assert [h.indicator_id for h in hits] == ["P1-6"]
    assert fired(run(sound(changes={"居民满意度": ("96%", "", "问卷汇总表")})), "satisfaction-no-evidence") == []
    assert fired(sound_findings, "satisfaction-no-evidence") == []


def test_whole_department_full_scores(sound_findings):
    t = sound(changes={"宣传品数量": ("100个", "", "入库单")}, executed=67 * WAN)
    hits = fired(run(t), "all-full-scores")
    assert len(hits) == 1 and hits[0].project_code is None
    assert fired(sound_findings, "all-full-scores") == []


def test_full_score_although_missed(sound_findings):
    def claim_full(ev):
        i = ev.indicators.index[ev.indicators["level3"] == "宣传品数量"][0]
        ev.indicators.loc[i, "score"] = ev.indicators.loc[i, "weight"]
    hits = fired(run(sound(), edit=claim_full), "full-score-missed")
    assert [h.indicator_id for h in hits] == ["P1-1"] and hits[0].severity == "error"
    assert fired(sound_findings, "full-score-missed") == []


def test_full_self_score_although_missed():
    def claim(ev):
        i = ev.indicators.index[ev.indicators["level3"] == "宣传品数量"][0]
        ev.indicators.loc[i, "self_score"] = "12.5"
    hits = fired(run(sound(), edit=claim), "full-score-missed")
    assert len(hits) == 1 and "自评填报满分12.5" in hits[0].message


def test_target_not_above_last_year():
    # Last year (the same project, named 2022年…): every actual below this year's target
    # except 宣传品数量 (120个 against ≥100个) → only that one is set too low.
    below = {"任务完成率": ("90%", "原因", "考核通报"), "工作经费成本": ("60000元/月", "原因", "明细账"),
             "受益居民人数": ("900人", "原因", "台账"), "居民满意度": ("满意90人/共100人", "原因", "问卷")}
    previous = evaluate(sound(name="2022年街道体制经费", changes={**below, "宣传品数量": ("120个", "", "入库单")}),
                        as_of="2022-12-31")
    hits = fired(run(sound(), previous=previous), "target-not-above-last-year")
    assert [h.indicator_id for h in hits] == ["P1-1"] and "120个" in hits[0].message
    lower = evaluate(sound(name="2022年街道体制经费", changes={**below, "宣传品数量": ("90个", "原因", "入库单")}),
                     as_of="2022-12-31")
    assert fired(run(sound(), previous=lower), "target-not-above-last-year") == []
    assert fired(run(sound()), "target-not-above-last-year") == []


def test_target_not_above_last_year_for_survey_but_not_for_cost_caps():
    # The same actuals as this year's sound ones: ≥95% vs 96/100 surveyed, ≥1000人 vs 1100人,
    # ≥95% vs 96% → set at or below what was already achieved. The cost cap ≤55833.34元/月
    # against 50000元/月 spent is not: a ≤ cap follows the budget (budget ÷ period), so
    # last year's spending under it is by design, as the year comparison says too.
    previous = evaluate(sound(name="2022年街道体制经费"), as_of="2022-12-31")
    hits = fired(run(sound(), previous=previous), "target-not-above-last-year")
    assert [h.indicator_id for h in hits] == ["P1-2", "P1-5", "P1-6"]
    assert "未高于上年实际完成值96%" in hits[0].message


def test_target_not_above_last_year_agrees_with_the_year_comparison():
    # One matching and one rule: the check reports exactly the indicators the compare
    # section flags 指标值设置偏低 — here across a renamed project (ordinal prefix and year)
    # and a renamed indicator matched by similarity (受益居民人数 → 受益居民总人数).
    previous = evaluate(sound(name="2022年街道体制经费"), as_of="2022-12-31")
    t = sound(name="（1）2023年街道体制经费")
    p = t.projects[0]
    inds = [i.model_copy(update={"level3": "受益居民总人数"}) if i.level3 == "受益居民人数" else i
            for i in p.indicators]
    t = t.model_copy(update={"projects": [p.model_copy(update={"code": "P9", "indicators": inds})]})
    current = evaluate(t, as_of="2023-12-31")
    flagged = sorted((pt.members[1].code, it.members[1].id) for _, pt, it, flag, _ in compare([previous, current])
                     .flagged() if flag == FLAG_NOT_ABOVE_LAST_ACTUAL)
    hits = fired(check_results(current, previous=previous), "target-not-above-last-year")
    assert sorted((h.project_code, h.indicator_id) for h in hits) == flagged == [
        ("P9", "P1-2"), ("P9", "P1-5"), ("P9", "P1-6")]


def test_apply_profile_on_engine_findings():
    f = [Finding(check="score-outside-tier", severity="error", message="x"),
         Finding(check="weights-gap", severity="error", message="y")]
    out = apply_profile(f, {"disable": ["weights-gap"], "severity": {"score-outside-tier": "warn"}})
    assert [(x.check, x.severity) for x in out] == [("score-outside-tier", "warn")]


def test_result_checks_respect_disable():
    t = sound(changes={"宣传品数量": ("95个", "", "入库单")})
    assert fired(run(t, {"disable": ["missed-no-reason"]}), "missed-no-reason") == []
    assert [f.indicator_id for f in fired(run(t), "missed-no-reason")] == ["P1-1"]
