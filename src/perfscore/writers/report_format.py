"""Number and label formatting for the self-assessment report (自评报告).

Every figure a reader sees goes through here, so the report formats money, rates
and scores one way: money in 万元 with 2 decimals, rates and scores with 2
decimals, rounded half up (the rule of the self-evaluation tables, not Python's
banker's rounding). Missing values print as an em dash, never as ``nan``.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal

from perfscore.checks import CHECKS
from perfscore.model import SEVERITY_ZH

DASH = "—"

# Indicator status (状态) labels.
STATUS_LABELS = {
    "scored": "已评分",
    "not_applicable": "不适用",
    "needs_review": "需复核",
}

# Finding severity (严重程度) labels, most severe first.
SEVERITY_ORDER = ("error", "warn", "info")
SEVERITY_LABELS = SEVERITY_ZH  # the report's name for it

# Grade (自评等级) bands of domain.md §4, best first; used for chart reference lines
# and the legend. The grade itself always comes from the Evaluation.
GRADE_BANDS = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0))
GRADE_CLASSES = {"优": "g-a", "良": "g-b", "中": "g-c", "差": "g-d"}

# Indicator flag ids the engine sets (scoring/engine.py), with the words a reader
# sees. An id not listed here is shown as written, so a new flag is never hidden.
# ``missed`` is not listed as a tag: the 未满分 status badge already says it.
FLAG_LABELS = {
    "overshoot": "超额完成30%以上，指标值可能设置偏低（“≤”类为偏高）",
    "overshoot_deducted": "超额完成，按偏差扣分",
    "late": "逾期完成",
    "not_completed": "未完成",
    "grade_below": "等级低于目标",
    "actual_after_as_of": "完成日期晚于评价日期",
    "self_score": "采用单位填报得分",
    "self_score_differs": "填报得分与计算得分不一致",
    "survey_ci_below_target": "满意度95%置信区间下限低于指标值",
    "inferred": "比较方向为推断",
}
HIDDEN_FLAGS = frozenset({"missed"})

# Input formats (meta['sources']['format'], set by perfscore.app.extract) in the words a reader
# uses; an unknown name is shown as written.
FORMAT_LABELS = {
    "text": "文本导出",
    "docx": "Word文档",
    "csv": "长表（CSV）",
    "xlsx": "长表（Excel）",
    "json": "targets.json",
    "doc": "旧版Word文档（.doc）",
    "xls": "旧版Excel工作簿（.xls）",
    "xlsxml": "Excel 2003 XML 工作簿",
    "rtf": "RTF文档",
    "pdf": "PDF",
    "html": "网页",
}


def format_label(name: str) -> str:
    return FORMAT_LABELS.get(name, name)


def check_title(check_id: str) -> str:
    """The Chinese title of a check (检查项) from the checks registry, read only; the id
    itself when the registry does not know it (a finding from elsewhere)."""
    spec = CHECKS.get(check_id)
    return spec.title if spec is not None and spec.title else check_id


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is float:
        return value != value
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
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return _fixed(number, places)


@functools.lru_cache(maxsize=1 << 14)
def _fixed(number: float, places: int) -> str:
    # A report shows the same few hundred weights and scores thousands of times.
    exact = Decimal(repr(number))  # repr: the shortest exact decimal form
    result = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
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
    if type(value) is str:
        return value.strip()
    if is_missing(value):
        return ""
    return str(value).strip()


def flag_list(value: object) -> list[str]:
    """The ';'-joined flag ids of an indicator, in their given order, without
    blanks and without those a status badge already shows."""
    if is_missing(value):
        return []
    return [f.strip() for f in str(value).split(";") if f.strip() and f.strip() not in HIDDEN_FLAGS]


def flag_label(flag_id: str) -> str:
    return FLAG_LABELS.get(flag_id, flag_id)


def grade_class(grade: object) -> str:
    return GRADE_CLASSES.get(text(grade), "g-none")
