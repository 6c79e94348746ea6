"""Numbers as they are written in budget tables: Arabic with decimals and thousands
separators (``1,000.5``), and Chinese numerals (``一百二十``, ``两``, ``一千零五``).

Values are returned as ``Decimal`` so that scaling (``1.82万`` → 18200) is exact
and a rendered number parses back to the very same float.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_DIGITS = "零一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_UNITS_SMALL = "十百千拾佰仟"
_UNITS_BIG = "万亿"
CHINESE = f"[{_DIGITS}{_UNITS_SMALL}{_UNITS_BIG}]+"
NUMBER = f"(?:{ARABIC}|{CHINESE})"

_DIGIT_VALUE = {
    "零": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL_VALUE = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_VALUE = {"万": 10_000, "亿": 100_000_000}

_ARABIC_RE = re.compile(ARABIC)


def chinese_to_int(text: str) -> int | None:
    """``一百二十`` → 120, ``十五`` → 15, ``一千零五`` → 1005, ``三万`` → 30000.

    Returns None when the characters do not form a well-made numeral
    (``一一``, ``万``), so that words such as ``一般`` never become numbers.
    """
    if not text:
        return None
    total = 0        # finished 万/亿 sections
    section = 0      # the current section below 万
    digit = None     # a digit waiting for its multiplier
    last_small = 10_000
    seen_value = False
    for ch in text:
        if ch in _DIGIT_VALUE:
            if digit is not None and digit != 0 and ch != "零":
                return None          # two digits in a row: 一一
            digit = _DIGIT_VALUE[ch]
            seen_value = True
        elif ch in _SMALL_VALUE:
            mult = _SMALL_VALUE[ch]
            if mult >= last_small:
                return None          # 百十 / 十十
            if digit is None:
                if mult != 10 or section:
                    if mult == 10 and section:
                        digit = 1
                    else:
                        return None
                else:
                    digit = 1        # a leading 十 means 一十
            section += digit * mult
            digit = None
            last_small = mult
            seen_value = True
        elif ch in _BIG_VALUE:
            if not seen_value:
                return None
            if digit:
                section += digit
            digit = None
            total = (total + section) * _BIG_VALUE[ch] if ch == "亿" else total + section * _BIG_VALUE[ch]
            section = 0
            last_small = 10_000
        else:
            return None
    if digit:
        section += digit
    if not seen_value:
        return None
    return total + section


def to_decimal(text: str) -> Decimal | None:
    """An Arabic or Chinese numeral as a Decimal; None if it is not one."""
    if _ARABIC_RE.fullmatch(text):
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid forms
            return None
    value = chinese_to_int(text)
    return None if value is None else Decimal(value)


def format_number(value: float) -> str:
    """Shortest positional text that reads back to the same float: 250000.0 → ``250000``."""
    value = float(value)   # repr of a numpy float is "np.float64(…)"
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text            # repr is already the shortest positional form (96.5, 0.001)
    text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
