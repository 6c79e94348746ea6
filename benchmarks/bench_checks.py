"""Benchmark: target checks and result checks on 10^5 (and 10^6) synthetic indicators.

    python benchmarks/bench_checks.py             # 10^5 indicators, median of 3 runs
    python benchmarks/bench_checks.py 1000000     # one size

The year is bench_evaluate.py's synthetic one (10 indicators per project, every rule
hit). Reported: the median wall-clock of ``check_targets`` (事前审核) and of
``check_results`` on the Evaluation, and how many findings each produced.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_evaluate import synthetic_targets  # noqa: E402

from perfscore.checks import check_results, check_targets  # noqa: E402
from perfscore.app.score import evaluate  # noqa: E402


def median_time(fn, runs: int = 3) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main(sizes: list[int]) -> None:
    for n in sizes:
        targets = synthetic_targets(n)
        evaluation = evaluate(targets, as_of="2023-12-31")
        t_targets, n_targets = median_time(lambda: check_targets(targets))
        t_results, n_results = median_time(lambda: check_results(evaluation))
        print(f"{targets.indicator_count():>9} indicators  check_targets {t_targets:6.2f} s ({n_targets} findings)"
              f"  check_results {t_results:6.2f} s ({n_results} findings)  [median of 3]")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000])
