"""PDF with a text layer → :class:`~perfscore.readers.grid.Document`, read with pdfplumber.

What a user must know (for docs/extract.md):

- read: the tables drawn with ruling lines (pdfplumber's table finder), a merged cell as one
  cell with its spans (from the cells' boxes); a table that runs on over a page break is
  continued (same columns, at the top of the next page, page numbers and running headers
  notwithstanding) as one table, a header row printed again on the new page read once, and
  a cell cut by the break runs on over the rows below it; the text outside tables line by line (``第N页``);
- a table printed WITHOUT ruling lines is read from the words' positions: lines with three or
  more groups of words far apart are its rows, the groups' left edges its columns; a line
  is wrapped text of the row above when rows are spaced wider than the lines inside a cell
  and it is closer, or, with even spacing, when each of its groups continues a group that
  filled its column on the line above (Chinese wraps at the column's edge). Such a table's
  place says so (``第1页第1个表格（无框线，按文字位置读取）``): its result must be checked —
  a number wrapped after a few digits, a row cut by a page break, text centred across
  several lines of a merged cell are where reading by position goes wrong. Other lines keep
  their far-apart groups separated by a tab;
- a cell's text wrapped over several lines is joined without a break (Chinese wraps
  anywhere), except before a numbered item (``1.`` ``（2）`` ``3、``), which starts a new line;
- refused: a scan (pages that are only images, no text layer) with a message saying it
  needs OCR or the Word original; a password-protected PDF; a damaged PDF; a PDF of more
  than ``safety.MAX_PDF_PAGES`` pages, one that takes longer than ``safety.PDF_TIME_LIMIT_S``
  seconds, or one whose compressed streams inflate beyond ``safety.MAX_PDF_STREAM`` (hostile
  files must neither hang the program nor exhaust its memory).
"""

from __future__ import annotations

import bisect
import contextlib
import io
import logging
import re
import signal
import threading
import time

import pdfplumber  # this module is loaded only when a PDF is read (grid_formats.READERS)
from pdfminer.pdfdocument import PDFPasswordIncorrect

from perfscore.errors import FormatError, InputError, Location
from perfscore.readers.grid import Cell, Document, Text, table_from_rows
from perfscore.readers.pdf_text import Unruled, join_lines, line_text, lines_of, unruled_blocks, words_of
from perfscore.safety import MAX_PDF_PAGES, PDF_TIME_LIMIT_S, check_pdf_streams

_SNAP = 1.0         # points: cell edges closer than this are one grid line
# A continued table's column edges may differ a little from page to page (a renderer that
# sizes columns per page): within this share of the table's width they are the same edge.
_CONTINUED_SHARE = 0.01

# pdfminer logs what it refuses in a hostile or sloppy file (circular references, missing
# boxes) as warnings; the user gets perfscore's one message instead, not library log lines.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

SCAN_HINT = ("这是扫描件（图片），没有可读取的文字层：请使用绩效目标表的 Word/Excel 原件，"
             "或先用 OCR 软件（如 WPS、Adobe Acrobat 的“识别文字”）转换为带文字的 PDF 或 Word 后重试。")


class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt a parse running longer than ``seconds`` (a hostile PDF can make pdfminer
    loop); a timer in the main thread, and checks between pages everywhere."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def handler(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, handler)
    outer, outer_interval = signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-6))
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # a timer the caller had set keeps running, less the time spent here
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-6), outer_interval)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The index of the edge nearest to ``v``."""
    i = bisect.bisect_left(edges, v)
    if i == len(edges) or (i > 0 and v - edges[i - 1] <= edges[i] - v):
        return i - 1
    return i


class _Found:
    """One table found on a page: its grid edges, cell boxes and the characters inside."""

    def __init__(self, boxes: list[tuple[float, float, float, float]], bbox):
        self.bbox = bbox
        self.raw = list(boxes)
        self.ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes] + [bbox[1], bbox[3]])
        self.regrid(_snap([b[0] for b in boxes] + [b[2] for b in boxes] + [bbox[0], bbox[2]]))
        self.words: list[list[dict]] = [[] for _ in self.boxes]
        # boxes made for text in a slot no drawn cell covers: a cell cut by the page break
        # (its bottom border is not drawn), continued by the first row of the next page
        self.open: set[int] = set()

    def regrid(self, xs: list[float]) -> None:
        """Place the cells on the column edges ``xs`` (a continued table keeps the columns
        of its first page, where a merge may hide an edge this page does not draw)."""
        self.xs = xs
        self.boxes = []
        for x0, top, x1, bottom in self.raw:
            c0, c1 = _index(self.xs, x0), _index(self.xs, x1)
            r0, r1 = _index(self.ys, top), _index(self.ys, bottom)
            self.boxes.append((r0, c0, max(r1 - r0, 1), max(c1 - c0, 1)))
        self.slot = {}
        for n, (r0, c0, rs, cs) in enumerate(self.boxes):
            for r in range(r0, r0 + rs):
                for c in range(c0, c0 + cs):
                    self.slot.setdefault((r, c), n)

    def take(self, w: dict) -> bool:
        """Place a character (by its centre) in its cell; False when outside the table."""
        x0, top, x1, bottom = self.bbox
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            return False
        c = bisect.bisect_right(self.xs, cx) - 1
        r = bisect.bisect_right(self.ys, cy) - 1
        if not (0 <= r < len(self.ys) - 1 and 0 <= c < len(self.xs) - 1):
            return False
        n = self.slot.get((r, c))
        if n is None:  # text in an undrawn slot: a cell of its own, open at the bottom
            n = len(self.boxes)
            self.raw.append((self.xs[c], self.ys[r], self.xs[c + 1], self.ys[r + 1]))
            self.boxes.append((r, c, 1, 1))
            self.slot[(r, c)] = n
            self.words.append([])
            self.open.add(n)
        self.words[n].append(w)
        return True

    def open_cells(self) -> dict[tuple[int, int], int]:
        """(col, colspan) → index of an open cell that reaches the table's last row."""
        last = len(self.ys) - 2
        return {(self.boxes[n][1], self.boxes[n][3]): n for n in self.open
                if self.boxes[n][0] + self.boxes[n][2] - 1 == last}

    def cells(self, row_offset: int) -> list[Cell]:
        out = []
        for (r0, c0, rs, cs), words in zip(self.boxes, self.words):
            text = join_lines([line_text(line, tabs=False) for line in lines_of(words_of(words))]) if words else ""
            out.append(Cell(text.strip(), r0 + row_offset, c0, rs, cs))
        return out

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1


def _open(data: bytes, name: str):
    where = Location(file=name)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except PDFPasswordIncorrect:
        raise FormatError("PDF 设置了打开密码，无法读取", location=where,
                          hint="请用 PDF 阅读器输入密码打开后另存一份不加密的 PDF，或使用 Word/Excel 原件。") from None
    except _TimeUp:
        raise
    except Exception as exc:  # pdfminer raises many types for broken files
        raise FormatError(f"PDF 文件已损坏，无法读取：{type(exc).__name__}", location=where,
                          hint="请重新下载或导出该 PDF；也可以使用绩效目标表的 Word/Excel 原件。") from None
    return pdf, n_pages


def _page_blocks(page, page_no: int) -> tuple[list[tuple[float, object]], bool, list[dict]]:
    """(blocks with their top on the page, whether the page has images, its characters)."""
    found = []
    for t in page.find_tables():
        boxes = [tuple(c) for c in t.cells]
        if len(boxes) >= 2:
            found.append(_Found(boxes, t.bbox))
    # Characters, not words, are placed in cells: two cells' texts closer than the word
    # gap (a number right-aligned against the next cell's text) must not become one word.
    rest = [ch for ch in page.chars if not any(f.take(ch) for f in found)]
    items: list[tuple[float, object]] = [(f.bbox[1], f) for f in found]
    items.extend(unruled_blocks(lines_of(words_of(rest))))
    items.sort(key=lambda it: it[0])
    return items, bool(page.images), page.chars


_DIGIT = re.compile(r"\d")


def _repeated_header(local: list[tuple[int, Cell]], cells: list[Cell]) -> bool:
    """True when the first row of a continued page repeats a header row of the table (Word's
    “重复标题行”, a browser's <thead>): words with 指标 and no digits, cell for cell equal to
    a row already read. A data row is never dropped: a data row has figures or differs."""
    first = sorted((c.col, c.colspan, c.text) for _, c in local if c.row == 0)
    if not first or any(c.rowspan > 1 for _, c in local if c.row == 0):
        return False
    texts = "".join(t for _, _, t in first)
    if "指标" not in texts or _DIGIT.search(texts):
        return False
    rows: dict[int, list] = {}
    for c in cells:
        rows.setdefault(c.row, []).append((c.col, c.colspan, c.text))
    return any(sorted(row) == first for row in rows.values())


def _same_columns(first: list[float], page: list[float]) -> bool:
    """True when a table at the top of a page continues one with column edges ``first``:
    the same outer edges, and every edge it draws near one of ``first`` (merged cells
    may hide some)."""
    if len(page) < 2 or len(page) > len(first):
        return False
    tol = max(1.5, _CONTINUED_SHARE * (first[-1] - first[0]))
    if abs(first[0] - page[0]) > tol or abs(first[-1] - page[-1]) > tol:
        return False
    return all(any(abs(x - y) <= tol for y in first) for x in page)


def _in_margin(top: float, height: float, text: str) -> bool:
    """A short line in the top or bottom tenth of the page: a page number or running header
    (页眉/页脚), which does not end a table that runs on over the page break."""
    return len(text) <= 40 and (top < 0.1 * height or top > 0.9 * height)


def _continue(open_table: dict, item: _Found) -> None:
    """Add the table found at the top of a page to the one open from the previous page."""
    item.regrid(open_table["xs"])
    cells = open_table["cells"]
    local = list(enumerate(item.cells(0)))
    skip = 1 if _repeated_header(local, cells) else 0  # the header printed again on this page
    base = open_table["rows"] - skip
    local = [(n, Cell(c.text, c.row + base, c.col, c.rowspan, c.colspan)) for n, c in local if c.row >= skip]
    placed: dict[int, int] = {}  # this page's box → index in cells
    for n, cell in local:
        at = open_table["open"].get((cell.col, cell.colspan))
        if cell.row == open_table["rows"] and not cell.text and at is not None:
            top = cells[at]  # the cell cut by the page break runs on over this one
            cells[at] = Cell(top.text, top.row, top.col, top.rowspan + cell.rowspan, top.colspan)
            placed[n] = at
        else:
            placed[n] = len(cells)
            cells.append(cell)
    for (col, span), at in open_table["open"].items():
        # rows at the top of this page where nothing is drawn under a cut cell: the cut
        # cell's rest (its top border is not drawn)
        free = 0
        while skip + free < item.n_rows and all((skip + free, k) not in item.slot for k in range(col, col + span)):
            free += 1
        if free:
            top = cells[at]
            cells[at] = Cell(top.text, top.row, top.col, top.rowspan + free, top.colspan)
    open_table["open"] = {k: placed[n] for k, n in item.open_cells().items() if n in placed}
    open_table["rows"] += item.n_rows - skip


def read(data: bytes, *, name: str) -> Document:
    """Read a PDF given as bytes; ``name`` (file name only) names it in messages."""
    where = Location(file=name)
    check_pdf_streams(data, file=name)  # decompression bombs, before pdfminer inflates anything
    started = time.monotonic()
    blocks: list = []
    try:
        with _time_limit(PDF_TIME_LIMIT_S):
            pdf, n_pages = _open(data, name)
            with pdf:
                if n_pages > MAX_PDF_PAGES:
                    raise InputError(f"拒绝读取：PDF 有 {n_pages} 页，超过上限 {MAX_PDF_PAGES} 页", location=where,
                                     hint="请只导出含绩效目标表的页面后重试。")
                chars = unmapped = 0
                images = False
                open_table: dict | None = None  # the last table, while it may continue on the next page

                def close() -> None:
                    nonlocal open_table
                    if open_table is not None:
                        blocks[open_table["at"]] = table_from_rows([open_table["cells"]], where=open_table["where"])
                        open_table = None

                for page_no, page in enumerate(pdf.pages, start=1):
                    if time.monotonic() - started > PDF_TIME_LIMIT_S:
                        raise _TimeUp()
                    try:
                        items, has_images, page_chars = _page_blocks(page, page_no)
                    except (_TimeUp, InputError):
                        raise
                    except Exception as exc:
                        raise FormatError(f"PDF 第{page_no}页已损坏，无法读取：{type(exc).__name__}", location=where,
                                          hint="请重新下载或导出该 PDF；也可以使用绩效目标表的 Word/Excel 原件。") from None
                    chars += len(page_chars)
                    unmapped += sum(1 for c in page_chars if c["text"].startswith("(cid:"))
                    images = images or has_images
                    page_tables = 0
                    margin = [isinstance(it, str) and _in_margin(top, page.height, it) for top, it in items]
                    body = [i for i, m in enumerate(margin) if not m]  # items that are not 页眉/页脚
                    for i, (_, item) in enumerate(items):
                        if isinstance(item, _Found):
                            page_tables += 1
                            if body and i == body[0] and open_table is not None \
                                    and _same_columns(open_table["xs"], item.xs):
                                _continue(open_table, item)  # the table runs on from the previous page
                                continue
                            close()
                            open_table = {"at": len(blocks), "cells": item.cells(0), "rows": item.n_rows,
                                          "xs": item.xs, "where": f"第{page_no}页第{page_tables}个表格",
                                          "open": item.open_cells()}
                            blocks.append(None)
                        elif isinstance(item, Unruled):
                            close()
                            page_tables += 1
                            # the place says it was read from word positions: to be checked
                            blocks.append(table_from_rows(
                                [item.cells], where=f"第{page_no}页第{page_tables}个表格（无框线，按文字位置读取）"))
                        else:
                            if not margin[i]:  # a page number or running header does not end a table
                                close()
                            blocks.append(Text(item, f"第{page_no}页"))
                    if not body or not isinstance(items[body[-1]][1], _Found):
                        close()
                    page.close()  # pdfplumber keeps each page's objects otherwise: memory grows with pages
                close()
    except _TimeUp:
        raise InputError(f"拒绝读取：PDF 读取超过 {PDF_TIME_LIMIT_S} 秒仍未完成（文件过大、已损坏或为恶意构造）",
                         location=where, hint="请只导出含绩效目标表的页面，或使用 Word/Excel 原件。") from None
    if chars == 0:
        if images:
            raise FormatError("PDF 没有文字层，是扫描件（每页只是图片）", location=where, hint=SCAN_HINT)
        raise FormatError("PDF 中没有任何文字", location=where, hint="请确认选对了文件，或使用 Word/Excel 原件。")
    if unmapped > 0.3 * chars:
        # glyphs without a Unicode mapping come out as (cid:123): the text cannot be read back
        raise FormatError(f"PDF 中的文字无法还原（{unmapped} 个字符的字体没有编码表，提取出来是乱码）", location=where,
                          hint="请使用绩效目标表的 Word/Excel 原件，或在 PDF 阅读器中重新“另存为”带文字的 PDF 后重试。")
    return Document(blocks=tuple(b for b in blocks if b is not None), name=name, format="pdf")
