"""The self-assessment report as one self-contained HTML file (自评报告).

``render_report`` turns an Evaluation into HTML text; ``write_report`` writes
``report.html`` (and ``report.pdf`` on request) into a folder. The page holds its
CSS and SVG charts inline and needs no JavaScript and no network, so it opens
from a USB stick on an offline office PC. jinja2 autoescaping is on: every value
from the data is text, never markup.

The output depends only on its inputs (the date shown is ``meta['as_of']``), so
the same Evaluation gives byte-identical files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from perfscore import __version__
from perfscore.io import atomic_write_bytes, atomic_write_text
from perfscore.model import Targets
from perfscore.scoring.evaluation import Evaluation
from perfscore.writers.pdf import html_to_pdf
from perfscore.writers.report_rows import any_source, finding_rows, indicator_rows, na_icon, review_icon
from perfscore.writers.report_view import ReportCells, build_view

TEMPLATE = "report.html.j2"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("perfscore", "templates"),
        autoescape=True,          # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    # the rows that repeat hundreds of times a report are made in Python (report_rows.py)
    env.globals.update(indicator_rows=indicator_rows, finding_rows=finding_rows, any_source=any_source,
                       review_icon=review_icon, na_icon=na_icon)
    return env


def render_report(evaluation: Evaluation, *, previous: Evaluation | None = None,
                  targets: Targets | None = None, cells: ReportCells | None = None) -> str:
    """The report as HTML text.

    previous: last year's Evaluation, to add a comparison section.
    targets: the year's Targets, for what the Evaluation does not carry: the
        年度总体目标 sentences and the 年初预算数 with its 财政资金 / 其他资金 split.
    cells: the cells of ``evaluation.indicators`` when the caller has them already
        (a batch unit's part of its block's, see ``ReportCells``); the page is the same.
    """
    view = build_view(evaluation, targets=targets, previous=previous, version=__version__, cells=cells)
    return _environment().get_template(TEMPLATE).render(r=view)


def write_report(evaluation: Evaluation, out_dir: str | Path, *, pdf: bool = False,
                 previous: Evaluation | None = None, targets: Targets | None = None,
                 cells: ReportCells | None = None) -> list[Path]:
    """Write ``out_dir/report.html`` and, with ``pdf=True``, ``out_dir/report.pdf``.

    Returns the paths written. Raises ``UsageError`` (with the install hint) when a
    PDF is asked for and WeasyPrint is not installed — before writing anything.
    """
    out = Path(out_dir)
    html = render_report(evaluation, previous=previous, targets=targets, cells=cells)
    pdf_bytes = None
    if pdf:
        pdf_bytes = html_to_pdf(html)
    html_path = out / "report.html"
    atomic_write_text(html_path, html)
    written = [html_path]
    if pdf_bytes is not None:
        pdf_path = out / "report.pdf"
        atomic_write_bytes(pdf_path, pdf_bytes)
        written.append(pdf_path)
    return written
