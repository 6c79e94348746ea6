"""The survey interval's closed form (scoring/survey.py) against scipy.stats.binomtest.

The Wilson bounds are computed without scipy.stats; they must be bit for bit what
``binomtest(k, n).proportion_ci(method='wilson')`` gives, or results.csv would change."""

from __future__ import annotations

import functools
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import ndtri

from perfscore.scoring import survey
from perfscore.scoring.survey import proportion_ci


@functools.lru_cache(maxsize=None)
def _binomtest(k: int, n: int):
    # the test's p-value is most of binomtest's time and no interval depends on it: one
    # test per pair serves every confidence level
    return stats.binomtest(k, n)


def scipy_ci(k: int, n: int, confidence: float, method: str) -> tuple[float, float]:
    ci = _binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method=method)
    return ci.low * 100.0, ci.high * 100.0


def same_bits(x: float, y: float) -> bool:
    return np.float64(x).tobytes() == np.float64(y).tobytes()


def test_the_stored_quantiles_are_scipys():
    for confidence, z in survey._Z.items():
        assert same_bits(z, float(ndtri(0.5 + 0.5 * confidence))), confidence


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.6827])
def test_wilson_equals_binomtest_for_every_pair_up_to_120_respondents(confidence):
    pairs = [(k, n) for n in range(1, 121) for k in range(n + 1)]
    k = np.array([p[0] for p in pairs], dtype=float)
    n = np.array([p[1] for p in pairs], dtype=float)
    low, high = proportion_ci(k, n, confidence=confidence, method="wilson")
    for i, (kk, nn) in enumerate(pairs):
        lo, hi = scipy_ci(kk, nn, confidence, "wilson")
        assert same_bits(low[i], lo) and same_bits(high[i], hi), (kk, nn, confidence)


@settings(max_examples=400, deadline=None)
@given(n=st.integers(1, 10**7), frac=st.floats(0, 1), confidence=st.floats(0.01, 0.9999))
def test_wilson_equals_binomtest_for_any_pair_and_level(n, frac, confidence):
    k = min(n, math.floor(frac * n))
    low, high = proportion_ci(np.array([k], float), np.array([n], float), confidence=confidence)
    lo, hi = scipy_ci(k, n, confidence, "wilson")
    assert same_bits(low[0], lo) and same_bits(high[0], hi)


def test_exact_equals_binomtest():
    pairs = [(0, 1), (1, 1), (0, 7), (3, 7), (7, 7), (48, 50), (186, 200), (186, 200), (999, 1000)]
    k = np.array([p[0] for p in pairs], dtype=float)
    n = np.array([p[1] for p in pairs], dtype=float)
    for confidence in (0.9, 0.95):
        low, high = proportion_ci(k, n, confidence=confidence, method="exact")
        for i, (kk, nn) in enumerate(pairs):
            lo, hi = scipy_ci(kk, nn, confidence, "exact")
            assert same_bits(low[i], lo) and same_bits(high[i], hi), (kk, nn)


def test_rows_without_a_valid_survey_get_no_interval():
    k = np.array([np.nan, 5, -1, 6, 3, 3], dtype=float)
    n = np.array([10, np.nan, 10, 5, 0, 4], dtype=float)
    for method in ("wilson", "exact"):
        low, high = proportion_ci(k, n, method=method)
        assert np.isnan(low[:5]).all() and np.isnan(high[:5]).all()
        assert not np.isnan(low[5]) and not np.isnan(high[5])


def test_the_wilson_interval_does_not_import_scipy_stats():
    code = ("import sys, numpy as np; from perfscore.scoring.survey import proportion_ci;"
            "proportion_ci(np.array([186.0]), np.array([200.0]));"
            "print('scipy.stats' in sys.modules, 'scipy.special' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
