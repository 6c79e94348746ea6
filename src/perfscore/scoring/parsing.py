"""Read every target and actual string of the frame through the value grammar
(``perfscore.values``), each distinct string once, and spread the readings into
numpy columns the rules can work on.

A target's reading depends on its indicator's names (a bare number under 成本指标
is ≤), so the distinct key of a target is (text, 一级, 二级, 三级). An actual is read
against its target (a bare number takes the target's unit), so its key is
(text, distinct target).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfscore.values import describe_actual, parse_actuals, parse_targets
from perfscore.values.render import render_target
from perfscore.values.types import TIERS, Actual, Target

_TIER_CODE = {name: i for i, name in enumerate(TIERS)}


@dataclass
class Readings:
    """Per-row columns of the parsed targets (t_*) and actuals (a_*)."""

    cols: dict[str, np.ndarray]

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key]


class Labels:
    """A column of a few distinct strings (kinds, operators, rules) compared through integer
    codes: numpy compares an object array one Python string at a time (~2 ms per 10^5 rows
    and comparison), integer codes in a few microseconds. ``labels == "range"`` and
    ``labels.isin([...])`` give what the same operations give on the strings."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, values: np.ndarray):
        codes, uniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        self.codes = np.asarray(codes)
        self._code = {u: i for i, u in enumerate(uniq)}

    def __eq__(self, label) -> np.ndarray:  # type: ignore[override]
        return self.codes == self._code.get(label, -1)

    def __ne__(self, label) -> np.ndarray:  # type: ignore[override]
        return self.codes != self._code.get(label, -1)

    def isin(self, labels) -> np.ndarray:
        return np.isin(self.codes, [self._code[x] for x in labels if x in self._code])


def dense_key(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-row codes 0..k-1 of the distinct value combinations of ``columns`` (numbered in
    order of first appearance), and the row index where each combination first appears."""
    return combined_codes([frame[col] for col in columns], len(frame))


def combined_codes(columns: list, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``dense_key`` over arrays (or Series) of length ``n``."""
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        # Combine one column at a time and re-factorize, so the integer key stays small.
        codes, uniq = pd.factorize(col, use_na_sentinel=False)
        key, _ = pd.factorize(key * (len(uniq) + 1) + codes)
    key = np.asarray(key, dtype=np.int64)
    # Codes are numbered in order of first appearance, so the first rows come in code order
    # (a hash pass instead of sorting the key).
    return key, np.flatnonzero(~pd.Series(key).duplicated().to_numpy())


def distinct_rows(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Per-row codes and the distinct rows (first-seen order)."""
    key, first = dense_key(frame, columns)
    return key, frame[columns].iloc[first].reset_index(drop=True)


def parse_distinct_targets(distinct: pd.DataFrame, year: int | None) -> list[Target]:
    return parse_targets(distinct["target"].tolist(), distinct["level1"].tolist(),
                         distinct["level2"].tolist(), distinct["level3"].tolist(), year)


def parse_distinct_actuals(texts: list[str], targets: list[Target]) -> list[Actual]:
    return parse_actuals(texts, targets)


def canonical(target: Target) -> str:
    return render_target(target)


def _date64(values) -> np.ndarray:
    """ISO dates (None → NaT); only the dates are converted one by one."""
    out = np.full(len(values), np.datetime64("NaT", "D"), dtype="datetime64[D]")
    at = [i for i, v in enumerate(values) if v]
    if at:
        out[at] = [np.datetime64(values[i], "D") for i in at]
    return out


def _flt(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _bool3(values) -> np.ndarray:
    """True/False/None → 1.0/0.0/NaN."""
    return np.array([np.nan if v is None else float(bool(v)) for v in values], dtype=float)


def _obj(values, *, blank: bool = True) -> np.ndarray:
    """An object array of ``values`` (with ``blank``, None or '' → '')."""
    out = np.empty(len(values), dtype=object)
    out[:] = [v or "" for v in values] if blank else list(values)
    return out


def _by_identity(objs: list) -> tuple[np.ndarray, list]:
    """Codes of ``objs`` by object identity (first-seen order) and the distinct objects.

    The value grammar returns the same object for equal inputs (its caches), and the same
    object reads the same: taking it apart once per object is exact. Identity, not
    equality: hashing a reading hashes all its fields."""
    codes, _ = pd.factorize(np.fromiter(map(id, objs), dtype=np.int64, count=len(objs)))
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    return np.asarray(codes), [objs[i] for i in first.tolist()]


_T_FIELDS = ("kind", "op", "value", "low", "high", "unit", "dimension", "per", "deadline", "count_per_year",
             "grade", "ladder", "inferred", "reason")


def target_columns(targets: list[Target]) -> dict[str, np.ndarray]:
    """Reading columns of ``targets``, each distinct object taken apart once (see _by_identity)."""
    codes, ts = _by_identity(targets)
    kind, op, value, low, high, unit, dim, per, deadline, count, grade, ladder, inferred, reason = (
        [getattr(t, name) for t in ts] for name in _T_FIELDS)
    cols = {
        "t_kind": _obj(kind, blank=False),
        "t_op": _obj(op),
        "t_value": _flt(value),
        "t_low": _flt(low),
        "t_high": _flt(high),
        "t_unit": _obj(unit),
        "t_dim": _obj(dim),
        "t_per": _obj(["/".join(p) for p in per]),
        "t_deadline": _date64(deadline),
        "t_count": _flt(count),
        "t_grade": _obj(grade),
        "t_grade_idx": _flt([lad.index(g) if g in lad else None for g, lad in zip(grade, ladder)]),
        "t_ladder": _obj(["、".join(lad) for lad in ladder]),
        "t_inferred": np.array([bool(x) for x in inferred], dtype=bool),
        "t_reason": _obj(reason),
        "t_canonical": _obj([canonical(t) for t in ts], blank=False),
    }
    return {k: v[codes] for k, v in cols.items()}


_A_FIELDS = ("kind", "value", "unit", "dimension", "per", "date", "completed", "on_time", "grade", "tier",
             "survey", "approx", "reason")


def actual_columns(acts: list[Actual], tgts: list[Target]) -> dict[str, np.ndarray]:
    """Reading columns of ``acts`` (each read against the target beside it in ``tgts``).

    ``parse_actuals`` hands out one object per distinct (text, equal target), and a batch
    has about two (text, target-row) pairs per such object: each object is taken apart and
    described once, then spread."""
    codes, uniq = _by_identity(acts)
    kind, value, unit, dim, per, date, completed, on_time, grade, tier, survey, approx, reason = (
        [getattr(a, name) for a in uniq] for name in _A_FIELDS)
    cols = {
        "a_kind": _obj(kind, blank=False),
        "a_value": _flt(value),
        "a_unit": _obj(unit),
        "a_dim": _obj(dim),
        "a_per": _obj(["/".join(p) for p in per]),
        "a_date": _date64(date),
        "a_completed": _bool3(completed),
        "a_on_time": _bool3(on_time),
        "a_grade": _obj(grade),
        "a_grade_idx": np.full(len(uniq), np.nan),
        "a_tier": _flt([_TIER_CODE.get(x) if x else None for x in tier]),
        "a_sat": _flt([x[0] if x else None for x in survey]),
        "a_n": _flt([x[1] if x else None for x in survey]),
        "a_approx": np.array([bool(x) for x in approx], dtype=bool),
        "a_reason": _obj(reason),
        "a_reading": _obj(list(map(describe_actual, uniq)), blank=False),
    }
    cols = {k: v[codes] for k, v in cols.items()}
    # A grade's place on its target's ladder: per row, as it depends on the target.
    graded = np.flatnonzero(cols["a_kind"] == "grade")
    idx = cols["a_grade_idx"]
    for i in graded.tolist():
        g, ladder = acts[i].grade, tgts[i].ladder
        if g is not None:
            idx[i] = ladder.index(g) if g in ladder else -1  # -1: a grade, but not on the ladder
    return cols


# What a row without an actual reads as (appended to the distinct readings).
_EMPTY_READING = {"a_kind": "empty", "a_date": np.datetime64("NaT", "D")}


def read_values(frame: pd.DataFrame, year: int | None) -> Readings:
    """Parse the frame's ``target`` and ``actual`` columns; return per-row reading columns."""
    n = len(frame)
    t_codes, t_distinct = distinct_rows(frame, ["target", "level1", "level2", "level3"])
    targets = parse_distinct_targets(t_distinct, year)
    cols = {k: v[t_codes] for k, v in target_columns(targets).items()}

    raw_codes, raw_uniq = pd.factorize(frame["actual"], use_na_sentinel=True)
    blank = np.array([str(u).strip() == "" for u in raw_uniq] + [True], dtype=bool)
    has_actual = ~blank[np.where(raw_codes < 0, len(raw_uniq), raw_codes)]
    a_codes = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(has_actual)
    # An actual is read against its target: one reading per distinct (actual, target).
    sub_codes, first = combined_codes([raw_codes[idx], t_codes[idx]], len(idx))
    a_codes[idx] = sub_codes
    tgts = [targets[i] for i in t_codes[idx[first]].tolist()]
    texts = [str(x) for x in frame["actual"].to_numpy(dtype=object)[idx[first]]]
    a_cols = actual_columns(parse_distinct_actuals(texts, tgts) if texts else [], tgts)
    # Rows without an actual take the 'empty' reading: one more entry after the distinct ones.
    take = np.where(a_codes >= 0, a_codes, len(first))
    for key, arr in a_cols.items():
        if arr.dtype == bool:
            blank_value = False
        elif arr.dtype == object:
            blank_value = ""
        elif arr.dtype.kind == "M":
            blank_value = np.datetime64("NaT")
        else:
            blank_value = np.nan
        cols[key] = np.append(arr, np.array([_EMPTY_READING.get(key, blank_value)], dtype=arr.dtype))[take]
    cols["t_code"] = t_codes
    cols["a_code"] = a_codes
    return Readings(cols)
