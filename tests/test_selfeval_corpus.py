"""The corpus of published self-evaluation tables (tests/data/selfeval/): every table is
read (none refused), every indicator row comes out scored or with a reason a unit can act
on, and at least 90 % of all rows agree with the published score (within 6 % of the row's
weight). The comparison is benchmarks/bench_selfeval.py's, so the figures the benchmark
prints are the ones tested here. The held-out tables (tests/data/selfeval_unseen/) are
not read by the tests: they are measured once, with the benchmark."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "selfeval"

_spec = importlib.util.spec_from_file_location("bench_selfeval", ROOT / "benchmarks" / "bench_selfeval.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_selfeval"] = bench   # dataclasses look their module up while the class is made
_spec.loader.exec_module(bench)

TABLES = sorted(p for p in CORPUS.glob("*.csv") if not p.name.endswith(".published.csv") and p.name != "index.csv") \
    if CORPUS.is_dir() else []


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.skipif(not TABLES, reason="tests/data/selfeval/ 中还没有语料表")
@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_every_row_of_the_table_is_read(path):
    table = bench.score_table(path)
    assert not table.refused, table.refused
    printed = _rows(path)
    published = _rows(path.with_name(path.stem + ".published.csv"))
    indicator_rows = [p for p in published if p["行"].strip() not in ("预算执行率", "总分")]
    assert all(1 <= int(p["行"]) <= len(printed) for p in indicator_rows)
    for r in table.rows:
        assert r.verdict in ("agree", "stricter", "lenient", "unscored")
        if r.verdict == "unscored":
            assert r.why, f"{path.stem} 行{r.label} {r.name} 未评分却没有原因"


@pytest.mark.skipif(not TABLES, reason="tests/data/selfeval/ 中还没有语料表")
def test_the_corpus_agrees_with_the_published_scores():
    tables = bench.run(CORPUS)
    totals = bench.report(tables, out=io.StringIO())
    assert totals["tables_refused"] == 0
    assert totals["agree"] / totals["rows"] >= 0.90, totals


def _write(dir_: Path, stem: str, rows: list[list[str]], published: list[list[str]]) -> None:
    header = ["年度", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
              "全年预算数", "全年执行数"]
    with open(dir_ / f"{stem}.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header] + rows)
    with open(dir_ / f"{stem}.published.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["行", "分值", "得分", "等级", "作者酌情", "备注"]] + published)


def test_the_benchmark_compares_row_by_row(tmp_path):
    """The benchmark's verdicts on a table whose answers are known."""
    _write(tmp_path, "a", [
        ["2023", "项目", "产出指标", "数量指标", "数量", "≥10个", "9个", "20", "100", "95"],
        ["2023", "项目", "产出指标", "质量指标", "质量", "≥95%", "96%", "20", "", ""],
        ["2023", "项目", "效益指标", "社会效益指标", "效益", "≥10个", "10个", "30", "", ""],
        ["2023", "项目", "满意度指标", "服务对象满意度指标", "满意", "≥90%", "", "20", "", ""],
    ], [["1", "20", "18", "", "", ""], ["2", "20", "15", "", "酌情扣分，未说明理由", ""],
        ["3", "30", "30", "", "", ""], ["4", "20", "20", "", "", ""], ["预算执行率", "10", "9.5", "", "", ""],
        ["总分", "100", "92.5", "优", "", ""]])
    _write(tmp_path, "b", [["2023", "项目", "产出指标", "数量指标", "数量", "≥10个", "9个", "20", "", ""],
                           ["2023", "合计", "", "", "", "", "", "100", "", ""]],
           [["1", "20", "18", "", "", ""]])
    a, b = bench.run(tmp_path)
    assert [(r.label, r.verdict) for r in a.rows] == [
        ("1", "agree"), ("2", "lenient"), ("3", "agree"), ("4", "unscored"), ("预算执行率", "agree")]
    assert a.rows[1].discretion == "酌情扣分，未说明理由" and "未填写实际完成值" in a.rows[3].why
    assert a.total_published == 92.5
    assert b.refused and b.rows[0].verdict == "refused"
    out = io.StringIO()
    totals = bench.report([a, b], out=out)
    assert (totals["rows"], totals["agree"], totals["lenient"], totals["unscored"], totals["refused"],
            totals["discretion"], totals["tables_refused"]) == (6, 3, 1, 1, 1, 1, 1)
    assert "作者酌情：酌情扣分" in out.getvalue()
