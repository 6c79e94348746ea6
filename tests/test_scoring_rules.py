"""The formulas of domain.md §4 and the exact rounding, with hand-worked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from perfscore.scoring import rules
from perfscore.scoring.numeric import div_quanta, format_fixed, from_quanta, split_quanta, to_quanta
from perfscore.scoring.survey import proportion_ci


def a(*xs):
    return np.array(xs, dtype=float)


def test_ge_full_at_or_above_target_else_proportional():
    got = rules.ge_share(a(96, 95, 90, 0), a(95, 95, 95, 95))
    assert got.tolist() == [1.0, 1.0, pytest.approx(90 / 95), 0.0]


def test_ge_strict_zero_target_needs_a_positive_actual():
    # '>0': A = 0 does not meet it (no division by zero), any positive A does.
    got = rules.ge_share(a(0, 3), a(0, 0), strict=np.array([True, True]))
    assert got.tolist() == [0.0, 1.0]
    # '≥0' is met by 0.
    assert rules.ge_share(a(0), a(0)).tolist() == [1.0]


def test_le_ratio_is_target_over_actual():
    # The seed's 2022 cost: 48000 > 46875元/月 → 46875/48000 = 0.9765625.
    got = rules.le_share(a(48000, 46000, 46875), a(46875, 46875, 46875), "ratio")
    assert got.tolist() == [0.9765625, 1.0, 1.0]


def test_le_linear_reaches_zero_at_twice_the_target():
    # 1 − (A − T)/T: 1.95 vs 1.82 → 1 − 0.13/1.82 = 0.928571…; A = 2T → 0; beyond → 0.
    got = rules.le_share(a(1.95, 3.64, 5.0, 1.0), a(1.82, 1.82, 1.82, 1.82), "linear")
    assert got[0] == pytest.approx(1 - 0.13 / 1.82)
    assert got[1:].tolist() == [0.0, 0.0, 1.0]


def test_le_zero_target():
    assert rules.le_share(a(0, 5), a(0, 0), "ratio").tolist() == [1.0, 0.0]
    assert rules.le_share(a(0, 5), a(0, 0), "linear").tolist() == [1.0, 0.0]


def test_eq_symmetric_deviation_and_zero_target():
    got = rules.eq_share(a(98, 102, 100, 250, 0, 3), a(100, 100, 100, 100, 0, 0))
    assert got.tolist() == [pytest.approx(0.98), pytest.approx(0.98), 1.0, 0.0, 1.0, 0.0]


def test_range_proportional_to_the_nearer_bound():
    got = rules.range_share(a(92, 90, 95, 85, 98), a(90, 90, 90, 90, 90), a(95, 95, 95, 95, 95))
    assert got.tolist() == [1.0, 1.0, 1.0, pytest.approx(85 / 90), pytest.approx(95 / 98)]


def test_overshoot_ratio_and_deduction():
    ratio = rules.overshoot_ratio(a(160, 20000), a(100, 46875), np.array([False, True]))
    assert ratio.tolist() == [1.6, pytest.approx(46875 / 20000)]
    # Deduct only past the threshold, capped: 1.6 − 1.3 = 0.3; 2.34 − 1.3 = 1.04 → cap 0.5.
    ded = rules.overshoot_deduction(ratio, 1.3, 0.5)
    assert ded.tolist() == [pytest.approx(0.3), 0.5]
    assert rules.overshoot_deduction(a(1.29), 1.3, 0.5).tolist() == [0.0]


def test_deadline_tiers_with_grace():
    late = a(-10, 0, 1, 90, 91)
    got = rules.deadline_tier(late, 90, rules.PARTIAL, rules.MISSED)
    assert got.tolist() == [rules.ACHIEVED, rules.ACHIEVED, rules.PARTIAL, rules.PARTIAL, rules.MISSED]


def test_grade_ladder_tiers():
    got = rules.ladder_tier(a(-1, 0, 1, 2, 3), rules.PARTIAL, rules.MISSED)
    assert got.tolist() == [rules.ACHIEVED, rules.ACHIEVED, rules.PARTIAL, rules.MISSED, rules.MISSED]


def test_explicit_score_must_lie_inside_its_tier():
    lows, highs = a(0.8, 0.6, 0.0), a(1.0, 0.8, 0.6)
    tier = np.array([0, 0, 1, 1, 1, 2, 2])
    share = a(1.0, 0.79, 0.76, 0.8, 0.6, 0.59, 0.6)
    assert rules.share_in_tier(share, tier, lows, highs).tolist() == [True, False, True, False, True, True, False]


def test_half_up_rounding_to_quanta():
    assert to_quanta(a(0.125), 2).tolist() == [13.0]
    assert to_quanta(a(0.125), 2, "half_even").tolist() == [12.0]
    # 2.675 is 2.67499999… in binary; the score it stands for rounds up.
    assert to_quanta(a(2.675), 2).tolist() == [268.0]
    # 8×1.82/1.95 = 7.4666… → 7.47; 12.5×0.7 = 8.749999… in binary → 8.75.
    assert to_quanta(a(8 * 1.82 / 1.95, 12.5 * 0.7), 2).tolist() == [747.0, 875.0]
    assert from_quanta(a(747), 2).tolist() == [7.47]
    assert format_fixed(a(7.47, 12.5, np.nan), 2).tolist() == ["7.47", "12.50", ""]


def test_split_adds_up_exactly():
    # 50 points over 3 indicators: 16.67 + 16.67 + 16.66 = 50.00.
    parts = split_quanta(a(5000, 5000, 5000), np.array([0, 1, 2]), np.array([3, 3, 3]))
    assert parts.tolist() == [1667, 1667, 1666]
    assert parts.sum() == 5000


def test_rescaled_total_is_exact_half_up():
    # 75.50 of 85 applicable → 88.8235… → 88.82; 99.995 → 100.00 (half up on integers).
    assert div_quanta(a(7550 * 10000), a(8500)).tolist() == [8882.0]
    assert div_quanta(a(1 * 10000 + 0), a(8000)).tolist() == [1.0]
    assert div_quanta(a(5), a(10)).tolist() == [1.0]   # 0.5 → 1
    assert div_quanta(a(5), a(10), "half_even").tolist() == [0.0]
    assert math.isnan(div_quanta(a(5), a(0))[0])


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half) * 100, (centre + half) * 100


def test_survey_wilson_interval_matches_the_formula():
    z = stats.norm.ppf(0.975)
    low, high = proportion_ci(a(48, 96, np.nan), a(50, 100, np.nan), confidence=0.95, method="wilson")
    for i, (k, n) in enumerate([(48, 50), (96, 100)]):
        lo, hi = _wilson(k, n, z)
        assert low[i] == pytest.approx(lo, abs=1e-9)
        assert high[i] == pytest.approx(hi, abs=1e-9)
    assert math.isnan(low[2])
    # 48 of 50 satisfied (96 %) is compatible with a true rate of 86.5 %: below a 95 % target.
    assert round(low[0], 1) == 86.5


def test_survey_clopper_pearson_interval_matches_the_beta_quantiles():
    low, high = proportion_ci(a(48), a(50), confidence=0.95, method="exact")
    assert low[0] == pytest.approx(stats.beta.ppf(0.025, 48, 3) * 100)
    assert high[0] == pytest.approx(stats.beta.ppf(0.975, 49, 2) * 100)
