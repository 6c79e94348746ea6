"""Readings every reader of a self-evaluation table makes, which the two grammars alone
cannot, because they need the target and the actual together. Each is flagged, so that
``perfscore check`` lists it and nothing lenient passes unseen (checks/result_checks.py):

- ``actual-restates-target``: the actual repeats the target's comparison (``≥95%`` under
  ``≥95%``, ``≥120米`` under ``≥120米``), or states a bound that meets it (``≥98%`` under
  ``≥95%``): read as met at that bound;
- ``judged``: a placeholder target (``一``, ``-``, ``/``, ``—``, ``——``: no preset target)
  with a judgement as the actual (达成, 部分达成, 未达成, 按时完成 …): scored by that judgement.
  Without a judgement the row needs review, saying what to write;
- ``unit-as-text``: a unit perfscore does not know (``≥500GB``, ``≥30项次``) compared when
  the target and the actual carry the same unit text;
- a text actual equal to a text target perfscore has no word for (``正常运行`` /
  ``正常运行``): met. Not flagged: the unit wrote exactly what it promised.

Only rows whose target or actual the grammars left unread (or not applicable) are looked
at again, each distinct (target, actual) pair once; every other row is untouched, so the
results of tables without such writings do not change.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from perfscore.scoring.parsing import Readings, actual_columns, read_values, target_columns
from perfscore.values import parse_actual, parse_target
from perfscore.values.text import normalize
from perfscore.values.types import Actual, Target

RESTATED = "actual-restates-target"
JUDGED = "judged"
UNIT_AS_TEXT = "unit-as-text"
FLAGS = (RESTATED, JUDGED, UNIT_AS_TEXT)
FLAG_PREFIX = "flag:"  # the flags ride in the Readings' columns to score_rows

# A target cell with only a dash or slash: the table had no preset target for the row.
PLACEHOLDER_TARGETS = frozenset({"一", "-", "--", "/", "—", "——", "———", "－", "–", "\\"})
_JUDGEMENTS = ("tier", "completion")
_UNIT_TAIL = re.compile(r"^(?P<head>.*\d)(?P<unit>[A-Za-z\u4e00-\u9fff]+)$")
_PLACEHOLDER_REASON = ("指标值「{t}」是占位符，表示该指标没有预设目标：请在实际完成值中写明评价"
                       "（达成、部分达成、未达成，或 按时完成、未完成），或由复核人评定得分")


def _restated(t: Target, actual: str, levels: tuple, year: int | None) -> Actual | None:
    """The actual written as a comparison: met at its bound when the bound meets the target."""
    if t.kind != "comparison" or t.op is None or t.value is None:
        return None
    a = parse_target(actual, level1=levels[0], level2=levels[1], level3=levels[2], year=year)
    if a.kind != "comparison" or a.inferred or a.value is None or a.per != t.per:
        return None
    if (a.unit, a.dimension) != (t.unit, t.dimension) and not (a.unit is None and a.dimension is None):
        return None
    same = a.op == t.op and a.value == t.value
    meets = ((t.op in (">=", ">") and a.op in (">=", ">") and a.value >= t.value)
             or (t.op in ("<=", "<") and a.op in ("<=", "<") and a.value <= t.value))
    if not (same or meets):
        return None
    why = (f"实际完成值「{actual}」重复了指标值，按恰好达到指标值计" if same
           else f"实际完成值「{actual}」只写了界限，按该界限计（已达到指标值）")
    return Actual(text=actual, kind="number", value=a.value, unit=t.unit, dimension=t.dimension,
                  per=t.per, reason=why)


def _unit_text(target: str, actual: str, levels: tuple, year: int | None) -> tuple[Target, Actual] | None:
    """``≥500GB`` with ``620GB``: the unit text cut from both, the numbers compared."""
    ts, as_ = normalize(target), normalize(actual)
    m = _UNIT_TAIL.match(ts)
    if m is None or not as_.endswith(m["unit"]) or not re.search(r"\d", as_[: -len(m["unit"])]):
        return None
    unit = m["unit"]
    t = parse_target(m["head"], level1=levels[0], level2=levels[1], level3=levels[2], year=year)
    if t.kind not in ("comparison", "range") or t.unit is not None:
        return None
    a = parse_actual(as_[: -len(unit)], t)
    if a.kind != "number":
        restated = _restated(t, as_[: -len(unit)], levels, year)
        if restated is None:
            return None
        a = restated
    note = f"单位「{unit}」不在单位表中，指标值与实际完成值写的是同一单位，按数值比较"
    t = Target(**{**{s: getattr(t, s) for s in Target.__slots__}, "text": target, "unit": unit,
                  "dimension": "text:" + unit, "reason": note})
    a = Actual(**{**{s: getattr(a, s) for s in Actual.__slots__ if s != "extra"}, "text": actual,
                  "unit": unit, "dimension": "text:" + unit})
    return t, a


def reread(target: str, actual: str, levels: tuple, year: int | None) -> tuple[Target, Actual, str] | str | None:
    """(target, actual, flag) read together; a reason text for a row that stays for review
    (a placeholder target without a judgement); None when nothing is to be added."""
    ts, as_ = normalize(target), normalize(actual)
    if ts in PLACEHOLDER_TARGETS:
        free = Target(text=target, kind="achievement", reason="指标值是占位符（无预设目标），按实际完成值中的评价计分")
        a = parse_actual(actual, free) if as_ else None
        if a is not None and a.kind in _JUDGEMENTS:
            return free, a, JUDGED
        return _PLACEHOLDER_REASON.format(t=target.strip())
    if not as_:
        return None
    t = parse_target(target, level1=levels[0], level2=levels[1], level3=levels[2], year=year)
    if t.kind == "comparison":
        a = _restated(t, actual, levels, year)
        return (t, a, RESTATED) if a is not None else None
    if t.kind == "unreadable":
        if ts == as_ and not re.search(r"\d", ts):
            same = Target(text=target, kind="achievement", reason="实际完成值与指标值的表述相同，按达成计")
            return same, Actual(text=actual, kind="tier", tier="达成", reason="与指标值的表述相同"), ""
        pair = _unit_text(target, actual, levels, year)
        if pair is not None:
            return pair[0], pair[1], UNIT_AS_TEXT
    return None


def apply(frame: pd.DataFrame, rd: Readings, year: int | None) -> dict[str, np.ndarray]:
    """Re-read, in place in ``rd``, the rows only a joint reading can read; return the flags."""
    n = len(frame)
    flags = {name: np.zeros(n, dtype=bool) for name in FLAGS}
    t_kind, a_kind = rd["t_kind"], rd["a_kind"]
    candidates = np.flatnonzero(np.isin(t_kind, ["unreadable", "not_applicable"])
                                | ((t_kind == "comparison") & (a_kind == "unreadable")))
    if not len(candidates):
        return flags
    target = frame["target"].to_numpy(dtype=object)[candidates]
    actual = frame["actual"].fillna("").astype(str).to_numpy(dtype=object)[candidates]
    levels = [frame[c].to_numpy(dtype=object)[candidates] for c in ("level1", "level2", "level3")]
    # Each distinct (target, actual, levels) is read once and written to all its rows at once.
    joined = pd.Series([f"{t}\x1f{a}\x1f{l1}\x1f{l2}\x1f{l3}" for t, a, l1, l2, l3
                        in zip(target, actual, *levels)], dtype=object)
    codes, _ = pd.factorize(joined, sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for group in np.split(order, bounds):
        first = int(group[0])
        result = reread(str(target[first]), str(actual[first]),
                        (levels[0][first], levels[1][first], levels[2][first]), year)
        if result is None:
            continue
        rows = candidates[group]
        if isinstance(result, str):
            rows = rows[t_kind[rows] == "unreadable"]  # a 不适用 mark (——) without a judgement stays not applicable
            rd.cols["t_reason"][rows] = result
            continue
        t, a, flag = result
        for k, v in target_columns([t]).items():
            rd.cols[k][rows] = v[0]
        for k, v in actual_columns([a], [t]).items():
            rd.cols[k][rows] = v[0]
        if flag:
            flags[flag][rows] = True
    return flags


def read_with_lenient(frame: pd.DataFrame, year: int | None) -> Readings:
    """:func:`perfscore.scoring.parsing.read_values`, then the joint readings, their flags
    stored as ``flag:<name>`` columns."""
    rd = read_values(frame, year)
    for name, mask in apply(frame, rd, year).items():
        rd.cols[FLAG_PREFIX + name] = mask
    return rd
