"""The batch's progress bar: rich, on a terminal only; silent otherwise (a pipe, a log
file, ``--quiet``), so scheduled runs write nothing but their results."""

from __future__ import annotations

import sys


class Progress:
    """``advance(rows)`` after each unit; use as a context manager. ``callback(done, total,
    rows)``, when given, hears of every unit too (the web server shows it on a page)."""

    def __init__(self, total_units: int, *, enabled: bool | None = None, stream=None, callback=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total_units
        self.callback = callback
        self.done = 0
        self.rows = 0
        self._bar = None
        self._task = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self._bar = Bar(TextColumn("[bold]批量评分"), BarColumn(), MofNCompleteColumn(), TextColumn("个单位"),
                            TextColumn("{task.fields[rows]:,} 个指标"), TimeElapsedColumn(), TextColumn("剩余"),
                            TimeRemainingColumn(), console=Console(file=self.stream), transient=False)
            self._bar.__enter__()
            self._task = self._bar.add_task("batch", total=self.total, rows=0)
        return self

    def advance(self, rows: int) -> None:
        self.done += 1
        self.rows += rows
        if self.callback is not None:
            self.callback(self.done, self.total, self.rows)
        if self._bar is not None:
            task = self._bar.tasks[0]
            self._bar.update(self._task, advance=1, rows=task.fields["rows"] + rows)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
