"""extract: the plain-text export of a 绩效文本 (the seed and a hand-written fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfscore.cli import main
from perfscore.errors import DataError, FormatError
from perfscore.app.extract import extract, load_targets
from perfscore.model import dump_targets
from perfscore.readers.grid import Table, Text
from perfscore.readers.text_export import read_text_export

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "yanshan-2023" / "000_9a0311abce8b0d69.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
SMALL = FIXTURES / "small_export.txt"
COMMITTED = ROOT / "data" / "yanshan-2023" / "targets.json"



@pytest.fixture(scope="module")
def seed():
    return extract(SEED, checks=False)


# --- the seed ---------------------------------------------------------------------


def test_seed_projects_indicators_and_budgets(seed):
    assert seed.year == 2023
    assert (seed.unit.code, seed.unit.name, seed.unit.money_unit) == ("435001", "丰润区燕山路办事处本级", "万元")
    assert len(seed.projects) == 11
    assert seed.indicator_count() == 77
    budgets = [p.funds.total / 10_000 for p in seed.projects]
    assert budgets == pytest.approx([56.25, 67.00, 15.62, 100.00, 2.00, 140.00, 20.00, 2.00, 8.80, 8.86, 3.00])
    # The fiscal share equals the total everywhere; 其他资金 is blank (None, not 0).
    assert all(p.funds.fiscal == p.funds.total and p.funds.other is None for p in seed.projects)
    assert seed.projects[0].funds.total == 562500.0  # stored in 元, exactly


def test_seed_spending_plans_goals_and_use(seed):
    plan = {"3月底": 25.0, "6月底": 50.0, "10月底": 75.0, "12月底": 100.0}
    assert all(p.spending_plan == plan for p in seed.projects)
    assert all(len(p.goals) == 3 for p in seed.projects)
    # Project 2's goal cell holds stray tabs and an empty paragraph in the export.
    assert seed.projects[1].goals == [
        "按照区委区政府要求做好街道办事处日常工作",
        "保证辖区正常运转，宣传到位，更好地为广大居民服务",
        "保证辖区内居民满意、社区环境和谐",
    ]
    assert seed.projects[5].use == "社区日常办公费用、水电费、社区临时垃圾清理费用等"
    assert all(p.unit_code == "435001" for p in seed.projects)


def test_seed_indicator_rows(seed):
    first = seed.projects[0]
    assert first.code == "13020823P00018410001J" and first.name == "2022年街道体制经费"
    ind = first.indicators[3]
    assert (ind.id, ind.level1, ind.level2, ind.level3) == (
        "13020823P00018410001J-04", "产出指标", "成本指标", "最小成本完成工作")
    assert (ind.description, ind.target, ind.basis) == ("工作开展使用成本", "≤46875元/月", "工作需要")
    # A merged (blank) 一级 cell continues the one above.
    assert [i.level1 for i in first.indicators] == ["产出指标"] * 4 + ["效益指标"] * 2 + ["满意度指标"]
    targets = [i.target for p in seed.projects for i in p.indicators]
    assert "≥95％" in targets and "≤25万/季度" in targets and "每季度1次" in targets
    assert "2023年12月31日前完成" in targets
    ids = [i.id for p in seed.projects for i in p.indicators]
    assert len(set(ids)) == 77


def test_seed_department_goals(seed):
    goals = seed.department_goals
    assert goals.overall.startswith("唐山市丰润区燕山路街道办事处是丰润区人民政府的派出机关")
    overall = [(i.level3, i.target) for i in goals.overall_indicators]
    assert overall == [
        ("组织党员干部进行理论学习", "≥15次"),
        ("街道机关支部及社区支部组织召开专题会", "≥20次"),
        ("开展社会主义核心价值观宣传教育、公益广告宣传、志愿服务等活动", "≥5次"),
        ("化解信访事项", "≥10件"),
    ]
    assert [s.title for s in goals.subgoals] == [
        "基层党建", "干部队伍管理和干部教育培训", "宣传思想工作", "案件查办",
        "社会管理与服务", "卫计政务管理", "应急管理",
    ]
    assert [len(s.indicators) for s in goals.subgoals] == [1, 1, 1, 2, 1, 1, 1]
    case = goals.subgoals[3]
    assert [(i.id, i.target) for i in case.indicators] == [("DEPT-04-01", "≥5件"), ("DEPT-04-02", "≥100%")]
    assert case.goal.startswith("受理信访、举报")


def test_committed_targets_json_is_the_extract_output(tmp_path):
    out = tmp_path / "targets.json"
    assert main(["extract", str(SEED), "-o", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes(), (
        "data/yanshan-2023/targets.json is stale: regenerate it with "
        "perfscore extract data/yanshan-2023/000_9a0311abce8b0d69.txt -o data/yanshan-2023/targets.json"
    )


def test_committed_targets_json_round_trips():
    loaded = load_targets(COMMITTED)
    assert dump_targets(loaded) == COMMITTED.read_text(encoding="utf-8")
    assert loaded.source["file"] == "000_9a0311abce8b0d69.txt"  # a name, never a path
    assert "/" not in json.dumps(loaded.source)


# --- the text export's layout ------------------------------------------------------------


def test_layout_quirks():
    text = (
        "标题\n"
        "[bookmark: _Toc_1]1.某项目绩效目标表\n"
        "page number\n"
        "\t绩效目标\n\t1.第一条\t\t\n\t\t\n\n2.第二条\n3.第三条\n\n"
        "\t一级指标\n\t三级指标\n\n"
        " \n"
        "说明段落\n"
    )
    blocks = read_text_export(text, name="x.txt").blocks
    assert blocks[0] == Text("标题", where="第1行")
    assert blocks[1] == Text("1.某项目绩效目标表", where="第2行")  # bookmark marker dropped
    table = blocks[2]
    assert isinstance(table, Table) and table.lines == (4, 11)  # each row names its first line
    goal_row = table.row_texts(0)
    assert goal_row[0] == "绩效目标"
    assert "\n".join(t for t in goal_row[1:] if t) == "1.第一条\n2.第二条\n3.第三条"
    assert table.row_texts(1)[:2] == ["一级指标", "三级指标"]
    assert blocks[3] == Text("说明段落", where="第15行")


def test_small_fixture():
    t = extract(SMALL, checks=False)
    assert t.year == 2024
    assert (t.unit.code, t.unit.name) == ("123456", "示范街道办事处本级")
    a, b = t.projects
    assert (a.funds.total, a.funds.fiscal, a.funds.other) == (120000.0, 100000.0, 20000.0)
    assert (b.funds.total, b.funds.other) == (9000.0, None)
    assert a.spending_plan == {"3月底": 20.0, "6月底": 45.0, "10月底": 80.0, "12月底": 100.0}
    assert b.spending_plan["3月底"] == 0.0
    assert a.goals == ["开展社区文化活动", "宣传到位", "居民满意"]
    assert a.use == "社区文化活动及宣传"
    assert [i.target for i in a.indicators] == ["≥10场", "≤12000元/场", "≥60％", "≥95%"]
    assert [i.level1 for i in a.indicators] == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    assert [i.id for i in b.indicators] == [f"13000024P00000210001B-0{n}" for n in (1, 2, 3)]
    dept = t.department_goals
    assert [(i.level3, i.target) for i in dept.overall_indicators] == [
        ("组织培训", "≥12次"), ("开展志愿服务活动", "≥8次"), ("办理民生实事", "≥6件")]
    assert [[i.target for i in s.indicators] for s in dept.subgoals] == [["≥4次", "≥98%"], ["≥90%"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_and_line_ends(tmp_path, encoding):
    text = SMALL.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "导出.txt"
    path.write_bytes(text.encode(encoding))
    t = extract(path, checks=False)
    reference = extract(SMALL, checks=False)
    assert t.model_dump(exclude={"source"}) == reference.model_dump(exclude={"source"})
    assert t.source["file"] == "导出.txt"


def test_year_option_overrides_the_title():
    assert extract(SMALL, year=2025, checks=False).year == 2025


def test_output_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b" / "t.json"
    assert main(["extract", str(SMALL), "-o", str(a)]) == 0
    assert main(["extract", str(SMALL), "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


# --- documents that are not 绩效目标 texts -----------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "会议纪要\n今天讨论了三件事。\n",
        "\t姓名\n\t张三\n\n\t年龄\n\t30\n",
        "a,b,c\n1,2,3\n",
    ],
)
def test_not_a_targets_document(tmp_path, content, capsys):
    src = tmp_path / "note.txt"
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["extract", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "note.txt" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("错误")]) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "空"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".doc"),
        (b"PK\x03\x04garbage", "压缩包"),
        (bytes(range(256)) * 4, "不是"),
    ],
)
def test_binary_and_broken_inputs(tmp_path, data, words, capsys):
    src = tmp_path / "input.docx"
    src.write_bytes(data)
    out = tmp_path / "out.json"
    assert main(["extract", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not out.exists()


def test_missing_file(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.txt")]) == 1
    assert "文件不存在" in capsys.readouterr().err


def test_bad_amount_names_line_and_value(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace("\t12.00\n", "\t十二万\n", 1)
    src = tmp_path / "bad.txt"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        extract(src, checks=False)
    rendered = exc.value.render()
    assert "bad.txt" in rendered and "十二万" in rendered and "预算数" in rendered and "第" in rendered


def test_indicator_table_without_target_column(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace("\t指标值\n", "\t目标\n")
    src = tmp_path / "bad.txt"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="指标值"):
        extract(src, checks=False)


def test_stdout_output_and_summary(capsys):
    assert main(["extract", str(SMALL)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["schema"] == "perfscore.targets/1" and len(data["projects"]) == 2
    assert "2 个项目、7 个指标" in captured.err


def test_findings_are_stored_and_printed(tmp_path, capsys, monkeypatch):
    """Whatever perfscore.checks reports lands in targets.json and on stderr, in Chinese."""
    import perfscore.app.extract as extract_module
    from perfscore.model import Finding

    finding = Finding(check="demo", severity="warn", message="示例问题", project_code="13000024P00000110001A")
    monkeypatch.setattr(extract_module, "run_checks", lambda targets: [finding])
    out = tmp_path / "t.json"
    assert main(["extract", str(SMALL), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["findings"][0]["message"] == "示例问题"
    assert "[警告] 项目 13000024P00000110001A：示例问题" in capsys.readouterr().err


def test_checks_run_when_available():
    """extract() stores check_targets' findings (when perfscore.checks exists)."""
    pytest.importorskip("perfscore.checks")
    from perfscore.checks import check_targets

    plain = extract(SMALL, checks=False)
    assert extract(SMALL).findings == list(check_targets(plain))


def test_format_error_is_a_format_error(tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("随便写的一段话\n", encoding="utf-8")
    with pytest.raises(FormatError):
        extract(src)


def test_sparse_indicator_row_is_not_a_unit_line(tmp_path):
    """Inside an indicator table, ``100000户居民走访`` is a 三级 name, not a unit line."""
    row = "\t\n\t\n\t100000户居民走访\n\t\n\t≥1次\n\t\n\n"
    text = SMALL.read_text(encoding="utf-8").replace("\t满意度指标\n\t服务对象满意度指标\n\t使用人员满意度", row + "\t满意度指标\n\t服务对象满意度指标\n\t使用人员满意度")
    src = tmp_path / "sparse.txt"
    src.write_text(text, encoding="utf-8")
    t = extract(src, checks=False)
    added = t.projects[1].indicators[2]
    assert (added.level1, added.level2, added.level3, added.target) == ("产出指标", "时效指标", "100000户居民走访", "≥1次")
    assert (t.unit.code, t.projects[1].unit_code) == ("123456", "123456")
