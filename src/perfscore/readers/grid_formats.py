"""One entry point from a file's bytes to the grid model, whatever its format.

``read_document(data, name=…, fmt=…)`` calls the reader of ``fmt`` (as decided by
``perfscore.extract.detect_format``, by content, never by extension). Each reader module
(``fmt_docx``, ``fmt_doc``, ``fmt_xlsx``, ``fmt_xls``, ``fmt_pdf``, ``fmt_html``) has
``read(data, *, name) -> Document`` and says in its docstring what it reads and refuses.

``legacy_blocks`` turns a Document into the older ``readers.layout`` shape (paragraphs and
rows of cell texts) that ``readers.document.targets_from_blocks`` interprets; it is the
bridge that lets every format reach today's interpreter until the grid interpreter
(owned by the layouts work) takes Documents directly. The shape's conventions hold: a
horizontally merged cell once, the continuation of a vertically merged cell ``""``.
"""

from __future__ import annotations

import re
from importlib import import_module

from perfscore.readers.grid import Document, Table, Text
from perfscore.readers.layout import Block, Paragraph, Row

# fmt → module with ``read(data, *, name) -> Document``. Loaded on first use: each pulls in a
# heavy library (pdfplumber, xlrd, lxml …) that the other formats do not need.
READERS: dict[str, str] = {
    "docx": "perfscore.readers.fmt_docx",
    "doc": "perfscore.readers.fmt_doc",
    "xlsx": "perfscore.readers.fmt_xlsx",
    "xls": "perfscore.readers.fmt_xls",
    "pdf": "perfscore.readers.fmt_pdf",
    "html": "perfscore.readers.fmt_html",             # also .mht/.mhtml single-file archives
    "xlsxml": "perfscore.readers.fmt_xlsxml",         # Excel 2003 XML (Document.format "xls")
    "rtf": "perfscore.readers.fmt_doc",               # through LibreOffice, as .doc (Document.format "doc")
    # "text": the plain-text reader (copied text: one cell per line, tabs, |, blank lines)
    # is added here by the layouts work, as "perfscore.readers.<its module>".
}


def read_document(data: bytes, *, name: str, fmt: str) -> Document:
    """The :class:`Document` of ``data`` read as ``fmt`` (one of :data:`READERS`)."""
    try:
        module = READERS[fmt]
    except KeyError:
        raise ValueError(f"no grid reader for format {fmt!r}") from None
    return import_module(module).read(data, name=name)


def _row_cells(table: Table, row: int, *, fill: bool) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[int] = set()
    for col in range(table.n_cols):
        cell = table.at(row, col)
        if cell is None:
            if fill:  # a slot no cell covers: an empty cell, as Word stores one
                out.append("")
            continue
        if id(cell) in seen:
            continue
        seen.add(id(cell))
        out.append(cell.text if cell.row == row else "")  # a vertical merge's continuation
    return tuple(out)


_NUMBERED = re.compile(r"^第(\d+)[段行]$")


def legacy_blocks(document: Document) -> list[Block]:
    """The Document as ``readers.layout`` blocks (see the module docstring)."""
    blocks: list[Block] = []
    n_text = n_table = 0
    for block in document.blocks:
        if isinstance(block, Text):
            n_text += 1
            m = _NUMBERED.match(block.where)  # the paragraph/line number the reader counted
            blocks.append(Paragraph(block.text, line=int(m.group(1)) if m else n_text))
        else:
            n_table += 1
            # Word stores every cell (a slot no cell covers is outside the table's grid there);
            # the other formats leave empty cells out, which the older shape wants as "".
            fill = document.format not in ("docx", "doc")
            titles = document.format in ("xlsx", "xls")  # a sheet's title lines above its table
            for r in range(block.n_rows):
                cells = _row_cells(block, r, fill=fill)
                texts = [c for c in cells if c]
                if titles and not texts:
                    continue  # empty rows above the sheet's first line
                if titles and len(texts) == 1 and len(block.row_cells(r)) == 1:
                    n_text += 1
                    blocks.append(Paragraph(texts[0], line=r + 1))  # a line alone on its row
                    continue
                titles = False
                blocks.append(Row(cells, line=r + 1, table=n_table))
    return blocks
