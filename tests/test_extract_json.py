"""targets.json: validation on load, byte-identical round trip, the published JSON Schema;
and the department-goal statements read into indicators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfscore.cli import main
from perfscore.errors import DataError, FormatError
from perfscore.app.extract import extract
from perfscore.model import dump_targets, targets_json_schema
from perfscore.readers.goals import measurable_statements
from perfscore.readers.targets_json import load_targets_json, save_targets_json

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "fixtures" / "extract" / "small_export.txt"


@pytest.fixture()
def saved(tmp_path):
    path = tmp_path / "targets.json"
    save_targets_json(extract(SMALL), path)
    return path


def test_load_save_is_byte_identical(saved, tmp_path):
    again = tmp_path / "again.json"
    save_targets_json(load_targets_json(saved), again)
    assert again.read_bytes() == saved.read_bytes()
    assert saved.read_bytes().endswith(b"}\n") and b"\r" not in saved.read_bytes()


def test_extract_of_a_targets_json_returns_it(saved):
    assert dump_targets(extract(saved)) == saved.read_text(encoding="utf-8")


def _edit(path: Path, fn) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_wrong_schema_version(saved):
    _edit(saved, lambda d: d.update(schema="perfscore.targets/9"))
    with pytest.raises(FormatError, match="perfscore.targets/9"):
        load_targets_json(saved)


def test_every_invalid_field_is_listed(saved):
    def damage(d):
        d["projects"][0]["indicators"][0]["weight"] = "ten"
        d["projects"][1]["cod"] = d["projects"][1].pop("code")
    _edit(saved, damage)
    with pytest.raises(DataError) as exc:
        load_targets_json(saved)
    problems = "\n".join(exc.value.problems)
    assert "projects[0].indicators[0].weight：应为数字（值「ten」）" in problems
    assert "projects[1].code：缺少必填字段" in problems
    assert "projects[1].cod：不认识的字段" in problems


def test_malformed_json_and_duplicate_keys(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "perfscore.targets/1",\n "projects": [}', encoding="utf-8")
    with pytest.raises(DataError, match="第2行"):
        load_targets_json(bad)
    dup = tmp_path / "dup.json"
    dup.write_text('{"schema": "perfscore.targets/1", "year": 2023, "year": 2024}', encoding="utf-8")
    with pytest.raises(DataError, match="重复的键「year」"):
        load_targets_json(dup)
    assert main(["extract", str(dup), "-o", str(tmp_path / "x.json")]) == 1
    assert "重复的键" in capsys.readouterr().err


def test_schema_command_matches_the_published_file(capsys):
    assert main(["schema", "targets"]) == 0
    out = capsys.readouterr().out
    assert out == targets_json_schema()
    assert out == (ROOT / "docs" / "targets.schema.json").read_text(encoding="utf-8"), (
        "docs/targets.schema.json is stale: perfscore schema targets > docs/targets.schema.json")
    schema = json.loads(out)
    assert schema["properties"]["schema"]["default"] == "perfscore.targets/1"


def test_schema_command_refuses_unknown_names(capsys):
    assert main(["schema", "results"]) == 2
    assert "不认识的格式" in capsys.readouterr().err


# One line per statement: text → [(三级 name, target), …]. New cases go here.
GOAL_CASES = [
    ("本年计划组织党员干部进行理论学习15次", [("组织党员干部进行理论学习", "≥15次")]),
    ("开展志愿服务等活动5次以上", [("开展志愿服务等活动", "≥5次")]),
    ("化解信访事项全年不少于10件", [("化解信访事项", "≥10件")]),
    ("初信初访化解占工作任务的比例大于等于100%。", [("初信初访化解占工作任务的比例", "≥100%")]),
    ("包联化解信访事项全年不少于5件，力争办结率大于等于95％", [("包联化解信访事项", "≥5件"), ("办结率", "≥95%")]),
    ("理论学习15次、专题会20次", [("理论学习", "≥15次"), ("专题会", "≥20次")]),
    ("投诉率不超过2%", [("投诉率", "≤2%")]),
    ("培训不少于30人次", [("培训", "≥30人次")]),
    ("召开会议3场以内", [("召开会议", "≤3场")]),
    ("2023年6月底前完成，第2次会议", []),
    ("加强党的领导、统筹社区发展", []),
]


@pytest.mark.parametrize("text, expected", GOAL_CASES, ids=[c[0][:12] for c in GOAL_CASES])
def test_goal_statements(text, expected):
    assert [(name, target) for name, target, _ in measurable_statements(text)] == expected
