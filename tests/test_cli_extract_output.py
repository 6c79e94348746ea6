"""perfscore extract prints at most 50 findings on stderr; all of them are in the file."""

import json

from perfscore.cli import main

HEADER = "项目编码,项目名称,一级指标,二级指标,三级指标,指标值\n"


def test_many_findings_are_summarised_on_stderr(tmp_path, capsys):
    # 60 projects without any 满意度 indicator: one finding each at least
    rows = "".join(f"P{i:03d},项目{i},产出指标,数量指标,数量{i},≥{i + 1}个\n" for i in range(60))
    table = tmp_path / "t.csv"
    table.write_text(HEADER + rows, encoding="utf-8")
    assert main(["extract", str(table), "-o", str(tmp_path / "t.json")]) == 0
    err = capsys.readouterr().err
    stored = json.loads((tmp_path / "t.json").read_text("utf-8"))["findings"]
    assert len(stored) > 50
    assert err.count("\n  [") == 50
    assert f"其余 {len(stored) - 50} 个问题" in err
