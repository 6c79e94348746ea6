"""The table model every document format is read into: text blocks and grids of cells.

Each format reader (``fmt_docx``, ``fmt_xlsx``, ``fmt_xls``, ``fmt_pdf``, ``fmt_html``, and
the plain-text reader) turns its bytes into one :class:`Document`: paragraphs/lines outside
tables as :class:`Text`, tables as :class:`Table`. A merged cell is ONE :class:`Cell` at its
top-left slot with its spans, so the interpreter knows exactly which rows a merged 一级/二级
cell covers, whatever the file format was. Everything after this model is format-free.

Conventions all readers keep:

- ``Cell.text`` is what the cell shows, outer whitespace stripped, its paragraphs/lines joined
  with ``"\\n"``; an empty cell is either absent or has ``text == ""``;
- ``Table.cells`` holds each cell once, sorted by (row, col); cells never overlap;
- ``where`` is a Chinese place for messages ("第3个表格", "工作表「Sheet1」", "第2页第1个表格",
  "第12段", "第4页", "第37行");
- ``Document.name`` is the file name only, never a path.

Excel-only extras on :class:`Cell` (defaults elsewhere): ``number_format`` is the cell's
number format and ``excel_serial`` the stored number when Excel shows the cell as a date or
time, so the interpreter can report an Excel date serial where a target was expected (the
text keeps what Excel shows; the serial says what was typed was turned into a date).

What each reader gives, for the interpreter (the format-free part):

- docx/doc: paragraphs as Text (``第N段``, empty paragraphs counted, not given); every table,
  even an empty one (so the n-th Table is the file's n-th table); nested tables' text is
  part of their cell's text;
- xlsx/xls (and Excel 2003 XML, format "xls"): NO Text blocks; one Table per visible sheet,
  rows and columns numbered as in the sheet (row 0 is Excel's row 1, even when empty), so a
  title or a ``单位：万元`` line typed above the form is a row of the table (one cell, often
  merged across); empty cells are absent (``at`` gives None);
- html (and .mht): text outside tables as Text (``第N段``); layout tables that hold other
  tables are read through, only tables without tables inside are Tables;
- pdf: each page's lines outside tables as Text (``第N页``; far-apart word groups joined by a
  tab); a ruled table continued over pages is one Table (``第P页第K个表格``, P its first
  page; page numbers and running headers between its parts are Text and do not split it),
  a header row printed again on each page given once; a table read from word
  positions (no ruling) has ``（无框线，按文字位置读取）`` at the end of its ``where``; a
  cell's wrapped lines are joined without a break except before a numbered item;
- every reader: cell text stripped, a cell's lines joined with ``"\n"``, targets exactly as
  shown (full-width signs, masks such as ``≤***元`` untouched).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Cell:
    """One (possibly merged) cell, at its top-left slot."""

    text: str       # what the cell shows; outer whitespace stripped; paragraphs joined with "\n"
    row: int        # 0-based top row of the cell in its table
    col: int        # 0-based left column
    rowspan: int = 1
    colspan: int = 1
    number_format: str = ""            # Excel only: the cell's number format ("0.00%", "yyyy/m/d")
    excel_serial: float | None = None  # Excel only: the stored serial when shown as a date/time

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True, slots=True)
class Table:
    """A grid of cells; a merged cell appears once and covers ``rowspan × colspan`` slots."""

    cells: tuple[Cell, ...]   # every (merged) cell once, at its top-left, sorted by (row, col)
    n_rows: int
    n_cols: int
    where: str                # place for messages, Chinese
    # plain text only: the 1-based source line of each row (messages name the line, not the row)
    lines: tuple[int, ...] = ()
    # slot (row, col) → index into ``cells``; built once, not part of equality or repr
    _slots: dict[tuple[int, int], int] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        slots = self._slots
        for i, c in enumerate(self.cells):
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    slots[(r, k)] = i

    def at(self, row: int, col: int) -> Cell | None:
        """The cell covering (row, col), None if none."""
        i = self._slots.get((row, col))
        return None if i is None else self.cells[i]

    def grid(self) -> list[list[str]]:
        """n_rows × n_cols texts; a merged cell's text in every slot it covers."""
        out = [[""] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                line = out[r]
                for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                    line[k] = c.text
        return out

    def row_cells(self, row: int) -> list[Cell]:
        """The distinct cells starting in or covering this row, left to right, once each."""
        seen: set[int] = set()
        out: list[Cell] = []
        for k in range(self.n_cols):
            i = self._slots.get((row, k))
            if i is not None and i not in seen:
                seen.add(i)
                out.append(self.cells[i])
        return out

    def row_texts(self, row: int) -> list[str]:
        """Texts of the distinct cells starting in or covering this row, left to right, once each."""
        return [c.text for c in self.row_cells(row)]


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph / line outside any table."""

    text: str
    where: str      # "第12段", "第4页", "第37行"


Block = Text | Table


@dataclass(frozen=True, slots=True)
class Document:
    """A whole document in reading order."""

    blocks: tuple[Text | Table, ...]   # reading order
    name: str                          # file name only, never a path
    format: str                        # "docx" | "doc" | "xlsx" | "xls" | "pdf" | "html" | "text"

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def table_from_rows(rows: list[list[Cell]], *, where: str, lines: tuple[int, ...] = ()) -> Table:
    """A :class:`Table` from cells listed in any order (readers build rows and append).

    Sorts the cells, sizes the grid from the spans and drops a cell whose slots another cell
    already covers (a broken file's overlapping merges: the first, top-left-most cell wins).
    """
    flat = sorted((c for line in rows for c in line), key=lambda c: (c.row, c.col))
    taken: set[tuple[int, int]] = set()
    kept: list[Cell] = []
    n_rows = n_cols = 0
    for c in flat:
        slots = [(r, k) for r in range(c.row, c.row + c.rowspan) for k in range(c.col, c.col + c.colspan)]
        if any(s in taken for s in slots):
            continue
        taken.update(slots)
        kept.append(c)
        n_rows = max(n_rows, c.row + c.rowspan)
        n_cols = max(n_cols, c.col + c.colspan)
    return Table(cells=tuple(kept), n_rows=n_rows, n_cols=n_cols, where=where, lines=lines)
