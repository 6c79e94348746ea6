"""Column-at-a-time parsing for the engine: each distinct value is read once.

A province holds about 10⁶ indicator rows but only a few thousand distinct target
strings. Most readings do not depend on the row's context at all (``≥95%`` is ≥ 95 %
under any indicator), so the first cache is keyed by the string alone. Only two kinds
of reading depend on context, and only they pay for it:

- a bare number, whose direction comes from the 一级/二级/三级 names (and whether the
  number is a span of time): keyed by the string and the direction those give;
- a deadline that names no year (``6月底前``): keyed by the string and the year.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfscore.values.actual import parse_actual
from perfscore.values.target import (
    infer_direction,
    parse_target,
    read_undirected,
    with_direction,
    year_dependent,
)
from perfscore.values.types import Actual, Target
from perfscore.values.words import TIME_SPAN_DIMENSIONS

_FREE, _DIRECTION, _YEAR = 0, 1, 2


def _is_scalar(values) -> bool:
    """None, a string or a number (numpy's too) applies to every row."""
    return values is None or isinstance(values, (str, bytes)) or not hasattr(values, "__len__")


def _cell(values, n: int):
    """Row i's value of a per-row sequence, or of a scalar applied to every row."""
    if _is_scalar(values):
        return lambda i, v=values: v
    if len(values) != n:
        raise ValueError(f"column length {len(values)} != {n}")
    return values.__getitem__


def _context_need(text) -> tuple[Target, int]:
    """The context-free reading and which context, if any, could change it."""
    t = read_undirected(text)
    if t.inferred:
        return t, _DIRECTION
    if t.kind in ("deadline", "unreadable") and year_dependent(text):   # 6月底前, 1-12月
        return t, _YEAR
    return t, _FREE


def _rows_of(values, rows, n: int):
    """The values of ``rows`` (a numpy index) of a column or a scalar, as an object array."""
    import numpy as np

    out = np.empty(len(rows), dtype=object)
    if _is_scalar(values):
        out[:] = [values] * len(rows)
        return out
    if len(values) != n:
        raise ValueError(f"column length {len(values)} != {n}")
    column = np.empty(n, dtype=object)
    column[:] = list(values)
    return column[rows]


def _factorize(values):
    """Integer codes and the distinct values of an object array (None is a value too)."""
    import pandas as pd

    return pd.factorize(values, use_na_sentinel=False)


def _pairs(codes, context_ids):
    """Group rows by (string code, context id): the group of each row and each group's first row."""
    import numpy as np

    key = codes.astype(np.int64) * (int(context_ids.max()) + 1) + context_ids
    _, firsts, group = np.unique(key, return_index=True, return_inverse=True)
    return group.reshape(-1), firsts


def parse_targets(texts: Sequence[str], level1s=None, level2s=None, level3s=None,
                  year: int | Sequence[int | None] | None = None) -> list[Target]:
    """``parse_target`` over columns of equal length; a scalar applies to every row.

    Vectorised with pandas/numpy: the strings are factorised and each distinct one is
    read once; the rows whose reading needs context are grouped by (string, direction)
    or (string, year), and each group is completed once.
    """
    import numpy as np

    n = len(texts)
    column = np.empty(n, dtype=object)
    column[:] = list(texts)
    try:
        codes, uniques = _factorize(column)
    except TypeError:                  # an unhashable cell: read every row on its own
        l1, l2, l3, yr = _cell(level1s, n), _cell(level2s, n), _cell(level3s, n), _cell(year, n)
        return [parse_target(t, level1=l1(i), level2=l2(i), level3=l3(i), year=yr(i))
                for i, t in enumerate(texts)]
    entries = [_context_need(text) for text in uniques]
    base = np.empty(len(entries), dtype=object)
    base[:] = [target for target, _ in entries]
    out = base[codes]
    need = np.fromiter((need for _, need in entries), dtype=np.int8, count=len(entries))[codes]

    rows = np.flatnonzero(need == _DIRECTION)
    if len(rows):
        # each distinct (一级, 二级, 三级) triple → its direction → a small integer id
        triple_codes = [_factorize(_rows_of(col, rows, n)) for col in (level1s, level2s, level3s)]
        sizes = [len(u) for _, u in triple_codes]
        triple_key = ((triple_codes[0][0].astype(np.int64) * sizes[1] + triple_codes[1][0]) * sizes[2]
                      + triple_codes[2][0])
        # a span of time (5天) may take another direction than a plain number under the same names
        spans = np.fromiter((t.dimension in TIME_SPAN_DIMENSIONS for t in base), dtype=bool, count=len(base))
        triple_key = triple_key * 2 + spans[codes[rows]]
        _, triple_first, triple_of_row = np.unique(triple_key, return_index=True, return_inverse=True)
        direction_ids: dict[tuple[str, str], int] = {}
        id_of_triple = np.empty(len(triple_first), dtype=np.int64)
        for t, first in enumerate(triple_first):
            levels = tuple(uniques_[codes_[first]] for codes_, uniques_ in triple_codes)
            direction = infer_direction(*levels, base[codes[rows[first]]].dimension)
            id_of_triple[t] = direction_ids.setdefault(direction, len(direction_ids))
        directions = list(direction_ids)
        direction_of_row = id_of_triple[triple_of_row.reshape(-1)]
        group, firsts = _pairs(codes[rows], direction_of_row)
        done = np.empty(len(firsts), dtype=object)
        done[:] = [with_direction(base[codes[rows[f]]], directions[direction_of_row[f]]) for f in firsts]
        out[rows] = done[group]

    rows = np.flatnonzero(need == _YEAR)
    if len(rows):
        year_codes, years = _factorize(_rows_of(year, rows, n))
        group, firsts = _pairs(codes[rows], year_codes)
        done = np.empty(len(firsts), dtype=object)
        done[:] = [read_undirected(uniques[codes[rows[f]]], _year(years[year_codes[f]])) for f in firsts]
        out[rows] = done[group]
    return out.tolist()


def _year(value) -> int | None:
    """A year cell as an int (NaN / None → None)."""
    if value is None or value != value:
        return None
    return int(value)


def parse_actuals(texts: Sequence[str | None], targets: Sequence[Target | None] | Target | None = None) -> list[Actual]:
    """``parse_actual`` over a column, each against the target of its row."""
    n = len(texts)
    target_of = (lambda i, t=targets: t) if targets is None or isinstance(targets, Target) \
        else _cell(targets, n)
    # Hashing a Target hashes its 17 fields (twice per new pair: look-up and store), so each
    # target object gets a small number once: equal targets the same number, as equal keys
    # of a dict would. ``seen`` holds the objects, so that no id is reused during the call.
    number_of_id: dict[int, int] = {}
    number_of_target: dict[Target | None, int] = {}
    seen: list[Target | None] = []
    cache: dict[tuple, Actual] = {}
    out: list[Actual] = []
    append = out.append
    for i, text in enumerate(texts):
        target = target_of(i)
        number = number_of_id.get(id(target))
        try:
            if number is None:
                number = number_of_target.setdefault(target, len(number_of_target))
                number_of_id[id(target)] = number
                seen.append(target)
            found = cache.get((text, number))
        except TypeError:              # an unhashable cell (a list from a spreadsheet reader)
            append(parse_actual(text, target))
            continue
        if found is None:
            found = cache[text, number] = parse_actual(text, target)
        append(found)
    return out
