"""Excel (.xlsx) laid out as a form (a 绩效目标表 as printed) → :class:`~perfscore.readers.grid.Document`.

What a user must know (for docs/extract.md):

- read: every VISIBLE worksheet, in workbook order, as one table (``工作表「名」``); hidden
  sheets are not read. Merged cells become one cell with their spans (what Excel shows in
  the merged area). Cells are read as Excel shows them: a percent format ``0.07`` → ``7%``,
  fixed decimals ``0.00`` → ``12.00``, a thousands separator ``#,##0`` → ``1,200``, whole
  numbers without ``.0``; formulas by their last saved value (a workbook saved by a program
  that does not compute formulas shows them empty);
- a cell that Excel shows as a date or time keeps what is shown (``2023年12月31日``,
  ``2023/1/5``) and carries its serial (``Cell.excel_serial``) and number format, so that a
  target typed as ``1-5`` and turned into a date by Excel is reported, not read as a value;
- a workbook whose sheet starts with a long-table header row (项目编码, 三级指标 …, one row
  per indicator) is read by the long-table reader instead (``has_long_table_header``);
- refused: anything ``perfscore.safety.check_office_bytes`` refuses (not an .xlsx by its
  bytes, zip bombs, XML entity declarations, encrypted parts) and a damaged workbook.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
from openpyxl.utils.datetime import to_excel as serial_of  # the date → Excel serial
from openpyxl.utils.escape import unescape

from perfscore.errors import FormatError, Location, PerfscoreError
from perfscore.readers.grid import Cell, Document, Table, table_from_rows
from perfscore.readers.longtable import _HEADER_SCAN_ROWS, _cell_to_text, _is_header_row
from perfscore.readers.sheets import corrupt, pick_sheet, visible_sheets
from perfscore.safety import check_office_bytes

_DECIMALS = re.compile(r"0\.(0+)")
_LINE_BREAKS = re.compile(r"\r\n?")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def one_line_break(text: str) -> str:
    """Carriage returns (CR LF, CR) as the one line break every reader uses, ``"\n"``."""
    return _LINE_BREAKS.sub("\n", text)


def has_long_table_header(data: bytes, *, name: str, checked: bool = False) -> bool:
    """True when a visible sheet has a long-table header row in its first rows (read-only
    mode: a 10^6-row long table is not loaded to decide). Two such sheets: True as well,
    the long-table reader then says which to keep. ``checked``: the bytes already passed
    the zip checks (``readers.load.detect_format`` runs them; a large workbook is not scanned twice)."""
    if not checked:
        check_office_bytes(data, file=name, kind="xlsx")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise corrupt(name, exc=exc) from None
    try:
        return pick_sheet(workbook, file=name, is_header=_is_header_row, scan_rows=_HEADER_SCAN_ROWS,
                          what="绩效目标长表", cell_text=lambda c: _cell_to_text(c.value, None)) is not None
    except PerfscoreError:
        return True  # two long-table sheets, a broken sheet: the long-table reader says which
    finally:
        workbook.close()


def shown_number(value: float | int, number_format: str) -> str:
    """A number as Excel shows it under the common formats of budget tables (percent,
    fixed decimals, thousands separator); other formats: the number itself."""
    fmt = _QUOTED.sub("", (number_format or "General").split(";")[0])
    if fmt in ("General", "@", ""):
        if isinstance(value, float) and not value.is_integer() and abs(value) < 1e15:
            # Excel shows at most 15 significant digits: 0.1+0.2 stored as 0.30000000000000004 shows 0.3
            return f"{value:.15g}"
        return _cell_to_text(value, None)
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if "%" in fmt:
        exact *= 100
    m = _DECIMALS.search(fmt)
    places = len(m.group(1)) if m else 0
    if not m and "0" not in fmt and "#" not in fmt:
        return _cell_to_text(value, number_format)
    text = f"{exact:,.{places}f}" if "," in fmt else f"{exact:.{places}f}"
    return text + ("%" if "%" in fmt else "")


def shown_date(value: _dt.datetime | _dt.date | _dt.time, number_format: str) -> str:
    """A date/time as Excel shows it, for the formats Chinese workbooks use."""
    fmt = (number_format or "").lower()
    if isinstance(value, _dt.time):
        return value.isoformat()
    d = value.date() if isinstance(value, _dt.datetime) else value
    if "年" in fmt and "日" in fmt:
        return f"{d.year}年{d.month}月{d.day}日"
    if "年" in fmt:
        return f"{d.year}年{d.month}月"
    if "月" in fmt:
        return f"{d.month}月{d.day}日"
    if fmt.startswith("m/d") or fmt.startswith("m-d") or fmt in ("d-mmm", "mmm-d"):
        return f"{d.month}/{d.day}"
    if "y" in fmt and "/" in fmt:
        return f"{d.year}/{d.month}/{d.day}"
    return _cell_to_text(value, None)


def _cell(c, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> Cell:
    value, number_format = c.value, c.number_format or ""
    serial = None
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        text = shown_date(value, number_format)
        try:
            serial = float(serial_of(value))
        except (TypeError, ValueError, OverflowError):
            serial = None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = shown_number(value, number_format)
    elif isinstance(value, str):
        # Excel writes a carriage return (and other control characters) as _x000D_, which
        # openpyxl leaves in the text; a cell's lines are joined with "\n" like every format's
        text = one_line_break(unescape(value))
    else:
        text = _cell_to_text(value, None)
    return Cell(text.strip(), row, col, rowspan, colspan, number_format=number_format, excel_serial=serial)


def _sheet_table(ws) -> Table | None:
    """One worksheet as a table (None when it holds nothing)."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        covered.update((r, k) for r in range(rng.min_row, rng.max_row + 1)
                       for k in range(rng.min_col, rng.max_col + 1) if (r, k) != (rng.min_row, rng.min_col))
    cells: list[Cell] = []
    for (r, k), c in sorted(ws._cells.items()):  # stored cells only: never the whole formatted range
        if (r, k) in covered:
            continue
        rowspan, colspan = spans.pop((r, k), (1, 1))
        cell = _cell(c, r - 1, k - 1, rowspan, colspan)
        if cell.text or rowspan > 1 or colspan > 1:
            cells.append(cell)
    for (r, k), (rowspan, colspan) in spans.items():  # merged areas with no stored top-left cell
        cells.append(Cell("", r - 1, k - 1, rowspan, colspan))
    return table_from_rows([cells], where=f"工作表「{ws.title}」") if cells else None


# A form (绩效目标表 as printed) is a few hundred rows; its sheets' XML a few MB. Loaded
# whole (merged ranges need the full mode), a sheet of 10^6 rows would take gigabytes: a
# workbook that large and without a long-table header is refused instead.
MAX_FORM_SHEET_XML = 100 << 20


def _check_form_size(data: bytes, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # checked by check_office_bytes
        size = sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    if size > MAX_FORM_SHEET_XML:
        raise FormatError(
            f"工作簿很大（工作表解压后 {size >> 20} MiB），却不是绩效目标长表（前30行中没有同时含“项目编码”和“三级指标”的表头行）",
            location=Location(file=name),
            hint="长表每行一个指标，表头一行写明项目编码、一级指标、三级指标、年度指标值；"
                 "按绩效目标表格式填写的工作簿通常只有几百行，请确认选对了文件。")


def read(data: bytes, *, name: str) -> Document:
    """Read a form-like .xlsx given as bytes; ``name`` (file name only) names it in messages."""
    check_office_bytes(data, file=name, kind="xlsx")  # type sniffing, zip bomb, XML declarations
    _check_form_size(data, name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise corrupt(name, exc=exc) from None
    try:  # the whole workbook is parsed by load_workbook: what follows only walks it
        tables = [table for ws in visible_sheets(workbook) if (table := _sheet_table(ws)) is not None]
    finally:
        workbook.close()
    return Document(blocks=tuple(tables), name=name, format="xlsx")
