"""Reading worksheets of an .xlsx in openpyxl's read-only mode without being misled.

Three things a workbook from the field does that read-only mode does not survive on its own:

- a stale ``<dimension ref="A1:C3">`` tag (left by tools that rewrite sheets): read-only
  mode trusts it and stops at its last row, so rows below would be dropped silently —
  every sheet is read with :func:`sheet_rows`, which resets the dimensions first;
- a hidden sheet (an old version kept "just in case") before the visible one — hidden
  sheets are never read, and among the visible ones the sheet whose header row is
  recognised is taken (:func:`pick_sheet`); two such sheets are refused, naming them, since
  reading one of them would be a guess;
- broken sheet XML (a truncated file, a number cell holding text, a shared-string index
  past the table): the parser's exception becomes a FormatError 文件已损坏 naming the
  file, the sheet and the last row read, with what to do.
"""

from __future__ import annotations

import io as _io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from perfscore.errors import FormatError, Location, PerfscoreError
from perfscore.safety import check_office_file

CORRUPT_HINT = "请在 Excel/WPS 中打开该文件（它会尝试修复），另存为新的 .xlsx 后重试。"


def corrupt(file: str, sheet: str | None = None, row: int | None = None, exc: BaseException | None = None) -> FormatError:
    """文件已损坏: the FormatError for an Office file whose parts cannot be parsed."""
    where = f"（工作表「{sheet}」" + (f"，第{row}行之后" if row else "") + "）" if sheet else ""
    detail = f"：{type(exc).__name__}" if exc is not None else ""
    return FormatError(f"文件已损坏，无法读取其内容{where}{detail}",
                       location=Location(file=file), hint=CORRUPT_HINT)


def open_workbook(path: Path):
    """An .xlsx opened for reading values (read-only; a formula cell gives the value Excel
    last computed), after the safety checks of any Office input; a broken file is a
    FormatError saying what to do. openpyxl gets the bytes, not the path: it leaves its
    file open when a broken workbook makes it raise."""
    import openpyxl  # a declared dependency, but heavy: loaded only when a workbook is read

    check_office_file(path, kind="xlsx")  # missing file, type sniffing, zip bomb, XML declarations
    try:
        return openpyxl.load_workbook(_io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FormatError("不是有效的 .xlsx 文件", location=Location(file=str(path)),
                          hint=f"请用 Excel/WPS 打开后另存为 .xlsx 再试（{type(exc).__name__}）。") from None
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        raise corrupt(str(path), exc=exc) from None


def sheet_rows(ws, *, file: str, max_row: int | None = None) -> Iterator[tuple]:
    """The rows of a read-only worksheet (cells, not values), every row whatever the
    ``<dimension>`` tag says; any parser failure → :func:`corrupt`."""
    last = None
    try:
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # read-only mode would trust a stale <dimension> tag
        for row in ws.iter_rows(max_row=max_row):
            if row:
                last = getattr(row[0], "row", last)
            yield row
    except PerfscoreError:
        raise
    except Exception as exc:  # lxml/ElementTree, ValueError, IndexError …: all mean a broken part
        raise corrupt(file, ws.title, last, exc) from None


def visible_sheets(wb) -> list:
    """Worksheets the user sees (``sheet_state`` visible); hidden and very hidden are skipped."""
    return [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]


def pick_sheet(wb, *, file: str, is_header: Callable[[list], bool], scan_rows: int,
               what: str, cell_text: Callable = lambda c: c.value) -> object | None:
    """The one visible worksheet with a recognised header row in its first ``scan_rows``
    rows; None when there is none; a FormatError naming them when there are several."""
    found = []
    for ws in visible_sheets(wb):
        for row in sheet_rows(ws, file=file, max_row=scan_rows):
            cells = [cell_text(c) for c in row]
            if is_header([c for c in cells if c is not None]):
                found.append(ws)
                break
    if len(found) > 1:
        names = "、".join(f"「{ws.title}」" for ws in found)
        raise FormatError(
            f"工作簿中有{len(found)}张可见的{what}工作表：{names}，不知道该读哪一张",
            location=Location(file=file, value=found[0].title),
            hint="请只保留要读的那一张（把其余工作表删除、隐藏，或另存为单独的文件）后重试。")
    return found[0] if found else None
