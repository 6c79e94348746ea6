"""Target checks on the committed seed targets (data/yanshan-2023/targets.json).

Expected verdicts worked out by hand from the seed's tables:
- only 2022年街道体制经费 has a deadline (2023年底前完成) outside its year;
- cost indicators: 56.25万÷12 = 46875 ✓, 67万÷12 = 55833.33 (printed 55833.34) ✓,
  15.62万÷4 = 39050 ✓, 100万÷4 = 25万 ✓, 20万÷11辆 = 1.818万 (printed 1.82万) ✓,
  2万÷12 = 1666.67 ✓, 8.8万÷12 = 7333.33 (printed 7333.34) ✓, 8.86万÷4 = 22150 ✓,
  3万÷12 = 2500 ✓; 2万÷2台 = 10000 ≠ 4500 ✗, 140万÷12÷14 = 8333.33 ≠ 8500 ✗.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfscore.checks import check_targets

SEED = Path(__file__).resolve().parents[1] / "data" / "yanshan-2023" / "targets.json"
pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="seed targets.json not committed")


@pytest.fixture(scope="module")
def seed():
    from perfscore.app.extract import load_targets

    targets = load_targets(SEED)
    return targets, check_targets(targets)


def _names(seed, check_id):
    targets, findings = seed
    names = {p.code: p.name for p in targets.projects}
    return [names[f.project_code] for f in findings if f.check == check_id]


def test_deadline_in_another_year_is_only_the_2022_project(seed):
    assert _names(seed, "deadline-year") == ["2022年街道体制经费"]
    assert _names(seed, "project-year") == ["2022年街道体制经费"]


def test_cost_indicators_against_budget_by_period(seed):
    assert _names(seed, "cost-budget") == ["财政所经费", "社区工作经费"]
    assert len(_names(seed, "cost-budget-ok")) == 9
    assert _names(seed, "cost-budget-unchecked") == []


def test_seed_has_no_errors_and_satisfaction_everywhere(seed):
    _, findings = seed
    assert [f for f in findings if f.severity == "error"] == []
    assert _names(seed, "no-satisfaction") == []
    assert _names(seed, "copied-text") == []
