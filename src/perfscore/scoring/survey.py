"""Confidence intervals for satisfaction surveys (满意度调查) given as counts.

A 满意度 actual such as ``满意186人/调查200人`` is a sample, not the population: a
96 % sample rate with 50 respondents is compatible with a true rate well below a
95 % target. The interval comes from :func:`scipy.stats.binomtest`:
``wilson`` (default, the Wilson score interval without continuity correction)
or ``exact`` (Clopper-Pearson). Each distinct (satisfied, respondents) pair is
computed once.
"""

from __future__ import annotations

import numpy as np

_METHODS = {"wilson": "wilson", "exact": "exact"}


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
    # Imported here: scipy.stats takes ~0.7 s to import, paid only when a survey is counted.
    from scipy import stats

    pairs = np.stack([k[ok], n[ok]], axis=1).astype(np.int64)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    lo_u = np.empty(len(uniq))
    hi_u = np.empty(len(uniq))
    for i, (kk, nn) in enumerate(uniq):
        ci = stats.binomtest(int(kk), int(nn)).proportion_ci(
            confidence_level=confidence, method=_METHODS[method])
        lo_u[i], hi_u[i] = ci.low * 100.0, ci.high * 100.0
    inv = inv.reshape(-1)
    low[ok] = lo_u[inv]
    high[ok] = hi_u[inv]
    return low, high
