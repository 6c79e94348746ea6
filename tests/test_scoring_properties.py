"""Properties of the scoring (issue 4, Done-when): 0 ≤ score ≤ weight; a score never
falls as the actual improves (≥, ≤, =, range separately); not-applicable re-scales to
100; totals equal the sum of their parts. First on the formulas over random numbers,
then through the whole engine on random projects written as target/actual text."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from perfscore.app.score import evaluate
from perfscore.scoring import rules
from perfscore.scoring.numeric import from_quanta, to_quanta
from test_scoring_support import proj, targets

values = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
weights = st.integers(min_value=1, max_value=5000)  # in quanta (0.01 … 50.00)


def one(fn, *args):
    return float(fn(*[np.array([x], dtype=float) for x in args])[0])


@given(values, values, weights)
def test_every_formula_stays_within_the_weight(a, t, w_q):
    w = w_q / 100
    for share in (one(rules.ge_share, a, t), one(lambda x, y: rules.le_share(x, y, "ratio"), a, t),
                  one(lambda x, y: rules.le_share(x, y, "linear"), a, t), one(rules.eq_share, a, t),
                  one(rules.range_share, a, min(a, t), max(a, t) + 1)):
        assert 0.0 <= share <= 1.0
        q = to_quanta(np.array([share * w]), 2)[0]
        assert 0 <= q <= w_q


@given(values, values, positive)
def test_ge_never_falls_as_the_actual_rises(a1, a2, t):
    lo, hi = sorted((a1, a2))
    assert one(rules.ge_share, lo, t) <= one(rules.ge_share, hi, t)


@given(values, values, positive, st.sampled_from(["ratio", "linear"]))
def test_le_never_falls_as_the_actual_drops(a1, a2, t, method):
    lo, hi = sorted((a1, a2))
    le = lambda x, y: rules.le_share(x, y, method)  # noqa: E731
    assert one(le, lo, t) >= one(le, hi, t)


@given(values, values, positive)
def test_eq_never_falls_as_the_actual_comes_closer(a1, a2, t):
    near, far = sorted((a1, a2), key=lambda a: abs(a - t))
    assert one(rules.eq_share, near, t) >= one(rules.eq_share, far, t)


@given(values, values, positive, positive)
def test_range_never_falls_as_the_actual_comes_closer(a1, a2, b1, b2):
    low, high = sorted((b1, b2))
    below = sorted((min(a1, low), min(a2, low)))       # approaching the low bound from below
    above = sorted((max(a1, high), max(a2, high)))     # approaching the high bound from above
    assert one(rules.range_share, below[0], low, high) <= one(rules.range_share, below[1], low, high)
    assert one(rules.range_share, above[1], low, high) <= one(rules.range_share, above[0], low, high)


# --- through the engine, on text ---------------------------------------------------------

KINDS = {
    # kind: (一级, 二级, target text, actual text) from integers t and a
    "ge": ("产出指标", "数量指标", lambda t: f"≥{t}个", lambda a: f"{a}个"),
    "le": ("产出指标", "成本指标", lambda t: f"≤{t}元/月", lambda a: f"{a}元/月"),
    "eq": ("效益指标", "社会效益指标", lambda t: f"={t}件", lambda a: f"{a}件"),
    "range": ("效益指标", "可持续影响指标", lambda t: f"{t}-{t + 10}个", lambda a: f"{a}个"),
    "pct": ("满意度指标", "服务对象满意度指标", lambda t: f"≥{min(t, 100)}%", lambda a: f"{min(a, 100)}%"),
}

indicator = st.tuples(st.sampled_from(sorted(KINDS)), st.integers(1, 500), st.integers(0, 1000),
                      st.booleans())


def _rows(spec):
    rows = []
    for i, (kind, t, a, na) in enumerate(spec):
        l1, l2, tt, at = KINDS[kind]
        rows.append((l1, l2, f"{kind}{i}", tt(t), "不适用" if na else at(a)))
    return rows


@settings(max_examples=40, deadline=None)
@given(st.lists(indicator, min_size=1, max_size=9), st.floats(0, 1.5))
def test_engine_scores_within_weights_and_totals_are_their_parts(spec, rate):
    ev = evaluate(targets(proj("P", _rows(spec), budget=100000.0, executed=round(100000.0 * rate, 2))),
                  checks=False)
    ind = ev.indicators
    scored = ind[ind["status"] == "scored"]
    assert ((scored["score"] >= 0) & (scored["score"] <= scored["weight"])).all()
    p = ev.projects.iloc[0]
    parts = p["exec_score"] + sum(0 if math.isnan(p[b]) else p[b] for b in ev.blocks)
    assert round(parts, 2) == p["raw_total"]
    assert round(scored["score"].sum() + p["exec_score"], 2) == p["raw_total"]
    # Full weights add up to 100 for the blocks present (missing blocks are re-scaled away).
    assert round(ind["weight"].sum() + p["exec_weight"], 2) <= 100
    if (ind["status"] == "not_applicable").all():
        assert math.isnan(p["total"])  # no applicable indicator: no total
    else:
        expected = to_quanta([p["raw_total"] * 100 / p["applicable_weight"]], 2)[0]
        assert abs(p["total"] * 100 - expected) <= 1  # same value up to the one rounding step
    if p["applicable_weight"] == 100:
        assert p["total"] == p["raw_total"]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(KINDS)), st.integers(1, 500), st.integers(0, 1000), st.integers(0, 1000))
def test_engine_score_never_falls_as_the_actual_improves(kind, t, a1, a2):
    l1, l2, tt, at = KINDS[kind]
    target = tt(t)
    if kind == "le":
        worse, better = sorted((a1, a2), reverse=True)
    elif kind in ("ge", "pct"):
        worse, better = sorted((a1, a2))
    else:
        centre = t if kind == "eq" else t + 5
        far_first = sorted((a1, a2), key=lambda a: -abs(a - centre))
        if kind == "range":
            # Closer to the interval means closer to the nearer bound on the same side.
            far_first = sorted((a1, a2), key=lambda a: -max(t - a, a - (t + 10), 0))
            if (a1 - t) * (a2 - t) < 0 and min(a1, a2) < t and max(a1, a2) > t + 10:
                return  # on opposite sides no order is implied
        worse, better = far_first
    ev = evaluate(targets(proj("W", [(l1, l2, "x", target, at(worse))]),
                          proj("B", [(l1, l2, "x", target, at(better))])), checks=False)
    s_worse, s_better = ev.indicators["score"].tolist()
    assert s_better >= s_worse


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(1, 100), st.booleans()),
                min_size=2, max_size=9))
def test_not_applicable_rescales_to_100(spec):
    # Every applicable indicator met (actual = target, inside the range), some not applicable.
    if all(na for _, _, na in spec):
        spec = [(spec[0][0], spec[0][1], False)] + spec[1:]
    rows = []
    for i, (kind, t, na) in enumerate(spec):
        l1, l2, tt, at = KINDS[kind]
        rows.append((l1, l2, f"{kind}{i}", tt(t), "不适用" if na else at(t)))
    p = evaluate(targets(proj("P", rows)), checks=False).projects.iloc[0]
    assert p["total"] == 100.0
    assert p["applicable_weight"] <= 100


def test_weights_split_exactly_whatever_the_count():
    for n in range(1, 14):
        rows = [("产出指标", "数量指标", f"x{i}", "≥1个", "1个") for i in range(n)]
        ev = evaluate(targets(proj("P", rows)), checks=False)
        assert round(ev.indicators["weight"].sum(), 2) == 50.0
        assert from_quanta(to_quanta(ev.indicators["weight"], 2), 2).tolist() == ev.indicators["weight"].tolist()
