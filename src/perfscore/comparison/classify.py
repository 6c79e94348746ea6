"""Classification of one indicator from one year to the next (提高 / 降低 / 未变 /
单位或类型改变 / 表述改变), on parsed targets in comparable units, and the flags
(提示) that need both years.
"""

from __future__ import annotations

import calendar
from datetime import date

from perfscore.comparison.matching import normalize
from perfscore.comparison.model import (
    Change,
    IndicatorStep,
    IndicatorView,
    _close,
)
from perfscore.values import units
from perfscore.values.types import Target

# A cost target is flagged when its relative rise exceeds the budget's by more than this
# (relative), which leaves room for amounts rounded to the cent: the seed's
# 56.25万元 → 67.00万元 with 46875 → 55833.34 元/月 rises by the same 19.11 %.
COST_TOLERANCE = 0.01

_GE, _LE, _EQ = ("≥", "≤", "=")
_SENSE = {">=": _GE, ">": _GE, "<=": _LE, "<": _LE, "=": _EQ}

# Per-period denominators that convert exactly to a year (元/月 ↔ 元/年).
_PER_YEAR = {"月": 12.0, "季度": 4.0, "季": 4.0, "半年": 2.0, "年": 1.0}


def _unit_factor(src: Target, dst: Target) -> float | None:
    """Factor turning a value in ``src``'s unit into ``dst``'s; None when not comparable.

    Units convert only inside their dimension (元 ↔ 万元, % ↔ ‰, 公里 ↔ 米), by the
    grammar's own unit table; the per-denominators must agree or convert by period.
    """
    if src.unit is None or dst.unit is None:
        if src.unit != dst.unit or src.dimension != dst.dimension:
            return None
        factor = 1.0
    elif src.unit == dst.unit:
        factor = 1.0
    else:
        try:
            factor = units.convert(1.0, src.unit, dst.unit)
        except ValueError:  # different dimensions: never compared
            return None
    per = _per_factor(src.per, dst.per)
    return factor * per if per is not None else None


def _per_factor(src: tuple[str, ...], dst: tuple[str, ...]) -> float | None:
    """元/月 → 元/年 is ×12; identical denominators ×1; anything else not comparable."""
    src, dst = tuple(src or ()), tuple(dst or ())
    if src == dst:
        return 1.0
    if len(src) != len(dst):
        return None
    factor = 1.0
    for s, d in zip(src, dst):
        if s == d:
            continue
        if s in _PER_YEAR and d in _PER_YEAR:
            factor *= _PER_YEAR[s] / _PER_YEAR[d]
        else:
            return None
    return factor


def _unit_text(t: Target) -> str:
    unit = t.unit or ""
    return unit + "".join("/" + p for p in t.per)


# Deadlines are placed in a leap year, so that 29 February has a place and 31 December
# is the same day of the year in 2023 and in 2024.
_REFERENCE_YEAR = 2000
_MONTH_END = 32   # the day of a position: the last day of its month, whatever the year


def _deadline_position(t: Target, year: int | None) -> tuple[int, int, int] | None:
    """Where the deadline sits relative to its input's year: (years after it, month, day).

    2023年底前完成 in 2023 and 2024年底前完成 in 2024 are both (0, 12, 31): compared by
    month and day, never by a count of days, so a leap year's extra day is no change of
    deadline; the last day of a month is its month's end in any year (2月底 is 28 or 29
    February). Without the input's year the deadline's own date is its position."""
    if not t.deadline:
        return None
    try:
        d = date.fromisoformat(t.deadline)
    except ValueError:
        return None
    day = _MONTH_END if calendar.monthrange(d.year, d.month)[1] == d.day else d.day
    return (d.year - year if year is not None else d.year, d.month, day)


def _days_between(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """Days from position a to position b: month and day in one (leap) reference year, and
    365 days for each year between the offsets (the note's figure, not a calendar sum)."""
    def in_reference(p: tuple[int, int, int]) -> date:
        last = calendar.monthrange(_REFERENCE_YEAR, p[1])[1]
        return date(_REFERENCE_YEAR, p[1], last if p[2] == _MONTH_END else p[2])

    return (in_reference(b) - in_reference(a)).days + 365 * (b[0] - a[0])


def _pct(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+.2f}%"


def classify(before: IndicatorView, after: IndicatorView, year_before: int | None = None,
             year_after: int | None = None) -> tuple[Change, bool | None, float | None, str]:
    """(change, stricter, after/before ratio, note) for one matched indicator."""
    a, b = before.target, after.target
    arrow = f"{before.target_text} → {after.target_text}"
    if normalize(before.target_text) == normalize(after.target_text):
        return "unchanged", None, None, ""
    if {a.kind, b.kind} == {"frequency", "comparison"}:
        # 每季度1次 and ≥4次 both promise a count a year: compare them as such.
        ya, yb = _yearly_count(a), _yearly_count(b)
        if ya is not None and yb is not None:
            a, b = ya, yb
    if a.kind != b.kind:
        return "kind_changed", None, None, f"{arrow}：指标值类型改变"
    kind = a.kind
    if kind in ("comparison", "frequency", "range"):
        return _classify_numeric(a, b, arrow)
    if kind == "deadline":
        if (year_before is None) != (year_after is None):
            year_before = year_after = None   # one input without a year: compare the dates as written
        oa, ob = _deadline_position(a, year_before), _deadline_position(b, year_after)
        if oa is None or ob is None:
            return "changed", None, None, f"{arrow}：期限无法比较"
        if oa == ob:
            return "unchanged", None, None, f"{arrow}：相对年度的期限相同"
        later = ob > oa
        days = abs(_days_between(oa, ob)) if year_before is not None else abs(
            (date.fromisoformat(b.deadline) - date.fromisoformat(a.deadline)).days)
        return ("raised" if later else "lowered"), (not later), None, \
            f"{arrow}：期限{'推后' if later else '提前'}{days}天（{'更松' if later else '更严'}）"
    if kind == "grade":
        if a.ladder and a.ladder == b.ladder and a.grade in a.ladder and b.grade in b.ladder:
            ia, ib = a.ladder.index(a.grade), b.ladder.index(b.grade)
            if ia == ib:
                return "unchanged", None, None, ""
            better = ib < ia  # the ladder is best first
            return ("raised" if better else "lowered"), better, None, \
                f"{arrow}：等级要求{'提高（更严）' if better else '降低（更松）'}"
        return "kind_changed", None, None, f"{arrow}：等级体系不同，无法比较"
    if kind == "not_applicable":
        return "unchanged", None, None, ""
    # achievement wording, unreadable: different words, no order between them
    return "changed", None, None, f"{arrow}：表述改变，无法比较高低"


def _yearly_count(t: Target) -> Target | None:
    """A frequency, or a ≥ count with no denominator, as a frequency (count a year)."""
    if t.kind == "frequency":
        return t
    if (t.kind == "comparison" and t.dimension == "count" and not t.per
            and _SENSE.get(t.op or "") == _GE and t.value is not None):
        return Target(text=t.text, kind="frequency", op=t.op, value=t.value, unit=t.unit,
                      dimension=t.dimension, count_per_year=t.value)
    return None


def _classify_numeric(a: Target, b: Target, arrow: str):
    factor = _unit_factor(a, b)
    if factor is None:
        return "kind_changed", None, None, \
            f"{arrow}：计量单位由「{_unit_text(a) or '无'}」改为「{_unit_text(b) or '无'}」，不可比较"
    if a.kind == "range":
        lows = (a.low * factor, b.low) if a.low is not None and b.low is not None else None
        highs = (a.high * factor, b.high) if a.high is not None and b.high is not None else None
        if lows is None or highs is None:
            return "changed", None, None, f"{arrow}：区间无法比较"
        if _close(*lows) and _close(*highs):
            return "unchanged", None, 1.0, ""
        if lows[1] >= lows[0] and highs[1] >= highs[0]:
            return "raised", None, None, f"{arrow}：区间整体提高"
        if lows[1] <= lows[0] and highs[1] <= highs[0]:
            return "lowered", None, None, f"{arrow}：区间整体降低"
        narrower = (highs[1] - lows[1]) < (highs[0] - lows[0])
        return "changed", (True if narrower else False), None, \
            f"{arrow}：区间{'收窄（更严）' if narrower else '放宽（更松）'}"
    if a.kind == "frequency":
        va, vb, sense = a.count_per_year, b.count_per_year, _GE
        factor = 1.0  # counts per year, whatever the period
    else:
        va, vb = a.value, b.value
        sa, sb = _SENSE.get(a.op or ""), _SENSE.get(b.op or "")
        if sa is None or sb is None:
            return "changed", None, None, f"{arrow}：方向无法识别"
        if sa != sb:
            return "kind_changed", None, None, f"{arrow}：方向由{sa}改为{sb}"
        sense = sa
    if va is None or vb is None:
        return "changed", None, None, f"{arrow}：数值无法识别"
    va = va * factor
    if _close(va, vb):
        return "unchanged", None, 1.0, (f"{arrow}：折算后相同" if factor != 1.0 else "")
    up = vb > va
    ratio = vb / va if va else None
    stricter = None if sense == _EQ else (up if sense == _GE else not up)
    amount = f"（{_pct(ratio)}）" if ratio is not None else ""
    tone = "" if stricter is None else ("，更严" if stricter else "，更松")
    conv = "，已折算为同一单位" if factor != 1.0 else ""
    return ("raised" if up else "lowered"), stricter, ratio, \
        f"{arrow}：数值{'提高' if up else '降低'}{amount}{tone}{conv}"


# --- flags ----------------------------------------------------------------------------------


def _is_cost(ind: IndicatorView) -> bool:
    return "成本" in ind.level1 or "成本" in ind.level2


def _not_above_last_actual(before: IndicatorView, after: IndicatorView) -> str | None:
    """A ≥ target no higher than what was already achieved last year (指标值设置偏低).

    Only ≥ targets and frequencies: a ≤ cost cap follows the budget (budget ÷ period),
    so last year's spending sits at or under it by design; cost targets are judged
    against the budget instead (``cost-up-more-than-budget``).
    """
    actual = before.actual_value
    t = after.target
    if actual is None or t.kind not in ("comparison", "frequency"):
        return None
    if t.kind == "frequency":
        value, factor = t.count_per_year, 1.0
    else:
        if _SENSE.get(t.op or "") != _GE:
            return None
        # last year's actual is in last year's target unit
        value, factor = t.value, _unit_factor(before.target, t)
    if value is None or factor is None:
        return None
    if value <= actual * factor:
        return f"本年指标值{after.target_text}未高于上年实际完成值{before.actual_text}"
    return None


def _cost_up_more(step: IndicatorStep, budget_ratio: float | None) -> str | None:
    before, after = step.before, step.after
    if (before is None or after is None or budget_ratio is None or step.ratio is None
            or step.change != "raised" or not _is_cost(after)
            or after.target.dimension != "money"):
        return None
    if step.ratio > budget_ratio * (1 + COST_TOLERANCE):
        return f"成本指标提高{_pct(step.ratio)}，预算变化{_pct(budget_ratio)}"
    return None
