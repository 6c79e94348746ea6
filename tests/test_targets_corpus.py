"""The corpus of published 绩效目标表 (tests/data/targets_docs/): every document gives its
projects, indicator counts, 一级/二级/三级 and targets as printed (written by hand in
<id>.expect.json), as its text and as the Word, Excel, web page and PDF files units hold
(written with merged cells by tests/corpus_formats.py). The comparison is
benchmarks/bench_extract_corpus.py's, so what the benchmark prints is what is tested here.
The held-out documents (tests/data/targets_docs_unseen/) are measured once with the
benchmark, never read by the tests, so the reader is not fitted to them."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "targets_docs"
sys.path.insert(0, str(ROOT / "tests"))

import corpus_formats  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_extract_corpus", ROOT / "benchmarks" / "bench_extract_corpus.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_extract_corpus"] = bench
_spec.loader.exec_module(bench)

DOCS = sorted(CORPUS.glob("*.txt"))


def _index() -> dict[str, dict]:
    with open(CORPUS / "index.csv", encoding="utf-8", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def test_every_document_has_its_source_and_its_expected_result():
    index = _index()
    assert DOCS, "tests/data/targets_docs/ holds the published documents"
    assert sorted(index) == sorted(p.stem for p in DOCS), "every document has one index row, and only those"
    for row in index.values():
        assert row["url"].startswith(("http://", "https://")), row
        exp = bench.expected(CORPUS / f"{row['id']}.txt")
        assert exp["id"] == row["id"] and exp["url"] == row["url"]
        assert exp["projects"] and all(len(i) == 4 for p in exp["projects"] for i in p["indicators"])


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_document_reads_as_printed(path):
    result = bench.read_one(path, bench.expected(path))
    assert not result.refused, result.refused
    assert result.ok, "\n".join(result.problems)


# Documents with merged 一级/二级 cells, several projects or header rows over two lines:
# the ones whose Word/Excel/web/PDF versions exercise the grid readers most.
def _format_docs() -> list[Path]:
    picked = []
    for path in DOCS:
        exp = bench.expected(path)
        text = path.read_text(encoding="utf-8")
        merged = any(line.startswith("\t") for line in text.splitlines())
        if merged or len(exp["projects"]) > 1 or set(exp.get("layout", [])) - {"standard"}:
            picked.append(path)
    return picked[:12]


FORMAT_DOCS = _format_docs()


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html", "pdf"])
@pytest.mark.parametrize("path", FORMAT_DOCS, ids=lambda p: p.stem)
def test_document_reads_the_same_in_every_format(path, fmt, tmp_path):
    out = tmp_path / f"{path.stem}.{fmt}"
    corpus_formats.WRITERS[fmt](path.read_text(encoding="utf-8"), out)
    result = bench.read_one(out, bench.expected(path), fmt)
    assert not result.refused, result.refused
    assert result.ok, "\n".join(result.problems)


needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@needs_office
@pytest.mark.parametrize("src_fmt,fmt", [("docx", "doc"), ("xlsx", "xls")])
def test_legacy_office_files_read_the_same(src_fmt, fmt, tmp_path):
    """.doc and .xls as Word/Excel save them (LibreOffice converts the corpus' .docx/.xlsx)."""
    path = FORMAT_DOCS[0]
    src = tmp_path / f"{path.stem}.{src_fmt}"
    corpus_formats.WRITERS[src_fmt](path.read_text(encoding="utf-8"), src)
    filt = "MS Word 97" if fmt == "doc" else "MS Excel 97"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    f"{fmt}:{filt}", "--outdir", str(tmp_path / "out"), str(src)],
                   check=True, capture_output=True, timeout=180)
    out = tmp_path / "out" / f"{path.stem}.{fmt}"
    result = bench.read_one(out, bench.expected(path), fmt)
    assert not result.refused, result.refused
    assert result.ok, "\n".join(result.problems)


def test_the_benchmark_reports_every_layout_at_100_percent():
    results = bench.run(CORPUS)
    import io

    totals = bench.report(results, out=io.StringIO())
    assert totals["total"]["good"] == totals["total"]["docs"]
    for layout, line in totals["layouts"].items():
        assert line["exact"] == line["indicators"], layout
