"""Traditional characters from mirrored pages read as simplified; simplified text and
everything that is not Chinese pass through unchanged."""

from __future__ import annotations

import pytest

from perfscore.values.simplified import to_simplified


@pytest.mark.parametrize(("printed", "read"), [
    ("≤5萬元", "≤5万元"),
    ("優", "优"),
    ("年度預算數", "年度预算数"),
    ("項目支出績效目標表", "项目支出绩效目标表"),
    ("服務對象滿意度指標", "服务对象满意度指标"),
    ("≥95％", "≥95％"),        # full-width signs are the value grammar's business, not this
])
def test_traditional_reads_as_simplified(printed, read):
    assert to_simplified(printed) == read


@pytest.mark.parametrize("text", ["绩效目标表", "≥100个", "2023年底前完成", "", "abc 1/3", "优良"])
def test_simplified_and_ascii_unchanged(text):
    assert to_simplified(text) == text
