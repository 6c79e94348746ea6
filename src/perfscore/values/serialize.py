"""JSON-ready views of readings (the output of ``perfscore parse``), with a stable key order."""

from __future__ import annotations

from collections.abc import Iterable

from perfscore.errors import UsageError
from perfscore.values.actual import parse_actual
from perfscore.values.render import describe_actual, render_target
from perfscore.values.target import MAX_YEAR, MIN_YEAR, as_year, parse_target
from perfscore.values.types import Actual, Target


def target_to_dict(t: Target) -> dict:
    return {
        "text": t.text,
        "kind": t.kind,
        "op": t.op,
        "value": t.value,
        "low": t.low,
        "high": t.high,
        "unit": t.unit,
        "dimension": t.dimension,
        "per": list(t.per),
        "deadline": t.deadline,
        "count_per_year": t.count_per_year,
        "period": t.period,
        "grade": t.grade,
        "ladder": list(t.ladder),
        "inferred": t.inferred,
        "approx": t.approx,
        "canonical": render_target(t),
        "reason": t.reason,
    }


def actual_to_dict(a: Actual) -> dict:
    return {
        "text": a.text,
        "kind": a.kind,
        "value": a.value,
        "unit": a.unit,
        "dimension": a.dimension,
        "per": list(a.per),
        "date": a.date,
        "completed": a.completed,
        "on_time": a.on_time,
        "grade": a.grade,
        "tier": a.tier,
        "survey": list(a.survey) if a.survey is not None else None,
        "approx": a.approx,
        "reading": describe_actual(a),
        "reason": a.reason,
    }


def explain(texts: Iterable[str], *, level1: str | None = None, level2: str | None = None,
            level3: str | None = None, year: int | None = None, actual: str | None = None) -> list[dict]:
    """What ``perfscore parse`` prints: each target's reading, and the actual read against it.

    An evaluation year outside MIN_YEAR–MAX_YEAR is a usage error here (exit 2), not a
    reading: on a table's row ``parse_target`` reads it as unreadable instead."""
    if year is not None and as_year(year) is None:
        raise UsageError(f"评价年度「{year}」不是有效年份（应在{MIN_YEAR}–{MAX_YEAR}之间）",
                         hint="--year 请写四位年份，如 --year 2023。")
    rows = []
    for text in texts:
        target = parse_target(text, level1=level1, level2=level2, level3=level3, year=year)
        row = target_to_dict(target)
        if actual is not None:
            row["actual"] = actual_to_dict(parse_actual(actual, target))
        rows.append(row)
    return rows
