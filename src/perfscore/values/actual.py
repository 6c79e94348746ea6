"""The actual grammar: a 实际完成值 read against its parsed target → ``Actual``.

``parse_actual`` is one path: the readers in turn (``_read_all``). A plain text (one
number with its unit, an ISO day: see ``_quick_reading``) needs no normalising and no
word reader can match it, so it goes straight to the readers that can (a property the
tests check on the corpora and on generated texts).

A number is expressed in the target's unit so that it compares directly with
``Target.value``: a bare number takes the target's unit, a number with a unit is
converted inside its dimension (万元 → 元, ‰ → %, 公里 → 米), and units that cannot
be compared give ``unreadable`` with a reason — never a number.

Percent written as a fraction (``0.96`` against ``≥95%``): a bare number in (0, 1]
against a percent target whose value (or upper bound) is above 1 is read as a
fraction (0.96 → 96 %), noted in ``reason``. When the target itself is at most 1 %,
a bare number up to 1 could be either, so it is ``unreadable``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import Decimal

from perfscore.values import words
from perfscore.values.dates import excel_serial, month_end, parse_actual_date
from perfscore.values.quantity import NotAQuantity, Quantity, quantity_at, read_quantity
from perfscore.values.target import _periods_per_year
from perfscore.values.simplified import to_simplified
from perfscore.values.text import normalize
from perfscore.values.types import Actual, Target
from perfscore.values.units import UNITS, comparable, convert, lookup

_NUMERIC_TARGETS = ("comparison", "range", "frequency")
_SYMBOL_OPS = ("≥", "≤", ">", "<", "=", ">=", "<=", "=>", "=<", "≥=", "≤=", "==")
_LOWER_BOUND_WORDS = ("超过", "多于", "高于", "大于", "不少于", "至少", "不低于", "超出")
_UPPER_BOUND_WORDS = ("不足", "低于", "少于", "小于", "不超过", "不高于", "不到")
_WRAPPERS = re.compile(r"^(?:评价为|等级为|评定为|评级为|结果为|为|实际|实际为)")
_NEGATION = re.compile(r"[未没不无差低欠]")
_POSITIVE = ("明显", "显著", "有效", "达成", "达到", "提升", "提高", "改善", "良好", "到位", "合规", "符合",
             "稳定", "正常", "完善", "加强", "增强")

_SURVEY_FRACTION = re.compile(r"^(?P<a>\d+)/(?P<b>\d+)$")
_DECIMAL_OR_PERCENT = re.compile(r"\d[.%‰]|[.%‰]\d|\d%")
_INT = re.compile(r"\d+(?:,\d{3})*")
_SATISFIED_AFTER = re.compile(r"满意(?:度|的)?(?:人数|户数|份数|人|户|份)?(?:为|:|有|共)?(?P<n>\d+(?:,\d{3})*)")
_SATISFIED_BEFORE = re.compile(r"(?P<n>\d+(?:,\d{3})*)(?:人|户|份|名)?(?:表示|认为|评价)?(?:满意|非常满意)")
_PLACEHOLDER = re.compile(words.PLACEHOLDER_PATTERN)
_ANY_NUMERAL = re.compile(r"\d|[零一二两三四五六七八九十百千万]")
_DIGIT = re.compile(r"\d")
_PLAIN_DESC = re.compile(r"(?:实际)?(?:完成|实现|达到|达|为|共|共计|合计|累计|全年|计|约|已完成)*")
_STRONG_DATE = re.compile(r"\d{4}(?:[-/.年]\d{1,2}|(?:0[1-9]|1[0-2])\d{2}$)")


def _unreadable(text: str, reason: str) -> Actual:
    return Actual(text=text, kind="unreadable", reason=reason)


def _plain(text: str) -> str:
    return _WRAPPERS.sub("", text)


def _grade(text: str, s: str, target: Target | None) -> Actual | None:
    word = words.grade_word(s) or words.grade_word(_plain(s))
    if word is None:
        return None
    if target is not None and target.kind == "grade" and word not in target.ladder:
        return _unreadable(text, f"等级「{word}」不在指标值的等级序列（{'/'.join(target.ladder)}）中，无法比较")
    return Actual(text=text, kind="grade", grade=word)


def _yes_no(text: str, s: str, target: Target | None) -> Actual | None:
    """是否… indicators: the target says which answer is met (是否发生事故 → 否)."""
    if target is None or target.kind != "achievement" or s not in words.YES_NO:
        return None
    wanted = normalize(target.text)
    if wanted not in words.YES_NO:
        return None
    return Actual(text=text, kind="tier", tier="达成" if s == wanted else "未达成")


def _tier(text: str, s: str, target: Target | None = None) -> Actual | None:
    if target is not None and target.kind == "achievement" and s == normalize(target.text):
        return Actual(text=text, kind="tier", tier="达成", reason="与指标值表述一致")
    tier = words.TIER_OF_WORD.get(s) or words.TIER_OF_WORD.get(_plain(s))
    if tier is None:
        return None
    return Actual(text=text, kind="tier", tier=tier)


# A target that nothing happen (无安全事故, 零投诉, 杜绝违规) and an actual saying nothing did.
_NOTHING_TARGET = re.compile(r"^(?:无|零|杜绝|未发生|不发生|没有)")
_NOTHING_ACTUAL = re.compile(r"^(?:无|零|没有|未发生|未出现|无发生|杜绝|0(?:起|次|件|例|个|人次|宗)?)(?:[\u4e00-\u9fff]{0,12})$")


def _nothing_happened(text: str, s: str, target: Target | None) -> Actual | None:
    """``无`` / ``0起`` / ``未发生安全事故`` under ``无安全事故``: the target met (``无`` alone
    would otherwise read as 不适用)."""
    if target is None or target.kind != "achievement" or not _NOTHING_TARGET.match(normalize(target.text)):
        return None
    if not _NOTHING_ACTUAL.match(s) or _NEGATION_OF_NOTHING.search(s):
        return None
    return Actual(text=text, kind="tier", tier="达成", reason=f"「{s}」：没有发生，与指标值「{target.text}」一致")


_NEGATION_OF_NOTHING = re.compile(r"[1-9]")


def _completion(text: str, s: str) -> Actual | None:
    found = words.COMPLETION_WORDS.get(s) or words.COMPLETION_WORDS.get(_plain(s))
    if found is None:
        return None
    completed, on_time = found
    reason = "未说明是否按时" if completed and on_time is None else None
    return Actual(text=text, kind="completion", completed=completed, on_time=on_time, reason=reason)


def _loose_tier(text: str, s: str) -> Actual | None:
    """Achievement-style wording (``效果明显``, ``居民满意度明显提升``) → 达成."""
    if _DIGIT.search(s) or _NEGATION.search(s) or len(s) > 30:
        return None
    if any(word in s for word in _POSITIVE):
        return Actual(text=text, kind="tier", tier="达成", reason=f"「{s}」按达成理解")
    return None


def _survey(text: str, s: str, target: Target | None) -> Actual | None:
    pair = None
    m = _SURVEY_FRACTION.fullmatch(s)
    if m:
        if target is not None and target.unit not in ("%", "‰"):
            return None
        pair = int(m["a"]), int(m["b"])
    elif "满意" in s:
        numbers = _INT.findall(s)
        if len(numbers) != 2 or _DECIMAL_OR_PERCENT.search(s):
            return None
        sat = _SATISFIED_AFTER.search(s) or _SATISFIED_BEFORE.search(s)
        if sat is None:
            return None
        satisfied = sat["n"]
        others = list(numbers)
        others.remove(satisfied)
        pair = int(satisfied.replace(",", "")), int(others[0].replace(",", ""))
    if pair is None:
        return None
    satisfied, total = pair
    if total == 0:
        return _unreadable(text, "调查总数为0，无法计算满意度")
    if satisfied > total:
        return _unreadable(text, f"满意人数{satisfied}大于调查总数{total}")
    percent = Decimal(satisfied) * 100 / Decimal(total)
    unit = "%"
    if target is not None and target.unit == "‰":
        percent, unit = percent * 10, "‰"
    return Actual(text=text, kind="survey", value=float(percent), unit=unit,
                  dimension=UNITS[unit].dimension, survey=(satisfied, total))


_DOT_MONTH = re.compile(r"((?:19|20)\d{2})\.(\d{1,2})")


def _date(text: str, s: str, target: Target | None) -> Actual | None:
    is_deadline = target is not None and target.kind == "deadline"
    if not is_deadline and not _STRONG_DATE.match(s):
        return None
    deadline = target.deadline if is_deadline else None
    default_year = int(deadline[:4]) if deadline and deadline[:4].isdigit() else None
    dotted = _DOT_MONTH.fullmatch(s) if is_deadline else None
    if dotted is not None and 1 <= int(dotted[2]) <= 12:
        # 2023.12 under a deadline is the month (its end), not the number 2023.12
        return Actual(text=text, kind="date", date=month_end(int(dotted[1]), int(dotted[2])).isoformat(),
                      reason=f"「{s}」按{dotted[1]}年{int(dotted[2])}月（月底）理解")
    found = parse_actual_date(s, default_year)
    if found is None:
        return None
    iso, reason = found
    if iso is None:
        return _unreadable(text, reason)
    return Actual(text=text, kind="date", date=iso)


def _bound(q: Quantity, s: str) -> tuple[bool, str | None] | Actual:
    """Whether the number is approximate, and a note; an error for comparison symbols."""
    notes = []
    approx = q.approx or q.more
    if q.op:
        word = next((w for w in _SYMBOL_OPS if s.startswith(q.desc + w)), None)
        if word is not None:
            return Actual(text=s, kind="unreadable",
                          reason=f"实际完成值写成了比较式「{s}」，应填写实际达到的数值")
        if q.op in (">", ">=") and any(w in s for w in _LOWER_BOUND_WORDS):
            approx = True
            notes.append("只写了下限")
        elif q.op in ("<", "<=") and any(w in s for w in _UPPER_BOUND_WORDS):
            approx = True
            notes.append("只写了上限")
    if q.suffix_op:
        approx = True
        notes.append("只写了下限" if q.suffix_op == ">=" else "只写了上限")
    return approx, "；".join(notes) or None


_MONEY_WRITTEN = re.compile(r"\d(?:千万元|百万元|千元|万元|亿元|万)")


def _written_money(target: Target) -> str | None:
    """The money unit a target was written in (``≤90万元`` → 万元; ``≤25万/季度`` → 万元),
    None for 元 or none: a target's value is held in 元, so this is the only record of it."""
    m = _MONEY_WRITTEN.search(normalize(target.text))
    if m is None:
        return None
    word = m.group(0)[1:]
    return "万元" if word == "万" else word


def _number(text: str, s: str, target: Target | None, q: Quantity | None = None) -> Actual:
    """The reading of a number; ``q`` is ``read_quantity(s)`` when the caller has it already."""
    if q is None:
        try:
            q = read_quantity(s)
        except NotAQuantity as exc:
            return _unreadable(text, f"无法识别：{exc.args[0]}")
    if q.desc and any(m in q.desc for m in words.CHANGE_MARKERS):
        return _unreadable(text, f"「{q.desc}」是变化量，不是实际完成值")
    if q.op or q.suffix_op:
        bound = _bound(q, s)
        if isinstance(bound, Actual):
            return Actual(text=text, kind="unreadable", reason=bound.reason)
        approx, note = bound
    else:
        approx, note = q.approx or q.more, None         # what _bound gives without an operator
    notes = [note] if note else []
    if q.near:
        # 近600人 is just under 600: kept as 600 with approx, and said so (see docs/values.md)
        notes.append(f"{s}：略少于{s[s.index('近') + 1:]}")
    if q.desc and not _PLAIN_DESC.fullmatch(q.desc):
        notes.append(f"忽略说明文字「{q.desc}」")
    value = q.value
    numeric_target = target is not None and target.kind in _NUMERIC_TARGETS
    t_unit = lookup(target.unit) if numeric_target and target.unit else None

    if numeric_target and target.kind == "frequency":
        return _frequency_actual(text, q, target, approx, notes)

    per = q.per or q.every
    if numeric_target and per and target.per and per != target.per:
        return _unreadable(text, f"实际值的分母「/{'/'.join(per)}」与指标值「/{'/'.join(target.per)}」不同，无法比较")
    if numeric_target and per and not target.per:
        return _unreadable(text, f"实际值带分母「/{'/'.join(per)}」，指标值没有，无法比较")

    unit = q.unit
    if unit is None:
        if t_unit is not None:
            unit = t_unit
            written = _written_money(target) if t_unit.dimension == "money" else None
            if written is not None and written != t_unit.name:
                # ≤90万元 against 90: the bare number is in the unit the target was written in
                value = Decimal(repr(convert(float(value), written, t_unit.name)))
                notes.append(f"只写了数字，按指标值的单位「{written}」理解")
            if t_unit.name == "%" and 0 < value <= 1:
                reference = target.value if target.value is not None else target.high
                if reference is not None and reference > 1:
                    notes.append(f"按小数理解：{q.written} → {float(value * 100):g}%")
                    value = value * 100
                else:
                    return _unreadable(text, f"无法确定「{s}」是小数还是百分数（指标值不超过1%），请写明「%」")
        elif numeric_target and target.unit is None and 0 < value < 1:
            reference = target.value if target.value is not None else target.high
            if reference is not None and 1 < reference <= 100:
                # ≥95 against 0.96: the target reads like a percent number, the actual like a fraction
                return _unreadable(text, f"指标值「{target.text}」未写单位，像是百分数，而实际值「{s}」像是小数，"
                                         "含义不明确，无法比较；请写明「%」")
    elif t_unit is not None:
        if unit is not t_unit and not comparable(unit, t_unit):
            return _unreadable(
                text, f"实际值单位「{unit.name}」与指标值单位「{t_unit.name}」不可比较")
        if unit.name != t_unit.name:
            if unit.dimension == "count":
                notes.append(f"单位「{unit.name}」按「{t_unit.name}」计")
            else:
                value = Decimal(repr(convert(float(value), unit.name, t_unit.name)))
            unit = t_unit
    elif numeric_target and target.unit is None and unit is not None:
        if unit.dimension in ("percent", "permille"):
            # ≤0.05 against 3%: 0.05 may be a fraction (5 %) or a percent number; 3 is not 0.05's kind
            return _unreadable(text, f"实际值是百分数（「{s}」），指标值「{target.text}」未写单位，"
                                     "单位不同，无法比较；请在指标值中写明「%」")
        notes.append("指标值未写单位，按实际值的单位读取")
    number = float(value)
    if not math.isfinite(number):
        return _unreadable(text, "数值无效")
    if (q.near and numeric_target and target.op in (">=", ">") and target.value is not None
            and number >= target.value >= 0.9 * number):
        # 近600人 is a little under 600: against a target within 10 % below 600 (≥600,
        # ≥560) it may or may not be met. Never guess; far below (≥500) it is met.
        return _unreadable(text, f"「{s}」略少于{float(value):g}，无法判断是否达到指标值「{target.text}」，"
                                 "请填写确切数值")
    return Actual(
        text=text, kind="number", value=number, unit=unit.name if unit else None,
        dimension=unit.dimension if unit else None,
        per=target.per if numeric_target and target.per else per,
        approx=approx, reason="；".join(notes) or None,
        extra={"written": s, "near": True} if q.near else {"written": s},
    )


def _frequency_actual(text: str, q: Quantity, target: Target, approx: bool, notes: list[str]) -> Actual:
    """Against a frequency target the reading is a count for the whole year."""
    periods = q.per or q.every
    value = q.value
    t_unit = lookup(target.unit)
    if q.unit is not None and t_unit is not None and not comparable(q.unit, t_unit):
        return _unreadable(text, f"实际值单位「{q.unit.name}」与指标值单位「{target.unit}」不可比较")
    if periods:
        per_year = _periods_per_year(periods[0]) if len(periods) == 1 else None
        if per_year is None:
            return _unreadable(text, f"无法理解频次的周期「{'/'.join(periods)}」")
        value = value * per_year
        notes.append(f"折算为全年{float(value):g}{target.unit or ''}")
    else:
        notes.append("按全年次数理解")
    if not math.isfinite(float(value)):
        return _unreadable(text, "数值过大")
    return Actual(text=text, kind="number", value=float(value), unit=target.unit, dimension="count",
                  approx=approx, reason="；".join(notes))


def _from_number(value) -> str | None:
    """Spreadsheet cells may arrive as numbers; NaN means an empty cell."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return None


# The fast path. A text made only of characters normalize() leaves alone (simplified CJK ideographs,
# ASCII digits, % ‰ / · . -) or of the full-width ％ it folds to %, needs no normalising;
# holding a digit, it is none of the fixed words (placeholders, not-applicable marks,
# grades, tiers, completion words: none holds a digit, the 0/0 placeholder aside), so
# only the readers after the words can give its reading. Nine in ten actuals of a
# province are such texts, most of them one number with words around it (98.9万元,
# 45000元/月/社区, 95%, 全年12次), read at the number the pattern found.
_QUICK = re.compile(
    r"(?P<pre>[\u4e00-\u9fff]*)(?P<digits>[0-9]+(?:\.[0-9]+)?)(?P<post>[\u4e00-\u9fff%％‰/·]*)"
    r"|[\u4e00-\u9fff0-9%％‰/·.\-]*[0-9][\u4e00-\u9fff0-9%％‰/·.\-]*"
)
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.0)?")
# _STRONG_DATE with the years the date forms know (19xx, 20xx; every other form begins with
# at most two digits): 8039.87元/月 matches _STRONG_DATE, yet parse_actual_date finds no
# date in it, so the fast path does not ask.
_YEAR_DATE = re.compile(r"(?:19|20)\d{2}(?:[-/.年]\d{1,2}|(?:0[1-9]|1[0-2])\d{2}$)")


def _quick_reading(text: str, target: Target | None) -> Actual | None:
    """``_read_all(text, target)`` for the texts described above, or None
    when every reader must be asked (other texts, a deadline target's Excel day
    number, an achievement target written as this very text)."""
    m = _QUICK.fullmatch(text)
    if m is None or text == "0/0" or to_simplified(text) != text:
        return None                       # (traditional characters: normalize() changes them)
    s = text.replace("％", "%") if "％" in text else text
    kind = target.kind if target is not None else None
    if kind == "achievement":
        return None                       # _tier (与指标值表述一致), _nothing_happened (0起 under 无事故)
    digits = m["digits"]
    if digits is None or kind == "deadline" or _YEAR_DATE.match(s):
        found = _date(text, s, target)
        if found is not None:
            return found
    if digits is None or "满意" in s:      # a lone number is no survey (yet): _survey wants two
        found = _survey(text, s, target)
        if found is not None:
            return found
    if kind == "deadline" and _EXCEL_SERIAL.fullmatch(s):
        return None
    q = None
    if digits is not None:   # the one number there is, where the pattern found it
        try:
            q = quantity_at(s, m.start("digits"), m.end("digits"))
        except NotAQuantity:
            pass             # _number reads it again and gives the reason
    return _number(text, s, target, q)


def parse_actual(text: str | None, target: Target | None = None) -> Actual:
    """Read a 实际完成值 against its parsed target. Never raises on user input.

    Read once per distinct (text, target) in a process: the engine reads a block's
    actuals and the checks read the same pairs again (an Actual is immutable, so one
    object serves both)."""
    try:
        found = _READINGS.get((text, target))
    except TypeError:            # an unhashable cell (a list from a spreadsheet reader)
        return _read(text, target)
    if found is None:
        if len(_READINGS) >= _READINGS_MAX:
            _READINGS.clear()    # bounded: a province's distinct texts, not its rows
        found = _READINGS[(text, target)] = _read(text, target)
    return found


_READINGS: dict[tuple, Actual] = {}
_READINGS_MAX = 1 << 16   # as parse_target_once; about 40 MB when full (0.6 KB a reading, measured)


def _read(text: str | None, target: Target | None) -> Actual:
    if type(text) is str:
        found = _quick_reading(text, target)
        if found is not None:
            return found
    return _read_all(text, target)


def _read_all(text: str | None, target: Target | None = None) -> Actual:
    """Every reader in turn, then a second try without a remark the readers pass over."""
    found = _read_in_turn(text, target)
    if found.kind != "unreadable" or not isinstance(text, str):
        return found
    return _with_remark(text, target) or found


# ``100%（完成）``, ``98%（问卷调查）``: a remark in brackets after the value, without digits.
_REMARK = re.compile(r"^(?P<value>.*\S)\((?P<note>[^()\d]{1,20})\)$")
# ``已完成，100%`` / ``100%，已完成``: the value beside a word saying it was done.
_BESIDE = re.compile(r"^(?P<a>[^,]+),(?P<b>[^,]+)$")


def _with_remark(text: str, target: Target | None) -> Actual | None:
    """An unreadable actual read again without a remark a reader passes over: a bracketed
    note after the value, or a completion word beside a number. Only ever a second try, so
    no reading that stands on its own changes."""
    s = normalize(text)
    m = _REMARK.match(s)
    if m is not None:
        unit = _read_in_turn(m["value"] + m["note"], target)   # 2100（人次）: the unit in brackets
        if unit.kind == "number" and unit.unit is not None and m["value"][-1].isdigit():
            return dataclasses.replace(unit, text=text)
        found = _read_in_turn(m["value"], target)
        if found.kind != "unreadable":
            note = f"忽略括号中的说明「{m['note']}」"
            return dataclasses.replace(found, text=text, reason=f"{found.reason}；{note}" if found.reason else note)
    m = _BESIDE.match(s)
    if m is not None:
        for word, value in ((m["a"], m["b"]), (m["b"], m["a"])):
            said = words.COMPLETION_WORDS.get(word)
            if said is None or not said[0] or not _DIGIT.search(value):
                continue
            found = _read_in_turn(value, target)
            if found.kind == "number":
                note = f"「{word}」是对数值的说明"
                return dataclasses.replace(found, text=text, reason=f"{found.reason}；{note}" if found.reason else note)
    return None


def _read_in_turn(text: str | None, target: Target | None = None) -> Actual:
    if text is None:
        return Actual(text="", kind="empty")
    if not isinstance(text, str):
        converted = _from_number(text)
        if converted is None:
            return _unreadable(str(text), "实际完成值不是文字或数字")
        text = converted
    s = normalize(text)
    if not s:
        return Actual(text=text, kind="empty")
    if s.lower() in words.NOT_A_NUMBER:
        return _unreadable(text, f"「{s}」不是有效数值")
    nothing = _nothing_happened(text, s, target)
    if nothing is not None:
        return nothing
    if s in words.NOT_APPLICABLE:
        return Actual(text=text, kind="not_applicable")
    if s in words.PLACEHOLDERS or _PLACEHOLDER.fullmatch(s):
        return _unreadable(text, f"「{text.strip()}」是占位符，不是实际完成值")
    kind = target.kind if target is not None else None
    # The word readers in turn, the first reading wins (an Actual is always true).
    if kind == "grade":
        found = _grade(text, s, target) or _tier(text, s, target) or _completion(text, s)
    else:
        found = (_yes_no(text, s, target) or _completion(text, s) or _tier(text, s, target)
                 or _grade(text, s, target))
    found = found or _date(text, s, target) or _survey(text, s, target)
    if found is not None:
        return found
    if kind == "deadline" and _EXCEL_SERIAL.fullmatch(s):
        iso = excel_serial(float(s))
        if iso is not None:
            return Actual(text=text, kind="date", date=iso, reason=f"按Excel日期序号理解：{s} → {iso}")
    if not _ANY_NUMERAL.search(s):
        loose = _loose_tier(text, s)
        if loose is not None:
            return loose
        return _unreadable(text, "无法识别的文字，请填写数值、日期、等级或达成情况")
    found = _number(text, s, target)
    if found.kind == "unreadable":
        loose = _loose_tier(text, s)
        if loose is not None:
            return loose
    return found
