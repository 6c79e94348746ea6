"""Column parsing gives, row for row, what parsing each row on its own gives."""

from __future__ import annotations

import pytest

from perfscore.values import parse_actual, parse_actuals, parse_target, parse_targets

TEXTS = ["≥95%", "50", "2%", "46875元/月", "6月底前", "上半年", "优", None, float("nan"), "50", "2%", "6月底前",
         "每季度1次", "*", "", "50", "2023年底前完成", "100"]
LEVEL1 = ["产出指标", "产出指标", "效益指标", "产出指标", "产出指标", "产出指标", "效益指标", None, None, "成本指标",
          "效益指标", "产出指标", "效益指标", None, None, "产出指标", "产出指标", None]
LEVEL2 = ["质量指标", "成本指标", "可持续影响指标", "成本指标", "时效指标", "时效指标", "社会效益指标", None, None,
          "经济成本指标", "社会效益指标", "时效指标", "可持续影响指标", None, None, "数量指标", "时效指标", None]
LEVEL3 = ["合格率", "成本", "预算调整率", "办公成本", "完成时限", "完成时限", "影响", None, None, "总成本",
          "群众投诉率", "完成时限", "发放时间", None, None, "宣传品数量", "完成时限", "事故处置率"]
YEARS = [2023, 2023, 2023, 2023, 2023, 2024, 2023, 2023, 2023, 2023, 2023, None, 2023, 2023, 2023, 2023, 2022, 2023]


def test_columns_match_row_by_row_parsing():
    got = parse_targets(TEXTS, LEVEL1, LEVEL2, LEVEL3, YEARS)
    want = [parse_target(t, level1=a, level2=b, level3=c, year=y)
            for t, a, b, c, y in zip(TEXTS, LEVEL1, LEVEL2, LEVEL3, YEARS)]
    assert got == want
    # the context really mattered: the same string reads differently in different rows
    assert [got[i].op for i in (1, 9, 15)] == ["<=", "<=", ">="]
    assert [got[i].deadline for i in (4, 5, 11)] == ["2023-06-30", "2024-06-30", None]
    assert got[7].kind == got[8].kind == "unreadable" and got[7].reason == "指标值为空"


def test_scalar_context_applies_to_every_row():
    got = parse_targets(["50", "6月底前", "≥1个"], level2s="成本指标", year=2023)
    assert [t.op for t in got] == ["<=", None, ">="]
    assert got[1].deadline == "2023-06-30"


def test_columns_of_unequal_length_are_refused():
    with pytest.raises(ValueError):
        parse_targets(["50", "60"], level2s=["成本指标"])


def test_unhashable_cells_still_parse():
    got = parse_targets(["≥95%", ["≥1个"]])
    assert got[0].value == 95.0 and got[1].kind == "unreadable"


def test_actual_columns_match_row_by_row_parsing():
    targets = parse_targets(["≥95%", "≤46875元/月", "优", "≥95%", "每季度1次"])
    actuals = ["0.96", "4.6万元", "良", "96/100", "3次"]
    assert parse_actuals(actuals, targets) == [parse_actual(a, t) for a, t in zip(actuals, targets)]
    assert [a.kind for a in parse_actuals(["96%", None, "*"], targets[0])] == ["number", "empty", "unreadable"]


def test_numeric_cells_and_numpy_scalars():
    import numpy as np

    got = parse_targets([95, 0.5, "6月底前"], level3s=["合格率", "差错率", "完成时限"], year=np.int64(2023))
    assert (got[0].value, got[0].op) == (95.0, ">=")
    assert (got[1].value, got[1].op) == (0.5, "<=")
    assert got[2].deadline == "2023-06-30"
    assert got == [parse_target(t, level3=l3, year=2023) for t, l3 in zip([95, 0.5, "6月底前"],
                                                                         ["合格率", "差错率", "完成时限"])]
