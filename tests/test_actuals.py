"""The actuals sheet reader and its join to the targets (issue 4, item 2)."""

from __future__ import annotations

import pytest

from perfscore.errors import DataError, FormatError, InputError
from perfscore.model import DepartmentGoals, Funds, Indicator, Project, SubGoal, Targets, Unit
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.readers.join import parse_money


def _targets() -> Targets:
    def ind(pid, n, level1, level2, level3, target):
        return Indicator(id=f"{pid}-{n:02d}", level1=level1, level2=level2, level3=level3, target=target)

    return Targets(
        year=2023,
        unit=Unit(code="435001", name="测试单位", money_unit="万元"),
        department_goals=DepartmentGoals(subgoals=[
            SubGoal(title="基层党建", indicators=[
                Indicator(id="DEPT-01-01", level1="产出指标", level3="特色工作完成比例", target="≥95%")]),
        ]),
        projects=[
            Project(code="P001", name="社区工作经费", funds=Funds(total=1_400_000.0),
                    spending_plan={"3月底": 25.0, "6月底": 50.0, "10月底": 75.0, "12月底": 100.0},
                    indicators=[
                        ind("P001", 1, "产出指标", "数量指标", "社区数量", "≥14个"),
                        ind("P001", 2, "产出指标", "质量指标", "社区工作开展效果", "优"),
                        ind("P001", 3, "满意度指标", "服务对象满意度指标", "社区居民满意度", "≥95%"),
                    ]),
            Project(code="P002", name="征兵工作经费", funds=Funds(total=30_000.0),
                    indicators=[
                        ind("P002", 1, "产出指标", "数量指标", "征兵次数", "≥2次"),
                        ind("P002", 2, "满意度指标", "服务对象满意度指标", "居民满意度", "≥95%"),
                    ]),
        ],
    )


def _write(tmp_path, text: str, name: str = "actuals.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


SHEET = (
    "项目编码,项目名称,三级指标,实际完成值,得分,偏差原因分析及改进措施,佐证材料\n"
    "P001,社区工作经费,社区数量,14个,,,社区名单\n"
    "P001,社区工作经费,社区工作开展效果,良,9.5,2个社区考核为良,考核通报\n"
    "P001,社区工作经费,社区居民满意度,满意96人/有效问卷100份,,,问卷汇总表\n"
    "P001,社区工作经费,全年预算数,145,,,\n"
    "P001,社区工作经费,全年执行数,\"1,377,500元\",,年底追加资金未支付完毕,\n"
    "P001,社区工作经费,6月底累计支出,62.4万元,,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_read_the_same(tmp_path, encoding):
    table = read_actuals(_write(tmp_path, SHEET, encoding=encoding))
    assert [r.level3 for r in table.rows] == [
        "社区数量", "社区工作开展效果", "社区居民满意度", "全年预算数", "全年执行数", "6月底累计支出"]
    assert table.rows[0].row == 2
    assert table.rows[1].score == "9.5"
    assert table.rows[2].actual == "满意96人/有效问卷100份"


def test_attach_fills_indicators_and_funds(tmp_path):
    targets = _targets()
    out = attach_actuals(targets, read_actuals(_write(tmp_path, SHEET)))
    p = out.projects[0]
    assert [i.actual for i in p.indicators] == ["14个", "良", "满意96人/有效问卷100份"]
    assert p.indicators[1].score == "9.5"
    assert p.indicators[1].reason == "2个社区考核为良"
    assert p.indicators[2].evidence == "问卷汇总表"
    # 145 (bare: the targets' 万元) → 1,450,000 元; '1,377,500元' keeps its unit.
    assert p.budget_full_year == 1_450_000.0
    assert p.executed == 1_377_500.0
    assert p.exec_reason == "年底追加资金未支付完毕"
    assert p.spent == {"6月底": 624_000.0}
    # The input is not modified, and untouched indicators stay empty (never zero).
    assert targets.projects[0].indicators[0].actual is None
    assert all(i.actual is None for i in out.projects[1].indicators)


def test_blank_actual_stays_none(tmp_path):
    text = ("项目编码,三级指标,实际完成值,偏差原因分析及改进措施\n"
            "P002,征兵次数,,数据待武装部确认\n"
            "P002,居民满意度,   ,\n")
    out = attach_actuals(_targets(), read_actuals(_write(tmp_path, text)))
    inds = out.projects[1].indicators
    assert inds[0].actual is None and inds[0].reason == "数据待武装部确认"
    assert inds[1].actual is None


def test_english_headers_and_name_fallback(tmp_path):
    text = ("project_name,Level3,ACTUAL,score,reason,evidence\n"
            "征兵工作经费,征兵次数,2次,,,\n")
    out = attach_actuals(_targets(), read_actuals(_write(tmp_path, text)))
    assert out.projects[1].indicators[0].actual == "2次"


def test_unknown_code_falls_back_on_name(tmp_path):
    text = ("项目编码,项目名称,三级指标,实际完成值\n"
            "P999,征兵工作经费,征兵次数,2次\n"
            ",征兵工作经费,居民满意度,96%\n")
    out = attach_actuals(_targets(), read_actuals(_write(tmp_path, text)))
    assert [i.actual for i in out.projects[1].indicators] == ["2次", "96%"]


def test_every_offending_row_is_listed(tmp_path):
    text = ("项目编码,项目名称,三级指标,实际完成值,得分\n"
            "P001,,社区数量,14个,\n"                # 2 fine
            "P999,不存在的项目,征兵次数,2次,\n"      # 3 unknown project
            "P001,,社区数量,15个,\n"                # 4 duplicate of row 2
            "P001,,不存在的指标,1,\n"               # 5 unknown level3
            "P001,,全年执行数,一百万,\n"             # 6 unreadable money
            "P001,,社区工作开展效果,良,满分\n"       # 7 unreadable score
            ",,社区数量,1,\n"                       # 8 no key at all
            "DEPT-01,,全年执行数,1,\n")             # 9 fund row on the department
    with pytest.raises(DataError) as err:
        attach_actuals(_targets(), read_actuals(_write(tmp_path, text)))
    problems = err.value.problems
    assert [p.split("，")[1] for p in problems] == [f"第{n}行" for n in (3, 4, 5, 6, 7, 8, 9)]
    assert "绩效目标中没有这个项目编码" in problems[0] and "P999" in problems[0]
    assert "与第2行重复" in problems[1]
    assert "列「三级指标」" in problems[2] and "不存在的指标" in problems[2]
    assert "列「实际完成值」" in problems[3] and "一百万" in problems[3]
    assert "列「得分」" in problems[4] and "满分" in problems[4]
    assert "实际完成值表有7处问题" in str(err.value)


def test_row_numbers_count_multiline_cells_as_one_excel_row(tmp_path):
    text = ("项目编码,三级指标,实际完成值,偏差原因分析及改进措施\n"
            "P001,社区数量,14个,\"第一行\n第二行\"\n"
            "\n"
            "P001,错误的指标,1,\n")
    with pytest.raises(DataError) as err:
        attach_actuals(_targets(), read_actuals(_write(tmp_path, text)))
    assert err.value.problems[0].split("，")[1] == "第4行"


def test_department_rows_join_on_dept_code(tmp_path):
    text = "项目编码,项目名称,三级指标,实际完成值\nDEPT-01,基层党建,特色工作完成比例,96%\n"
    out = attach_actuals(_targets(), read_actuals(_write(tmp_path, text)))
    assert out.department_goals.subgoals[0].indicators[0].actual == "96%"


def test_formula_escape_of_the_template_is_undone(tmp_path):
    text = "项目编码,三级指标,实际完成值\nP001,社区数量,'=14个\nP001,社区工作开展效果,'良\n"
    table = read_actuals(_write(tmp_path, text))
    assert [r.actual for r in table.rows] == ["=14个", "'良"]


def test_repeated_level3_in_one_project_takes_rows_in_order(tmp_path):
    targets = _targets()
    targets.projects[1].indicators.append(
        Indicator(id="P002-03", level1="效益指标", level2="社会效益指标", level3="征兵次数", target="≥1次"))
    text = "项目编码,三级指标,实际完成值\nP002,征兵次数,2次\nP002,征兵次数,1次\nP002,征兵次数,3次\n"
    with pytest.raises(DataError) as err:
        attach_actuals(targets, read_actuals(_write(tmp_path, text)))
    assert len(err.value.problems) == 1 and "第4行" in err.value.problems[0]
    out = attach_actuals(targets, read_actuals(_write(tmp_path, text.rsplit("P002", 1)[0])))
    assert [out.projects[1].indicators[i].actual for i in (0, 2)] == ["2次", "1次"]


def test_missing_header_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="找不到实际完成值表的表头"):
        read_actuals(_write(tmp_path, "a,b,c\n1,2,3\n"))
    with pytest.raises(FormatError, match="项目编码"):
        read_actuals(_write(tmp_path, "三级指标,实际完成值\n社区数量,14\n"))


def test_wrong_files(tmp_path):
    with pytest.raises(InputError, match="文件不存在"):
        read_actuals(tmp_path / "nope.csv")
    with pytest.raises(FormatError, match="旧版"):
        read_actuals(_write(tmp_path, "x", name="a.xls"))
    with pytest.raises(FormatError, match="不是有效的 .xlsx"):
        read_actuals(_write(tmp_path, "not a zip", name="a.xlsx"))
    with pytest.raises(FormatError, match="无法识别"):
        read_actuals(_write(tmp_path, "x", name="a.json"))


def test_xlsx_cells_read_as_the_user_sees_them(tmp_path):
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2023年实际完成值（单位：万元）"])                 # a title row above the header
    ws.append(["项目编码", "三级指标", "实际完成值", "得分"])
    ws.append(["P001", "社区数量", 14, None])
    ws.append(["P001", "社区居民满意度", 0.96, None])
    ws["C4"].number_format = "0%"
    ws.append(["P001", "全年预算数", 145.1, None])
    ws.append(["P002", "征兵次数", datetime.datetime(2023, 11, 30), None])
    ws.append(["P001", "社区工作开展效果", "良", 9.5])
    path = tmp_path / "actuals.xlsx"
    wb.save(path)
    table = read_actuals(path)
    assert [(r.row, r.actual) for r in table.rows] == [
        (3, "14"), (4, "96%"), (5, "145.1"), (6, "2023-11-30"), (7, "良")]
    out = attach_actuals(_targets(), table)
    assert out.projects[0].budget_full_year == 1_451_000.0
    assert out.projects[0].indicators[1].score == "9.5"


@pytest.mark.parametrize("text, unit, yuan", [
    ("56.25", "万元", 562_500.0),
    ("1,234.5", "万元", 12_345_000.0),
    ("５６.２５", "万元", 562_500.0),
    ("4.6万", "元", 46_000.0),
    ("46,875元", "万元", 46_875.0),
    ("0", "万元", 0.0),
    ("120", "元", 120.0),
    ("1.5亿元", "万元", 150_000_000.0),
])
def test_parse_money(text, unit, yuan):
    assert parse_money(text, unit) == yuan


@pytest.mark.parametrize("text, reason", [
    ("-5", "负数"), ("95%", "百分比"), ("1,23", "不是可读的金额"), ("约56万", "不是可读的金额"),
    ("五十六万", "不是可读的金额"),
])
def test_parse_money_refuses(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_money(text, "万元")


def test_sample_year_joins_the_seed_targets():
    """data/yanshan-2023/actuals.csv covers every key of the seed's targets exactly once."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "data" / "yanshan-2023"
    targets = Targets.model_validate_json((root / "targets.json").read_text(encoding="utf-8"))
    table = read_actuals(root / "actuals.csv")
    assert table.encoding == "utf-8-sig" and table.ignored_columns == []
    out = attach_actuals(targets, table)
    blank = [(p.name, i.level3) for p in out.projects for i in p.indicators if i.actual is None]
    assert blank == [("统计专项业务经费", "统计更新程度")]       # the one deliberately missing actual
    assert sum(i.actual is not None for p in out.projects for i in p.indicators) == 76
    for p in out.projects:
        assert p.budget_full_year and p.executed is not None
        assert set(p.spent) == set(p.spending_plan) == {"3月底", "6月底", "10月底", "12月底"}
        assert p.spent["12月底"] == p.executed
    dept = [i for s in out.department_goals.subgoals for i in s.indicators]
    dept += out.department_goals.overall_indicators
    assert len(dept) == 12 and all(i.actual for i in dept)


def test_money_unit_of_the_targets_governs_bare_figures(tmp_path):
    """A bare fund figure is in the targets' 金额单位; an unknown unit falls back to 万元,
    which is also what the template writes (so the two always agree)."""
    from perfscore.readers.actuals import sheet_money_unit

    text = "项目编码,三级指标,实际完成值\nP002,全年执行数,28500\n"
    targets = _targets()
    targets.unit.money_unit = "元"
    assert attach_actuals(targets, read_actuals(_write(tmp_path, text))).projects[1].executed == 28_500.0
    targets.unit.money_unit = "千元"
    assert attach_actuals(targets, read_actuals(_write(tmp_path, text))).projects[1].executed == 28_500_000.0
    targets.unit.money_unit = "百万元"   # the money units are one table for every reader (readers.common)
    assert sheet_money_unit(targets) == "百万元"
    assert attach_actuals(targets, read_actuals(_write(tmp_path, text))).projects[1].executed == 28_500_000_000.0
    targets.unit.money_unit = "美元"
    assert sheet_money_unit(targets) == "万元"
    assert attach_actuals(targets, read_actuals(_write(tmp_path, text))).projects[1].executed == 285_000_000.0


def test_a_code_shared_by_two_projects_needs_the_name(tmp_path):
    targets = _targets()
    twin = targets.projects[1].model_copy(deep=True)
    twin.name = "征兵工作经费（二）"
    targets.projects.append(twin)
    text = ("项目编码,项目名称,三级指标,实际完成值\n"
            "P002,征兵工作经费（二）,征兵次数,3次\n"
            "P002,,征兵次数,2次\n")
    with pytest.raises(DataError) as err:
        attach_actuals(targets, read_actuals(_write(tmp_path, text)))
    assert len(err.value.problems) == 1 and "第3行" in err.value.problems[0]
    assert "有2个项目使用这个项目编码" in err.value.problems[0]
    out = attach_actuals(targets, read_actuals(_write(tmp_path, text.rsplit("P002,,", 1)[0])))
    assert out.projects[2].indicators[0].actual == "3次" and out.projects[1].indicators[0].actual is None
