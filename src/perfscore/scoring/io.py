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

from perfscore.errors import DataError, FormatError, Location
from perfscore.io import atomic_write_text, read_text
from perfscore.model import Finding
from perfscore.scoring.evaluation import (
    INDICATOR_COLUMNS,
    INDICATOR_EXTRA_COLUMNS,
    MONITORING_COLUMNS,
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    PROJECT_COLUMNS,
    PROJECT_EXTRA_COLUMNS,
    RESULTS_SCHEMA,
    SCORED,
    Evaluation,
)

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


# What ``json.dumps(..., ensure_ascii=False)`` writes a str with (the C function).
_encode_str = json.encoder.encode_basestring
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def _json_cells(series: pd.Series) -> list[str]:
    """Each cell of a column as json.dumps(ensure_ascii=False, allow_nan=False) writes the
    JSON-ready value (:func:`_py`) of the cell: a column at a time, one C call per cell."""
    kind = "O" if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) else series.dtype.kind
    if kind == "f":
        values = series.to_numpy(dtype=float)
        if np.isinf(values).any():
            raise ValueError("Out of range float values are not JSON compliant")
        cells = list(map(float.__repr__, values.tolist()))
        for i in np.flatnonzero(np.isnan(values)).tolist():
            cells[i] = "null"
        return cells
    if kind == "b":
        return ["true" if v else "false" for v in series.tolist()]
    if kind in "iu":
        return list(map(int.__repr__, series.tolist()))
    values = series.tolist()
    if set(map(type, values)) <= {str}:   # text columns hold str (the usual case)
        return list(map(_encode_str, values))
    return [_encode_str(v) if v.__class__ is str else _dumps(_py(v)) for v in values]


def record_lines(frame: pd.DataFrame) -> list[str]:
    """One compact JSON record per row, as json.dumps(record, ensure_ascii=False) writes it
    (``{"column": value, ...}``, NaN as null), made column by column: a row's line
    depends on that row alone, so a batch makes the lines of a block once and gives each
    unit its slice."""
    if frame.empty:
        return []
    # the keys as json writes them; '%' doubled for the %-template below
    template = "{" + ", ".join(_encode_str(str(c)).replace("%", "%%") + ": %s" for c in frame.columns) + "}"
    cells = [_json_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return [template % row for row in zip(*cells)]


FINDING_FIELDS = ("check", "severity", "message", "project_code", "indicator_id", "source")
_FINDING_TEMPLATE = "{" + ", ".join(f"{_encode_str(k)}: %s" for k in FINDING_FIELDS) + "}"


def _text_cell(value) -> str:
    """A text field as json.dumps writes it (null when missing)."""
    if value.__class__ is str:
        return _encode_str(value)
    return "null" if value is None else _dumps(_py(value))


def finding_lines(findings) -> list[str]:
    """One compact JSON record per finding, its fields in FINDING_FIELDS order, as
    json.dumps writes the record (all text or null: a template, no dict per finding)."""
    return [_FINDING_TEMPLATE % (_text_cell(f.check), _text_cell(f.severity), _text_cell(f.message),
                                 _text_cell(f.project_code), _text_cell(f.indicator_id), _text_cell(f.source))
            for f in findings]


def _array(lines: list[str]) -> str:
    """A JSON array with one record per line (readable and diff-friendly)."""
    if not lines:
        return "[]"
    return "[\n    " + ",\n    ".join(lines) + "\n  ]"


def results_to_json(ev: Evaluation, lines: dict[str, list[str]] | None = None) -> str:
    """``lines``: the record lines of ``indicators`` and ``projects`` when the caller has
    them already (:func:`record_lines` of exactly these frames)."""
    def block(value) -> str:
        return json.dumps(_py(value), ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n  ")

    def table(name: str, frame: pd.DataFrame) -> str:
        given = (lines or {}).get(name)
        return _array(record_lines(frame) if given is None else given)

    parts = [
        ("schema", json.dumps(RESULTS_SCHEMA)),
        ("meta", block(ev.meta)),
        ("blocks", json.dumps(list(ev.blocks), ensure_ascii=False)),
        ("indicators", table("indicators", ev.indicators)),
        ("projects", table("projects", ev.projects)),
        ("department", block(ev.department)),
        ("monitoring", table("monitoring", ev.monitoring)),
        ("findings", _array(finding_lines(ev.findings))),
    ]
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {v}" for k, v in parts) + "\n}\n"


def save_results(ev: Evaluation, path: str | os.PathLike, lines: dict[str, list[str]] | None = None) -> None:
    atomic_write_text(path, results_to_json(ev, lines))


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


# Fields every indicator of a results.json must carry, and the statuses it may have.
_REQUIRED_INDICATOR = ("project_code", "indicator_id", "level3", "weight", "score", "status")
_STATUSES = (SCORED, NOT_APPLICABLE, NEEDS_REVIEW)
_MAX_LISTED = 20


def _number(value) -> float | None:
    """A JSON number as float; None for anything else (text, true/false, a list …)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _validate(data: dict, shown: str) -> None:
    """Refuse a results.json whose shape or values the writer could not have produced
    (edited by hand, cut short, from another program): every problem is listed, each
    naming the indicator, field and value, so that nothing wrong is carried into a report."""
    for key in ("indicators", "projects"):
        if not isinstance(data.get(key), list):
            raise FormatError(f"评分结果缺少「{key}」列表", location=Location(file=shown, column=key),
                              hint="文件可能被截断或改坏了；请用 perfscore evaluate 重新生成 results.json。")
    for key in ("blocks", "monitoring", "findings"):
        if key in data and not isinstance(data[key], list):
            raise FormatError(f"评分结果中「{key}」应为列表", location=Location(file=shown, column=key),
                              hint="请用 perfscore evaluate 重新生成 results.json。")
    problems: list[tuple[Location, str]] = []

    def bad(n: int, field: str, value, why: str) -> None:
        ind = data["indicators"][n]
        name = f"（{ind.get('indicator_id')}）" if isinstance(ind, dict) and ind.get("indicator_id") else ""
        problems.append((Location(file=shown, column=f"indicators[{n}].{field}",
                                  value=None if value is None else json.dumps(value, ensure_ascii=False)),
                         f"第{n + 1}个指标{name}：{why}"))

    for n, ind in enumerate(data["indicators"]):
        if not isinstance(ind, dict):
            bad(n, "", ind, "每个指标应为一个对象")
            continue
        missing = [f for f in _REQUIRED_INDICATOR if f not in ind]
        if missing:
            bad(n, missing[0], None, f"缺少字段「{'」「'.join(missing)}」")
            continue
        weight, score, status = _number(ind["weight"]), ind["score"], ind["status"]
        if weight is None or not math.isfinite(weight):
            bad(n, "weight", ind["weight"], "分值应为数字")
        elif weight < 0:
            bad(n, "weight", ind["weight"], "分值不能为负数")
        if status not in _STATUSES:
            bad(n, "status", status, f"状态应为 {' / '.join(_STATUSES)} 之一")
        if score is not None:  # null is how the writer stores "no score" (NaN)
            value = _number(score)
            if value is None or not math.isfinite(value):
                bad(n, "score", score, "得分应为数字（没有得分时为 null）")
            elif value < 0 or (weight is not None and math.isfinite(weight) and weight >= 0
                               and value > weight + 1e-6):
                bad(n, "score", score, f"得分应在 0 到分值 {ind['weight']} 之间")
        elif status == SCORED:
            bad(n, "score", score, "状态为 scored 的指标必须有得分")
    counts: dict[tuple, int] = {}
    for ind in data["indicators"]:
        if isinstance(ind, dict):
            key = (ind.get("unit_code") or "", ind.get("project_code"))
            counts[key] = counts.get(key, 0) + 1
    for n, proj in enumerate(data["projects"]):
        if not isinstance(proj, dict) or "project_code" not in proj:
            problems.append((Location(file=shown, column=f"projects[{n}]"), "每个项目应为含 project_code 的对象"))
            continue
        # A list cut short (indicators deleted by hand) must not pass as a complete result.
        expected = proj.get("indicators")
        found = counts.get((proj.get("unit_code") or "", proj["project_code"]), 0)
        if isinstance(expected, int) and not isinstance(expected, bool) and expected != found:
            problems.append((Location(file=shown, column=f"projects[{n}].indicators", value=str(expected)),
                             f"项目 {proj['project_code']} 记录有 {expected} 个指标，但 indicators 中只有 {found} 个"))
    if problems:
        lines = [f"{where}：{why}" for where, why in problems[:_MAX_LISTED]]
        if len(problems) > _MAX_LISTED:
            lines.append(f"……另有 {len(problems) - _MAX_LISTED} 处")
        first, why = problems[0]
        raise DataError(f"评分结果中有 {len(problems)} 处取值不对（第一处：{why}）", location=first,
                        problems=lines,
                        hint="results.json 应由 perfscore evaluate 生成，不要手工修改；请重新运行 evaluate。")


def load_results(path: str | os.PathLike) -> Evaluation:
    """Read a results.json written by :func:`save_results` back into an Evaluation."""
    shown = str(path)
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise FormatError(f"不是合法的JSON：{exc.msg}（第{exc.lineno}行）", location=Location(file=shown),
                          hint="文件可能被截断或改坏了；请用 perfscore evaluate 重新生成 results.json。") from None
    if not isinstance(data, dict) or data.get("schema") != RESULTS_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise FormatError(f"不是 {RESULTS_SCHEMA} 格式的评分结果（schema 为 {found!r}）",
                          location=Location(file=shown), hint="请用 perfscore evaluate 重新生成 results.json。")
    _validate(data, shown)
    try:
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
