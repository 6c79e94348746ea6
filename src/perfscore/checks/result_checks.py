"""Result checks (评价后检查): what a reviewer looks for in a scored year.

They read the Evaluation (one row per indicator, one per project) and judge
independently of the score they check: whether a target was met is worked out
again from the parsed target and actual (:func:`met`), so a full score claimed
for a missed target is caught. Masks over the DataFrame pick the rows; targets
and actuals are parsed only for those rows, each distinct string once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from perfscore.checks.common import fmt_num, project_year
from perfscore.checks.registry import Hit, Settings, register
from perfscore.model import Project

R = "results"

# Words that say "no problem" where a missed target needs an explanation (暂无问题).
_NONE_RE = re.compile(r"^\s*(暂无|无|没有|无问题|暂无问题|不存在问题|没有问题|无偏差|未发现问题|/|／|—|-)?\s*[。.]?\s*$")
_SAT_RE = re.compile("满意")
_FULL_EPS = 0.005


@dataclass
class ResultsContext:
    evaluation: object
    settings: Settings
    previous: object | None = None
    _targets: dict = field(default_factory=dict)
    _actuals: dict = field(default_factory=dict)
    _porder: dict | None = None

    @property
    def ind(self) -> pd.DataFrame:
        return self.evaluation.indicators

    @property
    def year(self) -> int | None:
        y = (self.evaluation.meta or {}).get("year")
        try:
            return int(y) if y not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def target(self, row) -> object:
        """The parsed 指标值 of an indicator row (project year from the project name)."""
        year = project_year(Project(code="", name=str(row.project_name or "")), self.year)[0]
        key = (row.target, row.level1, row.level2, row.level3, year)
        t = self._targets.get(key)
        if t is None:
            from perfscore.values import parse_target

            t = parse_target(str(row.target or ""), level1=row.level1 or None, level2=row.level2 or None,
                             level3=row.level3 or None, year=year)
            self._targets[key] = t
        return t

    def actual(self, row, target=None) -> object:
        """The parsed 实际完成值 against the row's target (or alone when target is False)."""
        t = self.target(row) if target is None else (None if target is False else target)
        key = (row.actual, t)
        a = self._actuals.get(key)
        if a is None:
            from perfscore.values import parse_actual

            a = parse_actual(_text(row.actual) or None, t)
            self._actuals[key] = a
        return a


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _col(df: pd.DataFrame, name: str, default="") -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index)


def _str(df: pd.DataFrame, name: str) -> pd.Series:
    return _col(df, name).fillna("").astype(str).str.strip()


def _num(df: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(_col(df, name, math.nan), errors="coerce")


def _where(row) -> str:
    return f"项目「{row.project_name or row.project_code}」三级指标「{row.level3}」"


def _rows(df: pd.DataFrame, mask: pd.Series):
    """(position, row) of the rows under ``mask``, in input order."""
    positions = [i for i, m in enumerate(mask.to_numpy()) if m]
    sub = df.iloc[positions]
    return zip(positions, sub.itertuples(index=False))


def _project_positions(ctx: ResultsContext) -> dict[str, int]:
    order: dict[str, int] = {}
    for code in _str(ctx.evaluation.projects, "project_code"):
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


def _scored_full(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    score, weight = _num(df, "score"), _num(df, "weight")
    scored = (_str(df, "status") == "scored") & score.notna() & weight.notna() & (weight > 0)
    full = scored & (score >= weight - _FULL_EPS)
    missed = scored & (score < weight - _FULL_EPS)
    return scored, full, missed


@register("full-score-missed", "error", "未达到目标却得满分", scope="indicator", stage=R)
def full_score_missed(ctx: ResultsContext):
    # The score perfscore computed, or the 得分 the unit wrote itself (self_score):
    # either at full weight while the actual misses the target is what reviewers catch.
    df = ctx.ind
    _, full, _ = _scored_full(df)
    weight, claimed = _num(df, "weight"), _num(df, "self_score")
    full_claim = claimed.notna() & weight.notna() & (weight > 0) & (claimed >= weight - _FULL_EPS)
    for pos, row in _rows(df, (full | full_claim) & (_str(df, "actual") != "")):
        target = ctx.target(row)
        if met(target, ctx.actual(row, target)) is False:
            given = float(row.score) if full.iat[pos] else float(claimed.iat[pos])
            who = "得满分" if full.iat[pos] else "自评填报满分"
            yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」未达到指标值「{row.target}」，"
                                      f"却{who}{fmt_num(given)}分。")


@register("missed-no-reason", "warn", "未达成目标但未说明偏差原因", scope="indicator", stage=R)
def missed_no_reason(ctx: ResultsContext):
    df = ctx.ind
    _, _, missed = _scored_full(df)
    for pos, row in _rows(df, missed & (_str(df, "reason") == "")):
        yield _hit(ctx, pos, row, f"{_where(row)}得分{fmt_num(float(row.score))}/{fmt_num(float(row.weight))}，"
                                  "未达成目标，但没有填写偏差原因分析及改进措施。")


@register("missed-no-problem", "warn", "未达成目标却称“暂无问题”", scope="indicator", stage=R)
def missed_no_problem(ctx: ResultsContext):
    df = ctx.ind
    _, _, missed = _scored_full(df)
    reason = _str(df, "reason")
    says_none = reason.str.match(_NONE_RE) & (reason != "")
    for pos, row in _rows(df, missed & says_none):
        yield _hit(ctx, pos, row, f"{_where(row)}未达成目标（得分{fmt_num(float(row.score))}/"
                                  f"{fmt_num(float(row.weight))}），偏差原因却写「{row.reason}」。")


@register("overshoot-no-reason", "warn", "超额完成≥130%未作说明", scope="indicator", stage=R)
def overshoot_no_reason(ctx: ResultsContext):
    df = ctx.ind
    ratio = float(ctx.settings.option("overshoot_ratio"))
    mask = _str(df, "target_kind").isin(["comparison", "frequency"]) & (_str(df, "actual") != "") \
        & (_str(df, "reason") == "")
    for pos, row in _rows(df, mask):
        target = ctx.target(row)
        goal = target.count_per_year if target.kind == "frequency" else target.value
        if target.op not in (">=", ">") or not goal or goal <= 0:
            continue
        actual = ctx.actual(row, target)
        if actual.kind == "number" and actual.value is not None and actual.value >= ratio * goal - 1e-9:
            yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」达到指标值「{row.target}」的"
                                      f"{fmt_num(actual.value / goal * 100, 1)}%（≥{fmt_num(ratio * 100)}%），"
                                      "指标值可能设置偏低，需说明原因。")


@register("exec-low-no-reason", "warn", "预算执行率低于90%未说明原因", scope="project", stage=R)
def exec_low_no_reason(ctx: ResultsContext):
    projects = ctx.evaluation.projects
    low = float(ctx.settings.option("exec_min_rate"))
    if "exec_reason" not in projects.columns:
        return  # the Evaluation does not carry the execution reason: cannot tell, never guess
    rate = _num(projects, "exec_rate")
    reason = _str(projects, "exec_reason")
    mask = rate.notna() & (rate < low - 1e-12) & (reason == "")
    for pos, row in _rows(projects, mask):
        yield Hit(f"项目「{row.project_name or row.project_code}」预算执行率{fmt_num(float(row.exec_rate) * 100, 1)}%，"
                  f"低于{fmt_num(low * 100)}%，但没有说明原因。", row.project_code or None, order=(pos, -1))


@register("text-actual", "warn", "定量指标以文字作为完成值", scope="indicator", stage=R)
def text_actual(ctx: ResultsContext):
    df = ctx.ind
    mask = _str(df, "target_kind").isin(list(QUANTITATIVE)) & (_str(df, "actual") != "")
    for pos, row in _rows(df, mask):
        actual = ctx.actual(row)
        if actual.kind in ("completion", "tier", "grade"):
            yield _hit(ctx, pos, row, f"{_where(row)}指标值「{row.target}」是定量目标，实际完成值却写「{row.actual}」，"
                                      "应填写实际数值。")


@register("incomparable-units", "error", "完成值与指标值单位无法比较", scope="indicator", stage=R)
def incomparable_units(ctx: ResultsContext):
    df = ctx.ind
    mask = _str(df, "target_kind").isin(list(QUANTITATIVE)) & (_str(df, "actual") != "")
    for pos, row in _rows(df, mask):
        target = ctx.target(row)
        if ctx.actual(row, target).kind != "unreadable":
            continue
        alone = ctx.actual(row, False)
        if alone.kind == "number" and alone.dimension and target.dimension and alone.dimension != target.dimension:
            yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」的单位（{alone.unit}）"
                                      f"与指标值「{row.target}」的单位（{target.unit}）无法比较。")


@register("satisfaction-no-evidence", "warn", "满意度没有调查佐证", scope="indicator", stage=R)
def satisfaction_no_evidence(ctx: ResultsContext):
    df = ctx.ind
    is_sat = _str(df, "level1").str.contains(_SAT_RE) | _str(df, "level2").str.contains(_SAT_RE) \
        | _str(df, "level3").str.contains(_SAT_RE)
    mask = is_sat & (_str(df, "actual") != "") & (_str(df, "evidence") == "") & (_str(df, "status") != "not_applicable")
    for pos, row in _rows(df, mask):
        actual = ctx.actual(row)
        if actual.kind in ("survey", "not_applicable", "empty"):
            continue
        yield _hit(ctx, pos, row, f"{_where(row)}实际完成值「{row.actual}」没有问卷数量（如“满意96人/共100人”），"
                                  "也没有佐证材料。")


@register("all-full-scores", "warn", "部门所有项目自评满分", scope="department", stage=R)
def all_full_scores(ctx: ResultsContext):
    df = ctx.ind
    scored, full, _ = _scored_full(df)
    totals = _num(ctx.evaluation.projects, "total")
    if int(scored.sum()) >= 5 and bool(full[scored].all()) and len(totals) and bool((totals >= 100 - _FULL_EPS).all()):
        unit = (ctx.evaluation.meta or {}).get("unit_name") or "本部门"
        yield Hit(f"{unit}全部{len(totals)}个项目、{int(scored.sum())}个已评分指标均为满分，"
                  "自评可能不够审慎，建议抽查佐证材料。", None, None, order=(-1, -1))


_NAME_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年?|[（(][^）)]*[）)]|\s+")


def _project_stem(name: str) -> str:
    return _NAME_YEAR_RE.sub("", str(name or ""))


@register("target-not-above-last-year", "warn", "指标值不高于上年实际完成值", scope="indicator", stage=R)
def target_not_above_last_year(ctx: ResultsContext):
    if ctx.previous is None:
        return
    prev_df = ctx.previous.indicators
    prev_ctx = ResultsContext(ctx.previous, ctx.settings)
    # Project codes change every year (they embed the year): match on the project
    # name without years and numbering, and the 三级 name.
    last: dict[tuple[str, str], tuple] = {}
    mask = _str(prev_df, "target_kind").isin(["comparison"]) & (_str(prev_df, "actual") != "")
    for _, row in _rows(prev_df, mask):
        last.setdefault((_project_stem(row.project_name), str(row.level3).strip()), row)
    df = ctx.ind
    for pos, row in _rows(df, _str(df, "target_kind") == "comparison"):
        prev = last.get((_project_stem(row.project_name), str(row.level3).strip()))
        if prev is None:
            continue
        target = ctx.target(row)
        if target.value is None or target.op not in (">=", ">", "<=", "<"):
            continue
        # Last year's actual, read in this year's target unit.
        actual = prev_ctx.actual(prev, target)
        if actual.kind not in ("number", "survey") or actual.value is None:
            continue
        higher_is_better = target.op in (">=", ">")
        too_easy = target.value <= actual.value + 1e-9 if higher_is_better else target.value >= actual.value - 1e-9
        if too_easy:
            word = "不高于" if higher_is_better else "不低于"
            yield _hit(ctx, pos, row, f"{_where(row)}指标值「{row.target}」{word}上年实际完成值「{prev.actual}」，"
                                      "目标可能设置偏低。")
