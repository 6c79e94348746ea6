"""Number and label formatting for the self-assessment report (自评报告).

Every figure a reader sees goes through here, so the report formats money, rates
and scores one way: money in 万元 with 2 decimals, rates and scores with 2
decimals, rounded half up (the rule of the self-evaluation tables, not Python's
banker's rounding). Missing values print as an em dash, never as ``nan``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

DASH = "—"

# Indicator status (状态) labels.
STATUS_LABELS = {
    "scored": "已评分",
    "not_applicable": "不适用",
    "needs_review": "需复核",
}

# Finding severity (严重程度) labels, most severe first.
SEVERITY_ORDER = ("error", "warn", "info")
SEVERITY_LABELS = {"error": "错误", "warn": "警告", "info": "提示"}

# Grade (自评等级) bands of domain.md §4, best first; used for chart reference lines
# and the legend. The grade itself always comes from the Evaluation.
GRADE_BANDS = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0))
GRADE_CLASSES = {"优": "g-a", "良": "g-b", "中": "g-c", "差": "g-d"}

# Flag ids the engine sets on an indicator, with the words a reader sees. An id
# not listed here is shown as written, so a new flag is never hidden.
FLAG_LABELS = {
    "inferred": "方向为推断",
    "inferred-direction": "方向为推断",
    "overshoot": "超额完成≥130%，指标值可能设置偏低",
    "over-achievement": "超额完成≥130%，指标值可能设置偏低",
    "capped": "执行率超过100%，按100%计",
    "exec-capped": "执行率超过100%，按100%计",
    "exec-low": "执行率低于90%",
    "approx": "实际值为约数",
    "late": "逾期完成",
    "survey-ci": "满意度置信区间下限低于指标值",
    "survey-ci-below": "满意度置信区间下限低于指标值",
    "no-satisfaction": "无满意度指标，已按比例折算",
    "rescaled": "含不适用指标，已按比例折算",
    "explicit-score": "采用单位填报得分",
    "missing-reason": "未达标但未填写偏差原因",
}


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        # pandas.NA raises TypeError on bool(); anything else is a real value.
        return type(value).__name__ in ("NAType", "NaTType")


def fixed(value: object, places: int = 2) -> str:
    """``value`` with ``places`` decimals, rounded half up; a dash when missing."""
    if is_missing(value):
        return DASH
    try:
        number = Decimal(repr(float(value)))  # repr: the shortest exact decimal form
    except (TypeError, ValueError):
        return str(value)
    quantum = Decimal(1).scaleb(-places)
    result = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if result == 0:
        result = abs(result)  # never print "-0.00"
    return f"{result:,.{places}f}"


def wan(yuan: object) -> str:
    """An amount in 元 shown in 万元 with 2 decimals: 562500 → '56.25'."""
    if is_missing(yuan):
        return DASH
    return fixed(float(yuan) / 10000.0)


def pct(fraction: object) -> str:
    """A fraction shown as a percentage: 0.9512 → '95.12%'."""
    if is_missing(fraction):
        return DASH
    return fixed(float(fraction) * 100.0) + "%"


def pct_number(percent: object) -> str:
    """A percent number shown as a percentage: 95.0 → '95.00%'."""
    if is_missing(percent):
        return DASH
    return fixed(percent) + "%"


def text(value: object) -> str:
    """A free-text cell; missing → ''."""
    if is_missing(value):
        return ""
    return str(value).strip()


def flag_list(value: object) -> list[str]:
    """The ';'-joined flag ids of an indicator, in their given order, without blanks."""
    if is_missing(value):
        return []
    return [f.strip() for f in str(value).split(";") if f.strip()]


def flag_label(flag_id: str) -> str:
    return FLAG_LABELS.get(flag_id, flag_id)


def grade_class(grade: object) -> str:
    return GRADE_CLASSES.get(text(grade), "g-none")
