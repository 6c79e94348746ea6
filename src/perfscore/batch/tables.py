"""Writing the per-unit CSV files of a block in one go.

``perfscore.io.write_csv`` writes one DataFrame through pandas' ``to_csv``; called for
each of a thousand units it costs more in per-call overhead than in writing. Here the
block's cells (already formatted by :mod:`perfscore.writers.tabular`) are turned into CSV
text once, exactly as the writer pandas uses (``csv.writer``, minimal quoting, ``\\n``
line ends) would write them, and each unit's file is the header plus its slice of lines,
written with the same atomic write and BOM. When a cell holds a line break, rows are not
lines; the caller then writes unit by unit with ``write_csv``.

csv.writer decides on quoting cell by cell (a C loop over 10^6 rows and ~27 columns is
seconds); :func:`csv_text` decides column by column instead: all cells are text, a
column with no character that needs quoting is written as is, and only the cells of a
column that has one are quoted. Rows are then joined with ``str.join``. Anything that
is not plain text goes through csv.writer itself.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from perfscore.io import atomic_write_bytes

BOM = b"\xef\xbb\xbf"


def _writer_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _quoted_by_writer() -> frozenset[str]:
    """The characters that make csv.writer (excel dialect, ``\\n`` line ends) quote a cell.
    Asked of csv.writer itself: the set changed between Python versions (whether a
    lone ``\\r`` is quoted), and this must match the running one exactly."""
    return frozenset(c for c in ',"\r\n\t\x00 \'\x0b\x0c'
                     if _writer_text([["a" + c + "b", "x"]]) != "a" + c + "b,x\n")


_QUOTED = _quoted_by_writer()
# The column-wise writer relies on these; were they ever untrue, csv.writer is used.
_FAST = ('"' in _QUOTED and "," in _QUOTED and "\n" in _QUOTED
         and _writer_text([["", " a ", 'q"'], ["é", "", ""]]) == ', a ,"q"""\né,,\n')


def _quote(cell: str) -> str:
    """A cell that needs quoting as csv.writer writes it (quotes doubled)."""
    return '"' + cell.replace('"', '""') + '"'


def _column_cells(values: list) -> list[str] | None:
    """The column's cells as CSV fields, or None when a cell is not text."""
    try:
        joined = "".join(values)  # refuses anything but str: such columns go to csv.writer
    except TypeError:
        return None
    present = [c for c in _QUOTED if c in joined]
    if not present:
        return values  # the usual case: nothing in the column needs quoting
    if len(present) == 1:
        (c,) = present
        return [_quote(v) if c in v else v for v in values]
    needs = re.compile("[" + re.escape("".join(present)) + "]").search
    return [_quote(v) if needs(v) else v for v in values]


def csv_text(frame: pd.DataFrame) -> tuple[str, str] | None:
    """(header line, body lines) of the frame as csv.writer writes them with ``\\n`` line
    ends, or None when some cell is not text or the frame has fewer than two columns
    (csv.writer writes a lone empty field as ``""``): then only csv.writer will do."""
    if not _FAST or frame.shape[1] < 2:
        return None
    header = _column_cells([str(c) for c in frame.columns])
    columns = []
    for j in range(frame.shape[1]):
        cells = _column_cells(frame.iloc[:, j].to_numpy(dtype=object).tolist())
        if cells is None:
            return None
        columns.append(cells)
    # One str.join per row (C); a row of an all-empty block still ends with "\n".
    body = "\n".join(map(",".join, zip(*columns)))
    return ",".join(header) + "\n", (body + "\n" if len(frame) else "")


class CsvBlock:
    """The CSV bytes of a frame and where each of its rows starts."""

    def __init__(self, header: bytes, body: bytes, starts: np.ndarray):
        self.header = header
        self.body = body
        self.starts = starts        # byte offset of each row in body, plus len(body) at the end

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "CsvBlock | None":
        text = csv_text(frame)
        if text is None:
            head = _writer_text([[str(c) for c in frame.columns]])
            rest = _writer_text(zip(*[frame[c].tolist() for c in frame.columns]))
        else:
            head, rest = text
        header = head.encode("utf-8")
        body = rest.encode("utf-8")
        if header.count(b"\n") != 1:
            return None  # a column name with a line break
        ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
        if len(ends) != len(frame):
            return None  # a cell with a line break: a row spans lines
        starts = np.concatenate(([0], ends + 1)).astype(np.int64)
        return cls(header, body, starts)

    def write(self, path, r0: int, r1: int, header: bytes | None = None) -> None:
        """Rows [r0, r1) with the header, as ``write_csv`` writes a frame of those rows."""
        atomic_write_bytes(path, BOM + (header or self.header) + self.body[self.starts[r0]: self.starts[r1]])


def csv_bytes(frame: pd.DataFrame, *, header: bool) -> bytes:
    """The frame's cells as ``write_csv`` writes them (without the BOM), its header optional:
    a long table is written a slice at a time, so its cells never all exist at once."""
    text = csv_text(frame)
    if text is None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if header:
            writer.writerow([str(c) for c in frame.columns])
        writer.writerows(zip(*[frame[c].tolist() for c in frame.columns]))
        return buf.getvalue().encode("utf-8")
    return ((text[0] + text[1]) if header else text[1]).encode("utf-8")


class UnitTables:
    """One unit's results.csv and projects.csv: slices of its block's CSV text where
    possible, else the cell frames (written with ``write_csv``)."""

    def __init__(self, ind: CsvBlock | pd.DataFrame, ind_rows: tuple[int, int],
                 proj: CsvBlock | pd.DataFrame, proj_rows: tuple[int, int]):
        self.ind, self.ind_rows = ind, ind_rows
        self.proj, self.proj_rows = proj, proj_rows

    @staticmethod
    def _write(path, part, rows: tuple[int, int]) -> None:
        if isinstance(part, CsvBlock):
            part.write(path, *rows)
        else:
            from perfscore.io import write_csv

            write_csv(path, part.iloc[rows[0]: rows[1]].reset_index(drop=True))

    def write(self, results_path, projects_path) -> None:
        self._write(results_path, self.ind, self.ind_rows)
        self._write(projects_path, self.proj, self.proj_rows)
