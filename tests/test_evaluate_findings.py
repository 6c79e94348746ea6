"""Findings stored in targets.json by extract are not reported twice by evaluate."""

from pathlib import Path

from perfscore.app.extract import load_targets
from perfscore.model import Finding
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.app.score import evaluate

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


def _with_exec_reason(targets, code, reason):
    projects = [p.model_copy(update={"exec_reason": reason}) if p.code == code else p
                for p in targets.projects]
    return targets.model_copy(update={"projects": projects})


def test_execution_below_90_percent_needs_the_reason_from_the_execution_row():
    targets = attach_actuals(load_targets(SAMPLE / "targets.json"), read_actuals(SAMPLE / "actuals.csv"))
    code = "13020823P000185100018"  # （2）专项奖励资金: 72.50 of 100.00 万元 executed
    ev = evaluate(targets)
    row = ev.projects.set_index("project_code").loc[code]
    assert row["exec_rate"] < 0.9 and row["exec_reason"].startswith("第四季度")
    assert not [f for f in ev.findings if f.check == "exec-low-no-reason"]

    ev = evaluate(_with_exec_reason(targets, code, None))
    hits = [f for f in ev.findings if f.check == "exec-low-no-reason"]
    assert [f.project_code for f in hits] == [code]


def _explicit_weights_off_by(targets, gap):
    """The first project with explicit 分值 that miss 100 (with execution 10) by ``gap``."""
    first = targets.projects[0]
    n = len(first.indicators)
    weights = [90 / n] * n
    weights[0] -= gap
    inds = [i.model_copy(update={"weight": w}) for i, w in zip(first.indicators, weights)]
    return targets.model_copy(update={"projects": [first.model_copy(update={"indicators": inds})]})


def test_weights_that_miss_100_are_reported_once_and_the_profile_can_regrade_it(tmp_path):
    targets = attach_actuals(load_targets(SAMPLE / "targets.json"), read_actuals(SAMPLE / "actuals.csv"))
    targets = _explicit_weights_off_by(targets, 5)
    ev = evaluate(targets, "sichuan")
    gaps = [f for f in ev.findings if f.check in ("weights-gap", "weights-sum")]
    assert [(f.check, f.severity) for f in gaps] == [("weights-gap", "error")]

    profile = tmp_path / "lenient.toml"
    profile.write_text('extends = "sichuan"\nname = "lenient"\n\n[checks.severity]\n"weights-gap" = "warn"\n',
                       encoding="utf-8")
    ev = evaluate(targets, str(profile))
    assert [(f.check, f.severity) for f in ev.findings if f.check == "weights-gap"] == [("weights-gap", "warn")]
