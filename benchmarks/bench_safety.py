"""Benchmark: what perfscore.safety's checks add before a workbook is parsed.

    python benchmarks/bench_safety.py                  # 10^5 rows, 5 runs
    python benchmarks/bench_safety.py --rows 20000 --runs 3

A long table of ``--rows`` indicator rows is written once as .xlsx (openpyxl, write-only
mode, in memory). Reported: the median wall and CPU time of
``safety.check_office_bytes`` (type sniffing, zip directory limits, and the scan of every
XML part for DOCTYPE/ENTITY, which decompresses them), next to one read of the same
workbook by openpyxl in read-only mode, the parser it guards.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import openpyxl  # noqa: E402

from perfscore import safety  # noqa: E402


def workbook(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("绩效目标")
    ws.append(["项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "年度"])
    for i in range(rows):
        ws.append([f"P{i // 10:06d}", f"项目{i // 10}", "产出指标", "数量指标", f"指标{i % 10}",
                   f"≥{i % 97}个", f"{i % 89}个", "2023"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    data = workbook(args.rows)
    walls, cpus = [], []
    for _ in range(args.runs):
        w, c = time.perf_counter(), time.process_time()
        report = safety.check_office_bytes(data, file="bench.xlsx", kind="xlsx")
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    w = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    read = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    parse = time.perf_counter() - w
    print(f"{args.rows} rows: {len(data) / 1e6:.1f} MB .xlsx, {report.total_uncompressed / 1e6:.1f} MB of XML "
          f"in {report.members} parts")
    print(f"check_office_bytes: median {statistics.median(walls):.3f} s wall, "
          f"{statistics.median(cpus):.3f} s CPU ({args.runs} runs)")
    print(f"openpyxl read-only read of {read} rows: {parse:.2f} s (1 run)")


if __name__ == "__main__":
    main()
