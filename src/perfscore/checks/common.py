"""Shared helpers of the checks: indicator classes, project years, parsing once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from perfscore.checks.registry import Settings
from perfscore.model import Indicator, Project, Targets

_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR_SPAN_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)\d{2}\s*年")
_SPACE_RE = re.compile(r"\s+")


def norm(text: str | None) -> str:
    """Text compared as a reviewer would: no spaces, full-width folded by NFKC."""
    import unicodedata

    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text or ""))


# Indicator classes by their 一级 / 二级 labels (domain.md §2); both taxonomies
# (成本 as 二级 under 产出, or as its own 一级 per 财预〔2021〕101号) are recognised.
def is_cost(ind: Indicator) -> bool:
    return "成本" in ind.level2 or "成本" in ind.level1


def is_quantity(ind: Indicator) -> bool:
    return "数量" in ind.level2


def is_timeliness(ind: Indicator) -> bool:
    return "时效" in ind.level2


def is_satisfaction(ind: Indicator) -> bool:
    return "满意" in ind.level1 or "满意" in ind.level2


def is_benefit(ind: Indicator) -> bool:
    return "效益" in ind.level1 or "效益" in ind.level2 or "可持续" in ind.level2


def project_year(project: Project, default: int | None) -> tuple[int | None, str]:
    """The year a project's targets belong to, and where it came from.

    A project named ``2022年街道体制经费`` belongs to 2022 even inside the 2023
    document; a name with a span (``2023-2025年``) or several years says nothing
    definite, and then the document's year (预算年度) applies.
    """
    if not _YEAR_SPAN_RE.search(project.name):
        years = {int(y) for y in _YEAR_RE.findall(project.name)}
        if len(years) == 1:
            return years.pop(), "name"
    return default, "document"


def label(project: Project, ind: Indicator | None = None) -> str:
    """How a finding names its place: 项目「…」, 三级指标「…」."""
    text = f"项目「{project.name or project.code}」"
    if ind is not None:
        text += f"三级指标「{ind.level3}」"
    return text


def fmt_num(value: float, decimals: int = 2) -> str:
    """A number for messages: at most ``decimals`` decimals, no trailing zeros."""
    text = f"{value:,.{decimals}f}".replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_money(amount: float, money_unit: str = "万元") -> str:
    """An amount in 元 shown in the document's money unit (万元 by default)."""
    if money_unit == "万元":
        return f"{fmt_num(amount / 1e4, 4)}万元"
    if money_unit == "亿元":
        return f"{fmt_num(amount / 1e8, 6)}亿元"
    return f"{fmt_num(amount)}元"


@dataclass
class TargetsContext:
    """What target checks read: the Targets, the settings, parsed targets (once each)."""

    targets: Targets
    settings: Settings
    _parsed: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # results shared by sibling checks

    @cached_property
    def year(self) -> int | None:
        return self.targets.year

    @cached_property
    def years(self) -> list[tuple[int | None, str]]:
        return [project_year(p, self.year) for p in self.targets.projects]

    def parse(self, ind: Indicator, year: int | None):
        """The parsed 指标值 of ``ind`` (perfscore.values.parse_target, cached)."""
        key = (ind.target, ind.level1, ind.level2, ind.level3, year)
        hit = self._parsed.get(key)
        if hit is None:
            from perfscore.values import parse_target

            hit = parse_target(ind.target, level1=ind.level1 or None, level2=ind.level2 or None,
                               level3=ind.level3 or None, year=year)
            self._parsed[key] = hit
        return hit

    def each_indicator(self):
        """(project index, project, indicator index, indicator, parsed target) in input order."""
        for pi, project in enumerate(self.targets.projects):
            year = self.years[pi][0]
            for ii, ind in enumerate(project.indicators):
                yield pi, project, ii, ind, self.parse(ind, year)
