"""The report's view model: turns an Evaluation (read only) into plain objects
holding the formatted text the template prints.

All formatting and every decision about what a reader sees (labels, the
arithmetic sentences, which rows need attention) lives here, so the jinja2
template stays a layout and the logic stays testable. Nothing here reads the
clock or the file system; order always follows the Evaluation's own order.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from markupsafe import Markup

from perfscore.comparison import compare
from perfscore.model import Finding, Project, Targets
from perfscore.scoring.evaluation import NEEDS_REVIEW, NOT_APPLICABLE, SCORED, Evaluation
from perfscore.writers import svg
from perfscore.writers.compare_html import render_section as render_comparison_section
from perfscore.writers.compare_html import section_css
from perfscore.writers.report_format import (
    DASH,
    GRADE_BANDS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    check_title,
    fixed,
    flag_label,
    flag_list,
    format_label,
    grade_class,
    is_missing,
    pct,
    pct_number,
    text,
    wan,
)

# Above this many projects one bar per project is unreadable: the totals chart
# becomes a histogram of totals.
MAX_BARS = 40

GRADE_FILLS = {"优": "#2f855a", "良": "#2b6cb0", "中": "#c05621", "差": "#c53030"}
NO_GRADE_FILL = "#a0aec0"
# Charts are drawn at this width (px): two fit side by side on a screen, and one
# fits the width of an A4 page.
CHART_WIDTH = 560
PLAN_FILL = "#9fb3c8"
ACTUAL_FILL = "#2c7a7b"
BLOCK_FILL = "#3c6e9f"

# Two printed numbers are "the same" when they differ by less than half a cent of
# a point (scores are rounded to 2 decimals).
_TOLERANCE = 0.006


# --- plain view objects ----------------------------------------------------------


@dataclass(slots=True)
class IndicatorRow:
    level1: str
    level2: str
    level3: str
    level1_span: int          # rows the 一级 cell spans; 0 = covered by the row above
    level2_span: int
    target: str
    target_reading: str       # how perfscore read the target, when it differs from the print
    actual: str
    actual_reading: str
    weight: str
    score: str
    status: str
    status_label: str
    arithmetic: str
    review_reason: str
    flags: list[str]
    reason: str
    evidence: str
    missed: bool              # scored below its full weight (未满分)

    @property
    def row_class(self) -> str:
        classes = [f"st-{self.status.replace('_', '-')}"]
        if self.missed:
            classes.append("missed")
        return " ".join(classes)


@dataclass
class FindingRow:
    severity: str
    check: str                # the check's Chinese title (检查项)
    check_id: str             # its id, shown small: the name a profile's [checks] table uses
    message: str
    project: str
    indicator: str
    source: str


@dataclass
class FindingGroup:
    severity: str
    label: str
    rows: list[FindingRow]


@dataclass
class MonitorRow:
    checkpoint: str
    planned: str
    actual: str
    lag: str                  # '滞后 5.00%' / '超前 2.40%' / '0.00%' / '—'
    lagging: bool


@dataclass
class BlockPart:
    label: str
    score: str
    weight: str


@dataclass
class ProjectView:
    index: int
    anchor: str
    code: str
    name: str
    unit: str
    initial_budget: str       # 年初预算数 (万元)
    fiscal: str               # 其中：财政资金 (年初, 万元)
    other: str                # 其他资金 (年初, 万元)
    has_fund_split: bool
    budget: str               # 全年预算数
    executed: str             # 全年执行数
    exec_weight: str
    exec_rate: str
    exec_score: str
    exec_arithmetic: str
    exec_reason: str          # 偏差原因 of the execution row, when given
    goals: list[str]
    goals_actual: str
    goals_actual_generated: bool
    rows: list[IndicatorRow]
    blocks: list[BlockPart]
    total: str
    grade: str
    grade_class: str
    total_arithmetic: str
    notes: str                # the engine's notes on the project (执行率、折算、暂定 …)
    incomplete: bool          # total is provisional: rows need review or execution missing
    n_indicators: int
    n_missed: int
    n_review: int
    n_na: int
    monitoring: list[MonitorRow]
    findings: list[FindingRow]
    block_scores: list[str] = field(default_factory=list)   # for the summary table


@dataclass
class ReviewIndicatorRow:
    """One reviewed indicator of the section 复核结果与自评偏差."""

    project: str
    code: str
    indicator_id: str
    level3: str
    weight: str
    actual: str               # 自评完成值
    review_actual: str        # 复核完成值 ('' when none)
    self_score: str
    review_score: str
    deviation: str            # 自评偏差 = 自评得分 − 复核得分
    deviation_class: str      # dev-pos (self above review) / dev-neg / dev-zero
    method: str               # how the review score came about, in words
    comment: str              # 复核意见


@dataclass
class ReviewProjectRow:
    name: str
    code: str
    self_total: str
    self_grade: str
    review_total: str
    review_grade: str
    deviation: str
    deviation_class: str
    reviewed: int             # indicators the reviewer filled something in for


@dataclass
class ReviewSection:
    """复核结果与自评偏差: what ``perfscore review --merge`` found, per indicator,
    project and department (自评偏差 = self − review)."""

    source: str
    n_reviewed: int
    n_rescored: int
    n_scored: int
    n_unreviewed: int
    self_total: str
    self_grade: str
    review_total: str
    review_grade: str
    deviation: str
    deviation_class: str
    projects: list[ReviewProjectRow]
    indicators: list[ReviewIndicatorRow]


# The report shows two department scores; each is always printed under its own label so
# that a reader cannot take one for the other (the card vs 部门整体支出绩效自评表).
DEPARTMENT_LABEL = "部门整体得分（项目按预算加权）"
DEPARTMENT_GOALS_LABEL = "部门整体绩效目标得分（分项目标）"


@dataclass
class ReportView:
    title: str
    unit_name: str
    unit_code: str
    year: str
    as_of: str
    profile: str
    sources: list[tuple[str, str]]
    total: str
    grade: str
    grade_class: str
    budget: str
    executed: str
    exec_rate: str
    n_projects: int
    n_indicators: int
    n_scored: int
    n_na: int
    n_review: int
    n_missed: int
    severity_counts: list[tuple[str, str, int]]
    blocks: list[str]
    show_unit_column: bool
    projects: list[ProjectView]
    chart_totals: Markup
    chart_totals_title: str
    chart_blocks: Markup
    chart_monitoring: Markup | None
    monitoring_note: str
    findings: list[FindingGroup]
    department_table: DepartmentTable | None
    profile_description: str
    weighting_note: str
    grade_counts: list[tuple[str, int]]
    n_incomplete: int
    review_policy: str
    comparison: Markup | None       # the year comparison section (perfscore.comparison)
    comparison_css: Markup | None
    version: str
    review: ReviewSection | None = None   # merged review results (perfscore review --merge)
    department_label: str = DEPARTMENT_LABEL
    department_goals_label: str = DEPARTMENT_GOALS_LABEL


# --- helpers ---------------------------------------------------------------------


def _float(value: object) -> float | None:
    if is_missing(value):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) else result


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    # What to_dict("records") gives, without its per-cell dispatch: the frame as one object
    # array (numpy scalars become Python ones, as Series.tolist boxes them), missing cells
    # of extension columns as None (as to_dict gives a missing Int64). A unit's three
    # frames took 1.0 ms column by column, 0.9 ms so (tests/test_report_rows.py holds the records to the columns' values).
    columns = list(frame.columns)
    rows = frame.to_numpy(dtype=object).tolist()
    extension = [i for i, dtype in enumerate(frame.dtypes) if isinstance(dtype, pd.api.extensions.ExtensionDtype)]
    if extension:
        for row in rows:
            for i in extension:
                if row[i] is pd.NA:
                    row[i] = None
    return [dict(zip(columns, row)) for row in rows]


def _spans(values: list) -> list[int]:
    """Row spans for merged cells: the first row of each run of equal keys gets
    the run's length, the rows it covers get 0."""
    spans = [0] * len(values)
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            spans[start] = i - start
            start = i
    return spans


def _truthy(value: object) -> bool:
    if is_missing(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _same(a: str, b: str) -> bool:
    return a == b or _SPACE.sub("", a) == _SPACE.sub("", b)


_SPACE = re.compile(r"\s+")


def _project_key(unit_code: object, code: object) -> tuple[str, str]:
    return (text(unit_code), text(code))


class _TargetsIndex:
    """Finds a project of an optional Targets by (unit code, project code), or by
    project code alone when that is unambiguous."""

    def __init__(self, targets: Targets | None):
        self.by_key: dict[tuple[str, str], Project] = {}
        by_code: dict[str, list[Project]] = defaultdict(list)
        if targets is not None:
            default_unit = targets.unit.code or ""
            for p in targets.projects:
                self.by_key[(p.unit_code or default_unit, p.code)] = p
                by_code[p.code].append(p)
        self.by_code = {k: v[0] for k, v in by_code.items() if len(v) == 1}

    def get(self, unit_code: object, code: object) -> Project | None:
        return self.by_key.get(_project_key(unit_code, code)) or self.by_code.get(text(code))


# --- indicators --------------------------------------------------------------------


class ReportCells:
    """A frame's cells column by column, each column read when first asked for: the values
    ``_records`` gives (numpy scalars as Python ones, a missing extension cell None), a
    column the frame lacks as None in every row (as ``record.get`` gives). A report reads
    a dozen of the engine's forty columns, so the rest are never converted.

    A batch block makes one for the block's indicator frame and gives each unit's report
    its :meth:`part`: a column is then converted (and stripped, and read as numbers) once
    for the block, not once per unit (a column of a unit's frame costs as much to convert
    as a block's thousand times longer: the cost is pandas' per call)."""

    __slots__ = ("n", "_frame", "_columns", "_numbers", "_texts", "_parent", "_start")

    def __init__(self, n: int, frame: pd.DataFrame | None = None, columns: dict[str, list] | None = None):
        self.n = n
        self._frame = frame
        self._columns = columns if columns is not None else {}
        self._numbers: dict[str, list[float | None]] = {}
        self._texts: dict[str, list[str]] = {}
        self._parent: ReportCells | None = None
        self._start = 0

    @classmethod
    def of_frame(cls, frame: pd.DataFrame | None) -> ReportCells:
        if frame is None or frame.empty:
            return cls(0)
        return cls(len(frame), frame)

    @classmethod
    def of_records(cls, records: list[dict]) -> ReportCells:
        keys = dict.fromkeys(k for r in records for k in r)
        return cls(len(records), columns={k: [r.get(k) for r in records] for k in keys})

    def part(self, start: int, stop: int) -> ReportCells:
        """Rows ``start:stop``: their columns are slices of this one's."""
        if not 0 <= start <= stop <= self.n:
            raise ValueError(f"rows {start}:{stop} outside 0:{self.n}")
        cells = ReportCells(stop - start)
        cells._parent, cells._start = self, start
        return cells

    def __len__(self) -> int:
        return self.n

    def __contains__(self, name: str) -> bool:
        if self._parent is not None:
            return name in self._parent
        return name in self._columns or (self._frame is not None and name in self._frame.columns)

    def _slice(self, values: list) -> list:
        return values[self._start: self._start + self.n]

    def __getitem__(self, name: str) -> list:
        values = self._columns.get(name)
        if values is None:
            if self._parent is not None:
                values = self._slice(self._parent[name])
            elif self._frame is not None and name in self._frame.columns:
                series = self._frame[name]
                values = series.to_numpy(dtype=object).tolist()
                if isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
                    values = [None if v is pd.NA else v for v in values]
            else:
                values = [None] * self.n
            self._columns[name] = values
        return values

    def floats(self, name: str) -> list[float | None]:
        """The column as numbers (None when missing), worked out once: the rows and the
        projects' block sums both read the weights and scores."""
        numbers = self._numbers.get(name)
        if numbers is None:
            if self._parent is not None:
                numbers = self._slice(self._parent.floats(name))
            else:
                # the engine's columns are floats (NaN when missing): read without _float's checks
                numbers = [(v if v == v else None) if type(v) is float else _float(v) for v in self[name]]
            self._numbers[name] = numbers
        return numbers

    def texts(self, name: str) -> list[str]:
        """The column as free text (stripped; missing as ''), worked out once."""
        values = self._texts.get(name)
        if values is None:
            if self._parent is not None:
                values = self._slice(self._parent.texts(name))
            else:
                values = [v.strip() if type(v) is str else text(v) for v in self[name]]
            self._texts[name] = values
        return values


def _indicator_rows(cells: ReportCells, groups: list[list[int]]) -> list[list[IndicatorRow]]:
    """The rows of each group (a project's row numbers, in order) as IndicatorRows. Every
    cell is worked out once, column by column over all the rows; only the merged 一级 and
    二级 cells depend on the group, which is where a table starts."""
    level1, level2 = cells.texts("level1"), cells.texts("level2")
    l1_spans, l2_spans = [0] * len(cells), [0] * len(cells)
    for group in groups:
        ones = [level1[i] for i in group]
        for i, s1, s2 in zip(group, _spans(ones), _spans(list(zip(ones, [level2[i] for i in group])))):
            l1_spans[i], l2_spans[i] = s1, s2
    target, canonical = cells.texts("target"), cells.texts("target_canonical")
    actual, reading = cells.texts("actual"), cells.texts("actual_reading")
    if "ci_low" in cells or "ci_high" in cells:
        reading = [_with_interval(x, lo, hi) for x, lo, hi in zip(reading, cells["ci_low"], cells["ci_high"])]
    statuses = [status or NEEDS_REVIEW for status in cells.texts("status")]
    weights, scores = cells.floats("weight"), cells.floats("score")
    # Each row's flag labels, worked out once per distinct (flags, inferred) pair of cells:
    # a unit's rows repeat a handful of them.
    labels: dict[tuple, tuple[str, ...]] = {}
    flags = []
    for value, inferred in zip(cells["flags"], cells["inferred"]):
        key = (value, inferred)
        got = labels.get(key)
        if got is None:
            ids = flag_list(value)
            if _truthy(inferred) and "inferred" not in ids:
                ids.append("inferred")
            got = labels[key] = tuple(flag_label(f) for f in ids)
        flags.append(list(got))
    rows = [
        IndicatorRow(
            level1=l1,
            level2=l2,
            level3=level3,
            level1_span=s1,
            level2_span=s2,
            target=tg,
            target_reading=cn if cn and not _same(cn, tg) else "",
            actual=ac,
            actual_reading=rd if rd and not _same(rd, ac) else "",
            weight=fixed(weight),
            score=fixed(score) if status == SCORED else DASH,
            status=status,
            status_label=STATUS_LABELS.get(status, status),
            arithmetic=arithmetic,
            review_reason=review_reason,
            flags=row_flags,
            reason=reason,
            evidence=evidence,
            missed=(status == SCORED and weight is not None and score is not None and score < weight - 1e-9),
        )
        for l1, l2, s1, s2, level3, tg, cn, ac, rd, status, weight, score, arithmetic, review_reason, row_flags,
        reason, evidence in zip(level1, level2, l1_spans, l2_spans, cells.texts("level3"), target, canonical,
                                actual, reading, statuses, weights, scores, cells.texts("arithmetic"),
                                cells.texts("review_reason"), flags, cells.texts("reason"),
                                cells.texts("evidence"))
    ]
    return [[rows[i] for i in group] for group in groups]


def _with_interval(reading: str, ci_low: object, ci_high: object) -> str:
    """The reading of a survey's actual with its 95% confidence interval, when it has one."""
    if ci_low is None and ci_high is None:
        return reading
    ci_low, ci_high = _float(ci_low), _float(ci_high)
    if ci_low is None or ci_high is None:
        return reading
    ci = f"95%置信区间 {fixed(ci_low)}%–{fixed(ci_high)}%"
    return f"{reading}；{ci}" if reading else ci


# --- projects ----------------------------------------------------------------------


def _exec_arithmetic(budget: float | None, executed: float | None, weight: float | None,
                     rate: float | None, score: float | None) -> str:
    """The execution score worked out in words; the formula is shown only when the
    Evaluation's numbers agree with it (another profile may score differently)."""
    if budget is None or executed is None or rate is None:
        return "未提供全年预算数或全年执行数，执行率无法计算，需复核。"
    parts = [f"执行率 = 全年执行数 ÷ 全年预算数 = {wan(executed)} ÷ {wan(budget)} = {pct(rate)}"]
    if weight is not None and score is not None:
        expected = weight * min(rate, 1.0)
        if abs(expected - score) < _TOLERANCE:
            capped = "（执行率超过100%，按100%计）" if rate > 1.0 else ""
            parts.append(f"得分 = 分值 × min(执行率, 100%) = {fixed(weight)} × "
                         f"{pct(min(rate, 1.0))} = {fixed(score)}{capped}")
        else:
            parts.append(f"得分 {fixed(score)}（按所用评分规则计算）")
    return "；".join(parts) + "。"


def _total_arithmetic(exec_score: float | None, blocks: list[tuple[str, float | None]],
                      total: float | None, applicable: float | None, earned: float | None) -> str:
    """The 总分 worked out: the sum of its parts, or, when not-applicable rows or a
    missing block took weight out, the earned points over the applicable weight."""
    if total is None:
        return "总分未能计算，需复核。"
    parts = [("预算执行", exec_score)] + blocks
    known = [(label, v) for label, v in parts if v is not None]
    summed = sum(v for _, v in known)
    terms = " + ".join(f"{label} {fixed(v)}" for label, v in known)
    rescaled = applicable is not None and earned is not None and abs(applicable - 100.0) > _TOLERANCE
    if known and not rescaled and abs(summed - total) < _TOLERANCE:
        return f"总分 = {terms} = {fixed(total)}"
    if rescaled and applicable > 0 and abs(earned / applicable * 100 - total) < _TOLERANCE:
        return (f"总分 = 得分合计 {fixed(earned)} ÷ 适用分值合计 {fixed(applicable)} × 100 = "
                f"{fixed(total)}（不适用的分值不计入，按适用分值折算为百分制；得分合计 = {terms}）")
    return f"总分 {fixed(total)}（按所用评分规则计算；分项：{terms}）"


def _goals_summary(rows: list[IndicatorRow]) -> str:
    """A generated 实际完成情况 line when the unit wrote none: counts, never prose."""
    scored = [r for r in rows if r.status == SCORED]
    full = sum(1 for r in scored if not r.missed)
    missed = sum(1 for r in scored if r.missed)
    review = sum(1 for r in rows if r.status == NEEDS_REVIEW)
    na = sum(1 for r in rows if r.status == NOT_APPLICABLE)
    parts = [f"共{len(rows)}项绩效指标：{full}项达到指标值（满分）", f"{missed}项未满分"]
    if review:
        parts.append(f"{review}项需复核")
    if na:
        parts.append(f"{na}项不适用")
    return "，".join(parts) + "。"


def _monitor_rows(records: list[dict]) -> list[MonitorRow]:
    rows = []
    for r in records:
        lag = _float(r.get("lag_pct"))   # planned − actual, in percent points
        if lag is None:
            shown = DASH
        elif lag > _TOLERANCE:
            shown = f"滞后 {pct_number(lag)}"
        elif lag < -_TOLERANCE:
            shown = f"超前 {pct_number(-lag)}"
        else:
            shown = pct_number(0.0)
        rows.append(MonitorRow(
            checkpoint=text(r.get("checkpoint")),
            planned=pct_number(r.get("planned_pct")),
            actual=pct_number(r.get("actual_pct")),
            lag=shown,
            lagging=(_truthy(r.get("lagging")) if "lagging" in r
                     else lag is not None and lag > _TOLERANCE),
        ))
    return rows


def _finding_row(f: Finding, project_names: dict[str, str], indicator_names: dict[str, str]) -> FindingRow:
    code = f.project_code or ""
    name = project_names.get(code, "")
    return FindingRow(
        severity=f.severity,
        check=check_title(f.check),
        check_id=f.check,
        message=f.message,
        project=f"{name}（{code}）" if name else code,
        indicator=indicator_names.get(f.indicator_id or "", f.indicator_id or ""),
        source=f.source or "",
    )


def _project_views(ev: Evaluation, targets: Targets | None, finding_rows: list[tuple[Finding, FindingRow]],
                   projects: list[dict], indicators: ReportCells) -> list[ProjectView]:
    index = _TargetsIndex(targets)
    by_project: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, key in enumerate(zip(indicators["unit_code"], indicators["project_code"])):
        by_project[_project_key(*key)].append(i)
    groups = [by_project.get(_project_key(p.get("unit_code"), p.get("project_code")), []) for p in projects]
    project_rows = _indicator_rows(indicators, groups)
    weights, scores = indicators.floats("weight"), indicators.floats("score")
    mon: dict[str, list[dict]] = defaultdict(list)
    for r in _records(ev.monitoring):
        mon[text(r.get("project_code"))].append(r)
    proj_findings: dict[str, list[FindingRow]] = defaultdict(list)
    for f, row in finding_rows:
        if f.project_code:
            proj_findings[f.project_code].append(row)

    views = []
    for i, (p, group, rows) in enumerate(zip(projects, groups, project_rows), start=1):
        source = index.get(p.get("unit_code"), p.get("project_code"))
        budget, executed = _float(p.get("budget")), _float(p.get("executed"))
        weight, rate, escore = _float(p.get("exec_weight")), _float(p.get("exec_rate")), _float(p.get("exec_score"))
        total = _float(p.get("total"))

        block_parts, block_values = [], []
        applicable = (weight or 0.0)
        earned = (escore or 0.0)
        # each row's 一级, status, weight and score, read once for all the blocks
        facts = [(row.level1, row.status, weights[r], scores[r]) for row, r in zip(rows, group)]
        for label in ev.blocks:
            value = _float(p.get(label))
            in_block = [f for f in facts if f[0] == label]
            block_weight = sum(w or 0.0 for _, status, w, _ in in_block if status != NOT_APPLICABLE)
            applicable += block_weight
            earned += sum(sc or 0.0 for _, status, _, sc in in_block if status == SCORED)
            block_values.append((label, value))
            if in_block or value is not None:
                block_parts.append(BlockPart(label, fixed(value), fixed(block_weight)))
        # The engine's own figures win over the sums above when it gives them.
        applicable = _float(p.get("applicable_weight")) if "applicable_weight" in p else applicable
        earned = _float(p.get("raw_total")) if "raw_total" in p else earned

        goals = list(source.goals) if source else []
        goals_actual = text(p.get("goals_actual"))
        funds = source.funds if source else None
        views.append(ProjectView(
            index=i,
            anchor=f"p{i}",
            code=text(p.get("project_code")),
            name=text(p.get("project_name")),
            unit=text(p.get("unit_name")),
            initial_budget=wan(funds.total) if funds else DASH,
            fiscal=wan(funds.fiscal) if funds else DASH,
            other=wan(funds.other) if funds else DASH,
            has_fund_split=bool(funds and (funds.fiscal is not None or funds.other is not None)),
            budget=wan(budget),
            executed=wan(executed),
            exec_weight=fixed(weight),
            exec_rate=pct(rate),
            exec_score=fixed(escore),
            exec_arithmetic=_exec_arithmetic(budget, executed, weight, rate, escore),
            exec_reason=text(p.get("exec_reason")) or (text(source.exec_reason) if source else ""),
            goals=goals,
            goals_actual=goals_actual or _goals_summary(rows),
            goals_actual_generated=not goals_actual,
            rows=rows,
            blocks=block_parts,
            total=fixed(total),
            grade=text(p.get("grade")) or DASH,
            grade_class=grade_class(p.get("grade")),
            total_arithmetic=_total_arithmetic(escore, block_values, total, applicable, earned),
            notes=text(p.get("notes")),
            incomplete=_truthy(p.get("incomplete")) or any(r.status == NEEDS_REVIEW for r in rows),
            n_indicators=len(rows),
            n_missed=sum(1 for r in rows if r.missed),
            n_review=sum(1 for r in rows if r.status == NEEDS_REVIEW),
            n_na=sum(1 for r in rows if r.status == NOT_APPLICABLE),
            monitoring=_monitor_rows(mon.get(text(p.get("project_code")), [])),
            findings=proj_findings.get(text(p.get("project_code")), []),
            block_scores=[fixed(v) for _, v in block_values],
        ))
    return views


# --- charts ------------------------------------------------------------------------


def _totals_chart(records: list[dict]) -> tuple[str, Markup]:
    refs = tuple((lo, f"{lo:g}") for _, lo in GRADE_BANDS if lo > 0)
    if len(records) <= MAX_BARS:
        bars = []
        for p in records:
            total = _float(p.get("total"))
            grade = text(p.get("grade"))
            name = text(p.get("project_name"))
            note = f"{fixed(total)} {grade}".strip() if total is not None else "未评分"
            bars.append(svg.Bar(name, total, GRADE_FILLS.get(grade, NO_GRADE_FILL), note,
                                f"{name}：{note}"))
        return "各项目总分", svg.hbar_chart(bars, title="各项目总分", max_value=100, refs=refs,
                                             width=CHART_WIDTH)
    # Many projects: how many fall in each 10-point band (the last band holds 100).
    counts = [0] * 10
    for p in records:
        total = _float(p.get("total"))
        if total is not None:
            counts[min(int(max(total, 0) // 10), 9)] += 1
    cats = [f"{k * 10}–{k * 10 + 10}" for k in range(10)]
    top = max(counts) or 1
    step = max(1, math.ceil(top / 4))
    series = svg.Series("项目数", BLOCK_FILL, tuple(float(c) for c in counts),
                        tuple(str(c) for c in counts))
    return ("项目总分分布（项目数）",
            svg.column_chart(cats, [series], title="项目总分分布（项目数）",
                             max_value=step * 4, ticks=4, width=CHART_WIDTH))


def _numbers(values: list) -> np.ndarray:
    """Cells as floats, NaN where missing or not a number (what pd.to_numeric(errors="coerce") gives)."""
    return np.array([math.nan if (x := _float(v)) is None else x for v in values], dtype=np.float64)


def _nansum(values: np.ndarray) -> float:
    """Series.sum: missing cells count as 0, an empty sum is 0."""
    return float(np.where(np.isnan(values), 0.0, values).sum())


def _blocks_chart(ev: Evaluation, projects: list[dict], indicators: ReportCells) -> Markup:
    """Score rate (得分率 = Σ得分 ÷ Σ分值 of the scored indicators) per 一级 block,
    with budget execution first, across all projects. (Sums as pandas makes them: numpy's,
    missing cells taken as 0.)"""
    bars = []
    if projects and {"exec_score", "exec_weight"} <= set(projects[0]):
        got = _numbers([p["exec_score"] for p in projects])
        w = _numbers([p["exec_weight"] for p in projects])
        ok = ~np.isnan(got) & ~np.isnan(w)
        wsum, gsum = float(w[ok].sum()), float(got[ok].sum())
        rate = gsum / wsum * 100 if wsum > 0 else None
        bars.append(svg.Bar("预算执行", rate, BLOCK_FILL,
                            f"{pct_number(rate)}（{fixed(gsum)} / {fixed(wsum)}）" if rate is not None else ""))
    # the weights and scores as the rows read them (numbers, None when missing)
    scored = [(level1, w, sc) for status, level1, w, sc in zip(indicators["status"], indicators["level1"],
                                                               indicators.floats("weight"), indicators.floats("score"))
              if status == SCORED]
    for label in ev.blocks:
        part = [(w, sc) for level1, w, sc in scored if level1 == label]
        wsum = _nansum(_numbers([w for w, _ in part]))
        gsum = _nansum(_numbers([sc for _, sc in part]))
        rate = gsum / wsum * 100 if wsum > 0 else None
        bars.append(svg.Bar(label, rate, BLOCK_FILL,
                            f"{pct_number(rate)}（{fixed(gsum)} / {fixed(wsum)}）" if rate is not None else ""))
    return svg.hbar_chart(bars, title="各一级指标得分率", max_value=100,
                          refs=((60, "60%"), (80, "80%"), (100, "100%")), bar_height=20,
                          width=CHART_WIDTH, label_max=120)


def _monitoring_chart(ev: Evaluation, projects: list[dict]) -> tuple[Markup | None, str]:
    """Budget-weighted cumulative spending against the plan at each checkpoint
    (双监控), over the projects that report each figure."""
    mon = ev.monitoring
    if mon is None or mon.empty or "checkpoint" not in mon.columns:
        return None, "未提供资金支出计划，无法进行双监控对比。"
    budgets = {text(p.get("project_code")): _float(p.get("budget")) or 0.0
               for p in projects}
    order: list[str] = []
    plan: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    actual: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in _records(mon):
        cp = text(r.get("checkpoint"))
        if cp not in order:
            order.append(cp)
        weight = budgets.get(text(r.get("project_code")), 0.0) or 1.0
        for acc, key in ((plan, "planned_pct"), (actual, "actual_pct")):
            v = _float(r.get(key))
            if v is not None:
                acc[cp][0] += v * weight
                acc[cp][1] += weight

    def mean(acc: dict, cp: str) -> float | None:
        total, w = acc[cp]
        return total / w if w > 0 else None

    planned = tuple(mean(plan, cp) for cp in order)
    spent = tuple(mean(actual, cp) for cp in order)
    series = [
        svg.Series("计划累计支出", PLAN_FILL, planned, tuple(pct_number(v) for v in planned)),
        svg.Series("实际累计支出", ACTUAL_FILL, spent, tuple(pct_number(v) for v in spent)),
    ]
    note = "按预算数加权汇总各项目的累计支出进度。"
    if all(v is None for v in spent):
        note = "尚未提供各时点累计支出数据，仅显示计划进度。"
    top = max([v for v in planned + spent if v is not None] + [100.0])
    ceiling = math.ceil(top / 25) * 25
    return svg.column_chart(order, series, title="预算执行进度与支出计划对比", max_value=ceiling,
                            unit="%", ticks=ceiling // 25, width=CHART_WIDTH), note


# --- comparison with the previous year ---------------------------------------------


def _comparison(ev: Evaluation, previous: Evaluation | None) -> tuple[Markup | None, Markup | None]:
    """Last year against this year, as the compare module renders it for a report
    (project matching, score and target changes, flags); its own autoescaping
    jinja2 environment made the fragment, so it is markup, not text."""
    if previous is None:
        return None, None

    comparison = compare([previous, ev])
    return Markup(render_comparison_section(comparison)), Markup(section_css())


# --- review: 复核结果与自评偏差 ------------------------------------------------------------

# How a review score came about (the merged results' review_method).
REVIEW_METHOD_LABELS = {"actual": "按复核完成值重新计分", "score": "采用复核得分", "": "认可自评"}


def _deviation_class(value: float | None) -> str:
    if value is None or abs(value) < _TOLERANCE:
        return "dev-zero"
    return "dev-pos" if value > 0 else "dev-neg"


def _review_section(ev: Evaluation, projects: list[dict]) -> ReviewSection | None:
    """The section for results merged with a review (the review columns of
    perfscore.review.merge); None for a plain evaluation."""
    ind = ev.indicators
    if "review_score" not in ind.columns or "review_total" not in ev.projects.columns:
        return None
    indicators = _records(ind)
    dep = ev.department or {}
    names = {_project_key(p.get("unit_code"), p.get("project_code")): text(p.get("project_name"))
             for p in projects}
    rows = []
    methods = []
    for r in indicators:
        method, comment = text(r.get("review_method")), text(r.get("review_comment"))
        methods.append(method)
        if not method and not comment:
            continue
        dev = _float(r.get("deviation"))
        rows.append(ReviewIndicatorRow(
            project=names.get(_project_key(r.get("unit_code"), r.get("project_code")), text(r.get("project_name"))),
            code=text(r.get("project_code")), indicator_id=text(r.get("indicator_id")),
            level3=text(r.get("level3")), weight=fixed(r.get("weight")),
            actual=text(r.get("actual")), review_actual=text(r.get("review_actual")),
            self_score=fixed(r.get("score")), review_score=fixed(r.get("review_score")),
            deviation=fixed(dev), deviation_class=_deviation_class(dev),
            method=REVIEW_METHOD_LABELS.get(method, method), comment=comment))
    project_rows = []
    for p in projects:
        dev = _float(p.get("deviation"))
        reviewed = _float(p.get("reviewed"))
        project_rows.append(ReviewProjectRow(
            name=text(p.get("project_name")), code=text(p.get("project_code")),
            self_total=fixed(p.get("total")), self_grade=text(p.get("grade")) or DASH,
            review_total=fixed(p.get("review_total")), review_grade=text(p.get("review_grade")) or DASH,
            deviation=fixed(dev), deviation_class=_deviation_class(dev),
            reviewed=int(reviewed) if reviewed is not None else 0))
    review_meta = (ev.meta or {}).get("review") or {}
    dev = _float(dep.get("deviation"))
    return ReviewSection(
        source=text(review_meta.get("source")) if isinstance(review_meta, dict) else "",
        n_reviewed=len(rows), n_rescored=methods.count("actual"), n_scored=methods.count("score"),
        n_unreviewed=len(ind) - len(rows),
        self_total=fixed(dep.get("total")), self_grade=text(dep.get("grade")) or DASH,
        review_total=fixed(dep.get("review_total")), review_grade=text(dep.get("review_grade")) or DASH,
        deviation=fixed(dev), deviation_class=_deviation_class(dev),
        projects=project_rows, indicators=rows)


# --- department ----------------------------------------------------------------------


@dataclass
class DepartmentTable:
    """The 部门整体支出绩效自评表: execution, the department's own indicators
    grouped by 分项目标 (in the 一级 column), total and grade."""

    exec_weight: str
    exec_score: str
    rows: list[IndicatorRow]
    total: str
    grade: str
    grade_class: str
    total_arithmetic: str
    incomplete: bool


def _department_table(dep: dict) -> DepartmentTable | None:
    """From ``department['goals']`` when the engine scored the department's own
    goals: a dict with exec_weight, exec_score, raw_total, applicable_weight,
    total, grade, incomplete and ``indicators`` (records with a ``subgoal``)."""
    goals = dep.get("goals")
    if not isinstance(goals, dict):
        return None
    records = goals.get("indicators")
    if isinstance(records, pd.DataFrame):
        records = records.to_dict("records")
    if not isinstance(records, list) or not records:
        return None
    # The layout of a project table, with 分项目标 where the 一级 sits and
    # 一级·二级 together in the second column.
    shaped = []
    for r in records:
        r = dict(r)
        kind = "·".join(x for x in (text(r.get("level1")), text(r.get("level2"))) if x)
        r["level1"], r["level2"] = text(r.get("subgoal")), kind
        shaped.append(r)
    rows = _indicator_rows(ReportCells.of_records(shaped), [list(range(len(shaped)))])[0]
    total = _float(goals.get("total"))
    escore = _float(goals.get("exec_score"))
    earned, applicable = _float(goals.get("raw_total")), _float(goals.get("applicable_weight"))
    if applicable is not None and earned is not None and abs(applicable - 100.0) > _TOLERANCE:
        arithmetic = _total_arithmetic(escore, [], total, applicable, earned)
    else:
        scored = sum(_float(r.get("score")) or 0.0 for r in records if text(r.get("status")) == SCORED)
        arithmetic = _total_arithmetic(escore, [("部门指标", scored)], total, None, None)
    return DepartmentTable(
        exec_weight=fixed(goals.get("exec_weight")),
        exec_score=fixed(escore),
        rows=rows,
        total=fixed(total),
        grade=text(goals.get("grade")) or DASH,
        grade_class=grade_class(goals.get("grade")),
        total_arithmetic=arithmetic,
        incomplete=_truthy(goals.get("incomplete")) or any(r.status == NEEDS_REVIEW for r in rows),
    )


# Labels of the keys of meta['sources'] (where the inputs were read from).
SOURCE_LABELS = {"file": "文件", "format": "格式", "sha256": "SHA-256", "targets": "绩效目标",
                 "actuals": "实际完成值", "profile": "评分规则"}


def _sources(meta: dict) -> list[tuple[str, str]]:
    sources = meta.get("sources") or meta.get("source") or {}
    if isinstance(sources, dict):
        return [(SOURCE_LABELS.get(str(k), str(k)), format_label(text(v)) if str(k) == "format" else text(v))
                for k, v in sources.items() if text(v)]
    if isinstance(sources, (list, tuple)):
        return [("", text(v)) for v in sources if text(v)]
    return [("", text(sources))] if text(sources) else []


# What a needs-review row does to the total, by the profile's policy (meta).
REVIEW_POLICY_TEXT = {
    "zero": "暂按0分计入（分值保留在分母中），总分为暂定",
    "exclude": "暂不计入（按不适用折算），总分为暂定",
}


def _grade_counts(dep: dict, views: list[ProjectView]) -> list[tuple[str, int]]:
    """Projects per grade: the engine's counts when given, else counted here."""
    given = dep.get("grades")
    if isinstance(given, dict) and given:
        return [(text(g), int(n)) for g, n in given.items()]
    return [(g, sum(1 for v in views if v.grade == g)) for g, _ in GRADE_BANDS]


def build_view(ev: Evaluation, *, targets: Targets | None = None,
               previous: Evaluation | None = None, version: str = "",
               cells: ReportCells | None = None) -> ReportView:
    """``cells``: the cells of ``ev.indicators`` when the caller has them already (a batch
    unit's :meth:`ReportCells.part` of its block's)."""
    meta = ev.meta or {}
    dep = ev.department or {}
    # Each frame's rows as dicts once; every part of the page reads these.
    projects = _records(ev.projects)
    if cells is not None and len(cells) != len(ev.indicators):
        raise ValueError(f"{len(cells)} rows of cells for {len(ev.indicators)} indicators")
    indicators = ReportCells.of_frame(ev.indicators) if cells is None else cells

    unit_name = text(meta.get("unit_name")) or text(dep.get("unit_name"))
    if not unit_name and projects:
        unit_name = text(projects[0].get("unit_name"))
    if not unit_name and targets is not None:
        unit_name = text(targets.unit.name)
    unit_code = text(meta.get("unit_code")) or (text(projects[0].get("unit_code")) if projects else "")
    year = text(meta.get("year"))

    project_names = {text(p.get("project_code")): text(p.get("project_name")) for p in projects}
    indicator_names = dict(zip(indicators.texts("indicator_id"), indicators.texts("level3")))
    finding_rows = [(f, _finding_row(f, project_names, indicator_names)) for f in ev.findings]
    groups = []
    for sev in SEVERITY_ORDER:
        rows = [row for f, row in finding_rows if f.severity == sev]
        if rows:
            groups.append(FindingGroup(sev, SEVERITY_LABELS[sev], rows))

    views = _project_views(ev, targets, finding_rows, projects, indicators)
    budget = _float(dep.get("budget"))
    executed = _float(dep.get("executed"))
    if budget is None and projects:
        budget = sum(_float(p.get("budget")) or 0.0 for p in projects)
    if executed is None and projects:
        executed = sum(_float(p.get("executed")) or 0.0 for p in projects)
    exec_rate = _float(dep.get("exec_rate"))
    if exec_rate is None and budget:
        exec_rate = (executed or 0.0) / budget

    statuses = Counter(indicators.texts("status"))
    totals_title, totals_chart = _totals_chart(projects)
    mon_chart, mon_note = _monitoring_chart(ev, projects)
    comparison, comparison_css = _comparison(ev, previous)

    title_year = f"{year}年度" if year else ""
    return ReportView(
        title=f"{unit_name}{title_year}预算绩效自评报告",
        unit_name=unit_name or DASH,
        unit_code=unit_code or DASH,
        year=year or DASH,
        as_of=text(meta.get("as_of")) or DASH,
        profile=text(meta.get("profile")) or DASH,
        sources=_sources(meta),
        total=fixed(dep.get("total")),
        grade=text(dep.get("grade")) or DASH,
        grade_class=grade_class(dep.get("grade")),
        budget=wan(budget),
        executed=wan(executed),
        exec_rate=pct(exec_rate),
        n_projects=len(projects),
        n_indicators=len(indicators),
        n_scored=statuses[SCORED],
        n_na=statuses[NOT_APPLICABLE],
        n_review=statuses[NEEDS_REVIEW],
        n_missed=sum(v.n_missed for v in views),
        severity_counts=[(s, SEVERITY_LABELS[s], sum(1 for f in ev.findings if f.severity == s))
                         for s in SEVERITY_ORDER],
        blocks=list(ev.blocks),
        show_unit_column=len({v.unit for v in views}) > 1,
        projects=views,
        chart_totals=totals_chart,
        chart_totals_title=totals_title,
        chart_blocks=_blocks_chart(ev, projects, indicators),
        chart_monitoring=mon_chart,
        monitoring_note=mon_note,
        findings=groups,
        department_table=_department_table(dep),
        profile_description=text(meta.get("profile_description")),
        weighting_note=text(dep.get("note")),
        grade_counts=_grade_counts(dep, views),
        n_incomplete=sum(1 for v in views if v.incomplete),
        review_policy=REVIEW_POLICY_TEXT.get(text(meta.get("needs_review_policy")),
                                             "得分待定，总分为暂定"),
        comparison=comparison,
        comparison_css=comparison_css,
        version=version,
        review=_review_section(ev, projects),
    )
