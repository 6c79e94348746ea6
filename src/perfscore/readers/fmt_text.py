"""Plain text copied out of a document → the grid model.

What users paste into a ``.txt`` (recognised in this order):

- the 绩效文本 export (Word saved as text: cells on TAB-led lines) → ``text_export``;
- a table copied from a web page, Word or Excel: one row per line, cells separated by TABs;
- a table copied from a PDF or a web page as text: cells separated by ``|`` (a Markdown
  table's ``|---|`` line is skipped);
- one cell per line, with a blank line between rows (a Word table copied as paragraphs).

Consecutive table lines form one table; other lines are text (titles, ``单位：万元``).
A row pasted without the cells of a merged 一级/二级 cell is shorter than the header: the
interpreter aligns it to the right (the merged cells are the leftmost ones).
"""

from __future__ import annotations

import re

from perfscore.io import decode_bytes
from perfscore.readers.grid import Cell, Document, Table, Text, table_from_rows
from perfscore.readers.text_export import looks_like_export, read_text_export

_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _split(line: str, sep: str) -> list[str]:
    if sep == "|":
        line = line.strip()
        line = line[1:] if line.startswith("|") else line
        line = line[:-1] if line.endswith("|") else line
    return [c.strip() for c in line.split(sep)]


def _separator(lines: list[str]) -> str | None:
    tabbed = sum(1 for line in lines if "\t" in line and line.strip())
    piped = sum(1 for line in lines if line.count("|") >= 2)
    if tabbed and tabbed >= piped:
        return "\t"
    if piped:
        return "|"
    return None


def read_text(text: str, *, name: str) -> Document:
    if looks_like_export(text):
        return read_text_export(text, name=name)
    lines = text.splitlines()
    sep = _separator(lines)
    blocks: list[Text | Table] = []
    rows: list[tuple[int, list[str]]] = []

    def close_table() -> None:
        if rows:
            grid = [[Cell(text=t, row=r, col=k) for k, t in enumerate(cells)] for r, (_, cells) in enumerate(rows)]
            blocks.append(table_from_rows(grid, where=f"第{rows[0][0]}行起的表格", lines=tuple(n for n, _ in rows)))
            rows.clear()

    if sep is None:
        # one cell per line, rows separated by blank lines
        cells: list[str] = []
        start = 0
        for number, raw in enumerate(lines + [""], start=1):
            line = raw.strip()
            if line:
                if not cells:
                    start = number
                cells.append(line)
                continue
            if len(cells) >= 2:
                rows.append((start, cells))
            elif cells:
                close_table()
                blocks.append(Text(cells[0], where=f"第{start}行"))
            cells = []
        close_table()
        return Document(blocks=tuple(blocks), name=name, format="text")

    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if sep == "|" and _RULE.match(raw):
            continue
        if sep in raw:
            rows.append((number, _split(raw, sep)))
        else:
            close_table()
            blocks.append(Text(raw.strip(), where=f"第{number}行"))
    close_table()
    return Document(blocks=tuple(blocks), name=name, format="text")


def read(data: bytes, *, name: str) -> Document:
    return read_text(decode_bytes(data, file=name)[0], name=name)
