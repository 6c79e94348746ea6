"""summary.html: the bureau summary as one self-contained page (jinja2, autoescaped).

The view is prepared here (numbers formatted, links made) and the template only lays it
out, as the unit report does. The page depends only on its inputs: the same batch gives
the same bytes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from urllib.parse import quote

import jinja2
import pandas as pd

from perfscore import __version__
from perfscore.checks import CHECKS
from perfscore.model import SEVERITY_ZH

HTML_PROJECT_LIMIT = 5000   # beyond this, the page lists the lowest-ranked projects only
TEMPLATE = "summary.html.j2"



@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("perfscore", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _fixed(x, digits: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{float(x):.{digits}f}"


def _pct(x) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{float(x) * 100:.2f}%"


def _wan(x) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{float(x) / 1e4:,.2f}"


def _rank(x) -> str:
    return "—" if isinstance(x, float) and math.isnan(x) else str(int(x))


def _check_title(cid: str) -> str:
    spec = CHECKS.get(cid)
    return spec.title if spec is not None else ""


def render_summary(summary, units: pd.DataFrame, projects: pd.DataFrame, meta: dict, *,
                   projects_total: int | None = None) -> str:
    """The page. ``projects``: the ranked projects; with ``projects_total`` (how many there
    are in all) it may hold only the last rows, as many as the page lists."""
    totals = summary.totals()
    grades = summary.grades
    unit_rows = []
    for d in units.to_dict("records"):
        unit_rows.append({
            "rank": _rank(d["rank"]), "code": d["unit_code"], "name": d["unit_name"],
            "link": f"units/{quote(d['folder'])}/report.html" if meta.get("reports") and d["status"] == "ok" else "",
            "folder": d["folder"], "failed": d["status"] == "error", "message": d["message"],
            "projects": d["projects"], "indicators": d["indicators"], "budget": _wan(d["budget"]),
            "exec_rate": _pct(d["exec_rate"]), "total": _fixed(d["total"]), "grade": d["grade"] or "—",
            "grades": [d.get(f"grade:{g}", 0) for g in grades],
            "needs_review": d["needs_review"], "errors": d["errors"], "warnings": d["warnings"],
        })
    n = len(projects) if projects_total is None else projects_total
    limited = n > summary_limit()
    shown = projects.iloc[-summary_limit():] if limited else projects
    project_rows = [{
        "rank": _rank(r.rank), "unit": r.unit_name or r.unit_code, "code": r.project_code, "name": r.project_name,
        "budget": _wan(r.budget), "exec_rate": _pct(r.exec_rate), "total": _fixed(r.total), "grade": r.grade or "—",
        "missed": r.missed, "needs_review": r.needs_review, "errors": r.errors, "warnings": r.warnings,
    } for r in shown.itertuples(index=False)]
    most = max([c for _, c in totals["project_grades"]] + [1])
    view = {
        "version": __version__,
        "year": meta.get("year"), "as_of": meta.get("as_of"), "profile": meta.get("profile"),
        "source": meta.get("source", ""), "checks": meta.get("checks", True),
        "totals": totals,
        "grade_bars": [{"grade": g, "count": c, "width": round(100 * c / most, 1)} for g, c in totals["project_grades"]],
        "grades": grades,
        "findings": [{"label": SEVERITY_ZH[s], "count": totals["findings"][s], "cls": s} for s in SEVERITY_ZH],
        "checks_table": [{"id": cid, "title": _check_title(cid), "count": c} for cid, c in totals["checks"]],
        "units": unit_rows,
        "projects": project_rows, "projects_total": n, "projects_limited": limited,
    }
    return _environment().get_template(TEMPLATE).render(s=view)


def summary_limit() -> int:
    return HTML_PROJECT_LIMIT
