"""Compare years (年度对比): line up two or more years of targets or results.

``compare(inputs)`` takes the years oldest first, each a :class:`Targets` (targets.json)
or an :class:`Evaluation` (results.json), and answers what a finance bureau asks when it
sets or reviews targets: was a target raised or quietly lowered, did a bigger budget buy
more, did the score move.

Matching (对应关系), weakest evidence last, and every item kept:

- projects: by 项目编码, then by 项目名称 with the year and ordinal prefixes stripped
  (``2022年街道体制经费`` ~ ``2023年街道体制经费``, ``（2）防疫工作经费`` ~ ``防疫工作经费``),
  never across different budget units;
- indicators, within a matched project: by (一级, 二级, 三级), then by 三级 alone, then by
  similarity (:func:`indicator_similarity`, at least :data:`SIMILARITY_THRESHOLD`). A
  similarity match is a guess, so each one is listed for a person to confirm;
- whatever is left is *new* (新增) in the later year or *dropped* (删除) from the earlier one.

Classification is done on parsed targets (``perfscore.values.parse_target``) in comparable
units: "raised" / "lowered" speak of the number (提高 / 降低); whether that is stricter or
looser (更严 / 更松) depends on the direction (a ≥ target raised is stricter, a ≤ cost
target raised is looser). A change of dimension or kind (percent → count, comparison →
grade, ≥ → ≤) is "kind_changed", never a raise.

This module only reads; it writes nothing (see ``perfscore.writers.compare_html``).
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal, Sequence

import pandas as pd

from perfscore.errors import FormatError, Location, UsageError
from perfscore.model import TARGETS_SCHEMA, Targets
from perfscore.scoring.evaluation import RESULTS_SCHEMA, SCORED, Evaluation
from perfscore.values import units
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

# Similarity fallback: the score of :func:`indicator_similarity` a pair must reach, and
# the least similarity of the 三级 names themselves (so that two unrelated indicators
# with copied descriptions are never paired). Chosen on the seed's renamed indicator
# 居民了解政策情况 → 居民了解政策程度 (score 0.79) against unrelated pairs of the same
# project such as 宣传品数量 / 居民满意度 (below 0.3).
SIMILARITY_THRESHOLD = 0.6
NAME_SIMILARITY_MIN = 0.5

# A cost target is flagged when its relative rise exceeds the budget's by more than this
# (relative), which leaves room for amounts rounded to the cent: the seed's
# 56.25万元 → 67.00万元 with 46875 → 55833.34 元/月 rises by the same 19.11 %.
COST_TOLERANCE = 0.01

# Relative tolerance under which two amounts are equal (printed values are rounded).
_EQUAL_RTOL = 1e-9


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

    def render_section(self) -> str:
        return render_comparison_section(self)


# --- public entry points -------------------------------------------------------------


def compare(inputs: Sequence[Targets | Evaluation], labels: Sequence[str] | None = None) -> Comparison:
    """Compare the years ``inputs`` (oldest first); ``labels`` name them (default: the year)."""
    if len(inputs) < 2:
        raise UsageError("年度对比至少需要两份输入（按年度从早到晚排列）")
    if labels is not None and len(labels) != len(inputs):
        raise UsageError(f"给出了{len(labels)}个标签，但有{len(inputs)}份输入")
    years = [_year_of(x) for x in inputs]
    known = [y for y in years if y is not None]
    if known != sorted(known):
        raise UsageError(
            "输入未按年度从早到晚排列：" + "、".join(str(y) for y in known),
            hint="请把较早年度的文件放在前面。",
        )
    names = list(labels) if labels is not None else default_labels(years)
    views = [_view(x, label) for x, label in zip(inputs, names)]
    return _build(views)


def default_labels(years: Sequence[int | None]) -> list[str]:
    """'2022年' for each known, distinct year; otherwise '第N份'."""
    unique = len(set(years)) == len(years) and None not in years
    return [f"{y}年" if unique else f"第{i + 1}份" for i, y in enumerate(years)]


def load_input(path: str | Path) -> Targets | Evaluation:
    """Read one year: a targets.json or results.json (told apart by its ``schema`` key),
    or any document ``perfscore extract`` reads (.docx, .txt, long table), read as targets.
    """
    from perfscore.extract import load_targets
    from perfscore.io import read_text

    if Path(path).suffix.lower() != ".json":
        return load_targets(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"不是有效的JSON（{exc.msg}）",
            location=Location(file=str(path), row=exc.lineno),
            hint="年度对比的输入应为 perfscore extract 生成的 targets.json 或 perfscore evaluate 生成的 results.json。",
        ) from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == TARGETS_SCHEMA:
        return load_targets(path)
    if schema == RESULTS_SCHEMA:
        return _load_results(path)
    raise FormatError(
        "无法识别的文件格式：schema 应为 perfscore.targets/1 或 perfscore.results/1",
        location=Location(file=str(path), column="schema", value=str(schema)),
        hint="年度对比的输入应为 targets.json（绩效目标）或 results.json（评分结果）。",
    )


def render_comparison_section(comparison: Comparison) -> str:
    """The comparison as an HTML fragment (escaped) for the year's report."""
    from perfscore.writers.compare_html import render_section

    return render_section(comparison)


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


# --- reading the inputs ----------------------------------------------------------------


def _load_results(path: str | Path) -> Evaluation:
    try:
        from perfscore.scoring.io import load_results
    except ImportError:
        raise FormatError(
            "本版本尚不能读取 results.json",
            location=Location(file=str(path)),
            hint="请改用 targets.json 进行对比。",
        ) from None
    return load_results(path)


def _year_of(x: Targets | Evaluation) -> int | None:
    if isinstance(x, Targets):
        return x.year
    if isinstance(x, Evaluation):
        y = x.meta.get("year")
        return int(y) if y not in (None, "") else None
    raise TypeError(f"compare() takes Targets or Evaluation, not {type(x).__name__}")


@lru_cache(maxsize=65536)
def _parse(text: str, level1: str, level2: str, level3: str, year: int | None) -> Target:
    from perfscore.values import parse_target

    return parse_target(text, level1=level1, level2=level2, level3=level3, year=year)


def _read_actual(text: str | None, target: Target) -> Actual | None:
    if text is None or not str(text).strip():
        return None
    from perfscore.values import parse_actual

    return parse_actual(str(text), target)


def _view(x: Targets | Evaluation, label: str) -> YearView:
    if isinstance(x, Targets):
        return _view_targets(x, label)
    return _view_results(x, label)


def _view_targets(t: Targets, label: str) -> YearView:
    projects = []
    for p in t.projects:
        inds = tuple(
            IndicatorView(
                id=i.id, level1=i.level1, level2=i.level2, level3=i.level3,
                description=i.description, target_text=i.target,
                target=_parse(i.target, i.level1, i.level2, i.level3, t.year),
            )
            for i in p.indicators
        )
        budget = p.funds.total if p.funds.total is not None else p.budget_full_year
        projects.append(ProjectView(
            code=p.code, name=p.name,
            unit_code=p.unit_code or t.unit.code, unit_name=p.unit_name or t.unit.name,
            budget=budget, indicators=inds,
        ))
    return YearView(label=label, year=t.year, has_results=False, projects=tuple(projects))


def _cell(value) -> str | None:
    """A DataFrame cell as text; None for NaN/None/empty."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    s = str(value)
    return s if s.strip() else None


def _num(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _view_results(ev: Evaluation, label: str) -> YearView:
    year = _year_of(ev)
    by_project: dict[str, list[IndicatorView]] = {}
    for row in ev.indicators.to_dict("records"):
        l1, l2, l3 = (_cell(row.get(k)) or "" for k in ("level1", "level2", "level3"))
        text = _cell(row.get("target")) or ""
        target = _parse(text, l1, l2, l3, year)
        actual_text = _cell(row.get("actual"))
        by_project.setdefault(str(row["project_code"]), []).append(IndicatorView(
            id=_cell(row.get("indicator_id")) or "", level1=l1, level2=l2, level3=l3,
            description=_cell(row.get("description")) or "", target_text=text, target=target,
            actual_text=actual_text, actual=_read_actual(actual_text, target),
            weight=_num(row.get("weight")), score=_num(row.get("score")),
            status=_cell(row.get("status")) or "",
        ))
    projects = []
    for row in ev.projects.to_dict("records"):
        code = str(row["project_code"])
        projects.append(ProjectView(
            code=code, name=_cell(row.get("project_name")) or "",
            unit_code=_cell(row.get("unit_code")), unit_name=_cell(row.get("unit_name")),
            budget=_num(row.get("budget")), indicators=tuple(by_project.pop(code, [])),
            total=_num(row.get("total")), grade=_cell(row.get("grade")),
        ))
    if by_project:  # indicators of a project missing from the projects table: keep them
        first = ev.indicators.drop_duplicates("project_code").set_index("project_code")
        for code, inds in by_project.items():
            projects.append(ProjectView(
                code=code, name=_cell(first.loc[code].get("project_name")) or code,
                unit_code=None, unit_name=None, budget=None, indicators=tuple(inds),
            ))
    dept = ev.department or {}
    return YearView(label=label, year=year, has_results=True, projects=tuple(projects),
                    department_total=_num(dept.get("total")), department_grade=_cell(dept.get("grade")))


# --- matching ----------------------------------------------------------------------------

_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}\s*(?:年度|年)?")
_ORDINAL_PREFIX = re.compile(
    r"^(?:[(（]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9]+\s*[.、．]|[一二三四五六七八九十]+\s*[、.．])"
)


def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width), no whitespace: how names are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


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


# --- classification ------------------------------------------------------------------------

_GE, _LE, _EQ = ("≥", "≤", "=")
_SENSE = {">=": _GE, ">": _GE, "<=": _LE, "<": _LE, "=": _EQ}

# Per-period denominators that convert exactly to a year (元/月 ↔ 元/年).
_PER_YEAR = {"月": 12.0, "季度": 4.0, "季": 4.0, "半年": 2.0, "年": 1.0}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_EQUAL_RTOL, abs_tol=1e-12)


def _unit_factor(src: Target, dst: Target) -> float | None:
    """Factor turning a value in ``src``'s unit into ``dst``'s; None when not comparable.

    Units convert only inside their dimension (元 ↔ 万元, % ↔ ‰, 公里 ↔ 米), by the
    grammar's own unit table; the per-denominators must agree or convert by period.
    """
    if src.unit is None or dst.unit is None:
        if src.unit != dst.unit or src.dimension != dst.dimension:
            return None
        factor = 1.0
    elif src.unit == dst.unit:
        factor = 1.0
    else:
        try:
            factor = units.convert(1.0, src.unit, dst.unit)
        except ValueError:  # different dimensions: never compared
            return None
    per = _per_factor(src.per, dst.per)
    return factor * per if per is not None else None


def _per_factor(src: tuple[str, ...], dst: tuple[str, ...]) -> float | None:
    """元/月 → 元/年 is ×12; identical denominators ×1; anything else not comparable."""
    src, dst = tuple(src or ()), tuple(dst or ())
    if src == dst:
        return 1.0
    if len(src) != len(dst):
        return None
    factor = 1.0
    for s, d in zip(src, dst):
        if s == d:
            continue
        if s in _PER_YEAR and d in _PER_YEAR:
            factor *= _PER_YEAR[s] / _PER_YEAR[d]
        else:
            return None
    return factor


def _unit_text(t: Target) -> str:
    unit = t.unit or ""
    return unit + "".join("/" + p for p in t.per)


def _deadline_offset(t: Target, year: int | None) -> int | None:
    """Days from 1 January of the input's year to the deadline (so 年底前 is alike every year)."""
    if not t.deadline:
        return None
    try:
        d = date.fromisoformat(t.deadline)
    except ValueError:
        return None
    base = date(year, 1, 1) if year is not None else date(1, 1, 1)
    return (d - base).days


def _pct(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+.2f}%"


def classify(before: IndicatorView, after: IndicatorView, year_before: int | None = None,
             year_after: int | None = None) -> tuple[Change, bool | None, float | None, str]:
    """(change, stricter, after/before ratio, note) for one matched indicator."""
    a, b = before.target, after.target
    arrow = f"{before.target_text} → {after.target_text}"
    if normalize(before.target_text) == normalize(after.target_text):
        return "unchanged", None, None, ""
    if {a.kind, b.kind} == {"frequency", "comparison"}:
        # 每季度1次 and ≥4次 both promise a count a year: compare them as such.
        ya, yb = _yearly_count(a), _yearly_count(b)
        if ya is not None and yb is not None:
            a, b = ya, yb
    if a.kind != b.kind:
        return "kind_changed", None, None, f"{arrow}：指标值类型改变"
    kind = a.kind
    if kind in ("comparison", "frequency", "range"):
        return _classify_numeric(a, b, arrow)
    if kind == "deadline":
        oa, ob = _deadline_offset(a, year_before), _deadline_offset(b, year_after)
        if oa is None or ob is None:
            return "changed", None, None, f"{arrow}：期限无法比较"
        if oa == ob:
            return "unchanged", None, None, f"{arrow}：相对年度的期限相同"
        later = ob > oa
        return ("raised" if later else "lowered"), (not later), None, \
            f"{arrow}：期限{'推后' if later else '提前'}{abs(ob - oa)}天（{'更松' if later else '更严'}）"
    if kind == "grade":
        if a.ladder and a.ladder == b.ladder and a.grade in a.ladder and b.grade in b.ladder:
            ia, ib = a.ladder.index(a.grade), b.ladder.index(b.grade)
            if ia == ib:
                return "unchanged", None, None, ""
            better = ib < ia  # the ladder is best first
            return ("raised" if better else "lowered"), better, None, \
                f"{arrow}：等级要求{'提高（更严）' if better else '降低（更松）'}"
        return "kind_changed", None, None, f"{arrow}：等级体系不同，无法比较"
    if kind == "not_applicable":
        return "unchanged", None, None, ""
    # achievement wording, unreadable: different words, no order between them
    return "changed", None, None, f"{arrow}：表述改变，无法比较高低"


def _yearly_count(t: Target) -> Target | None:
    """A frequency, or a ≥ count with no denominator, as a frequency (count a year)."""
    if t.kind == "frequency":
        return t
    if (t.kind == "comparison" and t.dimension == "count" and not t.per
            and _SENSE.get(t.op or "") == _GE and t.value is not None):
        return Target(text=t.text, kind="frequency", op=t.op, value=t.value, unit=t.unit,
                      dimension=t.dimension, count_per_year=t.value)
    return None


def _classify_numeric(a: Target, b: Target, arrow: str):
    factor = _unit_factor(a, b)
    if factor is None:
        return "kind_changed", None, None, \
            f"{arrow}：计量单位由「{_unit_text(a) or '无'}」改为「{_unit_text(b) or '无'}」，不可比较"
    if a.kind == "range":
        lows = (a.low * factor, b.low) if a.low is not None and b.low is not None else None
        highs = (a.high * factor, b.high) if a.high is not None and b.high is not None else None
        if lows is None or highs is None:
            return "changed", None, None, f"{arrow}：区间无法比较"
        if _close(*lows) and _close(*highs):
            return "unchanged", None, 1.0, ""
        if lows[1] >= lows[0] and highs[1] >= highs[0]:
            return "raised", None, None, f"{arrow}：区间整体提高"
        if lows[1] <= lows[0] and highs[1] <= highs[0]:
            return "lowered", None, None, f"{arrow}：区间整体降低"
        narrower = (highs[1] - lows[1]) < (highs[0] - lows[0])
        return "changed", (True if narrower else False), None, \
            f"{arrow}：区间{'收窄（更严）' if narrower else '放宽（更松）'}"
    if a.kind == "frequency":
        va, vb, sense = a.count_per_year, b.count_per_year, _GE
        factor = 1.0  # counts per year, whatever the period
    else:
        va, vb = a.value, b.value
        sa, sb = _SENSE.get(a.op or ""), _SENSE.get(b.op or "")
        if sa is None or sb is None:
            return "changed", None, None, f"{arrow}：方向无法识别"
        if sa != sb:
            return "kind_changed", None, None, f"{arrow}：方向由{sa}改为{sb}"
        sense = sa
    if va is None or vb is None:
        return "changed", None, None, f"{arrow}：数值无法识别"
    va = va * factor
    if _close(va, vb):
        return "unchanged", None, 1.0, (f"{arrow}：折算后相同" if factor != 1.0 else "")
    up = vb > va
    ratio = vb / va if va else None
    stricter = None if sense == _EQ else (up if sense == _GE else not up)
    amount = f"（{_pct(ratio)}）" if ratio is not None else ""
    tone = "" if stricter is None else ("，更严" if stricter else "，更松")
    conv = "，已折算为同一单位" if factor != 1.0 else ""
    return ("raised" if up else "lowered"), stricter, ratio, \
        f"{arrow}：数值{'提高' if up else '降低'}{amount}{tone}{conv}"


# --- flags ----------------------------------------------------------------------------------


def _is_cost(ind: IndicatorView) -> bool:
    return "成本" in ind.level1 or "成本" in ind.level2


def _not_above_last_actual(before: IndicatorView, after: IndicatorView) -> str | None:
    """A ≥ target no higher than what was already achieved last year (指标值设置偏低).

    Only ≥ targets and frequencies: a ≤ cost cap follows the budget (budget ÷ period),
    so last year's spending sits at or under it by design; cost targets are judged
    against the budget instead (``cost-up-more-than-budget``).
    """
    actual = before.actual_value
    t = after.target
    if actual is None or t.kind not in ("comparison", "frequency"):
        return None
    if t.kind == "frequency":
        value, factor = t.count_per_year, 1.0
    else:
        if _SENSE.get(t.op or "") != _GE:
            return None
        # last year's actual is in last year's target unit
        value, factor = t.value, _unit_factor(before.target, t)
    if value is None or factor is None:
        return None
    if value <= actual * factor:
        return f"本年指标值{after.target_text}未高于上年实际完成值{before.actual_text}"
    return None


def _cost_up_more(step: IndicatorStep, budget_ratio: float | None) -> str | None:
    before, after = step.before, step.after
    if (before is None or after is None or budget_ratio is None or step.ratio is None
            or step.change != "raised" or not _is_cost(after)
            or after.target.dimension != "money"):
        return None
    if step.ratio > budget_ratio * (1 + COST_TOLERANCE):
        return f"成本指标提高{_pct(step.ratio)}，预算变化{_pct(budget_ratio)}"
    return None


# --- building the comparison --------------------------------------------------------------


def _step(before: IndicatorView | None, after: IndicatorView | None, link: Link | None,
          yb: int | None, ya: int | None, budget_ratio: float | None) -> IndicatorStep:
    if before is None:
        return IndicatorStep(None, after, None, "new")
    if after is None:
        flags, notes = (), ()
        if before.missed:
            flags, notes = (FLAG_DROPPED_AFTER_MISSED,), (f"上年未完成（得分{before.score:g}/{before.weight:g}），本年删除",)
        return IndicatorStep(before, None, None, "dropped", flags=flags, flag_notes=notes)
    change, stricter, ratio, note = classify(before, after, yb, ya)
    if link is not None and link.needs_confirmation:
        note = (f"与上年「{before.level3}」名称相近（相似度{link.similarity:.2f}），请确认是同一指标" +
                (f"；{note}" if note else ""))
    step = IndicatorStep(before, after, link, change, stricter, ratio, note)
    flags, notes = [], []
    low = _not_above_last_actual(before, after)
    if low:
        flags.append(FLAG_NOT_ABOVE_LAST_ACTUAL)
        notes.append(low)
    cost = _cost_up_more(step, budget_ratio)
    if cost:
        flags.append(FLAG_COST_UP_MORE_THAN_BUDGET)
        notes.append(cost)
    if flags:
        step = IndicatorStep(before, after, link, change, stricter, ratio, note, tuple(flags), tuple(notes))
    return step


def _project_step(before: ProjectView | None, after: ProjectView | None, link: Link | None,
                  ind_steps: list[IndicatorStep]) -> ProjectStep:
    if before is None or after is None:
        return ProjectStep(before, after, link)
    ratio = None
    if before.budget and after.budget is not None:
        ratio = after.budget / before.budget
    flags, notes = [], []
    matched = [s for s in ind_steps if s.before is not None and s.after is not None]
    if (ratio is not None and ratio > 1 and not _close(ratio, 1.0) and matched
            and not any(s.stricter for s in ind_steps if s.after is not None)
            and not any(s.change == "new" for s in ind_steps)):
        flags.append(FLAG_BUDGET_UP_TARGETS_FLAT)
        notes.append(f"预算增加{_pct(ratio)}，没有新增指标，也没有指标要求更严")
    return ProjectStep(before, after, link, ratio, tuple(flags), tuple(notes))


def _build(years: list[YearView]) -> Comparison:
    n = len(years)
    tracks = [ProjectTrack([p] + [None] * (n - 1)) for p in years[0].projects]
    for pt in tracks:
        pt.indicators = [IndicatorTrack([i] + [None] * (n - 1)) for i in pt.members[0].indicators]
    for k in range(1, n):
        alive = [pt for pt in tracks if pt.members[k - 1] is not None]
        new_projects = list(years[k].projects)
        pairs = match_projects([pt.members[k - 1] for pt in alive], new_projects)
        links: dict[int, Link] = {}
        for i, j, link in pairs:
            alive[i].members[k] = new_projects[j]
            links[id(alive[i])] = link
        matched_new = {j for _, j, _ in pairs}
        for j, p in enumerate(new_projects):
            if j not in matched_new:
                pt = ProjectTrack([None] * n)
                pt.members[k] = p
                tracks.append(pt)
        for pt in tracks:
            _advance(pt, k, links.get(id(pt)), years)
    return Comparison(years=years, projects=tracks)


def _advance(pt: ProjectTrack, k: int, link: Link | None, years: list[YearView]) -> None:
    """Match pt's indicators from year k-1 to year k and record both steps."""
    before, after = pt.members[k - 1], pt.members[k]
    if before is None and after is None:
        pt.steps.append(None)
        for it in pt.indicators:
            it.steps.append(None)
        return
    budget_ratio = None
    if before is not None and after is not None and before.budget and after.budget is not None:
        budget_ratio = after.budget / before.budget
    yb, ya = years[k - 1].year, years[k].year
    alive = [it for it in pt.indicators if it.members[k - 1] is not None] if before else []
    new_inds = list(after.indicators) if after else []
    pairs = match_indicators([it.members[k - 1] for it in alive], new_inds) if (before and after) else []
    ilinks: dict[int, Link] = {}
    for i, j, ilink in pairs:
        alive[i].members[k] = new_inds[j]
        ilinks[id(alive[i])] = ilink
    matched_new = {j for _, j, _ in pairs}
    for j, ind in enumerate(new_inds):
        if j not in matched_new:
            it = IndicatorTrack([None] * len(pt.members), [None] * (k - 1))
            it.members[k] = ind
            pt.indicators.append(it)
    steps = []
    for it in pt.indicators:
        b, a = it.members[k - 1], it.members[k]
        if b is None and a is None:
            it.steps.append(None)
            continue
        st = _step(b, a, ilinks.get(id(it)), yb, ya, budget_ratio)
        it.steps.append(st)
        steps.append(st)
    pt.steps.append(_project_step(before, after, link, steps))


# --- the flat table (compare.csv) ---------------------------------------------------------

TABLE_COLUMNS = [
    "from_year", "to_year", "row_type",
    "project_code_before", "project_code_after", "project_name_before", "project_name_after",
    "project_match",
    "level1", "level2", "level3_before", "level3_after", "indicator_match", "similarity",
    "target_before", "target_after", "change", "change_zh", "stricter",
    "budget_before", "budget_after", "budget_change_pct",
    "actual_before", "score_before", "score_after", "weight_before", "weight_after",
    "total_before", "total_after", "grade_before", "grade_after",
    "flags", "note",
]


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """One row per project and per indicator for each step (year to next year)."""
    rows = []
    for s in range(len(comparison.years) - 1):
        fy, ty = comparison.step_labels(s)
        for pt in comparison.projects:
            pst = pt.steps[s]
            if pst is None:
                continue
            pb, pa = pst.before, pst.after
            rows.append({
                "from_year": fy, "to_year": ty, "row_type": "project",
                "project_code_before": pb.code if pb else "", "project_code_after": pa.code if pa else "",
                "project_name_before": pb.name if pb else "", "project_name_after": pa.name if pa else "",
                "project_match": pst.link.how if pst.link else pst.change,
                "change": pst.change, "change_zh": CHANGE_LABELS[pst.change],
                "budget_before": pb.budget if pb else None, "budget_after": pa.budget if pa else None,
                "budget_change_pct": round((pst.budget_ratio - 1) * 100, 2) if pst.budget_ratio else None,
                "total_before": pb.total if pb else None, "total_after": pa.total if pa else None,
                "grade_before": (pb.grade or "") if pb else "", "grade_after": (pa.grade or "") if pa else "",
                "flags": ";".join(pst.flags), "note": "；".join(pst.flag_notes),
            })
            for it in pt.indicators:
                st = it.steps[s]
                if st is None:
                    continue
                b, a = st.before, st.after
                ref = a or b
                rows.append({
                    "from_year": fy, "to_year": ty, "row_type": "indicator",
                    "project_code_before": pb.code if pb else "", "project_code_after": pa.code if pa else "",
                    "project_name_before": pb.name if pb else "", "project_name_after": pa.name if pa else "",
                    "project_match": pst.link.how if pst.link else pst.change,
                    "level1": ref.level1, "level2": ref.level2,
                    "level3_before": b.level3 if b else "", "level3_after": a.level3 if a else "",
                    "indicator_match": st.link.how if st.link else "",
                    "similarity": st.link.similarity if st.link else None,
                    "target_before": b.target_text if b else "", "target_after": a.target_text if a else "",
                    "change": st.change, "change_zh": change_label(st), "stricter": stricter_label(st.stricter),
                    "actual_before": (b.actual_text or "") if b else "",
                    "score_before": b.score if b else None, "score_after": a.score if a else None,
                    "weight_before": b.weight if b else None, "weight_after": a.weight if a else None,
                    "flags": ";".join(st.flags),
                    "note": "；".join(x for x in (st.note, *st.flag_notes) if x),
                })
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    text_cols = [c for c in TABLE_COLUMNS if c not in (
        "similarity", "budget_before", "budget_after", "budget_change_pct", "score_before",
        "score_after", "weight_before", "weight_after", "total_before", "total_after")]
    frame[text_cols] = frame[text_cols].fillna("")
    return frame
