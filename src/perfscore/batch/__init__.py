"""Batch evaluation (批量评价): every unit of a bureau or a province in one run.

``perfscore evaluate`` switches to it when TARGETS is a folder or a long table holding
several units (单位编码), or with ``--batch``. It writes, under the output folder::

    units/<单位编码>/results.json, results.csv, projects.csv, report.html
    summary.csv            every unit ranked (部门整体总分), grade counts, findings counts
    summary_projects.csv   every project of every unit ranked
    summary.html           the same as one page, with links to each unit's report

Each unit's files are what ``perfscore evaluate`` writes for a file holding only that
unit (and the actuals of its projects), byte for byte, except the 数据来源 (sources)
naming the bureau's files; ``tests/test_batch.py`` checks it.

Scale (docs/batch.md, benchmarks/README.md): a CSV long table is read unit by unit in
blocks of whole units (:mod:`perfscore.batch.stream`), so memory is bounded by the block
(``block_rows``) or the largest unit, not by the file; within a block the reading, the
actuals join (:mod:`perfscore.batch.join`) and the scoring engine run once for all its
units, and only what depends on the unit alone (checks, department totals, files) runs
per unit (:mod:`perfscore.batch.units`). Other inputs (a folder of files, .xlsx,
targets.json, .docx) are read whole, one file at a time, and scored unit by unit.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import multiprocessing as mp
import os
import shutil
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from perfscore.app.extract import extract, run_checks
from perfscore.app.run import _shown as shown
from perfscore.app.score import evaluate
from perfscore.batch.actuals import ActualsStream, actuals_table
from perfscore.batch.cluster import ClusterExecutor
from perfscore.batch.progress import Progress
from perfscore.batch.result import UnitResult  # noqa: F401  (the batch API names it)
from perfscore.batch.stream import _sha256, index_long_table, iter_blocks, layout_of, units_upto
from perfscore.batch.summary import Summary
from perfscore.batch.worker import BlockJob, Options, run_block, write_unit
from perfscore.errors import PerfscoreError, UsageError
from perfscore.model import Targets, Unit
from perfscore.readers.join import join_key
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.safety import safe_filename
from perfscore.scoring.profile import Profile, load_profile
from perfscore.writers.pdf import ensure_available

__all__ = ["BatchRun", "UnitResult", "evaluate_batch", "is_batch_input"]

INPUT_SUFFIXES = (".csv", ".xlsx", ".json", ".docx", ".txt")
ACTUALS_SUFFIX = ".actuals"       # folder mode: NAME.actuals.csv / .xlsx are NAME.csv's actuals
BLOCK_ROWS = 100_000


@dataclass
class BatchRun:
    out_dir: Path
    units: list[UnitResult]
    paths: list[Path]                # the summary files
    totals: dict                     # see Summary.totals()
    notes: list[str] = field(default_factory=list)   # what the user should know (Chinese)
    tasks_by_worker: dict[str, int] = field(default_factory=dict)   # a cluster run: worker → tasks it ran

    @property
    def failed(self) -> list[UnitResult]:
        return [u for u in self.units if u.error]

    @property
    def errors(self) -> int:
        return int(self.totals["findings"].get("error", 0))


# --- what to read ---------------------------------------------------------------------


def is_batch_input(path: str | os.PathLike) -> bool:
    """True for a folder, or a CSV long table with two or more 单位编码 (read until the second)."""
    p = Path(path)
    if p.is_dir():
        return True
    if p.suffix.lower() != ".csv" or not p.is_file():
        return False

    try:
        layout = layout_of(p)
    except PerfscoreError:
        return False  # the single-file route reports it
    return layout is not None and units_upto(layout, 2) >= 2


def _shown(path: str | os.PathLike) -> str:
    return shown(path)


def _folder_inputs(folder: Path, actuals: Path | None) -> list[tuple[Path, Path | None]]:
    """(targets file, its own actuals file or None) for every input file of a folder, by name."""
    skip = {actuals.resolve()} if actuals is not None else set()
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
    own = {p.name[: -len(ACTUALS_SUFFIX) - len(p.suffix)]: p for p in files
           if p.stem.endswith(ACTUALS_SUFFIX)}
    out = []
    for p in files:
        if p.stem.endswith(ACTUALS_SUFFIX) or p.resolve() in skip:
            continue
        out.append((p, own.get(p.stem)))
    if not out:
        raise UsageError(f"文件夹中没有可读取的绩效目标文件（{'、'.join(INPUT_SUFFIXES)}）",
                         hint="批量评价的文件夹应包含各单位的长表、targets.json 或绩效文本。")
    return out


# --- the run -------------------------------------------------------------------------------


class _Run:
    """State of one batch run: options, unit folders, the summary, the progress bar."""

    def __init__(self, out_dir: Path, profile: Profile, as_of, *, reports: bool, pdf: bool, tables_only: bool):
        self.opt = Options(out=out_dir, profile=profile, as_of=as_of, tables_only=tables_only,
                           reports=reports and not tables_only, pdf=pdf)
        self.summary = Summary(list(profile.grades))
        self.results: list[UnitResult] = []
        self.folders: set[str] = set()
        self.progress = None

    def folder_for(self, key: str, name: str, ordinal: int) -> str:
        """units/<单位编码> (else the name, else unit-NNNN), made safe, unique in the run."""
        base = safe_filename(key or name or f"unit-{ordinal + 1:04d}", fallback=f"unit-{ordinal + 1:04d}")
        folder, n = base, 1
        while folder.lower() in self.folders:
            n += 1
            folder = f"{base}-{n}"
        self.folders.add(folder.lower())
        return folder

    def done(self, result: UnitResult, outcome, rows: int) -> None:
        self.results.append(result)
        self.summary.add(outcome)
        if self.progress is not None:
            self.progress.advance(rows)


def default_jobs() -> int:
    """Worker processes for a batch of several blocks: the CPUs this process may use, at most 4
    (each holds a block in memory)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def evaluate_batch(targets: str | os.PathLike, actuals: str | os.PathLike | None, out_dir: str | os.PathLike, *,
                   profile: Profile | str | None = None, as_of: str | _dt.date | None = None,
                   reports: bool = True, pdf: bool = False, tables_only: bool = False,
                   progress: bool | None = None, block_rows: int = BLOCK_ROWS, jobs: int | None = None,
                   on_progress=None, scheduler: str | None = None, handin: tuple[str, ...] = ()) -> BatchRun:
    """Score every unit of ``targets`` (a folder, or a file holding one or more units).

    ``actuals``: one actuals sheet for all units (rows find their unit by 项目编码), or None.
    ``tables_only`` (仅输出表格): write results.csv and projects.csv per unit and the
    summary, and skip the checks, results.json and the reports (the fastest run).
    ``progress``: a progress bar on stderr; None = only when stderr is a terminal.
    ``jobs``: processes scoring blocks of a streamed table at once (None: :func:`default_jobs`;
    the files do not depend on it).
    ``on_progress(done_units, total_units, rows)``: called after each unit is scored.
    ``handin``: extensions of the files each unit hands in, written beside its report
    (``.docx``, ``.xlsx``; ignored with ``tables_only``).
    ``scheduler``: score on a Dask cluster (``local``, ``local:N`` or ``tcp://host:port``; see
    :mod:`perfscore.batch.cluster`); the files are the same as a local run's. The units'
    folders are written aside and moved into ``units/`` only when every unit is done.
    A unit that cannot be read or scored is listed in the summary with its error and the
    others go on; an error that concerns every unit (a missing column, an actuals row no
    unit holds) stops the run before anything is written.
    """
    prof = load_profile(profile)
    if pdf and reports and not tables_only:
        ensure_available()   # refused before any unit is written, not once per unit
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(out, prof, as_of, reports=reports, pdf=pdf, tables_only=tables_only)
    run.opt.handin = () if tables_only else tuple(handin)
    tp = Path(targets)
    ap = Path(actuals) if actuals is not None else None
    notes: list[str] = []

    jobs = default_jobs() if jobs is None else jobs
    tasks: dict[str, int] = {}
    with _executor(scheduler) as executor:
        if executor is not None:
            run.opt.units_dir = INCOMPLETE_UNITS
        try:
            plan = _stream_plan(tp, ap, notes, parallel=jobs > 1) if not tp.is_dir() else None
            if plan is not None:
                index, stream = plan
                with Progress(len(index.units), enabled=progress, callback=on_progress) as bar:
                    run.progress = bar
                    _run_stream(run, index, stream, tp, ap, block_rows, jobs, executor)
                source = index.layout.name
            else:
                inputs = _folder_inputs(tp, ap) if tp.is_dir() else [(tp, None)]
                units = _load_units(inputs, ap)
                with Progress(len(units), enabled=progress, callback=on_progress) as bar:
                    run.progress = bar
                    items = ((run.opt, i, u, run.folder_for(u.key, u.name, i)) for i, u in enumerate(units))
                    if executor is not None:
                        executor.run(score_loaded, items, lambda done: run.done(*done))
                    else:
                        for args in items:
                            run.done(*score_loaded(*args))
                source = tp.name
        except BaseException:
            if executor is not None:
                shutil.rmtree(out / INCOMPLETE_UNITS, ignore_errors=True)
            raise
        if executor is not None:
            _move_units_into_place(out)
            tasks = dict(sorted(executor.tasks_by_worker.items()))
    first = next((u for u in run.summary.units if not u.error), None)
    meta = {"year": None, "as_of": None, "profile": prof.name, "source": source,
            "reports": run.opt.reports, "checks": run.opt.checks}
    if first is not None:
        meta.update(year=first.year, as_of=first.as_of)
    paths = run.summary.write(out, meta)
    return BatchRun(out_dir=out, units=sorted(run.results, key=lambda u: u.ordinal), paths=paths,
                    totals=run.summary.totals(), notes=notes, tasks_by_worker=tasks)


INCOMPLETE_UNITS = "units.incomplete"


@contextlib.contextmanager
def _executor(scheduler: str | None):
    if scheduler is None:
        yield None
        return
    with ClusterExecutor(scheduler) as executor:
        yield executor


def _move_units_into_place(out: Path) -> None:
    """A finished cluster run's unit folders replace the folder of an earlier run: the
    output then holds this run's units only, as its summary lists them."""
    final, staged = out / "units", out / INCOMPLETE_UNITS
    if final.exists():
        shutil.rmtree(final)
    if staged.exists():
        os.replace(staged, final)


# --- a CSV long table, streamed ----------------------------------------------------------------


# Pass 1 reads the actuals sheet in a process of its own, at the same time as the long
# table is indexed, when there is more than one CPU to use and the sheet is this large.
PARALLEL_PASS1_BYTES = 1 << 20


def _stream_plan(tp: Path, ap: Path | None, notes: list[str], *, parallel: bool = False):
    """(index, actuals stream) when the targets are a CSV long table that can be streamed.

    ``parallel``: the actuals sheet's pass 1 (its reading, which does not depend on the
    long table) and the long table's SHA-256 run in a forked process while this one indexes
    the long table; the routing then takes their result. Nothing changes but the wall time:
    when the child fails for any reason the sheet is read (and the file hashed) here, as
    without it, and raises what it raises."""
    if tp.suffix.lower() != ".csv":
        return None

    layout = layout_of(tp)
    if layout is None:
        return None
    child = None
    if parallel and ap is not None and _forkable(ap):
        child = _Child(_actuals_keys, ap, layout.path)
    try:
        try:
            index = index_long_table(layout, sha256=child is None)
        except (pd.errors.ParserError, UnicodeDecodeError):
            return None  # the ordinary reader names the row or byte
        if not index.units:
            return None  # no data rows: the ordinary reader says so
        if not index.contiguous:
            notes.append(f"{layout.name} 中同一单位的行不连续，已整体读入后再按单位评分"
                         "（按单位编码排序后可逐单位读取，占用内存更少）。")
            return None
        read, sha = (child.result() or (None, None)) if child is not None else (None, None)
        if child is not None:
            index.sha256 = sha or _sha256(layout.path)
        stream = None
        if ap is not None:
            stream = ActualsStream(ap)
            stream.route(index.code_unit, index.name_unit, keys=read if stream.layout is not None else None)
    finally:
        if child is not None:
            child.close()
    index.code_unit, index.name_unit = {}, {}  # only pass 1 of the actuals needs them (10⁶ projects' worth)
    return index, stream


def _forkable(ap: Path) -> bool:
    try:
        big = ap.suffix.lower() == ".csv" and ap.stat().st_size >= PARALLEL_PASS1_BYTES
    except OSError:
        return False  # the reader says what is wrong with the path
    # Forking a process that runs other threads (a notebook kernel, a web service calling the
    # library) can copy a lock some thread holds, and the child would wait on it forever.
    return big and "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def _actuals_keys(ap: Path, tp: Path):
    """In the child: the actuals sheet's pass-1 reading (None when it is not a CSV read in
    chunks) and the long table's SHA-256 (which balances the two processes' work)."""
    stream = ActualsStream(ap)
    return (stream.read_keys() if stream.layout is not None else None), _sha256(tp)


class _Child:
    """``fn(*args)`` running in a forked process; :meth:`result` waits for what it returns
    (None when it raised or died: the caller then does the work itself)."""

    def __init__(self, fn, *args):
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child_main, args=(send, fn, args), daemon=True)
        self._proc.start()
        send.close()

    def result(self):
        try:
            return self._recv.recv()
        except (EOFError, OSError):
            return None

    def close(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
        self._recv.close()


def _child_main(send, fn, args) -> None:
    try:
        out = fn(*args)
    except BaseException:  # noqa: BLE001 - the parent reads the sheet itself and reports the error
        out = None
    send.send(out)
    send.close()


# With checks and reports, a unit's own work (checks, results.json, its report and hand-in
# files) outweighs reading and scoring its rows many times over: a table of a few blocks'
# rows is then cut finer, into at least this many blocks per worker, so that every worker
# has units to write. The files do not depend on the cut.
BLOCKS_PER_WORKER = 4
MIN_BLOCK_ROWS = 2_000


def _balanced_block_rows(run: _Run, rows: int, block_rows: int, workers: int) -> int:
    if run.opt.tables_only or workers <= 1:
        return block_rows
    return min(block_rows, max(MIN_BLOCK_ROWS, -(-rows // (BLOCKS_PER_WORKER * workers))))


def _run_stream(run: _Run, index, stream, tp: Path, ap: Path | None, block_rows: int, jobs: int,
                executor=None) -> None:
    """Pass 2: blocks read here, scored and written here or by ``jobs`` worker processes
    (at most ``jobs + 1`` blocks in flight, so memory stays bounded), taken back in order."""
    block_rows = _balanced_block_rows(run, sum(s.rows for s in index.units), block_rows,
                                      executor.workers if executor is not None else jobs)
    layout = index.layout
    source = {"file": layout.name, "format": "csv", "sha256": index.sha256, "targets": _shown(tp)}
    if ap is not None:
        source["actuals"] = _shown(ap)
    folders = {s.ordinal: run.folder_for(s.key, s.name, s.ordinal) for s in index.units}
    rows_of = stream.reader() if stream is not None else None
    sheet = stream.table if stream is not None else None

    def blocks():
        for block in iter_blocks(index, block_rows):
            rows = rows_of.rows_for([s.ordinal for s in block.units]) if rows_of is not None else None
            yield BlockJob(frame=block.frame, start=block.start, spans=block.units, layout=layout,
                           folders={s.ordinal: folders[s.ordinal] for s in block.units}, source=source,
                           rows=rows, sheet=sheet)

    def take(results) -> None:
        for result, outcome, rows in results:
            run.done(result, outcome, rows)

    n_blocks = -(-sum(s.rows for s in index.units) // max(1, block_rows))
    try:
        if executor is not None:
            executor.run(run_block, ((run.opt, job) for job in blocks()), take)
        elif jobs <= 1 or n_blocks <= 1:
            for job in blocks():
                take(run_block(run.opt, job))
        else:
            _in_workers(run, blocks(), take, jobs)
    finally:
        if rows_of is not None:
            rows_of.close()


def _in_workers(run: _Run, jobs_iter, take, jobs: int) -> None:
    """Score the blocks in ``jobs`` processes, at most ``jobs + 1`` in flight, taken back in order."""
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(jobs) as pool:
        pending: deque = deque()
        for job in jobs_iter:
            pending.append(pool.apply_async(run_block, (run.opt, job)))
            while len(pending) > jobs:
                take(pending.popleft().get())
        while pending:
            take(pending.popleft().get())


# --- other inputs, read whole ----------------------------------------------------------------


@dataclass
class _Loaded:
    """A unit of an input read whole."""

    key: str
    name: str
    targets: Targets | None
    error: PerfscoreError | None = None
    recheck: bool = True   # run extract's target checks (a targets.json keeps the findings it stores)


def _load_units(inputs, ap: Path | None) -> list[_Loaded]:
    """Every unit of every input file, with its actuals joined."""
    units: list[_Loaded] = []
    for path, own in inputs:
        try:
            whole = extract(path, checks=False)
            if own is not None:
                whole = attach_actuals(whole, read_actuals(own))
        except PerfscoreError as exc:
            if len(inputs) == 1:
                raise
            units.append(_Loaded(path.stem, "", None, exc))
            continue
        source = dict(whole.source)
        source.setdefault("targets", _shown(path))
        if own is not None or ap is not None:
            source["actuals"] = _shown(own if own is not None else ap)
        stored = whole.source.get("format") == "json"  # extract returns a targets.json as stored
        parts = split_by_unit(whole)
        for key, name, t in parts:
            if stored and len(parts) > 1:
                codes = {p.code for p in t.projects}
                t = t.model_copy(update={"findings": [f for f in whole.findings if f.project_code in codes]})
            units.append(_Loaded(key, name, t.model_copy(update={"source": dict(source)}), recheck=not stored))
    if ap is not None:
        units = _attach_shared_actuals(units, ap)
    return units


def split_by_unit(targets: Targets) -> list[tuple[str, str, Targets]]:
    """The units of a Targets (projects' 单位编码, else the file's unit), in order of first
    appearance; each as the reader would give a file holding only that unit."""
    if not targets.projects:
        return [(targets.unit.code or "", targets.unit.name or "", targets)]
    groups: dict[str, list] = {}
    for p in targets.projects:
        groups.setdefault(p.unit_code or targets.unit.code or "", []).append(p)
    if len(groups) == 1:
        return [(next(iter(groups)), targets.unit.name or targets.projects[0].unit_name or "", targets)]
    out = []
    for key, projects in groups.items():
        pairs = list(dict.fromkeys((p.unit_code, p.unit_name) for p in projects))
        code, name = pairs[0] if len(pairs) == 1 else (None, None)
        unit = Unit(code=code, name=name, money_unit=targets.unit.money_unit)
        out.append((key, name or "", targets.model_copy(update={"unit": unit, "projects": projects,
                                                                 "department_goals": None})))
    return out


def _attach_shared_actuals(units: list[_Loaded], ap: Path) -> list[_Loaded]:
    """Join one actuals sheet to units read whole: each row goes to the unit holding its project."""
    code_unit: dict[str, int] = {}
    name_unit: dict[str, int] = {}
    for i, u in enumerate(units):
        if u.targets is None:
            continue
        for p in u.targets.projects:
            for table, k in ((code_unit, join_key(p.code)), (name_unit, join_key(p.name))):
                if k:
                    table[k] = i if table.get(k, i) == i else -1
    stream = ActualsStream(ap)
    stream.route(code_unit, name_unit)
    rows = stream.reader().rows_for(list(range(len(units))))
    for i, u in enumerate(units):
        if u.targets is not None and u.error is None:
            try:
                u.targets = attach_actuals(u.targets, actuals_table(stream.table, rows[rows["unit"] == i]))
            except PerfscoreError as exc:
                u.targets, u.error = None, exc
    return units


def score_loaded(opt, ordinal: int, u: _Loaded, folder: str) -> tuple:
    """The single-unit route: ``evaluate`` with the checks, as ``perfscore evaluate`` runs it
    (``extract`` would have stored its target checks in the Targets, replacing what the
    reader found). ``opt``: the run's options; → (UnitResult, summary digest, indicator rows).
    A pure function of its arguments, so that a cluster may run it again anywhere."""
    ev, t, err = None, u.targets, u.error
    if t is not None and err is None:
        try:
            if u.recheck:
                t = t.model_copy(update={"findings": run_checks(t) if opt.checks else []})
            ev = evaluate(t, opt.profile, as_of=opt.as_of, checks=opt.checks)
        except PerfscoreError as exc:
            err = exc
    result, outcome = write_unit(opt, ordinal, u.key, u.name, folder, t, ev, err)
    return result, outcome, t.indicator_count() if t is not None else 0
