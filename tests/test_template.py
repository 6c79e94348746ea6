"""`perfscore template`: the actuals sheet to fill in (issue 4, item 1)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from perfscore.cli import main
from perfscore.errors import UsageError
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.readers.actuals import TEMPLATE_HEADERS, attach_actuals, read_actuals
from perfscore.writers.template import write_template

ROOT = Path(__file__).resolve().parents[1]
SEED_TARGETS = ROOT / "data" / "yanshan-2023" / "targets.json"


def _seed() -> Targets:
    return Targets.model_validate_json(SEED_TARGETS.read_text(encoding="utf-8"))


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM so that Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))


def _small() -> Targets:
    return Targets(
        year=2023, unit=Unit(money_unit="万元"),
        projects=[Project(
            code="P001", name="=HYPERLINK(\"http://x\")", funds=Funds(total=20_000.0),
            spending_plan={"6月底": 50.0, "12月底": 100.0},
            indicators=[
                Indicator(id="P001-01", level1="产出指标", level2="质量指标", level3="@工作效果", target="优"),
                Indicator(id="P001-02", level1="产出指标", level2="时效指标", level3="完成时限",
                          target="2023年底前完成"),
                Indicator(id="P001-03", level1="效益指标", level2="社会效益指标", level3="工作成效",
                          target="及时"),
                Indicator(id="P001-04", level1="产出指标", level2="数量指标", level3="数量", target="-"),
            ])])


def test_csv_template_of_the_seed(tmp_path):
    targets = _seed()
    summary = write_template(targets, tmp_path / "actuals.csv")
    rows = _csv_rows(tmp_path / "actuals.csv")
    assert tuple(rows[0]) == TEMPLATE_HEADERS
    assert (summary.indicator_rows, summary.department_rows, summary.fund_rows) == (77, 12, 11 * 6)
    assert len(rows) == 1 + 77 + 12 + 66
    first = [r for r in rows if r[0] == "13020823P00018410001J"]
    # Fund rows first (全年预算数 pre-filled in 万元, the unit stated), then the 7 indicators.
    assert [r[4] for r in first[:6]] == ["全年预算数", "全年执行数", "3月底累计支出", "6月底累计支出",
                                         "10月底累计支出", "12月底累计支出"]
    assert first[0][6] == "56.25" and "金额单位：万元" in first[0][5]
    assert first[1][6] == ""
    assert "14.06万元" in first[2][5]          # 25 % of 56.25万 = 14.0625 → 14.06
    assert [r[4] for r in first[6:]] == [i.level3 for i in targets.projects[0].indicators]
    assert all(r[6] == "" for r in first[6:])
    dept = [r for r in rows if r[0].startswith("DEPT-")]
    assert [r[0] for r in dept][:5] == ["DEPT-00"] * 4 + ["DEPT-01"]
    assert dept[4][1] == "基层党建"


def test_template_reads_back_and_joins(tmp_path):
    targets = _seed()
    write_template(targets, tmp_path / "actuals.csv")
    out = attach_actuals(targets, read_actuals(tmp_path / "actuals.csv"))
    assert [p.budget_full_year for p in out.projects] == [p.funds.total for p in targets.projects]
    assert all(i.actual is None for p in out.projects for i in p.indicators)
    assert all(p.executed is None and p.spent == {} for p in out.projects)


def test_formula_like_text_is_written_as_text(tmp_path):
    import openpyxl

    targets = _small()
    write_template(targets, tmp_path / "a.csv")
    rows = _csv_rows(tmp_path / "a.csv")
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"
    # rows: header, 4 fund rows, then the indicators.
    assert rows[5][4] == "'@工作效果" and rows[8][5] == "'-"
    # ... and the reader undoes the escape, so the sheet still joins.
    filled = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").replace("'@工作效果,优,", "'@工作效果,优,良")
    (tmp_path / "b.csv").write_text(filled, encoding="utf-8-sig")
    joined = attach_actuals(targets, read_actuals(tmp_path / "b.csv"))
    assert joined.projects[0].indicators[0].actual == "良"

    write_template(targets, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["实际完成值"]  # not data_only: formulas would show
    assert ws["B2"].value == "=HYPERLINK(\"http://x\")" and ws["B2"].data_type == "s"
    assert ws["E6"].value == "@工作效果" and ws["E6"].data_type == "s"
    assert ws["B2"].quotePrefix and ws["E6"].quotePrefix and not ws["E7"].quotePrefix


def test_xlsx_template_layout_and_dropdowns(tmp_path):
    import openpyxl

    targets = _small()
    summary = write_template(targets, tmp_path / "a.xlsx")
    assert (summary.indicator_rows, summary.fund_rows) == (4, 4)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["实际完成值", "填写说明"]
    ws = wb["实际完成值"]
    assert ws.freeze_panes == "A2"
    assert tuple(c.value for c in ws[1]) == TEMPLATE_HEADERS
    assert ws["G2"].value == 2.0 and ws["G2"].data_type == "n"   # 全年预算数 2.00万元, a number
    assert ws.column_dimensions["E"].width >= 10 and ws.column_dimensions["I"].width >= 24
    lists = {dv.formula1: (str(dv.sqref), dv.showErrorMessage) for dv in ws.data_validations.dataValidation}
    # Rows: 2-5 fund rows, 6 = grade 优, 7 = deadline, 8 = achievement 及时, 9 = number.
    assert lists == {
        '"优,良,中,差,不适用"': ("G6", True),
        '"按时完成,延期完成,未完成"': ("G7", False),
        '"达成预期指标,部分达成,未达成,不适用"': ("G8", True),
    }
    assert ws["G6"].number_format == "@"
    # The sheet reads back with the reader.
    assert len(read_actuals(tmp_path / "a.xlsx").rows) == 8


def test_seed_xlsx_has_a_dropdown_on_every_grade_row(tmp_path):
    import openpyxl

    targets = _seed()
    write_template(targets, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["实际完成值"]
    grade_cells = {f"G{r}" for r in range(2, ws.max_row + 1) if ws[f"F{r}"].value == "优"}
    dv = [d for d in ws.data_validations.dataValidation if d.formula1 == '"优,良,中,差,不适用"']
    covered = {f"G{row}" for rng in dv[0].sqref.ranges for row, _ in rng.cells}
    assert len(dv) == 1 and covered == grade_cells
    # 优 targets in the seed, counted by hand: 3+3+2+1+2+2+2+2+2+1+2.
    assert len(grade_cells) == 22


def test_outputs_are_byte_identical(tmp_path):
    targets = _seed()
    for name in ("a.xlsx", "b.xlsx", "a.csv", "b.csv"):
        write_template(targets, tmp_path / name)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_prefills_what_the_targets_already_carry(tmp_path):
    targets = _small()
    p = targets.projects[0]
    p.indicators[0].actual, p.indicators[0].reason = "良", "两个社区考核为良"
    p.budget_full_year, p.executed, p.spent = 25_000.0, 18_000.0, {"6月底": 9_000.0}
    write_template(targets, tmp_path / "a.csv")
    rows = {r[4]: r for r in _csv_rows(tmp_path / "a.csv")[1:]}
    assert rows["全年预算数"][6] == "2.50" and rows["全年执行数"][6] == "1.80"
    assert rows["6月底累计支出"][6] == "0.90" and rows["12月底累计支出"][6] == ""
    assert rows["'@工作效果"][6:9] == ["良", "", "两个社区考核为良"]


def test_unsupported_output_type():
    with pytest.raises(UsageError, match="模板文件应为 .csv 或 .xlsx"):
        write_template(_small(), "actuals.txt")


def test_cli_template(tmp_path, capsys):
    out = tmp_path / "actuals.xlsx"
    assert main(["template", str(SEED_TARGETS), "-o", str(out)]) == 0
    assert out.exists()
    assert "指标 77 行" in capsys.readouterr().err
    assert main(["template", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.csv")]) == 1
    assert not (tmp_path / "x.csv").exists()
