"""Scoring edge cases: targets of 0 or below; projects with nothing scored yet."""

import pytest

from perfscore.app.score import evaluate
from tests.test_scoring_support import FULL, proj, replace, row_of, targets


def _score(target, actual, profile=None, level3="办公成本"):
    rows = replace(FULL, 3, target=target, actual=actual, level3=level3)
    return row_of(evaluate(targets(proj("P1", rows)), profile), level3)


@pytest.mark.parametrize("target,actual", [
    ("≥-5", "-8"),       # a missed negative floor: -8/-5 would be a ratio above 1
    ("≥0", "-2"),        # ≥0 missed: A/0
    ("≤-2", "-1"),       # T/A = 2, meaningless
    ("-5~-1", "-9"),     # below a range whose lower bound is negative
])
def test_missed_nonpositive_targets_need_review(target, actual):
    row = _score(target, actual)
    assert row["status"] == "needs_review"
    assert "0或负数" in row["review_reason"]


@pytest.mark.parametrize("target,actual", [("≥-5", "-3"), ("≥0", "0"), ("≤-2", "-3"), ("-5~-1", "-2")])
def test_met_nonpositive_targets_score_in_full(target, actual):
    row = _score(target, actual)
    assert row["status"] == "scored" and row["score"] == row["weight"]


def test_le_linear_needs_a_positive_target_but_ratio_only_a_positive_actual():
    # ≤0 with 3: the ratio rule gives T/A = 0 (a clean 0), the straight line has no base
    assert _score("≤0", "3")["status"] == "scored"
    assert _score("≤0", "3", "fasp-linear")["status"] == "needs_review"


def test_a_project_with_nothing_scored_has_no_total_and_stays_out_of_the_department():
    from perfscore.app.score import evaluate as ev_
    from tests.test_scoring_support import project_of

    blank = [(l1, l2, l3, t, None) for l1, l2, l3, t, _ in FULL]
    ev = ev_(targets(proj("P1", FULL, budget=100000.0), proj("P2", blank, budget=900000.0, executed=None)))
    p2 = project_of(ev, "P2")
    assert p2["total"] != p2["total"] and p2["grade"] == ""  # NaN: no total, no grade
    assert "unscored" in p2["flags"].split(";")
    # the department is P1 alone, not (P1×1 + 0×9)/10
    assert ev.department["total"] == project_of(ev, "P1")["total"]
