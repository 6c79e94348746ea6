"""Excel 2003 XML (SpreadsheetML, often saved as ``.xls`` or ``.xml`` by budget systems'
“导出 Excel”) → :class:`~perfscore.readers.grid.Document`.

What a user must know (for docs/extract.md):

- read: every visible ``<Worksheet>`` as one table (``工作表「名」``), a cell merged with
  ``ss:MergeAcross``/``ss:MergeDown`` as one cell with its spans, cells placed by
  ``ss:Index`` as Excel places them; numbers shown under their style's number format
  (``Percent``, ``Fixed``, ``Standard``, ``0.00%`` …), dates (``ss:Type="DateTime"``) as a
  date with their Excel serial, as for .xlsx;
- refused: a file with a DOCTYPE/ENTITY declaration (never in Excel's own output; what
  entity-expansion and external-entity attacks need), and XML that cannot be parsed. The
  parser neither resolves entities nor touches the network.
"""

from __future__ import annotations

import datetime as _dt

import lxml.etree

from perfscore.errors import FormatError, Location
from perfscore.readers.fmt_xlsx import shown_date, shown_number
from perfscore.readers.grid import Cell, Document, table_from_rows
from perfscore.safety import check_span, has_declaration

SS = "urn:schemas-microsoft-com:office:spreadsheet"
X = "urn:schemas-microsoft-com:office:excel"
# Excel's named number formats → the format codes fmt_xlsx shows numbers by
_NAMED = {"percent": "0.00%", "fixed": "0.00", "standard": "#,##0.00", "general number": "General",
          "short date": "yyyy/m/d", "general date": "yyyy/m/d", "medium date": "yyyy/m/d",
          "long date": 'yyyy"年"m"月"d"日"', "0": "0"}


def _q(name: str, ns: str = SS) -> str:
    return f"{{{ns}}}{name}"


def _int(el, attr: str, default: int) -> int:
    raw = el.get(_q(attr))
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def _styles(root) -> dict[str, str]:
    formats: dict[str, str] = {}
    for style in root.iter(_q("Style")):
        nf = style.find(_q("NumberFormat"))
        if nf is not None and nf.get(_q("Format")):
            fmt = nf.get(_q("Format"))
            formats[style.get(_q("ID"), "")] = _NAMED.get(fmt.lower(), fmt)
    return formats


def _value(cell, number_format: str) -> tuple[str, float | None]:
    data = cell.find(_q("Data"))
    if data is None:
        return "", None
    text = "".join(data.itertext()).strip()  # rich text (html:Font …) read through
    kind = data.get(_q("Type"), "String")
    if kind == "Number":
        try:
            return shown_number(float(text), number_format), None
        except ValueError:
            return text, None
    if kind == "DateTime":
        try:
            value = _dt.datetime.fromisoformat(text)
        except ValueError:
            return text, None
        serial = (value - _dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return shown_date(value, number_format), serial
    if kind == "Boolean":
        return ("是" if text == "1" else "否"), None
    return text, None


def read(data: bytes, *, name: str) -> Document:
    """Read an Excel 2003 XML workbook given as bytes; ``name`` names it in messages."""
    where = Location(file=name)
    if has_declaration(data):
        raise FormatError("拒绝读取：Excel 2003 XML 文件含有 DOCTYPE/ENTITY 声明（Excel 不会写出，可用于实体膨胀或读取外部文件的攻击）",
                          location=where, hint="请确认文件来源可靠；如确需使用，请在 Excel/WPS 中打开并另存为 .xlsx。")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                                  remove_comments=True, remove_pis=True)
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise FormatError(f"Excel 2003 XML 文件已损坏，无法解析（第{exc.lineno}行）", location=where,
                          hint="请在 Excel/WPS 中打开它，另存为 .xlsx 后重试。") from None
    styles = _styles(root)
    tables = []
    for sheet in root.iter(_q("Worksheet")):
        options = sheet.find(_q("WorksheetOptions", X))
        visible = options.find(_q("Visible", X)) if options is not None else None
        if visible is not None and (visible.text or "").strip() in ("SheetHidden", "SheetVeryHidden"):
            continue
        label = f"工作表「{sheet.get(_q('Name'), '')}」"
        cells: list[Cell] = []
        r = -1
        for table in sheet.iter(_q("Table")):
            for row in table.iter(_q("Row")):
                r = _int(row, "Index", r + 2) - 1  # ss:Index is 1-based
                k = -1
                for cell in row.iter(_q("Cell")):
                    k = _int(cell, "Index", k + 2) - 1
                    colspan = check_span(_int(cell, "MergeAcross", 0) + 1, file=name, where=label)
                    rowspan = check_span(_int(cell, "MergeDown", 0) + 1, file=name, where=label)
                    fmt = styles.get(cell.get(_q("StyleID"), ""), "")
                    text, serial = _value(cell, fmt)
                    if text or rowspan > 1 or colspan > 1:
                        cells.append(Cell(text, r, k, rowspan, colspan, number_format=fmt, excel_serial=serial))
                    k += colspan - 1
        if cells:
            tables.append(table_from_rows([cells], where=label))
    return Document(blocks=tuple(tables), name=name, format="xls")
