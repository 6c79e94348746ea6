"""``extract``: a targets file read (:mod:`perfscore.readers.load`) and checked (:mod:`perfscore.checks`).

Supported inputs, recognised by content (never by the file name alone): a 绩效目标 document in
any format a unit holds (Word, Excel, PDF, a web page, copied text, the 绩效文本 export), a long
table (.csv/.xlsx/.xls, one row per indicator) or a targets.json. See docs/extract.md.

``load_targets`` is what the other commands call: it accepts a targets.json (returned exactly as
stored, its findings included) or anything ``extract`` reads.
"""

from __future__ import annotations

import os

from perfscore.checks import check_targets
from perfscore.model import Finding, Targets
from perfscore.readers.load import FORMATS, GRID_LABELS, detect_format, read_file  # noqa: F401  (re-exported: the formats extract reads)


def run_checks(targets: Targets) -> list[Finding]:
    """The target checks' findings for ``targets`` (the default profile's settings)."""
    return list(check_targets(targets))


def extract(path: str | os.PathLike, *, year: int | None = None, checks: bool = True) -> Targets:
    """Read a targets file in any supported format; ``year`` (预算年度) overrides the printed
    year. ``Targets.source`` records the file NAME (never a path), the format and the SHA-256
    of the bytes. After reading a document or table the target checks run (``checks=False``
    skips them) and their findings follow the reader's own in ``Targets.findings``; a
    targets.json is returned as stored. Raises a PerfscoreError (in Chinese) for anything
    that is not a 绩效目标 document or table."""
    targets, fmt = read_file(path, year=year)
    if checks and fmt != "json":
        targets.findings = list(targets.findings) + run_checks(targets)
    return targets


def load_targets(path: str | os.PathLike, *, year: int | None = None) -> Targets:
    """The targets the other commands work on: a targets.json, or any file ``extract`` reads
    (extracted and checked on the fly)."""
    return extract(path, year=year)

