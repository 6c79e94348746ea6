"""Result checks (评价后检查): what a reviewer looks for in a scored year.

They read the Evaluation (one row per indicator, one per project) and judge
independently of the score they check: whether a target was met is worked out
again from the parsed target and actual (:func:`met`), so a full score claimed
for a missed target is caught. Masks over the DataFrame pick the rows; each
distinct (target, context, actual) is parsed and judged once, so a province of
10⁶ rows costs a pass over the rows, not a parse per row.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfscore.checks.common import PLACEHOLDER_RE, fmt_num, name_year
from perfscore.checks.registry import Hit, Settings, register
from perfscore.comparison import FLAG_NOT_ABOVE_LAST_ACTUAL, compare
from perfscore.values import parse_actual
from perfscore.values.target import parse_target_once

R = "results"

# Words that say "no problem" where a missed target needs an explanation (暂无问题).
_NONE_RE = re.compile(r"^\s*(暂无|无|没有|无问题|暂无问题|不存在问题|没有问题|无偏差|未发现问题|/|／|—|-)?\s*[。.]?\s*$")
_SAT_RE = re.compile("满意")
_FULL_EPS = 0.005


def _frame_cache(df: pd.DataFrame) -> dict:
    return {"df": df, "s": {}, "n": {}, "o": {}}


@dataclass
class ResultsContext:
    evaluation: object
    settings: Settings
    previous: object | None = None
    # Several units checked in one pass (a batch block): the unit of each project row and
    # each unit's name (what its own Evaluation's meta would say). None: one unit.
    units: np.ndarray | None = None
    unit_names: list[str | None] | None = None
    _actuals: dict = field(default_factory=dict)
    _porder: dict | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def ind(self) -> pd.DataFrame:
        return self.evaluation.indicators

    @property
    def unit_count(self) -> int:
        if self.units is None:
            return 1
        return len(self.unit_names) if self.unit_names is not None else int(self.units.max(initial=0)) + 1

    def unit_name(self, unit: int) -> str | None:
        return (self.evaluation.meta or {}).get("unit_name") if self.unit_names is None else self.unit_names[unit]

    def row_units(self) -> np.ndarray:
        """The unit of each indicator row (by its project's position)."""
        n = len(self.ind)
        if self.units is None:
            return np.zeros(n, dtype=np.int64)
        if self._porder is None:
            self._porder = _project_positions(self)
        at = np.array([self._porder[c] for c in self.s("project_code")], dtype=np.int64)
        return self.units[at] if n else np.zeros(0, dtype=np.int64)

    @property
    def year(self) -> int | None:
        y = (self.evaluation.meta or {}).get("year")
        try:
            return int(y) if y not in (None, "") else None
        except (TypeError, ValueError):
            return None

    # Column access, computed once per column (checks share them).
    def _c(self, df: pd.DataFrame) -> dict:
        c = self._cache.get(id(df))
        if c is None or c["df"] is not df:
            c = self._cache[id(df)] = _frame_cache(df)
        return c

    def s(self, name: str, df: pd.DataFrame | None = None) -> pd.Series:
        """Column as stripped text ('' for missing)."""
        df = self.ind if df is None else df
        c = self._c(df)["s"]
        if name not in c:
            c[name] = _col(df, name).fillna("").astype(str).str.strip()
        return c[name]

    def n(self, name: str, df: pd.DataFrame | None = None) -> pd.Series:
        """Column as numbers (NaN for missing or text)."""
        df = self.ind if df is None else df
        c = self._c(df)["n"]
        if name not in c:
            c[name] = pd.to_numeric(_col(df, name, math.nan), errors="coerce")
        return c[name]

    def o(self, name: str, df: pd.DataFrame | None = None) -> np.ndarray:
        """Column as a plain object array (fast element access)."""
        df = self.ind if df is None else df
        c = self._c(df)["o"]
        if name not in c:
            c[name] = _col(df, name).to_numpy(dtype=object)
        return c[name]

    def rows(self, mask, df: pd.DataFrame | None = None):
        """(position, row) for the rows under ``mask``, in input order; ``row`` reads the
        indicator columns as attributes, lazily."""
        df = self.ind if df is None else df
        arrays = self._c(df)["o"]
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            yield int(pos), _Row(self, df, arrays, int(pos))

    def years(self, df: pd.DataFrame | None = None) -> np.ndarray:
        """The project year of each row (from the project name, else the document year)."""
        df = self.ind if df is None else df
        c = self._c(df)["o"]
        if "_year" not in c:
            codes, names = pd.factorize(pd.Series(self.o("project_name", df), dtype=object))
            per_name = np.array([name_year(str(n or ""), self.year)[0] for n in names] + [None], dtype=object)
            c["_year"] = per_name[codes]
        return c["_year"]

    def target_of(self, text, level1, level2, level3, project_name) -> object:
        return self.target_in_year(text, level1, level2, level3, name_year(str(project_name or ""), self.year)[0])

    def target_in_year(self, text, level1, level2, level3, year) -> object:
        return parse_target_once(str(text or ""), level1 or None, level2 or None, level3 or None, year)

    def target(self, row) -> object:
        """The parsed 指标值 of an indicator row (project year from the project name)."""
        return self.target_of(row.target, row.level1, row.level2, row.level3, row.project_name)

    def actual(self, row, target=None) -> object:
        """The parsed 实际完成值 against the row's target (or alone when target is False)."""
        t = self.target(row) if target is None else (None if target is False else target)
        return self.actual_of(row.actual, t)

    def actual_of(self, text, target) -> object:
        key = (text, target)
        a = self._actuals.get(key)
        if a is None:
            a = parse_actual(_text(text) or None, target)
            self._actuals[key] = a
        return a

    def _pairs(self, df: pd.DataFrame) -> tuple[np.ndarray, list, list]:
        """Each row's code among the distinct (target, 一级/二级/三级, project year, actual)
        of ``df``, those keys, and each key's (parsed target, parsed actual) once read:
        worked out once for the frame, which every ``judge`` reads."""
        c = self._c(df)
        if "pairs" not in c:
            cols = [self.o(f, df) for f in ("target", "level1", "level2", "level3")]
            cols += [self.years(df), self.o("actual", df)]
            codes, keys = pd.factorize(pd.Series(list(zip(*cols)), dtype=object)) if len(df) \
                else (np.zeros(0, dtype=np.int64), [])
            c["pairs"] = (codes, list(keys), [None] * len(keys))
        return c["pairs"]

    def judge(self, mask, fn, df: pd.DataFrame | None = None) -> np.ndarray:
        """``fn(target, actual)`` → bool for each row under ``mask``, computed once per
        distinct (target, 一级/二级/三级, project year, actual)."""
        df = self.ind if df is None else df
        mask = np.asarray(mask, dtype=bool)
        out = np.zeros(len(mask), dtype=bool)
        pos = np.flatnonzero(mask)
        if not len(pos):
            return out
        codes, keys, read = self._pairs(df)
        mine = codes[pos]
        verdict = np.zeros(len(keys), dtype=bool)
        for k in np.unique(mine).tolist():
            pair = read[k]
            if pair is None:
                key = keys[k]
                t = self.target_in_year(*key[:5])
                pair = read[k] = (t, self.actual_of(key[5], t))
            verdict[k] = bool(fn(*pair))
        out[pos] = verdict[mine]
        return out


class _Row:
    """One indicator row, its columns read on demand (''/NaN for missing)."""

    __slots__ = ("_ctx", "_df", "_arrays", "_pos")

    def __init__(self, ctx: ResultsContext, df: pd.DataFrame, arrays: dict, pos: int):
        self._ctx, self._df, self._arrays, self._pos = ctx, df, arrays, pos

    def __getattr__(self, name: str):
        column = self._arrays.get(name)
        if column is None:
            column = self._ctx.o(name, self._df)
        return _clean(column[self._pos])


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "" if not isinstance(value, float) else value
    return value


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _col(df: pd.DataFrame, name: str, default="") -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index)


def _where(row) -> str:
    return f"项目「{row.project_name or row.project_code}」三级指标「{row.level3}」"


def _project_positions(ctx: ResultsContext) -> dict[str, int]:
    order: dict[str, int] = {}
    for code in ctx.s("project_code", ctx.evaluation.projects):
        order.setdefault(code, len(order))
    return order


def _hit(ctx, pos: int, row, message: str) -> Hit:
    if ctx._porder is None:
        ctx._porder = _project_positions(ctx)
    order = ctx._porder
    return Hit(message, row.project_code or None, row.indicator_id or None,
               order=(order.get(row.project_code, 1 << 29), pos))


# --- judging whether a target was met -------------------------------------------------

QUANTITATIVE = ("comparison", "range", "frequency")


def met(target, actual) -> bool | None:
    """Whether ``actual`` meets ``target``: True / False, or None when it cannot be told."""
    kind = target.kind
    if actual.kind in ("empty", "unreadable", "not_applicable") or kind in ("unreadable", "not_applicable"):
        return None
    if actual.kind == "tier":
        return actual.tier == "达成"
    if actual.kind == "completion" and kind in ("deadline", "achievement"):
        return bool(actual.completed) and actual.on_time is not False
    if kind in ("comparison", "frequency") and actual.value is not None:
        goal = target.count_per_year if kind == "frequency" and target.count_per_year is not None else target.value
        if goal is None:
            return None
        op = target.op or ">="
        a = actual.value
        return {">=": a >= goal - 1e-9, ">": a > goal, "<=": a <= goal + 1e-9, "<": a < goal,
                "=": abs(a - goal) <= 1e-9 * max(1.0, abs(goal))}[op]
    if kind == "range" and actual.value is not None and target.low is not None and target.high is not None:
        return target.low - 1e-9 <= actual.value <= target.high + 1e-9
    if kind == "deadline" and actual.kind == "date" and target.deadline and actual.date:
        return actual.date <= target.deadline
    if kind == "grade" and actual.kind == "grade" and target.ladder and actual.grade in target.ladder \
            and target.grade in target.ladder:
        return target.ladder.index(actual.grade) <= target.ladder.index(target.grade)
    return None


# --- the checks -----------------------------------------------------------------------


def _scored_full(ctx: ResultsContext) -> tuple[pd.Series, pd.Series, pd.Series]:
    score, weight = ctx.n("score"), ctx.n("weight")
    scored = (ctx.s("status") == "scored") & score.notna() & weight.notna() & (weight > 0)
    full = scored & (score >= weight - _FULL_EPS)
    missed = scored & (score < weight - _FULL_EPS)
    return scored, full, missed


@register("full-score-missed", "error", "未达到目标却得满分", scope="indicator", stage=R)
def full_score_missed(ctx: ResultsContext):
    # The score perfscore computed, or the 得分 the unit wrote itself (self_score):
    # either at full weight while the actual misses the target is what reviewers catch.
    _, full, _ = _scored_full(ctx)
    weight, claimed = ctx.n("weight"), ctx.n("self_score")
    full_claim = claimed.notna() & weight.notna() & (weight > 0) & (claimed >= weight - _FULL_EPS)
    missed = ctx.judge((full | full_claim) & (ctx.s("actual") != ""), lambda t, a: met(t, a) is False)
    full_np, claimed_np = full.to_numpy(), claimed.to_numpy()
    for pos, row in ctx.rows(missed):
        given = float(row.score) if full_np[pos] else float(claimed_np[pos])
        who = "得满分" if full_np[pos] else "自评填报满分"
        yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」未达到指标值「{row.target}」，"
                                  f"却{who}{fmt_num(given)}分。")


@register("missed-no-reason", "warn", "未达成目标但未说明偏差原因", scope="indicator", stage=R)
def missed_no_reason(ctx: ResultsContext):
    _, _, missed = _scored_full(ctx)
    for pos, row in ctx.rows(missed & (ctx.s("reason") == "")):
        yield _hit(ctx, pos, row, f"{_where(row)}得分{fmt_num(float(row.score))}/{fmt_num(float(row.weight))}，"
                                  "未达成目标，但没有填写偏差原因分析及改进措施。")


@register("missed-no-problem", "warn", "未达成目标却称“暂无问题”", scope="indicator", stage=R)
def missed_no_problem(ctx: ResultsContext):
    _, _, missed = _scored_full(ctx)
    reason = ctx.s("reason")
    says_none = reason.str.match(_NONE_RE) & (reason != "")
    for pos, row in ctx.rows(missed & says_none):
        yield _hit(ctx, pos, row, f"{_where(row)}未达成目标（得分{fmt_num(float(row.score))}/"
                                  f"{fmt_num(float(row.weight))}），偏差原因却写「{row.reason}」。")


def _flagged(ctx: ResultsContext, flag: str) -> pd.Series:
    """Rows whose engine flags (the ``flags`` column, ';'-joined ids) include ``flag``; each
    distinct flags text is split once (a province has 10⁶ rows but a few dozen texts)."""
    codes, texts = pd.factorize(ctx.s("flags"))
    has = np.array([flag in str(t).split(";") for t in texts] + [False], dtype=bool)
    return pd.Series(has[np.where(codes < 0, len(texts), codes)], index=ctx.ind.index)


def _overshoot_ratio(target, actual) -> float | None:
    """How far past the target: A / T for ≥ and frequencies, T / A for ≤ (for the message)."""
    goal = target.count_per_year if target.kind == "frequency" else target.value
    a = actual.value if actual.kind in ("number", "survey") else None
    if goal is None or a is None or goal <= 0:
        return None
    if target.kind == "frequency" or target.op in (">=", ">"):
        return a / goal
    if target.op in ("<=", "<") and a > 0:
        return goal / a
    return None


@register("overshoot-no-reason", "warn", "超额完成≥130%未作说明", scope="indicator", stage=R)
def overshoot_no_reason(ctx: ResultsContext):
    # The engine decides which rows overshoot (flag ``overshoot``: A ≥ 130 % of T for ≥,
    # T ≥ 130 % of A for ≤, with the profile's threshold): one rule, in one place. An
    # explicit [checks.options] overshoot_ratio above the profile's only narrows it.
    ratio = float(ctx.settings.option("overshoot_ratio"))
    mask = _flagged(ctx, "overshoot") & (ctx.s("reason") == "")
    for pos, row in ctx.rows(mask):
        target = ctx.target(row)
        share = _overshoot_ratio(target, ctx.actual(row, target))
        if share is not None and share < ratio - 1e-9:
            continue
        pct = f"{fmt_num(share * 100, 1)}%" if share is not None else "130%以上"
        if target.kind != "frequency" and target.op in ("<=", "<"):
            text = (f"{_where(row)}指标值「{row.target}」是实际完成值「{row.actual}」的{pct}"
                    f"（≥{fmt_num(ratio * 100)}%），上限可能设置偏宽，需说明原因。")
        else:
            text = (f"{_where(row)}实际完成值「{row.actual}」达到指标值「{row.target}」的{pct}"
                    f"（≥{fmt_num(ratio * 100)}%），指标值可能设置偏低，需说明原因。")
        yield _hit(ctx, pos, row, text)


@register("exec-low-no-reason", "warn", "预算执行率低于90%未说明原因", scope="project", stage=R)
def exec_low_no_reason(ctx: ResultsContext):
    projects = ctx.evaluation.projects
    low = float(ctx.settings.option("exec_min_rate"))
    if "exec_reason" not in projects.columns:
        return  # the Evaluation does not carry the execution reason: cannot tell, never guess
    rate = ctx.n("exec_rate", projects)
    mask = (rate.notna() & (rate < low - 1e-12) & (ctx.s("exec_reason", projects) == "")).to_numpy()
    names, codes = ctx.o("project_name", projects), ctx.o("project_code", projects)
    for pos in np.flatnonzero(mask):
        yield Hit(f"项目「{names[pos] or codes[pos]}」预算执行率{fmt_num(float(rate.iat[pos]) * 100, 1)}%，"
                  f"低于{fmt_num(low * 100)}%，但没有说明原因。", codes[pos] or None, order=(int(pos), -1))


@register("text-actual", "warn", "定量指标以文字作为完成值", scope="indicator", stage=R)
def text_actual(ctx: ResultsContext):
    mask = ctx.s("target_kind").isin(list(QUANTITATIVE)) & (ctx.s("actual") != "")
    for pos, row in ctx.rows(ctx.judge(mask, lambda t, a: ctx.actual_of(a.text, None).kind
                                       in ("completion", "tier", "grade"))):
        yield _hit(ctx, pos, row, f"{_where(row)}指标值「{row.target}」是定量目标，实际完成值却写「{row.actual}」，"
                                  "应填写实际数值。")


@register("placeholder-actual", "warn", "实际完成值是占位符", scope="indicator", stage=R)
def placeholder_actual(ctx: ResultsContext):
    # `*`, `_`, `-`, `/` typed as the actual: the engine cannot score it (needs review);
    # this names it for what it is. `无` and `—` are read as 不适用, not as placeholders.
    codes, texts = pd.factorize(ctx.s("actual"))   # each distinct actual tested once
    hit = np.array([bool(t) and PLACEHOLDER_RE.match(t) is not None for t in texts] + [False], dtype=bool)
    for pos, row in ctx.rows(hit[np.where(codes < 0, len(texts), codes)]):
        yield _hit(ctx, pos, row, f"{_where(row)}实际完成值为「{row.actual}」，是占位符而不是完成情况，"
                                  "该指标无法计分（需复核）；请填写实际完成的数值或情况。")


def _incomparable(ctx: ResultsContext, target, actual) -> bool:
    if actual.kind != "unreadable":
        return False
    alone = ctx.actual_of(actual.text, None)
    return bool(alone.kind == "number" and alone.dimension and target.dimension and alone.dimension != target.dimension)


@register("incomparable-units", "error", "完成值与指标值单位无法比较", scope="indicator", stage=R)
def incomparable_units(ctx: ResultsContext):
    mask = ctx.s("target_kind").isin(list(QUANTITATIVE)) & (ctx.s("actual") != "")
    for pos, row in ctx.rows(ctx.judge(mask, lambda t, a: _incomparable(ctx, t, a))):
        target = ctx.target(row)
        alone = ctx.actual_of(row.actual, None)
        yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」的单位（{alone.unit}）"
                                  f"与指标值「{row.target}」的单位（{target.unit}）无法比较。")


@register("satisfaction-no-evidence", "warn", "满意度没有调查佐证", scope="indicator", stage=R)
def satisfaction_no_evidence(ctx: ResultsContext):
    is_sat = ctx.s("level1").str.contains(_SAT_RE) | ctx.s("level2").str.contains(_SAT_RE) \
        | ctx.s("level3").str.contains(_SAT_RE)
    mask = is_sat & (ctx.s("actual") != "") & (ctx.s("evidence") == "") & (ctx.s("status") != "not_applicable")
    no_counts = ctx.judge(mask, lambda t, a: a.kind not in ("survey", "not_applicable", "empty"))
    for pos, row in ctx.rows(no_counts):
        yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」没有问卷数量（如“满意96人/共100人”），"
                                  "也没有佐证材料。")


@register("all-full-scores", "warn", "部门所有项目自评满分", scope="department", stage=R)
def all_full_scores(ctx: ResultsContext):
    scored, full, _ = _scored_full(ctx)
    scored, full = scored.to_numpy(), full.to_numpy()
    totals = ctx.n("total", ctx.evaluation.projects).to_numpy()
    row_unit = ctx.row_units()
    project_unit = ctx.units if ctx.units is not None else np.zeros(len(totals), dtype=np.int64)
    # Counted per unit in one pass over the rows (a block holds hundreds of units).
    units = ctx.unit_count
    n_scored = np.bincount(row_unit[scored], minlength=units)[:units]
    n_short = np.bincount(row_unit[scored & ~full], minlength=units)[:units]          # scored, not full
    n_projects = np.bincount(project_unit, minlength=units)[:units]
    n_below = np.bincount(project_unit[~(totals >= 100 - _FULL_EPS)], minlength=units)[:units]  # NaN: below
    for unit in np.flatnonzero((n_scored >= 5) & (n_short == 0) & (n_projects > 0) & (n_below == 0)).tolist():
        name = ctx.unit_name(unit) or "本部门"
        yield Hit(f"{name}全部{int(n_projects[unit])}个项目、{int(n_scored[unit])}个已评分指标均为满分，"
                  "自评可能不够审慎，建议抽查佐证材料。", None, None, order=(-1, -1), unit=unit)


@register("target-not-above-last-year", "warn", "指标值不高于上年实际完成值", scope="indicator", stage=R)
def target_not_above_last_year(ctx: ResultsContext):
    # One matching and one rule in the codebase: the year comparison's (perfscore.comparison:
    # projects by code then by name without year and ordinal, indicators by 三级 name then
    # by similarity; flag 指标值设置偏低 on ≥ targets and frequencies only — a ≤ cost cap
    # follows the budget, so last year's spending under it says nothing about this year's).
    if ctx.previous is None:
        return

    comparison = compare([ctx.previous, ctx.evaluation])
    notes: dict[tuple[str, str], str] = {}
    for _, pt, it, flag, note in comparison.flagged():
        after = it.members[1] if it is not None else None
        if flag == FLAG_NOT_ABOVE_LAST_ACTUAL and after is not None and pt.members[1] is not None:
            notes.setdefault((pt.members[1].code, after.id), note)
    if not notes:
        return
    keys = list(zip(ctx.s("project_code"), ctx.s("indicator_id")))
    mask = np.array([k in notes for k in keys], dtype=bool)
    for pos, row in ctx.rows(mask):
        yield _hit(ctx, pos, row, f"{_where(row)}{notes[keys[pos]]}，目标可能设置偏低。")


# --- lenient readings (scoring/lenient.py): listed so that none passes unseen -------------


@register("actual-restates-target", "warn", "实际完成值只是重复了指标值", scope="indicator", stage=R)
def actual_restates_target(ctx: ResultsContext):
    for pos, row in ctx.rows(_flagged(ctx, "actual-restates-target")):
        yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」只是重复了指标值「{row.target}」"
                                  "（或只写了界限），已按恰好达到该界限计分；请填写实际达到的数值并附佐证。")


@register("judged", "info", "无预设目标的指标按表中评价计分", scope="indicator", stage=R)
def judged(ctx: ResultsContext):
    for pos, row in ctx.rows(_flagged(ctx, "judged")):
        yield _hit(ctx, pos, row, f"{_where(row)}指标值「{row.target}」是占位符（没有预设目标），"
                                  f"按实际完成值中的评价「{row.actual}」计分；复核时请确认评价有依据。")


@register("unit-as-text", "warn", "未知单位按文字比较", scope="indicator", stage=R)
def unit_as_text(ctx: ResultsContext):
    for pos, row in ctx.rows(_flagged(ctx, "unit-as-text")):
        yield _hit(ctx, pos, row, f"{_where(row)}指标值「{row.target}」与实际完成值「{row.actual}」的单位不在单位表中，"
                                  "两者写法相同，已按数值比较；请确认单位确实一致。")
