"""Batch mode on files with a header and no rows: a long table without rows is the ordinary
reader's clear error (not an internal one), and an actuals sheet without rows means no
actuals (each unit as ``perfscore evaluate`` scores it alone)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from perfscore.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    folder = tmp_path_factory.mktemp("empty")
    gen.generate(300, seed=3, out_dir=folder, projects_per_unit=(3, 6))
    for name in ("targets", "actuals"):
        text = (folder / f"{name}.csv").read_text(encoding="utf-8-sig")
        (folder / f"{name}-header.csv").write_text(text.splitlines()[0] + "\n", encoding="utf-8-sig")
    return folder


def test_a_long_table_without_rows_is_a_clear_error(bureau, tmp_path, capsys):
    code = main(["evaluate", str(bureau / "targets-header.csv"), str(bureau / "actuals.csv"),
                 "-o", str(tmp_path / "out"), "--tables-only"])
    err = capsys.readouterr().err
    assert code == 1
    assert "targets-header.csv" in err and "长表没有数据行" in err and "内部错误" not in err


def test_an_actuals_sheet_without_rows_means_no_actuals(bureau, tmp_path, capsys):
    code = main(["evaluate", str(bureau / "targets.csv"), str(bureau / "actuals-header.csv"),
                 "-o", str(tmp_path / "batch"), "--tables-only", "--quiet"])
    assert code == 0, capsys.readouterr().err
    units = sorted((tmp_path / "batch" / "units").iterdir())
    assert len(units) >= 2
    # the first unit alone, through the single-file route: the same tables
    import csv

    with (bureau / "targets.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    code_col = rows[0].index("单位编码")
    first = [rows[0]] + [r for r in rows[1:] if r[code_col] == units[0].name]
    alone = tmp_path / "alone.csv"
    with alone.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(first)
    assert main(["evaluate", str(alone), str(bureau / "actuals-header.csv"), "-o", str(tmp_path / "single")]) == 0
    for name in ("results.csv", "projects.csv"):
        assert (units[0] / name).read_bytes() == (tmp_path / "single" / name).read_bytes(), name
