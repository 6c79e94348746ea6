"""Binary inputs of the broken-input corpus, built at test time (``generate = "<name>"`` in
cases.toml): workbooks, Word documents, hostile zips. Each function writes ``path``.

Built rather than committed because they are binary and because what makes them broken
(an entity declaration, a forged size in the zip directory) reads better as code.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

# The corpus' small long table (files/targets.csv) as rows, for the .xlsx variants.
HEADER = ["项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "年度"]
ROWS = [
    ["P001", "街道体制经费", "产出指标", "数量指标", "宣传品数量", "≥100个", "120个", "2023"],
    ["P001", "街道体制经费", "产出指标", "质量指标", "验收合格率", "≥95%", "96%", "2023"],
    ["P001", "街道体制经费", "产出指标", "时效指标", "完成时间", "2023年12月31日前完成", "2023-11-30", "2023"],
    ["P001", "街道体制经费", "产出指标", "成本指标", "人均补助", "≤46875元/月", "46000元/月", "2023"],
    ["P001", "街道体制经费", "效益指标", "社会效益指标", "群众知晓率", "≥90%", "92%", "2023"],
    ["P001", "街道体制经费", "满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "95%", "2023"],
]

# --- a minimal .xlsx written by hand: every byte of the XML is under the test's control ---

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="绩效目标" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _col(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):  # ("formula", cached value or None)
        formula, cached = value
        v = "" if cached is None else f"<v>{cached}</v>"
        return f'<c r="{ref}"><f>{escape(formula)}</f>{v}</c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], *, merges: tuple[str, ...] = (), prolog: str = "") -> str:
    body = "".join(
        f'<row r="{r}">' + "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    merge = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
             + "</mergeCells>") if merges else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog
            + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData>{merge}</worksheet>")


def write_xlsx(path: Path, sheet: str, *, extra: dict[str, bytes] | None = None) -> None:
    parts = {
        "[Content_Types].xml": _CT.encode(),
        "_rels/.rels": _RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": sheet.encode("utf-8"),
        **(extra or {}),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())


# --- workbooks -------------------------------------------------------------------------------


def xlsx_longtable(path: Path) -> None:
    """A correct long table as .xlsx (the baseline the broken variants differ from)."""
    write_xlsx(path, sheet_xml([HEADER, *ROWS]))


def xlsx_formulas(path: Path) -> None:
    """Formula cells: one with the value Excel computed and saved (read as that value),
    one never computed (a workbook written by a program): read as blank, never as a number."""
    rows = [list(r) for r in ROWS]
    rows[0][6] = ("100+20", 120)           # Excel showed 120
    rows[1][6] = ("SUM(Z1:Z9)", None)      # no cached value: nothing to read
    write_xlsx(path, sheet_xml([HEADER, *rows]))


def xlsx_merged_odd(path: Path) -> None:
    """Merged cells in odd places: 三级指标 merged down over two indicators (two rows
    then carry one name), and 三级指标 + 年度指标值 merged across on the last row."""
    rows = [list(r) for r in ROWS]
    rows[1][4] = ""          # E3 is covered by the vertical merge E2:E3
    rows[5][5] = ""          # F7 is covered by the horizontal merge E7:F7
    write_xlsx(path, sheet_xml([HEADER, *rows], merges=("E2:E3", "E7:F7")))


def xlsx_two_row_header(path: Path) -> None:
    """A two-row header whose first row merges 绩效指标 over the three levels: no single
    row names both 项目编码 and 三级指标."""
    top = ["项目编码", "项目名称", "绩效指标", "", "", "年度指标值", "实际完成值", "年度"]
    second = ["", "", "一级指标", "二级指标", "三级指标", "", "", ""]
    write_xlsx(path, sheet_xml([top, second, *ROWS], merges=("A1:A2", "B1:B2", "C1:E1", "F1:F2", "G1:G2", "H1:H2")))


def xlsx_header_only(path: Path) -> None:
    write_xlsx(path, sheet_xml([HEADER]))


def xlsx_doctype_entities(path: Path) -> None:
    """Entity expansion ("billion laughs") declared in the worksheet's prolog."""
    prolog = ('<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
              + "]>\n")
    rows = [list(r) for r in ROWS]
    rows[0][4] = "&i;"
    write_xlsx(path, sheet_xml([HEADER, *rows], prolog=prolog).replace("&amp;i;", "&i;"))


def xlsx_external_entity(path: Path) -> None:
    """An external entity (XXE) in the shared strings: would read a local file."""
    sst = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           "<si><t>&xxe;</t></si></sst>")
    write_xlsx(path, sheet_xml([HEADER, *ROWS]), extra={"xl/sharedStrings.xml": sst.encode()})


def xlsx_utf16_doctype(path: Path) -> None:
    """The same declaration hidden by re-encoding the part as UTF-16 (a parser accepts it)."""
    sheet = sheet_xml([HEADER, *ROWS]).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    sheet = sheet.replace("?>\n", '?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n', 1)
    write_xlsx(path, sheet)
    # rewrite the member in UTF-16
    data = Path(path).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"\xff\xfe" + sheet.encode("utf-16-le")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    Path(path).write_bytes(buf.getvalue())


def xlsx_zip_bomb(path: Path) -> None:
    """A member of 16 MiB of zeros packed into ~16 KiB (ratio ~1000:1)."""
    write_xlsx(path, sheet_xml([HEADER, *ROWS]), extra={"xl/media/padding.bin": bytes(16 << 20)})


def xlsx_forged_size(path: Path) -> None:
    """A zip whose directory declares a 3 GiB member (what a bomb unpacks to), forged in place."""
    write_xlsx(path, sheet_xml([HEADER, *ROWS]), extra={"xl/media/big.bin": b"x" * 64})
    data = bytearray(Path(path).read_bytes())
    name = b"xl/media/big.bin"
    at = data.rfind(b"PK\x01\x02")  # central directory entries; the extra part is the last one
    while at != -1:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + n]) == name:
            struct.pack_into("<I", data, at + 24, 3 << 30)  # uncompressed size
            break
        at = data.rfind(b"PK\x01\x02", 0, at)
    Path(path).write_bytes(bytes(data))


def xlsx_many_members(path: Path) -> None:
    """Eleven thousand empty members (a directory-walk / inode exhaustion attempt)."""
    extra = {f"xl/junk/{i}.txt": b"" for i in range(11_000)}
    write_xlsx(path, sheet_xml([HEADER, *ROWS]), extra=extra)


def xlsx_encrypted_member(path: Path) -> None:
    """A zip member flagged as encrypted (a zip password, which Office never uses)."""
    xlsx_longtable(path)
    data = bytearray(Path(path).read_bytes())
    at = data.find(b"PK\x01\x02")
    flags = struct.unpack_from("<H", data, at + 8)[0]
    struct.pack_into("<H", data, at + 8, flags | 0x1)
    Path(path).write_bytes(bytes(data))


# --- Word documents ------------------------------------------------------------------------------


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def docx_no_tables(path: Path) -> None:
    """A Word document with the usual headings but no 绩效目标表 at all."""
    Path(path).write_bytes(_docx_bytes(["丰润区燕山路办事处2023年部门预算绩效文本", "第一部分 部门整体绩效目标",
                                        "（本部分内容另行印发）"]))


def _replace_member(data: bytes, name: str, fn) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = [(i, src.read(i.filename)) for i in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, body in parts:
            dst.writestr(info.filename, fn(body) if info.filename == name else body)
    return buf.getvalue()


def docx_billion_laughs(path: Path) -> None:
    """Entity expansion in word/document.xml."""
    decl = ('<!DOCTYPE w:document [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                      for i in range(1, 10))
            + "]>").encode()

    def inject(body: bytes) -> bytes:
        head, rest = body.split(b"?>", 1)
        return head + b"?>" + decl + rest.replace(b"</w:body>", b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>")

    Path(path).write_bytes(_replace_member(_docx_bytes(["绩效文本"]), "word/document.xml", inject))


def docx_external_entity(path: Path) -> None:
    """An external entity in word/document.xml that would read /etc/passwd."""
    def inject(body: bytes) -> bytes:
        head, rest = body.split(b"?>", 1)
        return (head + b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                + rest.replace(b"</w:body>", b"<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>"))

    Path(path).write_bytes(_replace_member(_docx_bytes(["绩效文本"]), "word/document.xml", inject))


def docx_named_xlsx(path: Path) -> None:
    """A Word document saved under an .xlsx name (as the actuals sheet)."""
    Path(path).write_bytes(_docx_bytes(["实际完成值"]))


def zip_not_office(path: Path) -> None:
    """An ordinary zip archive (e.g. the e-mail attachment of several files) named .xlsx."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("说明.txt", "附件：绩效目标表")
    Path(path).write_bytes(buf.getvalue())


def truncated_xlsx(path: Path) -> None:
    """The first half of a real workbook (a download cut short)."""
    buf = Path(path)
    xlsx_longtable(buf)
    data = buf.read_bytes()
    buf.write_bytes(data[: len(data) // 2])


# --- large text inputs (generated to keep the committed corpus small) ------------------------

FILES = Path(__file__).resolve().parent / "files"


def csv_huge_cell(path: Path) -> None:
    """A 三级指标 cell of 200,000 characters (a paste gone wrong)."""
    base = (FILES / "targets.csv").read_text(encoding="utf-8")
    Path(path).write_text(base.replace("宣传品数量", "宣" * 200_000), encoding="utf-8")


def csv_long_rows(path: Path) -> None:
    """3,000 extra columns of notes on every row."""
    lines = (FILES / "targets.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + "," + ",".join(f"备注{i}" for i in range(3000))]
    out += [line + "," + ",".join("x" for _ in range(3000)) for line in lines[1:]]
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")


def act_huge_cell(path: Path) -> None:
    """An actuals sheet whose quote never closes: the rest of the file becomes one cell."""
    head = "项目编码,项目名称,三级指标,实际完成值,得分,偏差原因分析及改进措施,佐证材料\n"
    Path(path).write_text(head + 'P001,,宣传品数量,"' + "9" * 300_000 + ",,,\n", encoding="utf-8")


# --- workbooks the field produces: stale dimensions, hidden sheets, broken sheet XML -------------

ACT_HEADER = ["项目编码", "三级指标", "实际完成值"]
ACT_ROWS = [[r[0], r[4], r[6]] for r in ROWS]


def write_xlsx_sheets(path: Path, sheets: list[tuple[str, str, str]]) -> None:
    """A workbook of several sheets: (name, sheet XML, state visible/hidden), in that order."""
    ns = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    entries = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"'
        + ("" if state == "visible" else f' state="{state}"') + "/>"
        for n, (name, _, state) in enumerate(sheets, start=1))
    workbook = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns}><sheets>{entries}</sheets></workbook>'
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
                      for n in range(1, len(sheets) + 1)) + "</Relationships>")
    ct = _CT.replace("</Types>", "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(2, len(sheets) + 1)) + "</Types>")
    parts = {"[Content_Types].xml": ct.encode(), "_rels/.rels": _RELS.encode(), "xl/workbook.xml": workbook.encode(),
             "xl/_rels/workbook.xml.rels": rels.encode()}
    parts.update({f"xl/worksheets/sheet{n}.xml": xml.encode() for n, (_, xml, _) in enumerate(sheets, start=1)})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())


def _stale_dimension(xml: str) -> str:
    # Claims the sheet ends at row 3: openpyxl's read-only mode trusts the tag.
    return xml.replace("<sheetData>", '<dimension ref="A1:H3"/><sheetData>', 1)


def xlsx_stale_dimension(path: Path) -> None:
    """A long table whose <dimension> tag says A1:H3 although it has 7 rows."""
    write_xlsx(path, _stale_dimension(sheet_xml([HEADER, *ROWS])))


def act_xlsx_stale_dimension(path: Path) -> None:
    """An actuals workbook whose <dimension> tag says A1:H3 although it has 7 rows."""
    write_xlsx(path, _stale_dimension(sheet_xml([ACT_HEADER, *ACT_ROWS])))


def xlsx_hidden_old_sheet_first(path: Path) -> None:
    """Last year's long table kept as a hidden first sheet, this year's visible after it."""
    old = [r[:4] + ["旧指标" + str(i)] + r[5:] for i, r in enumerate(ROWS[:2])]
    write_xlsx_sheets(path, [("旧版(勿用)", sheet_xml([HEADER, *old]), "hidden"),
                             ("绩效目标", sheet_xml([HEADER, *ROWS]), "visible")])


def act_xlsx_two_sheets(path: Path) -> None:
    """Actuals on two visible sheets (a copy 实际完成值 (2) and Sheet2): which one is meant?"""
    write_xlsx_sheets(path, [("实际完成值 (2)", sheet_xml([ACT_HEADER, *ACT_ROWS[:1]]), "visible"),
                             ("Sheet2", sheet_xml([ACT_HEADER, *ACT_ROWS]), "visible")])


def act_xlsx_with_notes_sheet(path: Path) -> None:
    """A visible 填报说明 sheet before the actuals: only the sheet with the header is read."""
    write_xlsx_sheets(path, [("填报说明", sheet_xml([["请在实际完成值表中填写"]]), "visible"),
                             ("实际完成值", sheet_xml([ACT_HEADER, *ACT_ROWS]), "visible")])


def _truncate(xml: str) -> str:
    return xml[: len(xml) // 2]


def _bad_number(xml: str) -> str:
    return xml.replace("<c r=\"H2\" t=\"inlineStr\"><is><t>2023</t></is></c>", "<c r=\"H2\"><v>12,5abc</v></c>") \
        .replace("<c r=\"C2\" t=\"inlineStr\"><is><t>120个</t></is></c>", "<c r=\"C2\"><v>12,5abc</v></c>")


def _bad_shared_string(xml: str) -> str:
    return xml.replace("<c r=\"C3\" t=\"inlineStr\"><is><t>96%</t></is></c>", "<c r=\"C3\" t=\"s\"><v>999</v></c>") \
        .replace("<c r=\"E3\" t=\"inlineStr\"><is><t>验收合格率</t></is></c>", "<c r=\"E3\" t=\"s\"><v>999</v></c>")


_SST = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>x</t></si></sst>")


def xlsx_truncated_sheet(path: Path) -> None:
    """A long table whose sheet XML stops half-way (a copy interrupted)."""
    write_xlsx(path, _truncate(sheet_xml([HEADER, *ROWS])))


def act_xlsx_truncated_sheet(path: Path) -> None:
    write_xlsx(path, _truncate(sheet_xml([ACT_HEADER, *ACT_ROWS])))


def xlsx_bad_number(path: Path) -> None:
    """A number cell holding text that is no number."""
    write_xlsx(path, _bad_number(sheet_xml([HEADER, *ROWS])))


def act_xlsx_bad_number(path: Path) -> None:
    write_xlsx(path, _bad_number(sheet_xml([ACT_HEADER, *ACT_ROWS])))


def xlsx_bad_shared_string(path: Path) -> None:
    """A shared-string cell pointing past the end of the shared-string table."""
    write_xlsx(path, _bad_shared_string(sheet_xml([HEADER, *ROWS])), extra={"xl/sharedStrings.xml": _SST.encode()})


def act_xlsx_bad_shared_string(path: Path) -> None:
    write_xlsx(path, _bad_shared_string(sheet_xml([ACT_HEADER, *ACT_ROWS])),
               extra={"xl/sharedStrings.xml": _SST.encode()})


def docx_truncated(path: Path) -> None:
    """A Word document whose document.xml stops half-way."""
    data = _docx_bytes(["丰润区燕山路办事处2023年部门预算绩效文本"] * 20)
    Path(path).write_bytes(_replace_member(data, "word/document.xml", lambda b: b[: len(b) // 2]))



def act_csv_named_results(path: Path) -> None:
    """An actuals sheet saved as results.csv: evaluate -o into its folder would replace it."""
    Path(path).write_text("项目编码,三级指标,实际完成值\n" + "".join(f"{r[0]},{r[4]},{r[6]}\n" for r in ROWS),
                          encoding="utf-8")


def docx_utf7_doctype(path: Path) -> None:
    """document.xml declared UTF-7, so that <!DOCTYPE is written +ADwAIQ-DOCTYPE: a byte scan
    for '<!DOCTYPE' does not see it, a parser honouring the declaration would."""
    def to_utf7(body: bytes) -> bytes:
        head, rest = body.split(b"?>", 1)
        decl = '<!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        return b'<?xml version="1.0" encoding="UTF-7"?>' + (decl + rest.decode("utf-8")).encode("utf-7")

    Path(path).write_bytes(_replace_member(_docx_bytes(["绩效文本"]), "word/document.xml", to_utf7))


def docx_main_part_bin_name(path: Path) -> None:
    """The main document stored as word/document.bin (named by the relationship and by an
    upper-case content-type override /WORD/DOCUMENT.BIN), carrying an external entity."""
    data = _docx_bytes(["绩效文本"])
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    body = parts.pop("word/document.xml")
    head, rest = body.split(b"?>", 1)
    parts["word/document.bin"] = head + b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + rest
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/document.bin")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/word/document.xml", b"/WORD/DOCUMENT.BIN")
    rels = parts.pop("word/_rels/document.xml.rels")
    parts["word/_rels/document.bin.rels"] = rels
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, part in parts.items():
            dst.writestr(name, part)
    Path(path).write_bytes(buf.getvalue())


def csv_utf16_tab(path: Path) -> None:
    """The long table saved by Excel as “Unicode 文本”: UTF-16 LE with BOM, tab-separated."""
    text = (FILES / "targets.csv").read_text(encoding="utf-8").replace(",", "\t")
    Path(path).write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def act_utf16_tab(path: Path) -> None:
    """The actuals sheet saved by Excel as “Unicode 文本” (UTF-16 LE with BOM, tabs)."""
    text = (FILES / "actuals.csv").read_text(encoding="utf-8").replace(",", "\t")
    Path(path).write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def act_long_reason(path: Path) -> None:
    """A 偏差原因 of 200,000 characters without any quote: long, not broken."""
    head = "项目编码,三级指标,实际完成值,偏差原因分析及改进措施\n"
    Path(path).write_text(head + "P001,宣传品数量,80个," + "原因" * 100_000 + "\nP001,验收合格率,96%,\n",
                          encoding="utf-8")


GENERATORS = {name: fn for name, fn in globals().items()
              if callable(fn) and name.startswith(("xlsx_", "docx_", "zip_", "truncated_", "csv_", "act_"))}
