"""Benchmark: ``perfscore extract`` on a 200-page PDF of 绩效目标表 (perfscore.readers.fmt_pdf).

    python benchmarks/bench_extract_pdf.py                 # 200 pages, 3 runs
    python benchmarks/bench_extract_pdf.py --pages 50 --runs 5

The PDF is generated once and cached in ``benchmarks/out/`` (ignored by git): the sample
unit's projects, repeated with their own codes, laid out as published (merged 一级/二级
cells, a header block per project) by ``tests/fixtures/targets_formats/make_fixtures.py``,
rendered to HTML and printed to PDF with WeasyPrint (A4 landscape), with as many projects
as it takes to reach the page count (tables run over page breaks as they do in real
documents). Reported: the PDF's pages, projects and indicators, the median wall and CPU
time of ``extract`` (the whole command's work: read every page, find the tables, interpret,
run the target checks), and the load average. Target: under 30 s for 200 pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "targets_formats"))

import make_fixtures  # noqa: E402

from perfscore.app.extract import extract  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
PROJECTS_PER_PAGE = 1.55  # measured on this layout: 7 indicators and the header block per project


def build(pages: int) -> Path:
    """The cached PDF of at least ``pages`` pages (more projects until it has them)."""
    import pdfplumber

    path = OUT / f"targets_{pages}p.pdf"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    n = int(pages * PROJECTS_PER_PAGE)
    while True:
        doc = make_fixtures.sample_document(n, name=path.name)
        data = make_fixtures.html_to_pdf(make_fixtures.to_html(doc))
        with pdfplumber.open(__import__("io").BytesIO(data)) as pdf:
            got = len(pdf.pages)
        if got >= pages:
            break
        n = int(n * pages / got) + 2
    with open(path, "wb") as fh:  # a benchmark input, not a perfscore output
        fh.write(data)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    path = build(args.pages)
    walls, cpus = [], []
    targets = None
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        targets = extract(path)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        n_pages = len(pdf.pages)
    print(f"{path.name}: {n_pages} pages, {len(targets.projects)} projects, "
          f"{targets.indicator_count()} indicators, {path.stat().st_size / 1e6:.1f} MB")
    print(f"extract: median {statistics.median(walls):.1f} s wall, {statistics.median(cpus):.1f} s CPU "
          f"(runs: {', '.join(f'{w:.1f}' for w in walls)}); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
