"""Findings the scoring engine raises while it scores (checks.registry.ENGINE_CHECKS):
each is made to fire through perfscore.scoring.evaluate, and kept quiet.

The year is test_review_roundtrip's (profile mof-2020: 执行 10, 产出 50, 效益 30,
满意度 10, split equally): 甲 A-1..A-4, 乙 B-1..B-4 with B-2 维修质量 优 / 优 (weight 25).
"""

from __future__ import annotations

from perfscore.checks import CHECKS
from perfscore.app.score import evaluate

from test_review_roundtrip import year_targets


def _with(project_code: str, changes: dict[str, dict]):
    """The year with indicator fields changed: {indicator id: {field: value}}."""
    t = year_targets()
    projects = []
    for p in t.projects:
        if p.code == project_code:
            p = p.model_copy(update={"indicators": [i.model_copy(update=changes.get(i.id, {})) for i in p.indicators]})
        projects.append(p)
    return t.model_copy(update={"projects": projects})


def _fired(targets, check_id):
    ev = evaluate(targets, "mof-2020", as_of="2023-12-31")
    return ev, [f for f in ev.findings if f.check == check_id]


def test_engine_checks_are_registered():
    for check_id in ("score-unreadable", "weights-block"):
        assert CHECKS[check_id].stage == "engine"


# --- score-unreadable: the unit's 得分 on a qualitative indicator is not a number ------------


def test_score_unreadable_fires():
    ev, hits = _fired(_with("B", {"B-2": {"score": "很好"}}), "score-unreadable")
    assert [(h.project_code, h.indicator_id, h.severity) for h in hits] == [("B", "B-2", "error")]
    assert "很好" in hits[0].message
    # Never guessed: the row needs review instead of taking a default score.
    row = ev.indicators.set_index("indicator_id").loc["B-2"]
    assert row["status"] == "needs_review" and "不是数字" in row["review_reason"]


def test_score_unreadable_quiet_for_a_number_or_no_score():
    for changes in ({}, {"B-2": {"score": "23"}}, {"B-2": {"score": "25"}}):
        ev, hits = _fired(_with("B", changes), "score-unreadable")
        assert hits == []
        assert ev.indicators.set_index("indicator_id").loc["B-2", "status"] == "scored"
    # 23 lies in 达成 [20, 25]: taken as the unit wrote it.
    ev, _ = _fired(_with("B", {"B-2": {"score": "23"}}), "score-unreadable")
    assert ev.indicators.set_index("indicator_id").loc["B-2", "score"] == 23.0


# --- weights-block: the table's 分值 per 一级 differ from the profile's block weights --------


def test_weights_block_fires():
    # 甲 with 分值 20 + 20 (产出, profile 50), 40 (效益, profile 30), 10 (满意度): the table adds
    # up to 90 + 执行 10 = 100, so no weights-gap, but two blocks differ from mof-2020.
    weights = {"A-1": {"weight": 20}, "A-2": {"weight": 20}, "A-3": {"weight": 40}, "A-4": {"weight": 10}}
    ev, hits = _fired(_with("A", weights), "weights-block")
    assert [(h.project_code, h.indicator_id, h.severity) for h in hits] == [("A", None, "warn"), ("A", None, "warn")]
    assert "产出指标各指标分值合计 40" in hits[0].message and "50" in hits[0].message
    assert "效益指标各指标分值合计 40" in hits[1].message and "30" in hits[1].message
    assert [f for f in ev.findings if f.check == "weights-gap"] == []
    # The table's weights are the ones scored (按表中分值计分).
    assert ev.indicators.set_index("indicator_id").loc["A-3", "weight"] == 40.0


def test_weights_block_quiet_when_the_table_matches_the_profile():
    weights = {"A-1": {"weight": 25}, "A-2": {"weight": 25}, "A-3": {"weight": 30}, "A-4": {"weight": 10}}
    _, hits = _fired(_with("A", weights), "weights-block")
    assert hits == []
    _, hits = _fired(year_targets(), "weights-block")   # no 分值 in the table at all
    assert hits == []
