"""Any supported targets file → :class:`perfscore.model.Targets`, as read (no checks).

Supported inputs, recognised by content (never by the file name alone):

- a 绩效目标 document in any format a unit holds: Word (``.docx``; legacy ``.doc`` and RTF
  through LibreOffice), Excel (``.xlsx``, legacy ``.xls``, Excel 2003 XML) laid out as a form,
  PDF with a text layer, a web page (``.html``/``.htm``, single-file ``.mht``), and its
  plain-text export (``.txt``);
- a long table (``.csv`` in UTF-8 / UTF-8 with BOM / GB18030, ``.xlsx``, ``.xls``, Excel 2003
  XML or a web page's table), one row per indicator;
- a ``targets.json`` (validated and returned as is).

Binary documents are read into the grid model (``perfscore.readers.grid``) by
``perfscore.readers.grid_formats.read_document`` and interpreted from there.

``perfscore.app.extract`` (the application's reading step) calls :func:`read_file` and then runs
the target checks of ``perfscore.checks``; the library layers that only need the content
(the year comparison) call :func:`read_targets`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile
from pathlib import Path

from perfscore.errors import DataError, FormatError, InputError, Location
from perfscore.io import decode_bytes
from perfscore.model import Targets
from perfscore.readers.fmt_text import read_text
from perfscore.readers.grid import Table
from perfscore.readers.interpret import targets_from_document
from perfscore.readers.longtable import looks_like_long_table, read_long_table
from perfscore.readers.targets_json import targets_from_json_text
from perfscore.safety import (
    check_office_bytes,
    inspect_zip,
    looks_like_mhtml,
    looks_like_spreadsheetml,
    ole_kind,
    read_input_bytes,
    sniff,
)

FORMATS = ("text", "docx", "csv", "xlsx", "json", "doc", "xls", "pdf", "html", "xlsxml", "rtf")

# Formats read into the grid model, and what a user is told the file was read as.
GRID_LABELS = {"docx": "Word 文档", "doc": "旧版 Word 文档（.doc）", "xlsx": "Excel 工作簿",
               "xls": "旧版 Excel 工作簿（.xls）", "pdf": "PDF", "html": "网页（HTML）",
               "xlsxml": "Excel 2003 XML 工作簿", "rtf": "RTF 文档"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_PDF_MAGIC = b"%PDF"


def _read_bytes(path: Path) -> bytes:
    return read_input_bytes(path)


def detect_format(data: bytes, *, name: str) -> str:
    """One of :data:`FORMATS`, from the bytes (zip members, magic numbers, text shape)."""
    if data.startswith(b"PK\x03\x04"):
        suffix = Path(name).suffix.lower().lstrip(".")
        kind = suffix if suffix in ("docx", "xlsx") else "docx/.xlsx"
        inspect_zip(data, file=name, kind=kind)  # zip bomb, XML declarations: before any parser
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            raise FormatError("这是 Excel 二进制工作簿（.xlsb），无法直接读取", location=Location(file=name),
                              hint="请在 Excel/WPS 中打开，另存为 .xlsx 后重试。")
        if "OFD.xml" in names:
            raise FormatError("这是 OFD 版式文件（国产电子公文格式），无法直接读取", location=Location(file=name),
                              hint="请在数科 OFD 阅读器、福昕等软件中打开，“另存为”或“打印”为 PDF 后重试；"
                                   "也可以使用绩效目标表的 Word/Excel 原件。")
        if "content.xml" in names and "mimetype" in names:
            raise FormatError("这是 OpenDocument 文件（.odt/.ods，WPS/LibreOffice 的开放格式），无法直接读取",
                              location=Location(file=name),
                              hint="请在 WPS 或 LibreOffice 中打开，另存为 .docx（文字）或 .xlsx（表格）后重试。")
        raise FormatError(
            "压缩包既不是 Word 文档（.docx）也不是 Excel 工作簿（.xlsx）",
            location=Location(file=name),
            hint="请提供绩效文本 .docx/.txt，或长表 .csv/.xlsx。",
        )
    if data.startswith(_OLE_MAGIC):
        return ole_kind(data, file=name)  # "doc" or "xls" by the streams inside
    if data.startswith(_PDF_MAGIC):
        return "pdf"

    kind = sniff(data)
    if kind == "html" or looks_like_mhtml(data):
        return "html"
    if kind == "rtf":
        return "rtf"
    if looks_like_spreadsheetml(data):
        return "xlsxml"
    if not data.strip():
        raise FormatError("文件是空的", location=Location(file=name), hint="请检查是否选错了文件。")
    if b"\x00" in data[:4096]:
        raise FormatError(
            "不是文本文件，也不是 .docx/.xlsx",
            location=Location(file=name),
            hint="请提供绩效文本 .docx/.txt，或长表 .csv/.xlsx。",
        )
    text = _head_text(data, name)[0]
    # A .json name, or JSON's first character: a malformed targets.json gets the JSON reader's message.
    if text.lstrip().startswith(("{", "[")) or Path(name).suffix.lower() == ".json":
        return "json"

    if looks_like_long_table(text) or Path(name).suffix.lower() in (".csv", ".tsv"):
        return "csv"
    return "text"


def _is_long_table_xlsx(data: bytes, name: str) -> bool:
    """True when a visible sheet has a long-table header row (项目编码 and 三级指标 …) in
    its first rows; the workbook is then read as a long table (fast, streamed), else as a
    form into the grid model."""
    from perfscore.readers.fmt_xlsx import has_long_table_header  # openpyxl: loaded when a workbook comes

    return has_long_table_header(data, name=name, checked=True)  # detect_format inspected the zip


def _long_table_csv(document) -> bytes | None:
    """A Document's first table as CSV bytes when it is a long table (one row per
    indicator under a 项目编码/三级指标 header), so the long-table reader reads it; else None."""
    table = next((b for b in document.blocks if isinstance(b, Table)), None)
    if table is None:
        return None
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table.grid())
    text = buf.getvalue()
    return text.encode("utf-8") if looks_like_long_table(text) else None


def _targets_from_document(document, *, identity: str, year: int | None) -> Targets:
    """The interpreter on a grid Document; a refusal says what the file was read as."""
    try:
        return targets_from_document(document, identity=identity, year=year)
    except (FormatError, DataError) as exc:
        if document.format in ("docx", "text"):
            raise
        message = f"{exc.message}（文件按{GRID_LABELS[document.format]}读取）"
        if document.format in ("xlsx", "xls"):
            # a workbook is a long table or a form: say why it is neither
            message = (f"工作簿既不是绩效目标长表（前30行中没有同时含“项目编码”和“三级指标”的表头行），"
                       f"也无法按绩效目标表读取：{exc.location}：{exc.message}" if exc.location else
                       f"工作簿既不是绩效目标长表（前30行中没有同时含“项目编码”和“三级指标”的表头行），"
                       f"也无法按绩效目标表读取：{exc.message}")
            raise FormatError(message, location=Location(file=document.name), problems=exc.problems,
                              hint="长表每行一个指标，表头一行写明项目编码、一级指标、三级指标、年度指标值；"
                                   "绩效目标表应含“一级指标/二级指标/三级指标/指标值”表头。详见 docs/extract.md。") from None
        raise type(exc)(message, location=exc.location, problems=exc.problems, hint=exc.hint) from None


def _head_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode the first 64 KiB, tolerating a multi-byte character cut at the end."""
    head = data[:65536]
    for cut in range(4):
        try:
            return decode_bytes(head[: len(head) - cut], file=name)
        except InputError:
            continue
    return decode_bytes(head, file=name)  # raises the decoding error


def read_file(path: str | os.PathLike, *, year: int | None = None) -> tuple[Targets, str]:
    """(targets, format read) for a 绩效目标 document in any supported format (see the module docstring), a long
    table or a targets.json; the format is recognised from the bytes (``detect_format``).

    ``year`` (预算年度) overrides the year printed in the document. ``Targets.source``
    records the file NAME (never a path), the format and the SHA-256 of the bytes, so the
    result does not depend on where the file lies. Raises a PerfscoreError (in Chinese)
    for anything that is not a 绩效目标 document or table.
    """
    p = Path(path)
    data = _read_bytes(p)
    name = p.name
    if p.suffix.lower() in (".docx", ".xlsx", ".xlsm"):
        # named as Office but is not: say what it really is, unless it is a format read by content
        if sniff(data) not in ("zip", "ole2", "pdf", "html") and detect_format(data, name=name) != "xlsxml":
            check_office_bytes(data, file=name, kind="docx" if p.suffix.lower() == ".docx" else "xlsx")
    fmt = detect_format(data, name=name)
    if fmt == "json":
        targets = targets_from_json_text(decode_bytes(data, file=name)[0], file=name)
        if year is not None:
            targets.year = year
        return targets, fmt
    identity = hashlib.sha256(data).hexdigest()
    if fmt == "text":
        document = read_text(decode_bytes(data, file=name)[0], name=name)
        targets = _targets_from_document(document, identity=identity, year=year)
    elif fmt == "xlsx" and _is_long_table_xlsx(data, name):
        targets = read_long_table(data, file=name, kind="xlsx", year=year)
    elif fmt in GRID_LABELS:
        # the format readers (pdfplumber, lxml, python-docx …): loaded when a document comes
        from perfscore.readers.grid_formats import read_document

        document = read_document(data, name=name, fmt=fmt)
        long_csv = _long_table_csv(document) if fmt in ("xls", "xlsxml", "html") else None
        if long_csv is not None:  # a long table saved as .xls or as a web page

            targets = read_long_table(long_csv, file=name, kind="csv", year=year)
        else:
            targets = _targets_from_document(document, identity=identity, year=year)
    else:
        targets = read_long_table(data, file=name, kind=fmt, year=year)
    targets.source = {"file": name, "format": fmt, "sha256": identity}
    return targets, fmt


def read_targets(path: str | os.PathLike, *, year: int | None = None) -> Targets:
    """The targets a file holds, as read: a targets.json exactly as stored, any other file read
    without the target checks (``perfscore.app.extract.extract`` adds them)."""
    return read_file(path, year=year)[0]
