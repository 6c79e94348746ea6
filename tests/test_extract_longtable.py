"""extract: long tables (.csv / .xlsx), one row per indicator."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from perfscore.cli import main
from perfscore.errors import DataError, FormatError
from perfscore.app.extract import extract, load_targets
from perfscore.model import Indicator, Targets, dump_targets
from perfscore.readers.common import construct_unchecked
from perfscore.readers.common import derived_project_code

HEADER_CN = ["单位编码", "单位名称", "项目编码", "项目名称", "预算数", "一级指标", "二级指标", "三级指标",
             "绩效指标描述", "年度指标值", "指标值确定依据", "分值"]
HEADER_EN = ["unit_code", "unit_name", "project_code", "project_name", "budget", "level1", "level2",
             "level3", "description", "target", "basis", "weight"]
ROWS = [
    ["435001", "燕山路办事处", "P-A", "街道体制经费", "56.25", "产出指标", "数量指标", "宣传品数量", "宣传品数量", "≥100个", "工作需要", "20"],
    ["", "", "", "", "", "", "成本指标", "最小成本完成工作", "工作开展使用成本", "≤46875元/月", "工作需要", "30"],
    ["", "", "", "", "", "效益指标", "社会效益指标", "保障工作开展", "各项工作保质保量完成", "优", "实际需要", "30"],
    ["", "", "", "", "", "满意度指标", "服务对象满意度指标", "居民满意度", "辖区广大居民满意程度", "≥95%", "调查问卷", "10"],
    ["435002", "另一办事处", "P-B", "防疫工作经费", "15.62", "产出指标", "数量指标", "疫苗接种率", "", "≥90%", "年初计划", ""],
]


def write_csv(path: Path, header, rows, *, encoding="utf-8-sig", title=None, delimiter=","):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if title:
        w.writerow([title])
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_chinese_headers_units_and_continuation_rows(tmp_path):
    t = extract(write_csv(tmp_path / "长表.csv", HEADER_CN, ROWS), checks=False)
    a, b = t.projects
    assert (a.code, a.name, a.unit_code, a.unit_name) == ("P-A", "街道体制经费", "435001", "燕山路办事处")
    assert (b.code, b.unit_code) == ("P-B", "435002")
    assert (t.unit.code, t.unit.name, t.unit.money_unit) == (None, None, "万元")  # two units
    assert a.funds.total == 562500.0 and b.funds.total == 156200.0
    assert [i.id for i in a.indicators] == ["P-A-01", "P-A-02", "P-A-03", "P-A-04"]
    # Blank 一级 continues within the project; 二级 is never taken across a new 一级.
    assert [(i.level1, i.level2) for i in a.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "成本指标"), ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标")]
    assert [i.weight for i in a.indicators] == [20.0, 30.0, 30.0, 10.0]
    assert b.indicators[0].weight is None and b.indicators[0].description == ""
    assert t.source == {"file": "长表.csv", "format": "csv", "sha256": t.source["sha256"]}


def test_english_headers_and_single_unit(tmp_path):
    rows = [r[:] for r in ROWS[:4]]
    t = extract(write_csv(tmp_path / "long.csv", HEADER_EN, rows), checks=False)
    assert (t.unit.code, t.unit.name) == ("435001", "燕山路办事处")
    assert len(t.projects) == 1 and t.indicator_count() == 4


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path, encoding):
    t = extract(write_csv(tmp_path / "t.csv", HEADER_CN, ROWS, encoding=encoding), checks=False)
    assert t.projects[0].name == "街道体制经费" and t.indicator_count() == 5


def test_title_rows_tabs_and_spaces(tmp_path):
    rows = [[f"  {c} " if c else c for c in r] for r in ROWS]
    path = write_csv(tmp_path / "t.tsv", HEADER_CN, rows, title="2023年项目绩效目标表", delimiter="\t")
    t = extract(path, checks=False)
    assert t.projects[0].indicators[0].target == "≥100个"
    assert t.projects[0].code == "P-A"


def test_project_values_on_every_row_or_conflicting(tmp_path):
    rows = [r[:] for r in ROWS[:4]]
    for r in rows:
        r[:5] = ROWS[0][:5]  # the project columns repeated on every row, as systems export
    assert extract(write_csv(tmp_path / "a.csv", HEADER_CN, rows), checks=False).projects[0].funds.total == 562500.0
    rows[2][4] = "60.00"
    with pytest.raises(DataError) as exc:
        extract(write_csv(tmp_path / "b.csv", HEADER_CN, rows), checks=False)
    assert "P-A" in exc.value.render() and "「56.25」" in exc.value.render() and "「60.00」" in exc.value.render()


def test_split_target_columns_and_block_weights(tmp_path):
    header = ["项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"]
    rows = [
        ["P1", "甲", "产出指标(50分)", "数量指标", "完成率", "≥", "95", "%"],
        ["P1", "甲", "产出指标(50分)", "成本指标", "月均成本", "反向", "46875", "元/月"],
        ["P1", "甲", "效益指标（30分）", "社会效益指标", "社会影响", "定性", "优", ""],
        ["P1", "甲", "效益指标（30分）", "社会效益指标", "宣传次数", "正向", "≥3", "次"],
        ["P1", "甲", "满意度指标(10分)", "服务对象满意度指标", "满意度", "=", "100", "%"],
    ]
    t = extract(write_csv(tmp_path / "system.csv", header, rows), checks=False)
    inds = t.projects[0].indicators
    assert [i.target for i in inds] == ["≥95%", "≤46875元/月", "优", "≥3次", "=100%"]
    assert [(i.level1, i.block_weight) for i in inds] == [
        ("产出指标", 50.0), ("产出指标", 50.0), ("效益指标", 30.0), ("效益指标", 30.0), ("满意度指标", 10.0)]


def test_bad_nature_is_listed_with_its_row(tmp_path):
    header = ["项目编码", "一级指标", "三级指标", "指标性质", "指标值"]
    rows = [["P1", "产出指标", "a", "≥", "1"], ["P1", "产出指标", "b", "大约", "2"]]
    with pytest.raises(DataError) as exc:
        extract(write_csv(tmp_path / "x.csv", header, rows), checks=False)
    assert "第3行" in exc.value.render() and "大约" in exc.value.render() and "指标性质" in exc.value.render()


def test_self_evaluation_columns(tmp_path):
    header = ["项目编码", "项目名称", "全年预算数(万元)", "全年执行数(万元)", "一级指标", "二级指标", "三级指标",
              "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料"]
    rows = [
        ["P1", "甲", "10", "9.5", "产出指标", "数量指标", "数量", "≥10个", "12个", "", "", "台账"],
        ["P1", "甲", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥95%", "93%", "9", "问卷回收少", ""],
    ]
    t = extract(write_csv(tmp_path / "self.csv", header, rows), checks=False)
    p = t.projects[0]
    assert (p.budget_full_year, p.executed, p.funds.total) == (100000.0, 95000.0, None)
    a, b = p.indicators
    assert (a.actual, a.score, a.reason, a.evidence) == ("12个", None, None, "台账")
    assert (b.actual, b.score, b.reason, b.evidence) == ("93%", "9", "问卷回收少", None)


def test_missing_columns_and_not_a_table(tmp_path, capsys):
    with pytest.raises(DataError, match="三级指标|年度指标值"):
        extract(write_csv(tmp_path / "a.csv", ["项目编码", "三级指标", "一级指标"], [["P", "x", "产出指标"]]))
    src = write_csv(tmp_path / "b.csv", ["姓名", "年龄"], [["张三", "30"]])
    out = tmp_path / "t.json"
    assert main(["extract", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "不是绩效目标长表" in err and "b.csv" in err and not out.exists()
    with pytest.raises(FormatError):
        extract(src)


def test_header_only_and_blank_keys(tmp_path):
    with pytest.raises(DataError, match="没有数据行"):
        extract(write_csv(tmp_path / "a.csv", HEADER_CN, []))
    rows = [["", "", "", "", "", "产出指标", "数量指标", "x", "", "≥1个", "", ""]]
    with pytest.raises(DataError) as exc:
        extract(write_csv(tmp_path / "b.csv", HEADER_CN, rows))
    assert "第2行" in exc.value.render() and "项目编码" in exc.value.render()


def test_every_bad_row_is_listed(tmp_path):
    rows = [["P1", "产出指标", f"x{i}", "≥1个", "abc" if i % 2 else "5"] for i in range(50)]
    with pytest.raises(DataError) as exc:
        extract(write_csv(tmp_path / "w.csv", ["项目编码", "一级指标", "三级指标", "指标值", "分值"], rows))
    err = exc.value
    assert err.message == "长表中有 25 处数据错误"
    assert err.problems[0].startswith("第3行，列「分值」，值「abc」")
    assert "共 25 处问题" in err.problems[-1]


def test_ragged_csv_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("项目编码,一级指标,三级指标,指标值\nP,产出指标,x,1\nP,产出指标,y,2,多余,多余\n", encoding="utf-8")
    with pytest.raises(DataError, match="列数"):
        extract(path)


def _xlsx(path: Path, header, rows, merges=(), percent_cells=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标"
    ws.append(["2023年绩效目标"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def test_xlsx_with_merged_cells_and_numbers(tmp_path):
    header = ["项目编码", "项目名称", "预算数（元）", "一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"]
    rows = [
        ["P1", "甲", 562500, "产出指标", "数量指标", "宣传品数量", "≥100个", "工作需要"],
        [None, None, None, None, "质量指标", "达标率", 0.95, None],
        ["P2", "乙", 1000.5, "满意度指标", "服务对象满意度指标", "满意度", "≥95%", "调查问卷"],
    ]
    path = _xlsx(tmp_path / "t.xlsx", header, rows, merges=("A3:A4", "B3:B4", "C3:C4", "D3:D4", "H3:H4"),
                 percent_cells=("G4",))
    t = extract(path, checks=False)
    p1, p2 = t.projects
    assert (p1.funds.total, p2.funds.total, t.unit.money_unit) == (562500.0, 1000.5, "元")
    assert [(i.level1, i.target, i.basis) for i in p1.indicators] == [
        ("产出指标", "≥100个", "工作需要"), ("产出指标", "95%", "工作需要")]
    assert t.source["format"] == "xlsx"


def test_xlsx_without_a_header_row(tmp_path):
    path = _xlsx(tmp_path / "t.xlsx", ["甲", "乙"], [["1", "2"]])
    with pytest.raises(FormatError, match="不是绩效目标长表"):
        extract(path)


def test_load_targets_accepts_long_tables_and_json(tmp_path):
    src = write_csv(tmp_path / "t.csv", HEADER_CN, ROWS)
    from_table = load_targets(src)
    saved = tmp_path / "targets.json"
    saved.write_text(dump_targets(from_table), encoding="utf-8")
    assert load_targets(saved) == from_table


def test_round_trip_is_byte_identical(tmp_path):
    t = extract(write_csv(tmp_path / "t.csv", HEADER_CN, ROWS))
    text = dump_targets(t)
    assert dump_targets(Targets.model_validate_json(text)) == text


def test_fast_construction_equals_validation():
    values = {"id": "P-01", "level1": "产出指标", "level2": "数量指标", "level3": "x", "description": "",
              "target": "≥1个", "basis": "", "weight": 5.0, "block_weight": None, "actual": None,
              "score": None, "reason": None, "evidence": None}
    fast = construct_unchecked(Indicator, dict(values))
    checked = Indicator(**values)
    assert fast == checked and fast.model_dump() == checked.model_dump()
    constructed = Indicator.model_construct(**values)
    assert fast == constructed and fast.__pydantic_fields_set__ == constructed.__pydantic_fields_set__
    assert (fast.__pydantic_extra__, fast.__pydantic_private__) == \
        (constructed.__pydantic_extra__, constructed.__pydantic_private__)
    assert fast.model_dump_json() == checked.model_dump_json() and fast.model_copy() == fast
    fast.actual = "2个"  # assignment still works and does not leak into other instances
    assert construct_unchecked(Indicator, dict(values)).actual is None


@pytest.mark.parametrize("label", ["合计(万元)", "总计（分）", "（合计）"])
def test_a_total_row_with_a_bracketed_tail_is_refused(tmp_path, label):
    """合计(万元) is a total row like 合计: read on, it would become an indicator."""
    rows = [list(r) for r in ROWS[:4]]
    rows.append(["", "", "", "", "", "", "", label, "", "", "", "90"])
    path = write_csv(tmp_path / "t.csv", HEADER_CN, rows)
    with pytest.raises(DataError) as info:
        extract(path, checks=False)
    text = info.value.render()
    assert "合计行" in text and label in text and "第6行" in text, text   # header row 1, four rows, then this one


def test_derived_project_code_is_stable_and_distinct():
    a = derived_project_code("社区综合治理经费", "abc123", 1)
    assert a == derived_project_code("社区综合治理经费", "abc123", 1)
    assert a.startswith("NC") and len(a) == 14
    assert a != derived_project_code("社区综合治理经费", "abc123", 2)   # same name, other place
    assert a != derived_project_code("社区综合治理经费", "def456", 1)   # other document
    assert a != derived_project_code("城市管理经费", "abc123", 1)
