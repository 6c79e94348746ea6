"""The actuals join for many units at once, column-wise (a fast path of
:func:`perfscore.readers.actuals.attach_actuals`).

``attach_actuals`` joins row by row and copies the Targets first, which a batch of a
million rows feels (measured: ~40 % of a batch run at 10⁵ rows). Here the rows of a block
of units are matched with pandas on the same keys and by the same rules, and the values
are written into the block's indicator columns (:class:`~perfscore.frame.IndicatorColumns`:
the batch makes no Indicator object per row) and, for the fund rows, into the block's own
projects (made by the batch for this block alone, so nothing is shared with a caller):

- a row names its project by 项目编码, else by a 项目名称 unique *within its unit* (the
  unit's evaluation only sees its own projects);
- a row fills the n-th indicator of that project with its 三级指标 name, n counting the
  rows so far (a name printed twice takes rows in table order); reserved names
  (全年预算数, 全年执行数, N月底累计支出) are the project's fund rows;
- a row sets all its fields (a blank cell clears one); 得分 ``9.5分`` → ``9.5``; fund
  figures through :func:`~perfscore.readers.actuals.parse_money`.

Whenever a row would be a problem for ``attach_actuals`` (unknown project or name, a
duplicate, an unreadable figure or 得分, a month outside 1-12), :func:`fast_attach`
changes nothing and returns False: the caller then joins each unit with
``attach_actuals``, whose error lists every offending row exactly as a single-unit run
would. The batch test compares both paths byte for byte.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfscore.model import Project, Targets
from perfscore.readers.actuals import _fund_field, _read_score, parse_money  # the join's own rules
from perfscore.readers.actuals import _key as join_key
from perfscore.frame import IndicatorColumns


def _distinct_map(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` once per distinct value (None passes through as None)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    out = np.empty(len(uniques) + 1, dtype=object)
    for i, u in enumerate(uniques):
        out[i] = fn(u)
    out[-1] = None
    return out[codes]


def _key_ids(names: np.ndarray, key_id: dict[str, int]) -> np.ndarray:
    """The join key of every name (none missing) as an integer id: ``key_id`` maps each key
    to its id, and new keys are added to it in order of first appearance."""
    codes, uniques = pd.factorize(pd.Series(names, dtype=object), sort=False)
    ids = np.array([key_id.setdefault(join_key(u), len(key_id)) for u in uniques], dtype=np.int64)
    return ids[codes]


def _cumcount(keys: np.ndarray) -> np.ndarray:
    """For each element, how many elements before it have the same key (pandas' groupby
    cumcount, on integers)."""
    n = len(keys)
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    start = np.ones(n, dtype=bool)
    start[1:] = ranked[1:] != ranked[:-1]
    at = np.arange(n)
    out = np.empty(n, dtype=np.int64)
    out[order] = at - np.maximum.accumulate(np.where(start, at, 0))
    return out


def fast_attach(targets: Targets, project_unit: np.ndarray, rows: pd.DataFrame, columns: IndicatorColumns) -> bool:
    """Fill ``targets`` (a block's own Targets, its projects without Indicator objects) and
    ``columns`` (its projects' indicators) from ``rows`` in place; False (and nothing
    changed) when any row needs the exact join. ``project_unit``: the unit of each project;
    ``rows``: cleaned cells with column ``unit`` (see :mod:`perfscore.batch.actuals`)."""
    if targets.department_goals is not None:
        return False
    rows = rows[~rows["blank"].to_numpy()]
    n = len(rows)
    if n == 0:
        return True
    projects = targets.projects
    money_unit = targets.unit.money_unit or "万元"

    # 1. The project of each row: per distinct (unit, 项目编码); by 项目名称 when the code is
    # blank or unknown in the row's unit.
    by_code: dict[tuple[int, str], int] = {}
    by_name: dict[tuple[int, str], list[int]] = {}
    for i, (p, u) in enumerate(zip(projects, project_unit.tolist())):
        by_code[(u, join_key(p.code))] = i  # a later project with the same key wins, as in the reader
        by_name.setdefault((u, join_key(p.name)), []).append(i)
    unit = rows["unit"].to_numpy(dtype=np.int64)
    c_codes, c_uniq = pd.factorize(rows["project_code"], use_na_sentinel=True)
    c_keys = [join_key(c) for c in c_uniq]
    pair = unit * (len(c_uniq) + 1) + (c_codes + 1)
    pairs, pair_at = np.unique(pair, return_inverse=True)
    group_of = np.full(len(pairs), -1, dtype=np.int64)
    for j, v in enumerate(pairs.tolist()):
        u, c = divmod(v, len(c_uniq) + 1)
        g = by_code.get((u, c_keys[c - 1])) if c else None
        group_of[j] = -1 if g is None else g
    group = group_of[pair_at]
    missing = np.flatnonzero(group < 0)
    if len(missing):
        names = rows["project_name"].to_numpy(dtype=object)
        for i in missing.tolist():
            matches = by_name.get((int(unit[i]), join_key(names[i]))) if names[i] else None
            if not matches or len(matches) != 1:
                return False
            group[i] = matches[0]

    # 2. The indicator (or fund field) of each row. 三级 names are keyed once per distinct
    # cell, on both sides, and compared as integers: (project, key, occurrence).
    if pd.isna(rows["level3"]).any():
        return False
    key_id: dict[str, int] = {}
    r_kid = _key_ids(rows["level3"].to_numpy(dtype=object), key_id)
    fund_of = [_fund_field(k) for k in key_id]  # by key id (the dict keeps the ids' order)
    fund = np.array(fund_of, dtype=object)[r_kid]
    is_fund = np.array([f is not None for f in fund_of], dtype=bool)[r_kid]
    occurrence = _cumcount(group * len(key_id) + r_kid)
    if (occurrence[is_fund] > 0).any():
        return False
    for f in set(fund[is_fund].tolist()):
        if f.endswith("月底") and not 1 <= int(f[:-2]) <= 12:
            return False

    ind_rows = np.flatnonzero(~is_fund)
    slot = np.full(n, -1, dtype=np.int64)
    if len(ind_rows):
        # Every indicator of the block: its project and key id, numbered like the rows.
        ip = np.repeat(np.arange(len(projects), dtype=np.int64), columns.counts)
        c_kid = _key_ids(columns.data["level3"], key_id)
        span_k = len(key_id)
        o_have = _cumcount(ip * span_k + c_kid)
        o_want = occurrence[ind_rows]
        span_o = int(max(o_have.max(initial=0), o_want.max(initial=0))) + 1
        have = (ip * span_k + c_kid) * span_o + o_have
        want = (group[ind_rows] * span_k + r_kid[ind_rows]) * span_o + o_want
        found = pd.Index(have).get_indexer(want)
        if (found < 0).any():  # an unknown 三级指标, or a row beyond the last of its name
            return False
        slot[ind_rows] = found

    # 3. Values: 得分 and fund figures must read, else the exact join reports them.
    score = rows["score"].to_numpy(dtype=object)
    given = np.not_equal(score, None)  # most rows give no 得分: only the others are read
    score_read = np.full(n, None, dtype=object)
    score_read[given] = _distinct_map(score[given], _read_score)
    if (given & np.equal(score_read, None)).any():  # a 得分 that does not read
        return False
    actual = rows["actual"].to_numpy(dtype=object)
    fund_rows = np.flatnonzero(is_fund)

    def money(text: str):
        try:
            return parse_money(text, money_unit)
        except ValueError:
            return _UNREADABLE

    amounts = np.empty(n, dtype=object)
    amounts[fund_rows] = _distinct_map(actual[fund_rows], money)  # a blank cell: None
    if any(a is _UNREADABLE for a in amounts[fund_rows].tolist()):
        return False

    # 4. Write: the indicator columns (new arrays, the caller's views stay as they were read),
    # and the fund figures into the projects.
    reason = rows["reason"].to_numpy(dtype=object)
    evidence = rows["evidence"].to_numpy(dtype=object)
    at = slot[ind_rows]
    for field, values in (("actual", actual), ("reason", reason), ("evidence", evidence), ("score", score_read)):
        column = columns.data[field].copy()
        column[at] = values[ind_rows]
        columns.data[field] = column
    for i in fund_rows.tolist():
        _fill_fund(projects[group[i]], fund[i], amounts[i], reason[i])
    return True


_UNREADABLE = object()  # a fund figure parse_money refuses


def _fill_fund(project: Project, fund: str, amount: float | None, reason: str | None) -> None:
    """As ``attach_actuals`` fills a fund row (already read). Into the model's __dict__: what
    pydantic's __setattr__ does here (no validation on assignment), without its bookkeeping."""
    d = project.__dict__
    if fund == "budget":
        d["budget_full_year"] = amount
    elif fund == "executed":
        d["executed"] = amount
        d["exec_reason"] = reason
    elif amount is None:
        d["spent"].pop(fund, None)
    else:
        d["spent"][fund] = amount
