"""Parsed target (指标值) and actual (实际完成值) values: the contract between the
grammar (``perfscore.values``) and everything that reads its results.

Normalisation rules, so that every consumer compares like with like:

- money is held in 元 (unit ``"元"``): ``25万`` → 250000.0;
- percentages as percent numbers (unit ``"%"``): ``95%`` → 95.0; ``‰`` stays its own unit
  (``"‰"``) and converts to % by /10 when compared;
- counts keep their noun as unit (``"个"``, ``"人次"``); physical units keep theirs, with
  conversion inside a dimension (公里/米, 吨/千克, 天/小时 …);
- ``per`` is the tuple of denominators after the first ``/`` (``元/月/社区`` → ("月", "社区")).
"""

from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass, field
from typing import Literal

TargetKind = Literal[
    "comparison",      # ≥ ≤ = > < with a number (also a bare number, direction inferred)
    "range",           # low–high
    "deadline",        # a date by which something is done
    "frequency",       # a count per period → count_per_year, scored as ≥
    "grade",           # a rung of an ordered ladder (优/良/中/差 …)
    "achievement",     # qualitative wording scored by tiers (达成预期指标, 及时 …)
    "not_applicable",  # 不适用, 无, —
    "unreadable",      # anything else; ``reason`` says why
]

ActualKind = Literal[
    "number",          # value (in the target's unit when a target was given)
    "date",            # ISO date in ``date``
    "completion",      # 按时完成 / 已完成 / 未完成 → ``completed``, ``on_time``
    "grade",           # a ladder word → ``grade``
    "tier",            # 达成 / 部分达成 / 未达成 → ``tier``
    "survey",          # satisfied / respondents → ``value`` (percent), ``survey``
    "not_applicable",
    "empty",           # nothing written
    "unreadable",      # ``reason`` says why; never guessed
]

Op = Literal[">=", "<=", "=", ">", "<"]

# The three qualitative tiers of 财预〔2020〕10号, best first.
TIERS = ("达成", "部分达成", "未达成")


@dataclass(frozen=True, slots=True)
class Target:
    """A 指标值 as perfscore reads it."""

    text: str
    kind: TargetKind
    op: Op | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    dimension: str | None = None        # money, percent, permille, count, length, area, mass, time, …
    per: tuple[str, ...] = ()
    deadline: str | None = None         # ISO date, resolved against the year
    count_per_year: float | None = None
    period: str | None = None           # frequency period as written: 季度, 月, 年 …
    grade: str | None = None
    ladder: tuple[str, ...] = ()        # the grade's ladder, best first
    inferred: bool = False              # direction inferred from the indicator class / name
    approx: bool = False
    reason: str | None = None           # why unreadable, or a note on the reading


@dataclass(frozen=True, slots=True)
class Actual:
    """A 实际完成值 as perfscore reads it, in the target's unit where one applies."""

    text: str
    kind: ActualKind
    value: float | None = None
    unit: str | None = None
    dimension: str | None = None
    per: tuple[str, ...] = ()
    date: str | None = None
    completed: bool | None = None
    on_time: bool | None = None
    grade: str | None = None
    tier: str | None = None
    survey: tuple[int, int] | None = None   # (satisfied, respondents)
    approx: bool = False
    reason: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


# The __init__ dataclasses generates for a frozen class stores each field through
# object.__setattr__ (≈ 2 µs for Actual's 15 fields); a province builds an Actual and a
# Target for each of ≈ 10⁶ distinct values. Storing through each slot's descriptor gives
# the very same instance in about half the time (tests/test_values_speed_paths.py builds
# each class again with dataclasses' own __init__ and compares).


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


def _slot_init(cls: type) -> None:
    fields = dataclasses.fields(cls)
    if (hasattr(cls, "__post_init__")
            or any(not f.init or f.kw_only or not isinstance(getattr(cls, f.name, None), types.MemberDescriptorType)
                   for f in fields)):
        return                      # a shape this helper does not handle: keep dataclasses' own
    namespace: dict[str, object] = {"_FACTORY": _Factory()}
    params, body = [], []
    for f in fields:
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            body.append(f"    _set_{f.name}(self, {f.name})")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            body.append(f"    _set_{f.name}(self, _factory_{f.name}() if {f.name} is _FACTORY else {f.name})")
        else:
            params.append(f.name)
            body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init


_slot_init(Target)
_slot_init(Actual)
