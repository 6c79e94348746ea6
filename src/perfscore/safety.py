"""Input safety (输入安全): refuse hostile or mislabelled files before any parser sees them.

Year-end files travel by e-mail and USB stick; some are broken, a few may be hostile.
Every reader of a .docx / .xlsx calls :func:`check_office_bytes` (or
:func:`check_office_file`) first, so that:

- the file type is decided by its first bytes, not its name: a PDF, a legacy OLE2
  ``.xls``/``.doc`` (or a password-protected Office file, which is OLE2 too), an HTML
  page or plain text saved under a ``.xlsx``/``.docx`` name gets a message saying what
  the file really is and what to do;
- the zip container is inspected from its directory before anything is decompressed:
  the number of members, the total uncompressed size and each member's compression
  ratio are bounded (a zip bomb is refused, not unpacked);
- every XML part is scanned for ``<!DOCTYPE`` and ``<!ENTITY`` declarations: Office
  files never carry them, and they are what entity expansion ("billion laughs") and
  external-entity (XXE) attacks need. A file with one is refused. The parsers are safe
  as well (python-docx's lxml parser does not resolve entities; openpyxl uses
  defusedxml, a declared dependency; the one XML file read here, ``[Content_Types].xml``,
  is parsed with defusedxml), so the scan is a second wall, not the only one.

Outputs: :func:`safe_filename` turns user text (a unit or project code, a name) into
one harmless path component, and :func:`output_path` joins components under an output
folder and refuses any result outside it (``../../etc/x`` never escapes). Inside
:func:`protect_inputs` (the CLI wraps every command in it) the files a command read are
recorded, and ``perfscore.io``'s atomic writes refuse to replace one of them.

Every refusal of an input is an :class:`~perfscore.errors.InputError` (or its subclass
FormatError), of an output a :class:`~perfscore.errors.UsageError`, with a Chinese
message naming the file and saying what to do (docs/errors.md lists them).
"""

from __future__ import annotations

import io
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from perfscore.errors import FormatError, InputError, Location, UsageError

# --- limits ----------------------------------------------------------------------------

# Real 绩效目标 workbooks and documents hold tens of parts; a province-wide long table in
# .xlsx (10^6 rows) unpacks to a few hundred MB of XML. The limits sit far above both.
MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 1 << 30          # 1 GiB
MAX_RATIO = 200                           # Office XML packs ~10:1; bombs reach 1000:1
RATIO_MIN_SIZE = 1 << 20                  # ratios of members under 1 MiB do not matter
_SCAN_CHUNK = 1 << 20

# --- file types by their first bytes ---------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # legacy .xls / .doc / .et / .wps, encrypted OOXML
PDF_MAGIC = b"%PDF"
RTF_MAGIC = b"{\\rtf"
_HTML_RE = re.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<table|<meta|<head>|<body)", re.IGNORECASE)
# Comments before the markup: IE and 360 browser save pages with "<!-- saved from url=… -->" first
_LEADING_COMMENTS = re.compile(rb"^(\s*<!--.*?-->)+", re.DOTALL)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

KINDS = {"docx": ("Word 文档", "word/document.xml"), "xlsx": ("Excel 工作簿", "xl/workbook.xml")}


def sniff(data: bytes) -> str:
    """What ``data`` is, by its first bytes.

    One of ``zip``, ``ole2``, ``pdf``, ``rtf``, ``html``, ``empty``, ``binary``, ``text``.
    """
    head = data[:4096]
    if head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if not head.strip() and not data.strip():  # the head first: never copy a large file
        return "empty"
    stripped = head
    for bom in _BOMS:
        stripped = stripped.removeprefix(bom)
    if stripped.lstrip().startswith(RTF_MAGIC):
        return "rtf"
    if _HTML_RE.match(_LEADING_COMMENTS.sub(b"", stripped, count=1)):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 text (Excel's "Unicode text") holds NUL bytes by design
    if b"\x00" in head:
        return "binary"
    return "text"


def _what_it_is(kind: str) -> tuple[str, str]:
    """(what the file really is, what to do) for a file that is not a zip."""
    if kind == "ole2":
        return ("这是旧版 Office 格式（.xls/.doc/.et），或是设置了打开密码的 Office 文件",
                "请在 Excel/WPS 中“另存为” .xlsx（Word 文件另存为 .docx）；如有打开密码，请先取消密码再保存。")
    if kind == "pdf":
        return ("这是 PDF 文件，只是扩展名被改成了 Office 格式",
                "PDF 无法读取；请使用原始的 .xlsx/.docx 文件，或从预算系统重新导出。")
    if kind == "rtf":
        return ("这是 RTF 文本文件（不是 .docx）", "请在 Word/WPS 中打开后“另存为” .docx。")
    if kind == "html":
        return ("这是网页（HTML）文件，只是扩展名为 Office 格式（有些系统这样“导出 Excel”）",
                "请在 Excel/WPS 中打开后“另存为” .xlsx，或导出 CSV。")
    if kind == "empty":
        return ("文件是空的（0 字节或只有空白）", "请检查是否选错了文件，或文件在复制/下载时损坏。")
    if kind == "text":
        return ("这是纯文本文件（可能是改了扩展名的 CSV 或文本导出）",
                "如果是 CSV 长表，请把扩展名改为 .csv；如果是绩效文本的文本导出，请改为 .txt；"
                "否则请在 Excel/Word 中“另存为”正确的格式。")
    return ("文件不是 Office 文档，内容无法识别（可能已损坏）",
            "请在 Excel/WPS/Word 中打开原文件并重新保存后再试。")


# --- reading a path ----------------------------------------------------------------------


def _folder_given(where: Location) -> InputError:
    return InputError("需要文件，但给出的是文件夹", location=where,
                      hint="请给出文件夹中的某个文件（如 targets.json、actuals.xlsx）。")


def _missing(where: Location) -> InputError:
    return InputError("文件不存在", location=where, hint="请检查路径和文件名（包括扩展名）是否正确。")


# Input size limits (输入大小上限), checked before a byte is read: tables may be large (a
# million-row long table is ~200 MB as CSV), documents and JSON are small. The environment
# variable PERFSCORE_MAX_INPUT_MB (MiB) replaces both.
MAX_TABLE_MB = 2048
MAX_DOCUMENT_MB = 200
_DOCUMENT_SUFFIXES = (".docx", ".json", ".txt", ".toml", ".doc", ".pdf", ".html", ".htm")
MAX_INPUT_ENV = "PERFSCORE_MAX_INPUT_MB"


def input_limit_mb(path: str | os.PathLike) -> int:
    """The size limit for ``path`` in MiB (PERFSCORE_MAX_INPUT_MB, else by its kind)."""
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise UsageError(f"环境变量 {MAX_INPUT_ENV} 应为正整数（单位 MiB）", location=Location(value=raw),
                             hint=f"例如 {MAX_INPUT_ENV}=4096；不设置时表格上限 {MAX_TABLE_MB} MiB，"
                                  f"文档和 JSON 上限 {MAX_DOCUMENT_MB} MiB。")
        return value
    return MAX_DOCUMENT_MB if Path(path).suffix.lower() in _DOCUMENT_SUFFIXES else MAX_TABLE_MB


def check_input_file(path: str | os.PathLike, *, shown: str | None = None) -> None:
    """Refuse, before reading, an input that is not a regular file (a device such as
    /dev/zero, a named pipe: they never end) or that is larger than its limit."""
    where = Location(file=shown or str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _missing(where) from None
    except OSError:
        return  # unreadable: the read itself says why
    if stat.S_ISDIR(st.st_mode):
        raise _folder_given(where)
    if not stat.S_ISREG(st.st_mode):
        what = ("设备文件" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "命名管道" if stat.S_ISFIFO(st.st_mode) else "套接字" if stat.S_ISSOCK(st.st_mode) else "特殊文件")
        raise InputError(f"不是普通文件（这是{what}），不能作为输入", location=where,
                         hint="请给出保存在磁盘上的 .docx/.csv/.xlsx/.json 文件。")
    limit = input_limit_mb(path)
    if st.st_size > limit * (1 << 20):
        raise InputError(f"文件太大：{st.st_size / (1 << 20):.0f} MiB，超过上限 {limit} MiB", location=where,
                         hint=f"请确认选对了文件；特别大的长表请拆分后分别评价。确需读取时，可设置环境变量 "
                              f"{MAX_INPUT_ENV}（单位 MiB）提高上限。")


def check_input_path(path: str | os.PathLike, *, shown: str | None = None) -> None:
    """Refuse a missing path or a folder where an input file is expected (before its
    extension is looked at, so that a folder is not reported as an unknown file type),
    and a device, a pipe or a file above the size limit (check_input_file)."""
    p = Path(path)
    where = Location(file=shown or str(path))
    if p.is_dir():
        raise _folder_given(where)
    if not p.exists():
        raise _missing(where)
    check_input_file(p, shown=shown)


def read_input_bytes(path: str | os.PathLike, *, shown: str | None = None) -> bytes:
    """The bytes of an input file; a missing file, a folder or an unreadable file is an InputError."""
    p = Path(path)
    where = Location(file=shown or str(path))
    if p.is_dir():
        raise _folder_given(where)
    check_input_file(p, shown=shown)  # a device, a pipe, a file above the limit: before reading
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise _missing(where) from None
    except PermissionError:
        raise InputError("没有读取该文件的权限", location=where,
                         hint="请确认文件未被其他程序独占打开，并有读取权限。") from None
    except OSError as exc:
        raise InputError(f"无法读取文件（{exc.strerror or type(exc).__name__}）", location=where,
                         hint="请把文件复制到本地磁盘后重试。") from None
    note_input(p)
    return utf16_to_utf8(data, where)


def utf16_to_utf8(data: bytes, where: Location) -> bytes:
    """Text saved as UTF-16 with a byte-order mark (Excel's “Unicode 文本”, Notepad's
    “Unicode”) as UTF-8 with a BOM, so that every text reader sees UTF-8 or GB18030;
    other bytes unchanged."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.startswith(b"\xff\xfe\x00\x00"):
        return data
    try:
        text = data.decode("utf-16")  # the BOM gives the byte order
    except UnicodeDecodeError as exc:
        raise InputError(f"文件是 UTF-16（Unicode 文本）格式，但第{exc.start}字节处已损坏", location=where,
                         hint="请在 Excel/WPS 中打开原表格并“另存为” CSV UTF-8 后重试。") from None
    return b"\xef\xbb\xbf" + text.encode("utf-8")


# --- the zip container ------------------------------------------------------------------


@dataclass(frozen=True)
class ZipReport:
    """What :func:`inspect_zip` found: member count, declared uncompressed total, XML parts."""

    members: int
    total_uncompressed: int
    xml_parts: tuple[str, ...]


def _refuse(message: str, file: str, hint: str) -> InputError:
    return InputError("拒绝读取：" + message, location=Location(file=file), hint=hint)


_NOT_XML_PREFIXES = ("image/", "audio/", "video/", "font/")
# First bytes of the binary media Office files embed (PNG, JPEG, GIF, BMP, TIFF, EMF, WMF,
# WebP/RIFF, ICO): such a member is skipped only when its bytes say it is one.
_BINARY_MEDIA_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*",
                       b"\x01\x00\x00\x00", b"\xd7\xcd\xc6\x9a", b"RIFF", b"\x00\x00\x01\x00")


def _content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """(default content type by extension, override by part name), both lower-cased:
    OPC part names are case-insensitive, so ``/WORD/DOCUMENT.BIN`` names word/document.bin."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    try:
        raw = archive.read("[Content_Types].xml")
    except KeyError:
        raw = b""
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        raw = b""  # a damaged member: the scan of every member below says so, naming it
    if raw and not _has_declaration(raw):
        from defusedxml import ElementTree as SafeET  # a declared dependency

        try:
            root = SafeET.fromstring(raw)
        except Exception:  # a malformed content-types part: the Office parser will say so
            root = None
        if root is not None:
            for el in root:
                tag = el.tag.rsplit("}", 1)[-1]
                ctype = (el.get("ContentType") or "").lower()
                if tag == "Default" and el.get("Extension"):
                    defaults[el.get("Extension").lower()] = ctype
                elif tag == "Override" and el.get("PartName"):
                    overrides[el.get("PartName").lstrip("/").lower()] = ctype
    return defaults, overrides


def _is_media(archive: zipfile.ZipFile, info: zipfile.ZipInfo, ctype: str) -> bool:
    """A member declared as media whose bytes agree: binary image magic, or an .svg in a
    media folder (SVG icons often carry <!DOCTYPE svg …> and are never parsed as XML)."""
    if not ctype.startswith(_NOT_XML_PREFIXES):
        return False
    name = info.filename.lower()
    if name.endswith(".svg") and "/media/" in f"/{name}":
        return True
    try:
        with archive.open(info) as fh:
            head = fh.read(8)
    except Exception:  # unreadable: let the scan report it
        return False
    return head.startswith(_BINARY_MEDIA_MAGIC)


def _xml_part_names(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> tuple[str, ...]:
    """Members to scan: every file except media whose bytes confirm it. A parser may be
    led to any member by a relationship, whatever its name or declared type (a main
    document named ``document.bin``), so names and content types alone decide nothing."""
    defaults, overrides = _content_types(archive)
    names = []
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        suffix = PurePosixPath(name).suffix.lower().lstrip(".")
        ctype = overrides.get(name.lower()) or defaults.get(suffix, "")
        if _is_media(archive, info, ctype):
            continue
        names.append(name)
    return tuple(names)


# Encodings an XML declaration may name in a part: UTF-8/16/32 and ASCII-compatible ones,
# in which the byte scan below finds <!DOCTYPE. Any other (UTF-7, EBCDIC …) could hide a
# declaration from it and is refused outright; Office never writes them.
_SAFE_ENCODINGS = frozenset({
    "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf16", "utf-32", "utf-32le", "utf-32be",
    "ascii", "us-ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15", "windows-1252", "cp1252",
    "gbk", "gb2312", "gb18030", "cp936",
})
_ENCODING_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC, which XML parsers detect without a declaration


def declared_encoding(head: bytes) -> str | None:
    """The encoding named by the XML declaration at the start of ``head`` (lower-cased), read
    through a BOM or UTF-16/32 byte order; "ebcdic" for EBCDIC; None when none is named."""
    if head.startswith(_EBCDIC_XML):
        return "ebcdic"
    text = head
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                       (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                       (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                       (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if head.startswith(bom):
            text = head.decode(codec, errors="ignore").encode("ascii", errors="ignore")
            break
    m = _ENCODING_DECL.match(text)
    return m.group(1).decode("ascii", errors="replace").strip().lower() if m else None


# `<!DOCTYPE` / `<!ENTITY` in the encodings an XML parser accepts (UTF-8 and ASCII
# supersets, UTF-16 LE/BE, UTF-32 LE/BE), so that re-encoding a part does not hide them.
_DECLARATIONS = tuple(
    word.encode(enc)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_OVERLAP = max(len(d) for d in _DECLARATIONS)


def _has_declaration(data: bytes) -> bool:
    return any(d in data for d in _DECLARATIONS)


def has_declaration(data: bytes) -> bool:
    """True when XML ``data`` holds a DOCTYPE or ENTITY declaration (in any encoding an
    XML parser accepts): what entity expansion and external entities need."""
    return _has_declaration(data)


class _UnsafeEncoding(Exception):
    """A part whose XML declaration names an encoding the byte scan cannot see through."""


def _scan_member(archive: zipfile.ZipFile, name: str) -> bool:
    """True when the member holds a DOCTYPE or ENTITY declaration (read in chunks);
    raises _UnsafeEncoding for a declaration in an encoding outside _SAFE_ENCODINGS."""
    tail = b""
    first = True
    with archive.open(name) as fh:  # zipfile stops at the declared size
        while True:
            chunk = fh.read(_SCAN_CHUNK)
            if not chunk:
                return False
            if first:
                first = False
                encoding = declared_encoding(chunk[:512])
                if encoding is not None and encoding not in _SAFE_ENCODINGS:
                    raise _UnsafeEncoding(encoding)
            if _has_declaration(tail + chunk):
                return True
            tail = chunk[-_OVERLAP:]


def inspect_zip(data: bytes, *, file: str, kind: str = "xlsx") -> ZipReport:
    """Open ``data`` as a zip and enforce the limits; scan its XML parts for declarations.

    ``kind`` (``docx`` or ``xlsx``) only shapes the messages. Raises InputError /
    FormatError; returns what was inspected.
    """
    label = KINDS.get(kind, (f".{kind} 文件",))[0]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FormatError(
            f"文件已损坏，或不是 {label}（无法作为压缩包打开）",
            location=Location(file=file),
            hint=f"请用 Excel/WPS/Word 打开原文件并重新“另存为” .{kind}；如果是邮件附件，请重新下载。",
        ) from None
    with archive:
        if len(infos) > MAX_MEMBERS:
            raise _refuse(f"压缩包内有 {len(infos)} 个文件，超过上限 {MAX_MEMBERS}（疑似恶意文件）", file,
                          "正常的 Office 文件只含几十个部件；请确认文件来源，并用 Excel/Word 重新保存。")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _refuse(f"压缩包成员「{info.filename}」已加密", file,
                              "请取消文件的密码保护后，用 Excel/Word 重新保存。")
            total += info.file_size
            if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise _refuse(
                    f"压缩包成员「{info.filename}」的压缩比为 {ratio}:1，超过上限 {MAX_RATIO}:1（疑似压缩炸弹）", file,
                    "请确认文件来源可靠；正常文件用 Excel/Word 重新保存后即可读取。")
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _refuse(
                f"解压后共 {total} 字节，超过上限 {MAX_TOTAL_UNCOMPRESSED} 字节（疑似压缩炸弹或文件过大）", file,
                "请确认文件来源可靠；特别大的长表请拆分，或另存为 CSV 后再读取。")
        xml_parts = _xml_part_names(archive, infos)
        for name in xml_parts:
            try:
                found = _scan_member(archive, name)
            except _UnsafeEncoding as exc:
                raise _refuse(
                    f"部件「{name}」声明了字符编码「{exc.args[0]}」（Office 文件只用 UTF-8/UTF-16；"
                    "其他编码可以把 DOCTYPE/ENTITY 声明藏起来，用于实体膨胀或读取外部文件的攻击）",
                    file, "请确认文件来源可靠；如确需使用，请在 Excel/Word 中新建文件并复制内容后保存。") from None
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
                raise FormatError(f"文件已损坏：压缩包成员「{name}」无法解压", location=Location(file=file),
                                  hint=f"请用 Excel/WPS/Word 打开原文件并重新“另存为” .{kind}。") from None
            if found:
                raise _refuse(
                    f"部件「{name}」含有 XML 的 DOCTYPE/ENTITY 声明（Office 文件不会含有，可用于实体膨胀或读取外部文件的攻击）",
                    file, "请确认文件来源可靠；如确需使用，请在 Excel/Word 中新建文件并复制内容后保存。")
    return ZipReport(members=len(infos), total_uncompressed=total, xml_parts=xml_parts)


# --- the checks readers call ------------------------------------------------------------------


def check_office_bytes(data: bytes, *, file: str, kind: str) -> ZipReport:
    """Refuse ``data`` unless it is a safe Office Open XML file of ``kind`` (docx / xlsx).

    Called by every reader before python-docx or openpyxl sees the bytes.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown office kind {kind!r}")
    label, main_part = KINDS[kind]
    found = sniff(data)
    if found != "zip":
        what, todo = _what_it_is(found)
        raise FormatError(f"不是有效的 .{kind} 文件（{label}）：{what}", location=Location(file=file), hint=todo)
    report = inspect_zip(data, file=file, kind=kind)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    if main_part not in names:
        other = next((k for k, (_, part) in KINDS.items() if part in names), None)
        if other is not None:
            raise FormatError(
                f"这是 {KINDS[other][0]}（.{other}），不是 {label}（.{kind}）",
                location=Location(file=file),
                hint=f"请检查是否选错了文件；如文件本身无误，请把扩展名改为 .{other}。")
        raise FormatError(
            f"压缩包不是 {label}（缺少部件 {main_part}）",
            location=Location(file=file),
            hint=f"请用 Excel/WPS/Word 打开原文件并重新“另存为” .{kind}。")
    return report


def check_office_file(path: str | os.PathLike, *, kind: str, shown: str | None = None) -> bytes:
    """Read ``path`` and :func:`check_office_bytes` it; return the bytes for the parser."""
    data = read_input_bytes(path, shown=shown)
    check_office_bytes(data, file=shown or str(path), kind=kind)
    return data


def check_text_bytes(data: bytes, *, file: str, expected: str = ".csv") -> None:
    """Refuse ``data`` read as text (CSV) when its first bytes say it is something else.

    An .xlsx renamed .csv would otherwise fail as an "unknown encoding"; say what it is.
    """
    found = sniff(data)
    if found in ("text", "empty"):
        return
    where = Location(file=file)
    if found == "zip":
        raise FormatError(f"扩展名为 {expected}，但内容是 Excel/Word 文件（.xlsx/.docx 压缩包）", location=where,
                          hint="请把扩展名改为 .xlsx（或 .docx）后重试。")
    if found in ("ole2", "pdf", "rtf", "html"):
        what, todo = _what_it_is(found)
        raise FormatError(f"不是 {expected} 文本文件：{what}", location=where, hint=todo)
    raise FormatError(f"不是 {expected} 文本文件：内容含有二进制数据（可能已损坏或不是表格）", location=where,
                      hint="请在 Excel/WPS 中打开原表格并“另存为” CSV UTF-8 或 .xlsx。")


# --- legacy Office (OLE2), PDF, HTML ----------------------------------------------------------

# A PDF is read page by page; real 绩效目标 documents have tens to a few hundred pages. A
# hostile PDF (millions of pages, a content stream that never ends) is stopped by these.
MAX_PDF_PAGES = 5000
PDF_TIME_LIMIT_S = 600          # whole document; checked between pages and by a timer
# An HTML page is parsed by lxml with huge_tree off; these bound its tables.
MAX_HTML_CELLS = 2_000_000
MAX_SPAN = 1000                 # a rowspan/colspan above this is a broken or hostile page


# A PDF's compressed streams are inflated whole by pdfminer when a page is read: a stream
# of zeros packs 1000:1, so a 1 MB file could ask for a gigabyte. Content streams of real
# pages are well under 1 MiB; images (not inflated when reading text) are not counted.
MAX_PDF_STREAM = 64 << 20
MAX_PDF_INFLATED = 1 << 30
_PDF_STREAM = re.compile(rb">>\s*stream\r?\n")
_PDF_IMAGE = re.compile(rb"/Subtype\s*/Image")


def check_pdf_streams(data: bytes, *, file: str) -> None:
    """Refuse a PDF whose compressed streams inflate beyond :data:`MAX_PDF_STREAM` each or
    :data:`MAX_PDF_INFLATED` in all (a decompression bomb), before pdfminer inflates them;
    inflation here stops at the limit, so the check itself is bounded."""
    total = 0
    for m in _PDF_STREAM.finditer(data):
        head = data[max(data.rfind(b"obj", 0, m.start()), m.start() - 4096, 0):m.start()]
        if _PDF_IMAGE.search(head):
            continue
        end = data.find(b"endstream", m.end())
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data[m.end():end if end >= 0 else len(data)], MAX_PDF_STREAM + 1)
        except zlib.error:
            continue  # not Flate (or damaged): pdfminer decides
        total += len(out)
        if len(out) > MAX_PDF_STREAM or total > MAX_PDF_INFLATED:
            raise _refuse(f"PDF 中的压缩数据解压后超过 {min(len(out), total) >> 20} MiB（疑似压缩炸弹）", file,
                          "请确认文件来源可靠；正常的 PDF 请重新导出或打印为 PDF 后再试，也可以使用 Word/Excel 原件。")


def ole_kind(data: bytes, *, file: str) -> str:
    """``doc`` or ``xls`` for an OLE2 (legacy Office) file, by the streams it holds:
    ``WordDocument`` for Word, ``Workbook``/``Book`` for Excel. A password-protected
    .docx/.xlsx (``EncryptedPackage``) and anything else get a FormatError saying what to do."""
    import olefile  # a small pure-Python library, only needed for legacy Office files

    where = Location(file=file)
    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # olefile raises OSError and others for a broken container
        raise FormatError("这是旧版 Office 格式（.doc/.xls），但文件已损坏，无法读取其内容", location=where,
                          hint="请在 Word/Excel/WPS 中打开它，另存为 .docx（Word）或 .xlsx（Excel）后重试。") from None
    if "worddocument" in streams:
        return "doc"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise FormatError("文件设置了打开密码（加密的 Office 文件），无法读取", location=where,
                          hint="请在 Word/Excel/WPS 中输入密码打开，取消密码后另存为 .docx/.xlsx 再试。")
    raise FormatError("这是旧版 Office 格式的文件，但既不是 Word 文档（.doc）也不是 Excel 工作簿（.xls）",
                      location=where, hint="请在 Word/Excel/WPS 中打开它，另存为 .docx 或 .xlsx 后重试。")


_MHTML = re.compile(rb"^(?:[\w-]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?content-type:\s*multipart/related", re.IGNORECASE)
_SPREADSHEETML = re.compile(rb"<(?:\w+:)?Workbook\b[^>]*urn:schemas-microsoft-com:office:spreadsheet")


def looks_like_mhtml(data: bytes) -> bool:
    """True for a single-file web archive (.mht/.mhtml: MIME headers, multipart/related)."""
    head = data[:4096].replace(b"\r\n", b"\n").lstrip()
    return bool(_MHTML.match(head)) and b"mime-version" in head.lower()


def looks_like_spreadsheetml(data: bytes) -> bool:
    """True for an Excel 2003 XML workbook (SpreadsheetML), by its root element's namespace."""
    return bool(_SPREADSHEETML.search(data[:4096]))


def check_span(value: int, *, file: str, where: str) -> int:
    """A table's rowspan/colspan, refused above :data:`MAX_SPAN` (a hostile page could ask
    for a grid of 10^9 slots)."""
    if value > MAX_SPAN:
        raise _refuse(f"{where}有单元格合并了 {value} 行或列，超过上限 {MAX_SPAN}（文件已损坏或为恶意构造）", file,
                      "请在浏览器/Excel 中打开原文件，确认表格正常后重新保存。")
    return value


# --- outputs ----------------------------------------------------------------------------------

# The files a command has read (by device and inode, so another spelling of the path, a
# symlink or a hard link is the same file). Active only inside protect_inputs(), which
# the CLI wraps around every command: library callers may overwrite what they read.
_INPUTS: ContextVar[set[tuple[int, int]] | None] = ContextVar("perfscore_inputs", default=None)


@contextmanager
def protect_inputs():
    """Within this block, no output may replace a file that was read as input."""
    token = _INPUTS.set(set())
    try:
        yield
    finally:
        _INPUTS.reset(token)


def note_input(path: str | os.PathLike) -> None:
    """Record ``path`` as an input of the running command (inside :func:`protect_inputs`)."""
    seen = _INPUTS.get()
    if seen is not None:
        try:
            st = os.stat(path)
        except OSError:
            return
        seen.add((st.st_dev, st.st_ino))


def refuse_overwriting_input(path: str | os.PathLike) -> None:
    """Raise UsageError if writing ``path`` would replace a file this command read."""
    seen = _INPUTS.get()
    if not seen:
        return
    try:
        st = os.stat(path)
    except OSError:
        return  # nothing there yet
    if (st.st_dev, st.st_ino) in seen:
        raise UsageError("拒绝写出：输出文件就是本次读取的输入文件，写出会覆盖原始数据",
                         location=Location(file=str(path)),
                         hint="请用 -o 指定另一个文件或文件夹，原始文件保持不变。")


# Outputs staged by the running command (temporary file, final path), renamed together at
# the end of staged_outputs(): a command that fails half-way leaves no output written.
_STAGED: ContextVar[list[tuple[str, Path]] | None] = ContextVar("perfscore_staged", default=None)


@contextmanager
def staged_outputs():
    """Within this block, atomic writes (``perfscore.io``) keep their temporary files and
    are renamed into place only when the block ends without error, after every final path
    has been checked (not a folder, not an input). On an error, no output is replaced and
    the temporaries are removed."""
    outer = _STAGED.get()
    if outer is not None:  # nested: the outer block commits
        yield
        return
    pending: list[tuple[str, Path]] = []
    token = _STAGED.set(pending)
    try:
        yield
        for _, dest in pending:  # check all before replacing any
            if dest.is_dir():
                raise UsageError("拒绝写出：输出文件夹中已有同名的文件夹，没有写出任何文件",
                                 location=Location(file=str(dest)),
                                 hint="请删除或改名这个文件夹，或用 -o 指定另一个输出文件夹。")
            refuse_overwriting_input(dest)
        for n, (tmp, dest) in enumerate(pending):
            try:
                os.replace(tmp, dest)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(dest)) from None
            pending[n] = ("", dest)
    finally:
        _STAGED.reset(token)
        for tmp, _ in pending:
            if tmp:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def place_output(tmp: str, dest: Path) -> None:
    """Move a written temporary file to its final path now, or at the end of :func:`staged_outputs`."""
    pending = _STAGED.get()
    if pending is None:
        os.replace(tmp, dest)
        return
    for n, (old, path) in enumerate(pending):
        if path == dest:  # written twice: the later content wins
            os.unlink(old)
            pending[n] = (tmp, dest)
            return
    pending.append((tmp, dest))


def refuse_existing_output(path: str | os.PathLike, *, force: bool, what: str) -> None:
    """UsageError if ``path`` exists and ``force`` is not given: a template or review
    workbook may already hold a user's filled-in work, which must not be lost silently."""
    p = Path(path)
    if force or not (p.exists() or p.is_symlink()):
        return
    if p.is_dir():
        raise UsageError(f"拒绝写出：已有同名的文件夹，不能写出{what}", location=Location(file=str(path)),
                         hint="请用 -o 指定另一个文件名。")
    raise UsageError(f"拒绝写出：文件已存在，可能是已填写的{what}，覆盖会丢失其中的内容",
                     location=Location(file=str(path)),
                     hint="请用 -o 指定另一个文件名；确定要覆盖时加上 --force。")


_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_filename(text: str, *, fallback: str = "未命名", max_bytes: int = 120) -> str:
    """One harmless path component made from user text (a unit or project code, a name).

    Path separators, control and Windows-reserved characters become ``_``; leading dots
    and trailing dots/spaces go (no ``..``, no hidden files); reserved device names (CON,
    NUL, COM1 …) get a ``_`` prefix; the result is cut to ``max_bytes`` of UTF-8 (file
    systems allow 255) at a character boundary. Chinese text is kept as is. Empty → fallback.
    """
    name = unicodedata.normalize("NFC", str(text))
    name = _UNSAFE_CHARS.sub("_", name)
    name = "".join("_" if unicodedata.category(c) in ("Cf", "Zl", "Zp") else c for c in name)
    name = name.strip().lstrip(".").rstrip(". ")
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    encoded = name.encode("utf-8")[:max_bytes]
    name = encoded.decode("utf-8", errors="ignore").rstrip(". ")
    return name or fallback


def output_path(out_dir: str | os.PathLike, *parts: str) -> Path:
    """``out_dir / part / …`` with each part made safe, and proven to lie inside ``out_dir``.

    Raises UsageError if the result would leave the folder (never expected after
    :func:`safe_filename`; checked anyway because a symlinked sub-folder could point out).
    """
    base = Path(out_dir)
    path = base.joinpath(*(safe_filename(p) for p in parts))
    ensure_inside(base, path)
    return path


def ensure_inside(out_dir: str | os.PathLike, path: str | os.PathLike) -> None:
    """Raise UsageError unless ``path`` (resolved, symlinks followed) lies inside ``out_dir``."""
    base = Path(out_dir).resolve()
    target = Path(path).resolve()
    if target != base and base not in target.parents:
        raise UsageError("拒绝写出：输出文件不在输出文件夹内", location=Location(file=str(path)),
                         hint=f"所有输出都应写在 {out_dir} 之内；请检查输出文件夹中的符号链接。")


__all__ = [
    "MAX_HTML_CELLS", "MAX_PDF_PAGES", "MAX_SPAN", "PDF_TIME_LIMIT_S", "check_pdf_streams", "check_span", "has_declaration", "looks_like_mhtml", "looks_like_spreadsheetml", "ole_kind",
    "MAX_MEMBERS", "MAX_RATIO", "MAX_TOTAL_UNCOMPRESSED", "ZipReport", "check_input_file", "check_input_path", "check_office_bytes", "input_limit_mb",
    "check_office_file", "check_text_bytes", "ensure_inside", "inspect_zip", "note_input", "output_path",
    "place_output", "protect_inputs", "read_input_bytes", "refuse_existing_output", "refuse_overwriting_input", "safe_filename", "sniff", "staged_outputs",
]
