"""The shared core of both grammars: one number with what surrounds it.

``read_quantity("不超过25万元/季度")`` splits the text around its number into
descriptive words, an operator (symbol, word or suffix), an approximation mark,
the number with its scale (万, 亿, 千), a unit, a counted noun (``个社区``), the
per-denominators (``/月/社区``, ``每月``) and trailing words. Targets and actuals
apply their own rules to the pieces.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from perfscore.values.numerals import ARABIC, CHINESE, to_decimal
from perfscore.values.text import HAN
from perfscore.values.units import MONEY_UNIT, SPELLINGS, UNITS, Unit, lookup

# Operator words and symbols, by the operator they mean.
OP_WORDS: dict[str, tuple[str, ...]] = {
    ">=": ("≥", ">=", "=>", "大于等于", "大于或等于", "不少于", "不低于", "不小于", "至少", "达到", "达",
           "最低", "最少", "不得少于", "不得低于", "须达到", "需达到", "应达到", "提高到", "提高至",
           "提升到", "提升至", "增加到", "增加至", "增长到", "增长至", "达到或超过", "高于或等于", "≥="),
    "<=": ("≤", "<=", "=<", "小于等于", "小于或等于", "不超过", "不高于", "不大于", "不多于", "至多", "最多",
           "最高", "不得超过", "不得高于", "控制在", "控制到", "控制至", "降低到", "降低至", "降至",
           "下降到", "下降至", "减少到", "减少至", "压缩到", "压缩至", "低于或等于", "≤="),
    ">": (">", "大于", "高于", "超过", "多于", "超出"),
    "<": ("<", "小于", "低于", "少于", "不足"),
    "=": ("=", "==", "等于"),
}
OP_OF_WORD = {word: op for op, words in OP_WORDS.items() for word in words}
OP_ALT = "|".join(re.escape(w) for w in sorted(OP_OF_WORD, key=len, reverse=True))

NEAR_WORDS = ("近", "将近", "接近")
SUFFIX_OPS = {"以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<="}
APPROX_SUFFIX = ("左右", "上下")

_UNIT_ALT = "|".join(re.escape(s) for s in SPELLINGS)
_SCALES = {"百万": Decimal(10) ** 6, "千万": Decimal(10) ** 7, "万": Decimal(10) ** 4,
           "亿": Decimal(10) ** 8, "千": Decimal(1000), "百": Decimal(100)}

# Words after 每 that are longer than one character (每季度, 每社区); otherwise one character.
_EVERY_WORDS = "季度|年度|月度|学期|星期|半年|半月|双月|工作日|社区|小区|人次|户次|车次|单位|企业|学校"

_PRE = re.compile(
    rf"^(?P<every>(?:每(?:\d+|[两二三四五六七八九十半])?个?(?:{_EVERY_WORDS}|[{HAN}]))*)"
    rf"(?P<desc>[{HAN}()]*?)"
    rf"(?P<op>{OP_ALT})?"
    r"(?P<approx>约为|大约|约|将近|接近|近)?"
    r"(?P<pct>百分之)?"
    r"(?P<sign>[-+])?$"
)
_POST = re.compile(
    r"^(?P<more>余|多)?"
    r"(?P<scale>百万|千万|万|亿|千(?![克米瓦])|百(?!分))?"     # not the 千 of 千克 or the 百 of 百分比
    r"(?P<more2>余|多)?"
    rf"(?P<unit>{_UNIT_ALT})?"
    r"(?P<mid>(?:及)?(?:以上|以下|以内)(?=[\u4e00-\u9fff]))?"     # 5个以上社区: the suffix before the noun
    rf"(?P<noun>[{HAN}]{{1,8}}?)??"
    rf"(?P<per>(?:/[{HAN}A-Za-z·*×.]+?)+|(?:每[{HAN}]{{1,3}}?)+)?"
    r"(?P<suffix>(?:\(含\))?(?:及|或)?(?:以上|以下|以内|之内|内|左右|上下)(?:\(含\))?)?"
    r"(?P<tail>\(含\)|完成|完工|办结|到位|发放|解决|处理|答复|回复|整改|覆盖|为宜|即可|为止|为准)?$"
)
_NUM_CANDIDATES = re.compile(rf"{ARABIC}|{CHINESE}")
_PER_SPLIT = re.compile(r"[·*×.]")


@dataclass(frozen=True)
class Quantity:
    value: Decimal                 # in 元 for money, as written otherwise (scale applied)
    written: Decimal               # the number as written, before scale and unit factor
    unit: Unit | None
    per: tuple[str, ...]
    op: str | None                 # from a symbol or word before the number
    suffix_op: str | None          # from 以上 / 以下 / 以内 …
    approx: bool                   # 约 / 左右
    more: bool                     # 600余 / 600多
    near: bool                     # 近600 / 将近600: approximate and just under the number
    every: tuple[str, ...]         # leading 每X words (每季度, 每人每月)
    desc: str                      # descriptive words before the operator, ignored
    noun: str                      # counted noun after a classifier (个社区 → 社区)
    scaled: bool                   # a 万/亿/千/百 scale was written


class NotAQuantity(Exception):
    """The text is not one number with its unit; ``args[0]`` is the reason (Chinese)."""


def _canonical_word(word: str) -> str:
    """A denominator as one spelling: ``日`` and ``天`` are one unit, so is ``㎡``/``平方米``."""
    unit = lookup(word)
    return unit.name if unit else word


def _per_parts(text: str) -> tuple[str, ...]:
    if text.startswith("每"):
        return tuple(_canonical_word(p) for p in text.split("每") if p)
    parts: list[str] = []
    for token in text.strip("/").split("/"):
        for part in _PER_SPLIT.split(token):
            if not part:
                raise NotAQuantity(f"分母「{token}」不完整")
            parts.append(_canonical_word(part))
    for part in parts:
        if re.search(r"\d", part):
            raise NotAQuantity(f"分母「{part}」含有数字")
    return tuple(parts)


@dataclass(frozen=True)
class _Words:
    """What the words before and after a number say, whatever the number: read once per
    spelling (a province writes the same few dozen suffixes, 元/月/社区, 万元, %, around
    a million different numbers). The refusals are kept in the order ``quantity_at`` meets
    them, between the checks that need the number."""

    refused: str | None            # the words cannot be read at all
    negative: bool
    in_words: bool                 # words around (desc, noun, 每…): a Chinese numeral is part of them
    unit_refused: str | None       # the unit, 百分之 or a scale before a percent
    scale: Decimal | None
    factor: Decimal | None         # a money unit's factor to 元
    tail_refused: str | None       # the denominators, or a suffix said twice
    fields: dict | None            # the Quantity fields other than value and written


@functools.lru_cache(maxsize=4096)
def _words(pre_text: str, post_text: str) -> _Words:
    pre = _PRE.match(pre_text)
    post = _POST.match(post_text)
    if pre is None:
        return _Words(f"数字前的文字「{pre_text}」无法理解", False, False, None, None, None, None, None)
    if post is None:
        return _Words(f"数字后的文字「{post_text}」无法理解（不是已知单位）", False, False, None, None, None, None, None)
    in_words = bool(pre["desc"] or post["noun"] or pre["every"])
    unit = lookup(post["unit"])
    scale = post["scale"]
    noun = post["noun"] or ""
    unit_refused = None
    if noun and (unit is None or unit.dimension != "count"):
        unit_refused = f"无法识别的单位「{(post['unit'] or '') + noun}」"
    elif pre["pct"]:
        if unit is not None or scale:
            unit_refused = "「百分之」后不应再有单位"
        unit = UNITS["%"]
    factor = None
    if unit_refused is None:
        if unit is None and scale in ("万", "亿", "百万", "千万"):
            unit = MONEY_UNIT          # ``25万/季度``: 万 alone means 万元
        elif unit is not None and unit.dimension == "money":
            factor, unit = unit.factor, MONEY_UNIT
        elif unit is not None and scale and unit.dimension in ("percent", "permille"):
            unit_refused = "百分数前不应有「万/千/百」"
    tail_refused, fields = None, None
    try:
        per = _per_parts(post["per"]) if post["per"] else ()
    except NotAQuantity as exc:
        tail_refused = exc.args[0]
    if tail_refused is None:
        every = tuple(_canonical_word(w) for w in re.findall(r"每([^每]+)", pre["every"])) if pre["every"] else ()
        if post["mid"] and post["suffix"]:
            tail_refused = f"「{post['mid']}」与「{post['suffix']}」重复"
        elif post["mid"] and not noun:
            tail_refused = f"数字后的文字「{post_text}」无法理解"
        else:
            fields = _word_fields(pre, post, unit, per, every, noun, scale)
    return _Words(None, pre["sign"] == "-", in_words, unit_refused, _SCALES[scale] if scale else None, factor,
                  tail_refused, fields)


def quantity_at(text: str, start: int, end: int) -> Quantity:
    """``text`` (normalised) read as the number ``text[start:end]`` with the words around
    it; raise NotAQuantity with a reason."""
    words = _words(text[:start], text[end:])
    if words.refused:
        raise NotAQuantity(words.refused)
    number = to_decimal(text[start:end])
    if number is None:
        raise NotAQuantity(f"「{text[start:end]}」不是数字")
    if words.negative:
        number = -number
    if words.in_words and not text[start].isdigit() and text[start] != ".":
        # Chinese numerals inside words (一次性, 一站式, 一街一品) are not quantities:
        # a Chinese numeral is read only in a clean form such as 不少于五次.
        raise NotAQuantity(f"「{text}」中的「{text[start:end]}」是词语的一部分，不是数量")
    if words.unit_refused:
        raise NotAQuantity(words.unit_refused)
    value = number * words.scale if words.scale else number
    if words.factor is not None:
        value = value * words.factor
    if not math.isfinite(float(value)):
        raise NotAQuantity(f"数值「{text[start:end]}」过大")
    if words.tail_refused:
        raise NotAQuantity(words.tail_refused)
    # A frozen dataclass is built field by field through object.__setattr__ (≈ 1.5 µs);
    # giving the instance a copy of the words' dict gives the same object at a fifth of the cost.
    q = object.__new__(Quantity)
    state = words.fields.copy()
    state["value"] = value
    state["written"] = number
    object.__setattr__(q, "__dict__", state)
    return q


def _word_fields(pre, post, unit, per, every, noun, scale) -> dict:
    """The Quantity fields other than value and written, from the words around the number
    once they have been checked."""
    suffix = post["suffix"] or post["mid"] or ""
    suffix_core = re.sub(r"\(含\)|^及|^或", "", suffix)
    return dict(
        unit=unit,
        per=per,
        op=OP_OF_WORD.get(pre["op"]) if pre["op"] else None,
        suffix_op=SUFFIX_OPS.get(suffix_core),
        approx=bool(pre["approx"]) or suffix_core in APPROX_SUFFIX,
        more=bool(post["more"] or post["more2"]),
        near=pre["approx"] in NEAR_WORDS,
        every=every,
        desc=pre["desc"],
        noun=noun,
        scaled=bool(scale),
    )


def read_quantity(text: str) -> Quantity:
    """Read ``text`` (normalised) as one quantity; raise NotAQuantity with a reason."""
    candidates = [m for m in _NUM_CANDIDATES.finditer(text) if to_decimal(m.group()) is not None]
    if not candidates:
        raise NotAQuantity("没有数字")
    arabic = [m for m in candidates if re.match(r"[\d.]", m.group())]
    if len(arabic) > 1:
        raise NotAQuantity("含有多个数字")
    first_reason = None
    for m in arabic or candidates:
        try:
            return quantity_at(text, m.start(), m.end())
        except NotAQuantity as exc:
            first_reason = first_reason or exc.args[0]
    raise NotAQuantity(first_reason)
