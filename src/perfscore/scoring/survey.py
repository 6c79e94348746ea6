"""Confidence intervals for satisfaction surveys (满意度调查) given as counts.

A 满意度 actual such as ``满意186人/调查200人`` is a sample, not the population: a
96 % sample rate with 50 respondents is compatible with a true rate well below a
95 % target. Two intervals, as :func:`scipy.stats.binomtest` gives them:
``wilson`` (default, the Wilson score interval without continuity correction)
or ``exact`` (Clopper-Pearson).

``wilson`` is a closed form, computed here for all rows at once with the same
floating-point operations in the same order as scipy's ``_binom_wilson_conf_int``,
so the bounds are bit for bit those of ``binomtest(k, n).proportion_ci()`` (the tests
compare them) without importing scipy.stats (~1 s per process) or a Python call per
pair. ``exact`` needs a root finder: it stays with scipy.stats, once per distinct pair.
"""

from __future__ import annotations

import numpy as np

# z = ndtri(0.5 + 0.5 × confidence) for the usual levels, as scipy.special.ndtri gives it
# (statistics.NormalDist differs in the last bit, e.g. at 0.95). Kept as constants so a
# run at these levels does not import scipy.special (~0.3 s per process); other levels
# do. tests/test_scoring_survey.py checks every entry against ndtri.
_Z = {
    0.8: 1.2815515655446004,
    0.9: 1.6448536269514722,
    0.95: 1.959963984540054,
    0.99: 2.5758293035489004,
}


def wilson_z(confidence: float) -> float:
    """The two-sided normal quantile scipy uses for a Wilson interval at ``confidence``."""
    z = _Z.get(confidence)
    if z is None:
        from scipy.special import ndtri

        z = float(ndtri(0.5 + 0.5 * confidence))
    return z


def proportion_ci(satisfied: np.ndarray, respondents: np.ndarray, *, confidence: float = 0.95,
                  method: str = "wilson") -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds in percent (NaN where there is no valid survey)."""
    k = np.asarray(satisfied, dtype=float)
    n = np.asarray(respondents, dtype=float)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    ok = (n > 0) & (k >= 0) & (k <= n) & ~np.isnan(k) & ~np.isnan(n)
    if not ok.any():
        return low, high
    # Whole counts, as binomtest receives them (int64 truncates, as the counts always did).
    kk = k[ok].astype(np.int64)
    nn = n[ok].astype(np.int64)
    if method == "exact":
        lo, hi = _exact(kk, nn, confidence)
    elif method == "wilson":
        lo, hi = _wilson(kk, nn, confidence)
    else:
        raise ValueError(f"unknown survey interval method: {method!r}")
    low[ok] = lo * 100.0
    high[ok] = hi * 100.0
    return low, high


def _wilson(k: np.ndarray, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """scipy's _binom_wilson_conf_int (two-sided, no correction), element-wise.

    Every operation mirrors scipy's scalar code: k/n, 2*n*p, 4*n*p*q evaluated left to
    right on the same values (the counts are exact in float64), z**2 on the same scalar,
    and square roots that are correctly rounded in both math and numpy."""
    z = wilson_z(confidence)
    z2 = z ** 2
    nf = n.astype(float)
    p = k / nf
    denom = 2 * (nf + z2)
    center = (2 * nf * p + z2) / denom
    q = 1 - p
    delta = z / denom * np.sqrt(4 * nf * p * q + z2)
    lo = np.where(k == 0, 0.0, center - delta)
    hi = np.where(k == n, 1.0, center + delta)
    return lo, hi


def _exact(k: np.ndarray, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson through scipy.stats, each distinct (k, n) once."""
    # Imported here: scipy.stats takes ~1 s to import, paid only for exact intervals.
    from scipy import stats

    uniq, inv = np.unique(np.stack([k, n], axis=1), axis=0, return_inverse=True)
    lo_u = np.empty(len(uniq))
    hi_u = np.empty(len(uniq))
    for i, (kk, nn) in enumerate(uniq):
        ci = stats.binomtest(int(kk), int(nn)).proportion_ci(confidence_level=confidence, method="exact")
        lo_u[i], hi_u[i] = ci.low, ci.high
    inv = inv.reshape(-1)
    return lo_u[inv], hi_u[inv]
