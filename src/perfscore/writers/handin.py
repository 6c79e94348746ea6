"""The files a unit hands in, by extension: ``perfscore report RESULTS.json -o FILE`` and
``perfscore evaluate --docx / --xlsx`` write through this one table, so adding a format is
adding an entry here.

- ``.html``: the report (:mod:`perfscore.writers.html`), self-contained;
- ``.pdf``: the same report printed by WeasyPrint (the ``pdf`` extra);
- ``.xlsx``: the 自评表 workbook (:mod:`perfscore.writers.xlsx_report`);
- ``.docx``: the 自评报告 draft (:mod:`perfscore.writers.docx_report`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfscore.errors import UsageError
from perfscore.io import atomic_write_bytes, atomic_write_text
from perfscore.model import Targets
from perfscore.scoring.evaluation import Evaluation
from perfscore.writers.docx_report import write_docx
from perfscore.writers.html import render_report
from perfscore.writers.report_view import build_view
from perfscore.writers.pdf import html_to_pdf  # WeasyPrint itself loads only when a PDF is made
from perfscore.writers.xlsx_report import write_xlsx


def _html(evaluation: Evaluation, path: Path, *, targets: Targets | None = None, view=None) -> Path:
    atomic_write_text(path, render_report(evaluation, targets=targets))
    return path


def _pdf(evaluation: Evaluation, path: Path, *, targets: Targets | None = None, view=None) -> Path:
    atomic_write_bytes(path, html_to_pdf(render_report(evaluation, targets=targets)))
    return path


WRITERS: dict[str, Callable[..., Path]] = {".html": _html, ".pdf": _pdf, ".xlsx": write_xlsx, ".docx": write_docx}
NAMES = {".html": "自评报告（网页）", ".pdf": "自评报告（PDF）", ".xlsx": "自评表（Excel）", ".docx": "自评报告（Word）"}


def _writer(path: Path) -> Callable[..., Path]:
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise UsageError(f"不支持的报告格式「{path.suffix or path.name}」",
                         hint="输出文件的扩展名决定格式：" + "、".join(f"{ext}（{NAMES[ext]}）" for ext in WRITERS)
                              + "，例如 -o 自评表.xlsx。")
    return writer


def write_handin(evaluation: Evaluation, path: str | Path, *, targets: Targets | None = None) -> Path:
    """Write ``path`` in the format its extension names."""
    p = Path(path)
    return _writer(p)(evaluation, p, targets=targets)


def write_handin_files(evaluation: Evaluation, folder: str | Path, extensions: tuple[str, ...], *,
                       targets: Targets | None = None) -> list[Path]:
    """``folder/report<ext>`` for each extension (``evaluate --docx --xlsx``), the report's
    view model built once for all of them."""
    paths = [Path(folder) / f"report{ext}" for ext in extensions]
    writers = [_writer(p) for p in paths]
    view = build_view(evaluation, targets=targets) if paths else None
    return [w(evaluation, p, targets=targets, view=view) for w, p in zip(writers, paths)]
