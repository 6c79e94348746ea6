"""``evaluate``: a year scored (:func:`perfscore.scoring.score`) and checked (:mod:`perfscore.checks`).

The engine scores; the checks look at what it scored. Putting the two together is the
application's job, done here once for every front end (the command line, the browser app,
the batch, the review merge), so that the engine never reaches up into the checks.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from perfscore.checks import (
    CHECKS,
    apply_profile,
    check_results,
    check_results_by_unit,
    check_targets,
    check_targets_by_unit,
)
from perfscore.model import Finding, Targets
from perfscore.scoring.engine import score
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.profile import Profile, load_profile


# The engine's own weights-gap reports what weights-sum would.
_ENGINE_COVERS = frozenset({"weights-sum"})


def _stored(targets: Targets) -> list[Finding]:
    """The Targets' stored findings other than registered checks (a targets.json carries
    the checks extract ran; they are run again under this profile, which may switch checks
    off or re-grade them)."""
    return [f for f in targets.findings if f.check not in CHECKS]


def target_findings(targets: Targets, profile: Profile) -> list[Finding]:
    """The findings an evaluation puts first: the stored ones, then the target checks."""
    return _stored(targets) + list(check_targets(targets, profile, exclude=_ENGINE_COVERS))


def evaluate(targets: Targets, profile: Profile | str | None = None, *,
             as_of: str | _dt.date | None = None, checks: bool = True,
             previous: Evaluation | None = None,
             frames: tuple[pd.DataFrame, pd.DataFrame] | None = None,
             given_scores: dict[tuple[str, str, str], float] | None = None) -> Evaluation:
    """Score a year and check it. The arguments are :func:`perfscore.scoring.score`'s, and:
    ``checks=False`` skips the checks (the findings are then the stored ones and the
    engine's); ``previous`` (last year's Evaluation) lets the result checks compare targets
    with last year's actuals (指标值设置偏低)."""
    prof = load_profile(profile)
    ev = score(targets, prof, as_of=as_of, frames=frames, given_scores=given_scores)
    if not checks:
        return ev
    return with_checks(ev, targets, prof, ev.findings[len(targets.findings):], previous=previous)


def with_checks(ev: Evaluation, targets: Targets, profile: Profile, engine: list[Finding], *,
                previous: Evaluation | None = None) -> Evaluation:
    """``ev``'s findings made what an evaluation reports: the target findings, the engine's
    own (``engine``) under the profile's [checks] table, then the result checks."""
    ev.findings = target_findings(targets, profile) + apply_profile(engine, profile)
    ev.findings = ev.findings + list(check_results(ev, profile, previous=previous))
    return ev


def with_checks_by_unit(block: Evaluation, view: Targets, units: list[tuple[Evaluation, Targets]],
                        profile: Profile) -> None:
    """:func:`with_checks` for every unit of a batch block at once: ``block`` is the engine's
    Evaluation of ``view`` (the units' projects one unit after the other), ``units`` each
    unit's cut of it (its findings: the engine's on its projects) with its own Targets.
    The checks run once over the block, the ones that compare a unit's projects with
    each other within the unit, so each unit gets what ``with_checks`` gives it alone."""
    owner = np.repeat(np.arange(len(units), dtype=np.int64), [len(t.projects) for _, t in units])
    by_target = check_targets_by_unit(view, profile, owner, [t.unit.code for _, t in units],
                                      exclude=_ENGINE_COVERS)
    by_result = check_results_by_unit(block, profile, owner, [ev.meta.get("unit_name") for ev, _ in units])
    for (ev, targets), found, judged in zip(units, by_target, by_result):
        ev.findings = _stored(targets) + found + apply_profile(ev.findings, profile) + judged
