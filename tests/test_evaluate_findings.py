"""Findings stored in targets.json by extract are not reported twice by evaluate."""

from pathlib import Path

from perfscore.extract import load_targets
from perfscore.model import Finding
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.scoring import evaluate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "yanshan-2023"


def _key(f: Finding):
    return (f.check, f.project_code, f.indicator_id, f.message)


def test_each_finding_once_although_targets_json_carries_the_target_checks():
    targets = load_targets(SAMPLE / "targets.json")
    assert targets.findings, "the sample targets.json carries extract's findings"
    ev = evaluate(attach_actuals(targets, read_actuals(SAMPLE / "actuals.csv")))
    keys = [_key(f) for f in ev.findings]
    assert len(keys) == len(set(keys))
    # every stored target finding is still there, once
    assert {_key(f) for f in targets.findings} <= set(keys)


def test_a_reader_finding_that_is_no_check_is_kept():
    targets = load_targets(SAMPLE / "targets.json")
    note = Finding(check="reader-note", severity="info", message="读取时的说明")
    targets = targets.model_copy(update={"findings": [*targets.findings, note]})
    ev = evaluate(attach_actuals(targets, read_actuals(SAMPLE / "actuals.csv")))
    assert sum(1 for f in ev.findings if f.check == "reader-note") == 1
