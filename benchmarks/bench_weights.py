"""Benchmark: ``perfscore weights`` and the cost of ``[indicator_weights]`` in the engine.

    python benchmarks/bench_weights.py            # 10^5 and 10^6 indicators, median of 3 runs
    python benchmarks/bench_weights.py 100000     # one size

Reported (median wall-clock of 3 runs, with the 1-minute load average):

- ``weights.assign`` (the profile's split of block weights over indicators) for the
  synthetic year of ``bench_evaluate.py``: mof-2020 (equal split, the floor) against the
  same profile with ``indicator_weights.level2`` and ``level3`` for every name (the
  proportional split a ``perfscore weights … -o`` profile asks for);
- AHP on a 10 × 10 matrix and entropy weights on an n × 20 data array (the mathematics only).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

from bench_evaluate import ROWS, synthetic_targets
from perfscore.scoring import ahp as A
from perfscore.scoring import weights as W
from perfscore.scoring.entropy import entropy_weights
from perfscore.frame import flatten
from perfscore.scoring.profile import load_profile, profile_from_dict


def timed(fn, repeat: int = 3) -> float:
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def derived_profile():
    base = load_profile("mof-2020").model_dump(mode="python", exclude_none=True)
    level2 = {r[1]: 1.0 + i for i, r in enumerate(ROWS)}
    level3 = {r[2]: 2.0 + i for i, r in enumerate(ROWS)}
    return profile_from_dict({**base, "name": "derived", "split": {"method": "by_level2", "table_weights": "ignore"},
                              "indicator_weights": {"level2": level2, "level3": level3}})


def main(sizes: list[int]) -> None:
    print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
    floor, derived = load_profile("mof-2020"), derived_profile()
    for n in sizes:
        frame, pframe = flatten(synthetic_targets(n))
        codes = pframe["project_code"].tolist()
        t_floor = timed(lambda: W.assign(frame, floor, project_codes=codes))
        t_derived = timed(lambda: W.assign(frame, derived, project_codes=codes))
        print(f"{n:>9} indicators  weights.assign  mof-2020 {t_floor:.3f} s   with indicator_weights {t_derived:.3f} s"
              f"   ({t_derived / t_floor:.1f}×)")
        data = np.random.default_rng(1).uniform(1, 100, size=(n, 20))
        t_entropy = timed(lambda: entropy_weights(data, tuple(f"c{i}" for i in range(20))))
        print(f"{n:>9} rows × 20     entropy_weights {t_entropy:.4f} s")
    m = A.consistent_matrix(np.arange(1, 11, dtype=float))
    t_ahp = timed(lambda: A.analyse(m, tuple(range(10))), repeat=101)
    print(f"AHP 10 × 10 analyse {t_ahp * 1e6:.0f} µs")


if __name__ == "__main__":
    main([int(x) for x in sys.argv[1:]] or [100_000, 1_000_000])
