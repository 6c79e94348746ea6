"""Checks (检查): what reviewers look for, before and after the year is scored.

- :func:`check_targets` — target checks (事前审核), pure functions of the Targets:
  run by ``perfscore check``, at the end of ``extract`` and again at ``evaluate``.
- :func:`check_results` — result checks on an Evaluation, run at ``evaluate``.

``perfscore check FILE`` (load, then check) is the application's: :mod:`perfscore.app.check`.

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
    run_by_unit,
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
    "check_results",
    "check_results_by_unit",
    "check_targets",
    "check_targets_by_unit",
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


def check_targets_by_unit(targets: Targets, profile: Any, units, unit_codes: list, *,
                          exclude: Any = ()) -> list[list[Finding]]:
    """:func:`check_targets` on several units at once: ``targets`` holds their projects one
    unit after the other, ``units`` gives each project's unit (0, 1, …) and ``unit_codes``
    each unit's code. Each unit's findings are what ``check_targets`` gives for it alone."""
    settings = settings_from_profile(profile)
    if exclude:
        settings = replace(settings, disabled=settings.disabled | frozenset(exclude))
    return run_by_unit("targets", settings, TargetsContext(targets, settings, units=units, unit_codes=unit_codes))


def check_results_by_unit(evaluation: Any, profile: Any, units, unit_names: list) -> list[list[Finding]]:
    """:func:`check_results` on an Evaluation of several units (``units``: the unit of each
    project row, ``unit_names``: each unit's name); each unit's findings as for it alone."""
    settings = settings_from_profile(profile)
    return run_by_unit("results", settings, _result_checks.ResultsContext(
        evaluation, settings, units=units, unit_names=unit_names))


def apply_profile(findings: list[Finding], profile: Any = None) -> list[Finding]:
    """The profile's [checks] table applied to findings raised outside this package
    (the scoring engine's ``score-outside-tier``, ``weights-gap`` …)."""
    return apply_settings(findings, settings_from_profile(profile))
