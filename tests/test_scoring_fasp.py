"""Under fasp-linear the same year differs from mof-2020 exactly where the rules differ
(issue 4, Done-when): ≤ scored by a straight line instead of T/A, and = scored like ≥.

In the sample year (data/yanshan-2023) only one ≤ indicator was overspent and no
indicator has an '=' target, so exactly one score and one total change, worked by hand:

- 13020823P00018410001J-04 最小成本完成工作, ≤46875元/月, actual 48000元/月, w = 12.50:
  mof-2020    12.5 × 46875/48000            = 12.20703… → 12.21
  fasp-linear 12.5 × (1 − (48000−46875)/46875) = 12.5 × 0.976 = 12.20
- project 13020823P00018410001J: 99.71 → 99.70 (the other 10 projects unchanged).
"""

from __future__ import annotations

import pytest

from perfscore.app.score import evaluate
from perfscore.app.run import load_inputs
from test_scoring_support import DATA, FULL, proj, replace, row_of, targets


@pytest.fixture(scope="module")
def year():
    if not (DATA / "targets.json").is_file() or not (DATA / "actuals.csv").is_file():
        pytest.skip("sample year not present")
    return load_inputs(DATA / "targets.json", DATA / "actuals.csv")


def test_sample_year_differs_exactly_at_the_overspent_cost(year):
    mof = evaluate(year, "mof-2020", checks=False)
    fasp = evaluate(year, "fasp-linear", checks=False)
    a, b = mof.indicators, fasp.indicators
    assert a["indicator_id"].tolist() == b["indicator_id"].tolist()
    differs = a["score"].fillna(-1) != b["score"].fillna(-1)
    changed = {i: (x, y) for i, x, y in zip(a["indicator_id"][differs], a["score"][differs], b["score"][differs])}
    assert changed == {"13020823P00018410001J-04": (12.21, 12.20)}
    # The rule names change for every ≤ row (met or not); nothing else changes.
    le = a["rule"] == "le-ratio"
    assert (b["rule"][le] == "le-linear").all()
    assert (a["rule"][~le] == b["rule"][~le]).all()
    assert (a["status"] == b["status"]).all()
    totals = dict(zip(mof.projects["project_code"], zip(mof.projects["total"], fasp.projects["total"])))
    assert {k: v for k, v in totals.items() if v[0] != v[1]} == {"13020823P00018410001J": (99.71, 99.70)}


def test_equality_scored_like_ge_only_differs_above_the_target():
    rows = replace(replace(FULL, 1, target="=100%", actual="102%"), 5, target="=100%", actual="98%")
    mof = evaluate(targets(proj("P1", rows)), "mof-2020", checks=False)
    fasp = evaluate(targets(proj("P1", rows)), "fasp-linear", checks=False)
    # Above: symmetric deviation 12.5 × (1 − 2/100) = 12.25, like ≥ → full 12.50.
    assert (row_of(mof, "验收合格率")["score"], row_of(fasp, "验收合格率")["score"]) == (12.25, 12.5)
    # Below: 15 × (1 − 2/100) = 14.70 and 15 × 98/100 = 14.70: the same.
    assert (row_of(mof, "办结比率")["score"], row_of(fasp, "办结比率")["score"]) == (14.7, 14.7)
    assert (row_of(mof, "办结比率")["rule"], row_of(fasp, "办结比率")["rule"]) == ("eq-deviation", "eq-ge")


def test_linear_cost_reaches_zero_at_twice_the_target():
    rows = replace(FULL, 3, actual="17000元/月")   # 2 × 8500
    assert row_of(evaluate(targets(proj("P1", rows)), "mof-2020", checks=False), "办公成本")["score"] == 6.25
    assert row_of(evaluate(targets(proj("P1", rows)), "fasp-linear", checks=False), "办公成本")["score"] == 0.0
