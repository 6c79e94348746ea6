"""Every format into the grid model: the committed fixtures (one document rendered from the
grid model by tests/fixtures/targets_formats/make_fixtures.py) read back to the same grid
and extract to the same targets as the sample's text export."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from perfscore.cli import main
from perfscore.errors import FormatError
from perfscore.app.extract import detect_format, extract
from perfscore.readers.grid import Table, Text
from perfscore.readers import fmt_docx
from perfscore.readers.fmt_doc import convert
from perfscore.readers.grid_formats import read_document
from test_report_support import office_to_pdf

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "targets_formats"
SEED = ROOT / "data" / "yanshan-2023" / "000_9a0311abce8b0d69.txt"
sys.path.insert(0, str(FIXTURES))  # the fixture script's builders
import make_fixtures  # noqa: E402

WANT = json.loads((FIXTURES / "sample.grid.json").read_text(encoding="utf-8"))

# fixture → (format detected from its bytes, rows above the table in its sheet)
FILES = {
    "sample.docx": ("docx", 0),
    "sample.doc": ("doc", 0),
    "sample.xlsx": ("xlsx", 1),
    "sample.xls": ("xls", 1),
    "sample.html": ("html", 0),
    "sample_gbk.htm": ("html", 0),
    "sample.pdf": ("pdf", 0),
}


def _needs(name: str) -> None:
    if name.endswith(".doc") and not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice 未安装（Debian 包 libreoffice-writer-nogui，见 .ci/run），跳过 .doc 测试")


def _shown(table: Table, offset: int) -> list[list]:
    """The cells a reader must give: every non-empty or merged cell, rows shifted by ``offset``."""
    return [[c.text, c.row - offset, c.col, c.rowspan, c.colspan] for c in table.cells
            if (c.text or c.rowspan > 1 or c.colspan > 1) and c.row >= offset]


@pytest.fixture(scope="module")
def seed_projects():
    return [p.model_dump() for p in extract(SEED, checks=False).projects[:2]]


@pytest.mark.parametrize("name", FILES)
def test_detected_by_content(name):
    data = (FIXTURES / name).read_bytes()
    assert detect_format(data, name=name) == FILES[name][0]
    assert detect_format(data, name="绩效目标表.bin") == FILES[name][0]  # the name plays no part


@pytest.mark.parametrize("name", FILES)
def test_each_format_gives_the_same_grid(name):
    _needs(name)
    fmt, offset = FILES[name]
    doc = read_document((FIXTURES / name).read_bytes(), name=name, fmt=fmt)
    assert doc.format == fmt and doc.name == name
    tables = doc.tables()
    assert len(tables) == len(WANT["tables"])
    for want, got in zip(WANT["tables"], tables):
        expected = [c for c in want["cells"] if c[0] or c[3] > 1 or c[4] > 1]
        assert _shown(got, offset) == expected, got.where
        # merged cells are one cell covering their slots: the 一级 of the indicator rows
        level1 = next(c for c in got.cells if c.text == "产出指标")
        assert level1.rowspan == 4 and got.at(level1.row + 3, 0) is level1
    if fmt in ("xlsx", "xls"):
        assert [t.where for t in tables] == ["工作表「项目1」", "工作表「项目2」"]
        assert tables[0].at(0, 0).text == "1.2022年街道体制经费绩效目标表"  # the sheet's title line
    else:
        texts = [b.text for b in doc.blocks if isinstance(b, Text)]
        assert [t for t in WANT["texts"]] == [t for t in texts if t in WANT["texts"]]
        assert "1.2022年街道体制经费绩效目标表" in texts


@pytest.mark.parametrize("name", FILES)
def test_each_format_extracts_as_the_text_export(name, seed_projects):
    _needs(name)
    targets = extract(FIXTURES / name, checks=False)
    assert targets.source["format"] == FILES[name][0] and targets.source["file"] == name
    assert [p.model_dump() for p in targets.projects] == seed_projects
    assert targets.indicator_count() == 14
    assert [i.target for i in targets.projects[0].indicators][:4] == ["≥100个", "优", "2023年底前完成", "≤46875元/月"]


def test_pdf_table_over_a_page_break_is_one_table():
    doc = read_document((FIXTURES / "sample.pdf").read_bytes(), name="sample.pdf", fmt="pdf")
    second = doc.tables()[1]
    assert second.where == "第1页第2个表格" and second.n_rows == 15  # 8 header rows + 7 indicators, 2 pages
    cut = second.at(4, 0)  # 资金支出计划（%）, cut by the page break, runs on over its 2 rows
    assert cut.text == "资金支出计划（%）" and cut.rowspan == 2


def test_scan_is_refused_as_a_scan(tmp_path, capsys):
    src = tmp_path / "扫描件.pdf"
    src.write_bytes((FIXTURES / "scan.pdf").read_bytes())
    assert main(["extract", str(src), "-o", str(tmp_path / "t.json")]) == 1
    err = capsys.readouterr().err
    assert "扫描件.pdf" in err and "扫描件（每页只是图片）" in err and "OCR" in err and "Word" in err
    assert "Traceback" not in err and not (tmp_path / "t.json").exists()


@pytest.mark.parametrize("name, as_name", [("sample.pdf", "绩效目标表.docx"), ("sample.xls", "绩效目标表.xlsx"),
                                           ("sample.html", "绩效目标表.xls"), ("sample.docx", "绩效目标表.doc")])
def test_a_wrong_extension_does_not_matter(tmp_path, name, as_name, seed_projects):
    _needs(name)
    src = tmp_path / as_name
    src.write_bytes((FIXTURES / name).read_bytes())
    targets = extract(src, checks=False)
    assert [p.model_dump() for p in targets.projects] == seed_projects


def test_cli_extract_pdf(tmp_path, capsys):
    out = tmp_path / "targets.json"
    assert main(["extract", str(FIXTURES / "sample.pdf"), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["source"]["format"] == "pdf" and data["source"]["file"] == "sample.pdf"
    assert len(data["projects"]) == 2


def test_not_a_targets_document_says_how_it_was_read(tmp_path):
    src = tmp_path / "page.html"
    src.write_text("<html><body><table><tr><td>项目</td><td>金额</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(FormatError, match=r"网页（HTML）"):
        extract(src, checks=False)


@pytest.mark.parametrize("name", ["sample.docx", "sample.xlsx"])
def test_pdf_printed_by_libreoffice_extracts_as_the_text_export(tmp_path, name, seed_projects):
    """Another PDF producer than WeasyPrint: the Word and Excel fixtures printed to PDF by
    LibreOffice (ruling drawn as rectangles, other fonts and column sizes)."""
    src = tmp_path / name
    src.write_bytes((FIXTURES / name).read_bytes())
    pdf = office_to_pdf(src, tmp_path / "pdf")
    targets = extract(pdf, checks=False)
    assert targets.source["format"] == "pdf"
    assert [p.model_dump() for p in targets.projects] == seed_projects


LONG_HEADER = ["项目编码", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "年度指标值", "分值"]
LONG_ROWS = [
    ["P-A", "街道体制经费", "56.25", "产出指标", "数量指标", "宣传品数量", "≥100个", "20"],
    ["P-A", "街道体制经费", "56.25", "产出指标", "成本指标", "最小成本完成工作", "≤46875元/月", "30"],
    ["P-A", "街道体制经费", "56.25", "满意度指标", "服务对象满意度指标", "居民满意度", "≥95%", "10"],
    ["P-B", "防疫工作经费", "15.62", "产出指标", "数量指标", "疫苗接种率", "≥90%", ""],
]


def _long_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["2023年项目绩效目标"])  # a title line above the header
    for row in [LONG_HEADER, *LONG_ROWS]:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_long_table_as_xls_and_as_web_page_reads_as_the_xlsx(tmp_path):
    """A long table (one row per indicator) saved as .xls, as Excel 2003 XML or as a web page
    goes to the long-table reader, as the .xlsx does."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice 未安装（Debian 包 libreoffice-calc-nogui），无法生成 .xls")
    xlsx = _long_xlsx()
    (tmp_path / "长表.xlsx").write_bytes(xlsx)
    (tmp_path / "长表.xls").write_bytes(convert(xlsx, name="长表.xlsx", to="xls", suffix=".xlsx"))
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in [LONG_HEADER, *LONG_ROWS])
    (tmp_path / "长表.html").write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    xml_rows = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{c}</Data></Cell>' for c in r) + "</Row>"
                       for r in [LONG_HEADER, *LONG_ROWS])
    (tmp_path / "导出.xls").write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="长表"><Table>'
        f"{xml_rows}</Table></Worksheet></Workbook>", encoding="utf-8")
    want = extract(tmp_path / "长表.xlsx", checks=False)
    assert want.source["format"] == "xlsx" and want.indicator_count() == 4
    for name, fmt in (("长表.xls", "xls"), ("长表.html", "html"), ("导出.xls", "xlsxml")):
        got = extract(tmp_path / name, checks=False)
        assert got.source["format"] == fmt
        assert got.model_dump(exclude={"source"}) == want.model_dump(exclude={"source"}), name


def test_a_corpus_document_rendered_in_every_format_reads_back_the_same_grid():
    """make_fixtures.expected_document: a corpus document's expectations as a published
    table, rendered by each library and read back (targets kept exactly as printed)."""
    expected = {"projects": [{"name": "职业技能培训", "code": None, "indicators": 4,
                              "targets": ["≥200人", "≥95％", "≤***元", "2023年12月31日前"],
                              "level1": ["产出指标", "产出指标", "成本指标", "效益指标"],
                              "level3": ["培训人数", "培训合格率", "人均培训成本", "完成时间"]}]}
    doc = make_fixtures.expected_document(expected, name="x")
    (want,) = doc.tables()
    assert want.at(3, 0).text == "产出指标" and want.at(3, 0).rowspan == 2
    page = make_fixtures.to_html(doc)
    renders = {"docx": make_fixtures.to_docx(doc), "xlsx": make_fixtures.to_xlsx(doc),
               "html": page.encode("utf-8"), "pdf": make_fixtures.html_to_pdf(page)}
    for fmt, data in renders.items():
        assert detect_format(data, name="x") == fmt
        (got,) = read_document(data, name=f"x.{fmt}", fmt=fmt).tables()
        offset = 1 if fmt == "xlsx" else 0  # the sheet's title line
        assert _shown(got, offset) == _shown(want, 0), fmt


def test_pdf_of_a_table_without_ruling_lines_printed_by_libreoffice(tmp_path, seed_projects):
    """The Word fixture with its ruling removed, printed by LibreOffice: the table is read from
    word positions (rows and lines equally spaced inside, wrapped cells told from rows by
    text that filled its column); the first project's indicators come out as printed."""
    doc = docx.Document(io.BytesIO(make_fixtures.to_docx(make_fixtures.sample_document(1))))
    for table in doc.tables:
        table.style = doc.styles["Normal Table"]  # no borders
    buf = io.BytesIO()
    doc.save(buf)
    src = tmp_path / "无框线.docx"
    src.write_bytes(buf.getvalue())
    pdf = office_to_pdf(src, tmp_path / "pdf")
    document = read_document(pdf.read_bytes(), name="无框线.pdf", fmt="pdf")
    assert document.tables() and all(t.where.endswith("（无框线，按文字位置读取）") for t in document.tables())
    (project,) = extract(pdf, checks=False).projects
    want = seed_projects[0]["indicators"]
    assert [(i.level1, i.level3, i.target) for i in project.indicators] == \
        [(i["level1"], i["level3"], i["target"]) for i in want]
