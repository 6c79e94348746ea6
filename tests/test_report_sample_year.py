"""The report of the real sample year (丰润区燕山路办事处 2023: 11 projects, 77
indicators), scored by the engine from data/yanshan-2023/."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import lxml.html
import pytest

from perfscore.cli import main
from perfscore.app.extract import load_targets
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.app.score import evaluate
from perfscore.scoring import load_results
from perfscore.writers.html import render_report

DATA = Path(__file__).resolve().parents[1] / "data" / "yanshan-2023"


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.text_content()).strip()


@pytest.fixture(scope="module")
def year():
    targets = attach_actuals(load_targets(DATA / "targets.json"), read_actuals(DATA / "actuals.csv"))
    ev = evaluate(targets, as_of="2024-01-31")
    html = render_report(ev, targets=targets)
    return ev, targets, html, lxml.html.fromstring(html)


def _sections(doc) -> dict[str, object]:
    out = {}
    for sec in doc.xpath('//section[@class="project"]'):
        code = _text(sec.xpath('.//table[@class="form"]//tr[th="项目编码"]/td[1]')[0])
        out[code] = sec
    return out


def test_all_11_projects_and_77_indicators_with_their_scores(year):
    ev, targets, html, doc = year
    assert len(targets.projects) == 11 and targets.indicator_count() == 77
    sections = _sections(doc)
    assert list(sections) == [p.code for p in targets.projects]
    seen = 0
    for project in targets.projects:
        sec = sections[project.code]
        assert _text(sec.xpath('.//tr[th="项目名称"]/td')[0]) == project.name
        rows = sec.xpath('.//table[@class="indicators"]/tbody/tr[td[@class="l3"]]')
        assert [_text(r.xpath('td[@class="l3"]')[0]) for r in rows] == [i.level3 for i in project.indicators]
        scored = ev.indicators[ev.indicators["project_code"] == project.code]
        for tr, ind in zip(rows, scored.itertuples()):
            cells = tr.xpath("td")
            l3 = [i for i, c in enumerate(cells) if c.get("class") == "l3"][0]
            weight, score = _text(cells[l3 + 3]), _text(cells[l3 + 4])
            assert weight == f"{ind.weight:.2f}"
            assert score == (f"{ind.score:.2f}" if ind.status == "scored" else "—")
            seen += 1
        p = ev.projects[ev.projects["project_code"] == project.code].iloc[0]
        total_row = _text(sec.xpath('.//tr[@class="total-row"]')[0])
        assert f"{p.total:.2f}" in total_row and p.grade in total_row
    assert seen == 77


def test_department_figures(year):
    ev, _, _, doc = year
    cards = _text(doc.xpath('//div[@class="cards"]')[0])
    dep = ev.department
    assert f"{dep['total']:.2f}" in cards and f"自评等级：{dep['grade']}" in cards
    assert f"{dep['budget'] / 10000:.2f}" in cards
    rows = doc.xpath('//table[@class="summary"]/tbody/tr')
    assert len(rows) == 11
    # The 部门整体支出绩效自评表 lists the department's own indicators.
    goals = dep["goals"]["indicators"]
    table = doc.xpath('//section[@id="dept-table"]//table[contains(@class, "indicators")]')[0]
    l3 = [_text(td) for td in table.xpath('tbody/tr/td[@class="l3"]')]
    assert l3 == [g["level3"] for g in goals]


def test_the_years_marks_are_visible(year):
    ev, _, _, doc = year
    sections = _sections(doc)
    ind = ev.indicators
    # The not-applicable and the needs-review rows of the sample year.
    for status, css in (("not_applicable", "st-not-applicable"), ("needs_review", "st-needs-review")):
        rows = ind[ind["status"] == status]
        assert len(rows) >= 1
        for r in rows.itertuples():
            sec = sections[r.project_code]
            tr = [t for t in sec.xpath('.//table[@class="indicators"]/tbody/tr[td[@class="l3"]]')
                  if _text(t.xpath('td[@class="l3"]')[0]) == r.level3][0]
            assert css in tr.get("class")
    # A satisfaction survey given as counts shows its confidence interval.
    assert "95%置信区间" in _text(doc)
    # A project over 100 % execution says it was capped.
    assert "执行率超过100%，按100%计" in _text(doc)


def test_evaluate_command_writes_the_report(tmp_path, year):
    ev, targets, _, _ = year
    out = tmp_path / "out"
    code = main(["evaluate", str(DATA / "targets.json"), str(DATA / "actuals.csv"),
                 "-o", str(out), "--as-of", "2024-01-31"])
    assert code == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "丰润区燕山路办事处" in html and "2024-01-31" in html
    assert str(tmp_path) not in html
    # The report rebuilt from results.json is the same page (results.json keeps
    # everything the report shows).
    loaded = load_results(out / "results.json")
    assert render_report(loaded, targets=targets) == html
    ev.meta, saved = loaded.meta, ev.meta
    try:
        assert render_report(ev, targets=targets) == html
    finally:
        ev.meta = saved


def test_evaluate_pdf_without_weasyprint_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "weasyprint", None)   # import now fails
    code = main(["evaluate", str(DATA / "targets.json"), str(DATA / "actuals.csv"),
                 "-o", str(tmp_path / "out"), "--as-of", "2024-01-31", "--pdf"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "错误：生成PDF需要可选组件WeasyPrint，请先安装：pip install 'perfscore[pdf]'"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())   # nothing written


def test_a_batch_with_pdf_without_weasyprint_writes_no_unit(tmp_path, monkeypatch, capsys):
    """The batch refuses --pdf before its first unit (it used to write each unit's tables
    and then fail on its report)."""
    bureau = tmp_path / "bureau"
    bureau.mkdir()
    for name in ("甲.json", "乙.json"):
        shutil.copyfile(DATA / "targets.json", bureau / name)
    monkeypatch.setitem(sys.modules, "weasyprint", None)   # import now fails
    code = main(["evaluate", str(bureau), "-o", str(tmp_path / "out"), "--batch", "--pdf", "--quiet"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "错误：生成PDF需要可选组件WeasyPrint，请先安装：pip install 'perfscore[pdf]'"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*"))


def test_the_two_department_scores_carry_distinct_labels(year):
    """The budget-weighted score (card) and the 部门整体绩效目标 score (its own table)
    are two numbers: each is printed under its own label, never a bare 部门整体得分."""
    ev, _, _, doc = year
    dep = ev.department
    weighted, goals = f"{dep['total']:.2f}", f"{dep['goals']['total']:.2f}"
    assert weighted != goals
    card = doc.xpath('//div[contains(@class, "card-total")]')[0]
    assert _text(card.xpath('div[@class="card-label"]')[0]) == "部门整体得分（项目按预算加权）"
    assert _text(card.xpath('div[@class="card-value"]')[0]) == weighted
    assert f"部门整体绩效目标得分（分项目标）：{goals}" in _text(card)
    foot = _text(doc.xpath('//table[@class="summary"]/tfoot')[0])
    assert foot.startswith("部门整体得分（项目按预算加权）") and weighted in foot
    table = doc.xpath('//section[@id="dept-table"]')[0]
    total_row = table.xpath('.//tr[@class="total-row"]')[0]
    assert _text(total_row.xpath("th")[0]) == "部门整体绩效目标得分（分项目标）"
    assert goals in _text(total_row) and weighted not in _text(total_row)
    toc = _text(doc.xpath('//nav[@class="toc"]//li')[0])
    assert "部门整体绩效目标得分（分项目标）" in toc and goals in toc


def test_findings_print_check_titles_and_the_source_format_in_chinese(year):
    from perfscore.checks import CHECKS

    ev, _, _, doc = year
    ids = {f.check for f in ev.findings}
    assert "hollow-benefit" in ids
    cells = doc.xpath('//table[@class="findings"]/tbody/tr/td[2]')
    assert cells
    for td in cells:
        (code,) = [_text(d) for d in td.xpath('div[@class="check-id"]')] or [None]
        title = _text(td)[: -len(code)] if code else _text(td)
        assert code in CHECKS and title == CHECKS[code].title, _text(td)
    meta = _text(doc.xpath('//table[@class="meta"]')[0])
    assert "格式：文本导出" in meta and "格式：text" not in meta
