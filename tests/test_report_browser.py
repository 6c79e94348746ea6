"""The report in a real browser: headless Chromium opens it without console
errors, the first screen holds content, and the print layout (A4, one project per
page, repeated table headers) comes out of --print-to-pdf.

Skipped with a reason when Chromium or poppler is absent; CI installs both."""

from __future__ import annotations

import re

import pytest

from perfscore.writers.html import render_report, write_report
from test_report_sample import long_project_evaluation, sample_evaluation, sample_targets
from test_report_support import (
    chromium,
    colours,
    console_errors,
    ink_share,
    page_texts,
    project_starts,
    render_page,
    require,
    run,
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    path = write_report(sample_evaluation(), out, targets=sample_targets())[0]
    return path


def test_console_detector_sees_an_error(tmp_path):
    # The check below is only worth something if a broken page does trip it.
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>undefinedFunction();</script>", encoding="utf-8")
    result = chromium(["--dump-dom", bad.as_uri()], tmp_path)
    assert any("Uncaught" in line for line in console_errors(result.stderr)), result.stderr


def test_chromium_opens_the_report_without_console_errors(report, tmp_path):
    result = chromium(["--dump-dom", report.as_uri()], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_errors(result.stderr) == []
    dom = result.stdout
    # What the browser built holds the report, not an error page.
    assert "测试街道办事处2023年度预算绩效自评报告" in dom
    for name in ("街道体制经费", "社区工作经费", "&lt;script&gt;alert('x')&lt;/script&gt;防疫经费"):
        assert name in dom
    assert "<script" not in dom.lower()


def test_first_screen_screenshot_holds_content(report, tmp_path):
    shot = tmp_path / "first-screen.png"
    result = chromium(["--window-size=1280,900", f"--screenshot={shot}", report.as_uri()], tmp_path)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as im:
        assert im.size == (1280, 900)
        # The title sits top left: dark text pixels in that band.
        title_band = im.convert("L").crop((30, 20, 640, 70))
        assert title_band.getextrema()[0] < 80
    assert ink_share(shot) > 0.04          # tables, cards and text, not a blank page
    assert colours(shot) > 50               # anti-aliased text and coloured marks


def test_print_layout_pdf(report, tmp_path):
    require("pdftoppm")
    pdf = tmp_path / "print.pdf"
    result = chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri()], tmp_path)
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    info = run(["pdfinfo", str(pdf)]).stdout
    assert re.search(r"Page size:.*\(A4\)", info), info
    png = render_page(pdf, 1, tmp_path / "print-p1")
    assert ink_share(png) > 0.03 and colours(png) > 20
    pages = page_texts(pdf)
    # Each project's 自评表 starts a page of its own.
    starts = project_starts(pages)
    assert len(starts) == 3, [p[:40] for p in pages]


def test_print_repeats_the_indicator_header_on_every_page(tmp_path):
    require("pdftotext")
    html = tmp_path / "long.html"
    html.write_text(render_report(long_project_evaluation(70)), encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    result = chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()], tmp_path)
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    pages = page_texts(pdf)
    # The long project is the last one: from the page its 自评表 starts on, every
    # page holding rows of its table (三级 names with a 3-digit suffix).
    last_start = project_starts(pages)[-1]
    long_pages = [p for p in pages[last_start:] if re.search(r"(培训人次|任务指标达标率|居民满意度)\d{3}", p)]
    assert len(long_pages) >= 2, "the 70-indicator table should span pages"
    for text in long_pages:
        assert "偏差原因分析及改进措施" in text and "三级指标" in text
        assert "绩效指标·社区工作经费" in text
