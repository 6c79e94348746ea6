"""Pass 1 of a streamed batch: the actuals sheet read in a forked process while the long
table is indexed must give what the serial pass 1 gives (the index, every row's unit, the
same error), and a child that fails must change nothing but the time."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore.batch as B
from perfscore.batch.actuals import BLANK, ActualsStream, _unit_of
from perfscore.errors import DataError

ROOT = Path(__file__).resolve().parents[1]


def _generate(out: Path, rows: int, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(rows, seed=seed, out_dir=out, projects_per_unit=(3, 9))


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    """A bureau whose actuals sheet lists its rows backwards, with blank rows, a project
    named by 项目名称 only, and rows whose cells need cleaning."""
    folder = tmp_path_factory.mktemp("pass1")
    _generate(folder, 900, seed=21)
    head, *body = _rows(folder / "actuals.csv")
    body = list(reversed(body))
    body.insert(5, [""] * len(head))
    body.insert(40, ["  "] * len(head))
    t_head, *t_body = _rows(folder / "targets.csv")
    units_of_name: dict[str, set] = {}
    for r in t_body:
        units_of_name.setdefault(r[t_head.index("项目名称")], set()).add(r[t_head.index("单位编码")])
    by_name = next(i for i in range(60, len(body)) if len(units_of_name.get(body[i][1], ())) == 1)
    body[by_name][0] = ""                  # found by its project name, held by one unit only
    body[70][0] = f" {body[70][0]} "       # stripped as the reader strips
    _write(folder / "actuals.csv", [head, *body])
    return folder


def _plan(folder: Path, actuals: str, parallel: bool, monkeypatch):
    monkeypatch.setattr(B, "PARALLEL_PASS1_BYTES", 0)  # the small sheet goes to a child too
    return B._stream_plan(folder / "targets.csv", folder / actuals, [], parallel=parallel)


def test_pass1_in_a_child_equals_pass1_in_one_process(bureau, monkeypatch):
    serial_index, serial = _plan(bureau, "actuals.csv", False, monkeypatch)
    index, stream = _plan(bureau, "actuals.csv", True, monkeypatch)
    assert [vars(u) for u in index.units] == [vars(u) for u in serial_index.units]
    assert (index.rows, index.sha256, index.contiguous) == (serial_index.rows, serial_index.sha256, True)
    assert stream.unit_of_row.dtype == serial.unit_of_row.dtype == np.int32
    assert np.array_equal(stream.unit_of_row, serial.unit_of_row)
    assert (stream.unit_of_row == BLANK).sum() == 2 and (stream.unit_of_row >= 0).sum() == len(stream.unit_of_row) - 2


def test_every_row_goes_to_the_unit_its_project_names(bureau, monkeypatch):
    """The routing against a row-by-row reference: each row's cells looked up on their own."""
    from perfscore.batch.stream import index_long_table, layout_of

    index = index_long_table(layout_of(bureau / "targets.csv"))
    _, stream = _plan(bureau, "actuals.csv", True, monkeypatch)
    want = []
    for frame in ActualsStream(bureau / "actuals.csv")._frames(("project_code", "project_name")):
        for blank, code, name in zip(frame["blank"], frame["project_code"], frame["project_name"]):
            want.append(BLANK if blank else _unit_of(code or "", name or "", index.code_unit, index.name_unit))
    assert stream.unit_of_row.tolist() == want


def test_rows_no_unit_holds_are_reported_alike(bureau, tmp_path, monkeypatch):
    head, *body = _rows(bureau / "actuals.csv")
    for at in (3, 50, 51):
        body.insert(at, ["X-NOT-THERE", "不存在的项目", "宣传品数量", "12个", "", "", ""])
    _write(tmp_path / "targets.csv", _rows(bureau / "targets.csv"))
    _write(tmp_path / "actuals.csv", [head, *body])
    messages = []
    for parallel in (False, True):
        with pytest.raises(DataError) as err:
            _plan(tmp_path, "actuals.csv", parallel, monkeypatch)
        messages.append(err.value.render())
    assert messages[0] == messages[1]
    assert "实际完成值表有3行" in messages[0] and "第5行" in messages[0] and "第53行" in messages[0]


def test_a_child_that_fails_changes_nothing(bureau, monkeypatch):
    def broken(*args):
        raise RuntimeError("the child fails")

    serial_index, serial = _plan(bureau, "actuals.csv", False, monkeypatch)
    monkeypatch.setattr(B, "_actuals_keys", broken)   # forked: the child runs the patched function
    index, stream = _plan(bureau, "actuals.csv", True, monkeypatch)
    assert np.array_equal(stream.unit_of_row, serial.unit_of_row)
    assert [u.ordinal for u in index.units] == [u.ordinal for u in serial_index.units]
    assert index.sha256 == serial_index.sha256 and len(index.sha256) == 64


def test_a_batch_with_pass1_in_a_child_writes_the_same_files(bureau, tmp_path, monkeypatch):
    monkeypatch.setattr(B, "PARALLEL_PASS1_BYTES", 0)
    runs = {}
    for jobs in (1, 2):  # jobs=2: pass 1 in two processes, blocks scored by two workers
        runs[jobs] = B.evaluate_batch(bureau / "targets.csv", bureau / "actuals.csv", tmp_path / str(jobs),
                                      tables_only=True, progress=False, jobs=jobs, block_rows=150)
    files = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*") if p.is_file())
    assert len(files) > 3
    for rel in files:
        assert (tmp_path / "1" / rel).read_bytes() == (tmp_path / "2" / rel).read_bytes(), rel
    assert runs[1].totals == runs[2].totals


# --- blank rows: the reader's rule, looked at only where it can apply ---------------------------

_cell = st.sampled_from(["", " ", "\t", "\u200b", "\ufeff ", "'=1+1", "a", " P1 ", "全年预算数", "12个"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=8, max_size=8), min_size=1, max_size=12))
def test_chunked_rows_are_the_rows_the_reader_keeps(rows, tmp_path_factory):
    """Which rows are blank (skipped) and what their cells hold, against read_actuals; the
    eighth column is one the reader ignores (a row with only it filled is not blank)."""
    from perfscore.readers.actuals import _ROW_FIELDS, read_actuals

    path = tmp_path_factory.mktemp("blank") / "actuals.csv"
    _write(path, [["项目编码", "项目名称", "三级指标", "实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料", "备注"],
                  *rows])
    try:
        want = read_actuals(path).rows
    except DataError:
        return  # rows the reader refuses: the batch hands such a sheet to it whole
    stream = ActualsStream(path)
    got = []
    for frame in stream._frames():
        keep = ~frame["blank"].to_numpy()
        got += [(int(r), *cells) for r, *cells in zip(frame["row"][keep], *[frame[f][keep] for f in _ROW_FIELDS])]
    assert got == [(r.row, *[getattr(r, f) for f in _ROW_FIELDS]) for r in want]
    keys = stream.read_keys()
    assert (keys.pair_of_row != -1).tolist() == [any(str(c).strip() for c in row) for row in rows]


def test_a_cleaned_cell_means_the_row_is_not_blank():
    """What lets _blank look at candidate rows only: cleaning never makes a blank cell non-blank."""
    from perfscore.readers.actuals import _clean

    for text in ["", " ", "\t", "\u200b", "\ufeff", " \u2060 ", "'", "'=", "a", "\u3000"]:
        assert _clean(text) is None or text.strip()


def test_no_fork_while_other_threads_run(bureau, monkeypatch):
    """A process running other threads (a notebook, a web service) is not forked: a lock held
    by another thread at fork time could make the child wait forever. Pass 1 then runs here."""
    import threading

    monkeypatch.setattr(B, "PARALLEL_PASS1_BYTES", 0)
    # Threads that other tests' libraries leave behind (dask.distributed's in the cluster
    # tests) count as this process's baseline: the test adds one of its own.
    baseline = threading.active_count()
    real = threading.active_count
    monkeypatch.setattr(B.threading, "active_count", lambda: real() - baseline + 1)
    assert B._forkable(bureau / "actuals.csv")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not B._forkable(bureau / "actuals.csv")
        started = []
        monkeypatch.setattr(B, "_Child", lambda *a: started.append(a))
        index, stream = B._stream_plan(bureau / "targets.csv", bureau / "actuals.csv", [], parallel=True)
        assert started == [] and (stream.unit_of_row >= 0).any()
    finally:
        stop.set()
        other.join()
