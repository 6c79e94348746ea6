"""Scoring profiles (weights/*.toml): the shipped ones, refusals, extends, the README."""

from __future__ import annotations

import re
import tomllib

import pytest
from pydantic import BaseModel

from perfscore.errors import ProfileError
from perfscore.app.score import evaluate
from perfscore.scoring.profile import (
    Profile,
    list_profiles,
    load_profile,
    profile_from_dict,
    profile_to_toml,
    weights_dir,
)
from test_scoring_support import FULL, proj, replace, targets

README = weights_dir() / "README.md"


def test_the_three_profiles_are_shipped():
    assert {"mof-2020", "fasp-linear", "sichuan"} <= set(list_profiles())
    for name in list_profiles():
        p = load_profile(name)
        assert p.name == name and p.description


def test_mof_2020_holds_the_defaults_of_domain_md():
    p = load_profile(None)
    assert p.name == "mof-2020"
    assert {k: b.weight for k, b in p.blocks.items()} == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert (p.execution.weight, p.execution.denominator, p.execution.low_rate) == (10, "full_year", 0.9)
    assert (p.split.method, p.rules.le, p.rules.eq) == ("equal", "ratio", "deviation")
    assert [p.tiers[t].point for t in ("达成", "部分达成", "未达成")] == [1.0, 0.7, 0.3]
    assert (p.deadline.grace_days, p.overshoot.threshold, p.overshoot.deduct) == (90, 1.3, False)
    assert (p.rounding.digits, p.rounding.mode) == (2, "half_up")
    assert p.grades == {"优": 90, "良": 80, "中": 60, "差": 0}
    assert [p.grade_of(x) for x in (100, 90, 89.99, 80, 60, 59.99, 0)] == ["优", "优", "良", "良", "中", "差", "差"]


def test_fasp_linear_differs_from_mof_2020_only_in_its_rules():
    mof, fasp = load_profile("mof-2020"), load_profile("fasp-linear")
    skip = {"name", "description", "basis", "rules"}
    assert mof.model_dump(exclude=skip) == fasp.model_dump(exclude=skip)
    assert (fasp.rules.le, fasp.rules.eq) == ("linear", "ge")


def test_sichuan_splits_by_the_tables_weights():
    p = load_profile("sichuan")
    assert p.split.method == "explicit" and p.execution.weight == 10 and p.indicator_total == 90


def write(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_unknown_key_is_refused_by_name(tmp_path):
    with pytest.raises(ProfileError) as err:
        load_profile(write(tmp_path, 'extends = "mof-2020"\ncolour = "red"\n'))
    assert "未知的键「colour」" in err.value.render()
    with pytest.raises(ProfileError) as err:
        load_profile(write(tmp_path, 'extends = "mof-2020"\n[rules]\nge = "ratio"\n'))
    assert "未知的键「rules.ge」" in err.value.render()


def test_weights_not_adding_up_are_refused_with_the_gap(tmp_path):
    with pytest.raises(ProfileError) as err:
        load_profile(write(tmp_path, 'extends = "mof-2020"\n[blocks]\n"满意度指标" = 5\n'))
    text = err.value.render()
    assert "合计 95，应为 100（少 5）" in text


def test_bad_values_are_refused(tmp_path):
    cases = {
        '[rules]\nle = "straight"\n': "rules.le",
        '[tiers]\n"部分达成" = { low = 0.6, high = 0.8, point = 0.9 }\n': "不在本档",
        '[tiers]\n"部分达成" = { low = 0.5, high = 0.8, point = 0.7 }\n': "首尾相接",
        '[grades]\n"差" = 10\n': "下限必须为 0",
        '[department]\nindicator_weight = 80\n': "department",
    }
    for body, expected in cases.items():
        with pytest.raises(ProfileError) as err:
            load_profile(write(tmp_path, 'extends = "mof-2020"\n' + body))
        assert expected in err.value.render(), body


def test_missing_profile_lists_the_available_ones():
    with pytest.raises(ProfileError) as err:
        load_profile("no-such-profile")
    assert "mof-2020" in err.value.render()


def test_broken_toml_and_extends_cycles_are_refused(tmp_path):
    with pytest.raises(ProfileError, match="TOML"):
        load_profile(write(tmp_path, "name = \n"))
    write(tmp_path, f'extends = "{tmp_path / "b.toml"}"\n', "a.toml")
    write(tmp_path, f'extends = "{tmp_path / "a.toml"}"\n', "b.toml")
    with pytest.raises(ProfileError, match="循环"):
        load_profile(str(tmp_path / "a.toml"))


def test_checks_table_is_accepted_and_passed_on(tmp_path):
    p = load_profile(write(tmp_path, 'extends = "mof-2020"\n[checks]\ndisable = ["hollow-benefit"]\n'
                                     '[checks.severity]\noverdue = "warn"\n'))
    assert p.checks == {"disable": ["hollow-benefit"], "severity": {"overdue": "warn"}}


def test_printed_settings_read_back_to_the_same_profile():
    for name in list_profiles():
        p = load_profile(name)
        again = profile_from_dict(tomllib.loads(profile_to_toml(p)))
        assert again == p


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        out.add(name)
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out |= _keys(ann)
    return out


def test_readme_explains_every_key():
    from perfscore.scoring import profile as module

    text = README.read_text(encoding="utf-8")
    keys = _keys(Profile) | _keys(module.Block) | _keys(module.Tier) | {"extends"}
    missing = sorted(k for k in keys if f"`{k}`" not in text and f"`[{k}]`" not in text and f"### `[{k}]`" not in text)
    assert not missing, f"weights/README.md 没有解释这些键：{missing}"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if "101号" in b)


def test_readme_cost_block_example_loads_and_scores(tmp_path):
    path = write(tmp_path, _readme_example(), "cost-2021.toml")
    p = load_profile(path)
    assert p.name == "cost-2021" and p.blocks["成本指标"].weight == 20
    ev = evaluate(targets(proj("P1", FULL)), p, checks=False)
    assert ev.blocks == ["产出指标", "成本指标", "效益指标", "满意度指标"]
    assert ev.indicators["weight"].tolist() == [10.0, 10.0, 10.0, 20.0, 15.0, 15.0, 10.0]
    assert ev.projects.iloc[0]["total"] == 100.0


def test_readme_worked_example():
    rows = replace(FULL, 0, actual="80个")
    rows = replace(rows, 1, target="=100%", actual="102%")
    rows = replace(rows, 2, actual="2024-01-20")
    rows = replace(rows, 3, actual="9000元/月")
    rows = replace(rows, 4, actual="良")
    rows = replace(rows, 5, actual="不适用")
    year = targets(proj("P1", rows, budget=100000.0, executed=95000.0))
    text = README.read_text(encoding="utf-8")
    for name, scores, total in (("mof-2020", [10.0, 12.25, 8.75, 11.81, 10.5, 10.0], 85.66),
                                ("fasp-linear", [10.0, 12.5, 8.75, 11.76, 10.5, 10.0], 85.89)):
        ev = evaluate(year, name, checks=False)
        got = ev.indicators["score"].dropna().tolist()
        assert got == scores, name
        p = ev.projects.iloc[0]
        assert (p["exec_score"], p["total"], p["grade"]) == (9.5, total, "良")
        assert f"**{total:.2f}，良**" in text
