"""Entropy weight method (熵权法): weights from how much each indicator varies across units.

Pure functions on numpy arrays (:mod:`perfscore.readers.matrix` reads the data sheet).
With m rows (units or projects) and a column x_j:

    p_ij = x_ij / Σ_i x_ij,   e_j = −Σ_i p_ij ln p_ij / ln m,   w_j ∝ 1 − e_j

A column whose values are all alike carries no information (e_j = 1, weight 0). With
``normalize="minmax"`` each column is first scaled to (x − min) / (max − min), or
(max − x) / (max − min) for a reverse indicator (越小越好). 0 · ln 0 is taken as 0, the
usual limit. Scaling a column by c > 0 changes nothing in the default mode (p_ij is a
share), which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from perfscore.errors import DataError


@dataclass(frozen=True)
class EntropyResult:
    names: tuple[str, ...]
    weights: np.ndarray
    entropy: np.ndarray
    notes: list[str] = field(default_factory=list)  # what was done about zeros and constant columns, in Chinese


def entropy_weights(values: np.ndarray, names: tuple[str, ...] | list[str], *,
                    normalize: Literal["none", "minmax"] = "none",
                    reverse: frozenset[str] | set[str] = frozenset()) -> EntropyResult:
    """Entropy weights of the columns of ``values`` (rows: units; columns: indicators).

    The values must be finite; in the default mode also non-negative (the reader says
    which cell is not). A column that carries no information (all equal, or all zero)
    gets weight 0 and a note; when every column is like that there are no weights to
    give, which is a DataError.
    """
    x = np.asarray(values, dtype=float)
    names = tuple(names)
    m, n = x.shape
    notes: list[str] = []
    # A column whose values differ only by floating-point rounding (0.5 and 0.5000000000000001)
    # is constant: min-max scaling would blow the noise up to a full 0…1 range and a weight.
    lo, hi = x.min(axis=0), x.max(axis=0)
    noise = 16 * np.finfo(float).eps * np.maximum(np.abs(lo), np.abs(hi))
    level = (hi - lo) <= noise
    if normalize == "minmax":
        span = np.where(level, 0.0, hi - lo)
        flip = np.array([name in reverse for name in names])
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.where(flip, hi - x, x - lo) / span
        x[:, span == 0] = 0.0
        if flip.any():
            notes.append("反向指标（越小越好）按 (最大值 − x) ÷ (最大值 − 最小值) 标准化："
                         + "、".join(f"「{s}」" for s, f in zip(names, flip) if f))
    col_sum = x.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / col_sum
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(m)
    blank = col_sum == 0
    entropy[blank] = 1.0  # nothing to tell units apart: like a constant column
    # Floating point can put a uniform column's entropy a hair above 1.
    entropy = np.minimum(entropy, 1.0)
    constant = level | (np.ptp(x, axis=0) == 0)
    entropy[constant] = 1.0
    zeros = (x == 0).sum(axis=0)
    for j, name in enumerate(names):
        if constant[j]:
            notes.append(f"「{name}」各行取值相同，不能区分各单位，信息熵为1，权重为0")
        elif zeros[j]:
            notes.append(f"「{name}」有{int(zeros[j])}个0值（含标准化后的最小值），按 0·ln0 = 0 计算")
    d = 1.0 - entropy
    if d.sum() <= 0:
        raise DataError("每一列的取值在各行之间都相同，熵权法无法给出权重",
                        hint="熵权法按各单位之间的差异赋权：请确认数据表有不同单位的实际数据。")
    return EntropyResult(names, d / d.sum(), entropy, notes)
