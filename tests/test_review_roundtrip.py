"""Review round trip: export the pack → a reviewer fills it (openpyxl) → merge → deviations by hand.

The year (profile mof-2020: 执行 10, 产出 50, 效益 30, 满意度 10, split equally):

甲项目 (budget 100万, executed 100万 → 执行 10):
  A-1 培训人次 ≥100人次, 100人次 → 25;  A-2 培训合格率 ≥90%, 95% → 25;
  A-3 群众知晓率 ≥80%, 85% → 30;      A-4 学员满意度 ≥95%, 96/100 → 10;   total 100
乙项目 (budget 300万, executed 270万 → 执行 9):
  B-1 维修路灯数 ≥50个, 50个 → 25;    B-2 维修质量 优, 优 → 25 (达成, 100 %);
  B-3 设施完好率 ≥95%, 96% → 30;      B-4 居民满意度 ≥90%, 92/100 → 10;   total 99
部门 = (100 × 100 + 99 × 300) / 400 = 99.25

The reviewer: A-1 复核完成值 80人次 → 25 × 80/100 = 20 (偏差 5); A-3 复核得分 24 (偏差 6);
B-2 复核得分 20 (达成 tier of 25 is [20, 25]: accepted; 偏差 5); B-4 only a comment.
甲 = 10 + 20 + 25 + 24 + 10 = 89 (偏差 11); 乙 = 9 + 25 + 20 + 30 + 10 = 94 (偏差 5);
部门 = (89 × 100 + 94 × 300) / 400 = 92.75 (偏差 6.5).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook

from perfscore.errors import DataError, FormatError
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.review import export_review, merge_review
from perfscore.app.score import evaluate
from perfscore.scoring import load_results
from perfscore.writers.tabular import write_results

WAN = 10_000.0


def _ind(code, n, level1, level2, level3, target, actual, evidence=None, score=None):
    return Indicator(id=f"{code}-{n}", level1=level1, level2=level2, level3=level3, target=target,
                     actual=actual, evidence=evidence, score=score)


def year_targets() -> Targets:
    a = Project(code="A", name="甲项目", funds=Funds(total=100 * WAN, fiscal=100 * WAN),
                budget_full_year=100 * WAN, executed=100 * WAN, indicators=[
                    _ind("A", 1, "产出指标", "数量指标", "培训人次", "≥100人次", "100人次"),
                    _ind("A", 2, "产出指标", "质量指标", "培训合格率", "≥90%", "95%"),
                    _ind("A", 3, "效益指标", "社会效益指标", "群众知晓率", "≥80%", "85%"),
                    _ind("A", 4, "满意度指标", "服务对象满意度指标", "学员满意度", "≥95%", "满意96人/共100人", "问卷")])
    b = Project(code="B", name="乙项目", funds=Funds(total=300 * WAN, fiscal=300 * WAN),
                budget_full_year=300 * WAN, executed=270 * WAN, indicators=[
                    _ind("B", 1, "产出指标", "数量指标", "维修路灯数", "≥50个", "50个"),
                    _ind("B", 2, "产出指标", "质量指标", "维修质量", "优", "优"),
                    _ind("B", 3, "效益指标", "社会效益指标", "设施完好率", "≥95%", "96%"),
                    _ind("B", 4, "满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "满意92人/共100人", "问卷")])
    return Targets(year=2023, unit=Unit(code="900001", name="测试单位"), projects=[a, b])


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ev")
    write_results(evaluate(year_targets(), "mof-2020", as_of="2023-12-31"), folder)
    return folder / "results.json"


def _fill(pack, out, cells: dict[str, dict[str, object]]):
    """Write reviewer values: {indicator id: {header: value}}."""
    wb = load_workbook(pack)
    ws = wb["指标复核"]
    head = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        iid = row[head["指标ID"] - 1].value
        for header, value in cells.get(iid, {}).items():
            ws.cell(row=row[0].row, column=head[header], value=value)
    wb.save(out)
    return out


REVIEW = {
    "A-1": {"复核完成值": "80人次", "复核意见": "签到表只有80人次"},
    "A-3": {"复核得分": 24},
    "B-2": {"复核得分": 20, "复核意见": "个别路灯返修"},
    "B-4": {"复核意见": "问卷抽查无误"},
}


def test_self_scores_are_the_hand_worked_ones(results):
    ev = load_results(results)
    assert ev.projects["total"].tolist() == [100.0, 99.0]
    assert ev.department["total"] == 99.25


def test_round_trip_gives_the_hand_worked_deviations(results, tmp_path):
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", REVIEW)
    out = tmp_path / "merged"
    result = merge_review(results, filled, out)

    assert (result.reviewed, result.rescored, result.scored_by_reviewer) == (4, 1, 2)
    ind = result.evaluation.indicators.set_index("indicator_id")
    assert ind.loc["A-1", "review_score"] == 20.0 and ind.loc["A-1", "deviation"] == 5.0
    assert ind.loc["A-3", "review_score"] == 24.0 and ind.loc["A-3", "deviation"] == 6.0
    assert ind.loc["B-2", "review_score"] == 20.0 and ind.loc["B-2", "deviation"] == 5.0
    assert ind.loc["B-4", "review_score"] == 10.0 and ind.loc["B-4", "deviation"] == 0.0
    assert ind.loc["A-2", "deviation"] == 0.0 and ind.loc["A-2", "review_method"] == ""
    proj = result.evaluation.projects.set_index("project_code")
    assert proj.loc["A", "review_total"] == 89.0 and proj.loc["A", "deviation"] == 11.0
    assert proj.loc["A", "review_grade"] == "良"
    assert proj.loc["B", "review_total"] == 94.0 and proj.loc["B", "deviation"] == 5.0
    dept = result.evaluation.department
    assert (dept["total"], dept["review_total"], dept["deviation"]) == (99.25, 92.75, 6.5)

    # deviation.csv: 部门, then each project with its reviewed indicators.
    text = (out / "deviation.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["层级"], r["项目编码"], r["指标ID"], r["自评偏差"]) for r in rows] == [
        ("部门", "", "", "6.50"),
        ("项目", "A", "", "11.00"), ("指标", "A", "A-1", "5.00"), ("指标", "A", "A-3", "6.00"),
        ("项目", "B", "", "5.00"), ("指标", "B", "B-2", "5.00"), ("指标", "B", "B-4", "0.00"),
    ]
    assert rows[2]["复核完成值"] == "80人次" and rows[2]["复核方式"] == "按复核完成值重新计分"
    assert rows[6]["复核意见"] == "问卷抽查无误"

    # The merged results read back, with the review columns.
    merged = load_results(out / "results.json")
    assert "review_score" in merged.indicators.columns and merged.department["review_total"] == 92.75
    header = (out / "results.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "review_score" in header and "deviation" in header


def test_merging_an_untouched_pack_changes_nothing(results, tmp_path):
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    result = merge_review(results, pack, tmp_path / "merged")
    assert result.reviewed == 0
    assert result.evaluation.department["deviation"] == 0.0
    assert result.evaluation.projects["deviation"].tolist() == [0.0, 0.0]


def _refused(results, tmp_path, cells):
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", cells)
    with pytest.raises(DataError) as exc:
        merge_review(results, filled, tmp_path / "merged")
    return exc.value


def test_qualitative_score_outside_its_tier_is_refused(results, tmp_path):
    # B-2 is row 7 (header, four rows of 甲, B-1); 15 of 25 is 60 %, below 达成 [80 %, 100 %].
    err = _refused(results, tmp_path, {"B-2": {"复核得分": 15}})
    loc = err.location
    assert (loc.file.endswith("filled.xlsx"), loc.row, loc.column, loc.value) == (True, 7, "复核得分", "15")
    rendered = err.render()
    assert "达成" in rendered
    # The score is the reviewer's: worded 复核得分, never the unit's 填报得分.
    assert "复核得分 15 不在" in rendered and "填报得分" not in rendered
    assert not (tmp_path / "merged").exists()


@pytest.mark.parametrize("value, why", [
    ("完成", "不是数值"),        # words against ≥100人次
    ("5万元", "不可比"),          # money against a count
])
def test_unscorable_review_actual_is_refused(results, tmp_path, value, why):
    # A-1 is row 2. Counted as 0 it would have made a deviation of 25 out of a typing slip.
    err = _refused(results, tmp_path, {"A-1": {"复核完成值": value}})
    loc = err.location
    assert (loc.file.endswith("filled.xlsx"), loc.row, loc.column, loc.value) == (True, 2, "复核完成值", value)
    assert why in err.render()
    assert not (tmp_path / "merged").exists()


def test_unscorable_actual_and_score_outside_tier_are_listed_together(results, tmp_path):
    err = _refused(results, tmp_path, {"B-2": {"复核得分": 15}, "A-1": {"复核完成值": "完成"}})
    assert (err.location.row, err.location.column) == (2, "复核完成值")     # first in row order
    rendered = err.render()
    assert "2 处" in rendered and "第7行，列「复核得分」" in rendered and "不是数值" in rendered


def test_unscorable_review_actual_with_a_review_score_is_taken(results, tmp_path):
    # The reviewer's 复核得分 decides the score; the words stay as the reviewer's record.
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", {"A-1": {"复核完成值": "完成", "复核得分": 22}})
    result = merge_review(results, filled, tmp_path / "merged")
    row = result.evaluation.indicators.set_index("indicator_id").loc["A-1"]
    assert (row["review_score"], row["deviation"], row["review_actual"]) == (22.0, 3.0, "完成")


# --- the unit's explicit 得分 and the reviewer's 复核完成值 ---------------------------------
#
# 乙's B-2 维修质量 (优, weight 25): the unit reports 良 — one step below 优, 部分达成
# [60 %, 80 %) = [15, 20) — and writes 得分 18, inside that tier, so the engine takes it.
# 乙 = 9 + 25 + 18 + 30 + 10 = 92; 部门 = (100 × 100 + 92 × 300) / 400 = 94.
# The reviewer finds the work 优: 复核完成值 优 → 达成, the profile's point 100 % → 25.
# The unit's 18 belonged to 良 and must go (kept, it would lie outside 达成 [20, 25] and
# turn the row into needs-review, scored 0). Deviations: B-2 18 − 25 = −7;
# 乙 92 − 99 = −7; 部门 94 − (100 × 100 + 99 × 300) / 400 = 94 − 99.25 = −5.25.


@pytest.fixture(scope="module")
def results_with_unit_score(tmp_path_factory):
    t = year_targets()
    b = t.projects[1]
    inds = [i.model_copy(update={"actual": "良", "score": "18"}) if i.id == "B-2" else i for i in b.indicators]
    t = t.model_copy(update={"projects": [t.projects[0], b.model_copy(update={"indicators": inds})]})
    folder = tmp_path_factory.mktemp("ev-score")
    write_results(evaluate(t, "mof-2020", as_of="2023-12-31"), folder)
    return folder / "results.json"


def test_review_actual_replaces_the_units_explicit_score(results_with_unit_score, tmp_path):
    ev = load_results(results_with_unit_score)
    assert ev.indicators.set_index("indicator_id").loc["B-2", "score"] == 18.0
    assert ev.department["total"] == 94.0
    pack = tmp_path / "review.xlsx"
    export_review(results_with_unit_score, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", {"B-2": {"复核完成值": "优"}})
    result = merge_review(results_with_unit_score, filled, tmp_path / "merged")
    row = result.evaluation.indicators.set_index("indicator_id").loc["B-2"]
    assert (row["review_score"], row["review_status"], row["deviation"]) == (25.0, "scored", -7.0)
    proj = result.evaluation.projects.set_index("project_code")
    assert (proj.loc["B", "review_total"], proj.loc["B", "deviation"]) == (99.0, -7.0)
    dept = result.evaluation.department
    assert (dept["review_total"], dept["deviation"]) == (99.25, -5.25)


def test_review_score_beside_a_review_actual_is_checked_against_the_new_tier(results_with_unit_score, tmp_path):
    # 复核完成值 优 with 复核得分 21: inside 达成 [20, 25] → taken (18 − 21 = −3).
    pack = tmp_path / "review.xlsx"
    export_review(results_with_unit_score, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", {"B-2": {"复核完成值": "优", "复核得分": 21}})
    result = merge_review(results_with_unit_score, filled, tmp_path / "merged")
    row = result.evaluation.indicators.set_index("indicator_id").loc["B-2"]
    assert (row["review_score"], row["deviation"]) == (21.0, -3.0)


def test_negative_deviations_stay_numbers_in_csv_and_xlsx(results_with_unit_score, tmp_path):
    hostile = '=HYPERLINK("http://example.invalid","点我")'
    pack = tmp_path / "review.xlsx"
    export_review(results_with_unit_score, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", {"B-2": {"复核完成值": "优", "复核意见": hostile}})
    out = tmp_path / "merged"
    merge_review(results_with_unit_score, filled, out)

    def rows(name):
        return list(csv.DictReader(io.StringIO((out / name).read_text(encoding="utf-8-sig"))))

    dev = {(r["层级"], r["项目编码"], r["指标ID"]): r for r in rows("deviation.csv")}
    assert dev[("部门", "", "")]["自评偏差"] == "-5.25"
    assert dev[("项目", "B", "")]["自评偏差"] == "-7.00"
    assert dev[("指标", "B", "B-2")]["自评偏差"] == "-7.00"
    assert dev[("指标", "B", "B-2")]["复核意见"] == "'" + hostile      # text is still guarded
    projects = {r["project_code"]: r for r in rows("projects.csv")}
    assert (projects["B"]["deviation"], projects["B"]["review_total"]) == ("-7.00", "99.00")
    assert (projects["A"]["deviation"], projects["A"]["review_total"]) == ("0.00", "100.00")
    indicators = {r["indicator_id"]: r for r in rows("results.csv")}
    assert (indicators["B-2"]["deviation"], indicators["B-2"]["review_score"]) == ("-7.00", "25.00")
    assert indicators["B-2"]["review_comment"] == "'" + hostile

    ws = load_workbook(out / "deviation.xlsx")["自评偏差"]
    header = [c.value for c in ws[1]]
    by_level = {(r[0].value, r[2].value or "", r[4].value or ""): r for r in ws.iter_rows(min_row=2)}
    cell = by_level[("指标", "B", "B-2")][header.index("自评偏差")]
    assert (cell.value, cell.data_type) == (-7, "n")
    assert by_level[("部门", "", "")][header.index("自评偏差")].value == -5.25
    comment = by_level[("指标", "B", "B-2")][header.index("复核意见")]
    assert comment.value == hostile and comment.data_type == "s" and comment.quotePrefix


# --- the report with the section 复核结果与自评偏差 ------------------------------------------


def _squash(node) -> str:
    """The text of a node, its pieces (a name and the code beneath it) joined by a space."""
    return re.sub(r"\s+", " ", " ".join(t.strip() for t in node.itertext() if t.strip()))


def _table(section, css):
    """Rows of a table in the section, as lists of cell texts (header row excluded)."""
    return [[_squash(c) for c in tr.xpath("th|td")] for tr in section.xpath(f'.//table[@class="{css}"]/tbody/tr')]


def test_merge_writes_the_report_with_the_deviation_section(results, tmp_path):
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", REVIEW)
    out = tmp_path / "merged"
    result = merge_review(results, filled, out)
    assert out / "report.html" in result.paths
    doc = lxml.html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    sections = doc.xpath('//section[@id="review"]')
    assert len(sections) == 1
    sec = sections[0]
    assert _squash(sec.xpath("h2")[0]) == "复核结果与自评偏差"
    assert "复核 4 个指标（按复核完成值重新计分 1 个，采用复核得分 2 个），其余 4 个指标认可自评" in _squash(sec)

    # 部门: self 99.25, review 92.75, deviation 6.50 (see the module docstring).
    (dept,) = _table(sec, "review-dept")
    assert dept[1].startswith("99.25") and dept[2].startswith("92.75") and dept[3] == "6.50"
    # 项目: name+code, self total, grade, review total, grade, deviation, reviewed indicators.
    assert _table(sec, "review-projects") == [
        ["甲项目 A", "100.00", "优", "89.00", "良", "11.00", "2"],
        ["乙项目 B", "99.00", "优", "94.00", "优", "5.00", "2"],
    ]
    # 指标: the four the reviewer touched, with the reviewer's opinion (复核意见).
    assert _table(sec, "review-indicators") == [
        ["甲项目 A", "培训人次 A-1", "25.00", "100人次", "80人次", "25.00", "20.00", "5.00", "按复核完成值重新计分",
         "签到表只有80人次"],
        ["甲项目 A", "群众知晓率 A-3", "30.00", "85%", "", "30.00", "24.00", "6.00", "采用复核得分", ""],
        ["乙项目 B", "维修质量 B-2", "25.00", "优", "", "25.00", "20.00", "5.00", "采用复核得分", "个别路灯返修"],
        ["乙项目 B", "居民满意度 B-4", "10.00", "满意92人/共100人", "", "10.00", "10.00", "0.00", "认可自评",
         "问卷抽查无误"],
    ]
    # A positive deviation (self above review) is marked, in words and class.
    assert sec.xpath('.//table[@class="review-dept"]//td[contains(@class, "dev-pos")]')
    # The rest of the report is the year's normal report of the merged results.
    assert doc.xpath('//section[@class="project"]') and "99.25" in _squash(doc.xpath('//div[@class="cards"]')[0])


def test_a_plain_report_has_no_deviation_section(results, tmp_path):
    from perfscore.writers.html import render_report

    doc = lxml.html.fromstring(render_report(load_results(results)))
    assert doc.xpath('//section[@id="review"]') == []
    assert "复核结果与自评偏差" not in _squash(doc.xpath("//body")[0])


@pytest.mark.parametrize("cells, column, value", [
    ({"A-1": {"复核得分": 30}}, "复核得分", "30"),            # above the weight 25
    ({"A-1": {"复核得分": -1}}, "复核得分", "-1"),
    ({"A-1": {"复核得分": "很好"}}, "复核得分", "很好"),
    ({"A-1": {"复核得分": "=20+5"}}, "复核得分", "=20+5"),   # a formula is not a score
])
def test_bad_review_scores_are_refused_with_their_cell(results, tmp_path, cells, column, value):
    err = _refused(results, tmp_path, cells)
    assert (err.location.row, err.location.column, err.location.value) == (2, column, value)


def test_unknown_indicator_is_refused(results, tmp_path):
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    wb = load_workbook(pack)
    ws = wb["指标复核"]
    head = {c.value: c.column for c in ws[1]}
    ws.cell(row=3, column=head["指标ID"], value="A-99")
    ws.cell(row=3, column=head["复核得分"], value=10)
    wb.save(tmp_path / "filled.xlsx")
    with pytest.raises(DataError) as exc:
        merge_review(results, tmp_path / "filled.xlsx", tmp_path / "merged")
    assert (exc.value.location.row, exc.value.location.value) == (3, "A-99")


def test_not_a_review_pack(results, tmp_path):
    bad = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    Workbook().save(bad)
    with pytest.raises(FormatError, match="指标复核"):
        merge_review(results, bad, tmp_path / "merged")
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(FormatError):
        merge_review(results, text, tmp_path / "merged")


def test_percent_and_date_cells_are_read_as_typed(results, tmp_path):
    # Excel stores a typed 96% as 0.96 with a percent format, and a typed date as a date.
    import datetime

    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    wb = load_workbook(pack)
    ws = wb["指标复核"]
    head = {c.value: c.column for c in ws[1]}
    cell = ws.cell(row=3, column=head["复核完成值"], value=0.85)   # A-2 培训合格率 ≥90%
    cell.number_format = "0%"
    ws.cell(row=2, column=head["复核完成值"], value=90)            # A-1 培训人次: a bare number takes 人次
    wb.save(tmp_path / "filled.xlsx")
    from perfscore.review.merge import _cell_text, read_filled

    entries = read_filled(tmp_path / "filled.xlsx")
    assert entries[("900001", "A", "A-2")].actual == "85%"
    assert entries[("900001", "A", "A-1")].actual == "90"
    assert _cell_text(datetime.datetime(2023, 11, 30)) == "2023-11-30"
    result = merge_review(results, tmp_path / "filled.xlsx", tmp_path / "merged")
    ind = result.evaluation.indicators.set_index("indicator_id")
    # 25 × 85/90 = 23.61 and 25 × 90/100 = 22.50.
    assert ind.loc["A-2", "review_score"] == 23.61 and ind.loc["A-1", "review_score"] == 22.5


# --- the sample year (data/yanshan-2023): department goals in results.csv ------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "yanshan-2023"

SEED_REVIEW = {
    # 2022年街道体制经费 宣传品数量 ≥100个, unit 126个: 90个 → 12.5 × 90/100 = 11.25 (偏差 1.25).
    "13020823P00018410001J-01": {"复核完成值": "90个", "复核意见": "入库单只有90个"},
    # 省专班环保 社区环境达标程度 优, unit 良 with 得分 9.5: 优 → 达成 12.5 (偏差 −3).
    "13020823P00018010001U-02": {"复核完成值": "优", "复核意见": "现场核查，达标"},
    # 征兵 居民满意度 ≥95%, 88% → 10 × 88/95 = 9.26: 复核得分 8 (偏差 1.26).
    "13020823P00018110001H-07": {"复核得分": 8, "复核意见": "问卷份数不足"},
    "13020823P00025510001A-07": {"复核意见": "问卷抽查无误"},
}


@pytest.mark.skipif(not (SAMPLE / "actuals.csv").is_file(), reason="sample year not in the tree")
def test_sample_year_round_trip(tmp_path):
    from perfscore.cli import main

    assert main(["evaluate", str(SAMPLE / "targets.json"), str(SAMPLE / "actuals.csv"), "-o", str(tmp_path)]) == 0
    results = tmp_path / "results.json"
    pack = tmp_path / "review.xlsx"
    export_review(results, pack)
    filled = _fill(pack, tmp_path / "filled.xlsx", SEED_REVIEW)
    out = tmp_path / "merged"
    result = merge_review(results, filled, out)
    ind = result.evaluation.indicators.set_index("indicator_id")
    assert [ind.loc[i, "deviation"] for i in list(SEED_REVIEW)] == [1.25, -3.0, 1.26, 0.0]
    proj = result.evaluation.projects.set_index("project_code")
    deltas = {"13020823P00018410001J": 1.25, "13020823P00018010001U": -3.0, "13020823P00018110001H": 1.26}
    for code, dev in deltas.items():
        assert proj.loc[code, "deviation"] == dev
        assert proj.loc[code, "review_total"] == round(proj.loc[code, "total"] - dev, 2)
    # 部门 (budget-weighted): (56.25 × 1.25 − 20 × 3 + 3 × 1.26) / 428.53 = 0.0329 → 0.03.
    assert result.evaluation.department["deviation"] == 0.03
    # results.csv also carries the 部门整体 goal indicators (DEPT-…): not reviewed, blank.
    rows = list(csv.DictReader(io.StringIO((out / "results.csv").read_text(encoding="utf-8-sig"))))
    dept_rows = [r for r in rows if r["indicator_id"].startswith("DEPT-")]
    assert len(rows) == 77 + len(dept_rows) and dept_rows
    assert all(r["deviation"] == "" and r["review_score"] == "" for r in dept_rows)
    by_id = {r["indicator_id"]: r for r in rows}
    assert by_id["13020823P00018010001U-02"]["deviation"] == "-3.00"


def test_a_given_score_is_totalled_by_the_engine_itself():
    """review --merge's direct scores go through evaluate(given_scores=…): the project total is
    made by the same function as for any other evaluation (one implementation of the totals)."""
    from perfscore.app.extract import extract as _extract
    from perfscore.readers.actuals import attach_actuals, read_actuals
    from perfscore.app.score import evaluate as _evaluate

    targets = _extract(SAMPLE / "targets.json", checks=False)
    targets = attach_actuals(targets, read_actuals(SAMPLE / "actuals.csv"))
    plain = _evaluate(targets, checks=False)
    row = plain.indicators[plain.indicators["status"] == "scored"].iloc[0]
    key = (str(row.unit_code), str(row.project_code), str(row.indicator_id))
    given = _evaluate(targets, checks=False, given_scores={key: 0.0})
    ind = given.indicators.set_index("indicator_id").loc[row.indicator_id]
    assert ind["score"] == 0.0 and "复核人直接给分" in ind["arithmetic"]
    before = plain.projects.set_index("project_code").loc[row.project_code]
    after = given.projects.set_index("project_code").loc[row.project_code]
    assert after["raw_total"] == pytest.approx(before["raw_total"] - row.score)
    assert after["total"] < before["total"]
    others_plain = plain.projects[plain.projects["project_code"] != row.project_code]["total"].tolist()
    others_given = given.projects[given.projects["project_code"] != row.project_code]["total"].tolist()
    assert others_plain == others_given
