"""Exact rounding for scores and weights.

Scores and weights are carried as integers of the rounding quantum (cents when
``digits = 2``) once rounded, so sums are exact: a project total is the sum of its
rounded scores with no float drift, and splitting a block over its indicators adds
back to the block weight exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

# A value within this many quanta of a half is treated as the half: the scores are
# computed in binary floating point (8×1.82/1.95), and 0.125 must round to 0.13 even
# when the product came out as 12.4999999999 quanta.
_NOISE_DECIMALS = 6


def round_half_up(x: float, digits: int = 2) -> float:
    """One number rounded to ``digits`` decimals, half up on its decimal text (``repr``), as
    a float: 0.125 → 0.13, 2.675 → 2.68 (the binary 2.675 is a hair below, but users wrote
    2.675); −0.004 → 0.0, never −0.0. For amounts and deviations taken one at a time; the
    engine's columns go through :func:`to_quanta`."""
    exact = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(exact) + 0.0


def to_quanta(values, digits: int, mode: str = "half_up") -> np.ndarray:
    """Round ``values`` to ``digits`` decimals; return integer quanta (float array, NaN kept).

    half_up: 0.125 → 13 quanta of 0.01; half_even: 0.125 → 12.
    """
    x = np.asarray(values, dtype=float) * (10 ** digits)
    x = np.round(x, _NOISE_DECIMALS)
    if mode == "half_even":
        return np.round(x)
    # Half away from zero (scores and weights are never negative).
    # + 0.0: a tiny negative rounds to -0.0, which would print as "-0.00"
    return np.sign(x) * np.floor(np.abs(x) + 0.5) + 0.0


def from_quanta(quanta, digits: int) -> np.ndarray:
    """Integer quanta back to a float with exactly ``digits`` decimals (repr-stable)."""
    q = np.asarray(quanta, dtype=float)
    # Dividing an exact integer by a power of ten gives the nearest double of the
    # decimal, whose repr is the short decimal text (7.47, not 7.470000000000001).
    return q / (10 ** digits)


def div_quanta(num, den, mode: str = "half_up") -> np.ndarray:
    """round(num / den) for integer-valued quanta arrays, exactly, NaN where den == 0."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    ok = den > 0
    n = num[ok] if num.shape else np.broadcast_to(num, out.shape)[ok]
    d = den[ok] if den.shape else np.broadcast_to(den, out.shape)[ok]
    # Integer arithmetic: floor((2n + d) / 2d) is n/d rounded half up.
    n_i = n.astype(np.int64)
    d_i = d.astype(np.int64)
    if mode == "half_even":
        q, r = np.divmod(n_i, d_i)
        twice = 2 * r
        up = (twice > d_i) | ((twice == d_i) & (q % 2 == 1))
        out[ok] = q + up
    else:
        out[ok] = np.floor_divide(2 * n_i + d_i, 2 * d_i)
    return out


def split_quanta(total: np.ndarray, position: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Split ``total`` quanta over ``count`` equal parts; row at ``position`` gets its part.

    Largest remainder: every part is floor(total / count), and the first
    ``total mod count`` parts (in table order) get one quantum more, so the parts
    add up to ``total`` exactly (50 over 3 → 16.67, 16.67, 16.66).
    """
    total_i = np.asarray(total, dtype=np.int64)
    count_i = np.maximum(np.asarray(count, dtype=np.int64), 1)
    base, extra = np.divmod(total_i, count_i)
    return (base + (np.asarray(position) < extra)).astype(float)


def apportion_quanta(total, share, key) -> np.ndarray:
    """Split each group's ``total`` quanta (the same on every row of a group; groups are the
    integer ``key`` values) in proportion to ``share``.

    Largest remainder, ties to the earlier row, so the parts add up to the total exactly;
    equal shares give exactly what :func:`split_quanta` gives. A group whose shares are all
    0 is split equally rather than divided by 0."""
    key = np.asarray(key, dtype=np.int64)
    total = np.asarray(total, dtype=float)
    share = np.asarray(share, dtype=float)
    share = np.where(np.bincount(key, weights=share)[key] > 0, share, 1.0)
    exact = total * share / np.bincount(key, weights=share)[key]
    base = np.floor(np.round(exact, _NOISE_DECIMALS))  # 16.9999999 quanta from a float division is 17
    left = np.round(total - np.bincount(key, weights=base)[key]).astype(np.int64)
    # Rank rows within their group by remainder (largest first), table order breaking ties.
    order = np.lexsort((np.arange(len(key)), -(exact - base), key))
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = np.arange(len(key)) - np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    return base + (rank < left)


def format_fixed(values, digits: int) -> np.ndarray:
    """Format numbers with exactly ``digits`` decimals ('' for NaN); each distinct value once.

    -0.0 is written as 0: "-0.00" means nothing to a reader, and since np.unique takes
    -0.0 and 0.0 for one value, a zero's sign would otherwise depend on its neighbours."""
    arr = np.asarray(values, dtype=float) + 0.0
    out = np.full(arr.shape, "", dtype=object)
    ok = ~np.isnan(arr)
    if ok.any():
        uniq, inv = np.unique(arr[ok], return_inverse=True)
        texts = np.array([f"{u:.{digits}f}" for u in uniq], dtype=object)
        out[ok] = texts[inv]
    return out
