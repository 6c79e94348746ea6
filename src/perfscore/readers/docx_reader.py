"""A Word 绩效文本 (.docx) → layout blocks, in body order (paragraphs and table rows).

The older row shape (``readers.layout``) of the Word reader ``fmt_docx``: merged cells are
read from the XML, not from python-docx's grid view (which repeats a merged cell once per
grid column and per row); in this shape a horizontally merged cell (``w:gridSpan``) gives
one cell and the continuation of a vertically merged cell (``w:vMerge`` without
``restart``) an empty cell, as in the text export. Content controls (``w:sdt``, e.g. a
table of contents) are read through.
"""

from __future__ import annotations

from perfscore.readers import fmt_docx
from perfscore.readers.grid_formats import legacy_blocks
from perfscore.readers.layout import Block


def read_docx_blocks(data: bytes, *, file: str) -> list[Block]:
    """Read a .docx given as bytes; ``file`` names it in messages."""
    return legacy_blocks(fmt_docx.read(data, name=file))
