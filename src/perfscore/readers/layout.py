"""The layout both document readers produce: a flat sequence of paragraphs and table rows.

A 绩效文本 is paragraphs (title, department goals, headings) and tables (one 绩效目标表
per project). The plain-text export (``text_export``) and the Word reader (``docx_reader``)
each turn their input into this same shape, and one interpreter (``document``) turns the
shape into :class:`perfscore.model.Targets`, so both formats read alike by construction.

Conventions shared by both producers:

- a horizontally merged cell appears once (not once per grid column it spans);
- the continuation of a vertically merged cell is an empty string (as in the text export);
- a cell's paragraphs are joined with ``"\\n"``; cell text is stripped of outer whitespace.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph outside any table."""

    text: str
    line: int | None = None  # 1-based line (text export) or paragraph number (docx)


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: its cells' texts, left to right."""

    cells: tuple[str, ...]
    line: int | None = None  # 1-based line of the row's first cell (text) or row number (docx)
    table: int = 0           # ordinal of the table in the document (docx); 0 for the text export

    def texts(self) -> list[str]:
        """The non-empty cell texts, in order."""
        return [c for c in self.cells if c]


Block = Paragraph | Row
