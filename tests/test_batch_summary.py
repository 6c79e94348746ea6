"""The batch summary: summary_projects.csv is assembled from lines each unit's projects
were formatted into (perfscore.batch.summary.project_lines, in the worker, held to a
hand-worked line below), and summary.html from the page's last rows only. Both are held
to what the ranking rule gives, worked out here row by row: best total first, no total
last, ties in unit order and then table order; a rank is 1 + the number of projects with
a strictly better total (1, 2, 2, 4)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore.batch.html as SUMMARY_PAGE
import perfscore.batch.summary as SM
from perfscore.batch import evaluate_batch
from perfscore.csvtext import csv_bytes
from perfscore.io import BOM

ROOT = Path(__file__).resolve().parents[1]
META = {"year": 2023, "as_of": "2023-12-31", "profile": "mof-2020", "source": "t.csv", "reports": False,
        "checks": False}


def ranked_projects(summary: SM.Summary) -> pd.DataFrame:
    """Every project of the summary, ranked by the rule, one row at a time."""
    columns = {c: summary._column(c) for c in summary._projects if c != "line"}
    if not columns:
        return SM.projects_frame_empty()
    totals = [float(t) for t in columns["total"]]
    order = sorted(range(len(totals)), key=lambda i: (math.isnan(totals[i]), -totals[i] if not math.isnan(totals[i])
                                                      else 0.0, columns["ordinal"][i], i))
    ranks = [math.nan if math.isnan(totals[i]) else 1 + sum(1 for t in totals if t > totals[i]) for i in order]
    table = pd.DataFrame({c: pd.Series(v[order], dtype=v.dtype) for c, v in columns.items()})
    table.insert(0, "rank", np.array(ranks, dtype=float))
    return table


def reference_projects_csv(summary: SM.Summary) -> bytes:
    """summary_projects.csv from the ranked table, its cells formatted as summary.csv's are."""
    table = ranked_projects(summary).reindex(columns=SM.PROJECT_COLUMNS)
    parts = [csv_bytes(SM._csv_frame(table.iloc[i: i + SM._SLICE], money=("budget",), rate=("exec_rate",),
                                     score=("total",), flags=("incomplete",)), header=i == 0)
             for i in range(0, max(len(table), 1), SM._SLICE)]
    return BOM + b"".join(parts)


def reference_html(summary: SM.Summary, meta: dict) -> str:
    return summary.render_html(summary.unit_frame(), ranked_projects(summary), meta)


def check_against_rule(summary: SM.Summary, out: Path, meta: dict) -> None:
    want_csv, want_html = reference_projects_csv(summary), reference_html(summary, meta)
    summary.write(out, meta)
    assert (out / SM.PROJECTS_CSV).read_bytes() == want_csv
    assert (out / SM.SUMMARY_HTML).read_bytes().decode("utf-8") == want_html


# --- random units ---------------------------------------------------------------------------

# Text a CSV writer must quote or guard: delimiters, quotes, line breaks, formula prefixes.
_text = st.text(alphabet=st.sampled_from(list("ab中文1,\"'\n\r\t =+-@")), max_size=6)
# Negative zero included: both paths write it as 0 (format_fixed), whatever its neighbours.
_float = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 60.0, 85.5, 100.0, float("nan")]),
                   st.floats(allow_nan=True, allow_infinity=True))


@st.composite
def unit_projects(draw, ordinal: int) -> dict:
    n = draw(st.integers(0, 6))

    def texts(strategy):
        return np.array([draw(strategy) for _ in range(n)], dtype=object)

    def numbers(dtype, strategy):
        return np.array([draw(strategy) for _ in range(n)], dtype=dtype)

    cols = {
        "ordinal": np.full(n, ordinal, dtype=np.int64),
        "unit_code": texts(_text), "unit_name": texts(_text),
        "project_code": texts(st.one_of(_text, st.none(), st.just(float("nan")))),
        "project_name": texts(st.one_of(_text, st.none())),
        "budget": numbers(float, _float), "exec_rate": numbers(float, _float), "total": numbers(float, _float),
        "grade": texts(st.sampled_from(["优", "良", "中", "差", "", "=1"])),
        "indicators": numbers(np.int32, st.integers(0, 40)), "missed": numbers(np.int32, st.integers(0, 40)),
        "needs_review": numbers(np.int32, st.integers(0, 40)), "incomplete": numbers(bool, st.booleans()),
        "errors": numbers(np.int32, st.integers(0, 9)), "warnings": numbers(np.int32, st.integers(0, 9)),
    }
    cols["line"] = SM.project_lines(cols)
    return cols


@st.composite
def summaries(draw) -> SM.Summary:
    summary = SM.Summary(["优", "良", "中", "差"])
    for ordinal in draw(st.permutations(range(draw(st.integers(0, 5))))):  # units arrive in any order
        if draw(st.booleans()) and ordinal % 3 == 2:
            summary.add(SM.failure(ordinal, f"u{ordinal}", f"U{ordinal}", "", "读取失败"))
            continue
        projects = draw(unit_projects(ordinal))
        summary.add(SM.UnitOutcome(ordinal=ordinal, unit_code=f"U{ordinal}", unit_name="单位", folder=f"u{ordinal}",
                                   department={"total": draw(_float), "projects": len(projects["ordinal"])},
                                   projects=projects))
    return summary


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=summaries(), limit=st.sampled_from([2, 5000]))
def test_summary_files_follow_the_ranking_rule(summary, limit, tmp_path_factory, monkeypatch):
    monkeypatch.setattr(SUMMARY_PAGE, "HTML_PROJECT_LIMIT", limit)  # 2: the page lists the last rows only
    check_against_rule(summary, tmp_path_factory.mktemp("s"), META)


def test_a_project_line_is_its_hand_worked_row():
    cols = {
        "ordinal": np.array([0, 0], dtype=np.int64), "unit_code": np.array(["435001", "435001"], dtype=object),
        "unit_name": np.array(["燕山路, 办事处", "燕山路, 办事处"], dtype=object),
        "project_code": np.array(["=P1", None], dtype=object), "project_name": np.array(['社区"工作"经费', "a\nb"], dtype=object),
        "budget": np.array([1400000.0, -5.0]), "exec_rate": np.array([0.99, float("nan")]),
        "total": np.array([90.794, float("nan")]), "grade": np.array(["优", ""], dtype=object),
        "indicators": np.array([3, 1], dtype=np.int32), "missed": np.array([2, 0], dtype=np.int32),
        "needs_review": np.array([0, 1], dtype=np.int32), "incomplete": np.array([False, True]),
        "errors": np.array([0, 0], dtype=np.int32), "warnings": np.array([2, 0], dtype=np.int32),
    }
    assert SM.project_lines(cols).tolist() == [
        '435001,"燕山路, 办事处",\'=P1,"社区""工作""经费",1400000.00,0.9900,90.79,优,3,2,0,false,0,2\n'.encode(),
        '435001,"燕山路, 办事处",,"a\nb",\'-5.00,,,,1,0,1,true,0,0\n'.encode(),
    ]


@pytest.mark.parametrize("limit", [3, 5000])
def test_a_real_batch_summary_follows_the_ranking_rule(tmp_path, monkeypatch, limit):
    """A generated bureau (ties, unscored projects, a unit that fails), scored by two
    worker processes: the summary written follows the ranking rule."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(600, seed=3, out_dir=tmp_path / "in", projects_per_unit=(3, 9))
    monkeypatch.setattr(SUMMARY_PAGE, "HTML_PROJECT_LIMIT", limit)
    seen = {}
    real = SM.Summary.write

    def capture(self, out_dir, meta):
        seen["want"] = reference_projects_csv(self), reference_html(self, meta)
        return real(self, out_dir, meta)

    monkeypatch.setattr(SM.Summary, "write", capture)
    evaluate_batch(tmp_path / "in" / "targets.csv", tmp_path / "in" / "actuals.csv", tmp_path / "out",
                   tables_only=True, progress=False, jobs=2, block_rows=80)
    want_csv, want_html = seen["want"]
    assert (tmp_path / "out" / SM.PROJECTS_CSV).read_bytes() == want_csv
    assert want_csv.count(b"\n") > 3 + 1  # more projects than the small page limit: its last rows only
    assert (tmp_path / "out" / SM.SUMMARY_HTML).read_bytes().decode("utf-8") == want_html
