"""Fast paths of the long-table reader and the batch join against the plain code they
replace (kept here as the reference): label normalisation, 合计 labels, the column
codes of the reader, the join's occurrence numbering, and amounts read once per text."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from perfscore.readers.join import _cumcount, _ids, _per_distinct
from perfscore.readers import longtable as LT
from perfscore.readers.join import join_key
from perfscore.readers.common import is_total_label, norm_label

# Text with what the fast paths must not get wrong: ASCII and not, every kind of white
# space, full-width forms NFKC folds, parentheses and colons of both widths, the 合计 words.
PIECES = ["合计", "小计", "总计", "计", "合 计", "Total", "ＴＯＴＡＬ", "to tal", "sub", "grand", "本页", "数",
          "(", ")", "（", "）", ":", "：", " ", "\t", "\u3000", "\xa0", "\u2028", "\x1c", "\n", "分", "万元",
          "P001", "001", "1,000.5", "ｱ", "Ⅻ", "ﬁ", "①"]
texts = st.lists(st.sampled_from(PIECES), max_size=6).map("".join) | st.text(max_size=12)


def ref_norm_label(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_REF_TOTALS = frozenset({"合计", "小计", "总计", "总合计", "合计数", "本页合计", "total", "subtotal", "grandtotal"})


def ref_is_total_label(text: str) -> bool:
    # the whole reading, without the shortcut for labels with neither 计 nor total
    t = ref_norm_label(str(text)).lower().rstrip(":：")
    if t[:1] in ("(", "（") and t[-1:] in (")", "）"):
        t = t[1:-1]
    t = re.sub(r"[(（].*[)）]$", "", t).rstrip(":：")
    return t in _REF_TOTALS


@settings(max_examples=600, deadline=None)
@given(texts)
def test_norm_label_and_total_labels_as_the_reference(text):
    assert norm_label(text) == ref_norm_label(text)
    assert is_total_label(text) == ref_is_total_label(text)


def test_total_labels_still_found():
    for text in ("合计", "合 计", "小计：", "本页合计", "Total", "ＳＵＢＴＯＴＡＬ", "grand total", "（合计）",
                 "合计(万元)", "总计（分）", "合计（万元）：", "(小计)"):
        assert is_total_label(text), text
    for text in ("合计划", "total score", "P001", "计划完成率"):
        assert not is_total_label(text), text


def ref_col(raw: pd.Series) -> tuple[list, list]:
    """_Col.of as it was: codes into the distinct stripped values, "" first."""
    codes, uniques = pd.factorize(raw, sort=False, use_na_sentinel=True)
    stripped = [""] + ["" if u is None else str(u).strip() for u in uniques]
    recodes, distinct = pd.factorize(np.array(stripped, dtype=object), sort=False)
    return recodes[codes + 1].tolist(), list(distinct)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "a", " a", "a ", "b", "c", "合计", " 合计", "0"]) | st.none(), max_size=15),
       st.booleans())
def test_column_codes_as_the_reference(values, stripped):
    if stripped:  # the common case: nothing to strip (the fast path)
        values = [v.strip() if v is not None else v for v in values]
    raw = pd.Series(values, dtype=object)
    col = LT._Col.of(raw)
    codes, uniques = ref_col(raw)
    assert col.codes.tolist() == codes and col.uniques.tolist() == uniques
    assert col.codes.dtype == np.intp and col.uniques.dtype == object


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=40))
def test_cumcount_as_pandas(pairs):
    g = np.array([p for p, _ in pairs], dtype=np.int64)
    k = np.array([x for _, x in pairs], dtype=np.int64)
    want = pd.DataFrame({"g": g, "k": k}).groupby(["g", "k"], sort=False).cumcount().to_numpy()
    assert _cumcount(g * 4 + k).tolist() == want.tolist()


def test_key_ids_share_ids_across_calls_by_join_key():
    ids: dict[str, int] = {}
    a = _ids(_per_distinct(np.array(["完成 数量", "合格率", "完成数量", "ｘ"], dtype=object), join_key), ids)
    b = _ids(_per_distinct(np.array(["x", "合格率", "新指标"], dtype=object), join_key), ids)
    assert a.tolist() == [0, 1, 0, 2] and b.tolist() == [2, 1, 3]
    assert list(ids) == [join_key("完成数量"), "合格率", "x", "新指标"]


AMOUNTS = """\
单位编码,项目编码,项目名称,预算数,金额单位,一级指标,三级指标,年度指标值
001,P1,甲,100,元,产出指标,数量,≥1个
001,P2,乙,100,万元,产出指标,数量,≥1个
001,P3,丙,100,元,产出指标,数量,≥1个
001,P4,丁,1,000.5,亿元,产出指标,数量,≥1个
001,P5,戊,"1,000.5",亿元,产出指标,数量,≥1个
001,P6,己,,万元,产出指标,数量,≥1个
"""


def test_amounts_read_once_per_text_keep_each_projects_money_unit():
    text = AMOUNTS.replace("001,P4,丁,1,000.5,亿元,产出指标,数量,≥1个\n", "")
    t = LT.read_long_table(text.encode("utf-8"), file="t.csv", kind="csv")
    assert [p.funds.total for p in t.projects] == [100.0, 1_000_000.0, 100.0, 100_050_000_000.0, None]
