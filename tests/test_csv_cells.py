"""The cells of results.csv and projects.csv (perfscore.writers.tabular) against the rules
applied cell by cell: text as text with blanks for missing values and formula-like text
made safe (xlsx_safe.csv_safe), numbers by scoring.numeric.format_fixed over the column,
counts as integers, flags as true/false. The column-wise builders must give the same
frame (values and dtypes) and so the same files, on engine output and on random columns."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore.batch.units as U
import perfscore.writers.tabular as TB
from perfscore.io import write_csv
from perfscore.scoring.numeric import format_fixed
from perfscore.writers.xlsx_safe import csv_safe

ROOT = Path(__file__).resolve().parents[1]


# --- the reference: one cell at a time ----------------------------------------------------

def ref_text(values) -> np.ndarray:
    return np.array(["" if _missing(v) else csv_safe(v if v.__class__ is str else str(v)) for v in values],
                    dtype=object)


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def ref_fixed(series: pd.Series, digits: int) -> np.ndarray:
    return format_fixed(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), digits)


def ref_ints(series: pd.Series) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").tolist()
    return np.array(["" if _missing(v) else str(int(v)) for v in values], dtype=object)


def ref_bools(series: pd.Series) -> np.ndarray:
    return np.array(["true" if (not _missing(v) and bool(v)) else "false" for v in series.tolist()], dtype=object)


def ref_indicators(ev) -> pd.DataFrame:
    digits = int(ev.meta.get("digits", 2))
    ind = ev.indicators
    dept = TB.department_goal_rows(ev)
    if len(dept):
        ind = pd.concat([ind, dept], ignore_index=True)
        if "inferred" in ind:
            ind["inferred"] = ind["inferred"].fillna(False).astype(bool)
    numeric = {"weight": digits, "score": digits, "ci_low": 2, "ci_high": 2}
    out = {}
    for col in ind.columns:
        if col in numeric:
            out[col] = ref_fixed(ind[col], numeric[col])
        elif col == "inferred":
            out[col] = ref_bools(ind[col])
        else:
            out[col] = ref_text(ind[col].tolist())
    return pd.DataFrame(out, columns=list(ind.columns))


def ref_projects(ev) -> pd.DataFrame:
    digits = int(ev.meta.get("digits", 2))
    proj = ev.projects
    fixed = {"budget": 2, "executed": 2, "exec_rate": 4, "exec_weight": digits, "exec_score": digits,
             "total": digits, "applicable_weight": digits, "raw_total": digits}
    fixed.update({b: digits for b in ev.blocks})
    out = {}
    for col in proj.columns:
        if col in fixed:
            out[col] = ref_fixed(proj[col], fixed[col])
        elif col in ("indicators", "missed", "needs_review", "not_applicable"):
            out[col] = ref_ints(proj[col])
        elif col == "incomplete":
            out[col] = ref_bools(proj[col])
        else:
            out[col] = ref_text(proj[col].tolist())
    return pd.DataFrame(out, columns=list(proj.columns))


def assert_cells(ev, tmp_path: Path) -> None:
    for build, ref, name in ((TB.indicators_csv_frame, ref_indicators, "results.csv"),
                             (TB.projects_csv_frame, ref_projects, "projects.csv")):
        got, want = build(ev), ref(ev)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        write_csv(tmp_path / ("got-" + name), got)
        write_csv(tmp_path / ("want-" + name), want)
        assert (tmp_path / ("got-" + name)).read_bytes() == (tmp_path / ("want-" + name)).read_bytes()


# --- engine output ------------------------------------------------------------------------

def _generator():
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def block_evaluations(tmp_path_factory):
    """The block Evaluations a batch run formats (a seeded bureau, and the sample unit)."""
    from perfscore.batch import evaluate_batch

    folder = tmp_path_factory.mktemp("cells")
    _generator().generate(3000, seed=7, out_dir=folder, projects_per_unit=(3, 9))
    seen = []
    with pytest.MonkeyPatch.context() as mp:
        real = TB.indicators_csv_frame
        mp.setattr(U, "indicators_csv_frame", lambda ev: seen.append(ev) or real(ev))   # as the batch calls it
        evaluate_batch(folder / "targets.csv", folder / "actuals.csv", folder / "out", tables_only=True,
                       progress=False, jobs=1)
    return seen


def test_engine_blocks_give_the_reference_cells(block_evaluations, tmp_path):
    assert block_evaluations and sum(len(ev.indicators) for ev in block_evaluations) >= 3000
    for ev in block_evaluations:
        assert_cells(ev, tmp_path)


def test_formula_like_targets_are_guarded_in_engine_output(block_evaluations, tmp_path):
    """A target written "=100%" (the generator writes some) comes out as "'=100%"."""
    ev = block_evaluations[0]
    ind = ev.indicators.copy()
    ind.loc[0, "target"] = "=100%"
    ind.loc[1, "level3"] = "-负数开头"
    ev2 = SimpleNamespace(indicators=ind, projects=ev.projects, meta=ev.meta, blocks=ev.blocks,
                          department=ev.department)
    cells = TB.indicators_csv_frame(ev2)
    assert cells.loc[0, "target"] == "'=100%" and cells.loc[1, "level3"] == "'-负数开头"
    assert_cells(ev2, tmp_path)


def test_the_sample_unit_with_department_goals(tmp_path, monkeypatch):
    """The sample year (one unit, its 部门整体 goals appended to results.csv as DEPT-nn rows)."""
    from perfscore.app.run import evaluate_files

    seen = []
    real = TB.indicators_csv_frame
    monkeypatch.setattr(TB, "indicators_csv_frame", lambda ev: seen.append(ev) or real(ev))
    sample = ROOT / "data" / "yanshan-2023"
    evaluate_files(sample / "targets.json", sample / "actuals.csv", tmp_path / "out", report=False)
    assert len(seen) == 1 and len(TB.department_goal_rows(seen[0]))
    assert_cells(seen[0], tmp_path)


def test_the_cell_frame_does_not_share_edits_with_the_evaluation(block_evaluations):
    """The unchanged text columns are passed on without a copy (pandas copies on write):
    an edit of the cell frame, as review merge makes, must not reach the Evaluation."""
    ev = block_evaluations[0]
    before = ev.indicators["unit_name"].iloc[0]
    cells = TB.indicators_csv_frame(ev)
    cells.loc[0, "unit_name"] = "改过"
    cells["level1"] = "x"
    assert ev.indicators["unit_name"].iloc[0] == before
    assert ev.indicators["level1"].iloc[0] != "x"


# --- random columns -----------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(list("ab中1,\"'\n\r\t =+-@\x00")), max_size=5)
CELL = st.one_of(TEXT, TEXT, TEXT, st.none(), st.just(float("nan")), st.integers(-5, 5), st.floats(-10, 10),
                 st.booleans())
NUMBER = st.one_of(st.sampled_from([0.0, -0.0, 1.005, 2.675, -0.004, 0.5, 1e16, float("inf"), float("nan")]),
                   st.floats(allow_nan=True, allow_infinity=True))


@st.composite
def evaluations(draw):
    n = draw(st.integers(0, 8))

    def column(kind):
        if kind == "text":
            return pd.Series([draw(TEXT) for _ in range(n)], dtype=TB._TEXT_DTYPE)
        if kind == "text-missing":
            return pd.Series([draw(st.one_of(TEXT, st.none())) for _ in range(n)], dtype=TB._TEXT_DTYPE)
        if kind == "mixed":
            return pd.Series(np.array([draw(CELL) for _ in range(n)], dtype=object), dtype=object)
        if kind == "number":
            return pd.Series([draw(NUMBER) for _ in range(n)], dtype=float)
        if kind == "int":
            return pd.Series([draw(st.integers(0, 50)) for _ in range(n)], dtype=np.int64)
        if kind == "int-missing":
            return pd.Series([draw(st.one_of(st.integers(0, 50), st.none())) for _ in range(n)], dtype=object)
        return pd.Series([draw(st.one_of(st.booleans(), st.none())) for _ in range(n)], dtype=object)

    text_kinds = st.sampled_from(["text", "text", "text-missing", "mixed"])
    ind = pd.DataFrame({
        "unit_code": column(draw(text_kinds)), "level3": column(draw(text_kinds)),
        "target": column(draw(text_kinds)), "inferred": column("bool"),
        "weight": column("number"), "score": column(draw(st.sampled_from(["number", "mixed"]))),
        "arithmetic": column(draw(text_kinds)), "ci_low": column("number"),
    })
    proj = pd.DataFrame({
        "project_code": column(draw(text_kinds)), "budget": column("number"), "exec_rate": column("number"),
        "产出指标": column("number"), "total": column("number"), "grade": column(draw(text_kinds)),
        "indicators": column(draw(st.sampled_from(["int", "int-missing"]))), "missed": column("int"),
        "incomplete": column("bool"), "notes": column(draw(text_kinds)),
    })
    if draw(st.booleans()):  # an index that is not 0..n-1 (a slice of a bigger frame)
        ind.index = ind.index + 3
        proj.index = proj.index[::-1] if draw(st.booleans()) else proj.index + 1
    return SimpleNamespace(indicators=ind, projects=proj, meta={"digits": draw(st.sampled_from([0, 1, 2, 3]))},
                           blocks=["产出指标"], department=None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evaluations())
def test_random_columns_give_the_reference_cells(tmp_path, ev):
    assert_cells(ev, tmp_path)


def test_negative_zero_is_written_as_zero():
    """-0.0 is 0.00 wherever it stands: np.unique and a hash take -0.0 and 0.0 for one
    value, so keeping the sign would make a zero's text depend on the other cells."""
    for values in ([0.0, -0.0], [-0.0, 0.0, 1.0], [-0.0], [-0.0, float("nan")], [1.0, -0.0, 0.0]):
        series = pd.Series(values, dtype=float)
        want = ["" if v != v else f"{v + 0.0:.2f}" for v in values]
        assert "-0.00" not in want
        assert list(TB._fixed(series, 2)) == want
        assert list(format_fixed(np.array(values), 2)) == want
