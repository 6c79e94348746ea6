"""Traditional → simplified Chinese, for *reading* text from mirrored or Hong Kong / Taiwan
styled pages (萬元, 優, 預算, 績效目標表).

OpenCC's ``t2s`` dictionaries do the conversion: a maintained converter, not a hand-made
table. Callers use the result to recognise labels, units and grade words; the text shown to
users (a target as printed, a project name) stays as printed.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 16)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters; text that is already simplified (or has no
    Chinese at all) comes back unchanged. Cached: real tables repeat a few thousand strings."""
    if text.isascii():
        return text
    return _T2S.convert(text)
