"""Benchmark: score 10^5 and 10^6 synthetic indicators with ``perfscore.scoring.evaluate``.

    python benchmarks/bench_evaluate.py            # 10^5 and 10^6, median of 3 runs each
    python benchmarks/bench_evaluate.py 100000     # one size

The synthetic year has 10 indicators per project (a district has 10^4 rows, a
province about 10^6): targets drawn from the forms of domain.md §3 and actuals that
hit every rule (met, missed, late, a grade below, not applicable, missing, surveys).
Reported: building the Targets (not timed as scoring), then the median wall-clock and
CPU time of ``evaluate`` (parse distinct strings, weights, rules, arithmetic text,
totals; ``checks=False``) and of ``write_results`` (results.json + two CSV files).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.app.score import evaluate
from perfscore.scoring import load_profile
from perfscore.writers.tabular import write_results

# (一级, 二级, 三级, target, actual generator)
ROWS = [
    ("产出指标", "数量指标", "宣传品数量", "≥100个", lambda r: f"{r.randint(60, 160)}个"),
    ("产出指标", "质量指标", "验收合格率", "≥95%", lambda r: f"{r.randint(85, 100)}%"),
    ("产出指标", "时效指标", "工作完成时限", "2023年底前完成",
     lambda r: r.choice(["按时完成", "2023-11-30", "2024-02-20", "延期完成", "未完成"])),
    ("产出指标", "成本指标", "办公成本", "≤8500元/月", lambda r: f"{r.randint(7000, 11000)}元/月"),
    ("效益指标", "社会效益指标", "社会影响", "优", lambda r: r.choice(["优", "良", "中", "不适用"])),
    ("效益指标", "可持续影响指标", "办结比率", "90%-98%", lambda r: f"{r.randint(80, 100)}%"),
    ("效益指标", "社会效益指标", "宣传效果", "效果明显", lambda r: r.choice(["达成预期指标", "部分达成", "未达成"])),
    ("产出指标", "数量指标", "检查次数", "每季度1次", lambda r: f"{r.randint(2, 6)}次"),
    ("产出指标", "质量指标", "资金到位率", "=100%", lambda r: f"{r.randint(90, 100)}%"),
    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥95%",
     lambda r: r.choice([f"满意{r.randint(180, 200)}人/调查200人", f"{r.randint(90, 100)}%", ""])),
]


def synthetic_targets(n_indicators: int, seed: int = 1) -> Targets:
    rng = random.Random(seed)
    projects = []
    per = len(ROWS)
    for p in range(n_indicators // per):
        code = f"P{p:07d}"
        inds = [
            Indicator.model_construct(
                id=f"{code}-{i + 1:02d}", level1=l1, level2=l2, level3=l3, description="", target=t,
                basis="", weight=None, block_weight=None, actual=(gen(rng) or None), score=None,
                reason=None, evidence=None)
            for i, (l1, l2, l3, t, gen) in enumerate(ROWS)
        ]
        budget = rng.choice([20000.0, 88000.0, 560000.0, 1400000.0])
        projects.append(Project.model_construct(
            code=code, name=f"项目{p}", unit_code=None, unit_name=None, funds=Funds(total=budget),
            use="", spending_plan={"6月底": 50.0, "12月底": 100.0}, goals=[], indicators=inds,
            budget_full_year=budget, executed=budget * rng.uniform(0.7, 1.05),
            spent={"6月底": budget * rng.uniform(0.3, 0.6)}, exec_reason=None))
    return Targets.model_construct(schema_="perfscore.targets/1", year=2023, unit=Unit(code="000", name="基准"),
                                   department_goals=None, projects=projects, findings=[], source={})


def timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    """Median wall-clock and median CPU seconds of ``repeat`` runs (the machine may be shared:
    CPU time is what the work itself costs)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main(sizes: list[int]) -> None:
    profile = load_profile("mof-2020")
    print(f"{'indicators':>11} {'build s':>8} {'evaluate s':>11} {'(cpu s)':>8} {'rows/s':>10} "
          f"{'write s':>8} {'(cpu s)':>8}")
    for n in sizes:
        start = time.perf_counter()
        targets = synthetic_targets(n)
        build = time.perf_counter() - start
        # checks=False: the scoring engine alone (perfscore.checks is timed by its own benchmark).
        t_eval, c_eval, ev = timed(lambda: evaluate(targets, profile, checks=False))
        with tempfile.TemporaryDirectory() as tmp:
            t_write, c_write, _ = timed(lambda: write_results(ev, Path(tmp)))
        print(f"{n:>11,} {build:>8.2f} {t_eval:>11.2f} {c_eval:>8.2f} {n / t_eval:>10,.0f} "
              f"{t_write:>8.2f} {c_write:>8.2f}", flush=True)


if __name__ == "__main__":
    main([int(x) for x in sys.argv[1:]] or [100_000, 1_000_000])
