"""results.json (schema ``perfscore.results/1``): the full Evaluation, saved and read back.

Layout::

    {"schema": "perfscore.results/1",
     "meta": {...}, "blocks": [...],
     "indicators": [{column: value, ...}, ...],   # INDICATOR_COLUMNS order
     "projects":   [{...}, ...],                  # PROJECT_COLUMNS with the block columns
     "department": {...},
     "monitoring": [{...}, ...],
     "findings":   [{check, severity, message, project_code, indicator_id, source}, ...]}

Missing numbers are ``null``; the text is deterministic (fixed key order, UTF-8,
two-space indent, trailing newline), so the same Evaluation gives the same bytes.
Other commands (report, review, compare) read results through :func:`load_results`.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pandas as pd

from perfscore.errors import FormatError, Location
from perfscore.io import atomic_write_text, read_text
from perfscore.model import Finding
from perfscore.scoring.evaluation import RESULTS_SCHEMA, Evaluation

_FLOAT_INDICATOR = ("weight", "score", "ci_low", "ci_high")
_BOOL_INDICATOR = ("inferred",)
_INT_PROJECT = ("indicators", "missed", "needs_review", "not_applicable")
_BOOL_PROJECT = ("incomplete",)
_TEXT_PROJECT = ("unit_code", "unit_name", "project_code", "project_name", "grade", "flags", "notes",
                 "exec_reason")


def _py(value):
    """A JSON-ready Python value (numpy scalars unwrapped, NaN → None)."""
    if isinstance(value, dict):
        return {str(k): _py(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_py(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _columns_as_python(frame: pd.DataFrame) -> list[list]:
    """Each column as a list of JSON-ready Python values (NaN → None), column-wise."""
    out = []
    for col in frame.columns:
        series = frame[col]
        if series.dtype.kind == "f":
            values = series.to_numpy(dtype=float)
            listed = values.tolist()
            if np.isnan(values).any():
                listed = [None if v != v else v for v in listed]
        elif series.dtype.kind in "iub":
            listed = series.tolist()
        else:
            # Text columns hold str already; only other values need converting.
            listed = [v if v.__class__ is str else _py(v) for v in series.tolist()]
        out.append(listed)
    return out


def _record_lines(frame: pd.DataFrame) -> str:
    """A JSON array with one compact record per line (readable, diff-friendly, and encoded
    by json's C encoder: an indented dump of 10^6 records would take minutes)."""
    if frame.empty:
        return "[]"
    cols = [str(c) for c in frame.columns]
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    lines = [dumps(dict(zip(cols, row))) for row in zip(*_columns_as_python(frame))]
    return "[\n    " + ",\n    ".join(lines) + "\n  ]"


def results_to_json(ev: Evaluation) -> str:
    def block(value) -> str:
        return json.dumps(_py(value), ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n  ")

    parts = [
        ("schema", json.dumps(RESULTS_SCHEMA)),
        ("meta", block(ev.meta)),
        ("blocks", json.dumps(list(ev.blocks), ensure_ascii=False)),
        ("indicators", _record_lines(ev.indicators)),
        ("projects", _record_lines(ev.projects)),
        ("department", block(ev.department)),
        ("monitoring", _record_lines(ev.monitoring)),
        ("findings", _record_lines(pd.DataFrame(
            [f.model_dump(mode="json") for f in ev.findings],
            columns=["check", "severity", "message", "project_code", "indicator_id", "source"]))),
    ]
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {v}" for k, v in parts) + "\n}\n"


def save_results(ev: Evaluation, path: str | os.PathLike) -> None:
    atomic_write_text(path, results_to_json(ev))


def _frame(records: list[dict], columns: list[str] | None = None) -> pd.DataFrame:
    if not records:
        return pd.DataFrame(columns=columns or [])
    cols = list(records[0])
    return pd.DataFrame({c: [r.get(c) for r in records] for c in cols})


def _floats(frame: pd.DataFrame, cols) -> None:
    for c in cols:
        if c in frame:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)


def _texts(frame: pd.DataFrame, cols) -> None:
    for c in cols:
        if c in frame:
            frame[c] = frame[c].astype(object).where(frame[c].notna(), "")


def load_results(path: str | os.PathLike) -> Evaluation:
    """Read a results.json written by :func:`save_results` back into an Evaluation."""
    shown = str(path)
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise FormatError(f"不是合法的JSON：{exc.msg}（第{exc.lineno}行）", location=Location(file=shown)) from None
    if not isinstance(data, dict) or data.get("schema") != RESULTS_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise FormatError(f"不是 {RESULTS_SCHEMA} 格式的评分结果（schema 为 {found!r}）",
                          location=Location(file=shown), hint="请用 perfscore evaluate 重新生成 results.json。")
    try:
        from perfscore.scoring.evaluation import (
            INDICATOR_COLUMNS,
            INDICATOR_EXTRA_COLUMNS,
            MONITORING_COLUMNS,
            PROJECT_COLUMNS,
            PROJECT_EXTRA_COLUMNS,
        )

        blocks = list(data.get("blocks", []))
        ind = _frame(data.get("indicators", []), INDICATOR_COLUMNS + INDICATOR_EXTRA_COLUMNS)
        _floats(ind, _FLOAT_INDICATOR)
        for c in _BOOL_INDICATOR:
            if c in ind:
                ind[c] = ind[c].astype(bool)
        _texts(ind, [c for c in ind.columns if c not in _FLOAT_INDICATOR + _BOOL_INDICATOR])
        proj = _frame(data.get("projects", []),
                      PROJECT_COLUMNS[:9] + blocks + PROJECT_COLUMNS[9:] + PROJECT_EXTRA_COLUMNS)
        numeric = [c for c in proj.columns if c not in _TEXT_PROJECT + _INT_PROJECT + _BOOL_PROJECT]
        _floats(proj, numeric)
        for c in _INT_PROJECT:
            if c in proj:
                proj[c] = pd.to_numeric(proj[c]).astype("int64")
        for c in _BOOL_PROJECT:
            if c in proj:
                proj[c] = proj[c].astype(bool)
        _texts(proj, _TEXT_PROJECT)
        mon = _frame(data.get("monitoring", []), MONITORING_COLUMNS)
        _floats(mon, ("planned_pct", "spent", "actual_pct", "lag_pct"))
        if "lagging" in mon:
            mon["lagging"] = mon["lagging"].astype(bool)
        findings = [Finding.model_validate(f) for f in data.get("findings", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"评分结果内容不完整或已损坏：{exc}", location=Location(file=shown)) from None
    return Evaluation(meta=dict(data.get("meta", {})), indicators=ind, projects=proj, blocks=blocks,
                      department=dict(data.get("department", {})), monitoring=mon, findings=findings)


__all__ = ["load_results", "results_to_json", "save_results"]
