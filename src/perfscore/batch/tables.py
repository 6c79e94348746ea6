"""Writing the per-unit CSV files of a block in one go.

``perfscore.io.write_csv`` writes one DataFrame through pandas' ``to_csv``; called for
each of a thousand units it costs more in per-call overhead than in writing. Here the
block's cells (already formatted by :mod:`perfscore.writers.tabular`) are turned into CSV
text once, with the same writer pandas uses (``csv.writer``, minimal quoting, ``\\n``
line ends), and each unit's file is the header plus its slice of lines, written with the
same atomic write and BOM. When a cell holds a line break, rows are not lines; the
caller then writes unit by unit with ``write_csv``.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from perfscore.io import atomic_write_bytes

BOM = b"\xef\xbb\xbf"


class CsvBlock:
    """The CSV bytes of a frame and where each of its rows starts."""

    def __init__(self, header: bytes, body: bytes, starts: np.ndarray):
        self.header = header
        self.body = body
        self.starts = starts        # byte offset of each row in body, plus len(body) at the end

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "CsvBlock | None":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([str(c) for c in frame.columns])
        head_len = buf.tell()
        writer.writerows(zip(*[frame[c].tolist() for c in frame.columns]))
        data = buf.getvalue().encode("utf-8")
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        if len(ends) != len(frame) + 1:
            return None  # a cell with a line break: a row spans lines
        header_end = int(ends[0]) + 1
        assert header_end == len(buf.getvalue()[:head_len].encode("utf-8"))
        body = data[header_end:]
        starts = np.concatenate(([0], ends[1:] + 1 - header_end)).astype(np.int64)
        return cls(data[:header_end], body, starts)

    def write(self, path, r0: int, r1: int, header: bytes | None = None) -> None:
        """Rows [r0, r1) with the header, as ``write_csv`` writes a frame of those rows."""
        atomic_write_bytes(path, BOM + (header or self.header) + self.body[self.starts[r0]: self.starts[r1]])


def csv_bytes(frame: pd.DataFrame, *, header: bool) -> bytes:
    """The frame's cells as ``write_csv`` writes them (without the BOM), its header optional:
    a long table is written a slice at a time, so its cells never all exist at once."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow([str(c) for c in frame.columns])
    writer.writerows(zip(*[frame[c].tolist() for c in frame.columns]))
    return buf.getvalue().encode("utf-8")


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
