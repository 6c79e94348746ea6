"""The target grammar: a printed 指标值 → ``Target``.

Forms are tried from the most specific to the most general: not-applicable marks,
placeholders, grade words, deadlines, frequencies, ranges, one quantity (with or
without an operator), then qualitative wording. What matches none of them is
``unreadable`` with a reason; a reading is never guessed.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import replace
from decimal import Decimal

from perfscore.values.dates import date_prefix, month_end, parse_deadline
from perfscore.values.numerals import ARABIC, CHINESE, format_number, to_decimal
from perfscore.values.quantity import OP_ALT, NotAQuantity, Quantity, read_quantity
from perfscore.values.simplified import to_simplified
from perfscore.values.text import HAN, normalize
from perfscore.values.types import Target
from perfscore.values.units import Unit, comparable
from perfscore.values import words

# Frequency periods → how many fit in a year.
PERIODS_PER_YEAR: dict[str, Decimal] = {
    "年": Decimal(1), "年度": Decimal(1), "半年": Decimal(2), "季度": Decimal(4), "季": Decimal(4),
    "月": Decimal(12), "月度": Decimal(12), "双月": Decimal(6), "半月": Decimal(24), "旬": Decimal(36),
    "周": Decimal(52), "星期": Decimal(52), "天": Decimal(365), "日": Decimal(365), "学期": Decimal(2),
}
# Spellings folded to one period name (季 → 季度) so that equal readings compare equal.
_PERIOD_CANON = {"年度": "年", "季": "季度", "月度": "月", "星期": "周", "日": "天"}
_MULTI_PERIOD = re.compile(r"(?P<n>\d+|[两二三四五六七八九十])个?(?P<p>月|年|周|星期|天|日|季度)")

_FREQ_EVERY = re.compile(
    rf"^(?:每|一)?(?P<period>(?:\d+|[两二三四五六七八九十])个?(?:月|年|周|星期|天|日|季度)|"
    r"年度|半年|季度|学期|半月|双月|月度|年|季|月|周|星期|旬|天|日)"
    rf"(?P<rest>.+)$"
)

_FREQ_VERB = re.compile(rf"^[{HAN}]{{0,6}}?(?=(?:{OP_ALT})?(?:约为|大约|约)?(?:{ARABIC}|{CHINESE})[^\d]*$)")

_RANGE = re.compile(
    rf"^(?P<desc>[{HAN}]*?)(?P<sign1>-)?(?P<n1>{ARABIC}|{CHINESE})(?P<u1>[^\d~至到—-]*?)"
    rf"(?:-|~|至|到|—|——)(?P<rest>-?(?:{ARABIC}|{CHINESE}).*?)(?:之间|范围内|区间内)?$"
)

_GRADE_WRAP = re.compile(rf"^(?:等级为|评价为|评定为|评级为|考核为|等级|评价|评级|达到|为|考核)?(?P<g>[{HAN}]+?)(?:等级|级|及以上|以上)?$")


def _periods_per_year(period: str) -> Decimal | None:
    if period in PERIODS_PER_YEAR:
        return PERIODS_PER_YEAR[period]
    m = _MULTI_PERIOD.fullmatch(period)
    if not m:
        return None
    n = to_decimal(m["n"])
    base = PERIODS_PER_YEAR[m["p"]]
    return base / n if n else None


def _canonical_period(period: str) -> str:
    """``两个月`` → ``2个月``; ``季`` → ``季度``."""
    m = _MULTI_PERIOD.fullmatch(period)
    if m:
        n = to_decimal(m["n"])
        unit = _PERIOD_CANON.get(m["p"], m["p"])
        return f"{n}{'个' if unit == '月' else ''}{unit}" if n != 1 else unit
    return _PERIOD_CANON.get(period, period)


def infer_direction(level1: str | None, level2: str | None, level3: str | None,
                    dimension: str | None = None) -> tuple[str, str]:
    """The direction of a bare number and why (成本 → ≤; a time span under 时效 or under a
    deadline-like name → ≤; names of things kept low → ≤; else ≥). ``dimension`` is the
    number's unit dimension (``duration`` for 天/小时 …). A name that is not text (None,
    a spreadsheet's NaN) is no name."""
    # Traditional names (時效指標, 成本指標) read as their simplified forms.
    level1, level2, level3 = (to_simplified(v) if isinstance(v, str) else None for v in (level1, level2, level3))
    for name, label in ((level2, "二级指标"), (level1, "一级指标")):
        if name and "成本" in name:
            return "<=", f"未写比较符，按{label}「{name}」（成本类）理解为≤"
    if dimension in words.TIME_SPAN_DIMENSIONS:
        # 5天 / 3个工作日 / 48小时 under 时效 is a time limit: done within it, not at least it.
        for name, label in ((level2, "二级指标"), (level1, "一级指标")):
            if name and "时效" in name:
                return "<=", f"未写比较符，{label}「{name}」下的时长按时限理解为≤"
        if level3 and not (level2 and "数量" in level2):
            part = next((w for w in words.TIME_LIMIT_NAMES if w in level3), None)
            if part is not None:
                return "<=", f"未写比较符，三级指标「{level3}」含「{part}」，时长按时限理解为≤"
    if level3:
        if not level3.endswith(words.KEPT_HIGH_ENDINGS):
            for part in words.KEPT_LOW:
                if part in level3:
                    return "<=", f"未写比较符，三级指标「{level3}」含「{part}」（越低越好），理解为≤"
    return ">=", "未写比较符，按越高越好理解为≥"


def _unreadable(text: str, reason: str) -> Target:
    return Target(text=text, kind="unreadable", reason=reason)


def _decide_op(q: Quantity) -> tuple[str | None, str | None]:
    """The operator a quantity states (None when it states none) or a conflict reason."""
    ops = [op for op in (q.op, q.suffix_op) if op]
    if q.more and not ops:
        return ">=", None
    if not ops:
        return None, None
    if len(ops) == 2 and ops[0] != ops[1]:
        # ``大于5以上`` / ``控制在5%以内`` agree in direction; ``≥5以下`` does not
        if ops[0][0] != ops[1][0]:
            return None, f"比较符「{q.op}」与后缀「{q.suffix_op}」方向相反"
        return ops[0], None
    return ops[0], None


def _dimension(unit: Unit | None) -> str | None:
    return unit.dimension if unit else None


def _reason_notes(q: Quantity) -> list[str]:
    notes = []
    if q.desc and q.desc not in ("在", "为", "控制在"):
        notes.append(f"忽略说明文字「{q.desc}」")
    if q.noun:
        notes.append(f"计数对象「{q.noun}」")
    if q.more:
        notes.append("「余/多」按≥理解")
    return notes


def _frequency(text: str, m: re.Match[str]) -> Target | None:
    period = m["period"]
    per_year = _periods_per_year(period)
    if per_year is None:
        return None
    rest = _FREQ_VERB.sub("", m["rest"], count=1)      # 每季度[开展]1次: a verb between period and count
    try:
        q = read_quantity(rest)
    except NotAQuantity:
        return None
    if q.unit is None or q.unit.dimension != "count" or q.per or q.every:
        return None
    op, conflict = _decide_op(q)
    if conflict:
        return _unreadable(text, conflict)
    value = float(q.value)
    return Target(
        text=text, kind="frequency", op=op or ("=" if q.approx else ">="), value=value, unit=q.unit.name, dimension="count",
        count_per_year=float(q.value * per_year), period=_canonical_period(period),
        approx=q.approx and not op,
    )


def _as_frequency_per(text: str, q: Quantity, op: str | None) -> Target | None:
    """``≥2次/年`` or ``每月2次`` written with the quantity grammar → a frequency."""
    periods = q.per if q.per else q.every
    if (q.unit is None or q.unit.dimension != "count" or len(periods) != 1
            or (q.per and q.every)):
        return None
    per_year = _periods_per_year(periods[0])
    if per_year is None:
        return None
    return Target(
        text=text, kind="frequency", op=op or ("=" if q.approx else ">="), value=float(q.value), unit=q.unit.name,
        dimension="count", count_per_year=float(q.value * per_year),
        period=_canonical_period(periods[0]), approx=q.approx and not op,
    )


def _range(text: str, m: re.Match[str]) -> Target | None:
    try:
        right = read_quantity(m["rest"])
    except NotAQuantity:
        return None
    if right.op or right.suffix_op or right.approx or right.more or right.desc or right.every:
        return None
    low = to_decimal(m["n1"])
    if low is None:
        return None
    if m["sign1"]:
        low = -low
    u1 = m["u1"]
    unit = right.unit
    if u1:
        try:
            left = read_quantity((m["sign1"] or "") + m["n1"] + u1)
        except NotAQuantity:
            return _unreadable(text, f"区间下限「{m['n1']}{u1}」无法理解")
        if left.unit is None or unit is None or not comparable(left.unit, unit) or left.per:
            return _unreadable(text, "区间两端的单位不一致")
        low_value = left.value
        if left.unit.name != unit.name and left.unit.dimension != "money":
            return _unreadable(text, "区间两端的单位不一致")
    else:
        # ``10-20个``, ``5-10万元``: the right end's scale and unit apply to both ends
        low_value = low * (right.value / right.written) if right.written else low
    high_value = right.value
    if low_value > high_value:
        return _unreadable(text, f"区间下限大于上限（{m['n1']} > {m['rest']}）")
    notes = []
    if m["desc"]:
        notes.append(f"忽略说明文字「{m['desc']}」")
    return Target(
        text=text, kind="range", low=float(low_value), high=float(high_value),
        unit=unit.name if unit else None, dimension=_dimension(unit), per=right.per,
        reason="；".join(notes) or None,
    )


def _grade(text: str) -> Target | None:
    word = words.grade_word(text)
    if word is None:
        m = _GRADE_WRAP.fullmatch(text)
        if not m or m["g"] == text:
            return None
        word = words.grade_word(m["g"])
        if word is None:
            return None
    return Target(text=text, kind="grade", grade=word, ladder=words.ladders_of(word)[0])


def _qualitative(text: str, has_digit: bool) -> Target | None:
    if any(marker in text for marker in words.TIMELINESS_MARKERS):
        return Target(text=text, kind="achievement", reason="时效表述，按达成程度评分")
    if has_digit:
        return None
    if (len(text) > 1 and text[0] in "无零") or text.startswith("杜绝") or text in words.YES_NO:
        return Target(text=text, kind="achievement")
    if any(marker in text for marker in words.ACHIEVEMENT_MARKERS):
        return Target(text=text, kind="achievement")
    return None


@functools.lru_cache(maxsize=1 << 16)
def parse_target_once(text: str, level1: str | None = None, level2: str | None = None,
                      level3: str | None = None, year: int | None = None) -> Target:
    """:func:`parse_target` for a process that meets the same targets again and again (every
    unit of a bureau repeats a few thousand spellings, and the checks read each unit's
    targets): one parse per distinct (text, labels, year). A Target is immutable, so the
    one object serves every caller."""
    return parse_target(text, level1=level1, level2=level2, level3=level3, year=year)


def parse_target(text: str, *, level1: str | None = None, level2: str | None = None,
                 level3: str | None = None, year: int | None = None) -> Target:
    """Read a printed 指标值. Never raises on user text: what cannot be read is
    ``unreadable`` with a Chinese ``reason``.

    ``level1``/``level2``/``level3`` (一级/二级/三级指标) give the direction of a bare
    number; ``year`` (评价年度) resolves deadlines that name no year.
    """
    t = read_undirected(text, year)
    if t.inferred:
        return with_direction(t, infer_direction(level1, level2, level3, t.dimension))
    return t


def with_direction(t: Target, direction: tuple[str, str]) -> Target:
    """A bare number's reading completed with its inferred operator and why."""
    op, why = direction
    return replace(t, op=op, reason=f"{why}；{t.reason}" if t.reason else why)


_REMARK = re.compile(r"^(?P<value>.*\S)\((?P<note>[^()\d]{1,20})\)$")


def read_undirected(text: str, year: int | None = None) -> Target:
    """The reading without the indicator's context: a bare number comes back with
    ``inferred=True`` and ``op=None``, for ``with_direction`` to complete. Kept apart
    so that a column parser can read each distinct string once (``batch``).

    An unreadable text ending in a bracketed remark without digits (``≥95%（问卷调查）``)
    is read again without it, the remark named in ``reason``: only ever a second try."""
    t = _read_undirected(text, year)
    if t.kind != "unreadable" or not isinstance(text, str):
        return t
    m = _REMARK.match(normalize(text))
    if m is None:
        return t
    # ``≥2000（人次）``: the unit in brackets, as budget systems export 指标值（度量单位）.
    unit = _read_undirected(m["value"] + m["note"], year)
    if unit.kind in ("comparison", "range", "frequency") and unit.unit is not None:
        return replace(unit, text=text)
    again = _read_undirected(m["value"], year)
    if again.kind == "unreadable":
        return t
    note = f"忽略括号中的说明「{m['note']}」"
    return replace(again, text=text, reason=f"{again.reason}；{note}" if again.reason else note)


def _read_undirected(text: str, year: int | None = None) -> Target:
    if not isinstance(text, str):
        if text is None or (isinstance(text, float) and text != text):   # an empty cell (None / NaN)
            return _unreadable("", "指标值为空")
        if isinstance(text, (int, float)) and not isinstance(text, bool) and math.isfinite(text):
            text = format_number(float(text)) if isinstance(text, float) else str(text)  # a numeric cell
        else:
            return _unreadable(str(text), "指标值不是文字")
    if year is not None:
        checked = as_year(year)
        if checked is None:
            # Only a reading that needs the year is refused: ``≥95%`` means the same in any
            # year (and ``parse_targets`` reads such strings without the year at all).
            t = read_undirected(text, None)
            if year_dependent(text):
                return _unreadable(t.text, f"评价年度「{year}」不是有效年份（应在{MIN_YEAR}–{MAX_YEAR}之间），"
                                           "无法确定时限")
            return t
        year = checked
    s = normalize(text)
    if not s:
        return _unreadable(text, "指标值为空")
    if s in words.NOT_APPLICABLE:
        return Target(text=text, kind="not_applicable")
    if s in words.PLACEHOLDERS or re.fullmatch(words.PLACEHOLDER_PATTERN, s):
        return _unreadable(text, f"「{text.strip()}」是占位符，不是指标值")
    if s.lower() in words.NOT_A_NUMBER:
        return _unreadable(text, f"「{s}」不是有效数值")
    relative = _RELATIVE_TO_LAST_YEAR.search(s)
    if relative is not None:
        change = "是相对上年的变化量，缺少基数；" if re.search(r"\d", s) else ""
        return _unreadable(text, f"「{s}」{change}相对上年的表述需要上年数值，请改写为具体的目标值")
    grade = _grade(s)
    if grade is not None:
        return Target(**{**_fields(grade), "text": text})
    months = _month_span(text, s, year)
    if months is not None:
        return months
    period = _period(text, s, year)
    if period is not None:
        return period
    fully = _FULLY_DONE.fullmatch(s)
    if fully is not None:
        deadline = parse_deadline(fully["d"] + "完成", year)
        if deadline is not None and deadline.deadline is not None:
            return Target(text=text, kind="deadline", deadline=deadline.deadline,
                          reason=f"「{s}」按{fully['d']}全部完成理解（100%即全部完成）")
    every = _BY_PERIOD.fullmatch(s)
    if every is not None:
        per_year = _periods_per_year(every["p"])
        return Target(text=text, kind="frequency", op=">=", value=1.0, unit="次", dimension="count",
                      count_per_year=float(per_year), period=_canonical_period(every["p"]),
                      reason=f"「{s}」按每{_canonical_period(every['p'])}至少1次理解")
    deadline = parse_deadline(s, year)
    if deadline is not None:
        return Target(text=text, kind="deadline", deadline=deadline.deadline, reason=deadline.reason)
    m = _FREQ_EVERY.match(s)
    if m:
        freq = _frequency(text, m)
        if freq is not None:
            return freq
    m = _RANGE.match(s)
    if m:
        rng = _range(text, m)
        if rng is not None:
            return rng
    has_digit = bool(re.search(r"\d", s))
    try:
        q = read_quantity(s)
    except NotAQuantity as exc:
        qualitative = _qualitative(s, has_digit)
        if qualitative is not None:
            return Target(**{**_fields(qualitative), "text": text})
        if not has_digit and not re.search(CHINESE, s):
            return _unreadable(text, "无法识别的定性表述（不在已知词表中），请人工确认")
        dated = date_prefix(s)
        if dated is not None and re.search(r"\d", dated[1]):
            return _unreadable(text, f"无法识别：含有多个数字（日期「{dated[0]}」之后又有「{dated[1]}」），"
                                     "无法确定哪个是指标值")
        if dated is not None:
            return _unreadable(text, f"以日期「{dated[0]}」开头，但其后的「{dated[1]}」无法理解为时限"
                                     "（时限应写成「…前完成」「…底前」等）")
        return _unreadable(text, f"无法识别：{exc.args[0]}")
    return _comparison(text, s, q)


MIN_YEAR, MAX_YEAR = 1949, 2200


def as_year(year) -> int | None:
    """An evaluation year (评价年度) as an int, None when it is not a whole number in
    MIN_YEAR–MAX_YEAR (``99999`` or ``0`` would end in a date error, not a reading)."""
    if isinstance(year, bool) or not isinstance(year, (numbers.Integral, float)):
        return None
    if isinstance(year, float) and not year.is_integer():
        return None
    year = int(year)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def year_dependent(text) -> bool:
    """Whether the reading of ``text`` changes with the evaluation year (``6月底前``, ``1-12月``)."""
    a, b = read_undirected(text, 2000), read_undirected(text, 2001)
    return (a.kind, a.deadline) != (b.kind, b.deadline)


_RELATIVE_TO_LAST_YEAR = re.compile(words.RELATIVE_TO_LAST_YEAR)

# ``1-12月``, ``1月-12月``, ``1至12月份``: the months January to December of the year, not a
# range of 1 to 12 months (that would be written ``1-12个月``).
_MONTH_SPAN = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年(?:度)?)?(?P<m1>1[0-2]|0?[1-9])月?(?:-|~|至|到|—|——)(?P<m2>1[0-2]|0?[1-9])月(?:份)?"
)


def _month_span(text: str, s: str, year: int | None) -> Target | None:
    """``1-12月`` as a deadline at the end of its last month, in the year written or the
    evaluation year; unreadable without either (a year is never guessed)."""
    m = _MONTH_SPAN.fullmatch(s)
    if m is None or int(m["m1"]) >= int(m["m2"]):
        return None
    m1, m2 = int(m["m1"]), int(m["m2"])
    known = int(m["y"]) if m["y"] else year
    why = f"「{s}」按{m1}月至{m2}月（至{m2}月底完成）理解，不是{m1}至{m2}个月的区间"
    if known is None:
        return _unreadable(text, f"{why}；未写年份，且未给出评价年度，无法确定截止日期")
    return Target(text=text, kind="deadline", deadline=month_end(known, m2).isoformat(), reason=why)


# ``2024年3月—2024年10月``, ``2024.03-2024.10``, ``2024年3月至10月``: work over a period, due at its end.
_PERIOD_POINT = r"(?:19|20)\d{2}(?:年\d{1,2}月(?:\d{1,2}日)?|[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?)"
_PERIOD = re.compile(
    rf"(?P<a>{_PERIOD_POINT})(?:-|~|至|到|—|——)(?P<b>{_PERIOD_POINT}|\d{{1,2}}月(?:\d{{1,2}}日)?)(?:期间|内|完成|前完成)?")
# ``10月底前完成100%``: done in full by the date.
_FULLY_DONE = re.compile(r"(?P<d>.+?(?:前|之前|以前))(?:全部)?(?:完成)?(?:100%|百分之百|百分之一百)(?:完成)?")
# ``按季度开展``: at least once in every period.
_BY_PERIOD = re.compile(r"按(?P<p>年度|半年|季度|季|月度|月|周|旬)(?:开展|进行|实施|召开|组织|检查|巡查|报送|上报|更新|推进|执行|完成|考核|发放|拨付)?")


def _period_point(text: str) -> str:
    """``2024.03`` / ``2024-03`` → ``2024年03月`` (what the date grammar reads as a month)."""
    m = re.fullmatch(r"((?:19|20)\d{2})[.\-/](\d{1,2})(?:[.\-/](\d{1,2}))?", text)
    if m is None:
        return text
    return f"{m[1]}年{m[2]}月" + (f"{m[3]}日" if m[3] else "")


def _period(text: str, s: str, year: int | None) -> Target | None:
    """A period target: a deadline at the period's end (the later point)."""
    m = _PERIOD.fullmatch(s)
    if m is None:
        return None
    a, b = _period_point(m["a"]), _period_point(m["b"])
    if not b[:4].isdigit():
        b = a[:5] + b          # ``2024年3月至10月``: the end in the start's year
    start, end = parse_deadline(a, year), parse_deadline(b, year)
    if start is None or end is None or start.deadline is None or end.deadline is None:
        return None
    if start.deadline > end.deadline:
        return _unreadable(text, f"期间的开始「{m['a']}」晚于结束「{m['b']}」")
    return Target(text=text, kind="deadline", deadline=end.deadline,
                  reason=f"「{s}」是实施期间，按期末 {end.deadline} 前完成理解")


def _fields(t: Target) -> dict:
    return {name: getattr(t, name) for name in Target.__slots__}


def _comparison(text: str, s: str, q: Quantity) -> Target:
    if q.desc and any(marker in q.desc for marker in words.CHANGE_MARKERS) and not q.op:
        return _unreadable(text, f"「{q.desc}」是相对上年（或基期）的变化量，缺少基数，请改写为目标值")
    op, conflict = _decide_op(q)
    if conflict:
        return _unreadable(text, conflict)
    if q.approx and op:
        return _unreadable(text, "既有比较符又有「约/左右」，含义不清")
    freq = _as_frequency_per(text, q, op)
    if freq is not None:
        return freq
    per = q.per + q.every if not q.per else q.per
    if q.per and q.every:
        return _unreadable(text, "分母写了两次（「每…」与「/…」）")
    notes = _reason_notes(q)
    inferred = False
    if q.approx:
        op = "="
    elif op is None:
        inferred = True            # the operator comes from the context: with_direction
    value = float(q.value)
    return Target(
        text=text, kind="comparison", op=op, value=value,
        unit=q.unit.name if q.unit else None, dimension=_dimension(q.unit), per=per,
        inferred=inferred, approx=q.approx, reason="；".join(notes) or None,
    )
