"""The bureau summary (汇总) of a batch: every unit and every project ranked, the grade
distribution and the findings counts.

Files (UTF-8 with BOM, formula-safe, numbers with fixed decimals, like results.csv):

- ``summary.csv`` — one row per unit, best first: rank (并列同名次), unit, folder, status
  (``ok`` / ``error``), counts, execution, total (部门整体总分, budget-weighted as the
  engine computes it), grade, project grades, findings by severity, the error message of
  a unit that could not be scored;
- ``summary_projects.csv`` — one row per project of every unit, best first;
- ``summary.html`` — the same as one self-contained page (no script, no network): the
  totals, the grade distribution, the findings by check, the unit ranking with links to
  each unit's report, and the project ranking (the lowest-ranked projects when there are
  too many to list, the full list being the CSV).

Only counts and per-project rows are kept while units stream by, so the summary's memory
grows with the number of projects, not with the indicators. Each project's row of
summary_projects.csv is formatted where its unit is scored (:func:`outcome`, in the worker
processes, while other blocks are still being scored); what is left for the end, when the
workers have nothing to do, is the ranking and putting the rank in front of each line.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from perfscore.batch.html import render_summary, summary_limit
from perfscore.csvtext import csv_bytes, csv_lines
from perfscore.io import BOM, atomic_write_bytes, atomic_write_text, write_csv
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.numeric import format_fixed
from perfscore.writers.xlsx_safe import csv_safe, csv_safe_frame

SUMMARY_CSV = "summary.csv"
PROJECTS_CSV = "summary_projects.csv"
SUMMARY_HTML = "summary.html"
SEVERITIES = ("error", "warn", "info")
_SLICE = 100_000

UNIT_COLUMNS = ["rank", "unit_code", "unit_name", "folder", "status", "projects", "indicators", "budget",
                "executed", "exec_rate", "total", "grade", "scored", "not_applicable", "needs_review", "missed",
                "incomplete_projects", "errors", "warnings", "infos", "message"]
PROJECT_COLUMNS = ["rank", "unit_code", "unit_name", "project_code", "project_name", "budget", "exec_rate", "total",
                   "grade", "indicators", "missed", "needs_review", "incomplete", "errors", "warnings"]


@dataclass
class UnitOutcome:
    """What the summary keeps of one unit (small: made where the unit is scored, maybe in
    another process, and sent back)."""

    ordinal: int
    unit_code: str
    unit_name: str
    folder: str
    error: str = ""
    year: int | None = None
    as_of: str | None = None
    indicators: int = 0
    department: dict = field(default_factory=dict)
    findings: Counter = field(default_factory=Counter)     # severity → count
    checks: Counter = field(default_factory=Counter)       # check id → count
    projects: dict | None = None                           # column → array, one row per project


def project_columns(p: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of the summary's project rows that come from ``Evaluation.projects``,
    row for row (a batch makes them once for a block and cuts each unit's part)."""
    def text(col: str) -> np.ndarray:
        # Missing → '', else str(); repeated words (unit, grade) share one string object:
        # the summary of a province holds a million projects.
        values = p[col].to_numpy(dtype=object)
        return np.array([sys.intern("" if m else str(v)) for v, m in zip(values.tolist(), pd.isna(values).tolist())],
                        dtype=object)

    return {
        "unit_code": text("unit_code"),
        "unit_name": text("unit_name"),
        "project_code": p["project_code"].to_numpy(dtype=object),
        "project_name": p["project_name"].to_numpy(dtype=object),
        "budget": p["budget"].to_numpy(dtype=float),
        "exec_rate": p["exec_rate"].to_numpy(dtype=float),
        "total": p["total"].to_numpy(dtype=float),
        "grade": text("grade"),
        "indicators": p["indicators"].to_numpy(dtype=np.int32),
        "missed": p["missed"].to_numpy(dtype=np.int32),
        "needs_review": p["needs_review"].to_numpy(dtype=np.int32),
        "incomplete": p["incomplete"].to_numpy(dtype=bool),
    }


def outcome(ordinal: int, folder: str, ev: Evaluation, columns: dict[str, np.ndarray] | None = None) -> UnitOutcome:
    """The summary's digest of a scored unit. ``columns``: :func:`project_columns` of
    ``ev.projects`` when the caller has them already."""
    meta, dep = ev.meta, ev.department
    u = UnitOutcome(ordinal=ordinal, unit_code=meta.get("unit_code") or "", unit_name=meta.get("unit_name") or "",
                    folder=folder, year=meta.get("year"), as_of=meta.get("as_of"), indicators=len(ev.indicators),
                    department=dict(dep))
    by_project_sev: Counter = Counter()
    for f in ev.findings:
        u.findings[f.severity] += 1
        u.checks[f.check] += 1
        if f.project_code:
            by_project_sev[(f.project_code, f.severity)] += 1
    cols = project_columns(ev.projects) if columns is None else columns
    codes = cols["project_code"].tolist()
    u.projects = {
        "ordinal": np.full(len(codes), ordinal, dtype=np.int64),
        **cols,
        "errors": np.array([by_project_sev[(c, "error")] for c in codes], dtype=np.int32),
        "warnings": np.array([by_project_sev[(c, "warn")] for c in codes], dtype=np.int32),
    }
    u.projects["line"] = project_lines(u.projects)
    return u


def _cells_text(values: np.ndarray) -> list[str]:
    # As _csv_frame's text branch: missing → '', else str()
    na = pd.isna(values)
    return ["" if m else str(v) for v, m in zip(values.tolist(), na.tolist())]


def _cells_fixed(values: np.ndarray, digits: int) -> list[str]:
    # As format_fixed: NaN → '', else exactly ``digits`` decimals, -0.0 as 0
    return ["" if x != x else f"{x + 0.0:.{digits}f}" for x in values.astype(float).tolist()]


def project_lines(cols: dict) -> np.ndarray:
    """Each project's row of summary_projects.csv without its rank (which needs every unit):
    the cells :func:`_csv_frame` gives, guarded by ``csv_safe``, written as every CSV file is
    (:mod:`perfscore.csvtext`; UTF-8 bytes, ``\\n`` included). The rank and a comma in front
    make the file's line."""
    columns = [
        _cells_text(cols["unit_code"]), _cells_text(cols["unit_name"]),
        _cells_text(cols["project_code"]), _cells_text(cols["project_name"]),
        _cells_fixed(cols["budget"], 2), _cells_fixed(cols["exec_rate"], 4), _cells_fixed(cols["total"], 2),
        _cells_text(cols["grade"]),
        *[[str(int(x)) for x in cols[c].tolist()] for c in ("indicators", "missed", "needs_review")],
        ["true" if b else "false" for b in cols["incomplete"].astype(bool).tolist()],
        *[[str(int(x)) for x in cols[c].tolist()] for c in ("errors", "warnings")],
    ]
    cells = [[csv_safe(v) for v in col] for col in columns]
    rows = csv_lines([str(j) for j in range(len(cells))], cells, len(cells[0]))[1]
    return np.array([(row + "\n").encode("utf-8") for row in rows], dtype=object)


def failure(ordinal: int, folder: str, unit_code: str, unit_name: str, message: str) -> UnitOutcome:
    return UnitOutcome(ordinal=ordinal, unit_code=unit_code, unit_name=unit_name, folder=folder, error=message)


class Summary:
    """Collects each unit's outcome as it is written; :meth:`write` ranks and writes."""

    def __init__(self, grades: list[str]):
        self.grades = list(grades)          # the profile's grade names, best first
        self.units: list[UnitOutcome] = []
        self._projects: dict[str, list[np.ndarray]] = {}
        self.projects = 0
        self.indicators = 0

    def add(self, u: UnitOutcome) -> None:
        self.units.append(u)
        self.indicators += u.indicators
        if u.projects is not None:
            for col, values in u.projects.items():
                self._projects.setdefault(col, []).append(values)
            self.projects += len(u.projects["ordinal"])
            u.projects = None

    # --- tables -------------------------------------------------------------------------

    def unit_frame(self) -> pd.DataFrame:
        rows = []
        for u in sorted(self.units, key=lambda x: x.ordinal):
            d = u.department
            rows.append({
                "ordinal": u.ordinal, "unit_code": u.unit_code, "unit_name": u.unit_name, "folder": u.folder,
                "status": "error" if u.error else "ok",
                "projects": d.get("projects", 0), "indicators": d.get("indicators", 0),
                "budget": _num(d.get("budget")), "executed": _num(d.get("executed")),
                "exec_rate": _num(d.get("exec_rate")), "total": _num(d.get("total")),
                "grade": d.get("grade") or "" if not u.error else "",
                "scored": d.get("scored", 0), "not_applicable": d.get("not_applicable", 0),
                "needs_review": d.get("needs_review", 0), "missed": d.get("missed", 0),
                "incomplete_projects": d.get("incomplete_projects", 0),
                "errors": u.findings["error"], "warnings": u.findings["warn"], "infos": u.findings["info"],
                "message": u.error,
                **{f"grade:{g}": (d.get("grades") or {}).get(g, 0) for g in self.grades},
            })
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=UNIT_COLUMNS)
        return _ranked(frame)

    # --- files ---------------------------------------------------------------------------

    def write(self, out_dir: Path, meta: dict) -> list[Path]:
        units = self.unit_frame()
        grade_cols = [f"grade:{g}" for g in self.grades]
        u_out = units.reindex(columns=UNIT_COLUMNS[:12] + grade_cols + UNIT_COLUMNS[12:])
        u_csv = _csv_frame(u_out, money=("budget", "executed"), rate=("exec_rate",), score=("total",))
        u_csv.columns = [c.replace("grade:", "grade_") for c in u_csv.columns]
        paths = [out_dir / SUMMARY_CSV, out_dir / PROJECTS_CSV, out_dir / SUMMARY_HTML]
        write_csv(paths[0], u_csv)
        # A province has 10⁵-10⁶ projects: their cells are formatted a slice at a time.
        order, rank = self._project_order()
        # The lines were formatted per unit (project_lines); here each gets its rank.
        lines = self._column("line")
        ranks = [b"" if math.isnan(x) else str(int(x)).encode() for x in rank.tolist()]
        parts = [csv_bytes(pd.DataFrame(columns=PROJECT_COLUMNS), header=True)]
        for i in range(0, len(order), _SLICE):
            parts.append(b"".join([r + b"," + line for r, line in
                                   zip(ranks[i: i + _SLICE], lines[order[i: i + _SLICE]].tolist())]))
        atomic_write_bytes(paths[1], BOM + b"".join(parts))
        shown = self._project_rows(order[-summary_limit():], rank[-summary_limit():]) if len(order) else projects_frame_empty()
        atomic_write_text(paths[2], self.render_html(units, shown, meta, projects_total=len(order)))
        return paths

    def render_html(self, units: pd.DataFrame, projects: pd.DataFrame, meta: dict, *,
                    projects_total: int | None = None) -> str:
        """``projects``: ranked project rows, all of them or (with ``projects_total``) the
        page's last rows only."""
        return render_summary(self, units, projects, meta, projects_total=projects_total)

    def _column(self, col: str) -> np.ndarray:
        parts = self._projects.get(col, [])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=object)

    def _project_order(self) -> tuple[np.ndarray, np.ndarray]:
        """(positions of the projects best first, their ranks): :func:`_ranked`'s order."""
        n = self.projects
        if not n:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        total = self._column("total").astype(float)
        order = _rank_order(total, self._column("ordinal"))
        return order, _competition_rank(total[order])

    def _project_rows(self, positions: np.ndarray, rank: np.ndarray) -> pd.DataFrame:
        """The projects at ``positions``, ``rank`` first, each column of the dtype the units gave it."""
        out = pd.DataFrame({c: pd.Series(self._column(c)[positions], dtype=v[0].dtype)
                            for c, v in self._projects.items() if c != "line"})
        out.insert(0, "rank", rank)
        return out

    # --- totals for the page and the command line ------------------------------------------

    def totals(self) -> dict:
        ok = [u for u in self.units if not u.error]
        project_grades = Counter()
        for grades in self._projects.get("grade", []):
            project_grades.update(grades.tolist())
        findings = Counter()
        checks = Counter()
        for u in ok:
            findings.update(u.findings)
            checks.update(u.checks)
        return {
            "units": len(self.units), "units_ok": len(ok), "units_failed": len(self.units) - len(ok),
            "projects": self.projects, "indicators": self.indicators,
            "project_grades": [(g, project_grades.get(g, 0)) for g in self.grades] + (
                [("未评", project_grades[""])] if project_grades.get("") else []),
            "unit_grades": [(g, sum(1 for u in ok if u.department.get("grade") == g)) for g in self.grades],
            "findings": {s: findings.get(s, 0) for s in SEVERITIES},
            "checks": sorted(checks.items(), key=lambda kv: (-kv[1], kv[0])),
        }


def _num(x) -> float:
    return float("nan") if x is None else float(x)


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Best total first; equal totals share a rank (1, 2, 2, 4); no total → no rank, last.
    Ties keep table order, so the order is the same on every run."""
    order = _rank_order(frame["total"].to_numpy(dtype=float), frame["ordinal"].to_numpy())
    out = frame.iloc[order].reset_index(drop=True)
    out.insert(0, "rank", _competition_rank(out["total"].to_numpy(dtype=float)))
    return out


def _rank_order(total: np.ndarray, ordinal: np.ndarray) -> np.ndarray:
    """Positions best total first, ties in unit then table order; no total (NaN) after
    every total, even an infinite one."""
    missing = np.isnan(total)
    return np.lexsort((np.arange(len(total)), ordinal, np.where(missing, 0.0, -total), missing))


def _competition_rank(t: np.ndarray) -> np.ndarray:
    """Ranks of totals in ranked order: 1 + the number of strictly better totals; NaN → NaN."""
    rank = np.full(len(t), np.nan)
    has = ~np.isnan(t)
    if has.any():
        vals = -t[has]
        rank[has] = np.searchsorted(np.sort(vals), vals, side="left") + 1
    return rank


def projects_frame_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=PROJECT_COLUMNS)


def _csv_frame(frame: pd.DataFrame, *, money=(), rate=(), score=(), flags=()) -> pd.DataFrame:
    out = {}
    for c in frame.columns:
        v = frame[c]
        if c == "rank":
            out[c] = np.array(["" if math.isnan(x) else str(int(x)) for x in v.to_numpy(dtype=float)], dtype=object)
        elif c in money or c in score:
            out[c] = format_fixed(v.to_numpy(dtype=float), 2)
        elif c in rate:
            out[c] = format_fixed(v.to_numpy(dtype=float), 4)
        elif c in flags:
            out[c] = np.where(v.fillna(False).astype(bool).to_numpy(), "true", "false").astype(object)
        else:
            out[c] = v.astype(object).where(v.notna(), "").astype(str).to_numpy(dtype=object)
    return csv_safe_frame(pd.DataFrame(out, columns=list(frame.columns)))
