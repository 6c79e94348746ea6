"""``extract``: any supported targets file → :class:`perfscore.model.Targets`.

Supported inputs, recognised by content first and file name second:

- a Word 绩效文本 (``.docx``) and its plain-text export (``.txt``);
- a long table (``.csv`` in UTF-8 / UTF-8 with BOM / GB18030, or ``.xlsx``), one row per
  indicator;
- a ``targets.json`` (validated and returned as is).

``load_targets`` is what the other commands call: it accepts a targets.json or anything
``extract`` reads. After reading, the target checks of ``perfscore.checks`` (written
separately) run and their findings are stored in ``Targets.findings``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from perfscore.errors import FormatError, InputError, Location
from perfscore.io import decode_bytes
from perfscore.model import Finding, Targets

FORMATS = ("text", "docx", "csv", "xlsx", "json")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_PDF_MAGIC = b"%PDF"


def _read_bytes(path: Path) -> bytes:
    from perfscore.safety import read_input_bytes  # missing file, folder, no permission: with what to do

    return read_input_bytes(path)


def detect_format(data: bytes, *, name: str) -> str:
    """One of :data:`FORMATS`, from the bytes (zip members, magic numbers, text shape)."""
    if data.startswith(b"PK\x03\x04"):
        import io
        import zipfile

        from perfscore.safety import inspect_zip

        suffix = Path(name).suffix.lower().lstrip(".")
        kind = suffix if suffix in ("docx", "xlsx") else "docx/.xlsx"
        inspect_zip(data, file=name, kind=kind)  # zip bomb, XML declarations: before any parser
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise FormatError(
            "压缩包既不是 Word 文档（.docx）也不是 Excel 工作簿（.xlsx）",
            location=Location(file=name),
            hint="请提供绩效文本 .docx/.txt，或长表 .csv/.xlsx。",
        )
    if data.startswith(_OLE_MAGIC):
        raise FormatError(
            "这是旧版 Office 格式（.doc 或 .xls），无法直接读取",
            location=Location(file=name),
            hint="请在 Word/WPS 中另存为 .docx，或在 Excel 中另存为 .xlsx 后重试。",
        )
    if data.startswith(_PDF_MAGIC):
        raise FormatError(
            "这是 PDF 文件，无法从中读取绩效目标表",
            location=Location(file=name),
            hint="请使用绩效文本的 Word 原件（.docx），或从预算系统导出 .xlsx/.csv 长表。",
        )
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
    from perfscore.readers.longtable import looks_like_long_table

    if looks_like_long_table(text) or Path(name).suffix.lower() in (".csv", ".tsv"):
        return "csv"
    return "text"


def _head_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode the first 64 KiB, tolerating a multi-byte character cut at the end."""
    head = data[:65536]
    for cut in range(4):
        try:
            return decode_bytes(head[: len(head) - cut], file=name)
        except InputError:
            continue
    return decode_bytes(head, file=name)  # raises the decoding error


def run_checks(targets: Targets) -> list[Finding]:
    """Findings of ``perfscore.checks.check_targets`` (empty when that module is absent)."""
    try:
        from perfscore.checks import check_targets
    except ImportError as exc:
        if exc.name == "perfscore.checks":
            return []
        raise
    return list(check_targets(targets))


def extract(
    path: str | os.PathLike,
    *,
    year: int | None = None,
    checks: bool = True,
) -> Targets:
    """Read a 绩效文本 (.docx/.txt), a long table (.csv/.xlsx) or a targets.json.

    ``year`` (预算年度) overrides the year printed in the document. ``Targets.source``
    records the file NAME (never a path), the format and the SHA-256 of the bytes, so the
    result does not depend on where the file lies. Raises a PerfscoreError (in Chinese)
    for anything that is not a 绩效目标 document or table.
    """
    p = Path(path)
    data = _read_bytes(p)
    name = p.name
    if p.suffix.lower() in (".docx", ".xlsx", ".xlsm"):
        from perfscore.safety import check_office_bytes, sniff

        if sniff(data) != "zip":  # named as Office but is not: say what it really is
            check_office_bytes(data, file=name, kind="docx" if p.suffix.lower() == ".docx" else "xlsx")
    fmt = detect_format(data, name=name)
    if fmt == "json":
        from perfscore.readers.targets_json import targets_from_json_text

        targets = targets_from_json_text(decode_bytes(data, file=name)[0], file=name)
        if year is not None:
            targets.year = year
        return targets
    if fmt in ("text", "docx"):
        from perfscore.readers.document import targets_from_blocks

        if fmt == "docx":
            from perfscore.readers.docx_reader import read_docx_blocks

            blocks = read_docx_blocks(data, file=name)
        else:
            from perfscore.readers.text_export import read_text_export

            blocks = read_text_export(decode_bytes(data, file=name)[0])
        targets = targets_from_blocks(blocks, source=name, year=year)
    else:
        from perfscore.readers.longtable import read_long_table

        targets = read_long_table(data, file=name, kind=fmt, year=year)
    targets.source = {"file": name, "format": fmt, "sha256": hashlib.sha256(data).hexdigest()}
    if checks:
        # The reader's own findings (e.g. a derived 项目编码) first, then the checks'.
        targets.findings = list(targets.findings) + run_checks(targets)
    return targets


def load_targets(path: str | os.PathLike, *, year: int | None = None) -> Targets:
    """The targets the other commands work on: a targets.json, or any file ``extract`` reads.

    A targets.json is returned exactly as stored (its findings included); any other file is
    extracted (and checked) on the fly.
    """
    return extract(path, year=year)


# ``from perfscore import extract`` gives this module (see perfscore.callable_module).
from perfscore.callable_module import make_callable as _make_callable  # noqa: E402

_make_callable(__name__, "extract")
