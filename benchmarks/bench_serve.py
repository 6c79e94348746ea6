"""Benchmark: a bureau's long table scored through ``perfscore serve`` against the same
command-line run (issue: at most 2× the command line at 10^5 rows).

    python benchmarks/bench_serve.py                    # 10^5 rows, median of 3
    python benchmarks/bench_serve.py --rows 10000 --runs 5

- **cli**: ``perfscore evaluate targets.csv actuals.csv -o OUT --quiet`` in a fresh process
  (the full run: checks, results.json and a report per unit, what the page shows);
- **serve**: a ``perfscore serve`` started once (its start is not counted), then the two files
  uploaded to ``POST /jobs`` as the page's form does and ``/api/jobs/<id>`` polled until the
  job is done, every unit's run stored in the workspace (SQLite).

Inputs come from ``benchmarks/generate.py`` (seed 1), cached in ``benchmarks/out/``. CLI and
server runs alternate so that both see the same load; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from generate import inputs  # noqa: E402
from serve_support import live_server  # noqa: E402


def cli_run(targets: Path, actuals: Path, scratch: Path) -> float:
    out = scratch / "cli-out"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "perfscore.cli", "evaluate", str(targets), str(actuals), "-o", str(out),
                    "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - t


def serve_run(base: str, targets: Path, actuals: Path) -> float:
    t = time.perf_counter()
    with targets.open("rb") as tf, actuals.open("rb") as af:
        r = httpx.post(base + "/jobs", files={"targets": (targets.name, tf), "actuals": (actuals.name, af)},
                       data={"profile": "mof-2020"}, timeout=600)
    assert r.status_code == 303, r.text
    job_url = base + "/api/jobs/" + r.headers["location"].rsplit("/", 1)[1]
    while True:
        job = httpx.get(job_url, timeout=60).json()
        if job["state"] != "running":
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    targets, actuals = inputs(args.rows)
    scratch = Path(tempfile.mkdtemp(prefix="perfscore-bench-serve-"))
    cli, srv = [], []
    try:
        with live_server(str(scratch / "perfscore.db")) as base:
            for _ in range(args.runs):
                cli.append(cli_run(targets, actuals, scratch))
                srv.append(serve_run(base, targets, actuals))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    c, s = statistics.median(cli), statistics.median(srv)
    print(f"rows {args.rows:,}  runs {args.runs}  load {os.getloadavg()[0]:.1f}")
    print(f"command line  {c:7.1f} s   (runs: {', '.join(f'{x:.1f}' for x in cli)})")
    print(f"serve /jobs   {s:7.1f} s   (runs: {', '.join(f'{x:.1f}' for x in srv)})")
    print(f"ratio         {s / c:7.2f} ×   (target ≤ 2 ×)")


if __name__ == "__main__":
    main()
