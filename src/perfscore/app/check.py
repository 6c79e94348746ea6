"""``perfscore check FILE``: load targets (targets.json or anything extract reads) or a
results.json, and return every finding: the reading problems stored with the file, then
the checks run afresh under the profile."""

from __future__ import annotations

from typing import Any

from perfscore.checks import CHECKS, check_results, check_targets
from perfscore.app.extract import load_targets
from perfscore.model import Finding, Targets, Unit
from perfscore.scoring import load_profile, load_results


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
    if profile is not None and not hasattr(profile, "checks"):
        profile = load_profile(profile)
    if _is_results(path):
        return _check_results_file(path, profile)
    targets = load_targets(path)
    reading = [f for f in targets.findings if f.check not in CHECKS]
    return targets, reading + check_targets(targets, profile)
