"""Benchmark: the files 1,000 units hand in (the Word 自评报告 draft and the Excel 自评表).

    python benchmarks/bench_handin.py                 # 1,000 units, median of 3
    python benchmarks/bench_handin.py --units 200 --runs 1

A district's units as ``bench_batch.py --reports`` makes them (about 10 projects of about
9 indicators each, ``benchmarks/generate.py`` seed 1).

- **as a bureau runs it**: ``perfscore evaluate targets.csv actuals.csv -o OUT --quiet`` with
  and without ``--docx --xlsx`` (the batch's worker processes write each unit's files), runs
  alternating; the difference is what the two files cost;
- **one process**: every unit's results.json loaded and written in each format through
  ``perfscore.writers.handin`` (what ``perfscore report`` calls): ms per unit and format.

The issue's target: Word and Excel for 1,000 units in under 60 s.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import inputs  # noqa: E402

from perfscore.scoring import load_results  # noqa: E402
from perfscore.writers.handin import write_handin  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    rows = args.units * 90
    targets, actuals = inputs(rows, projects_per_unit=(5, 15))   # as bench_batch.py --reports
    work = Path(tempfile.mkdtemp(prefix="bench_handin_"))
    plain, handin = [], []
    try:
        for _ in range(args.runs):
            for extra, into in (((), plain), (("--docx", "--xlsx"), handin)):
                shutil.rmtree(work / "scored", ignore_errors=True)
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "perfscore.cli", "evaluate", str(targets), str(actuals), "-o",
                                str(work / "scored"), "--quiet", *extra], check=True)
                into.append(time.perf_counter() - t)
        results = sorted((work / "scored" / "units").glob("*/results.json"))
        timings: dict[str, list[float]] = {"load": [], ".xlsx": [], ".docx": []}
        for _ in range(args.runs):
            t = time.perf_counter()
            evaluations = [load_results(p) for p in results]
            timings["load"].append(time.perf_counter() - t)
            for ext in (".xlsx", ".docx"):
                out = work / ext.strip(".")
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                t = time.perf_counter()
                for n, ev in enumerate(evaluations):
                    write_handin(ev, out / f"{n}{ext}")
                timings[ext].append(time.perf_counter() - t)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in timings.items()}
    both = med[".xlsx"] + med[".docx"]
    print(f"units {len(results):,}  rows {rows:,}  runs {args.runs}  load average {os.getloadavg()[0]:.1f}")
    p, h = statistics.median(plain), statistics.median(handin)
    print(f"perfscore evaluate          {p:6.1f} s;  with --docx --xlsx {h:6.1f} s;  the two files: {h - p:5.1f} s"
          f"   (target < 60 s for 1,000 units)")
    print(f"load results.json (floor)   {med['load']:6.1f} s")
    print(f"自评表 .xlsx                 {med['.xlsx']:6.1f} s   {1000 * med['.xlsx'] / len(results):5.1f} ms/unit")
    print(f"自评报告 .docx               {med['.docx']:6.1f} s   {1000 * med['.docx'] / len(results):5.1f} ms/unit")
    print(f"Word + Excel, one process   {both:6.1f} s")


if __name__ == "__main__":
    main()
