"""The column-wise CSV writer of perfscore.batch.tables (csv_text, csv_bytes, CsvBlock.of)
against the writer it replaces: csv.writer with ``\\n`` line ends, as pandas' to_csv and
the old CsvBlock.of used it. Same text byte for byte, whatever the cells hold; None
(write unit by unit) exactly when the old code gave None."""

from __future__ import annotations

import csv
import io
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfscore.batch.tables as T
from perfscore.batch.tables import CsvBlock, csv_bytes, csv_text


def writer_text(frame: pd.DataFrame, *, header: bool = True) -> str:
    """The reference: csv.writer over the frame's rows (the code csv_text replaced)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow([str(c) for c in frame.columns])
    writer.writerows(zip(*[frame[c].tolist() for c in frame.columns]))
    return buf.getvalue()


def reference_block(frame: pd.DataFrame):
    """CsvBlock.of as it was: csv.writer's bytes, cut after the header; None when a row
    spans lines."""
    data = writer_text(frame).encode("utf-8")
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    if len(ends) != len(frame) + 1:
        return None
    header_end = int(ends[0]) + 1
    starts = np.concatenate(([0], ends[1:] + 1 - header_end)).astype(np.int64)
    return data[:header_end], data[header_end:], starts


def assert_same(frame: pd.DataFrame) -> None:
    want = writer_text(frame)
    got = csv_text(frame)
    if got is not None:
        assert got[0] + got[1] == want
    assert csv_bytes(frame, header=True) == want.encode("utf-8")
    assert csv_bytes(frame, header=False) == writer_text(frame, header=False).encode("utf-8")
    block, ref = CsvBlock.of(frame), reference_block(frame)
    assert (block is None) == (ref is None)
    if block is not None:
        assert (block.header, block.body) == ref[:2]
        assert block.starts.tolist() == ref[2].tolist()


def text_frame(columns: list[list[str]], names=None) -> pd.DataFrame:
    names = names or [f"c{j}" for j in range(len(columns))]
    return pd.DataFrame({n: np.array(c, dtype=object) for n, c in zip(names, columns)}, columns=names)


def test_every_character_is_quoted_as_csv_writer_quotes_it():
    """One row per code point (surrogates too: csv_text works on str), alone, between
    letters and at both ends of a cell, with a quote-free neighbour column: csv_text must
    quote exactly the cells csv.writer quotes, on this Python (the set changed between
    versions)."""
    chars = [chr(i) for i in range(sys.maxunicode + 1)]
    frame = text_frame([[c for c in chars], ["a" + c + "b" for c in chars], [c + "x" + c for c in chars]])
    head, body = csv_text(frame)
    assert head + body == writer_text(frame)
    assert {'"', ",", "\n"} <= T._QUOTED


def test_quoted_characters_match_the_running_csv_writer():
    for c in ',"\r\n\t\x00 \'\x0b\x0c;|':
        quoted = writer_text(text_frame([["a" + c + "b"], ["x"]]), header=False) != "a" + c + "b,x\n"
        assert (c in T._QUOTED) == quoted, repr(c)


NASTY = ["", " ", " a ", "a,b", 'say "hi"', '"', '""', "a\nb", "a\rb", "\r\n", "\t", "=1+2", "-3", "@x",
         "'", "中文，逗号", "é", "\x00", "\u2028", "😀", ",", "a,", ",a", "nan", "None"]


def test_nasty_cells():
    for cell in NASTY:
        assert_same(text_frame([[cell, "x"], ["y", cell]]))
    assert_same(text_frame([NASTY, NASTY[::-1]]))


def test_nasty_column_names_and_shapes():
    assert_same(text_frame([["a"], ["b"]], names=["a,b", 'q"']))
    assert_same(text_frame([["a"], ["b"]], names=["x\ny", "z"]))        # a header over two lines: None
    assert_same(text_frame([["a"], ["b"]], names=[1, 2.5]))
    assert_same(text_frame([[], []]))                                   # no rows
    assert_same(text_frame([[""], [""]]))                               # a row of empty cells
    assert_same(text_frame([["", "a"]]))                                # one column: csv.writer writes ""
    assert_same(pd.DataFrame(index=range(3)))                           # no columns
    assert_same(text_frame([["a\nb", "c"], ["d", "e"]]))                # a row over two lines: None


def test_cells_that_are_not_text_go_through_csv_writer():
    assert_same(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    assert_same(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None]}))
    assert_same(pd.DataFrame({"a": [True, False], "b": np.array(["x", 3], dtype=object)}))
    assert_same(pd.DataFrame({"a": pd.Series(["x", None], dtype="str"), "b": ["p", "q"]}))
    assert csv_text(pd.DataFrame({"a": [1], "b": ["x"]})) is None


def test_pandas_text_columns_and_str_subclasses():
    frame = pd.DataFrame({"a": pd.Series(["x,1", "y"], dtype="str"), "b": np.array([np.str_("p"), "q"], dtype=object)})
    assert csv_text(frame) is not None
    assert_same(frame)


def test_to_csv_writes_the_same_bytes():
    """write_csv (pandas' to_csv) is what a single-unit run writes: the block's text must equal it."""
    frame = text_frame([NASTY, NASTY[::-1], ["=x"] * len(NASTY)], names=["名称", "a b", "c"])
    frame = frame[[not any("\n" in v for v in row) for row in frame.itertuples(index=False)]]
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    head, body = csv_text(frame.reset_index(drop=True))
    assert head + body == buf.getvalue()


CELL = st.text(alphabet=st.sampled_from(list('ab中文1,"\'\n\r\t =+-@\x00é😀')), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda k: st.tuples(
    st.lists(CELL, min_size=k, max_size=k),
    st.integers(0, 6).flatmap(lambda n: st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=k, max_size=k)))))
def test_random_text_frames_equal_csv_writer(case):
    names, columns = case
    if len(set(names)) < len(names):
        names = [f"{n}{j}" for j, n in enumerate(names)]
    assert_same(text_frame(columns, names=names))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(CELL, st.none(), st.floats(allow_nan=True), st.integers(), st.booleans()),
                min_size=0, max_size=6))
def test_random_mixed_cells_equal_csv_writer(cells):
    assert_same(pd.DataFrame({"a": np.array(cells, dtype=object), "b": np.array(["x"] * len(cells), dtype=object)}))


@pytest.mark.parametrize("fast", [True, False])
def test_a_writer_that_quotes_differently_turns_the_fast_path_off(monkeypatch, fast):
    """_FAST guards the column-wise writer's assumptions; with it off csv.writer does all."""
    monkeypatch.setattr(T, "_FAST", fast)
    frame = text_frame([["a,b", "c"], ["d", 'e"']])
    assert (csv_text(frame) is not None) == fast
    assert_same(frame)
