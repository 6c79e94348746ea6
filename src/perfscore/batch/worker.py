"""One block of units from rows to files: what a batch process does, in the main process
or in a worker (the parent reads the file and sends blocks; see perfscore.batch).

Everything a block needs travels with it (rows, options, the units' folders), and what
comes back is small: each unit's :class:`~perfscore.batch.result.UnitResult` and the summary's
digest of it. Units are written to their own folders, so the files do not depend on
which process wrote them or in what order.
"""

from __future__ import annotations

import datetime as _dt
import gc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from perfscore.batch.actuals import actuals_table
from perfscore.batch.join import attach_block
from perfscore.batch.result import UnitResult
from perfscore.batch.summary import SEVERITIES, failure, outcome
from perfscore.batch.units import materialize, read_units, score_units
from perfscore.errors import PerfscoreError
from perfscore.frame import IndicatorColumns
from perfscore.io import write_csv
from perfscore.model import Targets
from perfscore.readers.actuals import attach_actuals
from perfscore.readers.common import gc_paused
from perfscore.safety import output_path
from perfscore.scoring.io import save_results
from perfscore.scoring.profile import Profile
from perfscore.writers.handin import write_handin_files
from perfscore.writers.html import write_report
from perfscore.writers.tabular import PROJECTS_CSV, RESULTS_CSV, RESULTS_JSON, indicators_csv_frame, projects_csv_frame


@dataclass
class Options:
    out: Path
    profile: Profile
    as_of: str | _dt.date | None
    tables_only: bool
    reports: bool
    pdf: bool
    # Where units' folders are written under ``out``: a cluster run writes them aside and
    # moves them into place when every unit is done (no partial output left as if complete).
    units_dir: str = "units"
    handin: tuple[str, ...] = ()     # extra files per unit: report.docx, report.xlsx (writers.handin)

    @property
    def checks(self) -> bool:
        return not self.tables_only


@dataclass
class BlockJob:
    frame: pd.DataFrame          # the block's rows of the long table
    start: int                   # data row of its first row
    spans: list                  # its units (perfscore.batch.stream.UnitSpan)
    layout: object               # perfscore.batch.stream.CsvLayout
    folders: dict[int, str]      # unit ordinal → folder under units/
    source: dict                 # meta["sources"] of every unit
    rows: pd.DataFrame | None    # the units' actuals rows (perfscore.batch.actuals)
    sheet: object | None         # the actuals sheet's header information (ActualsTable)


def run_block(opt: Options, job: BlockJob) -> list[tuple]:
    """Read, join, score and write the block's units; [(UnitResult, outcome, rows)]."""
    # Reading, joining and scoring make millions of small objects and little cyclic
    # garbage (measured: the full collections there found none), so the collector is
    # paused for them. What they made (the Targets, the frames and, with checks, an
    # Indicator object per row) then lives until the block's last unit is written:
    # frozen, it is no longer scanned again and again while the units' reports are made,
    # whose own garbage is collected as usual. Together this was a tenth of a default run.
    with gc_paused():
        works = read_units(job.frame, job.start, job.spans, job.layout)
        for w in works:
            if w.targets is not None:
                w.targets = w.targets.model_copy(update={"source": dict(job.source)})
        if job.rows is not None:
            _join(works, job.rows, job.sheet)
        score_units(works, opt.profile, opt.as_of, opt.checks)
    gc.freeze()
    try:
        return [(*write_unit(opt, w.ordinal, w.key, w.name, job.folders[w.ordinal], w.targets, w.evaluation,
                             w.error, w.tables), w.rows) for w in works]
    finally:
        gc.unfreeze()


def _join(works, rows: pd.DataFrame, sheet) -> None:
    """The actuals of the block: column-wise for the units read together, else (or when
    a row is a problem) unit by unit with ``attach_actuals``, which names the rows."""
    shared = [w for w in works if w.error is None and not w.exact]  # read with the block: columns
    joined = False
    if shared:
        view = shared[0].targets.model_copy(update={"projects": [p for w in shared for p in w.targets.projects]})
        project_unit = np.array([u for w in shared for u in w.project_unit], dtype=np.int64)
        columns = IndicatorColumns.concat([w.columns for w in shared])
        joined = attach_block(view, project_unit, rows[rows["unit"].isin({w.ordinal for w in shared})], columns)
        if joined:  # each unit's part of the joined columns
            p1 = 0
            for w in shared:
                p0, p1 = p1, p1 + len(w.targets.projects)
                w.columns = columns.part(p0, p1)
    for w in works:
        if w.error is not None or (joined and not w.exact):
            continue
        materialize(w)  # attach_actuals joins Indicator objects
        w.columns = None  # from here on the objects alone hold the indicators
        try:
            w.targets = attach_actuals(w.targets, actuals_table(sheet, rows[rows["unit"] == w.ordinal]))
        except PerfscoreError as exc:
            w.error = exc


def write_unit(opt: Options, ordinal: int, key: str, name: str, folder: str, targets: Targets | None, ev, error,
               tables=None) -> tuple:
    """Write one unit's files (what ``perfscore.writers.tabular.write_results`` and the report
    write; ``tables``: the CSV text cut from the unit's block) → (UnitResult, summary digest)."""
    result = UnitResult(ordinal=ordinal, unit_code=key, unit_name=name, folder=f"units/{folder}")
    if error is not None or ev is None:
        result.error = error.render() if isinstance(error, PerfscoreError) else str(error or "未能评分")
        return result, failure(ordinal, folder, key, name, result.error.replace("\n", " "))
    where = output_path(opt.out / opt.units_dir, folder)
    where.mkdir(parents=True, exist_ok=True)
    # A worker killed while writing this unit (a Dask worker lost mid-task) leaves the
    # temporary file of its atomic write behind; the unit is written again here, so
    # what it left goes.
    for stale in where.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    if not opt.tables_only:
        save_results(ev, where / RESULTS_JSON, tables.json_lines if tables is not None else None)
    if tables is not None:
        tables.write(where / RESULTS_CSV, where / PROJECTS_CSV)
    else:
        write_csv(where / RESULTS_CSV, indicators_csv_frame(ev))
        write_csv(where / PROJECTS_CSV, projects_csv_frame(ev))
    if opt.reports:
        write_report(ev, where, pdf=opt.pdf, targets=targets, cells=tables.cells if tables is not None else None)
    if opt.handin:
        write_handin_files(ev, where, opt.handin, targets=targets)
    dep = ev.department
    result.unit_code = ev.meta.get("unit_code") or key
    result.unit_name = ev.meta.get("unit_name") or name
    result.projects, result.indicators = len(ev.projects), len(ev.indicators)
    result.total, result.grade = dep.get("total"), dep.get("grade")
    digest = outcome(ordinal, folder, ev, tables.digest if tables is not None else None)
    result.findings = {s: digest.findings[s] for s in SEVERITIES}   # counted once, by the digest
    return result, digest
