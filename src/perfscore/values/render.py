"""Canonical text of a target and a short human reading of an actual.

``render_target`` writes the reading out explicitly: a bare number whose direction
was inferred is rendered with its operator (``50`` under 成本 → ``≤50``), money in
元, a resolved deadline as an ISO date. Parsing the canonical text gives back an
equal Target, apart from ``text``, ``inferred`` and ``reason`` (the notes on how
the printed form was read). A deadline that could not be resolved (no year) and
unreadable text render as the printed text itself.
"""

from __future__ import annotations

from perfscore.values.numerals import format_number
from perfscore.values.types import Actual, Target
from perfscore.values.text import normalize

OP_SYMBOL = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


def _per(per: tuple[str, ...]) -> str:
    return "".join(f"/{p}" for p in per)


def render_target(t: Target) -> str:
    # 月 as a unit is written 个月: ``1~12月`` would read back as January to December
    unit = "个月" if t.unit == "月" else t.unit or ""
    if t.kind == "comparison" and t.value is not None:
        number = format_number(t.value)
        if t.approx:
            return f"约{number}{unit}{_per(t.per)}"
        return f"{OP_SYMBOL[t.op or '>=']}{number}{unit}{_per(t.per)}"
    if t.kind == "range" and t.low is not None and t.high is not None:
        low, high = format_number(t.low), format_number(t.high)
        if unit in ("%", "‰"):
            return f"{low}{unit}~{high}{unit}{_per(t.per)}"
        return f"{low}~{high}{unit}{_per(t.per)}"
    if t.kind == "deadline" and t.deadline:
        return f"{t.deadline}前完成"
    if t.kind == "frequency" and t.value is not None and t.period:
        number = format_number(t.value)
        if t.approx:
            return f"每{t.period}约{number}{unit}"
        op = "" if t.op in (None, ">=") else OP_SYMBOL[t.op]
        return f"每{t.period}{op}{number}{unit}"
    if t.kind == "grade" and t.grade:
        return t.grade
    if t.kind == "not_applicable":
        return "不适用"
    if t.kind == "achievement":
        return normalize(t.text)
    return t.text


def describe_actual(a: Actual) -> str:
    """A short reading for reports: ``96 %``, ``2023-11-30``, ``良``, ``96/100 = 96.0 %``;
    ``近 600 人（略少于此数）`` for 近600人, which is not "about" 600 but just under it."""
    if a.kind == "number" and a.value is not None:
        text = format_number(a.value)
        if a.unit:
            text += f" {a.unit}{_per(a.per)}"
        if a.extra.get("near"):
            return f"近 {text}（略少于此数）"
        return f"约 {text}" if a.approx else text
    if a.kind == "survey" and a.survey is not None and a.value is not None:
        return f"{a.survey[0]}/{a.survey[1]} = {a.value:.1f} {a.unit or '%'}"
    if a.kind == "date" and a.date:
        return a.date
    if a.kind == "completion":
        if not a.completed:
            return "未完成"
        return {True: "按时完成", False: "逾期完成", None: "已完成"}[a.on_time]
    if a.kind == "grade" and a.grade:
        return a.grade
    if a.kind == "tier" and a.tier:
        return a.tier
    if a.kind == "not_applicable":
        return "不适用"
    if a.kind == "empty":
        return "未填写"
    return "无法识别"
