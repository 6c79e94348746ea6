"""Legacy Excel (.xls, BIFF8) → :class:`~perfscore.readers.grid.Document`, read with xlrd.

What a user must know (for docs/extract.md):

- read: as for .xlsx (``fmt_xlsx``): every visible worksheet as one table
  (``工作表「名」``), merged cells as one cell with their spans, numbers as Excel shows
  them (percent, fixed decimals, thousands separator), dates as shown with their serial;
- a sheet that is a long table (one row per indicator under a 项目编码/三级指标 header) is
  handed to the long-table reader by ``perfscore.app.extract``;
- refused: a damaged or password-protected workbook, and the Excel 5/95 formats xlrd
  does not read: save it as .xlsx in Excel/WPS.
"""

from __future__ import annotations

import xlrd

from perfscore.errors import FormatError, Location
from perfscore.readers.fmt_xlsx import one_line_break, shown_date, shown_number
from perfscore.readers.grid import Cell, Document, table_from_rows
from perfscore.readers.longtable import _cell_to_text


def _text(book, sheet, r: int, k: int) -> tuple[str, str, float | None]:
    """(shown text, number format, date serial or None) of one cell."""
    cell = sheet.cell(r, k)
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(book.xf_list) else None
    fmt = book.format_map[xf.format_key].format_str if xf is not None and xf.format_key in book.format_map else ""
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return shown_number(cell.value, ""), fmt, float(cell.value)
        return shown_date(value, fmt), fmt, float(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return shown_number(cell.value, fmt), fmt, None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return _cell_to_text(bool(cell.value), None), fmt, None
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return "", fmt, None
    return one_line_break(str(cell.value)).strip(), fmt, None


def read(data: bytes, *, name: str) -> Document:
    """Read an .xls given as bytes; ``name`` (file name only) names it in messages."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct.error … : all mean unreadable
        raise FormatError(
            f"无法读取旧版 Excel 工作簿（.xls）：{type(exc).__name__}",
            location=Location(file=name),
            hint="请在 Excel/WPS 中打开它（如有打开密码请先取消），另存为 .xlsx 后重试。",
        ) from None
    tables = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility != 0:  # hidden or very hidden: the user does not see it
                continue
            spans = {(rlo, clo): (rhi - rlo, chi - clo) for rlo, rhi, clo, chi in sheet.merged_cells}
            covered = {(r, k) for rlo, rhi, clo, chi in sheet.merged_cells
                       for r in range(rlo, rhi) for k in range(clo, chi) if (r, k) != (rlo, clo)}
            cells: list[Cell] = []
            for r in range(sheet.nrows):
                for k in range(sheet.row_len(r)):
                    if (r, k) in covered:
                        continue
                    rowspan, colspan = spans.get((r, k), (1, 1))
                    text, fmt, serial = _text(book, sheet, r, k)
                    if text or rowspan > 1 or colspan > 1:
                        cells.append(Cell(text, r, k, rowspan, colspan, number_format=fmt,
                                          excel_serial=serial))
            if cells:
                tables.append(table_from_rows([cells], where=f"工作表「{sheet.name}」"))
            book.unload_sheet(index)
    except Exception as exc:
        raise FormatError(
            f"旧版 Excel 工作簿（.xls）已损坏，无法读取其内容：{type(exc).__name__}",
            location=Location(file=name),
            hint="请在 Excel/WPS 中打开它（它会尝试修复），另存为 .xlsx 后重试。",
        ) from None
    finally:
        book.release_resources()
    return Document(blocks=tuple(tables), name=name, format="xls")
