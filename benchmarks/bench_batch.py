"""Benchmark: batch evaluation of a bureau / province against the I/O floor.

    python benchmarks/bench_batch.py                       # 10^4, 10^5, 10^6 rows, median of 3
    python benchmarks/bench_batch.py --sizes 100000 --runs 5
    python benchmarks/bench_batch.py --sizes 10000 100000 --full   # also with checks, results.json, reports
    python benchmarks/bench_batch.py --stream 10000000 --runs 1    # the streamed 10^7 run
    python benchmarks/bench_batch.py --reports 1000                # 1,000 unit reports
    python benchmarks/bench_batch.py --sizes --stages 1000000      # where the time goes (one process)
    python benchmarks/bench_batch.py --sizes --main 1000000        # the main process with its workers
    python benchmarks/bench_batch.py --sizes 1000000 --full --ppu 10 24   # ~150 indicators a unit (6,667 units)

Inputs come from ``benchmarks/generate.py`` (seed 1), cached in ``benchmarks/out/``.
Every measurement is a fresh process. Memory is reported twice: the peak resident set of
the largest process (``ru_maxrss`` from ``wait4``, what ``/usr/bin/time -v`` shows) and the
peak of all its processes together (the batch scores blocks in worker processes; their
proportional set sizes from ``/proc/*/smaps_rollup`` are summed, sampled every 0.2 s).

- **batch** (the issue's end to end): ``perfscore evaluate targets.csv actuals.csv -o OUT
  --tables-only --quiet`` — read, parse, join, score, write results.csv and projects.csv
  of every unit, and the summary;
- **full**: the same without ``--tables-only`` — with the checks, results.json and
  report.html of every unit;
- **floor**: a plain pandas read of targets.csv and actuals.csv (``dtype=str``) and a
  write of both back to CSV (``to_csv``), in a fresh process too; for the ``--stream``
  sizes the same a chunk at a time (a 10^7-row table does not fit in memory as objects).

Floor and batch runs alternate, so both see the same load on a shared machine; the load
average is printed with each median. Wall times include the interpreter's start. A full
run also prints its CPU time, user and system, summed over its processes (from
``wait4``): on two cores the wall time is about half their sum. **create** is the time to
create one empty file in the output folder, measured before each run: system time that
the file system alone decides (a default run creates five inodes a unit). Before each
timed run the previous run's output is deleted and everything written out (``sync``), so
no run pays for the I/O of the one before it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import inputs  # noqa: E402

FLOOR = """
import sys, pandas as pd
targets, actuals, out = sys.argv[1:4]
kw = dict(dtype=str, keep_default_na=False)
pd.read_csv(targets, **kw).to_csv(out + "/targets.csv", index=False)
pd.read_csv(actuals, **kw).to_csv(out + "/actuals.csv", index=False)
"""
# For the streamed sizes (10^7 rows do not fit in memory as pandas objects): the same
# read and write, a chunk of 200,000 rows at a time.
FLOOR_STREAMED = """
import sys, pandas as pd
targets, actuals, out = sys.argv[1:4]
kw = dict(dtype=str, keep_default_na=False, chunksize=200_000)
for src, dst in ((targets, out + "/targets.csv"), (actuals, out + "/actuals.csv")):
    with pd.read_csv(src, **kw) as chunks:
        for i, chunk in enumerate(chunks):
            chunk.to_csv(dst, index=False, mode="w" if i == 0 else "a", header=i == 0)
"""
# Where the time goes: the batch in one process (jobs=1), its stages timed by wrapping the
# functions that do them (their cumulative wall time; nested stages are inside their parents).
STAGES = """
import collections, json, sys, time
import perfscore.batch as B, perfscore.batch.actuals as A, perfscore.batch.join as J, perfscore.batch.stream as S
import perfscore.batch.summary as SM, perfscore.batch.tables as TT, perfscore.batch.units as U, perfscore.csvtext as CT
import perfscore.scoring.engine as E, perfscore.scoring.lenient as LN, perfscore.scoring.weights as W
import perfscore.writers.tabular as TB
spent = collections.Counter()
def wrap(owner, name, label):
    real = getattr(owner, name)
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            spent[label] += time.perf_counter() - t
    setattr(owner, name, timed)
    for module in list(sys.modules.values()):   # and where it was imported by name
        if getattr(module, "__name__", "").startswith("perfscore") and getattr(module, name, None) is real:
            setattr(module, name, timed)
for owner, name, label in [
        (S, "index_long_table", "pass 1: index the long table"), (A.ActualsStream, "route", "pass 1: route the actuals"),
        (A.UnitRows, "rows_for", "pass 2: actuals rows of a block"),
        (U, "read_units", "reader: long table → indicator columns + projects"),
        (J, "attach_block", "join: actuals → indicator columns"), (U, "block_frames", "engine frames from the columns"),
        (U, "evaluate", "engine: evaluate (block)"), (E, "flatten", "  engine: flatten (objects; not on this path)"),
        (W, "assign", "  engine: weights"), (LN, "read_values", "  engine: parse values"),
        (E, "score_rows", "  engine: score rows + arithmetic"), (TB, "indicators_csv_frame", "writer: results.csv cells"),
        (TB, "projects_csv_frame", "writer: projects.csv cells"), (CT.CsvBlock, "of", "batch: CSV text of a block"),
        (TT.UnitTables, "write", "batch: write unit CSV files"), (U, "_cut", "batch: cut per unit (department, monitoring)"),
        (SM, "outcome", "summary: per-unit digest"), (SM.Summary, "write", "summary: rank and write")]:
    wrap(owner, name, label)
t = time.perf_counter()
B.evaluate_batch(sys.argv[1], sys.argv[2], sys.argv[3], tables_only=True, progress=False, jobs=1)
print(json.dumps({"total": time.perf_counter() - t, "cpu": time.process_time(), "stages": spent.most_common()}))
"""
# The main process of a batch run as the command runs it (worker processes, default jobs):
# what it spends its time on while the workers score, and how long the workers wait for it
# (wall time of each stage in the main process; "waiting for the workers" is the main
# process idle, everything else is time the workers may wait on it).
MAIN = """
import time
T0 = time.perf_counter()
import collections, json, os, resource, sys
import multiprocessing.pool as MP
import perfscore.batch as B, perfscore.batch.actuals as A, perfscore.batch.stream as S, perfscore.batch.summary as SM
spent = collections.Counter()
marks = {"imports done": time.perf_counter() - T0}
MAIN_PID = os.getpid()
def wrap(owner, name, label):
    real = getattr(owner, name)
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            if os.getpid() == MAIN_PID:
                spent[label] += time.perf_counter() - t
    setattr(owner, name, timed)
    for module in list(sys.modules.values()):   # and where it was imported by name
        if getattr(module, "__name__", "").startswith("perfscore") and getattr(module, name, None) is real:
            setattr(module, name, timed)
for owner, name, label in [
        (B, "_stream_plan", "pass 1: index + actuals routing (wall)"), (S, "index_long_table", "  pass 1: index the long table"),
        (A.ActualsStream, "route", "  pass 1: route the actuals (here)"), (A.UnitRows, "rows_for", "pass 2: actuals rows of a block"),
        (SM.Summary, "write", "summary: rank and write"), (MP.ApplyResult, "get", "waiting for the workers")]:
    wrap(owner, name, label)
real_iter = S.iter_blocks
def iter_blocks(*a, **k):
    blocks = real_iter(*a, **k)
    while True:
        t = time.perf_counter()
        try:
            block = next(blocks)
        except StopIteration:
            return
        finally:
            spent["pass 2: read a block of the long table"] += time.perf_counter() - t
        marks.setdefault("first block read", time.perf_counter() - T0)
        yield block
S.iter_blocks = iter_blocks
B.evaluate_batch(sys.argv[1], sys.argv[2], sys.argv[3], tables_only=True, progress=False)
me, ch = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"total": time.perf_counter() - T0, "main_cpu": me.ru_utime + me.ru_stime,
                  "children_cpu": ch.ru_utime + ch.ru_stime, "stages": spent.most_common(), "marks": marks}))
"""
BATCH = "import sys\nfrom perfscore.cli import main\nsys.exit(main(sys.argv[1:]))\n"
REPORTS = """
import json, sys, time
import perfscore.batch.worker as worker
from perfscore.batch import evaluate_batch
spent = [0.0, 0]
real = worker.write_report   # patched where the batch calls it
def timed(*a, **k):
    t = time.perf_counter()
    try:
        return real(*a, **k)
    finally:
        spent[0] += time.perf_counter() - t
        spent[1] += 1
worker.write_report = timed
t = time.perf_counter()
run = evaluate_batch(sys.argv[1], sys.argv[2], sys.argv[3], progress=False, jobs=1)  # one process: all renders timed
print(json.dumps({"units": len(run.units), "reports": spent[1], "render_s": spent[0],
                  "total_s": time.perf_counter() - t}))
"""


def _tree_pss_mb(pid: int) -> float:
    """Proportional set size (MB) of a process and all its descendants: what they hold in
    memory together, pages shared after fork counted once (Linux /proc)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:")) / 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_child(code: str, *args: str) -> tuple[float, float, float, str, float, float]:
    """(wall seconds, peak RSS of the largest process in MB, peak total PSS of the process tree
    in MB, stdout, user CPU s, system CPU s) of a fresh Python process running ``code``; the
    rusage comes from wait4 (Popen's wait would reap the child without it; it counts the
    worker processes the child waited for), the PSS from sampling /proc every 0.2 s."""
    import threading

    start = time.perf_counter()
    peak = [0.0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=err)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], _tree_pss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text, problems = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {problems[-2000:]}")
    return wall, usage.ru_maxrss / 1024, peak[0], text, usage.ru_utime, usage.ru_stime


def settle() -> None:
    """Write out what the previous runs left in the page cache, and the deletion of their
    outputs, before the next timed run: otherwise the kernel does it during that run (the
    file system here is mounted with ``discard``: deleting a default run's 3 GB of output
    leaves work to the journal's next commits) and the run is charged with its
    predecessor's I/O."""
    os.sync()


def create_us(folder: Path, files: int = 300) -> float:
    """Microseconds (wall) to create an empty file in ``folder``: on this VM's ext4 it has been
    seen anywhere from 15 to 800 µs from one hour to the next, nearly all of it kernel time,
    which the runs are charged with (a default run creates five inodes a unit), so it is
    measured beside every run and printed with the medians."""
    work = Path(tempfile.mkdtemp(prefix="create_", dir=folder))
    try:
        start = time.perf_counter()
        for i in range(files):
            os.close(os.open(work / f"f{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        return (time.perf_counter() - start) / files * 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(rows: int, runs: int, full: bool, streamed: bool = False, ppu=(20, 180)) -> dict:
    t, a = inputs(rows, projects_per_unit=tuple(ppu))
    mb_in = (t.stat().st_size + a.stat().st_size) / 1e6
    res: dict[str, list] = {"floor": [], "batch": [], "full": [], "load": [], "create_us": []}
    work = Path(tempfile.mkdtemp(prefix="bench_batch_", dir=OUT))
    try:
        for _ in range(runs):
            res["load"].append(os.getloadavg()[0])
            res["create_us"].append(create_us(work))
            floor_dir = work / "floor"
            floor_dir.mkdir(exist_ok=True)
            settle()
            res["floor"].append(_kept(run_child(FLOOR_STREAMED if streamed else FLOOR, str(t), str(a),
                                                str(floor_dir))))
            shutil.rmtree(work / "batch", ignore_errors=True)
            settle()
            res["batch"].append(_kept(run_child(BATCH, "evaluate", str(t), str(a), "-o", str(work / "batch"),
                                                "--tables-only", "--quiet")))
            if full:
                shutil.rmtree(work / "full", ignore_errors=True)
                settle()
                res["full"].append(_kept(run_child(BATCH, "evaluate", str(t), str(a), "-o", str(work / "full"),
                                                   "--quiet")))
        mb_out = sum(p.stat().st_size for p in (work / "batch").rglob("*") if p.is_file()) / 1e6
        mb_full = sum(p.stat().st_size for p in (work / "full").rglob("*") if p.is_file()) / 1e6 if full else None
        units = sum(1 for _ in (work / "batch" / "units").iterdir())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # median wall, largest RSS, largest PSS, median user and system CPU
    med = {k: (statistics.median(r[0] for r in v), max(r[1] for r in v), max(r[2] for r in v),
               statistics.median(r[3] for r in v), statistics.median(r[4] for r in v))
           for k, v in res.items() if k in ("floor", "batch", "full") and v}
    return {"rows": rows, "units": units, "mb_in": mb_in, "mb_out": mb_out, "mb_full": mb_full, "runs": runs,
            "load": statistics.median(res["load"]), "create_us": statistics.median(res["create_us"]),
            "median": med, "all": res}


def _kept(run: tuple) -> tuple:
    """What a measurement keeps of run_child's answer: all but the child's output."""
    wall, rss, pss, _, user, system = run
    return wall, rss, pss, user, system


def reports(units: int) -> dict:
    rows = units * 90  # ~10 projects of ~9 indicators per unit, as a district's units
    t, a = inputs(rows, projects_per_unit=(5, 15))
    work = Path(tempfile.mkdtemp(prefix="bench_reports_", dir=OUT))
    try:
        load = os.getloadavg()[0]
        wall, peak, pss, text, _, _ = run_child(REPORTS, str(t), str(a), str(work / "one"))
        # The whole run as a user starts it (worker processes, reports included).
        cli_wall, _, cli_pss, _, _, _ = run_child(BATCH, "evaluate", str(t), str(a), "-o", str(work / "cli"),
                                                  "--quiet")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"rows": rows, "load": load, "wall": wall, "peak_mb": peak, "pss_mb": pss, "cli_wall": cli_wall,
            "cli_pss_mb": cli_pss, **json.loads(text)}


def one_run(code: str, rows: int, prefix: str) -> tuple[dict, float]:
    """One instrumented run (``STAGES`` or ``MAIN``) on the ``rows`` input in a fresh process:
    (what it prints as JSON, the load average when it started)."""
    t, a = inputs(rows)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=OUT))
    try:
        load = os.getloadavg()[0]
        return json.loads(run_child(code, str(t), str(a), str(work / "out"))[3]), load
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also time full runs (checks, results.json, reports)")
    ap.add_argument("--stream", type=int, nargs="*", default=[], help="sizes run once each, tables only (e.g. 10000000)")
    ap.add_argument("--reports", type=int, default=0, help="number of units for the report benchmark")
    ap.add_argument("--stages", type=int, default=0, help="rows: time the stages of one run in one process")
    ap.add_argument("--main", type=int, default=0, help="rows: the main process of one run with its workers")
    ap.add_argument("--ppu", type=int, nargs=2, default=[20, 180], metavar=("LO", "HI"),
                    help="projects per unit drawn from LO-HI (default 20 180, ~900 indicators a unit; "
                         "10 24 gives ~150, the issue's 6,667 units at 10^6 rows)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    print(f"{'rows':>11} {'units':>6} {'MB in':>6} {'floor s':>8} {'batch s':>8} {'ratio':>6} {'RSS MB':>7} {'PSS MB':>7}"
          f" {'full s':>7} {'user s':>7} {'sys s':>6} {'PSS MB':>7} {'out MB':>7} {'load':>5} {'create':>7}")
    for rows, runs in [(n, args.runs) for n in args.sizes] + [(n, 1) for n in args.stream]:
        r = measure(rows, runs, args.full and rows not in args.stream, streamed=rows in args.stream, ppu=args.ppu)
        results.append(r)
        m = r["median"]
        full = (f"{m['full'][0]:>7.1f} {m['full'][3]:>7.1f} {m['full'][4]:>6.1f} {m['full'][2]:>7.0f}"
                f" {r['mb_full']:>7.0f}") if "full" in m else f"{'':>7} {'':>7} {'':>6} {'':>7} {'':>7}"
        print(f"{rows:>11,} {r['units']:>6,} {r['mb_in']:>6.0f} {m['floor'][0]:>8.1f} {m['batch'][0]:>8.1f}"
              f" {m['batch'][0] / m['floor'][0]:>6.2f} {m['batch'][1]:>7.0f} {m['batch'][2]:>7.0f} {full}"
              f" {r['load']:>5.1f} {r['create_us']:>5.0f}µs", flush=True)
    if args.reports:
        r = reports(args.reports)
        results.append(r)
        print(f"reports: {r['reports']:,} unit reports ({r['rows']:,} rows) rendered in {r['render_s']:.1f} s"
              f" (one process; the whole full batch {r['total_s']:.1f} s); the full batch from the command line"
              f" {r['cli_wall']:.1f} s, all processes {r['cli_pss_mb']:.0f} MB; load {r['load']:.1f}")
    if args.stages:
        r, load = one_run(STAGES, args.stages, "bench_stages_")
        results.append(r)
        print(f"stages of one {args.stages:,}-row run in one process: {r['total']:.1f} s wall, {r['cpu']:.1f} s CPU,"
              f" load {load:.1f}")
        for label, sec in sorted(r["stages"], key=lambda kv: -kv[1]):
            print(f"  {label:<46} {sec:7.2f} s")
    if args.main:
        r, load = one_run(MAIN, args.main, "bench_main_")
        results.append(r)
        print(f"main process of one {args.main:,}-row run (worker processes as the command starts them):"
              f" {r['total']:.1f} s wall from its start; CPU: main {r['main_cpu']:.1f} s, workers and"
              f" children {r['children_cpu']:.1f} s; load {load:.1f}")
        for label, sec in r["stages"]:
            print(f"  {label:<46} {sec:7.2f} s")
        for label, sec in r["marks"].items():
            print(f"  {'at ' + f'{sec:.2f} s':<12} {label}")
    (OUT / "bench_batch.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
