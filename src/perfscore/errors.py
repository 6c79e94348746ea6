"""The exception tree. Every error a user can cause is a ``PerfscoreError`` whose
message (in Chinese) names the file, row, column and offending value, and says
what to do. The CLI prints it as one line on stderr and exits 1; only ``--debug``
shows a traceback.

    PerfscoreError
    ├── InputError            a file cannot be read or is not what it claims to be
    │   ├── FormatError       not a 绩效目标 document / table, wrong schema version …
    │   └── DataError         readable, but values are wrong (one or many rows)
    ├── ProfileError          a scoring profile (weights/*.toml) is invalid
    └── UsageError            options that do not fit together (exit 2)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, 1-based row, column name, the value found."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"列「{self.column}」")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
            parts.append(f"值「{shown}」")
        return "，".join(parts)


class PerfscoreError(Exception):
    """Base of every error perfscore reports to a user."""

    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None,
                 problems: list[str] | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.problems = list(problems or [])
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.location}：{self.message}" if self.location and str(self.location) else self.message
        lines = [head]
        lines += [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(f"处理办法：{self.hint}")
        return "\n".join(lines)


class InputError(PerfscoreError):
    """A file cannot be read, or is not what it claims to be."""


class FormatError(InputError):
    """Not a 绩效目标 document or table, or a wrong schema version."""


class DataError(InputError):
    """Readable, but values are wrong; ``problems`` lists every offending row."""


class ProfileError(PerfscoreError):
    """A scoring profile is invalid (unknown key, weights that do not add up …)."""


class UsageError(PerfscoreError):
    """Options that do not fit together."""

    exit_code = 2
