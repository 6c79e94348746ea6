"""`perfscore check`: text grouped by severity, JSON, --strict, --profile."""

from __future__ import annotations

import json

from perfscore.cli import main
from perfscore.model import dump_targets

from test_checks_targets import WAN, project, replace, targets


def _write(tmp_path, t):
    path = tmp_path / "targets.json"
    path.write_text(dump_targets(t), encoding="utf-8")
    return str(path)


def _faulty():
    p = replace(project(total=67 * WAN, fiscal=60 * WAN, other=5 * WAN,
                        plan={"3月底": 25, "12月底": 90}), "宣传品数量", target="*")
    return targets(p)


def test_check_text_groups_by_severity(tmp_path, capsys):
    assert main(["check", _write(tmp_path, _faulty())]) == 0
    out = capsys.readouterr().out
    assert "错误 2 条，警告 1 条，提示 1 条" in out
    errors, warns, infos = out.index("【错误】"), out.index("【警告】"), out.index("【提示】")
    assert errors < warns < infos
    assert out.index("[funds-sum") > errors and out.index("[spending-plan-end") > warns
    assert "[cost-budget-ok" in out[infos:]
    # Each finding ends with its location: 项目编码 (and 指标ID for an indicator).
    line = next(x for x in out.splitlines() if "[placeholder-target" in x)
    assert line.endswith("（项目编码 P1，指标ID P1-1）")
    line = next(x for x in out.splitlines() if "[funds-sum" in x)
    assert line.endswith("（项目编码 P1）")


def test_check_json(tmp_path, capsys):
    assert main(["check", _write(tmp_path, _faulty()), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"error": 2, "warn": 1, "info": 1}
    assert {f["check"] for f in data["findings"]} == {"funds-sum", "placeholder-target", "spending-plan-end",
                                                       "cost-budget-ok"}
    placeholder = next(f for f in data["findings"] if f["check"] == "placeholder-target")
    assert placeholder["project_code"] == "P1" and placeholder["indicator_id"] == "P1-1"


def test_check_strict_exits_1_only_with_errors(tmp_path, capsys):
    assert main(["check", _write(tmp_path, _faulty()), "--strict"]) == 1
    assert main(["check", _write(tmp_path, targets()), "--strict"]) == 0


def test_check_profile_switches_checks(tmp_path, capsys):
    prof = tmp_path / "mine.toml"
    prof.write_text('extends = "mof-2020"\n[checks]\ndisable = ["placeholder-target"]\n'
                    '[checks.severity]\nfunds-sum = "warn"\n', encoding="utf-8")
    assert main(["check", _write(tmp_path, _faulty()), "--profile", str(prof), "--format", "json", "--strict"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"error": 0, "warn": 2, "info": 1}


def test_check_bad_profile_and_format(tmp_path, capsys):
    prof = tmp_path / "bad.toml"
    prof.write_text('extends = "mof-2020"\n[checks]\ndisable = ["no-such-check"]\n', encoding="utf-8")
    assert main(["check", _write(tmp_path, targets()), "--profile", str(prof)]) == 1
    assert "no-such-check" in capsys.readouterr().err
    assert main(["check", _write(tmp_path, targets()), "--format", "xml"]) == 2
