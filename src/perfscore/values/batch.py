"""Column-at-a-time parsing for the engine: each distinct (text, context) is read once.

A province holds about 10⁶ indicator rows but only a few thousand distinct target
strings; a dict keyed by the string and its context turns the grammar's cost into a
per-distinct-value cost, and the per-row work into one dict look-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

from perfscore.values.actual import parse_actual
from perfscore.values.target import parse_target
from perfscore.values.types import Actual, Target


def _column(values, n: int):
    """A per-row sequence: a scalar (or None) is repeated for every row."""
    if values is None or isinstance(values, (str, int)):
        return repeat(values, n)
    if len(values) != n:
        raise ValueError(f"column length {len(values)} != {n}")
    return values


def parse_targets(texts: Sequence[str], level1s=None, level2s=None, level3s=None,
                  year: int | Sequence[int | None] | None = None) -> list[Target]:
    """``parse_target`` over columns (equal lengths; a scalar applies to every row)."""
    n = len(texts)
    cache: dict[tuple, Target] = {}
    out: list[Target] = []
    append = out.append
    for key in zip(texts, _column(level1s, n), _column(level2s, n), _column(level3s, n), _column(year, n)):
        found = cache.get(key)
        if found is None:
            text, l1, l2, l3, y = key
            found = cache[key] = parse_target(text, level1=l1, level2=l2, level3=l3, year=y)
        append(found)
    return out


def parse_actuals(texts: Sequence[str | None], targets: Sequence[Target | None] | None = None) -> list[Actual]:
    """``parse_actual`` over a column, each against the target of its row."""
    n = len(texts)
    cache: dict[tuple, Actual] = {}
    out: list[Actual] = []
    append = out.append
    for key in zip(texts, _column(targets, n)):
        try:
            found = cache.get(key)
        except TypeError:          # an unhashable cell (a list from a spreadsheet reader)
            append(parse_actual(*key))
            continue
        if found is None:
            found = cache[key] = parse_actual(*key)
        append(found)
    return out
