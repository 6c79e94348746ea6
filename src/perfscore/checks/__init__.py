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
