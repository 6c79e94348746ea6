"""Scoring a batch on a Dask cluster (``perfscore evaluate … --scheduler``).

perfscore grows no cluster of its own: units are scored independently, so the batch's
blocks (a streamed long table, cut between units) or its units (a folder of files, a table
read whole) become Dask tasks running the very functions a local run calls
(:func:`perfscore.batch.worker.run_block`, :func:`perfscore.batch.score_loaded`). The
client reads the input and sends each task its rows; the workers write each unit's files
into the output folder, which must be shared with them; the client takes the results back
in submission order, so the summary and rankings are a local run's.

- ``--scheduler local`` / ``local:N``: a LocalCluster of N worker processes on this machine
  (default: one per CPU, at most 4), started and stopped with the run.
- ``--scheduler tcp://HOST:PORT``: an existing scheduler (``dask scheduler`` with ``dask
  worker`` processes); an unreachable one is an error within :data:`CONNECT_SECONDS`.

Tasks are pure with respect to their outputs: a unit's files depend only on its rows and
the options, and are written atomically, so a task that Dask re-runs because its worker was
lost writes the same bytes again. At most ``2 × workers`` tasks are in flight, so the
client's memory stays bounded as in a local streamed run.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterable

from perfscore.errors import InputError, Location, UsageError

CONNECT_SECONDS = 10
STOP_SECONDS = 120

try:  # the optional extra perfscore[cluster]
    from distributed import Client, LocalCluster, get_worker, wait
except ImportError:  # pragma: no cover - the extra is missing: ClusterExecutor says how to install it
    Client = LocalCluster = get_worker = wait = None


def _missing_extra() -> UsageError:
    return UsageError("没有安装集群评分所需的组件 dask.distributed",
                      hint="安装：pip install 'perfscore[cluster]'；不需要集群时去掉 --scheduler。")


def parse_scheduler(text: str) -> tuple[str, int | None]:
    """("local", N or None) or ("remote", None) for the option's value; a usage error otherwise."""
    value = text.strip()
    if value == "local":
        return "local", None
    if value.startswith("local:"):
        n = value[6:]
        if not n.isdigit() or int(n) < 1:
            raise UsageError(f"--scheduler {value}：local: 后应为工作进程数（正整数）", hint="例如 --scheduler local:2")
        return "local", int(n)
    if "://" in value:
        return "remote", None
    raise UsageError(f"不认识的调度器地址「{value}」",
                     hint="可用：--scheduler local（本机）、local:2（本机2个工作进程）、tcp://主机:端口（已有的 Dask 调度器）")


class ClusterExecutor:
    """A connection to a cluster for one run; use as a context manager."""

    def __init__(self, scheduler: str):
        if Client is None:
            raise _missing_extra()
        self.scheduler = scheduler
        self.kind, n = parse_scheduler(scheduler)
        self._cluster = None
        if self.kind == "local":
            workers = n or max(1, min(4, os.cpu_count() or 1))
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self.client = Client(self._cluster)
        else:
            try:
                self.client = Client(scheduler, timeout=CONNECT_SECONDS)
            except (OSError, TimeoutError) as exc:
                raise InputError(f"无法连接 Dask 调度器（{CONNECT_SECONDS} 秒内没有回应：{type(exc).__name__}）",
                                 location=Location(value=scheduler),
                                 hint="请确认调度器已启动（dask scheduler）、地址和端口正确、本机能访问它；"
                                      "只在本机运行时可用 --scheduler local。") from None
        # Which worker did each task: what the run reports, and what the tests check.
        self.tasks_by_worker: collections.Counter = collections.Counter()

    def __enter__(self) -> "ClusterExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def run(self, fn: Callable, items: Iterable[tuple], take: Callable) -> None:
        """``take(fn(*args))`` for every ``args`` of ``items``, in order, the calls running on
        the cluster with at most ``2 × workers`` in flight."""
        window = 2 * self.workers
        pending: collections.deque = collections.deque()
        try:
            for args in items:
                pending.append(self.client.submit(_on_worker, fn, *args, pure=False))
                while len(pending) > window:
                    self._take(pending.popleft(), take)
            while pending:
                self._take(pending.popleft(), take)
        except BaseException:
            self._stop(list(pending))
            raise

    def _stop(self, futures: list) -> None:
        """Let the tasks in flight finish (at most :data:`STOP_SECONDS`; there are at most
        ``2 × workers`` of them) before the caller removes the unfinished output: a task
        that has started cannot be stopped, and Dask's cancel would let it go on writing its
        units after they were removed."""
        try:
            wait(futures, timeout=STOP_SECONDS)
        except Exception:  # noqa: BLE001 - a lost scheduler or worker: nothing more will be written by us
            pass

    def _take(self, future, take: Callable) -> None:
        result, worker = future.result()
        self.tasks_by_worker[worker] += 1
        take(result)


def _on_worker(fn: Callable, *args):
    """The task: the local run's function, and the address of the worker that ran it."""
    return fn(*args), get_worker().address
