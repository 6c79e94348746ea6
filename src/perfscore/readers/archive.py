"""Guards for the zip containers of .docx and .xlsx files (Office Open XML).

A zip bomb is refused before any XML is parsed: the declared uncompressed size of all
members and each member's compression ratio are bounded. XML entities are not expanded
by either parser (python-docx's lxml parser has ``resolve_entities=False``; openpyxl
uses defusedxml when it is installed, and perfscore depends on it).
"""

from __future__ import annotations

import io
import zipfile

from perfscore.errors import FormatError, InputError, Location

MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of XML is far beyond any real 绩效目标 workbook
MAX_RATIO = 200             # Office XML compresses ~10:1; bombs reach thousands:1
ZIP_MAGIC = b"PK\x03\x04"


def open_office_zip(data: bytes, *, file: str, kind: str) -> zipfile.ZipFile:
    """Open ``data`` as a zip and check its size limits; ``kind`` is ``docx`` or ``xlsx``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FormatError(
            f"文件已损坏或不是 .{kind} 文件（无法作为压缩包打开）",
            location=Location(file=file),
            hint=f"请用 Word/WPS/Excel 打开后重新“另存为” .{kind}。",
        ) from None
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > 1 << 20 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise InputError(
                f"拒绝读取：压缩包成员「{m.filename}」的压缩比异常（疑似压缩炸弹）",
                location=Location(file=file),
                hint="请确认文件来源可靠，并用 Word/Excel 重新保存后再试。",
            )
    if total > MAX_UNCOMPRESSED:
        raise InputError(
            f"拒绝读取：解压后大小 {total} 字节超过上限 {MAX_UNCOMPRESSED} 字节",
            location=Location(file=file),
            hint="请拆分文件后分别处理。",
        )
    return archive
