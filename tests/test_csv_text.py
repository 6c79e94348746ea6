"""The one CSV writer (perfscore.csvtext) writes what pandas' ``to_csv(index=False,
lineterminator="\\n")`` writes, byte for byte, whatever the cells hold; and a batch block's
rows cut per unit (CsvBlock) are exactly the CSV of those rows alone."""

from __future__ import annotations

import csv
import io
import sys

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import perfscore.csvtext as T
from perfscore.csvtext import CsvBlock, csv_bytes, csv_rows
from perfscore.io import BOM, write_csv


def pandas_text(frame: pd.DataFrame, *, header: bool = True) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, header=header, lineterminator="\n")
    return buf.getvalue()


def assert_same(frame: pd.DataFrame) -> None:
    want = pandas_text(frame)
    assert csv_bytes(frame) == want.encode("utf-8")
    assert csv_bytes(frame, header=False) == pandas_text(frame, header=False).encode("utf-8")
    block = CsvBlock.of(frame)
    assert block.rows(0, len(frame)) == want.encode("utf-8")
    for r0 in range(len(frame) + 1):   # every cut is the CSV of the rows cut
        for r1 in range(r0, len(frame) + 1):
            part = frame.iloc[r0:r1].reset_index(drop=True)
            assert block.rows(r0, r1) == pandas_text(part).encode("utf-8"), (r0, r1)


def text_frame(columns: list[list[str]], names=None) -> pd.DataFrame:
    names = names or [f"c{j}" for j in range(len(columns))]
    return pd.DataFrame({n: np.array(c, dtype=object) for n, c in zip(names, columns)}, columns=names)


def test_every_character_is_quoted_as_csv_writer_quotes_it():
    """One row per code point (surrogates too), alone, between letters and at both ends of
    a cell, with a quote-free neighbour column: exactly the cells csv.writer quotes, on
    this Python (the set changed between versions)."""
    chars = [chr(i) for i in range(sys.maxunicode + 1)]
    frame = text_frame([[c for c in chars], ["a" + c + "b" for c in chars], [c + "x" + c for c in chars]])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(zip(*[frame[c].tolist() for c in frame.columns]))
    head, rows = csv_rows(frame)
    assert head + "\n" + "".join(r + "\n" for r in rows) == buf.getvalue()
    assert {'"', ",", "\n"} <= T._QUOTED


NASTY = ["", " ", " a ", "a,b", 'say "hi"', '"', '""', "a\nb", "a\rb", "\r\n", "\t", "=1+2", "-3", "@x",
         "'", "中文，逗号", "é", "\x00", "\u2028", "😀", ",", "a,", ",a", "nan", "None"]


def test_nasty_cells():
    for cell in NASTY:
        assert_same(text_frame([[cell, "x"], ["y", cell]]))
    assert_same(text_frame([NASTY[:8], NASTY[8:16]]))


def test_nasty_column_names_and_shapes():
    assert_same(text_frame([["a"], ["b"]], names=["a,b", 'q"']))
    assert_same(text_frame([["a"], ["b"]], names=["x\ny", "z"]))        # a header over two lines
    assert_same(text_frame([["a"], ["b"]], names=[1, 2.5]))
    assert_same(text_frame([[], []]))                                   # no rows
    assert_same(text_frame([[""], [""]]))                               # a row of empty cells
    assert_same(text_frame([["", "a"]]))                                # one column: an empty cell is ""
    assert_same(text_frame([["", "a"]], names=[""]))
    assert_same(pd.DataFrame(index=range(3)))                           # no columns
    assert_same(text_frame([["a\nb", "c", "d\r\ne"], ["d", "e", "f"]]))  # rows over two lines


def test_numbers_and_missing_cells_as_pandas_formats_them():
    assert_same(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    assert_same(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None]}))
    assert_same(pd.DataFrame({"a": [0.1 + 0.2, 1e20, -0.0, 5.0, 1e-7], "b": [1e16, 123456789012345678.0, 2.5, 3, 4]}))
    assert_same(pd.DataFrame({"a": [True, False], "b": np.array(["x", 3], dtype=object)}))
    assert_same(pd.DataFrame({"a": pd.Series(["x", None], dtype="str"), "b": ["p", "q"]}))
    assert_same(pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [float("nan")] * 2}))
    assert_same(pd.DataFrame({"a": [np.nan]}))                           # one column, missing: ""
    assert_same(pd.DataFrame({"a": np.array([np.str_("p"), "q,r", None, float("nan"), pd.NA], dtype=object)}))


def test_write_csv_writes_the_bom_and_the_text(tmp_path):
    frame = text_frame([NASTY, NASTY[::-1]], names=["名称", "a b"])
    write_csv(tmp_path / "x.csv", frame)
    assert (tmp_path / "x.csv").read_bytes() == BOM + pandas_text(frame).encode("utf-8")


CELL = st.text(alphabet=st.sampled_from(list('ab中文1,"\'\n\r\t =+-@\x00é😀')), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda k: st.tuples(
    st.lists(CELL, min_size=k, max_size=k),
    st.integers(0, 5).flatmap(lambda n: st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=k, max_size=k)))))
def test_random_text_frames_equal_to_csv(case):
    names, columns = case
    if len(set(names)) < len(names):
        names = [f"{n}{j}" for j, n in enumerate(names)]
    assert_same(text_frame(columns, names=names))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(CELL, st.none(), st.floats(allow_nan=True), st.integers(), st.booleans()),
                min_size=0, max_size=5),
       st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=5, max_size=5))
def test_random_mixed_cells_equal_to_csv(cells, numbers):
    frame = pd.DataFrame({"a": np.array(cells, dtype=object), "b": np.array(["x"] * len(cells), dtype=object),
                          "c": np.array(numbers[:len(cells)], dtype=float)})
    assert_same(frame)
