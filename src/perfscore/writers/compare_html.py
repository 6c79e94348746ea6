"""The year comparison as HTML (年度对比报告) and CSV.

``render_compare_html`` gives one self-contained page (CSS and SVG charts inline, no
JavaScript, no network) in the report's style: it includes the report's stylesheet
(``templates/report.css``) and draws its charts with the report's SVG helpers
(``perfscore.writers.svg``). ``render_section`` gives the same comparison as an HTML
fragment for the year's report (``perfscore evaluate … --previous``). ``write_compare``
writes ``compare.html`` and ``compare.csv``.

This module only formats: every decision (matching, change, flags) is made in
``perfscore.comparison``. jinja2 autoescaping is on, so every name from the data is text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from perfscore import __version__
from perfscore.comparison import (
    CHANGE_LABELS,
    FLAG_LABELS,
    LINK_LABELS,
    Comparison,
    IndicatorStep,
    ProjectTrack,
    change_label,
    comparison_table,
    stricter_label,
)
from perfscore.io import atomic_write_text, write_csv
from perfscore.writers import svg
from perfscore.writers.report_format import DASH, fixed, grade_class, wan
from perfscore.writers.xlsx_safe import csv_safe_frame

PAGE_TEMPLATE = "compare.html.j2"
SECTION_TEMPLATE = "compare_section.html.j2"

# compare.csv columns written with fixed decimals: budgets in 元 to the cent, and the change in %.
CSV_DECIMALS = {"budget_before": 2, "budget_after": 2, "budget_change_pct": 2}

# One fill per year, oldest first (repeats past six years).
YEAR_FILLS = ("#9fb3c8", "#3c6e9f", "#2c7a7b", "#c05621", "#6b46c1", "#b7791f")

# The overview chart draws one group of columns per project; past this many it shows
# the projects with the largest budget in the latest year and says so.
MAX_CHART_PROJECTS = 24


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("perfscore", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


# --- view objects: formatted text only --------------------------------------------------


@dataclass
class Cell:
    text: str
    css: str = ""


@dataclass
class IndicatorRowView:
    level1: str
    level2: str
    names: list[str]                 # 三级 per year ("" when absent)
    targets: list[str]               # 指标值 per year
    actuals: list[str]               # 实际完成值 per year (results only)
    changes: list[Cell]              # one per step
    notes: list[str]
    flags: list[tuple[str, str]]     # (flag label, what was found)
    confirm: bool                    # a similarity match to confirm
    css: str


@dataclass
class ProjectSectionView:
    anchor: str
    name: str
    names: list[str]                 # 项目名称 per year
    codes: list[str]
    budgets: list[str]               # 万元 per year
    budget_changes: list[Cell]       # per step
    totals: list[str]
    grades: list[Cell]
    matches: list[str]               # how the project was matched, per step
    flags: list[tuple[str, str]]     # (flag label, what was found)
    rows: list[IndicatorRowView]
    chart: Markup | None
    counts: str                      # "提高1 · 未变6 …" over all steps


@dataclass
class StepSummary:
    label: str                       # "2022年 → 2023年"
    counts: list[tuple[str, int, str]]   # (label, n, css)
    stricter: int
    looser: int
    projects_new: int
    projects_dropped: int
    budget_before: str
    budget_after: str
    budget_change: Cell


@dataclass
class ListRow:
    step: str
    project: str
    before: str
    after: str
    detail: str


@dataclass
class CompareView:
    title: str
    unit: str
    labels: list[str]
    sources: list[str]               # 绩效目标 / 评分结果 per year
    has_results: bool                # any year with results
    results_years: list[bool]        # per year: has results (实际完成值, 得分)
    year_cards: list[dict]
    steps: list[StepSummary]
    chart_budget: Markup
    chart_projects: Markup | None
    chart_projects_note: str
    chart_scores: Markup | None
    flags: list[ListRow]
    confirms: list[ListRow]
    unmatched: list[ListRow]
    projects: list[ProjectSectionView] = field(default_factory=list)
    version: str = __version__


# --- building the view ---------------------------------------------------------------


def _pct_change(ratio: float | None) -> Cell:
    if ratio is None:
        return Cell(DASH)
    delta = (ratio - 1) * 100
    if abs(delta) < 0.005:
        return Cell("0.00%")
    return Cell(f"{'+' if delta > 0 else '−'}{fixed(abs(delta))}%", "up" if delta > 0 else "down")


def _change_cell(st: IndicatorStep | None) -> Cell:
    if st is None:
        return Cell("")
    text = change_label(st)
    tone = stricter_label(st.stricter)
    if tone:
        text += f"（{tone}）"
    css = {
        "raised": "chg-up", "lowered": "chg-down", "unchanged": "chg-same", "new": "chg-new",
        "dropped": "chg-drop", "kind_changed": "chg-kind", "changed": "chg-kind",
    }[st.change]
    if st.stricter is False:
        css += " looser"
    return Cell(text, css)


def _project_label(pt: ProjectTrack) -> str:
    return pt.name


def _anchor(i: int) -> str:
    return f"p{i + 1}"


def _budget_chart(c: Comparison) -> Markup:
    values = [y.budget for y in c.years]
    top = max([v for v in values if v is not None], default=0.0)
    series = [svg.Series(
        name="预算数（万元）", fill=YEAR_FILLS[1],
        values=tuple(v / 10000 if v is not None else None for v in values),
        notes=tuple(wan(v) for v in values),
    )]
    return svg.column_chart(c.labels, series, title="各年度预算数合计（万元）",
                            max_value=_nice(top / 10000), width=520, height=220)


def _scores_chart(c: Comparison) -> Markup | None:
    if not any(y.has_results for y in c.years):
        return None
    values = [y.department_total if y.has_results else None for y in c.years]
    series = [svg.Series(name="部门整体得分", fill=YEAR_FILLS[2], values=tuple(values),
                         notes=tuple(fixed(v) for v in values))]
    return svg.column_chart(c.labels, series, title="各年度部门整体得分", max_value=100,
                            width=520, height=220)


def _projects_chart(c: Comparison) -> tuple[Markup | None, str]:
    tracks = list(c.projects)
    if not tracks:
        return None, ""
    note = ""
    if len(tracks) > MAX_CHART_PROJECTS:
        def latest_budget(pt: ProjectTrack) -> float:
            m = next(m for m in reversed(pt.members) if m is not None)
            return m.budget or 0.0
        keep = sorted(range(len(tracks)), key=lambda i: (-latest_budget(tracks[i]), i))[:MAX_CHART_PROJECTS]
        tracks = [tracks[i] for i in sorted(keep)]
        note = f"共{len(c.projects)}个项目，图中只列出最近一年预算数最大的{MAX_CHART_PROJECTS}个。"
    series = []
    top = 0.0
    for y, label in enumerate(c.labels):
        values = []
        for pt in tracks:
            m = pt.members[y]
            values.append(m.budget / 10000 if m is not None and m.budget is not None else None)
        top = max([top] + [v for v in values if v is not None])
        series.append(svg.Series(name=label, fill=YEAR_FILLS[y % len(YEAR_FILLS)], values=tuple(values),
                                 notes=tuple(fixed(v) if v is not None else "" for v in values)))
    width = max(720, 60 + len(tracks) * (22 * len(c.labels) + 20))
    chart = svg.column_chart([_project_label(pt) for pt in tracks], series,
                             title="各项目预算数（万元）", max_value=_nice(top), width=width, height=260)
    return chart, note


def _project_chart(pt: ProjectTrack, labels: list[str]) -> Markup | None:
    budgets = [m.budget / 10000 if m is not None and m.budget is not None else None for m in pt.members]
    if sum(v is not None for v in budgets) < 2:
        return None
    top = max(v for v in budgets if v is not None)
    series = [svg.Series(name="预算数（万元）", fill=YEAR_FILLS[1], values=tuple(budgets),
                         notes=tuple(fixed(v) if v is not None else "" for v in budgets))]
    return svg.column_chart(labels, series, title=f"{pt.name}：预算数（万元）", max_value=_nice(top),
                            width=300, height=170, ticks=2)


def _nice(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 × 10^k)."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _project_section(i: int, pt: ProjectTrack, c: Comparison) -> ProjectSectionView:
    n = len(c.years)
    steps = range(n - 1)
    rows = []
    counts: dict[str, int] = {}
    for it in pt.indicators:
        ref = next(m for m in reversed(it.members) if m is not None)
        notes, flags = [], []
        confirm = False
        for s in steps:
            st = it.steps[s]
            if st is None:
                continue
            counts[st.change] = counts.get(st.change, 0) + 1
            prefix = f"{c.labels[s]}→{c.labels[s + 1]}：" if n > 2 else ""
            if st.note:
                notes.append(prefix + st.note)
            flags += [(FLAG_LABELS[f], prefix + note) for f, note in zip(st.flags, st.flag_notes)]
            confirm = confirm or bool(st.link and st.link.needs_confirmation)
        changed = any(st is not None and st.change != "unchanged" for st in it.steps)
        rows.append(IndicatorRowView(
            level1=ref.level1, level2=ref.level2,
            names=[m.level3 if m else "" for m in it.members],
            targets=[m.target_text if m else DASH for m in it.members],
            actuals=[(m.actual_text or DASH) if m else DASH for m in it.members],
            changes=[_change_cell(it.steps[s]) for s in steps],
            notes=notes, flags=flags, confirm=confirm,
            css=" ".join(x for x in ("changed" if changed else "", "confirm" if confirm else "",
                                     "flagged" if flags else "") if x),
        ))
    pflags = []
    for s in steps:
        st = pt.steps[s]
        if st is not None:
            prefix = f"{c.labels[s]}→{c.labels[s + 1]}：" if n > 2 else ""
            pflags += [(FLAG_LABELS[f], prefix + note) for f, note in zip(st.flags, st.flag_notes)]
    matches = []
    for s in steps:
        st = pt.steps[s]
        if st is None:
            matches.append("")
        elif st.link is not None:
            matches.append(LINK_LABELS[st.link.how])
        else:
            matches.append(CHANGE_LABELS[st.change] + "项目")
    order = ["raised", "lowered", "kind_changed", "changed", "new", "dropped", "unchanged"]
    return ProjectSectionView(
        anchor=_anchor(i), name=pt.name,
        names=[m.name if m else DASH for m in pt.members],
        codes=[m.code if m else "" for m in pt.members],
        budgets=[wan(m.budget) if m else DASH for m in pt.members],
        budget_changes=[_pct_change(pt.steps[s].budget_ratio) if pt.steps[s] else Cell("") for s in steps],
        totals=[fixed(m.total) if m and m.total is not None else DASH for m in pt.members],
        grades=[Cell(m.grade, grade_class(m.grade)) if m and m.grade else Cell("") for m in pt.members],
        matches=matches, flags=pflags, rows=rows,
        chart=_project_chart(pt, c.labels),
        counts=" · ".join(f"{CHANGE_LABELS[k]}{counts[k]}" for k in order if counts.get(k)),
    )


def _steps(c: Comparison) -> list[StepSummary]:
    out = []
    order = ["raised", "lowered", "kind_changed", "changed", "new", "dropped", "unchanged"]
    for s in range(len(c.years) - 1):
        counts = {k: 0 for k in order}
        stricter = looser = new_p = dropped_p = 0
        for pt in c.projects:
            pst = pt.steps[s]
            if pst is None:
                continue
            new_p += pst.change == "new"
            dropped_p += pst.change == "dropped"
            for it in pt.indicators:
                st = it.steps[s]
                if st is None:
                    continue
                counts[st.change] += 1
                stricter += st.stricter is True
                looser += st.stricter is False
        yb, ya = c.years[s], c.years[s + 1]
        ratio = ya.budget / yb.budget if yb.budget and ya.budget is not None else None
        out.append(StepSummary(
            label=f"{yb.label} → {ya.label}",
            counts=[(CHANGE_LABELS[k], counts[k], f"chg-{k}") for k in order],
            stricter=stricter, looser=looser, projects_new=new_p, projects_dropped=dropped_p,
            budget_before=wan(yb.budget), budget_after=wan(ya.budget), budget_change=_pct_change(ratio),
        ))
    return out


def _step_name(members: list, s: int, attr: str) -> str:
    """The name an item had in step s (year s → s+1): the later year's, or the earlier
    one's when the item is gone by then — not its name in the latest year, which may
    have changed since (a flag of 2022→2023 speaks of the 2023 project)."""
    m = members[s + 1] if members[s + 1] is not None else members[s]
    return getattr(m, attr) if m is not None else ""


def _lists(c: Comparison) -> tuple[list[ListRow], list[ListRow], list[ListRow]]:
    flags, confirms, unmatched = [], [], []
    for s, pt, it, flag, note in c.flagged():
        flags.append(ListRow(" → ".join(c.step_labels(s)), _step_name(pt.members, s, "name"),
                             _step_name(it.members, s, "level3") if it else "（项目）", FLAG_LABELS[flag], note))
    for s, pt, it, st in c.fallback_matches():
        confirms.append(ListRow(" → ".join(c.step_labels(s)), _step_name(pt.members, s, "name"), st.before.level3,
                                st.after.level3, f"相似度{st.link.similarity:.2f}；指标值 {st.before.target_text} → "
                                f"{st.after.target_text}"))
    for s in range(len(c.years) - 1):
        step = " → ".join(c.step_labels(s))
        for pt in c.projects:
            pst = pt.steps[s]
            if pst is None:
                continue
            if pst.change in ("new", "dropped"):
                p = pst.after or pst.before
                unmatched.append(ListRow(step, p.name, "（整个项目）", CHANGE_LABELS[pst.change],
                                         f"项目编码 {p.code}；{len(p.indicators)}个指标"))
                continue
            for it in pt.indicators:
                st = it.steps[s]
                if st is not None and st.change in ("new", "dropped"):
                    m = st.after or st.before
                    unmatched.append(ListRow(step, _step_name(pt.members, s, "name"), m.level3,
                                             CHANGE_LABELS[st.change], f"{m.level1}/{m.level2}；指标值 {m.target_text}"))
    return flags, confirms, unmatched


def build_view(c: Comparison) -> CompareView:
    units = []
    for y in c.years:
        for p in y.projects:
            if p.unit_name and p.unit_name not in units:
                units.append(p.unit_name)
    cards = []
    for y in c.years:
        cards.append({
            "label": y.label, "source": "评分结果" if y.has_results else "绩效目标",
            "budget": wan(y.budget), "projects": len(y.projects),
            "indicators": sum(len(p.indicators) for p in y.projects),
            "total": fixed(y.department_total) if y.department_total is not None else DASH,
            "grade": y.department_grade or "", "grade_class": grade_class(y.department_grade),
        })
    chart_projects, note = _projects_chart(c)
    flags, confirms, unmatched = _lists(c)
    unit = "、".join(units) if units else ""
    return CompareView(
        title=f"{unit + '：' if unit else ''}年度对比（{' / '.join(c.labels)}）",
        unit=unit or DASH, labels=c.labels,
        sources=[card["source"] for card in cards],
        has_results=any(y.has_results for y in c.years),
        results_years=[y.has_results for y in c.years],
        year_cards=cards, steps=_steps(c),
        chart_budget=_budget_chart(c), chart_projects=chart_projects, chart_projects_note=note,
        chart_scores=_scores_chart(c),
        flags=flags, confirms=confirms, unmatched=unmatched,
        projects=[_project_section(i, pt, c) for i, pt in enumerate(c.projects)],
    )


# --- rendering and writing ---------------------------------------------------------------


def render_compare_html(comparison: Comparison) -> str:
    """The whole comparison as one self-contained HTML page."""
    return _environment().get_template(PAGE_TEMPLATE).render(v=build_view(comparison))


def render_section(comparison: Comparison) -> str:
    """The comparison as an HTML fragment (a ``<section>``) for the year's report.

    Styled by the report's stylesheet plus ``compare_style.html.j2`` (the page includes
    both; a report that embeds this fragment should include the latter in its <style>).
    """
    return _environment().get_template(SECTION_TEMPLATE).render(v=build_view(comparison))


def section_css() -> str:
    """The few CSS rules the comparison adds to the report's stylesheet."""
    return _environment().get_template("compare_style.html.j2").render()


def write_compare(comparison: Comparison, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/compare.html`` and ``out_dir/compare.csv``; return their paths."""
    out = Path(out_dir)
    html = render_compare_html(comparison)
    table = comparison_table(comparison)
    html_path, csv_path = out / "compare.html", out / "compare.csv"
    atomic_write_text(html_path, html)
    # A name starting with = + - @ stays text in Excel; money is written to the cent.
    write_csv(csv_path, csv_safe_frame(table, decimals=CSV_DECIMALS))
    return [html_path, csv_path]
