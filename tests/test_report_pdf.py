"""The PDF through WeasyPrint: a CJK font embedded, the first page renders, each
project on a page of its own, table headers repeated, the same bytes every time.

Skipped with a reason when WeasyPrint (the `pdf` extra) or poppler is absent."""

from __future__ import annotations

import re

import pytest

from perfscore.writers.html import render_report, write_report
from perfscore.writers.pdf import html_to_pdf
from test_report_sample import long_project_evaluation, sample_evaluation, sample_targets
from test_report_support import (
    colours,
    ink_share,
    page_texts,
    project_starts,
    render_page,
    require,
    run,
)

pytest.importorskip("weasyprint", reason="WeasyPrint 未安装（pip install 'perfscore[pdf]'），跳过PDF测试")

CJK_FONT = re.compile(r"Noto.?Sans.?CJK|Noto.?Serif.?CJK|WenQuanYi|WQY", re.IGNORECASE)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    written = write_report(sample_evaluation(), out, pdf=True, targets=sample_targets())
    assert [p.name for p in written] == ["report.html", "report.pdf"]
    return written[1]


def _fonts(pdf_path) -> list[dict[str, str]]:
    """pdffonts' table as records, split on the column spans of its dashed rule
    (font types contain spaces)."""
    require("pdffonts")
    result = run(["pdffonts", str(pdf_path)])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in spans]
    return [{n: row[a:b + 1].strip() for n, (a, b) in zip(names, spans)} for row in rows if row.strip()]


def test_pdf_embeds_a_cjk_font(pdf):
    fonts = _fonts(pdf)
    cjk = [f for f in fonts if CJK_FONT.search(f["name"])]
    assert cjk, fonts
    assert all(f["emb"] == "yes" for f in cjk), cjk
    # Nothing falls back to a font that is not embedded.
    assert all(f["emb"] == "yes" for f in fonts), fonts


def test_pdf_first_page_renders(pdf, tmp_path):
    png = render_page(pdf, 1, tmp_path / "p1", dpi=50)
    assert ink_share(png) > 0.03 and colours(png) > 20


def test_pdf_pages_are_a4_and_each_project_starts_a_page(pdf):
    info = run(["pdfinfo", str(pdf)]).stdout
    assert re.search(r"Page size:.*\(A4\)", info), info
    pages = page_texts(pdf)
    starts = project_starts(pages)
    assert len(starts) == 3
    # The department page's chart text is real text in the PDF (CJK in SVG).
    department = "".join(pages[:starts[0]])
    assert "计划累计支出" in department and "3月底" in department
    names = ["街道体制经费", "<script>alert('x')</script>防疫经费", "社区工作经费"]
    for start, name in zip(starts, names):
        assert name in pages[start]


def test_pdf_repeats_the_indicator_header_on_every_page(tmp_path):
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(html_to_pdf(render_report(long_project_evaluation(70))))
    pages = page_texts(pdf)
    last_start = project_starts(pages)[-1]
    long_pages = [p for p in pages[last_start:] if re.search(r"(培训人次|任务指标达标率|居民满意度)\d{3}", p)]
    assert len(long_pages) >= 2
    for text in long_pages:
        assert "偏差原因分析及改进措施" in text and "三级指标" in text


def test_pdf_is_deterministic(pdf, tmp_path):
    again = write_report(sample_evaluation(), tmp_path, pdf=True, targets=sample_targets())[1]
    assert again.read_bytes() == pdf.read_bytes()


def _overflow(html: str) -> float:
    """How far (in CSS px) the widest laid-out box reaches past the right edge of
    its page's content area, over every page (WeasyPrint's box tree)."""
    import weasyprint

    worst = 0.0
    for page in weasyprint.HTML(string=html, base_url=".").render().pages:
        page_box = page._page_box        # the laid-out page (no public accessor)
        right = page_box.content_box_x() + page_box.width
        for box in page_box.descendants():
            if box is page_box or getattr(box, "width", None) is None or not hasattr(box, "position_x"):
                continue
            if type(box).__name__ == "MarginBox":
                continue
            worst = max(worst, box.position_x + box.margin_width() - right)
    return worst


def test_overflow_detector_sees_a_too_wide_table():
    assert _overflow('<table style="width: 300mm"><tr><td>宽表</td></tr></table>') > 100


def test_no_column_is_clipped_even_with_long_unbroken_text():
    ev = long_project_evaluation(12)
    long_word = "13020823P0001841000" * 6
    ev.projects.loc[0, "project_name"] = "超长项目名称" * 12 + long_word
    ev.indicators.loc[0, "actual"] = "1234567890" * 8 + "个"
    ev.indicators.loc[1, "target"] = "≥" + "9" * 60 + "人次"
    ev.indicators.loc[2, "reason"] = "WWWWWWWWWW" * 12
    ev.indicators.loc[3, "arithmetic"] = "→".join(["100000000.00"] * 12)
    assert _overflow(render_report(ev)) <= 0.01
