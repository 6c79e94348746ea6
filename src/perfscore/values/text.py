"""Text normalisation shared by the target and actual grammars.

Printed tables mix full-width and half-width forms (``９５％``, ``＞``, ``，``) and
stray spaces; NFKC folds the compatibility forms so that the grammar only has to
know one spelling of each digit and sign.
"""

from __future__ import annotations

import re
import unicodedata

from perfscore.values.simplified import to_simplified

# Characters NFKC leaves alone but which mean the same to a reader.
_FOLD = str.maketrans({
    "〜": "~", "～": "~", "∼": "~",
    "—": "—",          # keep the em dash: it is the 不适用 mark
    "–": "-", "‐": "-", "‑": "-", "−": "-", "﹣": "-",
    "⩾": "≥", "≧": "≥", "⩽": "≤", "≦": "≤", "≽": "≥", "≼": "≤", "⪰": "≥", "⪯": "≤",
    "═": "=", "〓": "=", "꞊": "=", "⩵": "=",     # box-drawing and other look-alikes of =
    "•": "·", "・": "·", "‧": "·", "∙": "·",
    "〇": "零",
    "。": "", "；": "", ";": "",
})

_SPACE = re.compile(r"\s+")
# ``90%(百分比)``, ``90%(%)``: the unit said again in words, as budget systems export it.
_UNIT_ECHO = re.compile(r"%\((?:百分比|百分数|%)\)")
# Squared and cubed metres (NFKC turns ㎡ and m² into ``m2``): spelled out, so that the
# exponent is not read as a second number.
_POWER_UNITS = re.compile(r"(?<![A-Za-z])(?:(km)(2)|(m)([23]))(?!\d)")
_POWER_NAMES = {("km", "2"): "平方公里", ("m", "2"): "平方米", ("m", "3"): "立方米"}


def normalize(text: str) -> str:
    """Fold widths (NFKC), unify look-alike signs, traditional characters to simplified
    (達到 → 达到, 萬元 → 万元), drop spaces, a unit's spelled-out echo (``%(百分比)``) and
    end punctuation."""
    text = to_simplified(unicodedata.normalize("NFKC", text).translate(_FOLD))
    text = _SPACE.sub("", text)
    if "(" in text:
        text = _UNIT_ECHO.sub("%", text)
    if "m" in text:
        text = _POWER_UNITS.sub(lambda m: _POWER_NAMES[(m[1] or m[3], m[2] or m[4])], text)
    return text.strip(",、:")


HAN = r"\u4e00-\u9fff"
