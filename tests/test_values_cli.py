"""``perfscore parse``: one JSON object per line per input, keys in a stable order."""

from __future__ import annotations

import json

from perfscore.cli import main

KEYS = ["text", "kind", "op", "value", "low", "high", "unit", "dimension", "per", "deadline", "count_per_year",
        "period", "grade", "ladder", "inferred", "approx", "canonical", "reason"]


def _run(capsys, *args: str) -> list[dict]:
    assert main(["parse", *args]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n")
    return [json.loads(line) for line in out.splitlines()]


def test_parse_prints_one_line_per_input_in_input_order(capsys):
    rows = _run(capsys, "≤25万/季度", "≤8500元/月/社区", "每季度1次", "2023年底前完成", "优", "≥95％")
    assert [r["text"] for r in rows] == ["≤25万/季度", "≤8500元/月/社区", "每季度1次", "2023年底前完成", "优", "≥95％"]
    assert all(list(r) == KEYS for r in rows)
    money, per_community, quarterly, deadline, grade, percent = rows
    assert (money["op"], money["value"], money["unit"], money["per"]) == ("<=", 250000.0, "元", ["季度"])
    assert money["canonical"] == "≤250000元/季度"
    assert per_community["per"] == ["月", "社区"] and per_community["value"] == 8500.0
    assert (quarterly["kind"], quarterly["count_per_year"], quarterly["op"]) == ("frequency", 4.0, ">=")
    assert deadline["deadline"] == "2023-12-31"
    assert (grade["kind"], grade["grade"], grade["ladder"]) == ("grade", "优", ["优", "良", "中", "差"])
    assert (percent["op"], percent["value"], percent["unit"]) == (">=", 95.0, "%")


def test_parse_uses_context_for_direction_and_year(capsys):
    [cost] = _run(capsys, "46875元/月", "--level2", "成本指标")
    assert (cost["op"], cost["inferred"], cost["canonical"]) == ("<=", True, "≤46875元/月")
    assert "成本" in cost["reason"]
    [low] = _run(capsys, "2%", "--level3", "预算调整率")
    assert (low["op"], low["inferred"]) == ("<=", True)
    [june] = _run(capsys, "6月底前", "--year", "2023")
    assert june["deadline"] == "2023-06-30"
    [unknown_year] = _run(capsys, "6月底前")
    assert unknown_year["kind"] == "deadline" and unknown_year["deadline"] is None and unknown_year["reason"]


def test_parse_reads_the_actual_in_each_targets_unit(capsys):
    rows = _run(capsys, "≤46875元/月", "≥100个", "--actual", "4.6万元")
    money, count = rows
    assert money["actual"]["kind"] == "number"
    assert (money["actual"]["value"], money["actual"]["unit"], money["actual"]["per"]) == (46000.0, "元", ["月"])
    assert money["actual"]["reading"] == "46000 元/月"
    assert count["actual"]["kind"] == "unreadable" and count["actual"]["value"] is None
    assert "不可比较" in count["actual"]["reason"]


def test_parse_survey_actual(capsys):
    [row] = _run(capsys, "≥95%", "--actual", "满意96人/有效问卷100份")
    assert row["actual"]["kind"] == "survey" and row["actual"]["survey"] == [96, 100]
    assert row["actual"]["reading"] == "96/100 = 96.0 %"


def test_parse_refuses_without_failing(capsys):
    [row] = _run(capsys, "*")
    assert row["kind"] == "unreadable" and "占位符" in row["reason"]


def test_parse_output_is_not_ascii_escaped(capsys):
    assert main(["parse", "优"]) == 0
    assert '"grade": "优"' in capsys.readouterr().out


def test_parse_refuses_an_impossible_year_as_a_usage_error(capsys):
    for year in ("99999", "0"):
        assert main(["parse", "6月底前", "--year", year]) == 2
        err = capsys.readouterr().err
        assert f"评价年度「{year}」不是有效年份" in err and "Traceback" not in err and "内部错误" not in err
