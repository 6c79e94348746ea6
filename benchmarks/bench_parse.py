"""Benchmark: parse a column of 1,000,000 target strings (指标值) with their context,
and the actuals (实际完成值) of a generated bureau against their targets.

Targets: the strings are drawn (fixed seed) from a realistic vocabulary of a few thousand
distinct targets — the seed document's forms with varied numbers and units, bare
numbers whose direction depends on the indicator, deadlines relative to the year,
frequencies, grades and qualitative wording — each paired with 一级/二级/三级 names
the way a province-wide table pairs them.

Actuals: a bureau of ``--actual-rows`` rows from ``generate.py`` (seed 1, written to a
temporary folder); each actual is joined to its row's parsed target, and the distinct
(actual, target) pairs — what the engine reads — go through ``parse_actuals``, through
every reader asked, without the shortcuts (``actual._read_all``), for
comparison, and their readings through ``describe_actual``.

Prints medians of ``--runs`` runs (wall clock, and the process's CPU time, which is
steadier on a shared machine).

    python benchmarks/bench_parse.py [--rows 1000000] [--actual-rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import tempfile
import time

from perfscore.values import describe_actual, parse_actuals, parse_targets
from perfscore.values.actual import _read_all

CONTEXTS = [
    ("产出指标", "数量指标", "宣传品数量"), ("产出指标", "数量指标", "社区数量"), ("产出指标", "数量指标", "培训人次"),
    ("产出指标", "质量指标", "验收合格率"), ("产出指标", "质量指标", "任务指标达标率"),
    ("产出指标", "质量指标", "账务差错率"), ("产出指标", "时效指标", "工作完成时限"),
    ("产出指标", "时效指标", "平均办结时长"), ("产出指标", "成本指标", "购置成本"),
    ("产出指标", "成本指标", "社区办公成本"), ("成本指标", "经济成本指标", "项目总成本"),
    ("效益指标", "社会效益指标", "保障工作开展"), ("效益指标", "社会效益指标", "群众投诉率"),
    ("效益指标", "经济效益指标", "新增就业人数"), ("效益指标", "生态效益指标", "空气质量达标天数比率"),
    ("效益指标", "可持续影响指标", "预算调整率"), ("满意度指标", "服务对象满意度指标", "居民满意度"),
]


def vocabulary(rng: random.Random) -> list[str]:
    """A few thousand distinct printed targets in the forms met in practice."""
    words: set[str] = set()
    counts = ["个", "次", "人", "人次", "户", "辆", "台", "件", "项", "场", "期", "篇", "份", "名", "所", "家"]
    for n in [1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 14, 15, 20, 30, 50, 100, 120, 200, 500, 1000]:
        for unit in counts:
            words.update({f"≥{n}{unit}", f"不少于{n}{unit}", f"{n}{unit}以上", f"{n}{unit}"})
    for p in range(50, 101):
        words.update({f"≥{p}%", f"≥{p}％", f"不低于{p}%", f"{p}%", f"={p}%", f"大于等于{p}%"})
    for p in [0.5, 1, 2, 3, 5, 8, 10]:
        words.update({f"≤{p}%", f"不超过{p}%", f"{p}%以内", f"{p}%"})
    for _ in range(900):
        amount = rng.choice([rng.randint(500, 99_999), round(rng.uniform(100, 60_000), 2)])
        per = rng.choice(["/月", "/季度", "/年", "/台", "/辆", "/人", "/月/社区", "/人·月", ""])
        words.update({f"≤{amount}元{per}", f"{amount}元{per}"})
    for _ in range(300):
        wan = round(rng.uniform(0.5, 500), rng.choice([0, 1, 2]))
        words.update({f"≤{wan}万元", f"≤{wan}万/季度", f"不超过{wan}万元"})
    for year in (2022, 2023, 2024):
        for month in range(1, 13):
            words.update({f"{year}年{month}月底前完成", f"{year}年{month}月前"})
        words.update({f"{year}年底前完成", f"{year}年12月31日前完成"})
    words.update(f"{m}月底前" for m in range(1, 13))
    words.update({"上半年", "年内", "第三季度", "年底前完成", "及时", "按时完成", "在项目计划完成时间内完成"})
    for period in ["月", "季度", "半年", "年", "周"]:
        words.update(f"每{period}{n}次" for n in (1, 2, 3, 4))
    words.update({"优", "良", "中", "好", "较好", "高", "较高", "优秀", "良好"})
    words.update({"达成预期指标", "效果明显", "合规", "严格执行相关制度规定", "有效提升", "不适用", "—", "*",
                  "90%-95%", "10~20个", "≤30天", "≤5个工作日", "≥500平方米", "≥3.5公里"})
    return sorted(words)


def column(rows: int, seed: int = 20231231):
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    # A Zipf-like draw: a few strings (≥95%, 优, 2023年底前完成) dominate real tables.
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(vocab))]
    rng.shuffle(weights)
    texts = rng.choices(vocab, weights=weights, k=rows)
    contexts = rng.choices(CONTEXTS, k=rows)
    return vocab, texts, [c[0] for c in contexts], [c[1] for c in contexts], [c[2] for c in contexts]


def actual_pairs(rows: int) -> tuple[list, list]:
    """The distinct (actual, target) pairs of a generated bureau, targets parsed with context."""
    from generate import generate     # benchmarks/generate.py, next to this script

    with tempfile.TemporaryDirectory() as folder:
        targets_csv, actuals_csv = generate(rows, 1, folder)
        with open(targets_csv, encoding="utf-8-sig", newline="") as f:
            long_rows = list(csv.DictReader(f))
        with open(actuals_csv, encoding="utf-8-sig", newline="") as f:
            actual_rows = list(csv.DictReader(f))
    project = ""
    for row in long_rows:                 # merged cells: the project code on its first row only
        project = row["项目编码"] = row["项目编码"] or project
    parsed = parse_targets([r["年度指标值"] for r in long_rows], [r["一级指标"] for r in long_rows],
                           [r["二级指标"] for r in long_rows], [r["三级指标"] for r in long_rows], 2023)
    target_of = {(r["项目编码"], r["三级指标"]): t for r, t in zip(long_rows, parsed)}
    pairs = dict.fromkeys((r["实际完成值"], target_of.get((r["项目编码"], r["三级指标"])))
                          for r in actual_rows if r["实际完成值"].strip())
    return [a for a, _ in pairs], [t for _, t in pairs]


def _medians(fn, runs: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``runs`` calls (the collector paused, as in a batch worker)."""
    times, cpu = [], []
    for _ in range(runs):
        gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        finally:
            gc.enable()
    return statistics.median(times), statistics.median(cpu), result


def bench_actuals(rows: int, runs: int) -> None:
    texts, targets = actual_pairs(rows)
    n = len(texts)
    print(f"actuals: bureau of {rows} rows, {n} distinct (actual, target) pairs")
    wall, cpu, readings = _medians(lambda: parse_actuals(texts, targets), runs)
    print(f"  parse_actuals:        {wall:.3f} s wall, cpu {cpu:.3f} s = {cpu / n * 1e6:.2f} µs per pair")
    wall, cpu, _ = _medians(lambda: [_read_all(a, t) for a, t in zip(texts, targets)], runs)
    print(f"  every reader asked:   {wall:.3f} s wall, cpu {cpu:.3f} s = {cpu / n * 1e6:.2f} µs per pair")
    wall, cpu, _ = _medians(lambda: [describe_actual(a) for a in readings], runs)
    print(f"  describe_actual:      {wall:.3f} s wall, cpu {cpu:.3f} s = {cpu / n * 1e6:.2f} µs per reading")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--actual-rows", type=int, default=100_000,
                    help="rows of the generated bureau whose actuals are read (0: skip)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if args.actual_rows:
        bench_actuals(args.actual_rows, args.runs)
    if not args.rows:
        return
    vocab, texts, l1, l2, l3 = column(args.rows)
    times, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        parsed = parse_targets(texts, l1, l2, l3, 2023)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert len(parsed) == args.rows
    kinds: dict[str, int] = {}
    for t in parsed:
        kinds[t.kind] = kinds.get(t.kind, 0) + 1
    print(f"rows={args.rows} distinct_texts={len(set(texts))} vocabulary={len(vocab)}")
    print(f"kinds: {dict(sorted(kinds.items()))}")
    print("runs: " + ", ".join(f"{t:.3f}s" for t in times))
    print(f"median: {statistics.median(times):.3f} s (wall clock); cpu median {statistics.median(cpu):.3f} s")


if __name__ == "__main__":
    main()
