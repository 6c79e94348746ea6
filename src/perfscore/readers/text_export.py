"""The plain-text export of a 绩效文本 (a Word document saved as text) → the grid model.

What the export looks like (see ``data/yanshan-2023/000_9a0311abce8b0d69.txt``):

- a table cell starts a line with a TAB; several cells of one row follow on their own
  TAB-led lines; a row ends at an empty line;
- a cell's further paragraphs follow on lines WITHOUT a leading TAB (the goal lists);
  an empty paragraph inside a cell shows as an empty line inside the cell, so a non-TAB
  line after a single empty line still continues the cell unless it is a heading;
- a line holding only spaces separates tables and paragraphs;
- ``[bookmark: …]`` markers and ``page number`` lines are Word artefacts and are dropped;
- table-of-contents entries are paragraphs ending in TAB + page number (kept as
  paragraphs; the interpreter ignores them).
"""

from __future__ import annotations

import re

from perfscore.readers.grid import Cell, Document, Table, Text, table_from_rows

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_NUMBER = "page number"
# Lines that start a new part of the document and so can never continue a cell.
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\d+[.．、].*绩效目标表\s*$)"
)


def _is_heading(raw: str, line: str) -> bool:
    return bool(_BOOKMARK.search(raw)) or bool(_HEADING.match(line.strip()))


def looks_like_export(text: str) -> bool:
    """True when the text has the export's shape: cells on their own TAB-led lines."""
    tabbed = [line for line in text.splitlines()[:4000] if "\t" in line]
    if not tabbed:
        return False
    led = sum(1 for line in tabbed if line.startswith("\t") and "\t" not in line[1:])
    return led >= 0.6 * len(tabbed)


def read_text_export(text: str, *, name: str = "") -> Document:
    """Split the export into paragraphs and table rows, in document order; consecutive rows
    form one table whose rows remember their source line (messages name the line)."""
    blocks: list[Text | Table] = []
    rows: list[tuple[int, list[str]]] = []   # the open table: (line, cells)
    cells: list[str] | None = None  # the open row's cells
    row_line = 0
    blank_run = 0  # empty lines seen since the open row's last line

    def close_row() -> None:
        nonlocal cells, blank_run
        if cells is not None:
            rows.append((row_line, [c.strip() for c in cells]))
        cells = None
        blank_run = 0

    def close_table() -> None:
        if rows:
            grid = [[Cell(text=t, row=r, col=k) for k, t in enumerate(line_cells)]
                    for r, (_, line_cells) in enumerate(rows)]
            blocks.append(table_from_rows(grid, where=f"第{rows[0][0]}行起的表格",
                                          lines=tuple(n for n, _ in rows)))
            rows.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = _BOOKMARK.sub("", raw).rstrip("\r")
        if line.strip() == _PAGE_NUMBER:
            continue
        if line.startswith("\t"):
            if cells is not None and blank_run:
                close_row()
            if cells is None:
                cells, row_line = [], number
            cells.extend(line[1:].split("\t"))
            blank_run = 0
        elif line == "":
            if cells is not None:
                blank_run += 1
        elif not line.strip():
            close_row()  # a spaces-only line: a break between tables
        elif cells is not None and (blank_run == 0 or (blank_run == 1 and not _is_heading(raw, line))):
            cells[-1] = f"{cells[-1]}\n{line}"  # a further paragraph of the open cell
            blank_run = 0
        else:
            close_row()
            close_table()
            blocks.append(Text(line.strip(), where=f"第{number}行"))
    close_row()
    close_table()
    return Document(blocks=tuple(blocks), name=name, format="text")
