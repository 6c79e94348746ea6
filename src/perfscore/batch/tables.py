"""A unit's tables cut from its block's text: results.csv and projects.csv, the
indicator and project records of results.json, its project columns of the summary and
the cells its report reads.

The block's cells (formatted once by :mod:`perfscore.writers.tabular`) are turned into
CSV text once (:class:`perfscore.csvtext.CsvBlock`) and each unit's file is the header
plus its slice of rows, written with the same atomic write and BOM as ``write_csv``.
Likewise each row's JSON record (:func:`perfscore.scoring.io.record_lines`) is made once
for the block and each unit's results.json takes its slice.
"""

from __future__ import annotations

import pandas as pd

from perfscore.csvtext import CsvBlock
from perfscore.io import BOM, atomic_write_bytes, write_csv
from perfscore.writers.report_view import ReportCells


class UnitTables:
    """One unit's results.csv and projects.csv: slices of its block's CSV text, or (when
    the unit's projects.csv has other columns than the block's) its own cells."""

    def __init__(self, ind: CsvBlock, ind_rows: tuple[int, int],
                 proj: CsvBlock | pd.DataFrame, proj_rows: tuple[int, int],
                 json_lines: dict[str, list[str]] | None = None, digest: dict | None = None,
                 cells: ReportCells | None = None):
        self.ind, self.ind_rows = ind, ind_rows
        self.proj, self.proj_rows = proj, proj_rows
        self.json_lines = json_lines   # the unit's record lines of results.json, when cut from the block
        self.digest = digest           # its columns of the summary's project rows (summary.project_columns)
        self.cells = cells             # its part of the block's indicator cells, for its report

    @staticmethod
    def _write(path, part, rows: tuple[int, int]) -> None:
        if isinstance(part, CsvBlock):
            atomic_write_bytes(path, BOM + part.rows(*rows))
        else:
            write_csv(path, part.iloc[rows[0]: rows[1]].reset_index(drop=True))

    def write(self, results_path, projects_path) -> None:
        self._write(results_path, self.ind, self.ind_rows)
        self._write(projects_path, self.proj, self.proj_rows)
