"""The scoring formulas of domain.md §4, vectorised: each takes numpy arrays of
actual A and target T (same unit) and returns the share of the weight earned,
in [0, 1]. Rows that a formula does not apply to are masked out by the engine.

No formula ever divides by zero: T = 0 and A = 0 have explicit cases.
"""

from __future__ import annotations

import numpy as np

# Tier codes (档次) used in the tier arrays: index into TIER_NAMES.
ACHIEVED, PARTIAL, MISSED = 0, 1, 2

_EPS = 1e-9


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) <= _EPS * np.maximum(1.0, np.abs(b))


def ge_share(a: np.ndarray, t: np.ndarray, strict: np.ndarray | bool = False) -> np.ndarray:
    """≥ (正向): A ≥ T → 1; else A / T. ``> 0`` with A = 0 → 0 (strict, T = 0)."""
    with np.errstate(all="ignore"):
        ratio = np.where(t > 0, a / t, 0.0)
    met = (a >= t) | _close(a, t)
    share = np.where(met, 1.0, ratio)
    # '>0' (strict with T = 0): only a positive actual meets it.
    share = np.where(np.asarray(strict) & (t == 0) & ~(a > 0), 0.0, share)
    return np.clip(share, 0.0, 1.0)


def le_share(a: np.ndarray, t: np.ndarray, method: str = "ratio") -> np.ndarray:
    """≤ (反向): A ≤ T → 1; else ratio T / A, or linear 1 − (A − T) / T (0 at A = 2T)."""
    met = (a <= t) | _close(a, t)
    with np.errstate(all="ignore"):
        if method == "linear":
            over = np.where(t > 0, 1.0 - (a - t) / t, 0.0)
        else:
            over = np.where(a > 0, t / a, 0.0)
    return np.clip(np.where(met, 1.0, over), 0.0, 1.0)


def eq_share(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """= (等于), symmetric deviation: 1 − |A − T| / |T|; T = 0: A = 0 → 1, else 0."""
    with np.errstate(all="ignore"):
        dev = np.where(t != 0, 1.0 - np.abs(a - t) / np.abs(t), 0.0)
    share = np.where(_close(a, t), 1.0, dev)
    return np.clip(share, 0.0, 1.0)


def range_share(a: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Range: inside [low, high] → 1; below → A / low; above → high / A."""
    inside = ((a >= low) | _close(a, low)) & ((a <= high) | _close(a, high))
    with np.errstate(all="ignore"):
        below = np.where(low > 0, a / low, 0.0)
        above = np.where(a > 0, high / a, 0.0)
    share = np.where(inside, 1.0, np.where(a < low, below, above))
    return np.clip(share, 0.0, 1.0)


def overshoot_ratio(a: np.ndarray, t: np.ndarray, lower_is_better: np.ndarray) -> np.ndarray:
    """How far past the target the actual is: A / T for ≥, T / A for ≤ (NaN when undefined)."""
    with np.errstate(all="ignore"):
        up = np.where(t > 0, a / t, np.nan)
        down = np.where((a > 0) & (t > 0), t / a, np.where((a == 0) & (t > 0), np.inf, np.nan))
    return np.where(lower_is_better, down, up)


def execution_share(rate: np.ndarray, method: str, bands: tuple, penalty_per_point: float,
                    weight: float, whole_points: str) -> np.ndarray:
    """Share of the execution weight a rate earns (NaN stays NaN).

    proportional: min(rate, 1); bands: the share of the highest band whose lowest rate the
    rate reaches (0 below every band); penalty: 1 − penalty_per_point × (100 − rate%) / w,
    never below 0. whole_points floors or rounds (half up) the points, not the share."""
    r = np.minimum(np.asarray(rate, dtype=float), 1.0)
    with np.errstate(invalid="ignore"):
        if method == "bands":
            share = np.where(np.isnan(r), np.nan, 0.0)
            for low, s in sorted(bands, reverse=True):
                share = np.where(~np.isnan(r) & (share == 0) & (r >= low - 1e-12), s, share)
        elif method == "penalty":
            w = np.broadcast_to(np.asarray(weight, dtype=float), r.shape)
            share = np.where(w > 0, np.maximum(0.0, 1.0 - penalty_per_point * (1.0 - r) * 100 / np.where(w > 0, w, 1)), r)
        else:
            share = r
        if whole_points != "none":
            w = np.broadcast_to(np.asarray(weight, dtype=float), r.shape)
            points = share * w
            points = np.floor(points + 1e-9) if whole_points == "floor" else np.floor(points + 0.5 + 1e-9)
            share = np.where(w > 0, points / np.where(w > 0, w, 1), share)
    return share


def total_cap(rate: np.ndarray, caps: tuple) -> np.ndarray:
    """The highest total a project may have at its execution rate (inf: no cap)."""
    cap = np.full(len(rate), np.inf)
    with np.errstate(invalid="ignore"):
        for below, most in caps:
            cap = np.where(rate < below, np.minimum(cap, most), cap)
    return cap


def overshoot_deduction(ratio: np.ndarray, threshold: float, cap: float) -> np.ndarray:
    """Share of w deducted past the threshold: min(cap, ratio − threshold), 0 below it."""
    with np.errstate(all="ignore"):
        excess = np.where(np.isfinite(ratio) & (ratio >= threshold), ratio - threshold, 0.0)
        excess = np.where(np.isinf(ratio), cap, excess)
    return np.minimum(excess, cap)


def deadline_tier(late_days: np.ndarray, grace_days: int, late_tier: int, beyond_tier: int) -> np.ndarray:
    """On or before the deadline → 达成; late within grace → late_tier; beyond → beyond_tier."""
    return np.where(late_days <= 0, ACHIEVED, np.where(late_days <= grace_days, late_tier, beyond_tier))


def ladder_tier(steps_below: np.ndarray, one_below: int, further: int) -> np.ndarray:
    """Grade ladder: at or above the target grade → 达成, one below → one_below, further → further."""
    return np.where(steps_below <= 0, ACHIEVED, np.where(steps_below == 1, one_below, further))


def share_in_tier(share: np.ndarray, tier: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Whether an explicit score's share lies in its tier: 达成 [low, high], the others [low, high)."""
    lo = lows[tier]
    hi = highs[tier]
    top = tier == ACHIEVED
    tol = 1e-9
    return (share >= lo - tol) & np.where(top, share <= hi + tol, share < hi - tol)
