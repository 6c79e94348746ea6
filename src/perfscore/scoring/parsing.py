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
    key = np.zeros(len(frame), dtype=np.int64)
    for col in columns:
        # Combine one column at a time and re-factorize, so the integer key stays small.
        codes, uniq = pd.factorize(frame[col], use_na_sentinel=False)
        key, _ = pd.factorize(key * (len(uniq) + 1) + codes)
    key = np.asarray(key, dtype=np.int64)
    return key, np.unique(key, return_index=True)[1]


def distinct_rows(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Per-row codes and the distinct rows (first-seen order)."""
    key, first = dense_key(frame, columns)
    return key, frame.iloc[first][columns].reset_index(drop=True)


def parse_distinct_targets(distinct: pd.DataFrame, year: int | None) -> list[Target]:
    from perfscore.values import parse_targets

    return parse_targets(distinct["target"].tolist(), distinct["level1"].tolist(),
                         distinct["level2"].tolist(), distinct["level3"].tolist(), year)


def parse_distinct_actuals(texts: list[str], targets: list[Target]) -> list[Actual]:
    from perfscore.values import parse_actuals

    return parse_actuals(texts, targets)


def describe(actual: Actual) -> str:
    from perfscore.values import describe_actual

    return describe_actual(actual)


def canonical(target: Target) -> str:
    try:
        return target.canonical
    except (ImportError, AttributeError):
        return target.text


def _date64(values: list[str | None]) -> np.ndarray:
    return np.array([np.datetime64(v, "D") if v else np.datetime64("NaT", "D") for v in values],
                    dtype="datetime64[D]")


def _flt(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _bool3(values) -> np.ndarray:
    """True/False/None → 1.0/0.0/NaN."""
    return np.array([np.nan if v is None else float(bool(v)) for v in values], dtype=float)


def target_columns(ts: list[Target]) -> dict[str, np.ndarray]:
    obj = lambda xs: np.array(xs, dtype=object)  # noqa: E731
    return {
        "t_kind": obj([t.kind for t in ts]),
        "t_op": obj([t.op or "" for t in ts]),
        "t_value": _flt([t.value for t in ts]),
        "t_low": _flt([t.low for t in ts]),
        "t_high": _flt([t.high for t in ts]),
        "t_unit": obj([t.unit or "" for t in ts]),
        "t_dim": obj([t.dimension or "" for t in ts]),
        "t_per": obj(["/".join(t.per) for t in ts]),
        "t_deadline": _date64([t.deadline for t in ts]),
        "t_count": _flt([t.count_per_year for t in ts]),
        "t_grade": obj([t.grade or "" for t in ts]),
        "t_grade_idx": _flt([t.ladder.index(t.grade) if t.grade in t.ladder else None for t in ts]),
        "t_ladder": obj(["、".join(t.ladder) for t in ts]),
        "t_inferred": np.array([bool(t.inferred) for t in ts], dtype=bool),
        "t_reason": obj([t.reason or "" for t in ts]),
        "t_canonical": obj([canonical(t) for t in ts]),
    }


def actual_columns(acts: list[Actual], tgts: list[Target]) -> dict[str, np.ndarray]:
    obj = lambda xs: np.array(xs, dtype=object)  # noqa: E731
    grade_idx = []
    for a, t in zip(acts, tgts):
        if a.kind != "grade" or a.grade is None:
            grade_idx.append(None)
        elif a.grade in t.ladder:
            grade_idx.append(t.ladder.index(a.grade))
        else:
            grade_idx.append(-1)  # a grade, but not on the target's ladder
    return {
        "a_kind": obj([a.kind for a in acts]),
        "a_value": _flt([a.value for a in acts]),
        "a_unit": obj([a.unit or "" for a in acts]),
        "a_dim": obj([a.dimension or "" for a in acts]),
        "a_per": obj(["/".join(a.per) for a in acts]),
        "a_date": _date64([a.date for a in acts]),
        "a_completed": _bool3([a.completed for a in acts]),
        "a_on_time": _bool3([a.on_time for a in acts]),
        "a_grade": obj([a.grade or "" for a in acts]),
        "a_grade_idx": _flt(grade_idx),
        "a_tier": _flt([_TIER_CODE.get(a.tier) if a.tier else None for a in acts]),
        "a_sat": _flt([a.survey[0] if a.survey else None for a in acts]),
        "a_n": _flt([a.survey[1] if a.survey else None for a in acts]),
        "a_approx": np.array([bool(a.approx) for a in acts], dtype=bool),
        "a_reason": obj([a.reason or "" for a in acts]),
        "a_reading": obj([describe(a) for a in acts]),
    }


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
    if len(idx):
        pair = pd.DataFrame({"actual": frame["actual"].to_numpy(dtype=object)[idx], "t": t_codes[idx]})
        sub_codes, sub_distinct = distinct_rows(pair, ["actual", "t"])
        a_codes[idx] = sub_codes
        tgts = [targets[i] for i in sub_distinct["t"].tolist()]
        acts = parse_distinct_actuals([str(x) for x in sub_distinct["actual"].tolist()], tgts)
        a_cols = actual_columns(acts, tgts)
    else:
        a_cols = actual_columns([], [])
    # Rows without an actual take the 'empty' reading.
    take = np.where(a_codes >= 0, a_codes, 0)
    for key, arr in a_cols.items():
        if len(arr):
            col = arr[take].copy()
        else:
            col = np.empty(n, dtype=arr.dtype)
        missing = a_codes < 0
        if col.dtype == bool:
            col[missing] = False
        elif col.dtype == object:
            col[missing] = "empty" if key == "a_kind" else ""
        elif col.dtype.kind == "M":
            col[missing] = np.datetime64("NaT")
        else:
            col[missing] = np.nan
        cols[key] = col
    cols["t_code"] = t_codes
    cols["a_code"] = a_codes
    return Readings(cols)
