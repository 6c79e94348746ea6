"""The report's repeated rows are made in Python (writers/report_rows.py): every value in
them is text, escaped as jinja's autoescape escapes it."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from perfscore.writers import svg
from perfscore.writers.report_format import FLAG_LABELS
from perfscore.writers.report_rows import finding_rows, indicator_rows
from perfscore.writers.report_view import FindingRow, IndicatorRow, ReportCells, _indicator_rows, _records

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


def test_a_frames_cells_are_its_records_column_by_column():
    """report_view.ReportCells: each column the values _records gives the rows, a column the
    frame lacks None in every row (as record.get gives); from records the same."""
    frame = pd.DataFrame({
        "text": [" a ", None, "c"], "f": [1.5, float("nan"), -0.0], "i": np.array([1, 2, 3], dtype=np.int64),
        "b": [True, False, True], "ni": pd.array([1, None, 3], dtype="Int64"),
        "s": pd.array(["x", None, "z"], dtype="string"),
    })
    records = _records(frame)
    for cells in (ReportCells.of_frame(frame), ReportCells.of_records(records)):
        assert len(cells) == 3 and "f" in cells and "missing" not in cells
        for c in frame.columns:
            got, want = cells[c], [r[c] for r in records]
            assert [type(g) for g in got] == [type(w) for w in want], c
            assert all(g == w or (isinstance(g, float) and math.isnan(g) and math.isnan(w)) for g, w in zip(got, want)), c
        assert cells["missing"] == [None, None, None]
    assert len(ReportCells.of_frame(frame.iloc[:0])) == 0 and ReportCells.of_frame(None)["text"] == []


def test_a_part_of_the_cells_is_the_cells_of_those_rows():
    """ReportCells.part (a batch unit's rows of its block's cells): every column, its numbers
    and its texts are those of the cells of the rows alone, whichever is asked first, and the
    indicator rows made from a part are the rows made from those rows alone."""
    frame = _indicator_frame()
    for start, stop in ((0, 5), (0, 3), (3, 5), (2, 2), (1, 4)):
        block = ReportCells.of_frame(frame)
        block.texts("level3")                   # some columns converted before the part is cut
        part, alone = block.part(start, stop), ReportCells.of_frame(frame.iloc[start:stop].reset_index(drop=True))
        assert len(part) == stop - start
        for c in list(frame.columns) + ["missing"]:
            assert (c in part) == (c in frame.columns)
            assert part.texts(c) == alone.texts(c) and len(part.texts(c)) == stop - start, c
            assert all(g == w or g != g and w != w for g, w in zip(part[c], alone[c], strict=True)), c
        for c in ("weight", "score", "ci_low"):
            assert part.floats(c) == alone.floats(c), c
        if stop > start:
            groups = [list(range(stop - start))]
            assert _indicator_rows(block.part(start, stop), groups) == _indicator_rows(alone, groups)
    with pytest.raises(ValueError):
        ReportCells.of_frame(frame).part(3, 6)
    with pytest.raises(ValueError):
        ReportCells.of_frame(frame).part(4, 3)


def _indicator_frame() -> pd.DataFrame:
    # two projects one after the other, the first ending and the second starting with
    # 产出指标 · 数量指标: the merged cells must end where each project's table ends
    return pd.DataFrame({
        "level1": ["效益指标", "产出指标", "产出指标", "产出指标", "产出指标"],
        "level2": ["社会效益指标", "数量指标", "数量指标", "数量指标", "质量指标"],
        "level3": ["知晓率", "培训人次", " 宣传次数 ", "巡查次数", "合格率"],
        "target": ["≥90%", "≥100人次", "≥4次", "≥12次", "100%"],
        "target_canonical": ["≥0.9", "≥100人次", "≥ 4 次", "", "=100%"],
        "actual": ["92%", "120人次", "3次", "", "100%"],
        "actual_reading": ["92%", "120 人次", "3次", "", "100%"],
        "status": ["scored", "scored", "scored", "", "not_applicable"],
        "weight": [10.0, 10.0, 5.0, 8.0, float("nan")],
        "score": [10.0, 10.0, 3.75, float("nan"), float("nan")],
        "flags": ["", "", "overshoot;", "", ""],
        "inferred": [False, False, True, False, False],
        "ci_low": [86.5, float("nan"), float("nan"), float("nan"), float("nan")],
        "ci_high": [95.25, float("nan"), float("nan"), float("nan"), 99.0],
        "arithmetic": ["", "", "3 ÷ 4 × 5", "", ""],
    })


def test_indicator_rows_are_worked_out_per_project():
    first, second = _indicator_rows(ReportCells.of_frame(_indicator_frame()), [[0, 1, 2], [3, 4]])
    assert [(r.level1_span, r.level2_span) for r in first] == [(1, 1), (2, 2), (0, 0)]
    assert [(r.level1_span, r.level2_span) for r in second] == [(2, 1), (0, 1)]
    c, a, b = first
    assert (a.level3, b.level3) == ("培训人次", "宣传次数")
    # a reading is shown only where it says more than the print (spaces aside)
    assert (a.target_reading, b.target_reading, c.target_reading) == ("", "", "≥0.9")
    assert (a.actual_reading, b.actual_reading) == ("", "")
    assert (a.missed, b.missed, c.missed) == (False, True, False)
    assert (b.weight, b.score) == ("5.00", "3.75")
    # the flags in their order, with 推断 (the inferred column) last, each by its label
    assert b.flags == [FLAG_LABELS["overshoot"], FLAG_LABELS["inferred"]] and a.flags == []
    # a survey's interval when both ends are known; one end alone is not shown
    assert c.actual_reading == "92%；95%置信区间 86.50%–95.25%"
    blank, na = second
    assert blank.status == "needs_review" and blank.score == "—" and blank.weight == "8.00"
    assert na.status == "not_applicable" and na.actual_reading == "" and na.weight == "—"


def test_indicator_rows_of_a_project_without_rows():
    assert _indicator_rows(ReportCells.of_frame(_indicator_frame()), [[], [4]])[0] == []


@given(st.text(alphabet=st.sampled_from(list("社区工作经费ab1 （）-…ＡＢ")), max_size=40),
       st.floats(min_value=0, max_value=400))
@settings(max_examples=300, deadline=None)
def test_a_shortened_label_is_the_longest_start_that_fits(label, max_width):
    """svg.shorten: the label itself when it fits; else the longest start of it that fits
    with the '…' (as text_width measures it), the next character not fitting."""
    got = svg.shorten(label, max_width)
    if svg.text_width(label) <= max_width:
        assert got == label
        return
    start = got[:-1]
    assert got.endswith("…") and label.startswith(start) and len(start) < len(label)
    assert start == "" or svg.text_width(got) <= max_width
    assert svg.text_width(label[:len(start) + 1] + "…") > max_width
