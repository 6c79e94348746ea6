"""Matching (对应关系) of projects and indicators between two consecutive years.

Projects: by 项目编码, then by 项目名称 without its year and ordinal prefixes, never
across budget units. Indicators within a matched project: by (一级, 二级, 三级), by 三级,
then by similarity (:func:`indicator_similarity`) — a guess a person must confirm.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from perfscore.comparison.model import IndicatorView, Link, ProjectView

# Similarity fallback: the score of :func:`indicator_similarity` a pair must reach, and
# the least similarity of the 三级 names themselves (so that two unrelated indicators
# with copied descriptions are never paired). Chosen on the seed's renamed indicator
# 居民了解政策情况 → 居民了解政策程度 (score 0.79) against unrelated pairs of the same
# project such as 宣传品数量 / 居民满意度 (below 0.3).
SIMILARITY_THRESHOLD = 0.6
NAME_SIMILARITY_MIN = 0.5


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}\s*(?:年度|年)?")
_ORDINAL_PREFIX = re.compile(
    r"^(?:[(（]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9]+\s*[.、．]|[一二三四五六七八九十]+\s*[、.．])"
)


_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # names repeat across projects and years
def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width), no whitespace: how names are compared."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def project_key(name: str) -> str:
    """A project name without leading ordinals and year: （2）防疫工作经费 → 防疫工作经费."""
    s = normalize(name)
    while True:
        stripped = _ORDINAL_PREFIX.sub("", s, count=1)
        stripped = _YEAR_PREFIX.sub("", stripped, count=1)
        if stripped == s or not stripped:
            return s
        s = stripped


def _same_unit(a: ProjectView, b: ProjectView) -> bool:
    # Never pair projects of two different budget units (预算单位).
    if a.unit_code and b.unit_code:
        return normalize(a.unit_code) == normalize(b.unit_code)
    if a.unit_name and b.unit_name:
        return normalize(a.unit_name) == normalize(b.unit_name)
    return True


def _ratio(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def indicator_similarity(a: IndicatorView, b: IndicatorView) -> float:
    """How alike two indicators are, 0..1: 0.6 × 三级 name + 0.25 × description + 0.15 × same 二级.

    Without a description on either side the name weighs 0.8 and 二级 0.2. A pair whose names
    are less than :data:`NAME_SIMILARITY_MIN` alike scores 0.
    """
    name = _ratio(normalize(a.level3), normalize(b.level3))
    if name < NAME_SIMILARITY_MIN:
        return 0.0
    same_l2 = 1.0 if normalize(a.level2) == normalize(b.level2) else 0.0
    da, db = normalize(a.description), normalize(b.description)
    if da and db:
        return 0.6 * name + 0.25 * _ratio(da, db) + 0.15 * same_l2
    return 0.8 * name + 0.2 * same_l2


def _match_exact(prev: list, new: list, key, used_prev: set, used_new: set, how: str, ok=None):
    """Pair items with equal keys, first come first served (deterministic)."""
    waiting: dict[str, list[int]] = {}
    for i, item in enumerate(prev):
        if i not in used_prev:
            k = key(item)
            if k:
                waiting.setdefault(k, []).append(i)
    pairs = []
    for j, item in enumerate(new):
        if j in used_new:
            continue
        for i in waiting.get(key(item), []):
            if i not in used_prev and (ok is None or ok(prev[i], item)):
                used_prev.add(i)
                used_new.add(j)
                pairs.append((i, j, Link(how)))
                break
    return pairs


def match_projects(prev: list[ProjectView], new: list[ProjectView]) -> list[tuple[int, int, Link]]:
    """Pairs (index in prev, index in new, link): by code, then by stripped name."""
    used_p: set[int] = set()
    used_n: set[int] = set()
    pairs = _match_exact(prev, new, lambda p: normalize(p.code), used_p, used_n, "code", _same_unit)
    pairs += _match_exact(prev, new, lambda p: project_key(p.name), used_p, used_n, "name", _same_unit)
    return pairs


def match_indicators(prev: list[IndicatorView], new: list[IndicatorView]) -> list[tuple[int, int, Link]]:
    """Pairs (index in prev, index in new, link): by 一级/二级/三级, by 三级, then by similarity."""
    used_p: set[int] = set()
    used_n: set[int] = set()
    full = lambda i: "\x1f".join(normalize(x) for x in (i.level1, i.level2, i.level3))  # noqa: E731
    pairs = _match_exact(prev, new, full, used_p, used_n, "level3")
    pairs += _match_exact(prev, new, lambda i: normalize(i.level3), used_p, used_n, "level3")
    # Similarity fallback: best pairs first; ties broken by position so the result is stable.
    candidates = []
    for i, a in enumerate(prev):
        if i in used_p:
            continue
        for j, b in enumerate(new):
            if j in used_n:
                continue
            s = indicator_similarity(a, b)
            if s >= SIMILARITY_THRESHOLD:
                candidates.append((-s, i, j))
    for neg, i, j in sorted(candidates):
        if i not in used_p and j not in used_n:
            used_p.add(i)
            used_n.add(j)
            pairs.append((i, j, Link("similarity", round(-neg, 4))))
    return pairs
