"""A batch closes the files it streams: pass 2 may stop reading the actuals sheet before its
end (trailing blank rows, rows of no unit left), and the long table's reader may hold a
chunk beyond the last block. An open file left to the garbage collector is a ResourceWarning
here and a locked file on Windows."""

from __future__ import annotations

import gc
import importlib.util
import warnings
from pathlib import Path

import pytest

from perfscore.batch import evaluate_batch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    folder = tmp_path_factory.mktemp("closed")
    gen.generate(1500, seed=5, out_dir=folder, projects_per_unit=(3, 9))
    with (folder / "actuals.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write(",,,,,,\r\n" * 20)   # blank rows after the last unit's: pass 2 never needs them
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_no_file_is_left_open(bureau, tmp_path, jobs):
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        run = evaluate_batch(bureau / "targets.csv", bureau / "actuals.csv", tmp_path / "out", tables_only=True,
                             progress=False, block_rows=400, jobs=jobs)
        gc.collect()
    assert len(run.units) > 3 and not run.failed
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []


def _broken_generators():
    spec = importlib.util.spec_from_file_location("broken_generators", ROOT / "tests" / "broken" / "generators.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


def test_a_broken_workbook_leaves_no_file_open(tmp_path):
    """openpyxl keeps its file open when a broken workbook makes it raise: the readers hand
    it the bytes instead."""
    from perfscore.errors import PerfscoreError
    from perfscore.readers.actuals import read_actuals
    from perfscore.review.merge import read_filled

    path = tmp_path / "act.xlsx"
    _broken_generators().act_xlsx_truncated_sheet(path)   # the sheet's XML stops half-way
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for read in (read_actuals, read_filled):
            try:   # not pytest.raises: its record of the exception would keep the file alive
                read(path)
            except PerfscoreError:
                pass
            else:
                raise AssertionError(f"{read.__name__} read a broken workbook")
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_the_truncated_workbook_cases_leave_no_file_open():
    """The broken-input cases of a truncated .xlsx, run as the suite runs them (the leak shows
    when pytest's own garbage collection finds openpyxl's file, after the case)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "default",
                           str(ROOT / "tests" / "test_broken_inputs.py"), "-k", "truncated"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "ResourceWarning" not in done.stdout + done.stderr
