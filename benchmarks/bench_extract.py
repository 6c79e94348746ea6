"""Benchmark: extract a province-sized long table (100,000 projects, 1,000,000 indicator rows).

    python benchmarks/bench_extract.py                 # 100k projects × 10 rows, CSV, 3 runs
    python benchmarks/bench_extract.py --projects 10000 --runs 5 --xlsx

The table is generated once into ``benchmarks/out/`` (ignored by git) from the seed's
vocabulary: 300 units, every row repeating its unit and project columns as budget-system
exports do, the seed's 7 indicator rows plus 3 more per project. Reported: the median
wall time of ``perfscore.app.extract.extract`` (reading + building the model), without and
with the target checks, and of serialising to targets.json.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from perfscore.app.extract import extract  # noqa: E402
from perfscore.model import dump_targets  # noqa: E402

OUT = ROOT / "benchmarks" / "out"

ROWS = [
    ("产出指标", "数量指标", "宣传品数量", "≥100个"),
    ("产出指标", "质量指标", "任务指标达标率", "优"),
    ("产出指标", "时效指标", "工作完成时限", "2023年底前完成"),
    ("产出指标", "成本指标", "最小成本完成工作", "≤46875元/月"),
    ("效益指标", "社会效益指标", "保障工作开展", "优"),
    ("效益指标", "可持续影响指标", "居民了解政策情况", "每季度1次"),
    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥95%"),
    ("产出指标", "数量指标", "社区数量", "≥14个"),
    ("产出指标", "质量指标", "验收合格率", "≥95％"),
    ("效益指标", "经济效益指标", "新成果影响", "达成预期指标"),
]
HEADER = ["单位编码", "单位名称", "项目编码", "项目名称", "预算数（万元）", "一级指标", "二级指标",
          "三级指标", "年度指标值", "分值", "绩效指标描述", "指标值确定依据"]


def generate(projects: int, per_project: int) -> Path:
    path = OUT / f"long_{projects}x{per_project}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for p in range(projects):
            unit = 430000 + p % 300
            code = f"13020823P{p:012d}"
            name = f"第{p}号项目经费"
            budget = f"{(p % 997) + 1}.{p % 100:02d}"
            for i in range(per_project):
                l1, l2, l3, target = ROWS[i % len(ROWS)]
                w.writerow([unit, f"第{unit}号预算单位", code, name, budget, l1, l2, f"{l3}{i}",
                            target, "10", f"{l3}的说明", "工作需要"])
    tmp.replace(path)
    return path


def median_time(fn, runs: int) -> tuple[float, list[float], float]:
    """(median wall seconds, every run's wall seconds, median CPU seconds of this process).

    CPU time is printed too because the machine is shared: wall time grows with the
    load others put on it, CPU time much less.
    """
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), times, statistics.median(cpu)


def show(label: str, timing: tuple[float, list[float], float]) -> None:
    med, times, cpu = timing
    print(f"{label:28s} median {med:6.2f} s wall, {cpu:6.2f} s CPU   runs {[round(x, 2) for x in times]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100_000)
    ap.add_argument("--per-project", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--checks", action="store_true", help="also time extract with the target checks")
    ap.add_argument("--xlsx", action="store_true", help="also time the same table as .xlsx")
    args = ap.parse_args()

    path = generate(args.projects, args.per_project)
    rows = args.projects * args.per_project
    print(f"table: {path.name} ({rows:,} rows, {path.stat().st_size / 1e6:.0f} MB)")

    result = {}
    show("extract (csv, no checks)", median_time(lambda: result.__setitem__("t", extract(path, checks=False)), args.runs))
    t = result["t"]
    assert len(t.projects) == args.projects and t.indicator_count() == rows
    show("dump_targets", median_time(lambda: dump_targets(t), args.runs))
    if args.checks:
        show("extract (csv, with checks)", median_time(lambda: extract(path), args.runs))
    if args.xlsx:
        import openpyxl

        xpath = path.with_suffix(".xlsx")
        if not xpath.exists():
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("指标")
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.reader(fh):
                    ws.append(row)
            wb.save(xpath)
        show("extract (xlsx, no checks)", median_time(lambda: extract(xpath, checks=False), args.runs))
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
