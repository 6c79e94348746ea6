"""Benchmark: a streamed long table scored on a 2-worker Dask cluster made of real
``dask scheduler`` / ``dask worker`` processes, beside the local streamed run.

    python benchmarks/bench_cluster.py                      # 10^7 rows, one run each
    python benchmarks/bench_cluster.py --rows 1000000 --runs 3

Both runs are ``perfscore evaluate targets.csv actuals.csv -o OUT --tables-only --quiet``
(results.csv and projects.csv of every unit and the summary; at 10^7 rows the default mode's
11,000 reports would dominate both runs alike), the cluster run with ``--scheduler
tcp://127.0.0.1:PORT``. Reported: wall time (medians), the peak resident memory of the
client process and of each worker process (``VmHWM``; the workers run ``--no-nanny`` so the
worker is the process measured), and how many tasks each worker ran. The cluster is two
worker processes with one thread each on this 2-core machine, as the local run uses two
worker processes: the comparison shows the cost of the cluster (shipping each block's rows
to a worker, the scheduler), not a speed-up, which needs more machines.

Inputs come from ``benchmarks/generate.py`` (seed 1, streamed), cached in ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import inputs  # noqa: E402

DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _evaluate(targets: Path, actuals: Path, out: Path, *extra: str) -> tuple[float, float, str, float]:
    """(wall s, client peak MB, stderr, client CPU s) of one perfscore run in a fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "perfscore.cli", "evaluate", str(targets), str(actuals),
                             "-o", str(out), "--tables-only", *extra], stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"perfscore failed: {err}")
    return wall, usage.ru_maxrss / 1024, err, usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def dask_cluster(workers: int = 2):
    """A real scheduler and ``workers`` worker processes on loopback; yields (address, pids)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [subprocess.Popen([*DASK, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)]
    try:
        time.sleep(2)
        for _ in range(workers):
            procs.append(subprocess.Popen([*WORKER, address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                           "--memory-limit", "0", "--host", "127.0.0.1"], **quiet))
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address, [p.pid for p in procs[1:]]
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:   # a worker busy closing its connections
                p.kill()
                p.wait()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    targets, actuals = inputs(args.rows)
    scratch = Path(tempfile.mkdtemp(prefix="perfscore-bench-cluster-"))
    local, remote = [], []
    try:
        with dask_cluster(2) as (address, pids):
            for _ in range(args.runs):
                local.append(_evaluate(targets, actuals, scratch / "local", "--quiet"))
                before = [_cpu_s(pid) for pid in pids]
                remote.append(_evaluate(targets, actuals, scratch / "cluster", "--scheduler", address))
                worker_cpu = [_cpu_s(pid) - b for pid, b in zip(pids, before)]
            worker_peaks = [_peak_mb(pid) for pid in pids]
        tasks_line = next((line for line in remote[-1][2].splitlines() if line.startswith("集群评分")), "")
        same = subprocess.run(["diff", "-rq", str(scratch / "local"), str(scratch / "cluster")],
                              capture_output=True, text=True).returncode == 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lw, rw = statistics.median(x[0] for x in local), statistics.median(x[0] for x in remote)
    print(f"rows {args.rows:,}  runs {args.runs}  load {os.getloadavg()[0]:.1f}  cpus {os.cpu_count()}")
    print(f"local streamed run   {lw:8.1f} s   peak {max(x[1] for x in local):7.0f} MB (main process)")
    print(f"2-worker cluster     {rw:8.1f} s   peak {max(x[1] for x in remote):7.0f} MB (client)  "
          f"workers {', '.join(f'{m:.0f}' for m in worker_peaks)} MB")
    print(f"ratio                {rw / lw:8.2f} ×   files identical: {same}")
    print(f"CPU of the last cluster run: client {remote[-1][3]:.1f} s, workers "
          f"{', '.join(f'{c:.1f}' for c in worker_cpu)} s")
    print(tasks_line)


if __name__ == "__main__":
    main()
