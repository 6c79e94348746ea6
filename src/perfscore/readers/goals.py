"""Department goals (部门整体绩效目标) → measurable indicators.

The department part of a 绩效文本 states its targets inside sentences:
``本年计划组织党员干部进行理论学习15次`` or ``…占工作任务的比例大于等于95%``. Each
number with a comparison word or a count noun becomes one indicator whose target is
written in the canonical form (``≥15次``, ``≥95%``); the clause it came from is kept as
the description, so a reader sees both. A sentence holding two targets gives two.

Reading rules (documented in docs/extract.md):

- ``大于等于 / 不少于 / 不低于 / 不小于 / 至少 / 达到 / ≥ N`` → ``≥N``;
  ``小于等于 / 不超过 / 不高于 / 不大于 / ≤ N`` → ``≤N``;
- ``N次以上`` → ``≥N次``, ``N次以内 / 以下`` → ``≤N次``;
- a bare ``N次`` (a count noun, never 年/月/日) → ``≥N次``: a planned count is a minimum;
- the 三级 name is the clause text before the number, without lead-ins such as 本年计划;
- 一级 is 产出指标; 二级 is 质量指标 for a percentage, 数量指标 for a count.
"""

from __future__ import annotations

import re

from perfscore.model import Indicator

# Count nouns a department goal counts in (never 年/月/日, so dates are not read as counts).
_COUNT = "人次|次|件|个|人|户|场|期|篇|份|册|项|家|所|辆|台|批|条|名|处|座|套|本|轮|起|课时|学时"
_NUM = r"\d+(?:\.\d+)?"
_UNIT = rf"(?:%|百分比|{_COUNT})"
_AT_LEAST = r"大于等于|不少于|不低于|不小于|至少|达到|≥|>="
_AT_MOST = r"小于等于|不超过|不高于|不大于|≤|<="
_STATEMENT = re.compile(
    rf"(?P<ge>{_AT_LEAST})\s*(?P<ge_n>{_NUM})\s*(?P<ge_u>{_UNIT})?"
    rf"|(?P<le>{_AT_MOST})\s*(?P<le_n>{_NUM})\s*(?P<le_u>{_UNIT})?"
    rf"|(?<![\d.第])(?P<n>{_NUM})\s*(?P<u>{_UNIT})(?P<tail>及以上|以上|以内|以下)?"
)
# Full-width ASCII (０-９, ％, ＞ …) → ASCII, one character for one, so match offsets stay valid.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_CLAUSE = re.compile(r"[，,；;。！!？?]")
_LEAD = re.compile(r"^(?:本年度?计划|本年|年内|全年|计划|力争|确保|共|累计)+")
_TRAIL = re.compile(r"(?:全年|年内|共计|累计|共|达到|的比例为|为)+$")


def _name(segment: str) -> str:
    name = segment.strip(" ：:、")
    name = _LEAD.sub("", name)
    name = _TRAIL.sub("", name)
    return name.strip(" ：:、")


def measurable_statements(text: str) -> list[tuple[str, str, str]]:
    """Every measurable statement in ``text`` as (name, target, clause), in order."""
    found: list[tuple[str, str, str]] = []
    for clause in _CLAUSE.split(text):
        clause = clause.strip()
        if not clause:
            continue
        scan = clause.translate(_HALF_WIDTH)
        start = 0
        for m in _STATEMENT.finditer(scan):
            if m.group("ge"):
                op, number, unit = "≥", m.group("ge_n"), m.group("ge_u") or ""
            elif m.group("le"):
                op, number, unit = "≤", m.group("le_n"), m.group("le_u") or ""
            else:
                tail = m.group("tail") or ""
                op = "≤" if tail in ("以内", "以下") else "≥"
                number, unit = m.group("n"), m.group("u")
            unit = "%" if unit == "百分比" else unit
            name = _name(clause[start:m.start()]) or _name(clause[: m.start()])
            found.append((name, f"{op}{number}{unit}", clause))
            start = m.end()
    return found


def goal_indicators(text: str, *, prefix: str, basis: str) -> list[Indicator]:
    """Indicators for the measurable statements of one goal text; ids ``<prefix>-01`` …"""
    out = []
    for n, (name, target, clause) in enumerate(measurable_statements(text), start=1):
        level2 = "质量指标" if target.endswith("%") else "数量指标"
        out.append(
            Indicator(
                id=f"{prefix}-{n:02d}",
                level1="产出指标",
                level2=level2,
                level3=name or clause,
                description=clause,
                target=target,
                basis=basis,
            )
        )
    return out
