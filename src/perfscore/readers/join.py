"""The join of an actuals sheet to the targets, for one unit or a whole bureau at once.

:func:`plan_join` decides, for every row of the sheet, what it fills (an indicator, a
project's fund figure) or why it cannot, column by column over all rows: each distinct
cell is read once (a province's sheet repeats a few thousand names a million times).
``perfscore.readers.actuals.attach_actuals`` (one unit's Targets, Indicator objects) and
the batch (a block of units held as columns, :mod:`perfscore.batch.worker`) both apply
its plan; the rules live here only:

- a row names its project (or part of the department goals) by 项目编码; a code several
  projects share needs the 项目名称 too; without a known code, by a 项目名称 that is
  unique. Only the row's own unit is searched (a bureau's sheet covers many units);
- a row fills the n-th indicator of that project with its 三级指标 name, n counting the
  accepted rows so far (a name printed twice takes rows in table order); a row beyond
  the last of them is a duplicate. The reserved names (全年预算数, 全年执行数, N月底累计支出)
  are the project's fund rows, one row each;
- 得分 must read as a number (``9.5分`` → ``9.5``), fund figures as an amount of money
  (:func:`parse_money`, bare numbers in the targets' money unit); a blank cell clears.

Every problem of every row is reported (one per row, in row order), so the user fixes the
sheet in one pass.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from perfscore.readers.common import MONEY_FACTORS, excel_mangled_code

# Reserved 三级指标 names of the fund rows (资金行).
BUDGET_ROW = "全年预算数"
EXECUTED_ROW = "全年执行数"
SPENT_SUFFIX = "累计支出"          # '6月底累计支出' → Project.spent['6月底']
_SPENT_RE = re.compile(r"^(\d{1,2})月底累计支出$")


def join_key(text: str) -> str:
    """Join key of a name: NFKC (full-width → half-width) without any whitespace."""
    if text.isascii():  # NFKC leaves ASCII alone: the common case of project codes
        return "".join(text.split())
    return _key_cached(text)


@functools.lru_cache(maxsize=65_536)
def _key_cached(text: str) -> str:
    # Indicator names repeat across projects, so most keys come from the cache.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def fund_field(key: str) -> str | None:
    """'budget', 'executed' or the checkpoint ('6月底') for a reserved name; else None."""
    if key == BUDGET_ROW:
        return "budget"
    if key == EXECUTED_ROW:
        return "executed"
    m = _SPENT_RE.match(key)
    if m:
        return f"{int(m.group(1))}月底"
    return None


_MONEY_RE = re.compile(r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>元|千元|万元|万|亿元)?$")


def parse_money(text: str, money_unit: str = "万元") -> float:
    """A fund figure in 元. A bare number is in ``money_unit`` (the targets' 金额单位).

    Accepts thousands separators (1,234.5), full-width digits and a 元 / 万元 / 万 /
    亿元 suffix. Raises ValueError with a Chinese reason otherwise (never guesses).
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = _MONEY_RE.match(s)
    if not m:
        if s.startswith("-"):
            raise ValueError("金额不能为负数")
        if s.endswith("%"):
            raise ValueError("这里应填金额，不是百分比")
        raise ValueError(f"不是可读的金额（只填数字时按{money_unit}计，也可写「元」或「万元」）")
    factor = MONEY_FACTORS.get(m.group("unit") or money_unit)
    if factor is None:
        raise ValueError(f"金额单位「{money_unit}」无法换算，请在数字后写明「元」或「万元」")
    try:
        amount = Decimal(m.group("num").replace(",", "")) * factor
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError("不是可读的金额") from None
    return float(amount)


_SCORE_RE = re.compile(r"^(\d+(?:\.\d+)?)分?$")


def read_score(text: str) -> str | None:
    """An explicit 得分 as a plain number string ('9.5分' → '9.5'); None if unreadable."""
    m = _SCORE_RE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return m.group(1) if m else None


# --- the plan ----------------------------------------------------------------------


@dataclass
class Groups:
    """What rows can name: projects and parts of the department goals, with their
    indicators' 三级指标 names one group after the other."""

    unit: np.ndarray          # int64, the unit of each group
    code: list[str]
    name: list[str]
    is_project: np.ndarray    # bool: a project (has fund rows), else a part of the department goals
    counts: np.ndarray        # int64, indicators of each group
    level3: np.ndarray        # object, the 三级指标 of every indicator


@dataclass
class Rows:
    """The sheet's rows as columns: cleaned cells, None for a blank one."""

    unit: np.ndarray          # int64, the unit each row belongs to
    project_code: np.ndarray  # object
    project_name: np.ndarray
    level3: np.ndarray
    actual: np.ndarray
    score: np.ndarray

    CELLS = ("project_code", "project_name", "level3", "actual", "score")

    def __len__(self) -> int:
        return len(self.unit)


@dataclass
class Problem:
    at: int                   # the row's position in Rows
    column: str               # the sheet's field the problem is in
    value: str | None
    message: str


@dataclass
class Plan:
    """What each row fills, when no row has a problem."""

    group: np.ndarray         # int64: the group each row names
    indicator: np.ndarray     # int64: the indicator an indicator row fills (position in Groups.level3), -1 for a fund row
    fund: np.ndarray          # object: the fund field of a fund row, None for an indicator row
    score: np.ndarray         # object: 得分 as read ('9.5'), None when blank
    amount: np.ndarray        # object: a fund row's amount in 元, None when blank
    problems: list[Problem]


def _per_distinct(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` once per distinct value; None passes through as None."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    out = np.empty(len(uniques) + 1, dtype=object)
    out[:-1] = [fn(u) for u in uniques] if len(uniques) else []
    out[-1] = None
    return out[codes]


def _ids(values, ids: dict) -> np.ndarray:
    """Each value's id in ``ids`` (new values get the next ids, in order of appearance)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    return np.array([ids.setdefault(u, len(ids)) for u in uniques], dtype=np.int64)[codes]


def _cumcount(keys: np.ndarray) -> np.ndarray:
    """For each element, how many elements before it have the same key."""
    n = len(keys)
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    start = np.ones(n, dtype=bool)
    start[1:] = ranked[1:] != ranked[:-1]
    at = np.arange(n)
    out = np.empty(n, dtype=np.int64)
    out[order] = at - np.maximum.accumulate(np.where(start, at, 0))
    return out


def plan_join(groups: Groups, rows: Rows, row_numbers: np.ndarray, money_unit: str) -> Plan:
    """The plan of the join of ``rows`` (Excel row numbers ``row_numbers``, for the
    duplicate messages) to ``groups``; a fund figure without a unit is in ``money_unit``."""
    n = len(rows)
    problem: dict[int, Problem] = {}
    group = _find_groups(groups, rows, problem)

    # The 三级指标 of each row, as a key id shared with the indicators' names.
    found = group >= 0
    missing_name = found & pd.isna(pd.Series(rows.level3, dtype=object)).to_numpy()
    for i in np.flatnonzero(missing_name).tolist():
        problem[i] = Problem(i, "level3", None, "三级指标为空，无法对应到指标")
    live = found & ~missing_name
    keys = np.full(n, None, dtype=object)
    keys[live] = _per_distinct(rows.level3[live], join_key)
    key_ids: dict[str, int] = {}
    ind_group = np.repeat(np.arange(len(groups.counts), dtype=np.int64), groups.counts)
    ind_kid = _ids(_per_distinct(groups.level3, join_key), key_ids) if len(groups.level3) else np.zeros(0, np.int64)
    kid = np.full(n, -1, dtype=np.int64)
    kid[live] = _ids(keys[live], key_ids)
    fund_of_key = np.array([fund_field(k) for k in key_ids] + [None], dtype=object)
    fund = np.where(live, fund_of_key[kid], None)
    is_fund = np.not_equal(fund, None)
    span = len(key_ids) + 1
    pair = group * span + kid                      # (group, name) of each row
    have_pairs, slots = np.unique(ind_group * span + ind_kid, return_counts=True)

    project = groups.is_project[np.maximum(group, 0)] if len(groups.is_project) else np.zeros(n, dtype=bool)
    dept_fund = live & is_fund & ~project
    for i in np.flatnonzero(dept_fund).tolist():
        problem[i] = Problem(i, "level3", rows.level3[i], "部门整体绩效目标没有资金行，保留名称只能用于项目")
    unknown = live & ~is_fund & ~np.isin(pair, have_pairs)
    for i in np.flatnonzero(unknown).tolist():
        g = int(group[i])
        problem[i] = Problem(i, "level3", rows.level3[i],
                             f"项目「{groups.name[g]}」（{groups.code[g]}）中没有这个三级指标")

    # The n-th accepted row of a (group, name) fills its n-th indicator; beyond the last, a duplicate.
    taken = live & ~dept_fund & ~unknown
    occurrence = np.full(n, -1, dtype=np.int64)
    occurrence[taken] = _cumcount(pair[taken])
    allowed = np.ones(n, dtype=np.int64)           # a fund row: one
    names = taken & ~is_fund
    allowed[names] = slots[np.searchsorted(have_pairs, pair[names])]
    duplicate = taken & (occurrence >= allowed)
    if duplicate.any():
        first_rows: dict[int, list[int]] = {}
        for i in np.flatnonzero(taken & (occurrence < allowed)).tolist():
            first_rows.setdefault(int(pair[i]), []).append(int(row_numbers[i]))
        for i in np.flatnonzero(duplicate).tolist():
            g = int(group[i])
            shown = "、".join(f"第{r}行" for r in first_rows[int(pair[i])])
            problem[i] = Problem(i, "level3", rows.level3[i],
                                 f"与{shown}重复：项目「{groups.name[g]}」的这一项只能填写{int(allowed[i])}行")
    accepted = taken & ~duplicate

    # The indicator each accepted indicator row fills.
    indicator = np.full(n, -1, dtype=np.int64)
    fills = accepted & ~is_fund
    if fills.any():
        span_o = int(max(occurrence.max(initial=0), len(groups.level3))) + 1
        ind_occurrence = _cumcount(ind_group * span + ind_kid)
        have = (ind_group * span + ind_kid) * span_o + ind_occurrence
        indicator[fills] = pd.Index(have).get_indexer((pair[fills]) * span_o + occurrence[fills])

    # Values: 得分 and fund figures must read.
    score = np.full(n, None, dtype=object)
    given = fills & np.not_equal(rows.score, None)
    score[given] = _per_distinct(rows.score[given], read_score)
    for i in np.flatnonzero(given & np.equal(score, None)).tolist():
        problem[i] = Problem(i, "score", rows.score[i], "得分不是数字（只填数字，如 9.5）")
    amount = np.full(n, None, dtype=object)
    funds = accepted & is_fund
    for i in np.flatnonzero(funds).tolist():
        f = fund[i]
        if f.endswith("月底") and not 1 <= int(f[:-2]) <= 12:
            problem[i] = Problem(i, "level3", rows.level3[i], "累计支出的月份应在1到12之间")
    figures = funds & np.not_equal(rows.actual, None)
    amount[figures] = _per_distinct(rows.actual[figures], functools.partial(_money_or_reason, money_unit=money_unit))
    for i in np.flatnonzero(figures).tolist():
        if isinstance(amount[i], _Refused) and i not in problem:
            problem[i] = Problem(i, "actual", rows.actual[i], amount[i].reason)
    return Plan(group=group, indicator=indicator, fund=fund, score=score, amount=amount,
                problems=[problem[i] for i in sorted(problem)])


@dataclass(frozen=True)
class _Refused:
    reason: str


def _money_or_reason(text: str, money_unit: str) -> float | _Refused:
    try:
        return parse_money(text, money_unit)
    except ValueError as exc:
        return _Refused(str(exc))


def _find_groups(groups: Groups, rows: Rows, problem: dict[int, Problem]) -> np.ndarray:
    """The group each row names (-1, with its problem, when none): one decision per
    distinct (unit, 项目编码, 项目名称) of the sheet."""
    by_code: dict[tuple[int, str], list[int]] = {}
    by_name: dict[tuple[int, str], list[int]] = {}
    for g, (u, code, name) in enumerate(zip(groups.unit.tolist(), groups.code, groups.name)):
        by_code.setdefault((u, join_key(code)), []).append(g)
        by_name.setdefault((u, join_key(name)), []).append(g)
    codes_of_unit: dict[int, list[str]] = {}   # the unit's codes, as an Excel-mangled code is compared
    for (u, _), members in by_code.items():
        codes_of_unit.setdefault(u, []).extend(groups.code[g] for g in members)
    # Each distinct (unit, 项目编码, 项目名称) once.
    parts = [pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
             for values in (rows.unit, rows.project_code, rows.project_name)]
    combined = np.zeros(len(rows), dtype=np.int64)
    for codes, uniques in parts:
        combined = combined * (len(uniques) + 1) + (codes + 1)
    _, first, which = np.unique(combined, return_index=True, return_inverse=True)
    decided = np.empty(len(first), dtype=np.int64)
    said: list[tuple[str, str | None, str] | None] = []
    for d, i in enumerate(first.tolist()):
        g, why = _find_group(int(rows.unit[i]), rows.project_code[i], rows.project_name[i],
                             by_code, by_name, codes_of_unit, groups)
        decided[d] = g
        said.append(why)
    group = decided[which] if len(rows) else np.zeros(0, dtype=np.int64)
    for i in np.flatnonzero(group < 0).tolist():
        column, value, message = said[which[i]]
        problem[i] = Problem(i, column, value, message)
    return group


def _find_group(u: int, raw_code: str | None, raw_name: str | None, by_code, by_name, codes_of_unit,
                groups: Groups) -> tuple[int, tuple[str, str | None, str] | None]:
    """The group a row names: by code, else by unique name; -1 and (column, value, message) when none."""
    code = join_key(raw_code) if raw_code else ""
    name = join_key(raw_name) if raw_name else ""
    matches = by_code.get((u, code)) if code else None
    if matches:
        if len(matches) == 1:
            return matches[0], None
        named = [g for g in matches if join_key(groups.name[g]) == name]
        if len(named) == 1:
            return named[0], None
        return -1, ("project_code", raw_code, f"有{len(matches)}个项目使用这个项目编码，项目名称"
                    + (f"「{raw_name}」也无法区分" if name else "为空，无法区分"))
    if name:
        matches = by_name.get((u, name), [])
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return -1, ("project_name", raw_name, f"有{len(matches)}个项目同名，请填写项目编码")
    if not code and not name:
        return -1, ("project_code", None, "项目编码和项目名称都为空，无法对应到项目")
    if code:
        hint = f"，项目名称「{raw_name}」也找不到" if name else ""
        mangled = excel_mangled_code(raw_code, codes_of_unit.get(u, []))
        return -1, ("project_code", raw_code, f"绩效目标中没有这个项目编码{hint}{mangled}")
    return -1, ("project_name", raw_name, "绩效目标中没有这个项目名称")
