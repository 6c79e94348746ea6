"""What ``perfscore evaluate`` does, as a library function: read the targets (and
actuals), score them, write results.json / results.csv / projects.csv and the
report, and give back the Evaluation with the paths written.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from perfscore.app.extract import load_targets
from perfscore.app.score import evaluate
from perfscore.comparison.inputs import load_input
from perfscore.model import Targets
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.profile import Profile, load_profile
from perfscore.writers.handin import write_handin_files
from perfscore.writers.html import write_report
from perfscore.writers.pdf import ensure_available
from perfscore.writers.tabular import write_results


@dataclass
class EvaluateRun:
    evaluation: Evaluation
    paths: list[Path] = field(default_factory=list)
    report_skipped: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for f in self.evaluation.findings if f.severity == "error")


def _shown(path: str | os.PathLike) -> str:
    """A path as recorded in results.json: as given when relative, else its file name only
    (outputs carry no absolute paths, so they do not depend on where they were made)."""
    p = Path(path)
    return p.name if p.is_absolute() else p.as_posix()


def load_inputs(targets_path: str | os.PathLike, actuals_path: str | os.PathLike | None = None) -> Targets:
    """Targets from targets.json or a long table, with the actuals sheet joined when given."""
    targets = load_targets(targets_path)
    if actuals_path is not None:
        targets = attach_actuals(targets, read_actuals(actuals_path))
    sources = dict(targets.source)
    sources.setdefault("targets", _shown(targets_path))
    if actuals_path is not None:
        sources["actuals"] = _shown(actuals_path)
    return targets.model_copy(update={"source": sources})


def evaluate_files(targets_path: str | os.PathLike, actuals_path: str | os.PathLike | None,
                   out_dir: str | os.PathLike, *, profile: Profile | str | None = None,
                   as_of: str | _dt.date | None = None, pdf: bool = False,
                   report: bool = True,
                   previous_path: str | os.PathLike | None = None, handin: tuple[str, ...] = ()) -> EvaluateRun:
    """``previous_path``: last year's results.json (or targets.json); the report then
    carries a comparison section, and with results the checks compare targets with
    last year's actuals. ``handin``: extensions of the files to hand in written beside
    report.html as ``report<ext>`` (``.docx``, ``.xlsx``; see perfscore.writers.handin)."""
    prof = load_profile(profile)
    if pdf and report:
        ensure_available()   # a PDF that cannot be made is refused before anything is written
    previous = None
    if previous_path is not None:
        previous = load_input(previous_path)
    targets = load_inputs(targets_path, actuals_path)
    ev = evaluate(targets, prof, as_of=as_of,
                  previous=previous if isinstance(previous, Evaluation) else None)
    paths = list(write_results(ev, out_dir).values())
    if report:
        paths += list(write_report(ev, out_dir, pdf=pdf, targets=targets, previous=previous))
    if handin:
        paths += write_handin_files(ev, out_dir, handin, targets=targets)
    return EvaluateRun(evaluation=ev, paths=paths, report_skipped=not report)
