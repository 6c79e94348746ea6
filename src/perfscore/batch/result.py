"""What a batch run gives back for each unit (kept apart so the worker and the run share it)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class UnitResult:
    """One unit of the batch: where its files are, or why it could not be scored."""

    ordinal: int
    unit_code: str
    unit_name: str
    folder: str                      # relative to the output folder: units/<code>
    error: str = ""                  # the error message when the unit could not be scored
    projects: int = 0
    indicators: int = 0
    total: float | None = None
    grade: str | None = None
    findings: dict = field(default_factory=dict)   # severity → count
