"""Building the comparison: the years side by side, matched pair by pair, oldest first."""

from __future__ import annotations

from typing import Sequence

from perfscore.comparison.classify import _cost_up_more, _not_above_last_actual, _pct, classify
from perfscore.comparison.inputs import _view, _year_of
from perfscore.comparison.matching import match_indicators, match_projects
from perfscore.comparison.model import (
    FLAG_BUDGET_UP_TARGETS_FLAT,
    FLAG_COST_UP_MORE_THAN_BUDGET,
    FLAG_DROPPED_AFTER_MISSED,
    FLAG_NOT_ABOVE_LAST_ACTUAL,
    Comparison,
    IndicatorStep,
    IndicatorTrack,
    IndicatorView,
    Link,
    ProjectStep,
    ProjectTrack,
    ProjectView,
    YearView,
    _close,
)
from perfscore.errors import UsageError
from perfscore.model import Targets
from perfscore.scoring.evaluation import Evaluation


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
        # a project first seen in year k: no step before k-1 → k
        links, fresh = _place(alive, new_projects, pairs, k,
                              lambda: ProjectTrack([None] * n, steps=[None] * (k - 1)))
        tracks += fresh
        for pt in tracks:
            _advance(pt, k, links.get(id(pt)), years)
    return Comparison(years=years, projects=tracks)


def _place(alive: list, new_items: list, pairs, k: int, new_track) -> tuple[dict[int, Link], list]:
    """Put year k's matched items into their tracks (alive[i] ← new_items[j]) and start a
    track, made by ``new_track()``, for each item no track matched. Returns the links by
    track id and the new tracks, in the order of ``new_items``."""
    links: dict[int, Link] = {}
    for i, j, link in pairs:
        alive[i].members[k] = new_items[j]
        links[id(alive[i])] = link
    matched = {j for _, j, _ in pairs}
    fresh = []
    for j, item in enumerate(new_items):
        if j not in matched:
            track = new_track()
            track.members[k] = item
            fresh.append(track)
    return links, fresh


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
    ilinks, fresh = _place(alive, new_inds, pairs, k,
                           lambda: IndicatorTrack([None] * len(pt.members), [None] * (k - 1)))
    pt.indicators += fresh
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
