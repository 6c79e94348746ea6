"""Text normalisation shared by the target and actual grammars.

Printed tables mix full-width and half-width forms (``９５％``, ``＞``, ``，``) and
stray spaces; NFKC folds the compatibility forms so that the grammar only has to
know one spelling of each digit and sign.
"""

from __future__ import annotations

import re
import unicodedata

# Characters NFKC leaves alone but which mean the same to a reader.
_FOLD = str.maketrans({
    "〜": "~", "～": "~", "∼": "~",
    "—": "—",          # keep the em dash: it is the 不适用 mark
    "–": "-", "‐": "-", "‑": "-", "−": "-", "﹣": "-",
    "⩾": "≥", "≧": "≥", "⩽": "≤", "≦": "≤",
    "•": "·", "・": "·", "‧": "·", "∙": "·",
    "〇": "零",
    "。": "", "；": "", ";": "",
})

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold widths (NFKC), unify look-alike signs, drop spaces and end punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    text = _SPACE.sub("", text)
    return text.strip(",.、:")


HAN = r"\u4e00-\u9fff"
