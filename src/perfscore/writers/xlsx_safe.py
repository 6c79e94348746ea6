"""Spreadsheet safety (表格安全) for every file perfscore exports.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage
return) is a formula to Excel and WPS when the file is opened: an indicator name
copied from a hostile document must never run as one. So:

- in ``.xlsx`` files such text is stored as a plain string cell with Excel's
  "quote prefix" style, which shows it as typed and keeps it text when edited;
  the cell's value is unchanged, so reading the file back gives the exact text;
- in ``.csv`` files (which carry no types) such text gets a leading apostrophe,
  the convention Excel itself uses for "this is text" (OWASP's advice).

The guard goes by a cell's type, never by how it looks: numbers stay numbers
(a deviation of −6.25 is written ``-6.25``, not ``'-6.25``). Workbooks are saved byte-identically for identical content
(fixed document dates, fixed zip entry times), so outputs can be compared.
"""

from __future__ import annotations

import io as _io
import math
import os
import re
import zipfile
from datetime import datetime
from typing import Any, Iterable, Mapping

import numpy as np

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from perfscore.io import atomic_write_bytes

# What makes a spreadsheet treat typed text as a formula (or a DDE payload).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The fixed date stamped into workbooks and zip entries (no clock: see design.md).
_FIXED_DATETIME = datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FIXED_STAMP = b"2000-01-01T00:00:00Z"
_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def is_formula_like(value: Any) -> bool:
    """True when ``value`` is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> Any:
    """The value as it must go into a CSV cell: risky text gets a leading ``'``."""
    if is_formula_like(value):
        return "'" + value
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _number_text(value: Any, digits: int) -> str:
    """A number cell as CSV text with fixed ``digits`` decimals ('' for NaN); never guarded."""
    x = float(value)
    if math.isnan(x) or math.isinf(x):
        return ""
    return f"{x:.{digits}f}"


def csv_safe_frame(frame, decimals: Mapping[str, int] | None = None):
    """A copy of a DataFrame whose text cells are CSV-safe (see :func:`csv_safe`).

    The guard looks at a cell's *type*: only text is guarded, so a number (−6.25)
    stays a number however it is later printed. ``decimals`` names columns whose
    numbers are written with that many decimals (NaN → ''); the formatting is done
    after the guard, so a negative number never turns into the text ``'-6.25``."""
    out = frame.copy()
    decimals = dict(decimals or {})
    for col in out.columns:
        if col in decimals:
            digits = decimals[col]
            out[col] = out[col].astype(object).map(
                lambda v, d=digits: _number_text(v, d) if _is_number(v) else csv_safe(v))
        elif out[col].dtype == object or str(out[col].dtype).startswith(("string", "str")):
            out[col] = out[col].map(csv_safe)
    return out


def _plain(value: Any) -> Any:
    """Cell value for openpyxl: NaN/None → empty, numpy scalars → Python scalars."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (list, tuple, set, dict)):
        return str(value)
    return value


def set_cell(cell, value: Any) -> None:
    """Write ``value`` into an openpyxl cell; text is always stored as text, without the
    control characters a worksheet cannot hold (openpyxl refuses them)."""
    value = _plain(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns a string starting with '=' into a formula; force text.
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True


def append_row(ws, values: Iterable[Any]) -> int:
    """Append one row of values to worksheet ``ws`` safely; return its 1-based row."""
    ws.append([_plain(v) for v in values])
    row = ws._current_row  # openpyxl's own counter of appended rows
    for cell in ws[row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_formula_like(cell.value):
                cell.quotePrefix = True
    return row


def write_frame(ws, frame, *, header: list[str] | None = None) -> None:
    """Write a DataFrame (header row + one row per record) into an empty worksheet."""
    append_row(ws, header if header is not None else [str(c) for c in frame.columns])
    for record in frame.itertuples(index=False, name=None):
        append_row(ws, record)


def workbook_bytes(wb) -> bytes:
    """The workbook as bytes, identical for identical content (no clock inside)."""
    wb.properties.created = _FIXED_DATETIME
    wb.properties.modified = _FIXED_DATETIME
    wb.properties.lastModifiedBy = None
    wb.properties.creator = "perfscore"
    raw = _io.BytesIO()
    wb.save(raw)
    return fixed_zip(raw.getvalue())


def fixed_zip(data: bytes, *, level: int = 6) -> bytes:
    """An Office file (zip) re-packed with fixed entry timestamps and a fixed
    ``dcterms:modified``: openpyxl and python-docx stamp both with the clock while saving.
    ``level``: the deflate level (1 is quickest; 6, zlib's default, what the review pack uses)."""
    out = _io.BytesIO()
    with zipfile.ZipFile(_io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = _MODIFIED_RE.sub(rb"\g<1>" + _FIXED_STAMP + rb"\g<2>", member)
            dst.writestr(fixed, member)
    return out.getvalue()


def save_workbook(wb, path: str | os.PathLike) -> None:
    """Save ``wb`` atomically and deterministically."""
    atomic_write_bytes(path, workbook_bytes(wb))
