"""Batch evaluation (perfscore.batch): per-unit results equal single-unit runs, the summary,
the command line, and inputs the streamed reader must not get wrong."""

from __future__ import annotations

import csv
import gc
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

import perfscore.batch.worker as worker
from perfscore.batch import evaluate_batch, is_batch_input
from perfscore.batch.progress import Progress
from perfscore.cli import main
from perfscore.app.run import evaluate_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "yanshan-2023"
UNIT_FILES = ("results.csv", "projects.csv", "results.json", "report.html")


def _generator():
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def split_by_unit(folder: Path, out: Path) -> dict[str, tuple[Path, Path]]:
    """Each unit's rows of targets.csv, and the actuals rows of its projects, as its own files."""
    targets, actuals = read_rows(folder / "targets.csv"), read_rows(folder / "actuals.csv")
    head = targets[0]
    unit_at, code_at = head.index("单位编码"), head.index("项目编码")
    units: dict[str, list] = {}
    for row in targets[1:]:
        units.setdefault(row[unit_at], []).append(row)
    files = {}
    for code, rows in units.items():
        d = out / code
        d.mkdir(parents=True)
        projects = {r[code_at] for r in rows}
        write_rows(d / "targets.csv", [head, *rows])
        write_rows(d / "actuals.csv", [actuals[0], *[r for r in actuals[1:] if r[0] in projects]])
        files[code] = (d / "targets.csv", d / "actuals.csv")
    return files


def without_sources(name: str, data: bytes) -> bytes:
    """The file with its 数据来源 (which names the files read) taken out: a batch names the
    bureau's files, a single run the unit's own."""
    if name == "results.json":
        doc = json.loads(data)
        doc["meta"].pop("sources")
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    if name == "report.html":
        return re.sub("<th>数据来源</th><td>.*?</td>".encode(), b"", data)
    return data


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    """A seeded bureau of a few small units; ``actuals_bad.csv`` has a defect in one unit."""
    folder = tmp_path_factory.mktemp("bureau")
    _generator().generate(700, seed=11, out_dir=folder, projects_per_unit=(3, 9))
    rows = read_rows(folder / "actuals.csv")
    # Cumulative spending (资金支出进度) for every third project: the units' monitoring rows,
    # which a block cuts per unit.
    last_row = {r[0]: i for i, r in enumerate(rows[1:], start=1)}
    for k, (code, at) in enumerate(sorted(last_row.items(), key=lambda kv: -kv[1])):
        if k % 3 == 0:
            name = rows[at][1]
            rows[at + 1: at + 1] = [[code, name, "6月底累计支出", "12.5", "", "", ""],
                                    [code, name, "9月底累计支出", "20", "", "", ""]]
    write_rows(folder / "actuals.csv", rows)
    targets = read_rows(folder / "targets.csv")
    last_unit = targets[-1][targets[0].index("单位编码")]
    # The last unit's sheet names an indicator its targets do not have: that unit fails alone.
    victim = next(r for r in rows[1:] if r[0].startswith(last_unit) and r[2] not in ("全年预算数", "全年执行数"))
    victim[2] = "没有这个指标"
    write_rows(folder / "actuals_bad.csv", rows)
    return folder, last_unit


@pytest.fixture(scope="module")
def singles(bureau, tmp_path_factory):
    """Each unit evaluated alone from its own files (perfscore evaluate's library call)."""
    folder, _ = bureau
    out = tmp_path_factory.mktemp("singles")
    files = split_by_unit(folder, out / "in")
    for code, (t, a) in files.items():
        evaluate_files(t, a, out / "out" / code)
    return out / "out"


@pytest.mark.parametrize("block_rows, actuals, fast", [
    (10**6, "actuals.csv", True),       # one block: column-wise join, one engine run cut per unit
    (10**6, "actuals_bad.csv", False),  # a defect in the block: every unit joined by attach_actuals
    (1, "actuals.csv", False),          # every unit alone: the single-unit route
])
def test_each_unit_equals_its_single_unit_evaluation(bureau, singles, tmp_path, monkeypatch, block_rows, actuals, fast):
    import perfscore.batch.worker as worker   # where the block's join is called

    folder, failing = bureau
    taken = []
    real = worker.attach_block
    monkeypatch.setattr(worker, "attach_block", lambda *a: taken.append(real(*a)) or taken[-1])
    run = evaluate_batch(folder / "targets.csv", folder / actuals, tmp_path / "batch",
                         block_rows=block_rows, progress=False)
    assert any(taken) == fast
    codes = sorted(p.name for p in singles.iterdir())
    assert len(run.units) == len(codes) >= 4
    expect_failed = [failing] if actuals == "actuals_bad.csv" else []
    assert [u.unit_code for u in run.failed] == expect_failed
    for code in codes:
        unit_dir = tmp_path / "batch" / "units" / code
        if code in expect_failed:
            assert not unit_dir.exists()
            continue
        for name in UNIT_FILES:
            single = (singles / code / name).read_bytes()
            batch = (unit_dir / name).read_bytes()
            if name.endswith(".csv"):
                assert batch == single, f"{code}/{name}"
            else:
                assert without_sources(name, batch) == without_sources(name, single), f"{code}/{name}"
    # Projects with spending rows and projects without them, side by side in the units.
    watched, seen = set(), set()
    for code in (c for c in codes if c not in expect_failed):
        doc = json.loads((tmp_path / "batch" / "units" / code / "results.json").read_text("utf-8"))
        watched |= {m["project_code"] for m in doc["monitoring"]}
        seen |= {p["project_code"] for p in doc["projects"]}
    assert watched and watched < seen
    # Sources name the bureau's file (the whole table's hash), never an absolute path.
    meta = json.loads((tmp_path / "batch" / "units" / codes[0] / "results.json").read_text("utf-8"))["meta"]
    assert meta["sources"]["file"] == "targets.csv" and not Path(meta["sources"]["targets"]).is_absolute()


def test_summary_ranks_units_and_projects(bureau, tmp_path):
    folder, failing = bureau
    run = evaluate_batch(folder / "targets.csv", folder / "actuals_bad.csv", tmp_path, tables_only=True, progress=False)
    units = read_rows(tmp_path / "summary.csv")
    head, body = units[0], units[1:]
    col = {name: head.index(name) for name in ("rank", "unit_code", "status", "total", "grade", "projects", "message")}
    assert len(body) == len(run.units)
    ok = [r for r in body if r[col["status"]] == "ok"]
    totals = [float(r[col["total"]]) for r in ok]
    assert totals == sorted(totals, reverse=True)
    ranks = [int(r[col["rank"]]) for r in ok]
    assert ranks[0] == 1 and all(b >= a for a, b in zip(ranks, ranks[1:]))
    bad = [r for r in body if r[col["status"]] == "error"]
    assert [r[col["unit_code"]] for r in bad] == [failing] and "没有这个三级指标" in bad[0][col["message"]]
    assert bad[0][col["rank"]] == "" and body[-1] == bad[0]          # unscored units come last
    projects = read_rows(tmp_path / "summary_projects.csv")
    p_head, p_body = projects[0], projects[1:]
    assert len(p_body) == sum(int(r[col["projects"]]) for r in ok)
    grades = [r[p_head.index("grade")] for r in p_body]
    assert sum(int(r[head.index("grade_优")]) for r in ok) == grades.count("优")
    p_totals = [float(r[p_head.index("total")]) for r in p_body if r[p_head.index("total")]]
    assert p_totals == sorted(p_totals, reverse=True)
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "单位排名" in page and "项目排名" in page and "未能评分" in page and "<script" not in page
    # tables only: no results.json, no report, and the same results.csv as a full run
    unit = next(r[col["unit_code"]] for r in ok)
    assert sorted(p.name for p in (tmp_path / "units" / unit).iterdir()) == ["projects.csv", "results.csv"]


def test_block_size_and_worker_processes_do_not_change_the_files(bureau, tmp_path):
    folder, _ = bureau
    a = evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "a", tables_only=True, progress=False,
                       jobs=1)
    # small blocks scored by two worker processes: the same files
    b = evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "b", tables_only=True,
                       block_rows=50, jobs=2, progress=False)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert a.totals == b.totals


def test_units_not_contiguous_and_actuals_in_another_order(bureau, tmp_path):
    """Rows of one unit split in two places (read whole, with a note); the actuals sheet
    listing units backwards (routed all the same)."""
    folder, failing = bureau
    targets = read_rows(folder / "targets.csv")
    head, body = targets[0], targets[1:]
    first = body[0][head.index("单位编码")]
    mine = [r for r in body if r[head.index("单位编码")] == first]
    others = [r for r in body if r[head.index("单位编码")] != first]
    cut = len(mine) // 2
    while cut < len(mine) and mine[cut][head.index("项目编码")] == mine[cut - 1][head.index("项目编码")]:
        cut += 1
    write_rows(tmp_path / "targets.csv", [head, *mine[:cut], *others, *mine[cut:]])
    actuals = read_rows(folder / "actuals_bad.csv")
    write_rows(tmp_path / "actuals.csv", [actuals[0], *reversed(actuals[1:])])
    split = evaluate_batch(tmp_path / "targets.csv", tmp_path / "actuals.csv", tmp_path / "split", progress=False)
    assert split.notes and "不连续" in split.notes[0]
    plain = evaluate_batch(folder / "targets.csv", folder / "actuals_bad.csv", tmp_path / "plain", progress=False)
    assert [u.unit_code for u in split.failed] == [failing]
    for u in plain.units:
        if u.error:
            continue
        for name in ("results.csv", "projects.csv"):
            assert (tmp_path / "split" / u.folder / name).read_bytes() == (tmp_path / "plain" / u.folder / name).read_bytes()


def test_an_actuals_row_no_unit_holds_stops_the_run_before_writing(bureau, tmp_path, capsys):
    folder, _ = bureau
    rows = read_rows(folder / "actuals.csv")
    rows.insert(3, ["X-NOT-THERE", "不存在的项目", "宣传品数量", "12个", "", "", ""])
    write_rows(tmp_path / "actuals.csv", rows)
    code = main(["evaluate", str(folder / "targets.csv"), str(tmp_path / "actuals.csv"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert "第4行" in err and "X-NOT-THERE" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "units").exists()


def test_cli_switches_to_batch_mode_and_quiet_is_silent(bureau, tmp_path, capsys):
    folder, failing = bureau
    assert is_batch_input(folder / "targets.csv") and not is_batch_input(SAMPLE / "targets.json")
    code = main(["evaluate", str(folder / "targets.csv"), str(folder / "actuals_bad.csv"), "-o", str(tmp_path / "q"),
                 "--tables-only", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1  # one unit could not be scored
    assert err.startswith(f"错误：单位 {failing} 未能评分") and "批量评价完成" not in err
    assert (tmp_path / "q" / "summary.csv").exists()
    code = main(["evaluate", str(folder / "targets.csv"), str(folder / "actuals_bad.csv"), "-o", str(tmp_path / "v"),
                 "--tables-only"])
    err = capsys.readouterr().err
    assert code == 1 and "批量评价完成" in err and "summary.csv" in err
    assert "\x1b[" not in err and "━" not in err  # no progress bar when stderr is not a terminal


def test_a_folder_of_unit_files_and_a_single_file_with_batch(tmp_path):
    """targets.json with its actuals (NAME.actuals.csv) in a folder: one unit, equal to a single run."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "yanshan.json").write_bytes((SAMPLE / "targets.json").read_bytes())
    (tmp_path / "in" / "yanshan.actuals.csv").write_bytes((SAMPLE / "actuals.csv").read_bytes())
    run = evaluate_batch(tmp_path / "in", None, tmp_path / "batch", progress=False)
    assert [u.error for u in run.units] == [""] and len(run.units) == 1
    single = evaluate_files(tmp_path / "in" / "yanshan.json", tmp_path / "in" / "yanshan.actuals.csv", tmp_path / "single")
    unit_dir = tmp_path / "batch" / run.units[0].folder
    assert run.units[0].unit_code == single.evaluation.meta["unit_code"] == "435001"
    for name in UNIT_FILES:
        assert (unit_dir / name).read_bytes() == (tmp_path / "single" / name).read_bytes(), name


def test_progress_bar_only_on_a_terminal():
    out = io.StringIO()
    with Progress(3, stream=out) as bar:
        bar.advance(10)
    assert out.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    with Progress(2, stream=tty) as bar:
        bar.advance(10)
        bar.advance(5)
    assert "批量评分" in tty.getvalue() and "2/2" in tty.getvalue()


def test_generator_is_seeded(tmp_path):
    gen = _generator()
    a = gen.generate(300, seed=5, out_dir=tmp_path / "a")
    b = gen.generate(300, seed=5, out_dir=tmp_path / "b")
    c = gen.generate(300, seed=6, out_dir=tmp_path / "c")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b] != [p.read_bytes() for p in c]
    assert len(read_rows(a[0])) == 301


def test_the_garbage_collector_is_left_as_it_was(bureau, tmp_path, monkeypatch):
    """A block is scored with the collector paused and written with its objects frozen;
    after the run (and after a run that fails while writing) nothing stays frozen or paused."""
    folder, _ = bureau
    assert gc.isenabled() and gc.get_freeze_count() == 0
    seen = []
    real = worker.write_unit

    def spying(*args, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(worker, "write_unit", spying)
    evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "a", progress=False, jobs=1)
    assert seen and set(seen) == {(True, True)}   # collecting while the units are written, the block frozen
    assert gc.isenabled() and gc.get_freeze_count() == 0

    def failing(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(worker, "write_unit", failing)
    with pytest.raises(OSError):
        evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "b", progress=False, jobs=1)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_temporary_left_by_a_killed_writer_is_removed(bureau, tmp_path):
    """A worker killed between creating its temporary file and renaming it leaves
    ``.report.html.*.tmp``; the unit written again leaves none."""
    folder, _ = bureau
    first = evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "a", progress=False, jobs=1)
    unit_dir = tmp_path / "b" / first.units[0].folder
    unit_dir.mkdir(parents=True)
    (unit_dir / ".report.html.k1ll3d.tmp").write_bytes(b"")
    evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "b", progress=False, jobs=1)
    assert not list((tmp_path / "b").rglob("*.tmp"))
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
