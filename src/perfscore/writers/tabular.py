"""Tabular outputs of ``perfscore evaluate``: results.json, results.csv, projects.csv.

- results.json: the full Evaluation (see :mod:`perfscore.scoring.io`).
- results.csv: one row per indicator, columns in the order of
  ``perfscore.scoring.evaluation.INDICATOR_COLUMNS`` (+ the engine's extra columns).
- projects.csv: one row per project: funds, execution, one column per 一级 block,
  total, grade, counts (``PROJECT_COLUMNS`` with the block columns before ``total``).

CSV files are UTF-8 with BOM (Excel opens them correctly), written atomically, with
numbers formatted deterministically: weights and scores with the profile's decimals
(2), money with 2, the execution rate as a fraction with 4; booleans as
``true``/``false``; missing values empty. Text that a spreadsheet would read as a
formula gets a leading apostrophe (see :mod:`perfscore.writers.xlsx_safe`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from perfscore.io import write_csv
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.io import save_results
from perfscore.scoring.numeric import format_fixed
from perfscore.writers.xlsx_safe import FORMULA_PREFIXES, csv_safe

RESULTS_JSON = "results.json"
RESULTS_CSV = "results.csv"
PROJECTS_CSV = "projects.csv"

# FORMULA_PREFIXES are single characters: a set makes the first-character test cheap.
_RISKY_FIRST = frozenset(FORMULA_PREFIXES)
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
# The dtype pandas gives a column of text (str from pandas 3 on, object before): a text
# column of the Evaluation that needs no change is passed on as it is only when it has it.
_TEXT_DTYPE = pd.DataFrame({"t": np.array(["t"], dtype=object)})["t"].dtype
# From pandas 3 on, frames copy on write: the cell frame can share those columns with the
# Evaluation (neither sees the other's later edits). Before, it gets its own copy.
_COPY = int(pd.__version__.split(".")[0]) < 3


def _cells(texts: np.ndarray, codes: np.ndarray):
    """``texts[codes]``, a column of text from its distinct texts: as pandas' text array when
    pandas has one, made from the few texts and then taken (pandas checks every cell of a
    plain object array it is given)."""
    if isinstance(_TEXT_DTYPE, pd.StringDtype) and len(codes):
        return pd.array(texts, dtype=_TEXT_DTYPE).take(codes)
    return texts[codes]  # (pandas gives no rows of cells the dtype object, not str)


def _bools(series: pd.Series):
    flags = series.fillna(False).astype(bool).to_numpy()
    return _cells(np.array(["false", "true"], dtype=object), flags.astype(np.intp))


def _ints(series: pd.Series):
    values = pd.to_numeric(series, errors="coerce").to_numpy()
    codes, uniques = pd.factorize(values)  # missing -> code -1 -> the '' appended last
    texts = np.append(pd.Series(uniques).astype("int64").astype(str).to_numpy(dtype=object), "")
    return _cells(texts, codes)


def _fixed(series: pd.Series, digits: int):
    """Numbers with ``digits`` decimals, '' when missing: ``format_fixed``'s texts, formatting
    each distinct value once (a hash of the column instead of format_fixed's sort)."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float) + 0.0  # -0.0 → 0.0, as format_fixed
    codes, uniques = pd.factorize(values)  # NaN -> code -1 -> the '' appended last
    return _cells(np.append(format_fixed(uniques, digits), "").astype(object), codes)


def _text(series: pd.Series):
    """A text column's cells: blanks for missing values, formula-like cells made safe (same
    rule as :func:`perfscore.writers.xlsx_safe.csv_safe`, applied column-wise: a per-cell
    map costs seconds per 10^6 rows). Returns the column itself when nothing changes."""
    arr = series.to_numpy(dtype=object)
    if not len(arr):
        return np.array([], dtype=object)  # as the cells of no rows always were: dtype object
    try:
        # One C join tells whether every cell is text (it refuses anything else) and whether
        # any starts like a formula (then it follows a NUL or starts the text).
        joined = "\x00".join(arr.tolist())
    except TypeError:
        joined = None
    if joined is not None:
        if not _any_formula_like(joined):
            return series if series.dtype == _TEXT_DTYPE else arr
        # All text, some of it formula-like (a target "=100%"): a column holds few distinct
        # strings (unit and project names, rules, readings), so each is made safe once.
        codes, uniques = pd.factorize(arr)
        return _cells(_safe_texts(np.asarray(uniques, dtype=object)), codes)
    arr = series.astype(object).where(series.notna(), "").to_numpy(dtype=object)
    if len(arr) and pd.api.types.infer_dtype(arr, skipna=False) == "string":
        # Text once the blanks are in: factorized as above. Only then: factorize would
        # merge 1, 1.0 and True, whose texts differ.
        codes, uniques = pd.factorize(arr)
        return _cells(_safe_texts(np.asarray(uniques, dtype=object)), codes)
    return _safe_texts(arr)


def _any_formula_like(joined: str) -> bool:
    """Whether a cell of a column, its cells joined with NUL between them, starts like a
    formula. A prefix character absent from the whole text is ruled out by a fast one-
    character search; only a present one is looked up after each NUL (a slower search)."""
    return any(p in joined and (joined.startswith(p) or "\x00" + p in joined) for p in FORMULA_PREFIXES)


def _safe_texts(arr: np.ndarray) -> np.ndarray:
    """Each value as text, formula-like cells made safe."""
    arr = np.array([v if v.__class__ is str else str(v) for v in arr], dtype=object)
    risky = np.fromiter((v[:1] in _RISKY_FIRST for v in arr), dtype=bool, count=len(arr))
    if risky.any():
        arr[risky] = np.array([csv_safe(v) for v in arr[risky]], dtype=object)
    return arr


def _cell_frame(frame: pd.DataFrame, cells: dict) -> pd.DataFrame:
    """The frame of cells, columns in the frame's order, index 0..n-1 (a column passed on
    from ``frame`` keeps its values, not its labels)."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
        cells = {c: v.reset_index(drop=True) if isinstance(v, pd.Series) else v for c, v in cells.items()}
    return pd.DataFrame(cells, columns=list(frame.columns), copy=_COPY)


def department_goal_rows(ev: Evaluation) -> pd.DataFrame:
    """The 部门整体 goal indicators (scored as their own table) as results.csv rows, keyed
    like the actuals sheet: 项目编码 ``DEPT-nn`` and the sub-goal's title as 项目名称, so
    that every indicator that went in comes out in results.csv."""
    goals = (ev.department or {}).get("goals") or {}
    rows = goals.get("indicators") or []
    if not rows:
        return ev.indicators.iloc[0:0]
    frame = pd.DataFrame(rows)
    frame["unit_code"] = ev.meta.get("unit_code") or ""
    frame["unit_name"] = ev.meta.get("unit_name") or ""
    frame["project_code"] = frame["indicator_id"].str.rsplit("-", n=1).str[0]
    frame["project_name"] = frame["subgoal"].where(frame["project_code"] != "DEPT-00", "部门整体绩效目标")
    frame["block"] = frame["level1"]
    return frame.reindex(columns=ev.indicators.columns)


def indicators_csv_frame(ev: Evaluation) -> pd.DataFrame:
    digits = int(ev.meta.get("digits", 2))
    ind = ev.indicators
    dept = department_goal_rows(ev)
    if len(dept):
        ind = pd.concat([ind, dept], ignore_index=True)
        if "inferred" in ind:
            ind["inferred"] = ind["inferred"].fillna(False).astype(bool)
    numeric = {"weight": digits, "score": digits, "ci_low": 2, "ci_high": 2}
    out = {}
    for col in ind.columns:
        if col in numeric:
            out[col] = _fixed(ind[col], numeric[col])
        elif col == "inferred":
            out[col] = _bools(ind[col])
        else:
            out[col] = _text(ind[col])
    return _cell_frame(ind, out)


def projects_csv_frame(ev: Evaluation) -> pd.DataFrame:
    digits = int(ev.meta.get("digits", 2))
    proj = ev.projects
    fixed = {"budget": 2, "executed": 2, "exec_rate": 4, "exec_weight": digits, "exec_score": digits,
             "total": digits, "applicable_weight": digits, "raw_total": digits}
    fixed.update({b: digits for b in ev.blocks})
    ints = ("indicators", "missed", "needs_review", "not_applicable")
    bools = ("incomplete",)
    out = {}
    for col in proj.columns:
        if col in fixed:
            out[col] = _fixed(proj[col], fixed[col])
        elif col in ints:
            out[col] = _ints(proj[col])
        elif col in bools:
            out[col] = _bools(proj[col])
        else:
            out[col] = _text(proj[col])
    return _cell_frame(proj, out)


def write_results(evaluation: Evaluation, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write results.json, results.csv and projects.csv into ``out_dir``; return their paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "results.json": folder / RESULTS_JSON,
        "results.csv": folder / RESULTS_CSV,
        "projects.csv": folder / PROJECTS_CSV,
    }
    save_results(evaluation, paths["results.json"])
    write_csv(paths["results.csv"], indicators_csv_frame(evaluation))
    write_csv(paths["projects.csv"], projects_csv_frame(evaluation))
    return paths
