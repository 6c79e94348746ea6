"""Batch scoring on a Dask cluster (``evaluate … --scheduler``): the files are the local
run's byte for byte, the workers did the work, a worker killed mid-run changes nothing,
an unreachable scheduler is a clear error well within 30 s, and a run that fails leaves
no units behind as if it were complete."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from perfscore.batch import INCOMPLETE_UNITS, evaluate_batch
import perfscore.batch.cluster as cluster_module
from perfscore.batch.cluster import CONNECT_SECONDS, parse_scheduler
from perfscore.cli import main
from perfscore.errors import InputError, UsageError

distributed = pytest.importorskip("distributed", reason="perfscore[cluster] 未安装（pip install 'perfscore[cluster]'），跳过集群测试")
from distributed.utils_test import cluster  # noqa: E402  (distributed's own test cluster)

ROOT = Path(__file__).resolve().parents[1]
BLOCK = 400   # rows per task: a small table still makes many tasks for two workers


def _generate(rows: int, folder: Path, seed: int = 4):
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(rows, seed=seed, out_dir=folder, projects_per_unit=(3, 8))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bureau")
    targets, actuals = _generate(3000, folder)
    local = folder / "local"
    evaluate_batch(targets, actuals, local, block_rows=BLOCK, jobs=1, progress=False)
    return targets, actuals, _tree(local)


def test_two_workers_write_the_local_runs_files(bureau, tmp_path):
    targets, actuals, expected = bureau
    with cluster(nworkers=2) as (scheduler, _workers):
        run = evaluate_batch(targets, actuals, tmp_path / "out", block_rows=BLOCK, progress=False,
                             scheduler=scheduler["address"])
    assert _tree(tmp_path / "out") == expected
    # Both workers did work, and every task is accounted for.
    assert len(run.tasks_by_worker) == 2 and all(n > 0 for n in run.tasks_by_worker.values())
    assert sum(run.tasks_by_worker.values()) >= 3         # blocks of about BLOCK rows, cut between units
    assert not (tmp_path / "out" / INCOMPLETE_UNITS).exists()


def test_a_folder_of_files_on_the_cluster(tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    data = (ROOT / "data" / "yanshan-2023" / "targets.json").read_bytes()
    for code in ("A", "B", "C"):
        (folder / f"{code}.json").write_bytes(data)
    evaluate_batch(folder, None, tmp_path / "local", progress=False)
    with cluster(nworkers=2) as (scheduler, _workers):
        run = evaluate_batch(folder, None, tmp_path / "remote", progress=False, scheduler=scheduler["address"])
    assert _tree(tmp_path / "remote") == _tree(tmp_path / "local")
    assert sum(run.tasks_by_worker.values()) == 3


def test_a_worker_killed_mid_run_changes_nothing(bureau, tmp_path):
    targets, actuals, expected = bureau
    with cluster(nworkers=2) as (scheduler, _workers):
        client = distributed.Client(scheduler["address"])
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        killed = []

        def kill_once(done: int, total: int, rows: int) -> None:
            if not killed:
                os.kill(victim, signal.SIGKILL)      # the other tasks of that worker are run again
                killed.append(done)

        run = evaluate_batch(targets, actuals, tmp_path / "out", block_rows=BLOCK, progress=False,
                             scheduler=scheduler["address"], on_progress=kill_once)
        client.close()
    assert killed
    assert _tree(tmp_path / "out") == expected
    assert run.totals["units_ok"] == len({k.split("/")[1] for k in expected if k.startswith("units/")})


def test_an_unreachable_scheduler_is_a_clear_error_within_the_connect_time(bureau, tmp_path, capsys, monkeypatch):
    targets, actuals, _ = bureau
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]          # nothing listens there once the socket is closed
    address = f"tcp://127.0.0.1:{port}"
    assert CONNECT_SECONDS <= 10           # what users wait at most (docs/batch.md)
    # The waiting itself, on a shorter clock: Dask retries until the timeout, and gives up then.
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 2)
    t = time.monotonic()
    with pytest.raises(InputError, match="无法连接 Dask 调度器（2 秒内没有回应"):
        evaluate_batch(targets, actuals, tmp_path / "out", progress=False, scheduler=address)
    assert time.monotonic() - t < 2 + 5
    assert list((tmp_path / "out").iterdir()) == []          # nothing written
    assert main(["evaluate", str(targets), str(actuals), "-o", str(tmp_path / "cli"), "--scheduler", address]) == 1
    err = capsys.readouterr().err
    assert address in err and "dask scheduler" in err and "Traceback" not in err


def test_a_run_that_fails_midway_leaves_no_units(bureau, tmp_path):
    targets, actuals, _ = bureau

    def stop(done: int, total: int, rows: int) -> None:
        if done == 3:
            raise KeyboardInterrupt   # the user pressed Ctrl+C

    with cluster(nworkers=2) as (scheduler, _workers):
        with pytest.raises(KeyboardInterrupt):
            evaluate_batch(targets, actuals, tmp_path / "out", block_rows=BLOCK, progress=False,
                           scheduler=scheduler["address"], on_progress=stop)
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert left == []


@pytest.mark.parametrize(("text", "parsed"), [("local", ("local", None)), ("local:2", ("local", 2)),
                                               ("tcp://10.1.2.3:8786", ("remote", None))])
def test_scheduler_values(text, parsed):
    assert parse_scheduler(text) == parsed


@pytest.mark.parametrize("text", ["local:0", "local:x", "somewhere"])
def test_bad_scheduler_values_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_scheduler(text)


def test_the_command_line_on_a_local_cluster(bureau, tmp_path, capsys):
    targets, actuals, expected = bureau
    assert main(["evaluate", str(targets), str(actuals), "-o", str(tmp_path / "out"), "--scheduler", "local:2"]) == 0
    err = capsys.readouterr().err
    assert "集群评分（local:2）" in err
    # The command line's block size differs from the fixture's; the files do not depend on it.
    assert _tree(tmp_path / "out") == expected
