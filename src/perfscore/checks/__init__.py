"""Checks (检查): what reviewers look for, before and after the year is scored.

- :func:`check_targets` — target checks (事前审核), pure functions of the Targets:
  run by ``perfscore check``, at the end of ``extract`` and again at ``evaluate``.
- :func:`check_results` — result checks on an Evaluation, run at ``evaluate``.

Each check has an id, a default severity, a Chinese message and a location
(project code, indicator id); the catalogue with examples is docs/checks.md. A
scoring profile's ``[checks]`` table switches checks off or changes their
severity (see :mod:`perfscore.checks.registry`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

# Importing the check modules registers their checks, in this (display) order.
from perfscore.checks import target_checks as _target_checks  # noqa: F401  isort: skip
from perfscore.checks import cost as _cost  # noqa: F401  isort: skip
from perfscore.checks import result_checks as _result_checks  # isort: skip
from perfscore.checks.common import TargetsContext
from perfscore.checks.registry import (
    CHECKS,
    SEVERITIES,
    SEVERITY_ZH,
    CheckSpec,
    apply_settings,
    run,
    settings_from_profile,
    specs,
)
from perfscore.model import Finding, Targets

__all__ = [
    "CHECKS",
    "apply_profile",
    "SEVERITIES",
    "SEVERITY_ZH",
    "CheckSpec",
    "check_file",
    "check_results",
    "check_targets",
    "settings_from_profile",
    "specs",
]


def check_targets(targets: Targets, profile: Any = None, *, exclude: Any = ()) -> list[Finding]:
    """Target checks on ``targets``; ``profile``: None, a Profile (``.checks``) or a [checks] mapping.

    ``exclude``: check ids the caller reports itself (the scoring engine's own
    ``weights-gap`` covers ``weights-sum``), so that a problem is not reported twice."""
    settings = settings_from_profile(profile)
    if exclude:
        settings = replace(settings, disabled=settings.disabled | frozenset(exclude))
    return run("targets", settings, TargetsContext(targets, settings))


def check_results(evaluation: Any, profile: Any = None, previous: Any = None) -> list[Finding]:
    """Result checks on an Evaluation; ``previous`` (last year's Evaluation) enables the
    "target not above last year's actual" check."""
    settings = settings_from_profile(profile)
    return run("results", settings, _result_checks.ResultsContext(evaluation, settings, previous))


def apply_profile(findings: list[Finding], profile: Any = None) -> list[Finding]:
    """The profile's [checks] table applied to findings raised outside this package
    (the scoring engine's ``score-outside-tier``, ``weights-gap`` …)."""
    return apply_settings(findings, settings_from_profile(profile))


_RESULTS_SCHEMA = b"perfscore.results/"


def _is_results(path: str) -> bool:
    """A results.json names its schema in its first lines (scoring/io.py writes it first)."""
    try:
        with open(path, "rb") as f:
            return _RESULTS_SCHEMA in f.read(512)
    except OSError:
        return False  # load_targets reports the file problem in its words


def _check_results_file(path: str, profile: Any) -> tuple[Targets, list[Finding]]:
    """``perfscore check results.json``: the reading findings stored with the results (a
    derived 项目编码, an inferred 一级 …), then the result checks run afresh, among them the
    lenient readings (actual-restates-target, judged, unit-as-text) so that none passes unseen."""
    from perfscore.model import Unit
    from perfscore.scoring import load_results

    ev = load_results(path)
    reading = [f for f in ev.findings if f.check not in CHECKS]
    meta = ev.meta
    shown = Targets(year=meta.get("year"), unit=Unit(code=meta.get("unit_code"), name=meta.get("unit_name")))
    return shown, reading + check_results(ev, profile)


def check_file(path: str, profile: Any = None) -> tuple[Targets, list[Finding]]:
    """What ``perfscore check`` does: load targets (targets.json or any extract input),
    resolve the profile (name or path), and return the targets with every finding:
    the reading problems stored by extract, then the target checks run afresh.
    Given a results.json, the result checks instead (:func:`_check_results_file`)."""
    from perfscore.extract import load_targets

    if profile is not None and not hasattr(profile, "checks"):
        from perfscore.scoring import load_profile

        profile = load_profile(profile)
    if _is_results(path):
        return _check_results_file(path, profile)
    targets = load_targets(path)
    reading = [f for f in targets.findings if f.check not in CHECKS]
    return targets, reading + check_targets(targets, profile)
