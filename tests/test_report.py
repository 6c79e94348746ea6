"""The HTML report: structure, content, escaping, self-containment, determinism.

Built on the hand-made Evaluation of ``test_report_sample`` (every status, flag and
severity); the sample year's real evaluation is covered in test_report_sample_year.
"""

from __future__ import annotations

import re
import sys

import lxml.html
import pandas as pd
import pytest

from perfscore.errors import UsageError
from perfscore.scoring.evaluation import Evaluation
from perfscore.writers.html import render_report, write_report
from test_report_sample import SCRIPT_NAME, sample_evaluation, sample_targets


@pytest.fixture(scope="module")
def html() -> str:
    return render_report(sample_evaluation(), targets=sample_targets())


@pytest.fixture(scope="module")
def doc(html):
    return lxml.html.fromstring(html)


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.text_content()).strip()


def _section(doc, project_code: str):
    """The project's 自评表 section, found by the 项目编码 it prints."""
    for sec in doc.xpath('//section[@class="project"]'):
        code_cells = sec.xpath('.//table[@class="form"]//tr[th="项目编码"]/td[1]')
        if code_cells and _text(code_cells[0]) == project_code:
            return sec
    raise AssertionError(f"no section for {project_code}")


def _indicator_rows(section) -> dict[str, object]:
    """level3 → the row of the indicator table."""
    rows = {}
    for tr in section.xpath('.//table[@class="indicators"]/tbody/tr[td[@class="l3"]]'):
        rows[_text(tr.xpath('td[@class="l3"]')[0])] = tr
    return rows


def _cells_after_l3(tr) -> list[str]:
    """Cells from 三级指标 on: level3, target, actual, weight, score, status, arithmetic, reason."""
    cells = tr.xpath("td")
    start = [i for i, c in enumerate(cells) if c.get("class") == "l3"][0]
    return [_text(c) for c in cells[start:]]


def test_every_project_and_indicator_appears_with_its_score(doc):
    ev = sample_evaluation()
    for p in ev.projects.itertuples():
        sec = _section(doc, p.project_code)
        name_cell = sec.xpath('.//table[@class="form"]//tr[th="项目名称"]/td')[0]
        assert _text(name_cell) == p.project_name
        rows = _indicator_rows(sec)
        expected = ev.indicators[ev.indicators["project_code"] == p.project_code]
        assert len(rows) == len(expected)
        for ind in expected.itertuples():
            cells = _cells_after_l3(rows[ind.level3])
            assert cells[1].startswith(ind.target)
            assert cells[3] == f"{ind.weight:.2f}"
            assert cells[4] == (f"{ind.score:.2f}" if ind.status == "scored" else "—")
        total_row = sec.xpath('.//tr[@class="total-row"]')[0]
        assert f"{p.total:.2f}" in _text(total_row)
        assert p.grade in _text(total_row)


def test_department_page_summary(doc):
    ev = sample_evaluation()
    cards = _text(doc.xpath('//div[@class="cards"]')[0])
    assert "76.58" in cards and "自评等级：中" in cards
    # 2,118,700 元 = 211.87 万元; 1,898,500 ÷ 2,118,700 = 89.607 % → 89.61 %.
    assert "211.87" in cards and "89.61%" in cards
    summary = doc.xpath('//table[@class="summary"]')[0]
    body_rows = summary.xpath("tbody/tr")
    assert len(body_rows) == len(ev.projects)
    header = [_text(th) for th in summary.xpath("thead/tr/th")]
    assert header[-4:] == ["总分", "等级", "未满分", "需复核"]
    for block in ev.blocks:
        assert block in header
    # 社区工作经费: 140.00 万元 budget, 117.60 executed, 84.00 %, 1 needing review.
    third = [_text(td) for td in body_rows[2].xpath("td")]
    assert third[2:5] == ["140.00", "117.60", "84.00%"]
    # A needs-review row makes the total provisional (暂定).
    assert third[-4:] == ["65.37暂定", "中", "2", "1"]
    assert body_rows[2].get("class") == "has-review"
    first = [_text(td) for td in body_rows[0].xpath("td")]
    assert first[-4:] == ["100.00", "优", "0", "0"]


def test_meta_shown(doc):
    meta = _text(doc.xpath('//table[@class="meta"]')[0])
    for value in ("测试街道办事处", "435001", "2023", "2024-01-15", "mof-2020", "actuals.csv"):
        assert value in meta


def test_charts_are_inline_svg_with_every_project_and_block(doc):
    charts = doc.xpath('//div[@class="charts"]//svg[@class="chart"]')
    assert len(charts) == 3
    totals, blocks, monitoring = (_text(c) for c in charts)
    for name in ("街道体制经费", "社区工作经费"):
        assert name in totals
    assert "65.37 中" in totals
    for label in ("预算执行", "产出指标", "效益指标", "满意度指标"):
        assert label in blocks
    # 产出指标 over scored indicators: (25+25+18.75+25+17.5) / (25+25+25+25+25) = 89 %.
    assert "89.00%（111.25 / 125.00）" in blocks
    for checkpoint in ("3月底", "6月底", "10月底", "12月底"):
        assert checkpoint in monitoring


def test_execution_and_total_arithmetic_are_visible(doc):
    p3 = _text(_section(doc, "P003"))
    assert "117.60 ÷ 140.00 = 84.00%" in p3
    assert "10.00 × 84.00% = 8.40" in p3
    assert "预算执行 8.40 + 产出指标 17.50 + 效益指标 30.00 + 满意度指标 9.47 = 65.37" in p3
    assert "年中追加预算20万元" in p3          # the execution row's reason
    # The N/A project is re-scaled: 78.75 of 85 applicable points → 92.65.
    p2 = _text(_section(doc, "P002"))
    assert "得分合计 78.75 ÷ 适用分值合计 85.00 × 100 = 92.65" in p2
    assert "执行率超过100%，按100%计" in p2
    # The indicator's own arithmetic is printed beside its score.
    row = _indicator_rows(_section(doc, "P002"))["消杀次数"]
    assert "25.00 × 3 ÷ 4 = 18.75" in _text(row)


def test_funds_rows_of_the_official_table(doc):
    form = _section(doc, "P002").xpath('.//table[@class="form"]')[0]
    head = [_text(th) for th in form.xpath('.//tr[th="年初预算数"]/th')]
    assert head[-6:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    total = [_text(td) for td in form.xpath('.//tr[th="年度资金总额"]/td')]
    assert total == ["15.62", "15.62", "16.00", "10.00", "102.43%", "10.00"]
    fiscal = [_text(td) for td in form.xpath('.//tr[th="其中：财政资金"]/td')]
    assert fiscal[0] == "10.00"
    goals = _text(form.xpath('.//tr[td[@class="goals"]]')[0])
    assert "做好<em>防疫</em>消杀工作" in goals


def test_statuses_and_flags_are_marked_in_words_not_colour_alone(doc):
    rows = _indicator_rows(_section(doc, "P003"))
    review = rows["培训人次"]
    assert "st-needs-review" in review.get("class")
    status_cell = review.xpath('td[@class="status"]')[0]
    assert "需复核" in _text(status_cell)
    assert status_cell.xpath(".//svg")            # the icon
    assert "需复核：未填写实际完成值" in _text(review)
    banner = _section(doc, "P003").xpath('.//p[@class="review-banner"]')
    assert banner and "1 项指标需复核" in _text(banner[0])

    p2 = _indicator_rows(_section(doc, "P002"))
    na = p2["带动收入"]
    assert "st-not-applicable" in na.get("class") and "不适用" in _text(na.xpath('td[@class="status"]')[0])
    assert "未满分" in _text(p2["消杀次数"].xpath('td[@class="status"]')[0])
    assert "方向为推断" in _text(p2["单次成本"])
    assert "指标值可能设置偏低" in _text(p2["覆盖人数"])
    # Projects without review rows carry no banner.
    assert not _section(doc, "P001").xpath('.//p[@class="review-banner"]')


def test_unknown_flag_is_shown_as_written():
    ev = sample_evaluation()
    ev.indicators.loc[0, "flags"] = "brand-new-flag"
    doc = lxml.html.fromstring(render_report(ev))
    row = _indicator_rows(_section(doc, "P001"))["宣传品数量"]
    assert "brand-new-flag" in _text(row)


def test_findings_grouped_by_severity(doc):
    heads = [_text(h) for h in doc.xpath('//section[@id="department"]//h3[contains(@class, "sev-head")]')]
    assert heads == ["错误（1项）", "警告（2项）", "提示（1项）"]
    # Each project lists its own findings too.
    p3 = _text(_section(doc, "P003"))
    assert "执行率84.00%低于90%" in p3 and "actuals.csv:第7行" in p3


def test_no_external_resource(html):
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?//""", html)
    assert "@import" not in html and "url(" not in html
    assert "<link" not in html.lower()
    # Every link is an anchor inside the page.
    doc = lxml.html.fromstring(html)
    hrefs = doc.xpath("//@href")
    assert hrefs and all(h.startswith("#") for h in hrefs)
    anchors = {e.get("id") for e in doc.xpath("//*[@id]")}
    assert {h[1:] for h in hrefs} <= anchors
    assert not doc.xpath("//@src")


def test_markup_in_data_is_text(html, doc):
    assert "<script" not in html.lower()      # the report has no script of its own either
    assert not doc.xpath("//script")
    assert "&lt;script&gt;" in html
    assert not doc.xpath("//b[. = '加粗']") and not doc.xpath("//em[. = '防疫']")
    assert not doc.xpath("//i[. = '未填写']")
    # …and the name reads correctly, as text, everywhere it appears.
    assert _text(_section(doc, "P002").xpath('.//tr[th="项目名称"]/td')[0]) == SCRIPT_NAME
    svg_text = _text(doc.xpath('//svg[@class="chart"]')[0])
    assert "<script>alert" in svg_text


def test_report_is_deterministic(tmp_path):
    ev, targets = sample_evaluation(), sample_targets()
    first = render_report(ev, targets=targets)
    assert render_report(sample_evaluation(), targets=sample_targets()) == first
    a = write_report(ev, tmp_path / "a", targets=targets)
    b = write_report(ev, tmp_path / "b", targets=targets)
    assert [p.name for p in a] == ["report.html"]
    assert a[0].read_bytes() == b[0].read_bytes() == first.encode("utf-8")
    assert str(tmp_path) not in first


def test_date_comes_from_meta():
    ev = sample_evaluation()
    ev.meta["as_of"] = "2024-03-31"
    html = render_report(ev)
    assert "2024-03-31" in html and "2024-01-15" not in html


def test_without_targets_the_missing_parts_say_so():
    doc = lxml.html.fromstring(render_report(sample_evaluation()))
    form = _section(doc, "P001").xpath('.//table[@class="form"]')[0]
    assert [_text(td) for td in form.xpath('.//tr[th="年度资金总额"]/td')][0] == "—"
    assert "未提供绩效目标表" in _text(form)
    # The generated 实际完成情况 is labelled as generated.
    assert "由 perfscore 按指标完成情况汇总" in _text(form)
    assert "共4项绩效指标：4项达到指标值（满分），0项未满分。" in _text(form)


def test_goals_actual_written_by_the_unit_wins():
    ev = sample_evaluation()
    ev.projects["goals_actual"] = ["全年宣传品发放120个", "", ""]
    doc = lxml.html.fromstring(render_report(ev))
    form = _text(_section(doc, "P001").xpath('.//table[@class="form"]')[0])
    assert "全年宣传品发放120个" in form and "由 perfscore" not in form


def test_monitoring_table_marks_lag_and_lead(doc):
    p2 = _section(doc, "P002")
    rows = [[_text(td) for td in tr.xpath("td")] for tr in p2.xpath('.//table[@class="monitor"]/tbody/tr')]
    assert rows[1] == ["6月底", "50.00%", "40.00%", "滞后 10.00%"]
    assert rows[3] == ["12月底", "100.00%", "102.40%", "超前 2.40%"]
    lagging = p2.xpath('.//table[@class="monitor"]/tbody/tr[@class="lagging"]')
    assert len(lagging) == 3


def test_previous_year_comparison():
    ev, prev = sample_evaluation(), sample_evaluation()
    prev.meta["year"] = 2022
    prev.projects["project_name"] = ["2022年街道体制经费", SCRIPT_NAME, "社区工作经费"]
    prev.projects["total"] = [95.0, 92.65, 50.0]
    html = render_report(ev, previous=prev)
    doc = lxml.html.fromstring(html)
    section = doc.xpath('//section[@id="comparison"]')
    assert section, "the comparison section is missing"
    text = _text(section[0])
    assert "2022年 / 2023年" in text
    # Last year's totals are there; the data stays text and the page self-contained.
    for total in ("95.00", "92.65", "50.00"):
        assert total in text
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
    assert ".cmp-steps" in doc.xpath("//style")[0].text
    # Without a previous year, no section.
    assert not lxml.html.fromstring(render_report(ev)).xpath('//section[@id="comparison"]')


def test_many_projects_get_a_histogram_not_a_thousand_bars():
    ev = sample_evaluation()
    many = pd.concat([ev.projects] * 20, ignore_index=True)
    many["project_code"] = [f"X{i:03d}" for i in range(len(many))]
    ev.projects = many
    doc = lxml.html.fromstring(render_report(ev))
    totals = doc.xpath('//div[@class="charts"]//svg[@class="chart"]')[0]
    assert "项目总分分布" in _text(totals)
    assert len(doc.xpath('//section[@class="project"]')) == 60
    # 20 of each of 100.00, 92.65 (both in 90–100) and 65.37 (60–70).
    columns = [_text(t) for t in totals.xpath(".//rect/title")]
    assert "项目数 90–100：40" in columns and "项目数 60–70：20" in columns
    assert "项目数 80–90：0" in columns


def test_empty_evaluation_renders():
    from perfscore.scoring.evaluation import INDICATOR_COLUMNS, PROJECT_COLUMNS

    ev = Evaluation(meta={"year": 2023, "as_of": "2024-01-01"},
                    indicators=pd.DataFrame(columns=INDICATOR_COLUMNS),
                    projects=pd.DataFrame(columns=PROJECT_COLUMNS))
    doc = lxml.html.fromstring(render_report(ev))
    assert not doc.xpath('//section[@class="project"]')
    assert "未发现问题" in _text(doc)


def test_pdf_without_weasyprint_is_a_one_line_usage_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)   # import now fails
    with pytest.raises(UsageError) as info:
        write_report(sample_evaluation(), tmp_path, pdf=True)
    message = info.value.render()
    assert "pip install 'perfscore[pdf]'" in message
    assert "\n" not in message
    assert not list(tmp_path.iterdir())    # nothing half-written


def test_a_check_unknown_to_the_registry_is_shown_by_its_id(doc):
    """deadline-year is registered: its title shows, the id small beneath; the sample's
    made-up ids (exec-low) are not: they show as written, once."""
    cells = {_text(td) for td in doc.xpath('//section[@id="department"]//table[@class="findings"]/tbody/tr/td[2]')}
    assert "完成期限不在项目年度内deadline-year" in cells
    assert "exec-low" in cells


@pytest.mark.parametrize("fmt, shown", [("text", "文本导出"), ("docx", "Word文档"), ("csv", "长表（CSV）"),
                                        ("xlsx", "长表（Excel）"), ("odd", "odd")])
def test_source_format_is_named_in_chinese(fmt, shown):
    ev = sample_evaluation()
    ev.meta["sources"] = {**ev.meta["sources"], "format": fmt}
    doc = lxml.html.fromstring(render_report(ev))
    meta = _text(doc.xpath('//table[@class="meta"]')[0])
    assert f"格式：{shown}" in meta
