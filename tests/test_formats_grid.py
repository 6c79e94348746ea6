"""The grid model: merged cells once, with the slots they cover."""

from __future__ import annotations

import pytest

from perfscore.readers.grid import Cell, Document, Table, Text, table_from_rows


def _sample() -> Table:
    # 一级 merged over 2 rows, a header merged over 2 columns
    return table_from_rows(
        [
            [Cell("二级", 1, 1), Cell("指标", 0, 1, colspan=2), Cell("一级", 0, 0, rowspan=3)],
            [Cell("三级", 1, 2)],
            [Cell("数量", 2, 1), Cell("≥95%", 2, 2)],
        ],
        where="第1个表格",
    )


def test_cells_sorted_and_sized():
    t = _sample()
    assert [(c.row, c.col) for c in t.cells] == [(0, 0), (0, 1), (1, 1), (1, 2), (2, 1), (2, 2)]
    assert (t.n_rows, t.n_cols) == (3, 3)


def test_at_returns_the_covering_cell():
    t = _sample()
    assert t.at(2, 0).text == "一级"
    assert t.at(0, 2).text == "指标"
    assert t.at(0, 2) is t.at(0, 1)
    assert t.at(3, 0) is None
    assert t.at(0, 5) is None


def test_grid_repeats_a_merged_cell_in_every_slot():
    assert _sample().grid() == [["一级", "指标", "指标"], ["一级", "二级", "三级"], ["一级", "数量", "≥95%"]]


def test_row_texts_once_each():
    t = _sample()
    assert t.row_texts(0) == ["一级", "指标"]
    assert t.row_texts(2) == ["一级", "数量", "≥95%"]
    assert [c.col for c in t.row_cells(1)] == [0, 1, 2]


def test_overlapping_merge_keeps_the_first_cell():
    t = table_from_rows([[Cell("a", 0, 0, colspan=2), Cell("b", 0, 1)]], where="x")
    assert [c.text for c in t.cells] == ["a"]
    assert t.grid() == [["a", "a"]]


def test_missing_slots_are_empty_text():
    t = table_from_rows([[Cell("a", 0, 0), Cell("b", 1, 2)]], where="x")
    assert t.grid() == [["a", "", ""], ["", "", "b"]]
    assert t.at(1, 1) is None


def test_equality_and_hash_ignore_the_index():
    a, b = _sample(), _sample()
    assert a == b and hash(a) == hash(b)
    d = Document(blocks=(Text("标题", "第1段"), a), name="x.docx", format="docx")
    assert d.tables() == [a]


def test_frozen():
    with pytest.raises(AttributeError):
        _sample().where = "y"  # type: ignore[misc]
