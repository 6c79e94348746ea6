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


def _bools(series: pd.Series) -> np.ndarray:
    return np.where(series.fillna(False).astype(bool).to_numpy(), "true", "false").astype(object)


def _ints(series: pd.Series) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce")
    out = np.full(len(values), "", dtype=object)
    ok = values.notna().to_numpy()
    out[ok] = values[ok].astype("int64").astype(str).to_numpy(dtype=object)
    return out


def _texts(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Text columns, blanks for missing values, formula-like cells made safe. Same rule as
    :func:`perfscore.writers.xlsx_safe.csv_safe`, applied column-wise (a per-cell map costs
    seconds per 10^5 rows)."""
    out = {}
    for col in columns:
        arr = frame[col].astype(object).where(frame[col].notna(), "").to_numpy(dtype=object)
        if len(arr) and pd.api.types.infer_dtype(arr, skipna=False) == "string":
            # All text (the usual case): a column holds few distinct strings (unit and
            # project names, rules, readings), so each is made safe once. Only then:
            # factorize would merge 1, 1.0 and True, whose texts differ.
            codes, uniques = pd.factorize(arr)
            out[col] = _safe_texts(np.asarray(uniques, dtype=object))[codes]
        else:
            out[col] = _safe_texts(arr)
    return pd.DataFrame(out, index=frame.index)


def _safe_texts(arr: np.ndarray) -> np.ndarray:
    """Each value as text, formula-like cells made safe."""
    arr = np.array([v if v.__class__ is str else str(v) for v in arr], dtype=object)
    risky = np.fromiter((v[:1] in _RISKY_FIRST for v in arr), dtype=bool, count=len(arr))
    if risky.any():
        arr[risky] = np.array([csv_safe(v) for v in arr[risky]], dtype=object)
    return arr


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
    text_cols = [c for c in ind.columns if c not in numeric and c != "inferred"]
    texts = _texts(ind, text_cols)
    for col in ind.columns:
        if col in numeric:
            out[col] = format_fixed(pd.to_numeric(ind[col], errors="coerce").to_numpy(dtype=float), numeric[col])
        elif col == "inferred":
            out[col] = _bools(ind[col])
        else:
            out[col] = texts[col].to_numpy(dtype=object)
    return pd.DataFrame(out, columns=list(ind.columns))


def projects_csv_frame(ev: Evaluation) -> pd.DataFrame:
    digits = int(ev.meta.get("digits", 2))
    proj = ev.projects
    fixed = {"budget": 2, "executed": 2, "exec_rate": 4, "exec_weight": digits, "exec_score": digits,
             "total": digits, "applicable_weight": digits, "raw_total": digits}
    fixed.update({b: digits for b in ev.blocks})
    ints = ("indicators", "missed", "needs_review", "not_applicable")
    bools = ("incomplete",)
    text_cols = [c for c in proj.columns if c not in fixed and c not in ints and c not in bools]
    texts = _texts(proj, text_cols)
    out = {}
    for col in proj.columns:
        if col in fixed:
            out[col] = format_fixed(pd.to_numeric(proj[col], errors="coerce").to_numpy(dtype=float), fixed[col])
        elif col in ints:
            out[col] = _ints(proj[col])
        elif col in bools:
            out[col] = _bools(proj[col])
        else:
            out[col] = texts[col].to_numpy(dtype=object)
    return pd.DataFrame(out, columns=list(proj.columns))


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
