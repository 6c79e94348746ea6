"""From a block of rows to one Evaluation per unit, equal to what ``perfscore evaluate``
gives for that unit's own files.

The work is done once per block (reading, the actuals join, the scoring engine), and
the block's results are then cut per unit. The block's indicators stay columns from the
reader to the engine (no Indicator object per row, see ``UnitWork.columns``); the objects
are made only where they are read: the checks, the reports and the single-unit route. What a whole-block computation could get
differently from a unit alone is done per unit:

- the unit's Targets (its 单位编码/名称, year and money unit as the reader sets them for
  a file holding only that unit);
- the department totals (部门整体), spending monitoring, the blocks (一级 columns) of
  projects.csv, and the meta (unit, sources);
- the checks (检查), which compare a unit's projects with each other;
- findings are those of the unit's projects, in the engine's order.

A unit the block path cannot vouch for (the table has a 金额单位 column, a unit without a
年度 cell, an error anywhere in the block, a finding without a project, project codes
shared by two units, department goals) goes through exactly the single-unit route:
the long-table reader on its own rows, ``attach_actuals``, ``evaluate``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfscore.app.score import evaluate, with_checks_by_unit
from perfscore.batch.summary import project_columns
from perfscore.batch.tables import UnitTables
from perfscore.csvtext import CsvBlock
from perfscore.errors import DataError, PerfscoreError
from perfscore.frame import IndicatorColumns, columns_frames
from perfscore.model import Targets, Unit
from perfscore.readers import longtable as LT
from perfscore.readers.common import gc_paused
from perfscore.scoring.aggregate import department_columns, department_totals
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.io import record_lines
from perfscore.scoring.profile import Profile
from perfscore.writers.report_view import ReportCells
from perfscore.writers.tabular import indicators_csv_frame, projects_csv_frame


@dataclass
class UnitWork:
    """One unit on its way through the batch."""

    ordinal: int
    key: str
    name: str
    rows: int
    targets: Targets | None = None
    error: PerfscoreError | None = None
    exact: bool = False                  # needs the single-unit route from here on
    evaluation: Evaluation | None = None
    project_unit: list[int] = field(default_factory=list)
    tables: object | None = None  # batch.tables.UnitTables when cut from the block
    # The unit's indicators as columns (read with its block, actuals joined column-wise):
    # the engine's frames are made from them. Until ``materialize``, its projects hold no
    # Indicator objects (``objects`` False); the checks, the reports and the single-unit
    # route need the objects. None: the objects alone hold the indicators.
    columns: IndicatorColumns | None = None
    objects: bool = True


def materialize(w: UnitWork) -> None:
    """Give the unit's projects their Indicator objects, made from its columns as they are
    now (actuals joined); the columns stay and describe the same indicators."""
    if not w.objects and w.targets is not None:
        LT.attach_indicators(w.targets.projects, w.columns)
        w.objects = True


def read_units(frame: pd.DataFrame, start: int, spans, layout) -> list[UnitWork]:
    """The Targets of every unit of a block (see the module docstring)."""
    where, header_row = layout.name, layout.header_row
    fields, money = LT._columns(frame, where)  # a header problem is the whole file's: raised
    works = [UnitWork(ordinal=s.ordinal, key=s.key, name=s.name, rows=s.rows) for s in spans]

    def alone(w: UnitWork, s) -> None:
        a, b = s.start - start, s.stop - start
        try:
            with gc_paused():
                w.targets = LT._targets(frame.iloc[a:b].reset_index(drop=True), fields, money, where,
                                        header_row + s.start, None)
        except PerfscoreError as exc:
            w.error = exc
        w.exact = True

    if len(spans) == 1 or "money_unit" in fields:
        for w, s in zip(works, spans):
            alone(w, s)
        return works
    try:
        with gc_paused():  # no Indicator object per row: the block's indicators as columns
            block, columns = LT.read_columns(frame, fields, money, where, header_row + start, None)
    except DataError:
        block = None
    groups = _split_projects(block, fields, spans) if block is not None else None
    if groups is None:
        for w, s in zip(works, spans):
            alone(w, s)
        return works
    no_year = _units_without_year(frame, start, spans, fields) if block.year is not None else set()
    p1 = 0
    for w, s, projects in zip(works, spans, groups):
        p0, p1 = p1, p1 + len(projects)  # the unit's projects are p0 … p1-1 of the block
        if s.ordinal in no_year:
            alone(w, s)
            continue
        pairs = list(dict.fromkeys((p.unit_code, p.unit_name) for p in projects))
        code, name = pairs[0] if len(pairs) == 1 else (None, None)
        w.targets = block.model_copy(update={
            "unit": Unit(code=code, name=name, money_unit=block.unit.money_unit), "projects": projects})
        w.project_unit = [s.ordinal] * len(projects)
        w.columns, w.objects = columns.part(p0, p1), False
    return works


def _split_projects(block: Targets, fields: dict, spans) -> list[list] | None:
    """The block's projects cut by unit (they come in table order), or None when they do
    not line up with the units (the units are then read one by one)."""
    attr = "unit_code" if "unit_code" in fields else "unit_name" if "unit_name" in fields else None
    groups: list[list] = []
    keys: list[str] = []
    for p in block.projects:
        k = (getattr(p, attr) or "") if attr else ""
        if not keys or keys[-1] != k:
            keys.append(k)
            groups.append([])
        groups[-1].append(p)
    if keys != [s.key for s in spans]:
        return None
    return groups


def _units_without_year(frame: pd.DataFrame, start: int, spans, fields: dict) -> set[int]:
    """Units whose rows hold no 年度 cell: alone, the reader gives them no year."""
    if "year" not in fields:
        return set()
    codes, uniques = pd.factorize(frame[fields["year"]], use_na_sentinel=False)  # each distinct cell once
    filled = np.array([str(u).strip() != "" for u in uniques], dtype=bool)[codes]
    return {s.ordinal for s in spans if not filled[s.start - start: s.stop - start].any()}


# --- scoring ----------------------------------------------------------------------------


def score_units(works: list[UnitWork], profile: Profile, as_of, checks: bool) -> None:
    """Set ``evaluation`` of every unit without an error (block path where possible).

    The units' Targets carry no findings: ``extract`` would store its target checks there,
    and ``evaluate`` replaces stored copies of registered checks by its own run."""
    live = [w for w in works if w.error is None]
    for w in live:
        w.targets = w.targets.model_copy(update={"findings": []})
        if checks:  # the checks (and the reports after them) read Indicator objects
            materialize(w)
    shared = [w for w in live if not w.exact and w.targets.department_goals is None]
    if len(shared) > 1:
        try:
            _score_shared(shared, profile, as_of, checks)
        except _NeedsExact:
            for w in shared:
                w.exact = True
    elif shared:
        shared[0].exact = True
    for w in live:
        if w.evaluation is None:
            materialize(w)
            try:
                w.evaluation = evaluate(w.targets, profile, as_of=as_of, checks=checks)
            except PerfscoreError as exc:
                w.error = exc


class _NeedsExact(Exception):
    """The block's results cannot be cut per unit exactly."""


def _score_shared(works: list[UnitWork], profile: Profile, as_of, checks: bool) -> None:
    first = works[0].targets
    projects = [p for w in works for p in w.targets.projects]
    codes = [p.code for p in projects]
    if len(set(codes)) != len(codes):
        raise _NeedsExact  # findings name projects by code only
    view = first.model_copy(update={"projects": projects, "findings": [], "source": {},
                                    "unit": Unit(money_unit=first.unit.money_unit)})
    frames, ind_counts = block_frames(view, works)
    ev = evaluate(view, profile, as_of=as_of, checks=False, frames=frames)
    if any(f.project_code is None for f in ev.findings):
        raise _NeedsExact  # e.g. block-unknown: one finding naming many projects
    # The CSV cells are formatted once for the block (every cell is formatted on its own,
    # so a unit's rows are the same cells) and cut per unit like the Evaluation.
    ind_csv, proj_csv = indicators_csv_frame(ev), projects_csv_frame(ev)
    ind_text = CsvBlock.of(ind_csv)
    by_project: dict[str, list] = {}
    for i, f in enumerate(ev.findings):
        by_project.setdefault(f.project_code, []).append((i, f))
    # The spending rows (monitoring) come project by project, each row made from its own
    # project alone, so a unit's rows are the block's from its first to its last project's.
    position = {code: i for i, code in enumerate(codes)}
    mon_project = np.array([position[c] for c in ev.monitoring["project_code"].tolist()], dtype=np.int64)
    dept_columns = department_columns(ev.projects, ev.indicators)
    cuts = []
    p0 = r0 = 0
    for w in works:
        n_p = len(w.targets.projects)
        n_r = int(ind_counts[p0: p0 + n_p].sum())
        m0, m1 = np.searchsorted(mon_project, [p0, p0 + n_p]).tolist()
        unit_ev = _cut(ev, w.targets, (p0, p0 + n_p), (r0, r0 + n_r), (m0, m1), dept_columns, profile)
        mine = [x for p in w.targets.projects for x in by_project.get(p.code, ())]
        unit_ev.findings = [f for _, f in sorted(mine, key=lambda x: x[0])]  # the engine's order
        cuts.append((w, unit_ev, (p0, p0 + n_p), (r0, r0 + n_r)))
        p0 += n_p
        r0 += n_r
    # projects.csv: one text for the block unless some unit lacks a block column (一级).
    same_columns = all(len(unit_ev.blocks) == len(ev.blocks) for _, unit_ev, _, _ in cuts)
    proj_text = CsvBlock.of(proj_csv) if same_columns else None
    # results.json's records (written with the checks): a row's line is the same in the block.
    ind_json = record_lines(ev.indicators) if checks else None
    proj_json = record_lines(ev.projects) if checks and same_columns else None
    proj_digest = project_columns(ev.projects)
    cells = ReportCells.of_frame(ev.indicators)   # columns converted when a report first reads them
    for w, unit_ev, p_rows, r_rows in cuts:
        json_lines = None
        if ind_json is not None:
            json_lines = {"indicators": ind_json[r_rows[0]: r_rows[1]]}
            if proj_json is not None:
                json_lines["projects"] = proj_json[p_rows[0]: p_rows[1]]
        digest = {k: v[p_rows[0]: p_rows[1]] for k, v in proj_digest.items()}
        if proj_text is None:
            gone = [b for b in ev.blocks if b not in unit_ev.blocks]
            proj_part, p_rows = proj_csv.iloc[p_rows[0]: p_rows[1]].drop(columns=gone), (0, p_rows[1] - p_rows[0])
        else:
            proj_part = proj_text
        w.tables = UnitTables(ind_text, r_rows, proj_part, p_rows, json_lines, digest, cells.part(*r_rows))
        w.evaluation = unit_ev
    if checks:   # what evaluate adds, for each unit's cut of the block's engine findings
        with_checks_by_unit(ev, view, [(w.evaluation, w.targets) for w in works], profile)


def block_frames(view: Targets, works: list[UnitWork]) -> tuple[tuple | None, np.ndarray]:
    """The engine's frames for ``view`` (the units' projects one after the other) made from
    the units' indicator columns, and the indicators of each project. (None, counts) when a
    unit holds its indicators as objects only (joined by ``attach_actuals``): the engine
    flattens the objects then."""
    if all(w.columns is not None for w in works):
        columns = IndicatorColumns.concat([w.columns for w in works])
        return columns_frames(view, columns), np.asarray(columns.counts, dtype=np.int64)
    for w in works:
        materialize(w)
    return None, np.array([len(p.indicators) for p in view.projects], dtype=np.int64)


def _rows(frame: pd.DataFrame, span: tuple[int, int]) -> pd.DataFrame:
    """Rows ``span`` of ``frame`` numbered from 0 (reset_index(drop=True), without the copy
    it makes: a third of the time of cutting a unit's rows)."""
    part = frame.iloc[span[0]:span[1]]
    part.index = pd.RangeIndex(span[1] - span[0])
    return part


def _cut(ev: Evaluation, targets: Targets, p_rows: tuple[int, int], r_rows: tuple[int, int],
         m_rows: tuple[int, int], dept_columns: dict[str, np.ndarray], profile: Profile) -> Evaluation:
    """The unit's part of a block Evaluation, as ``evaluate`` would give it for the unit alone:
    its projects, indicator rows and monitoring rows are the block's ``p_rows``, ``r_rows``
    and ``m_rows`` (``dept_columns``: the block's department columns)."""
    ind, proj, monitoring = _rows(ev.indicators, r_rows), _rows(ev.projects, p_rows), _rows(ev.monitoring, m_rows)
    # Block columns: the profile's, and a table-weighted project's own 一级 (as weights.assign).
    present = set(ind["block"].tolist())
    blocks = [b for b in ev.blocks if b in profile.blocks or b in present]
    if len(blocks) < len(ev.blocks):
        proj = proj.drop(columns=[b for b in ev.blocks if b not in blocks])
    columns = {k: v[p_rows[0]:p_rows[1]] for k, v in dept_columns.items()}
    columns["status"] = dept_columns["status"][r_rows[0]:r_rows[1]]   # the one indicator column
    department = department_totals(columns, profile)
    meta = dict(ev.meta)
    meta["unit_code"] = targets.unit.code
    meta["unit_name"] = targets.unit.name
    meta["sources"] = dict(sorted(targets.source.items()))
    return dataclasses.replace(ev, meta=meta, indicators=ind, projects=proj, blocks=blocks, department=department,
                               monitoring=monitoring, findings=[])

