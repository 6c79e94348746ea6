"""A web page saved from a browser (.html/.htm) → :class:`~perfscore.readers.grid.Document`.

What a user must know (for docs/extract.md):

- read: every table of the page with its ``rowspan``/``colspan`` merges (one cell with its
  spans), ``<br>`` and paragraphs inside a cell as line breaks, entities (``&nbsp;``,
  ``&ge;`` …) as the characters they stand for; the page's text outside tables as
  paragraphs, in order. A table used only to lay the page out (one that holds other tables)
  is read through: its inner tables are the tables. Scripts, styles and comments are not
  read. Form fields of a page saved from a budget system's web form show their values (an
  input's value, a drop-down's selected option; hidden fields are not shown, so not read).
  A single-file web archive (.mht/.mhtml) is read by its HTML part. The encoding: a
  byte-order mark; else UTF-8 when the bytes are valid UTF-8; else the page's
  ``<meta charset>``; else GB18030 (which covers GB2312 and GBK);
- refused: a page whose merges ask for more than ``safety.MAX_SPAN`` rows/columns or whose
  tables exceed ``safety.MAX_HTML_CELLS`` cells (broken or hostile). The parser never
  fetches anything from the network and does not expand entity declarations.
"""

from __future__ import annotations

import email
import re
from email import policy

import lxml.etree
import lxml.html

from perfscore.errors import FormatError, InputError, Location
from perfscore.io import decode_bytes
from perfscore.readers.grid import Cell, Document, Table, Text, table_from_rows
from perfscore.safety import MAX_HTML_CELLS, check_span, looks_like_mhtml

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n\f\u00a0\u3000]+")
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title"})
_FIELD_TYPES = frozenset({"", "text", "number", "date", "search", "tel", "url", "email"})


def _field_value(el) -> str | None:
    """What a form field shows on a page saved from a budget system's web form: an input's
    value, a drop-down's selected option; None for any other element."""
    tag = _tag(el)
    if tag == "input":
        return (el.get("value") or "") if (el.get("type") or "").lower() in _FIELD_TYPES else ""
    if tag == "select":
        options = [o for o in el.iter("option")]
        chosen = next((o for o in options if o.get("selected") is not None), options[0] if options else None)
        return "" if chosen is None else chosen.text_content()
    return None
# Elements after which a paragraph ends (their text stands on its own line).
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
                    "header", "footer", "blockquote", "pre", "dl", "dt", "dd", "center", "form", "caption",
                    "tr", "table", "body", "html", "main", "nav", "aside", "hr", "address", "figure"})
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def decode_html(data: bytes, *, name: str) -> str:
    """The page's text: BOM; else UTF-8 when the bytes are valid UTF-8 (GBK text almost never
    is, while a page re-saved as UTF-8 often keeps its old ``charset=gb2312`` and GB18030
    would decode it without an error, into nonsense); else the ``<meta charset>``; else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", errors="ignore").lower()
        codec = _ALIASES.get(declared, declared)
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common on saved pages
    try:
        return decode_bytes(data, file=name)[0]
    except InputError:
        return data.decode("gb18030", errors="replace")


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


class _Lines:
    """Inline text gathered into lines; a block element or ``<br>`` ends a line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(_SPACE.sub(" ", text))

    def end(self) -> None:
        line = "".join(self.buf).strip()
        self.buf = []
        if line:
            self.lines.append(line)


def _cell_text(td) -> str:
    out = _Lines()

    def walk(el) -> None:
        for child in el:
            tag = _tag(child)
            if tag in _SKIP or not tag:
                out.add(child.tail)
                continue
            value = _field_value(child)
            if value is not None:
                out.add(value)
            elif tag == "br":
                out.end()
            else:
                if tag in _BLOCK:
                    out.end()
                out.add(child.text)
                walk(child)
                if tag in _BLOCK:
                    out.end()
            out.add(child.tail)

    out.add(td.text)
    walk(td)
    out.end()
    return "\n".join(out.lines)


def _rows(table) -> list:
    """The table's own rows (not those of tables nested in its cells), in order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _span(td, attr: str, *, name: str, where: str) -> int:
    raw = (td.get(attr) or "1").strip()
    m = re.match(r"\d+", raw)
    value = int(m.group()) if m else 1
    return check_span(max(value, 1), file=name, where=where)


def _table(table, where: str, *, name: str, budget: list[int]) -> Table:
    rows = _rows(table)
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, tr in enumerate(rows):
        col = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (r, col) in taken:
                col += 1
            rowspan = min(_span(td, "rowspan", name=name, where=where), len(rows) - r)
            colspan = _span(td, "colspan", name=name, where=where)
            budget[0] += rowspan * colspan
            if budget[0] > MAX_HTML_CELLS:
                raise InputError(f"拒绝读取：网页中的表格超过 {MAX_HTML_CELLS} 个单元格（文件已损坏或为恶意构造）",
                                 location=Location(file=name), hint="请确认选对了文件；过大的表格请另存为 .xlsx 后读取。")
            taken.update((r + i, col + j) for i in range(rowspan) for j in range(colspan))
            cells.append(Cell(_cell_text(td), r, col, rowspan, colspan))
            col += colspan
    return table_from_rows([cells], where=where)


def read_mhtml(data: bytes, *, name: str) -> Document:
    """Read a single-file web archive (“网页，单个文件” .mht/.mhtml, as Word and browsers save
    it): its first text/html part, decoded by its declared transfer encoding and charset."""
    message = email.message_from_bytes(data, policy=policy.default)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise FormatError("单个文件网页（.mht/.mhtml）中没有网页内容", location=Location(file=name),
                          hint="请在浏览器中打开它，另存为“网页，仅 HTML”后重试。")
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset:
        try:
            return read_text(payload.decode(_ALIASES.get(charset.lower(), charset)), name=name)
        except (LookupError, UnicodeDecodeError):
            pass
    return read(payload, name=name)


def read(data: bytes, *, name: str) -> Document:
    """Read a saved web page given as bytes; ``name`` (file name only) names it in messages."""
    if looks_like_mhtml(data):
        return read_mhtml(data, name=name)
    return read_text(decode_html(data, name=name), name=name)


def read_text(page: str, *, name: str) -> Document:
    """Read a web page already decoded to text."""
    text = _XML_DECL.sub("", page, count=1)
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True,
                                  remove_pis=True, recover=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise FormatError(f"网页（HTML）无法解析：{type(exc).__name__}", location=Location(file=name),
                          hint="请在浏览器中打开该网页，用“另存为 → 网页，全部”重新保存，或复制表格粘贴到 Excel 后另存为 .xlsx。") from None
    blocks: list = []
    lines = _Lines()
    counters = {"p": 0, "t": 0}
    budget = [0]

    def flush() -> None:
        lines.end()
        for line in lines.lines:
            counters["p"] += 1
            blocks.append(Text(line, f"第{counters['p']}段"))
        lines.lines = []

    def walk(el) -> None:
        for child in el:
            tag = _tag(child)
            if not tag or tag in _SKIP:
                lines.add(child.tail)
                continue
            value = _field_value(child)
            if value is not None:
                lines.add(value)
            elif tag == "table" and not any(True for _ in child.iterdescendants("table")):
                flush()
                counters["t"] += 1
                blocks.append(_table(child, f"第{counters['t']}个表格", name=name, budget=budget))
            elif tag == "br":
                lines.end()
            else:
                if tag in _BLOCK or tag in ("td", "th"):
                    lines.end()
                lines.add(child.text)
                walk(child)
                if tag in _BLOCK or tag in ("td", "th"):
                    lines.end()
            lines.add(child.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return Document(blocks=tuple(blocks), name=name, format="html")
