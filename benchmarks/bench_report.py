"""Benchmark: render the self-assessment report (perfscore.writers.html).

    python benchmarks/bench_report.py                      # 1,000 projects, 5 runs
    python benchmarks/bench_report.py --projects 5000 --runs 3
    python benchmarks/bench_report.py --pdf                # also the sample year's PDF

Input: the sample year (data/yanshan-2023: 11 projects, 77 indicators, with its
actuals) repeated under new project codes up to ``--projects`` projects (1,000
projects ≈ 7,000 indicator rows), scored once by the engine (not timed). Timed:
``render_report`` (view model + jinja2 + SVG charts), median wall time of
``--runs`` runs; the size of the page is reported too. With ``--pdf``, the median
time of WeasyPrint on the sample year's own report (11 projects).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from perfscore.app.extract import load_targets  # noqa: E402
from perfscore.model import Targets  # noqa: E402
from perfscore.readers.actuals import attach_actuals, read_actuals  # noqa: E402
from perfscore.app.score import evaluate  # noqa: E402
from perfscore.writers.html import render_report  # noqa: E402

DATA = ROOT / "data" / "yanshan-2023"


def sample_year() -> Targets:
    return attach_actuals(load_targets(DATA / "targets.json"), read_actuals(DATA / "actuals.csv"))


def scaled(targets: Targets, n_projects: int) -> Targets:
    """``targets`` with its projects repeated, renamed and recoded, to n_projects."""
    base = targets.projects
    projects = []
    for k in range(n_projects):
        p = base[k % len(base)]
        code = f"{p.code}-{k:05d}"
        indicators = [i.model_copy(update={"id": f"{code}-{j + 1:02d}"}) for j, i in enumerate(p.indicators)]
        projects.append(p.model_copy(update={"code": code, "name": f"{p.name}（{k + 1}）",
                                             "indicators": indicators}))
    return targets.model_copy(update={"projects": projects, "department_goals": None})


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also time WeasyPrint on the sample year")
    args = parser.parse_args()

    year = sample_year()
    targets = scaled(year, args.projects)
    ev = evaluate(targets, as_of="2024-01-31")
    html = render_report(ev, targets=targets)
    seconds = median_time(lambda: render_report(ev, targets=targets), args.runs)
    print(f"render_report: {args.projects} projects, {len(ev.indicators)} indicators: "
          f"median {seconds:.2f} s over {args.runs} runs; page {len(html.encode('utf-8')) / 1e6:.1f} MB")

    if args.pdf:
        from perfscore.writers.pdf import html_to_pdf

        ev_year = evaluate(year, as_of="2024-01-31")
        page = render_report(ev_year, targets=year)
        pdf_runs = max(1, min(args.runs, 3))
        pdf_seconds = median_time(lambda: html_to_pdf(page), pdf_runs)
        print(f"html_to_pdf (WeasyPrint): sample year, {len(ev_year.projects)} projects: "
              f"median {pdf_seconds:.2f} s over {pdf_runs} runs")


if __name__ == "__main__":
    main()
