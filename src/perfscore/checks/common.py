"""Shared helpers of the checks: indicator classes, project years, parsing once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from perfscore.checks.registry import Settings
from perfscore.model import Indicator, Project, Targets
from perfscore.values.target import parse_target_once

# `*`, `_`, `-`, `/` and the like typed where a value should be (占位符), in a target
# (placeholder-target) or an actual (placeholder-actual). An em dash `—` and `无` mean
# 不适用 (domain.md §3; the value grammar reads them so) and are not placeholders.
PLACEHOLDER_RE = re.compile(r"^[\s*＊_＿\-－/／.。…?？]*$")


def is_placeholder(text: str | None) -> bool:
    return PLACEHOLDER_RE.match(text or "") is not None


_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR_SPAN_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)\d{2}\s*年")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def norm(text: str | None) -> str:
    """Text compared as a reviewer would: no spaces, full-width folded by NFKC."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text or ""))


# Indicator classes by their 一级 / 二级 labels (domain.md §2); both taxonomies
# (成本 as 二级 under 产出, or as its own 一级 per 财预〔2021〕101号) are recognised.
# TargetsContext.frame applies the same tests column-wise (is_cost, is_quantity,
# is_sat, and is_benefit: 效益 in 一级/二级 or a 可持续影响 二级).
def is_cost(ind: Indicator) -> bool:
    return "成本" in ind.level2 or "成本" in ind.level1


def is_quantity(ind: Indicator) -> bool:
    return "数量" in ind.level2


def is_satisfaction(ind: Indicator) -> bool:
    return "满意" in ind.level1 or "满意" in ind.level2


def project_year(project: Project, default: int | None) -> tuple[int | None, str]:
    """The year a project's targets belong to, and where it came from.

    A project named ``2022年街道体制经费`` belongs to 2022 even inside the 2023
    document; a name with a span (``2023-2025年``) or several years says nothing
    definite, and then the document's year (预算年度) applies.
    """
    return name_year(project.name, default)


@lru_cache(maxsize=1 << 14)
def name_year(name: str, default: int | None) -> tuple[int | None, str]:
    """:func:`project_year` on a project name."""
    if not _YEAR_SPAN_RE.search(name or ""):
        years = {int(y) for y in _YEAR_RE.findall(name or "")}
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
    memo: dict = field(default_factory=dict)  # results shared by sibling checks
    # Several units' projects checked in one pass (a batch block): the unit of each project
    # (consecutive runs) and each unit's code. Checks that compare a unit's projects with
    # each other compare them within their unit only. None: the Targets are one unit.
    units: np.ndarray | None = None
    unit_codes: list[str | None] | None = None
    _codes: np.ndarray | None = None
    _uniques: list = field(default_factory=list)

    @cached_property
    def year(self) -> int | None:
        return self.targets.year

    @property
    def unit_count(self) -> int:
        if self.units is None:
            return 1
        return len(self.unit_codes) if self.unit_codes is not None else int(self.units.max(initial=0)) + 1

    def unit_of(self, pi: int) -> int:
        return 0 if self.units is None else int(self.units[pi])

    def unit_code(self, unit: int) -> str | None:
        """The unit's code, as the Targets of that unit alone would hold it."""
        return self.targets.unit.code if self.unit_codes is None else self.unit_codes[unit]

    @cached_property
    def years(self) -> list[tuple[int | None, str]]:
        return [project_year(p, self.year) for p in self.targets.projects]

    def parse(self, ind: Indicator, year: int | None):
        """The parsed 指标值 of ``ind`` (perfscore.values.parse_target, cached)."""
        return self._parse_key((ind.target, ind.level1, ind.level2, ind.level3, year))

    @cached_property
    def frame(self) -> pd.DataFrame:
        """One row per project indicator (input order) with what the checks test:
        the labels, the indicator class, and the parsed target's kind, operator,
        dimension and deadline year. Each distinct (target, labels, year) is parsed
        once; checks then work on column masks and visit only the rows they report."""
        projects = self.targets.projects
        pis = [pi for pi, p in enumerate(projects) for _ in p.indicators]
        iis = [ii for p in projects for ii in range(len(p.indicators))]
        inds = [ind for p in projects for ind in p.indicators]
        years = [self.years[pi][0] for pi in pis]

        def text(values) -> np.ndarray:
            return np.array(values, dtype=object) if values else np.array([], dtype=object)

        level1, level2 = text([i.level1 for i in inds]), text([i.level2 for i in inds])
        level3, target = text([i.level3 for i in inds]), text([i.target for i in inds])
        df = pd.DataFrame({
            "pi": np.asarray(pis, dtype=np.int64), "ii": np.asarray(iis, dtype=np.int64),
            "level1": level1, "level2": level2, "level3": level3, "target": target,
            "description": text([i.description for i in inds]),
            "year": pd.array(years, dtype="Int64"),
        })
        # Everything below is computed on distinct values and spread back by code.
        keys = pd.Series(list(zip(target, level1, level2, level3, years)), dtype=object)
        codes, uniques = pd.factorize(keys) if len(keys) else (np.zeros(0, np.int64), [])
        parsed = [self._parse_key(k) for k in uniques]
        self._codes = codes
        self._uniques = parsed

        def attr(name, default=None) -> np.ndarray:
            values = np.array([getattr(t, name) if getattr(t, name) is not None else default for t in parsed],
                              dtype=object)
            return values[codes] if len(codes) else np.array([], dtype=object)

        df["kind"] = attr("kind", "")
        df["op"] = attr("op", "")
        df["dim"] = attr("dimension", "")
        df["inferred"] = attr("inferred", False).astype(bool)
        deadline = np.array([int(t.deadline[:4]) if t.deadline else -1 for t in parsed], dtype=np.int64)
        df["deadline_year"] = pd.array(np.where(deadline[codes] >= 0, deadline[codes], 0), dtype="Int64") \
            if len(codes) else pd.array([], dtype="Int64")
        if len(codes):
            df.loc[deadline[codes] < 0, "deadline_year"] = pd.NA

        def per_distinct(column: np.ndarray, fn) -> np.ndarray:
            c, u = pd.factorize(pd.Series(column, dtype=object))
            values = np.array([fn(x) for x in u], dtype=object)
            return values[c] if len(c) else np.array([], dtype=object)

        df["n1"] = per_distinct(level1, norm)
        df["n3"] = per_distinct(level3, norm)
        labels = pd.Series(list(zip(level1, level2)), dtype=object)
        lc, lu = pd.factorize(labels) if len(labels) else (np.zeros(0, np.int64), [])
        flags = np.array([(("成本" in a or "成本" in b), "数量" in b, ("满意" in a or "满意" in b),
                           ("效益" in a or "效益" in b or "可持续" in b)) for a, b in lu], dtype=bool).reshape(-1, 4)
        for k, name in enumerate(("is_cost", "is_quantity", "is_sat", "is_benefit")):
            df[name] = flags[lc, k] if len(lc) else np.zeros(0, dtype=bool)
        return df

    def _parse_key(self, key):
        target, level1, level2, level3, year = key
        return parse_target_once(target, level1 or None, level2 or None, level3 or None, year)

    def target_at(self, row: int):
        """The parsed target of frame row ``row``."""
        _ = self.frame
        return self._uniques[self._codes[row]]

    def at(self, mask) -> Iterator[tuple[int, int, Project, int, Indicator, object]]:
        """(frame row, project index, project, indicator index, indicator, parsed target)
        for the rows under ``mask``, in input order."""
        df = self.frame
        pis, iis = df["pi"].to_numpy(), df["ii"].to_numpy()
        projects = self.targets.projects
        for r in np.flatnonzero(np.asarray(mask, dtype=bool)):
            pi, ii = int(pis[r]), int(iis[r])
            project = projects[pi]
            yield int(r), pi, project, ii, project.indicators[ii], self.target_at(r)
