"""perfscore evaluate --previous: last year's results feed the report and the checks."""

import json
from pathlib import Path

from perfscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "yanshan-2023"


def _evaluate(out, *extra):
    return main(["evaluate", str(SAMPLE / "targets.json"), str(SAMPLE / "actuals.csv"), "-o", str(out), *extra])


def test_previous_results_add_a_comparison_section_and_the_last_year_check(tmp_path):
    assert _evaluate(tmp_path / "last") == 0
    plain = (tmp_path / "last" / "report.html").read_text(encoding="utf-8")
    assert 'id="comparison"' not in plain
    plain_checks = {f["check"] for f in json.loads((tmp_path / "last" / "results.json").read_text("utf-8"))["findings"]}
    assert "target-not-above-last-year" not in plain_checks

    # The same year as "last year": every ≥ target equals or trails last year's actual.
    assert _evaluate(tmp_path / "this", "--previous", str(tmp_path / "last" / "results.json")) == 0
    html = (tmp_path / "this" / "report.html").read_text(encoding="utf-8")
    assert 'id="comparison"' in html
    findings = json.loads((tmp_path / "this" / "results.json").read_text("utf-8"))["findings"]
    low = [f for f in findings if f["check"] == "target-not-above-last-year"]
    # 宣传品数量 ≥100个 was met with more than 100 last year, so the target is not above it
    assert any(f["indicator_id"] == "13020823P000182100017-01" for f in low)


def test_previous_that_is_not_a_results_file_is_refused(tmp_path, capsys):
    bad = tmp_path / "last.json"
    bad.write_text('{"schema": "something/1"}', encoding="utf-8")
    assert _evaluate(tmp_path / "out", "--previous", str(bad)) == 1
    assert "schema" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
