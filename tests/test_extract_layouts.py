"""The format-free interpreter (perfscore.readers.interpret) on the layouts published 绩效目标表
use, one behaviour per test, each on a small table written the way those documents print it.
The published documents themselves are the corpus (tests/test_targets_corpus.py)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from perfscore.errors import DataError, FormatError
from perfscore.app.extract import extract


def _read(tmp_path, text: str, name: str = "表.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path, checks=False)


def _rows(project):
    return [(i.level1, i.level2, i.level3, i.target) for i in project.indicators]


def _checks(targets):
    return [f.check for f in targets.findings]


HEAD = "一级指标\t二级指标\t三级指标\t指标值\n"


def test_project_fields_wherever_they_stand(tmp_path):
    t = _read(tmp_path, "2022年度项目支出绩效目标表\n单位：万元\n"
                        "项目名称\t社区养老服务补助\t主管部门\t某区民政局\n"
                        "项目资金\t年度资金总额\t80\t\n\t其中：财政拨款\t80\t\n"
                        "年度绩效目标\t为辖区老人提供居家养老服务\n" + HEAD +
                        "产出指标\t数量指标\t服务老人人数\t≥200人\n")
    p, = t.projects
    assert (t.year, p.name, p.unit_name, t.unit.name) == (2022, "社区养老服务补助", "某区民政局", "某区民政局")
    assert (p.funds.total, p.funds.fiscal) == (800000.0, 800000.0)
    assert p.goals == ["为辖区老人提供居家养老服务"]
    assert p.code.startswith("NC") and "project-code-derived" in _checks(t)


def test_labels_above_their_values_and_amounts_with_units(tmp_path):
    t = _read(tmp_path, "项目名称\t年度资金总额（万元）\t财政拨款\n道路维护\t1200\t1,000万元\n" + HEAD +
                        "产出指标\t数量指标\t维护里程\t≥30公里\n")
    p, = t.projects
    assert (p.name, p.funds.total, p.funds.fiscal) == ("道路维护", 12000000.0, 10000000.0)


def test_a_derived_code_is_the_same_every_time_and_differs_by_document(tmp_path):
    text = "项目名称\t道路维护\n" + HEAD + "产出指标\t数量指标\t维护里程\t≥30公里\n"
    a = _read(tmp_path, text, "a.txt").projects[0].code
    assert _read(tmp_path, text, "b.txt").projects[0].code == a          # same bytes, other name
    assert _read(tmp_path, text + "\n", "c.txt").projects[0].code != a  # other bytes


def test_merged_level_cells_carry_down_and_empty_level2_rows_are_left_out(tmp_path):
    t = _read(tmp_path, "项目名称\t甲\n" + HEAD +
                        "产出指标\t数量指标\t人数\t≥200人\n\t\t次数\t≥12次\n\t质量指标\t合格率\t≥95%\n"
                        "效益指标\t经济效益指标\t\t\n\t社会效益指标\t生活质量\t明显提升\n")
    assert _rows(t.projects[0]) == [
        ("产出指标", "数量指标", "人数", "≥200人"), ("产出指标", "数量指标", "次数", "≥12次"),
        ("产出指标", "质量指标", "合格率", "≥95%"), ("效益指标", "社会效益指标", "生活质量", "明显提升")]
    left = [f for f in t.findings if f.check == "empty-indicator-row"]
    assert len(left) == 1 and "经济效益指标" in left[0].message and "第6行" in left[0].message


def test_paired_long_and_annual_columns_under_one_header(tmp_path):
    t = _read(tmp_path, "项目名称\t培训\n一级指标\t二级指标\t三级指标\t指标值\t\n\t\t\t长期指标值\t年度指标值\n"
                        "产出指标\t数量指标\t培训人次\t≥1000人次\t≥200人次\n")
    assert _rows(t.projects[0]) == [("产出指标", "数量指标", "培训人次", "≥200人次")]


def test_target_in_three_columns_is_rebuilt_with_a_finding(tmp_path):
    t = _read(tmp_path, "项目名称\t道路\n一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\n"
                        "产出指标\t数量指标\t里程\t≥\t30\t公里\n\t质量指标\t合格率\t＝\t100\t%\n"
                        "效益指标\t社会效益指标\t通行\t定性\t良好\t\n")
    assert [i.target for i in t.projects[0].indicators] == ["≥30公里", "＝100%", "良好"]
    assert _checks(t).count("target-from-columns") == 1   # once per project, not per row


def test_direction_column_gives_the_sign(tmp_path):
    t = _read(tmp_path, "项目名称\t乙\n一级指标\t二级指标\t三级指标\t指标值\t计量单位\t指标方向\n"
                        "产出指标\t成本指标\t单位成本\t500\t元\t反向\n\t质量指标\t合格率\t95\t%\t正向\n")
    assert [i.target for i in t.projects[0].indicators] == ["≤500元", "≥95%"]
    assert "target-from-direction" in _checks(t)


def test_grade_columns_are_a_tiered_target(tmp_path):
    t = _read(tmp_path, "项目名称\t丙\n一级指标\t二级指标\t三级指标\t优\t良\t中\t差\n"
                        "产出指标\t质量指标\t合格率\t≥95%\t≥90%\t≥80%\t<80%\n")
    ind = t.projects[0].indicators[0]
    assert (ind.target, ind.basis) == ("≥95%", "优：≥95%；良：≥90%；中：≥80%；差：<80%")
    assert "tiered-target" in _checks(t)


def test_level1_and_level2_run_together(tmp_path):
    t = _read(tmp_path, "项目名称\t丁\n" + HEAD + "产出指标数量指标\t\t培训人数\t200人\n")
    assert _rows(t.projects[0]) == [("产出指标", "数量指标", "培训人数", "200人")]
    assert "run-together" in _checks(t)


def test_two_level_table_reads_the_framework_levels(tmp_path):
    t = _read(tmp_path, "项目名称\t大楼运行\n一级指标\t二级指标\t绩效标准\t当年预期实现值\n"
                        "数量指标\t维修次数\t反映全年维修情况\t280次\n质量指标\t验收合格率\t反映质量\t>92%\n")
    assert _rows(t.projects[0]) == [("产出指标", "数量指标", "维修次数", "280次"),
                                    ("产出指标", "质量指标", "验收合格率", ">92%")]
    assert {"two-level-table", "level1-inferred"} <= set(_checks(t))


def test_several_projects_and_a_department_table_in_one_document(tmp_path):
    t = _read(tmp_path, "2023年部门整体支出绩效目标表\n部门名称\t某县教育局\n年度履职目标\t保障义务教育均衡发展\n" + HEAD +
                        "产出指标\t数量指标\t培训教师人数\t≥500人\n"
                        "2023年项目支出绩效目标表\n项目名称\t校舍维修\n" + HEAD + "产出指标\t数量指标\t维修面积\t≥1000平方米\n"
                        "项目名称\t营养餐\n" + HEAD + "产出指标\t数量指标\t受益学生\t≥3000人\n")
    assert [p.name for p in t.projects] == ["校舍维修", "营养餐"]
    d = t.department_goals
    assert d.overall == "保障义务教育均衡发展"
    assert [(i.id, i.level3, i.target) for i in d.overall_indicators] == [("DEPT-T-01", "培训教师人数", "≥500人")]
    assert t.unit.name == "某县教育局"


def test_traditional_characters_read_as_simplified_targets_kept(tmp_path):
    t = _read(tmp_path, "項目名稱\t培訓經費\n一級指標\t二級指標\t三級指標\t指標值\n"
                        "產出指標\t數量指標\t培訓人數\t≥200人\n滿意度指標\t服務對象滿意度指標\t滿意度\t優\n")
    p, = t.projects
    assert p.name == "培訓經費"
    assert _rows(p) == [("产出指标", "数量指标", "培訓人數", "≥200人"), ("满意度指标", "服务对象满意度指标", "滿意度", "優")]


def test_masked_value_is_kept_as_printed(tmp_path):
    t = _read(tmp_path, "项目名称\t戊\n" + HEAD + "产出指标\t成本指标\t单价\t≤***元\n")
    assert t.projects[0].indicators[0].target == "≤***元"


def test_pasted_with_bars_and_rows_missing_their_merged_cells(tmp_path):
    t = _read(tmp_path, "| 一级指标 | 二级指标 | 三级指标 | 指标值 | | |\n|---|---|---|---|---|---|\n"
                        "项目名称：会议经费\n| 产出指标 | 数量指标 | 会议次数 | ≥4次 |\n| 时效指标 | 完成时间 | 12月底前 |\n")
    p, = t.projects
    assert p.name == "会议经费"
    assert _rows(p) == [("产出指标", "数量指标", "会议次数", "≥4次"), ("产出指标", "时效指标", "完成时间", "12月底前")]


def test_one_cell_per_line_with_blank_lines_between_rows(tmp_path):
    t = _read(tmp_path, "项目名称\n培训经费\n\n一级指标\n二级指标\n三级指标\n指标值\n\n"
                        "产出指标\n数量指标\n培训人次\n≥200人次\n\n时效指标\n完成时间\n年底前\n")
    assert _rows(t.projects[0]) == [("产出指标", "数量指标", "培训人次", "≥200人次"),
                                    ("产出指标", "时效指标", "完成时间", "年底前")]


def test_excel_date_serial_in_a_target_cell_is_a_finding(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "购置设备"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "时效指标", "完成时间", dt.datetime(2023, 10, 31)])
    ws["D3"].number_format = "yyyy/m/d"
    path = tmp_path / "表.xlsx"
    wb.save(path)
    t = extract(path, checks=False)
    finding = next(f for f in t.findings if f.check == "excel-date-serial")
    assert "2023-10-31" in finding.message and "45230" in finding.message


def test_no_indicator_table_names_the_words_looked_for_and_the_first_lines(tmp_path):
    with pytest.raises(FormatError) as e:
        _read(tmp_path, "关于做好年度工作的通知\n各单位：\n请按时报送材料。\n")
    assert "三级指标" in e.value.message and "关于做好年度工作的通知" in e.value.message


def test_a_header_without_a_target_column_is_refused_with_its_place(tmp_path):
    with pytest.raises(DataError) as e:
        _read(tmp_path, "项目名称\t甲\n一级指标\t二级指标\t三级指标\t备注\n产出指标\t数量指标\t人数\t无\n")
    assert "指标值" in e.value.message and e.value.location.row == 2


def test_a_row_with_a_target_but_no_name_is_refused_with_its_place(tmp_path):
    with pytest.raises(DataError) as e:
        _read(tmp_path, "项目名称\t甲\n" + HEAD + "产出指标\t数量指标\t人数\t≥2人\n\t\t\t≥3人\n")
    assert "三级指标" in e.value.message and e.value.location.row == 4 and "≥3人" in e.value.location.value


def test_a_note_row_under_the_table_ends_it(tmp_path):
    t = _read(tmp_path, "项目名称\t甲\n" + HEAD + "产出指标\t数量指标\t人数\t≥2人\n填表人：张三\t联系电话：123\n")
    assert len(t.projects[0].indicators) == 1


def test_an_indicator_like_row_outside_any_table_is_a_finding_with_its_place(tmp_path):
    t = _read(tmp_path, "项目名称\t甲\n" + HEAD + "产出指标\t数量指标\t人数\t≥2人\n填表人：张三\t联系电话：123\n"
                        "产出指标\t数量指标\t次数\t≥3次\n")
    f = next(f for f in t.findings if f.check == "row-not-read")
    assert "第5行" in f.message and "≥3次" in f.message


def test_a_score_range_after_the_level1_name_is_not_part_of_it(tmp_path):
    """奉节县 2023 审批表: ``成本指标(0-20)分``, ``产出指标（40-50）分`` (the points allowed the block)."""
    t = _read(tmp_path, "项目名称\t加工园配套设施建设\n一级指标\t二级指标\t三级指标\t指标值\t分值\n"
                        "成本指标(0-20)分\t经济成本指标\t项目建设成本\t≤65万元\t10\n"
                        "产出指标（40-50）分\t数量指标\t晾晒房\t1座\t10\n")
    assert [(i.level1, i.block_weight, i.weight) for i in t.projects[0].indicators] == [
        ("成本指标", None, 10.0), ("产出指标", None, 10.0)]


def test_a_long_term_table_beside_the_annual_one_is_not_the_years_targets(tmp_path):
    """宁乡市坝塘镇 2021 / 佳县 申报表: 长期绩效指标 and 年度绩效指标 printed as two tables of one project."""
    t = _read(tmp_path, "项目名称\t镇域内基础设施建设\n长期绩效指标\t一级指标\t二级指标\t指标内容\t指标值\n"
                        "\t产出指标\t数量指标\t道路里程\t≥50公里\n年度绩效指标\n"
                        "一级指标\t二级指标\t指标内容\t指标值\n产出指标\t数量指标\t道路里程\t≥10公里\n"
                        "\t质量指标\t验收合格率\t100%\n")
    p, = t.projects
    assert _rows(p) == [("产出指标", "数量指标", "道路里程", "≥10公里"), ("产出指标", "质量指标", "验收合格率", "100%")]
    left = next(f for f in t.findings if f.check == "long-term-table-left-out")
    assert "1 个指标" in left.message and left.project_code == p.code


def test_only_a_long_term_table_is_read_with_a_finding(tmp_path):
    t = _read(tmp_path, "项目名称\t乙\n实施期绩效指标\n" + HEAD + "产出指标\t数量指标\t人数\t≥200人\n")
    assert _rows(t.projects[0]) == [("产出指标", "数量指标", "人数", "≥200人")]
    assert "long-term-target" in _checks(t)


def test_a_label_above_its_value_keeps_the_unit_it_names(tmp_path):
    t = _read(tmp_path, "项目名称\t年度资金总额（元）\n道路维护\t120000\n" + HEAD + "产出指标\t数量指标\t维护里程\t≥30公里\n")
    assert t.projects[0].funds.total == 120000.0
