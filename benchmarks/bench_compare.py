"""Benchmark: compare three synthetic years of a district (``perfscore compare``).

    python benchmarks/bench_compare.py                  # 1,000 projects × 10 indicators × 3 years, 5 runs
    python benchmarks/bench_compare.py --projects 5000 --runs 3

Each year has the same projects under new codes and year-prefixed names (so projects
match by name), with targets raised or lowered, a changed unit, a renamed indicator
(matched by similarity), one indicator dropped and one added per project, and every
twentieth project replaced by a new one. Reported: the median wall time of
``compare`` (parse, match, classify), of ``comparison_table`` (compare.csv) and of
``render_compare_html`` (compare.html), and the size of the page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from perfscore.comparison import compare, comparison_table
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.writers.compare_html import render_compare_html

# (一级, 二级, 三级, target per year index)
ROWS = [
    ("产出指标", "数量指标", "宣传品数量", lambda y, r: f"≥{100 + 10 * y + r.randint(0, 3)}个"),
    ("产出指标", "质量指标", "验收合格率", lambda y, r: f"≥{95 - y}%"),
    ("产出指标", "时效指标", "工作完成时限", lambda y, r: f"{2022 + y}年底前完成"),
    ("产出指标", "成本指标", "办公成本", lambda y, r: f"≤{8500 + 500 * y}元/月"),
    ("效益指标", "社会效益指标", "社会影响", lambda y, r: r.choice(["优", "良"])),
    ("效益指标", "可持续影响指标", "办结比率", lambda y, r: "90%-98%"),
    ("效益指标", "社会效益指标", "宣传效果", lambda y, r: "效果明显"),
    ("产出指标", "数量指标", "检查次数", lambda y, r: "每季度1次" if y < 2 else "≥6次"),
    ("产出指标", "质量指标", "培训覆盖", lambda y, r: "≥90%" if y == 0 else "≥300人"),
    ("满意度指标", "服务对象满意度指标", "居民满意度", lambda y, r: "≥95%"),
]
RENAMED = {"居民满意度": "辖区居民满意度"}


def synthetic_year(y: int, n_projects: int, seed: int = 7) -> Targets:
    r = random.Random(seed + y)
    projects = []
    for p in range(n_projects):
        ident = p if p % 20 or y == 0 else p + 100000 * y   # every 20th project is new
        inds = []
        for k, (l1, l2, l3, target) in enumerate(ROWS):
            if y > 0 and k == 6:
                continue                                      # dropped after the first year
            name = RENAMED.get(l3, l3) if y > 0 else l3
            inds.append(Indicator(id=f"{ident}-{k}", level1=l1, level2=l2, level3=name,
                                  description=f"{l3}情况", target=target(y, r)))
        if y > 0:
            inds.append(Indicator(id=f"{ident}-x", level1="产出指标", level2="数量指标",
                                  level3="新增服务户数", target=f"≥{50 + y}户"))
        projects.append(Project(code=f"{2022 + y}P{ident:06d}", name=f"{2022 + y}年项目{ident:06d}经费",
                                unit_code="435001",
                                funds=Funds(total=float(100000 + 1000 * (p % 97) + 5000 * y)),
                                indicators=inds))
    return Targets(year=2022 + y, unit=Unit(code="435001", name="示例单位"), projects=projects)


def _median(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    years = [synthetic_year(y, args.projects) for y in range(args.years)]
    rows = sum(t.indicator_count() for t in years)
    print(f"{args.years} years × {args.projects} projects, {rows} indicator rows")

    from perfscore.comparison.inputs import _parse

    def cold_compare():
        _parse.cache_clear()        # each run parses every distinct target again
        return compare(years)

    t_cmp, comparison = _median(cold_compare, args.runs)
    t_csv, table = _median(lambda: comparison_table(comparison), args.runs)
    t_html, html = _median(lambda: render_compare_html(comparison), args.runs)
    print(f"compare: {t_cmp:.2f} s median of {args.runs}")
    print(f"compare.csv table: {t_csv:.2f} s ({len(table)} rows)")
    print(f"compare.html: {t_html:.2f} s ({len(html.encode('utf-8')) / 1e6:.1f} MB)")
    print(f"similarity matches to confirm: {len(comparison.fallback_matches())}")


if __name__ == "__main__":
    main()
