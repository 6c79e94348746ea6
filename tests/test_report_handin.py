"""The files a unit hands in, for the sample year (丰润区燕山路办事处 2023): the 自评报告 draft
in Word and the 自评表 in Excel, read back with python-docx and openpyxl and rendered
through LibreOffice as a person opens and prints them; ``perfscore report`` from a stored
results.json (also after a review was merged) and ``evaluate --docx/--xlsx``."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from perfscore.cli import main
from perfscore.app.extract import load_targets
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.review import export_review, merge_review
from perfscore.scoring import load_results
from perfscore.app.score import evaluate
from perfscore.writers.docx_report import HEADINGS, TODO, write_docx
from perfscore.writers.xlsx_report import write_xlsx
from test_report_support import office_to_pdf, page_texts, render_page, run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "yanshan-2023"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    assert main(["evaluate", str(DATA / "targets.json"), str(DATA / "actuals.csv"), "-o", str(folder),
                 "--docx", "--xlsx"]) == 0
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    return folder, results


def _project_totals(results) -> dict[str, str]:
    return {p["project_name"]: f"{p['total']:.2f}" for p in results["projects"] if p["total"] is not None}


# --- Word --------------------------------------------------------------------------------


def test_the_word_draft_follows_the_outline(sample):
    folder, results = sample
    d = docx.Document(folder / "report.docx")
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(HEADINGS)
    text = "\n".join(p.text for p in d.paragraphs)
    conclusion = text.split(HEADINGS[2], 1)[1].split(HEADINGS[3], 1)[0]
    assert "部门整体得分为95.22分，自评等级为“优”" in conclusion
    for name, total in _project_totals(results).items():
        assert f"“{name}”自评得分{total}分" in conclusion, name
    # What only the unit can write is marked, never invented.
    for what in ("单位主要职能", "自评的组织方式", "存在的主要问题及下一步改进措施", "自评结果在预算安排"):
        assert TODO.format(what).rstrip("】") in text, what
    assert "宣传品数量" in text and "实际完成126个" in text


def test_the_word_draft_has_the_twelve_tables_with_merged_cells(sample):
    folder, results = sample
    d = docx.Document(folder / "report.docx")
    assert len(d.tables) == 12                      # 部门整体 + 11 projects
    xml = d.tables[1]._tbl.xml
    assert 'w:vMerge w:val="restart"' in xml and "<w:gridSpan" in xml and "<w:tblHeader/>" in xml
    first = d.tables[1]
    assert first.cell(0, 1).text == results["projects"][0]["project_name"]
    totals = [t.rows[-1].cells[5].text for t in d.tables[1:]]
    assert totals == [f"{p['total']:.2f}" for p in results["projects"]]
    section = d.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    body = d.element.xml
    assert "TOC \\o" in body and "w:updateFields" in d.settings.element.xml
    assert " PAGE " in section.footer._element.xml


def test_the_word_draft_is_the_same_bytes_every_time(sample, tmp_path):
    folder, _ = sample
    ev = load_results(folder / "results.json")
    targets = load_targets(DATA / "targets.json")
    a, b = write_docx(ev, tmp_path / "a.docx", targets=targets), write_docx(ev, tmp_path / "b.docx", targets=targets)
    assert a.read_bytes() == b.read_bytes() == (folder / "report.docx").read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2023-12-31T00:00:00Z" in core          # created: the evaluation date, not the clock


def test_hostile_text_is_kept_as_text(tmp_path):
    targets = attach_actuals(load_targets(DATA / "targets.json"), read_actuals(DATA / "actuals.csv"))
    first = targets.projects[0].indicators[0]
    first.reason = '=HYPERLINK("http://x") <w:p>注入</w:p> & \x07控制字符'
    ev = evaluate(targets, "mof-2020")
    d = docx.Document(write_docx(ev, tmp_path / "h.docx", targets=targets))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert '=HYPERLINK("http://x") <w:p>注入</w:p> & 控制字符' in cells
    wb = openpyxl.load_workbook(write_xlsx(ev, tmp_path / "h.xlsx", targets=targets))
    found = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == first.reason.replace("\x07", "")
             or c.value == first.reason]
    assert found and all(c.data_type == "s" for c in found)       # text, never a formula


# --- Excel -------------------------------------------------------------------------------


def test_the_workbook_has_the_department_and_project_sheets(sample):
    folder, results = sample
    wb = openpyxl.load_workbook(folder / "report.xlsx")
    names = wb.sheetnames
    assert names[:2] == ["部门整体", "部门整体自评表"] and names[-1] == "全部指标"
    projects = names[2:-1]
    assert len(projects) == 11
    dept = wb["部门整体"]
    values = [c.value for row in dept.iter_rows() for c in row]
    assert 95.22 in values and "优" in values
    for sheet, p in zip(projects, results["projects"]):
        ws = wb[sheet]
        assert ws["B3"].value == p["project_name"]
        merged = [str(r) for r in ws.merged_cells.ranges]
        assert any(re.fullmatch(r"A\d+:A\d+", m) and m.split(":")[0] != m.split(":")[1] for m in merged), sheet
        total_row = next(r for r in ws.iter_rows() if r[0].value == "总分")
        assert total_row[5].value == p["total"] and isinstance(total_row[5].value, (int, float))
        assert total_row[5].number_format == "0.00"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth or 1) == 1  # 1 = the default
        assert ws.print_title_rows
    flat = wb["全部指标"]
    assert flat.max_row - 1 == results["department"]["indicators"] and flat.auto_filter.ref


def test_the_workbook_is_the_same_bytes_every_time(sample, tmp_path):
    folder, _ = sample
    ev = load_results(folder / "results.json")
    targets = load_targets(DATA / "targets.json")
    assert write_xlsx(ev, tmp_path / "a.xlsx", targets=targets).read_bytes() == (folder / "report.xlsx").read_bytes()


# --- as people see them: LibreOffice -------------------------------------------------------


def _pages(pdf: Path) -> tuple[int, str]:
    info = run(["pdfinfo", str(pdf)]).stdout
    assert "(A4)" in info, info      # portrait or landscape
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), "\n".join(page_texts(pdf))


def test_word_draft_renders_on_a4(sample, tmp_path):
    folder, _ = sample
    pdf = office_to_pdf(folder / "report.docx", tmp_path)
    pages, text = _pages(pdf)
    assert 20 <= pages <= 80
    squeezed = re.sub(r"\s+", "", text)
    assert "一、基本情况" in squeezed and "95.22" in squeezed and "项目支出绩效自评表" in squeezed
    png = render_page(pdf, pages, tmp_path / "last")
    assert png.stat().st_size > 5000


def test_workbook_renders_on_a4(sample, tmp_path):
    folder, _ = sample
    pdf = office_to_pdf(folder / "report.xlsx", tmp_path)
    pages, text = _pages(pdf)
    assert 14 <= pages <= 60
    squeezed = re.sub(r"\s+", "", text)
    assert "项目支出绩效自评表" in squeezed and "95.22" in squeezed and "部门整体支出绩效自评表" in squeezed


# --- the command line ----------------------------------------------------------------------


def test_report_from_stored_results_in_every_format(sample, tmp_path, capsys):
    folder, _ = sample
    for ext in (".docx", ".xlsx", ".html"):
        out = tmp_path / f"again{ext}"
        assert main(["report", str(folder / "results.json"), "-o", str(out), "--targets",
                     str(DATA / "targets.json")]) == 0
        assert out.read_bytes() == (folder / f"report{ext}").read_bytes(), ext
    assert main(["report", str(folder / "results.json"), "-o", str(tmp_path / "x.doc")]) == 2
    assert "不支持的报告格式「.doc」" in capsys.readouterr().err
    assert not (tmp_path / "x.doc").exists()


def test_report_after_a_review_was_merged(sample, tmp_path):
    folder, _ = sample
    pack = tmp_path / "review.xlsx"
    export_review(folder / "results.json", pack)
    merged = merge_review(folder / "results.json", pack, tmp_path / "merged")
    assert main(["report", str(tmp_path / "merged" / "results.json"), "-o", str(tmp_path / "m.xlsx")]) == 0
    assert main(["report", str(tmp_path / "merged" / "results.json"), "-o", str(tmp_path / "m.docx")]) == 0
    assert merged.evaluation.department["total"] == 95.22
    assert len(docx.Document(tmp_path / "m.docx").tables) == 12


def test_batch_units_get_their_files_too(tmp_path):
    table = tmp_path / "bureau.csv"
    rows = ["单位编码,单位名称,项目编码,项目名称,一级指标,二级指标,三级指标,年度指标值,实际完成值,年度"]
    for unit in ("U1", "U2"):
        rows.append(f"{unit},单位{unit},{unit}-P1,项目{unit},产出指标,数量指标,培训人数,≥100人,120人,2023")
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["evaluate", str(table), "-o", str(tmp_path / "out"), "--xlsx", "--docx", "--quiet"]) == 0
    for unit in ("U1", "U2"):
        assert (tmp_path / "out" / "units" / unit / "report.xlsx").exists()
        assert len(docx.Document(tmp_path / "out" / "units" / unit / "report.docx").tables) == 1
