"""The comparison's data: one year as compare sees it (``YearView``), items followed
across the years (``ProjectTrack`` / ``IndicatorTrack``) and what changed from one
year to the next (``ProjectStep`` / ``IndicatorStep``), with the Chinese words for
each change, flag and kind of match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from perfscore.scoring.evaluation import SCORED
from perfscore.values.types import Actual, Target

# --- vocabulary ------------------------------------------------------------------

Change = Literal["raised", "lowered", "unchanged", "new", "dropped", "kind_changed", "changed"]

# What a reader sees for each change id. "raised"/"lowered" are said of the number; a
# deadline and a grade get their own words (see ``change_label``).
CHANGE_LABELS: dict[str, str] = {
    "raised": "提高",
    "lowered": "降低",
    "unchanged": "未变",
    "new": "新增",
    "dropped": "删除",
    "kind_changed": "单位或类型改变",
    "changed": "表述改变",
}

# Flag ids (提示) and their Chinese wording.
FLAG_NOT_ABOVE_LAST_ACTUAL = "not-above-last-actual"
FLAG_BUDGET_UP_TARGETS_FLAT = "budget-up-targets-flat"
FLAG_COST_UP_MORE_THAN_BUDGET = "cost-up-more-than-budget"
FLAG_DROPPED_AFTER_MISSED = "dropped-after-missed"

FLAG_LABELS: dict[str, str] = {
    FLAG_NOT_ABOVE_LAST_ACTUAL: "指标值设置偏低：未高于上年实际完成值",
    FLAG_BUDGET_UP_TARGETS_FLAT: "预算增加，但没有任何指标提高要求",
    FLAG_COST_UP_MORE_THAN_BUDGET: "成本指标增幅超过预算增幅",
    FLAG_DROPPED_AFTER_MISSED: "上年未完成的指标本年被删除",
}

# How an item was matched to the previous year (对应方式).
LINK_LABELS: dict[str, str] = {
    "code": "项目编码相同",
    "name": "项目名称相同（去掉年度、序号）",
    "level3": "三级指标名称相同",
    "similarity": "名称相近（需人工确认）",
}

# Relative tolerance under which two amounts are equal (printed values are rounded).
_EQUAL_RTOL = 1e-9


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_EQUAL_RTOL, abs_tol=1e-12)


# --- the views of one year ----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    """One indicator of one year, as compare sees it (targets.json or results.json row)."""

    id: str
    level1: str
    level2: str
    level3: str
    description: str
    target_text: str
    target: Target
    actual_text: str | None = None
    actual: Actual | None = None
    weight: float | None = None
    score: float | None = None
    status: str | None = None

    @property
    def missed(self) -> bool | None:
        """未完成: scored below its full weight; None when the year has no results."""
        if self.status is None:
            return None
        if self.status != SCORED or self.score is None or self.weight is None:
            return False
        return self.score < self.weight - 1e-9

    @property
    def actual_value(self) -> float | None:
        """The actual as a number in the target's unit, when it was read as one."""
        a = self.actual
        if a is None or a.kind not in ("number", "survey") or a.value is None:
            return None
        return float(a.value)


@dataclass(frozen=True)
class ProjectView:
    """One project of one year."""

    code: str
    name: str
    unit_code: str | None
    unit_name: str | None
    budget: float | None          # 预算数 (元): 年初 in targets.json, 全年 in results.json
    indicators: tuple[IndicatorView, ...]
    total: float | None = None    # 总分 when results are given
    grade: str | None = None      # 自评等级


@dataclass(frozen=True)
class YearView:
    """One input: a year of targets or of results."""

    label: str
    year: int | None
    has_results: bool
    projects: tuple[ProjectView, ...]
    department_total: float | None = None
    department_grade: str | None = None

    @property
    def budget(self) -> float | None:
        amounts = [p.budget for p in self.projects if p.budget is not None]
        return sum(amounts) if amounts else None


# --- the comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """How an item was matched to the previous year's; ``similarity`` only for fallbacks."""

    how: Literal["code", "name", "level3", "similarity"]
    similarity: float | None = None

    @property
    def needs_confirmation(self) -> bool:
        return self.how == "similarity"


@dataclass(frozen=True)
class IndicatorStep:
    """An indicator from one year to the next."""

    before: IndicatorView | None
    after: IndicatorView | None
    link: Link | None                 # None for new / dropped
    change: Change
    stricter: bool | None = None      # True 更严, False 更松, None neither / cannot say
    ratio: float | None = None        # after / before for comparable numbers
    note: str = ""                    # Chinese: what changed and why it was classified so
    flags: tuple[str, ...] = ()
    flag_notes: tuple[str, ...] = ()  # one Chinese sentence per flag


@dataclass(frozen=True)
class ProjectStep:
    """A project from one year to the next."""

    before: ProjectView | None
    after: ProjectView | None
    link: Link | None
    budget_ratio: float | None = None   # after / before
    flags: tuple[str, ...] = ()
    flag_notes: tuple[str, ...] = ()

    @property
    def change(self) -> Change:
        if self.before is None:
            return "new"
        if self.after is None:
            return "dropped"
        b, a = self.before.budget, self.after.budget
        if b is None or a is None:
            return "unchanged"
        if _close(a, b):
            return "unchanged"
        return "raised" if a > b else "lowered"


@dataclass
class IndicatorTrack:
    """One indicator across the years: ``members[i]`` in year i (None when absent)."""

    members: list[IndicatorView | None]
    steps: list[IndicatorStep | None] = field(default_factory=list)  # len = years - 1

    @property
    def name(self) -> str:
        return next(m.level3 for m in reversed(self.members) if m is not None)


@dataclass
class ProjectTrack:
    """One project across the years, with its indicators."""

    members: list[ProjectView | None]
    steps: list[ProjectStep | None] = field(default_factory=list)
    indicators: list[IndicatorTrack] = field(default_factory=list)

    @property
    def name(self) -> str:
        return next(m.name for m in reversed(self.members) if m is not None)

    @property
    def code(self) -> str:
        return next(m.code for m in reversed(self.members) if m is not None)


@dataclass
class Comparison:
    """The years side by side. ``years[i]`` is input i; steps run from year i-1 to i."""

    years: list[YearView]
    projects: list[ProjectTrack]

    @property
    def labels(self) -> list[str]:
        return [y.label for y in self.years]

    def step_labels(self, i: int) -> tuple[str, str]:
        """The labels of step i (from year i to year i+1)."""
        return self.years[i].label, self.years[i + 1].label

    def fallback_matches(self) -> list[tuple[int, ProjectTrack, IndicatorTrack, IndicatorStep]]:
        """Every similarity match, for a person to confirm: (step, project, indicator, step)."""
        out = []
        for pt in self.projects:
            for it in pt.indicators:
                for s, st in enumerate(it.steps):
                    if st is not None and st.link is not None and st.link.needs_confirmation:
                        out.append((s, pt, it, st))
        return out

    def flagged(self) -> list[tuple[int, ProjectTrack, IndicatorTrack | None, str, str]]:
        """Every flag raised: (step, project, indicator or None, flag id, note)."""
        out = []
        for pt in self.projects:
            for s, st in enumerate(pt.steps):
                if st is not None:
                    out += [(s, pt, None, f, n) for f, n in zip(st.flags, st.flag_notes)]
            for it in pt.indicators:
                for s, ist in enumerate(it.steps):
                    if ist is not None:
                        out += [(s, pt, it, f, n) for f, n in zip(ist.flags, ist.flag_notes)]
        out.sort(key=lambda t: t[0])  # stable: project order kept within a step
        return out


def change_label(step: IndicatorStep) -> str:
    """The Chinese word for a step's change, in the target's own terms."""
    target = (step.after or step.before).target if (step.after or step.before) else None
    kind = target.kind if target is not None else None
    if step.change in ("raised", "lowered") and kind == "deadline":
        return "期限推后" if step.change == "raised" else "期限提前"
    if step.change in ("raised", "lowered") and kind == "grade":
        return "等级要求提高" if step.change == "raised" else "等级要求降低"
    return CHANGE_LABELS[step.change]


def stricter_label(stricter: bool | None) -> str:
    return {True: "更严", False: "更松", None: ""}[stricter]
