"""The report's repeated rows are made in Python (writers/report_rows.py): every value in
them is text, escaped as jinja's autoescape escapes it."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from lxml import html as lxml_html

from perfscore.writers.report_rows import finding_rows, indicator_rows
from perfscore.writers.report_view import FindingRow, IndicatorRow, _records

HOSTILE = "<b>\"A&B\"</b> 'x'"


def _row(**changes) -> IndicatorRow:
    row = IndicatorRow(level1="产出指标", level2="数量指标", level3="培训人次", level1_span=2, level2_span=1,
                       target="≥100人次", target_reading="", actual="120人次", actual_reading="", weight="10.00",
                       score="10.00", status="scored", status_label="已评分", arithmetic="120 ≥ 100，得满分",
                       review_reason="", flags=[], reason="", evidence="", missed=False)
    return dataclasses.replace(row, **changes)


def _cells(markup: str) -> list[list[str]]:
    table = lxml_html.fromstring(f"<table><tbody>{markup}</tbody></table>")
    return [[td.text_content() for td in tr.xpath("td")] for tr in table.xpath(".//tr")]


def test_every_cell_is_escaped_text():
    fields = ("level1", "level2", "level3", "target", "target_reading", "actual", "actual_reading", "weight",
              "score", "arithmetic", "reason", "evidence")
    markup = str(indicator_rows([_row(**{f: HOSTILE for f in fields}, flags=[HOSTILE])]))
    assert "<b>" not in markup
    # markupsafe's escapes, the ones the template's autoescape writes
    assert "&lt;b&gt;&#34;A&amp;B&#34;&lt;/b&gt; &#39;x&#39;" in markup
    cells = _cells(markup)[0]
    assert cells[0] == cells[1] == cells[2] == HOSTILE
    assert cells[3] == f"{HOSTILE}解读：{HOSTILE}"
    assert cells[5] == cells[6] == HOSTILE
    assert cells[8] == HOSTILE + HOSTILE     # the arithmetic, then its flag
    assert cells[9] == f"{HOSTILE}佐证材料：{HOSTILE}"


def test_spans_and_covered_cells():
    rows = [_row(), _row(level1_span=0, level2="质量指标", level3="第二行"),
            _row(level1_span=0, level2_span=0, level3="第三行")]
    first, second, third = _cells(str(indicator_rows(rows)))
    # the 一级 cell spans the rows below it; the 二级 cell is left out where it is covered
    assert len(first) == 10 and len(second) == 9 and len(third) == 8
    assert second[0] == "质量指标" and second[1] == "第二行" and third[0] == "第三行"


def test_status_cells():
    review = _cells(str(indicator_rows([_row(status="needs_review", review_reason="", arithmetic="")])))[0]
    assert review[7] == "需复核" and review[8] == "需复核：原因未说明"
    na = _cells(str(indicator_rows([_row(status="not_applicable", arithmetic="")])))[0]
    assert na[7] == "不适用" and na[8] == "不适用，不计分值，总分按适用分值折算"
    missed = _cells(str(indicator_rows([_row(missed=True, score="5.00")])))[0]
    assert missed[7] == "未满分"
    assert _cells(str(indicator_rows([_row()])))[0][7] == "已评分"


def test_an_empty_table_says_so():
    assert _cells(str(indicator_rows([]))) == [["没有绩效指标。"]]


def test_finding_rows():
    row = FindingRow(severity="warn", check=HOSTILE, check_id="cost-budget", message=HOSTILE, project="P&1",
                     indicator="<i>", source="B3")
    cells = _cells(str(finding_rows([row], show_project=True, show_source=True)))[0]
    assert cells == ["警告", HOSTILE + "cost-budget", "P&1", "<i>", HOSTILE, "B3"]
    cells = _cells(str(finding_rows([row], show_project=False, show_source=False)))[0]
    assert cells == ["警告", HOSTILE + "cost-budget", "<i>", HOSTILE]
    same = dataclasses.replace(row, check="cost-budget")
    assert _cells(str(finding_rows([same], show_project=False, show_source=False)))[0][1] == "cost-budget"


def test_a_frames_records_are_its_cells_as_python_values():
    """report_view._records: each row a dict of Python values (numpy scalars unwrapped as
    Series.tolist unwraps them, a missing extension cell None, NaN kept)."""
    frame = pd.DataFrame({
        "text": ["a", None, "c"], "f": [1.5, float("nan"), -0.0], "i": np.array([1, 2, 3], dtype=np.int64),
        "b": [True, False, True], "ni": pd.array([1, None, 3], dtype="Int64"),
        "s": pd.array(["x", None, "z"], dtype="string"),
    })
    rows = _records(frame)
    want = [{c: (None if v is pd.NA else v) for c, v in zip(frame.columns, cells)}
            for cells in zip(*[frame[c].tolist() for c in frame.columns])]
    assert [list(r) for r in rows] == [list(w) for w in want]
    for got, exp in zip(rows, want):
        for c in frame.columns:
            g, e = got[c], exp[c]
            assert type(g) is type(e) and (g == e or (isinstance(g, float) and math.isnan(g) and math.isnan(e))), c
    assert type(rows[0]["i"]) is int and type(rows[0]["b"]) is bool and rows[1]["ni"] is None
    assert _records(frame.iloc[:0]) == [] and _records(None) == []
