"""Each format reader on small inputs built here: merges, shown values, encodings, refusals."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from perfscore.cli import main
from perfscore.errors import FormatError, InputError
from perfscore.app.extract import detect_format
from perfscore.readers import fmt_doc, fmt_docx, fmt_html, fmt_pdf, fmt_xls, fmt_xlsx, fmt_xlsxml
from perfscore.readers.grid import Table, Text
from perfscore.readers.grid_formats import read_document


def _tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


# --- .docx --------------------------------------------------------------------------------------


def _docx_with(tbl_xml: str) -> bytes:
    d = docx.Document()
    d.add_paragraph("前言")
    d.element.body.insert(1, parse_xml(f"<w:tbl {nsdecls('w')}>{tbl_xml}</w:tbl>"))
    d.add_paragraph("")  # empty paragraphs are not text blocks
    d.add_paragraph("结尾")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_vertical_and_horizontal_merges_and_grid_before():
    restart, cont = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    span2, before1 = '<w:gridSpan w:val="2"/>', '<w:trPr><w:gridBefore w:val="1"/></w:trPr>'
    xml = (f"<w:tr>{_tc('产出指标', restart)}{_tc('数量指标')}{_tc('合并', span2)}</w:tr>"
           f"<w:tr>{_tc('', cont)}{_tc('质量指标')}{_tc('a')}{_tc('b')}</w:tr>"
           f"<w:tr>{before1}{_tc('时效指标')}{_tc('c')}{_tc('d')}</w:tr>")
    doc = fmt_docx.read(_docx_with(xml), name="x.docx")
    assert [b.text for b in doc.blocks if isinstance(b, Text)] == ["前言", "结尾"]
    assert [b.where for b in doc.blocks if isinstance(b, Text)] == ["第1段", "第3段"]  # the empty one counted
    (t,) = _tables(doc)
    assert t.where == "第1个表格"
    assert t.grid() == [["产出指标", "数量指标", "合并", "合并"], ["产出指标", "质量指标", "a", "b"],
                        ["", "时效指标", "c", "d"]]
    assert t.at(1, 0).rowspan == 2 and t.at(2, 0) is None  # the merge ends where the row does not continue it
    assert t.row_texts(0) == ["产出指标", "数量指标", "合并"]


def test_docx_deleted_revision_not_read_and_breaks_are_lines():
    xml = ('<w:tr><w:tc><w:p><w:r><w:t>≥</w:t></w:r><w:del w:id="1" w:author="x" w:date="2023-01-01T00:00:00Z">'
           '<w:r><w:delText>90</w:delText></w:r></w:del><w:r><w:t>95%</w:t></w:r></w:p>'
           '<w:p><w:r><w:t>第二段</w:t><w:br/><w:t>换行</w:t></w:r></w:p>'
           '<w:p><w:moveFrom w:id="2" w:author="x" w:date="2023-01-01T00:00:00Z"><w:r><w:t>移走</w:t></w:r></w:moveFrom>'
           '<w:moveTo w:id="3" w:author="x" w:date="2023-01-01T00:00:00Z"><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>'
           '</w:tc></w:tr>')
    (t,) = _tables(fmt_docx.read(_docx_with(xml), name="x.docx"))
    assert t.at(0, 0).text == "≥95%\n第二段\n换行\n移来"


def test_docx_refusals_name_the_file():
    with pytest.raises(FormatError, match="x.docx"):
        fmt_docx.read(b"PK\x03\x04broken", name="x.docx")


# --- .doc ---------------------------------------------------------------------------------------


def test_doc_without_libreoffice_says_how_to_save_as_docx(monkeypatch):
    monkeypatch.setattr(fmt_doc, "soffice", lambda: None)
    with pytest.raises(FormatError) as err:
        fmt_doc.read(b"\xd0\xcf\x11\xe0", name="目标.doc")
    text = str(err.value)
    assert "目标.doc" in text and "LibreOffice" in text and "另存为" in text and ".docx" in text


def test_doc_libreoffice_failure_is_a_clear_error():
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice 未安装")
    with pytest.raises(FormatError, match="无法转换|已损坏"):
        fmt_doc.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="坏.doc")


# --- OLE: .doc or .xls --------------------------------------------------------------------------


def test_broken_ole_file_is_a_clear_error():
    with pytest.raises(FormatError, match="旧版 Office.*已损坏") as err:
        detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="a.xls")
    assert "另存为" in err.value.hint


# --- .xlsx --------------------------------------------------------------------------------------


def _xlsx(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_values_as_excel_shows_them_and_dates_with_their_serial():
    def build(wb):
        ws = wb.active
        ws.title = "目标"
        cells = [(0.95, "0%"), (0.955, "0.0%"), (12.0, "0.00"), (1200, "#,##0"), (35.0, "General"),
                 (1.5, "General"), (dt.datetime(2023, 1, 5), "yyyy/m/d"), (dt.datetime(2023, 12, 31), 'yyyy"年"m"月"d"日"'),
                 (dt.datetime(2023, 1, 5), "m月d日"), ("≥95%", "General"), (0.1 + 0.2, "General")]
        for k, (value, fmt) in enumerate(cells, start=1):
            ws.cell(1, k, value).number_format = fmt
        hidden = wb.create_sheet("旧版")
        hidden["A1"] = "不读"
        hidden.sheet_state = "hidden"

    (t,) = _tables(fmt_xlsx.read(_xlsx(build), name="x.xlsx"))
    assert t.where == "工作表「目标」"
    assert t.row_texts(0) == ["95%", "95.5%", "12.00", "1,200", "35", "1.5", "2023/1/5", "2023年12月31日",
                              "1月5日", "≥95%", "0.3"]
    assert t.at(0, 6).excel_serial == 44931.0 and t.at(0, 6).number_format == "yyyy/m/d"
    assert t.at(0, 8).excel_serial == 44931.0
    assert t.at(0, 0).excel_serial is None and t.at(0, 0).number_format == "0%"


def test_xlsx_escaped_carriage_returns_are_line_breaks():
    """Excel stores a carriage return as _x000D_, which openpyxl leaves in the text."""
    data = _xlsx(lambda wb: wb.active.append(["1.第一项_x000D_\n2.第二项", "a\r\nb"]))
    (t,) = _tables(fmt_xlsx.read(data, name="x.xlsx"))
    assert t.row_texts(0) == ["1.第一项\n2.第二项", "a\nb"]


def test_xlsx_merged_ranges_are_one_cell():
    def build(wb):
        ws = wb.active
        ws["B2"] = "产出指标"
        ws.merge_cells("B2:B4")
        ws.merge_cells("C2:D2")  # merged, nothing typed
        ws["C3"] = "数量指标"

    (t,) = _tables(fmt_xlsx.read(_xlsx(build), name="x.xlsx"))
    assert t.at(3, 1).text == "产出指标" and t.at(3, 1).rowspan == 3 and (t.at(3, 1).row, t.at(3, 1).col) == (1, 1)
    assert t.at(1, 3).colspan == 2 and t.at(1, 3).text == ""
    assert t.at(0, 0) is None


def test_xlsx_long_table_is_recognised():
    def build(wb):
        ws = wb.active
        ws.append(["项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值"])

    assert fmt_xlsx.has_long_table_header(_xlsx(build), name="x.xlsx")
    assert not fmt_xlsx.has_long_table_header(_xlsx(lambda wb: wb.active.append(["项目名称", "某项目"])), name="y.xlsx")


# --- .xls ---------------------------------------------------------------------------------------


def test_xls_dates_percent_and_merges(tmp_path):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice 未安装（Debian 包 libreoffice-calc-nogui），无法生成 .xls")

    def build(wb):
        ws = wb.active
        ws.title = "表1"
        ws["A1"] = "产出指标"
        ws.merge_cells("A1:A2")
        ws["B1"] = 0.95
        ws["B1"].number_format = "0%"
        ws["B2"] = dt.datetime(2023, 1, 5)
        ws["B2"].number_format = "yyyy/m/d"

    data = fmt_doc.convert(_xlsx(build), name="x.xlsx", to="xls", suffix=".xlsx")
    assert detect_format(data, name="x.bin") == "xls"
    (t,) = _tables(fmt_xls.read(data, name="x.xls"))
    assert t.where == "工作表「表1」"
    assert t.grid() == [["产出指标", "95%"], ["产出指标", "2023/1/5"]]
    assert t.at(1, 1).excel_serial == 44931.0


def test_xls_broken_is_a_clear_error():
    with pytest.raises(FormatError, match="旧版 Excel") as err:
        fmt_xls.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="a.xls")
    assert ".xlsx" in err.value.hint


# --- .html --------------------------------------------------------------------------------------


PAGE = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">
<title>不读</title><style>td {{color: red}}</style><script>var a = "<table>";</script></head><body>
<div>项目支出绩效目标表</div><!-- 注释 -->
<table width="100%"><tr><td>
  <p>（2023年度）</p>
  <table border="1">
   <thead><tr><th colspan="2">指标</th><th>指标值</th></tr></thead>
   <tbody><tr><td rowspan="3">产出<br/>指标</td><td>数量&nbsp;指标</td><td>&ge;95&#37;</td></tr>
   <tr><td><span>质量</span><b>指标</b></td><td rowspan="5">100%</td></tr>
   <tr><td>时效指标</td></tr></tbody>
  </table>
</td></tr></table>
<p>填报人：张三</p></body></html>"""


@pytest.mark.parametrize("charset, encoding", [("utf-8", "utf-8"), ("gb2312", "gb18030"), ("GBK", "gbk"),
                                               ("utf-8", "gb18030"),   # wrong declarations: sniffed
                                               ("gb2312", "utf-8"), ("big5", "utf-8")])
def test_html_tables_spans_text_and_encodings(charset, encoding):
    data = PAGE.format(cs=charset).encode(encoding)
    assert detect_format(data, name="x.txt") == "html"
    doc = fmt_html.read(data, name="x.html")
    texts = [b.text for b in doc.blocks if isinstance(b, Text)]
    assert texts == ["项目支出绩效目标表", "（2023年度）", "填报人：张三"]
    (t,) = _tables(doc)  # the layout table around it is read through
    assert t.where == "第1个表格"
    assert t.grid() == [["指标", "指标", "指标值"], ["产出\n指标", "数量 指标", "≥95%"],
                        ["产出\n指标", "质量指标", "100%"], ["产出\n指标", "时效指标", "100%"]]
    assert t.at(2, 2).rowspan == 2  # a rowspan past the table's end is cut at its last row


def test_html_hostile_span_is_refused():
    data = b"<html><body><table><tr><td colspan='100000000'>x</td></tr></table></body></html>"
    with pytest.raises(InputError, match="合并了 100000000"):
        fmt_html.read(data, name="x.html")


def test_html_entities_are_not_declared_or_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    data = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
            "<html><body><table><tr><td>&x;</td></tr></table></body></html>").encode()
    doc = fmt_html.read(data, name="x.html")
    assert "机密" not in repr(doc)


# --- PDF ----------------------------------------------------------------------------------------


def _pdf(html: str) -> bytes:
    weasyprint = pytest.importorskip("weasyprint")
    css = ('@page{size:A4;margin:10mm} body{font-family:"Noto Sans CJK SC";font-size:10pt}'
           "table{border-collapse:collapse} td{border:0.8pt solid #000;padding:2pt}")
    return weasyprint.HTML(string=f"<html><head><style>{css}</style></head><body>{html}</body></html>").write_pdf()


def test_pdf_unruled_table_from_word_positions():
    """A table printed without ruling lines: rows from lines of 3+ column groups, wrapped
    lines (tighter than the rows) joined into their cells, even across several columns."""
    html = ("<style>td{border:none;padding:4pt 10pt;vertical-align:top}</style><p>项目支出绩效目标表</p>"
            "<div style='white-space:pre'>第一部分        1</div>"
            "<table><tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>"
            "<tr><td>产出指标</td><td>数量指标</td><td>培训人数</td><td>≥200人</td></tr>"
            "<tr><td></td><td style='width:25mm'>质量指标质量指标质量指标</td>"
            "<td style='width:40mm'>培训合格率培训合格率培训合格率培训合格率</td><td style='width:15mm'>≥95%或更多更多</td></tr>"
            "<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>学员满意度</td><td>≥90%</td></tr></table>"
            "<p>填报人：张三</p>")
    doc = fmt_pdf.read(_pdf(html), name="x.pdf")
    assert [b.text for b in doc.blocks if isinstance(b, Text)] == ["项目支出绩效目标表", "第一部分\t1", "填报人：张三"]
    (t,) = _tables(doc)
    assert t.where == "第1页第1个表格（无框线，按文字位置读取）"
    assert t.grid() == [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人数", "≥200人"],
                        ["", "质量指标质量指标质量指标", "培训合格率培训合格率培训合格率培训合格率", "≥95%或更多更多"],
                        ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"]]


def test_pdf_wrapped_cell_joined_numbered_items_on_lines():
    html = ("<table><tr><td style='width:30mm'>项目实施内容包括培训宣传和设备购置等多项工作内容</td>"
            "<td>1.第一项<br>2.第二项</td></tr><tr><td>a</td><td>b</td></tr></table>")
    (t,) = _tables(fmt_pdf.read(_pdf(html), name="x.pdf"))
    assert t.at(0, 0).text == "项目实施内容包括培训宣传和设备购置等多项工作内容"
    assert t.at(0, 1).text == "1.第一项\n2.第二项"


def test_pdf_broken_and_limits(monkeypatch):
    with pytest.raises(FormatError, match="PDF 文件已损坏|PDF 中没有任何文字"):
        fmt_pdf.read(b"%PDF-1.4\n%garbage\n", name="x.pdf")
    data = _pdf("<p>一页</p><p style='page-break-before:always'>两页</p>")
    monkeypatch.setattr(fmt_pdf, "MAX_PDF_PAGES", 1)
    with pytest.raises(InputError, match="PDF 有 2 页，超过上限 1 页"):
        fmt_pdf.read(data, name="x.pdf")
    monkeypatch.setattr(fmt_pdf, "MAX_PDF_PAGES", 10)
    monkeypatch.setattr(fmt_pdf, "PDF_TIME_LIMIT_S", 0)
    with pytest.raises(InputError, match="超过 0 秒"):
        fmt_pdf.read(data, name="x.pdf")


# --- Excel 2003 XML, single-file web pages, RTF -------------------------------------------------

SPREADSHEETML = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">
 <Styles><Style ss:ID="s1"><NumberFormat ss:Format="Percent"/></Style>
  <Style ss:ID="s2"><NumberFormat ss:Format="Short Date"/></Style></Styles>
 <Worksheet ss:Name="绩效目标表"><Table>
  <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">项目支出绩效目标表</Data></Cell></Row>
  <Row><Cell ss:MergeDown="1"><Data ss:Type="String">产出指标</Data></Cell><Cell><Data ss:Type="String">数量指标</Data></Cell>
   <Cell ss:StyleID="s1"><Data ss:Type="Number">0.95</Data></Cell></Row>
  <Row><Cell ss:Index="2"><Data ss:Type="String">时效指标</Data></Cell>
   <Cell ss:StyleID="s2"><Data ss:Type="DateTime">2023-01-05T00:00:00.000</Data></Cell></Row>
  <Row ss:Index="5"><Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><Font>富</Font><B>文本</B></ss:Data></Cell>
   <Cell><Data ss:Type="Number">1200</Data></Cell></Row>
 </Table></Worksheet>
 <Worksheet ss:Name="隐藏"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>
 </Worksheet>
</Workbook>"""


def test_excel_2003_xml_saved_as_xls():
    data = SPREADSHEETML.encode("utf-8")
    assert detect_format(data, name="导出.xls") == "xlsxml"
    doc = read_document(data, name="导出.xls", fmt="xlsxml")
    assert doc.format == "xls"
    (t,) = _tables(doc)  # the hidden sheet is not read
    assert t.where == "工作表「绩效目标表」"
    assert t.grid() == [["项目支出绩效目标表"] * 3, ["产出指标", "数量指标", "95.00%"], ["产出指标", "时效指标", "2023/1/5"],
                        ["", "", ""], ["富文本", "1200", ""]]
    assert t.at(2, 2).excel_serial == 44931.0 and t.at(2, 0).rowspan == 2


def test_excel_2003_xml_with_entity_declarations_is_refused():
    data = SPREADSHEETML.replace('<?mso-application progid="Excel.Sheet"?>',
                                 '<!DOCTYPE Workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>').encode()
    with pytest.raises(FormatError, match="DOCTYPE/ENTITY"):
        fmt_xlsxml.read(data, name="x.xls")


MHTML = b"""From: <Saved by Blink>
Subject: =?utf-8?Q?=E7=BB=A9=E6=95=88?=
MIME-Version: 1.0
Content-Type: multipart/related;
\ttype="text/html";
\tboundary="----B----"

------B----
Content-Type: text/html
Content-Transfer-Encoding: quoted-printable

<html><head><meta charset=3D"utf-8"></head><body><p>=E6=A0=87=E9=A2=98</p><table><tr><td rowspan=3D"2">=E4=BA=
=A7=E5=87=BA</td><td>a</td></tr><tr><td>b</td></tr></table></body></html>
------B----
Content-Type: image/png
Content-Transfer-Encoding: base64

iVBORw0KGgo=
------B------
"""


def test_single_file_web_page_mhtml():
    assert detect_format(MHTML, name="页面.mhtml") == "html"
    doc = fmt_html.read(MHTML, name="页面.mhtml")
    assert [b.text for b in doc.blocks if isinstance(b, Text)] == ["标题"]
    assert _tables(doc)[0].grid() == [["产出", "a"], ["产出", "b"]]


def test_rtf_is_read_through_libreoffice():
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice 未安装")

    rtf = (rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0 SimSun;}}\f0 \trowd\cellx2000\cellx4000 "
           rb"\intbl \'b2\'fa\'b3\'f6\cell \intbl 95%\cell\row \pard \'b1\'ea\'cc\'e2\par}")
    assert detect_format(rtf, name="目标.doc") == "rtf"
    doc = read_document(rtf, name="目标.rtf", fmt="rtf")
    assert doc.format == "doc"
    assert _tables(doc)[0].grid() == [["产出", "95%"]]
    assert [b.text for b in doc.blocks if isinstance(b, Text)] == ["标题"]


def test_pdf_text_without_unicode_mapping_is_refused(monkeypatch):
    """Glyphs without a ToUnicode map come out of pdfminer as (cid:N): refused, not read as text."""
    data = _pdf("<p>绩效目标表</p>")
    real = fmt_pdf._page_blocks

    def unmapped(page, page_no):
        items, images, chars = real(page, page_no)
        return items, images, [{**c, "text": "(cid:1234)"} for c in chars]

    monkeypatch.setattr(fmt_pdf, "_page_blocks", unmapped)
    with pytest.raises(FormatError, match=r"PDF 中的文字无法还原（5 个字符") as err:
        fmt_pdf.read(data, name="x.pdf")
    assert "原件" in err.value.hint


def test_pdf_header_repeated_on_each_page_is_read_once():
    """A long table over three pages whose header row is printed again on each page
    (Word's 重复标题行, a browser's <thead>): one table, one header, every data row once."""
    rows = "".join(f"<tr><td>产出指标</td><td>数量指标</td><td>指标{i}</td><td>≥{i}个</td></tr>" for i in range(60))
    html = ("<style>@page{size:A5} th{border:0.8pt solid #000;padding:2pt}</style><table><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>"
            f"<th>指标值</th></tr></thead><tbody>{rows}</tbody></table>")
    data = _pdf(html)
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 3
    (t,) = _tables(fmt_pdf.read(data, name="x.pdf"))
    grid = t.grid()
    assert grid[0] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert [r[3] for r in grid[1:]] == [f"≥{i}个" for i in range(60)]


@pytest.mark.parametrize("parts, words", [
    ({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"}, ["OFD 版式文件", "PDF"]),
    ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, ["OpenDocument", ".docx"]),
    ({"xl/workbook.bin": b"\x83\x01\x00", "[Content_Types].xml": b"<Types/>"}, [".xlsb", "另存为 .xlsx"]),
])
def test_other_zip_documents_say_what_they_are(tmp_path, capsys, parts, words):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    src = tmp_path / "目标.zip"
    src.write_bytes(buf.getvalue())
    assert main(["extract", str(src)]) == 1
    err = capsys.readouterr().err
    assert "目标.zip" in err and all(w in err for w in words) and "Traceback" not in err


def test_xlsx_too_large_for_a_form_is_refused_not_loaded(monkeypatch):
    monkeypatch.setattr(fmt_xlsx, "MAX_FORM_SHEET_XML", 100)
    data = _xlsx(lambda wb: [wb.active.append(["项目名称", f"第{i}行"]) for i in range(20)])
    with pytest.raises(FormatError, match="工作簿很大.*不是绩效目标长表") as err:
        fmt_xlsx.read(data, name="大.xlsx")
    assert "大.xlsx" in str(err.value)


def test_docx_older_horizontal_merge():
    restart, cont = '<w:hMerge w:val="restart"/>', "<w:hMerge/>"
    xml = (f"<w:tr>{_tc('项目名称', restart)}{_tc('', cont)}{_tc('某项目')}</w:tr>"
           f"<w:tr>{_tc('a')}{_tc('b')}{_tc('c')}</w:tr>")
    (t,) = _tables(fmt_docx.read(_docx_with(xml), name="x.docx"))
    assert t.at(0, 1).text == "项目名称" and t.at(0, 0).colspan == 2
    assert t.grid() == [["项目名称", "项目名称", "某项目"], ["a", "b", "c"]]


def test_pdf_texts_of_adjacent_cells_stay_apart():
    """A number right-aligned against the next cell's text, closer than pdfplumber's word gap:
    characters, not words, are placed in cells."""
    html = ("<table style='width:60mm'><tr><td style='padding:0;text-align:right'>56.25</td>"
            "<td style='padding:0'>其他资金</td><td style='padding:0;text-align:right'>≥95%</td>"
            "<td style='padding:0'>万元</td></tr><tr><td>a</td><td>b</td><td>c</td><td>d</td></tr></table>")
    data = _pdf(html)
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # the premise: as words, they run together
        assert "56.25其他资金" in [w["text"] for w in pdf.pages[0].extract_words()]
    (t,) = _tables(fmt_pdf.read(data, name="x.pdf"))
    assert t.row_texts(0) == ["56.25", "其他资金", "≥95%", "万元"]


def test_doc_conversion_that_hangs_is_stopped(monkeypatch, tmp_path):
    """A LibreOffice that never finishes (a hostile .doc) is killed with its children."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60 &\nsleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(fmt_doc, "soffice", lambda: str(fake))
    monkeypatch.setattr(fmt_doc, "CONVERT_TIMEOUT_S", 1)
    with pytest.raises(FormatError, match="超过 1 秒未完成") as err:
        fmt_doc.read(b"\xd0\xcf\x11\xe0", name="慢.doc")
    assert "另存为" in err.value.hint


def test_html_form_fields_show_their_values():
    """A page saved from a budget system's web form: the targets are in input fields."""
    page = ("<html><body><form><p>项目名称：<input type='text' value='职业技能培训'></p><table>"
            "<tr><td>三级指标</td><td>指标值</td><td>指标性质</td></tr>"
            "<tr><td><input value='培训人数'></td><td><input type='text' value='≥200人'><input type='hidden' value='id7'></td>"
            "<td><select><option>≤</option><option selected>≥</option></select></td></tr>"
            "<tr><td><textarea>合格率</textarea></td><td><input type='number' value='95'></td>"
            "<td><select><option>＝</option><option>≥</option></select></td></tr></table></form></body></html>")
    doc = fmt_html.read(page.encode("utf-8"), name="x.html")
    assert [b.text for b in doc.blocks if isinstance(b, Text)] == ["项目名称：职业技能培训"]
    assert _tables(doc)[0].grid() == [["三级指标", "指标值", "指标性质"], ["培训人数", "≥200人", "≥"],
                                      ["合格率", "95", "＝"]]


def test_html_saved_by_ie_with_a_leading_comment_is_a_web_page():
    page = ("<!-- saved from url=(0053)http://czj.example.gov.cn/art/2023/1/5/art_1.html -->\r\n"
            "<html><head><meta charset='gb2312'></head><body><table><tr><td>指标值</td></tr></table></body></html>")
    data = page.encode("gb18030")
    assert detect_format(data, name="目标.htm") == "html"
    assert _tables(fmt_html.read(data, name="目标.htm"))[0].grid() == [["指标值"]]


def test_pdf_table_runs_on_over_page_numbers_and_running_headers():
    """页眉/页脚 (a running header, a page number) between the parts of a table do not end it."""
    rows = "".join(f"<tr><td>产出指标</td><td>数量指标</td><td>指标{i}</td><td>≥{i}个</td></tr>" for i in range(60))
    html = ("<style>@page{size:A5; @bottom-center{content:'- ' counter(page) ' -'} "
            "@top-center{content:'某单位2023年绩效目标'}}</style><table><tr><td>一级指标</td><td>二级指标</td>"
            f"<td>三级指标</td><td>指标值</td></tr>{rows}</table>")
    doc = fmt_pdf.read(_pdf(html), name="x.pdf")
    (t,) = _tables(doc)
    assert t.n_rows == 61 and [r[3] for r in t.grid()[1:]] == [f"≥{i}个" for i in range(60)]
    texts = [b.text for b in doc.blocks if isinstance(b, Text)]
    assert "- 1 -" in texts and "- 3 -" in texts and texts.count("某单位2023年绩效目标") >= 3  # kept, as text
