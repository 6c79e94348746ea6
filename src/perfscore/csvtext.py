"""The one CSV writer: a DataFrame as the text pandas' ``to_csv(index=False,
lineterminator="\\n")`` writes, column by column.

``to_csv`` hands every row to ``csv.writer``, which decides on quoting cell by cell: a C
loop over 10⁶ rows and ~27 columns is seconds, and called for each of a thousand units
its per-call overhead costs more than the writing. Here each column is turned into cell
texts once (numbers, booleans and dates formatted by pandas itself, missing cells
empty, other objects by ``str`` as to_csv does), a column with no character that needs
quoting is written as is, and only the cells of a column that has one are quoted, with
the quotes doubled, as csv.writer quotes them. Rows are then joined with ``str.join``.

The characters that make csv.writer quote a cell are asked of csv.writer itself when
this module is imported: the set changed between Python versions (whether a lone ``\\r``
is quoted) and the text must match the running one exactly.
"""

from __future__ import annotations

import csv
import io
import math
import re

import numpy as np
import pandas as pd


def _writer_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


_QUOTED = frozenset(c for c in ',"\r\n\t\x00 \'\x0b\x0c'
                    if _writer_text([["a" + c + "b", "x"]]) != "a" + c + "b,x\n")


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _object_cell(value) -> str:
    """A cell of an object column as to_csv writes it: missing → empty, else ``str``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _cells(column: pd.Series) -> list[str]:
    """The column's cells as text, before quoting."""
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        values = column.tolist()
        if set(map(type, values)) <= {str}:   # every cell a str (one C loop)
            return values
        return [v if type(v) is str else _object_cell(v) for v in values]
    # Numbers, booleans, dates: pandas' own formatting (to_csv's), which never holds a
    # separator, a quote or a line break, so the lines of a one-column CSV are the cells
    # (a lone empty cell is written "" by csv.writer: a missing value).
    text = column.to_frame().to_csv(index=False, header=False, lineterminator="\n")
    return ["" if c == '""' else c for c in text.split("\n")[:-1]]


def _quoted(cells: list[str]) -> list[str]:
    """The cells as CSV fields: quoted where csv.writer quotes."""
    joined = "".join(cells)
    present = [c for c in _QUOTED if c in joined]
    if not present:
        return cells  # the usual case: nothing in the column needs quoting
    if len(present) == 1:
        (c,) = present
        return [_quote(v) if c in v else v for v in cells]
    needs = re.compile("[" + re.escape("".join(present)) + "]").search
    return [_quote(v) if needs(v) else v for v in cells]


def csv_rows(frame: pd.DataFrame) -> tuple[str, list[str]]:
    """(header line, the row lines) of the frame, each without its ``\\n``."""
    return csv_lines([str(c) for c in frame.columns], [_cells(frame.iloc[:, j]) for j in range(frame.shape[1])],
                     len(frame))


def csv_lines(names: list[str], columns: list[list[str]], rows: int) -> tuple[str, list[str]]:
    """(header line, row lines) of text columns (``rows`` cells each)."""
    columns = [_quoted(c) for c in columns]
    if len(columns) == 1:  # a row of one empty field: csv.writer writes "" (else the line is blank)
        columns = [['""' if v == "" else v for v in columns[0]]]
        names = ['""' if v == "" else v for v in _quoted(names)]
    elif not columns:      # no columns: csv.writer writes an empty row as a blank line
        return "", [""] * rows
    else:
        names = _quoted(names)
    return ",".join(names), list(map(",".join, zip(*columns)))


def _lines(rows: list[str]) -> str:
    """The rows, each ended by ``\n``."""
    return "\n".join(rows) + "\n" if rows else ""


def csv_bytes(frame: pd.DataFrame, *, header: bool = True) -> bytes:
    """The frame as UTF-8 CSV text (no BOM), its header optional: a long table is written
    a slice at a time, so its cells never all exist at once."""
    head, rows = csv_rows(frame)
    body = _lines(rows)
    return ((head + "\n" + body) if header else body).encode("utf-8")


class CsvBlock:
    """The CSV bytes of a frame and where each of its rows starts, so that the rows of
    one unit of a batch block are written as a file of their own."""

    def __init__(self, header: bytes, body: bytes, starts: np.ndarray):
        self.header = header
        self.body = body
        self.starts = starts        # byte offset of each row in body, plus len(body) at the end

    @classmethod
    def of(cls, frame: pd.DataFrame) -> CsvBlock:
        head, rows = csv_rows(frame)
        body = _lines(rows).encode("utf-8")
        ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
        if len(ends) != len(rows):  # a cell with a line break: a row spans lines
            ends = np.cumsum([len(r.encode("utf-8")) + 1 for r in rows], dtype=np.int64) - 1
        starts = np.concatenate(([0], ends + 1)).astype(np.int64)
        return cls((head + "\n").encode("utf-8"), body, starts)

    def rows(self, r0: int, r1: int) -> bytes:
        """The header and rows [r0, r1): what ``csv_bytes`` gives for a frame of those rows."""
        return self.header + self.body[self.starts[r0]: self.starts[r1]]
