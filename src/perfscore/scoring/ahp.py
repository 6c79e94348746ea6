"""Analytic hierarchy process (层次分析法, AHP): weights from pairwise judgements.

Pure functions on numpy arrays (no file I/O; :mod:`perfscore.readers.matrix` reads and
checks the matrices). A judgement matrix A is positive and reciprocal (a_ji = 1 / a_ij,
a_ii = 1); the weights are its principal eigenvector (Perron vector) scaled to sum 1,
and

    CI = (λmax − n) / (n − 1),   CR = CI / RI(n)

with Saaty's random index RI. CR < 0.1 is acceptable (Saaty 1980). Several experts'
matrices are combined element-wise by the geometric mean, which keeps the result
reciprocal (Aczél & Saaty 1983). A hierarchy multiplies each criterion's local weight by
its parent's global weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Saaty's random consistency index RI by matrix order n: the mean CI of random reciprocal
# matrices with entries from the 1/9 … 9 scale. Source: T. L. Saaty, The Analytic Hierarchy
# Process, McGraw-Hill, 1980 (also Saaty, "How to make a decision", EJOR 48 (1990) 9–26,
# Table 3). Other tables exist (e.g. Alonso & Lamata 2006 give 0.5247 for n = 3); this one
# is what Chinese textbooks print and what the published examples in the tests use.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
RANDOM_INDEX_SOURCE = "Saaty (1980)《The Analytic Hierarchy Process》随机一致性指标表"
MAX_ORDER = max(RANDOM_INDEX)

# Saaty's threshold: a matrix with CR below it is acceptably consistent.
CR_LIMIT = 0.1


@dataclass(frozen=True)
class WorstPair:
    """The judgement that departs most from the weights: criteria i, j (0-based, i < j),
    the judgement a_ij entered, and w_i / w_j, what a consistent matrix would hold there."""

    i: int
    j: int
    judged: float
    implied: float


@dataclass(frozen=True)
class AhpResult:
    names: tuple[str, ...]
    weights: np.ndarray
    lambda_max: float
    ci: float
    ri: float
    cr: float
    worst: WorstPair | None

    @property
    def consistent(self) -> bool:
        return self.cr < CR_LIMIT


def geometric_mean(matrices: list[np.ndarray]) -> np.ndarray:
    """Element-wise geometric mean of several experts' complete judgement matrices."""
    stack = np.stack([np.asarray(m, dtype=float) for m in matrices])
    return np.exp(np.log(stack).mean(axis=0))


def analyse(matrix: np.ndarray, names: tuple[str, ...] | list[str]) -> AhpResult:
    """Weights, λmax, CI, RI, CR and the worst judgement of a complete reciprocal matrix."""
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if n > MAX_ORDER:
        raise ValueError(f"order {n} beyond the random index table")
    if n == 1:
        return AhpResult(tuple(names), np.ones(1), 1.0, 0.0, 0.0, 0.0, None)
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    # The Perron vector of a positive matrix has one sign; abs() removes the arbitrary
    # sign the solver may return, and the imaginary part is rounding noise.
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ri = RANDOM_INDEX[n]
    # n ≤ 2 is always consistent; λmax ≥ n in exact arithmetic, so a tiny negative CI
    # is rounding and reads as 0.
    ci = max((lam - n) / (n - 1), 0.0)
    cr = ci / ri if ri else 0.0
    return AhpResult(tuple(names), w, lam, ci, ri, cr, _worst_pair(a, w))


def _worst_pair(a: np.ndarray, w: np.ndarray) -> WorstPair | None:
    """The (i, j), i < j, with the largest |ln(a_ij · w_j / w_i)|: the judgement furthest,
    as a ratio, from what the derived weights imply."""
    n = a.shape[0]
    if n < 3:
        return None
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    dev[np.tril_indices(n)] = -1.0
    i, j = np.unravel_index(int(np.argmax(dev)), dev.shape)
    return WorstPair(int(i), int(j), float(a[i, j]), float(w[i] / w[j]))


def consistent_matrix(weights) -> np.ndarray:
    """The perfectly consistent matrix a_ij = w_i / w_j (for tests and documentation)."""
    w = np.asarray(weights, dtype=float)
    return w[:, None] / w[None, :]


@dataclass
class Node:
    """One criterion of a hierarchy with its level (1 = 一级), parent, local and global weight."""

    name: str
    level: int
    parent: str | None
    local: float
    global_: float
    children: list[str] = field(default_factory=list)


def combine(results: dict[str, AhpResult], root: str) -> list[Node]:
    """Global weights of a hierarchy: ``results[root]`` compares the 一级 criteria and
    ``results[name]`` (when present) compares the children of criterion ``name``. The
    nodes come depth first in matrix order, so the listing reads like the indicator table."""
    nodes: list[Node] = []

    def walk(sheet: str, level: int, parent: str | None, scale: float) -> None:
        res = results[sheet]
        for name, w in zip(res.names, res.weights):
            node = Node(name, level, parent, float(w), float(w) * scale)
            nodes.append(node)
            if name in results and name != sheet:
                node.children = list(results[name].names)
                walk(name, level + 1, name, node.global_)

    walk(root, 1, None, 1.0)
    return nodes


def hierarchy_cr(results: dict[str, AhpResult], nodes: list[Node], root: str) -> float:
    """Total consistency ratio of a hierarchy, level by level (Saaty):
    CR = CR(root) + Σ_levels Σ w_parent·CI_child / Σ w_parent·RI_child."""
    total = results[root].cr
    by_level: dict[int, tuple[float, float]] = {}
    for node in nodes:
        if node.children:
            res = results[node.name]
            ci, ri = by_level.get(node.level, (0.0, 0.0))
            by_level[node.level] = (ci + node.global_ * res.ci, ri + node.global_ * res.ri)
    for ci, ri in by_level.values():
        total += ci / ri if ri else 0.0
    return total if math.isfinite(total) else float("nan")
