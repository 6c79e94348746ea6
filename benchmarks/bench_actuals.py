"""Benchmark: write the template, read an actuals sheet and join it to the targets
(perfscore.writers.template, perfscore.readers.actuals).

    python benchmarks/bench_actuals.py                  # 10^5 and 10^6 indicator rows, 3 runs each
    python benchmarks/bench_actuals.py --rows 100000 --runs 5

Synthetic input, seeded and reproducible: projects of 10 indicators each with the
seed's names, every project with its 全年预算数 / 全年执行数 rows, actual values in the
forms a unit writes (numbers with units, percentages, grades, dates, survey counts,
blanks). The CSV is written once into ``benchmarks/out/`` (ignored by git).
Reported: median wall time of ``read_actuals``, ``attach_actuals`` and
``write_template`` (.csv; .xlsx up to 10^5 rows — openpyxl writes about 15,000
cells a second, so a province-sized sheet belongs in CSV), and their median CPU time
(process time), which a machine shared with other jobs inflates less.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from perfscore.model import Funds, Indicator, Project, Targets  # noqa: E402
from perfscore.readers.actuals import attach_actuals, read_actuals  # noqa: E402
from perfscore.writers.template import write_template  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
# (一级, 二级, 三级, target, actual forms)
ROWS = [
    ("产出指标", "数量指标", "宣传品数量", "≥100个", ["126个", "98个", "100"]),
    ("产出指标", "质量指标", "任务指标达标率", "优", ["优", "良"]),
    ("产出指标", "时效指标", "工作完成时限", "2023年底前完成", ["2023-12-25", "按时完成", "2024-02-20"]),
    ("产出指标", "成本指标", "最小成本完成工作", "≤46875元/月", ["48000元/月", "4.6万元/月"]),
    ("效益指标", "社会效益指标", "保障工作开展", "优", ["优", "不适用"]),
    ("效益指标", "可持续影响指标", "居民了解政策情况", "优", ["优", ""]),
    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥95%", ["96%", "满意96人/有效问卷100份"]),
    ("产出指标", "数量指标", "社区数量", "≥14个", ["14个"]),
    ("产出指标", "质量指标", "验收合格率", "≥95%", ["100%", "93.5%"]),
    ("效益指标", "社会效益指标", "居民一次办结比率", "≥95%", ["97.3%"]),
]


def build(rows: int, seed: int = 1) -> tuple[Targets, Path]:
    r = random.Random(seed)
    n_projects = rows // len(ROWS)
    projects = [
        Project(code=f"P{p:07d}", name=f"项目{p}", funds=Funds(total=562500.0),
                spending_plan={"6月底": 50.0, "12月底": 100.0},
                indicators=[Indicator(id=f"P{p:07d}-{k + 1:02d}", level1=l1, level2=l2, level3=l3, target=t)
                            for k, (l1, l2, l3, t, _) in enumerate(ROWS)])
        for p in range(n_projects)
    ]
    targets = Targets(year=2023, projects=projects)
    path = OUT / f"actuals-{rows}-seed{seed}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["项目编码", "项目名称", "三级指标", "实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料"])
            for p in projects:
                w.writerow([p.code, p.name, "全年预算数", "56.25", "", "", ""])
                w.writerow([p.code, p.name, "全年执行数", f"{r.uniform(40, 57):.2f}", "", "", ""])
                w.writerow([p.code, p.name, "6月底累计支出", "28.10万元", "", "", ""])
                for _, _, l3, _, forms in ROWS:
                    w.writerow([p.code, p.name, l3, r.choice(forms), "", "", "工作台账"])
        tmp.replace(path)
    return targets, path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, action="append", help="indicator rows (default 10^5 and 10^6)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    for rows in args.rows or [100_000, 1_000_000]:
        targets, path = build(rows)
        wall: dict[str, list[float]] = {"read": [], "attach": []}
        cpu: dict[str, list[float]] = {"read": [], "attach": []}
        for _ in range(args.runs):
            w0, c0 = time.perf_counter(), time.process_time()
            table = read_actuals(path)
            w1, c1 = time.perf_counter(), time.process_time()
            attach_actuals(targets, table)
            w2, c2 = time.perf_counter(), time.process_time()
            wall["read"].append(w1 - w0)
            wall["attach"].append(w2 - w1)
            cpu["read"].append(c1 - c0)
            cpu["attach"].append(c2 - c1)
        for suffix in ("csv", "xlsx") if rows <= 100_000 else ("csv",):
            key = f"template .{suffix}"
            wall[key], cpu[key] = [], []
            for _ in range(args.runs):
                w0, c0 = time.perf_counter(), time.process_time()
                write_template(targets, OUT / f"template-{rows}.{suffix}", force=True)
                wall[key].append(time.perf_counter() - w0)
                cpu[key].append(time.process_time() - c0)
        print(f"{rows:>9,} indicator rows ({len(table.rows):,} sheet rows), median of {args.runs}:")
        for key in wall:
            name = {"read": "read_actuals", "attach": "attach_actuals"}.get(key, key)
            print(f"    {name:<16} {statistics.median(wall[key]):7.2f} s wall {statistics.median(cpu[key]):7.2f} s CPU")


if __name__ == "__main__":
    main()
