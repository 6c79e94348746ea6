"""Cost indicators against budget ÷ period (成本指标与预算数÷期数核对).

A 成本 indicator such as ``≤46875元/月`` should be the project's budget spread
over the period or the items it names: 56.25万元 ÷ 12 月 = 46875 元/月. Periods
(月, 季度, 年 …) divide by their count per year; item denominators (台, 辆, 社区 …)
divide by the planned quantity, read from the project's own 数量 indicator in that
unit (``≥2台``) or named after it (社区数量 ``≥14个``).

Rounding is tolerated: the printed figure may differ from the exact quotient by
half a unit of its last printed digit (1.82万元 covers 18150-18250 元) or by
``cost_abs_tolerance`` (0.01 元, so ≤55833.34 matches 67万 ÷ 12 = 55833.333…).
Every cost indicator gets a verdict: matches (info), does not match (warn), or
cannot be checked and why (info).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from perfscore.checks.common import TargetsContext, fmt_money, fmt_num, is_cost, is_quantity, label
from perfscore.checks.registry import Hit, register

# Periods per year of a per-period denominator.
PERIODS_PER_YEAR = {"月": 12, "个月": 12, "季度": 4, "季": 4, "半年": 2, "年": 1, "年度": 1, "周": 52, "旬": 36}
_PERIOD_WORDS = {"月": "12个月", "个月": "12个月", "季度": "4个季度", "季": "4个季度", "半年": "2个半年",
                 "年": "1年", "年度": "1年", "周": "52周", "旬": "36旬"}
_DAYS = ("天", "日")
_NUMBER_RE = re.compile(r"\d+(?:\.(\d+))?")


@dataclass(frozen=True)
class CostVerdict:
    status: str            # "match" | "mismatch" | "unchecked"
    message: str


def _divisor(ctx: TargetsContext, project, per: tuple[str, ...], year: int | None):
    """(divisor, explanation) for the denominators, or (None, why not)."""
    divisor, parts = 1.0, []
    for d in per:
        if d in PERIODS_PER_YEAR:
            divisor *= PERIODS_PER_YEAR[d]
            parts.append(_PERIOD_WORDS[d])
        elif d in _DAYS:
            days = 366 if year and calendar.isleap(year) else 365
            divisor *= days
            parts.append(f"{days}天")
        else:
            found = _planned_quantity(ctx, project, d, year)
            if found is None:
                return None, f"本项目没有以「{d}」计量的数量指标，无法得知{d}数"
            count, ind = found
            if count <= 0:
                return None, f"数量指标「{ind.level3}」的数量为{fmt_num(count)}"
            divisor *= count
            parts.append(f"{fmt_num(count)}{d}（取自数量指标「{ind.level3}」{ind.target}）")
    return divisor, " ÷ ".join(parts)


def _planned_quantity(ctx: TargetsContext, project, noun: str, year: int | None):
    """The quantity of ``noun`` the project plans, from its own quantity indicators."""
    candidates = []
    for ind in project.indicators:
        if is_cost(ind):
            continue
        t = ctx.parse(ind, year)
        if t.kind != "comparison" or t.value is None or t.op not in (">=", "=", ">"):
            continue
        if t.unit == noun or (t.dimension == "count" and noun in ind.level3):
            candidates.append((is_quantity(ind), t.value, ind))
    if not candidates:
        return None
    preferred = [c for c in candidates if c[0]] or candidates
    values = {c[1] for c in preferred}
    if len(values) != 1:
        return None  # ambiguous: two different quantities of the same thing
    return preferred[0][1], preferred[0][2]


@lru_cache(maxsize=1 << 14)
def _printed(text: str, value: float) -> tuple[int, float]:
    """(decimals, scale) of the number printed in the target: ``1.82万元`` → (2, 10000)."""
    for m in _NUMBER_RE.finditer(text.replace(",", "")):
        number = float(m.group(0))
        if number <= 0:
            continue
        scale = value / number          # 1 for 元, 1e4 for 万元 …
        if abs(scale - round(scale)) > 1e-6 * max(1.0, scale):
            continue  # not this number (e.g. a count before the amount)
        return len(m.group(1) or ""), float(round(scale))
    return 2, 1.0


def _amount(value: float, scale: float) -> str:
    """An amount in the target's own money unit (万元 when the target is in 万)."""
    if scale == 1e4:
        return f"{fmt_num(value / 1e4, 4)}万元"
    if scale == 1e8:
        return f"{fmt_num(value / 1e8, 6)}亿元"
    return f"{fmt_num(value)}元"


def cost_verdict(ctx: TargetsContext, pi: int, project, ind, target) -> CostVerdict | None:
    """The verdict on one cost indicator, or None when it is not a money amount at all."""
    if not is_cost(ind) or target.kind != "comparison" or target.dimension != "money" or target.value is None:
        return None
    money_unit = ctx.targets.unit.money_unit
    budget = project.funds.total
    if not budget:
        return CostVerdict("unchecked", f"{label(project, ind)}指标值「{ind.target}」：项目没有预算数，无法核对。")
    year = ctx.years[pi][0]
    divisor, how = _divisor(ctx, project, target.per, year)
    if divisor is None:
        return CostVerdict("unchecked", f"{label(project, ind)}指标值「{ind.target}」：{how}，无法按预算数核对。")
    implied = budget / divisor
    decimals, scale = _printed(ind.target, target.value)
    # Half a unit of the last printed digit, and never less than the absolute tolerance.
    tol = max(float(ctx.settings.option("cost_abs_tolerance")), 0.5 * 10 ** -decimals * scale)
    per = "/".join(target.per)
    suffix = f"/{per}" if per else ""
    arithmetic = f"预算数{fmt_money(budget, money_unit)}" + (f" ÷ {how}" if how else "") + \
        f" = {_amount(implied, scale)}{suffix}"
    diff = target.value - implied
    if abs(diff) <= tol + 1e-9:
        note = "" if abs(diff) < 0.005 else f"（相差{fmt_num(abs(diff))}元，在指标值末位取整范围内）"
        return CostVerdict("match", f"{label(project, ind)}指标值「{ind.target}」与{arithmetic}一致{note}。")
    direction = "高于" if diff > 0 else "低于"
    return CostVerdict("mismatch", f"{label(project, ind)}指标值「{ind.target}」{direction}{arithmetic}，"
                       f"相差{_amount(abs(diff), scale)}{suffix}；请核对成本测算或预算数。")


def _verdicts(ctx: TargetsContext):
    cache = ctx.memo.get("cost_verdicts")
    if cache is None:
        cache = []
        df = ctx.frame
        for _, pi, project, ii, ind, target in ctx.at(df["is_cost"] & (df["kind"] == "comparison")
                                                      & (df["dim"] == "money")):
            v = cost_verdict(ctx, pi, project, ind, target)
            if v is not None:
                cache.append((pi, ii, project, ind, v))
        ctx.memo["cost_verdicts"] = cache
    return cache


@register("cost-budget", "warn", "成本指标与预算数÷期数不符", scope="indicator", stage="targets")
def cost_budget(ctx: TargetsContext):
    for pi, ii, project, ind, v in _verdicts(ctx):
        if v.status == "mismatch":
            yield Hit(v.message, project.code, ind.id, order=(pi, ii))


@register("cost-budget-ok", "info", "成本指标与预算数÷期数一致", scope="indicator", stage="targets")
def cost_budget_ok(ctx: TargetsContext):
    for pi, ii, project, ind, v in _verdicts(ctx):
        if v.status == "match":
            yield Hit(v.message, project.code, ind.id, order=(pi, ii))


@register("cost-budget-unchecked", "info", "成本指标无法按预算数核对", scope="indicator", stage="targets")
def cost_budget_unchecked(ctx: TargetsContext):
    for pi, ii, project, ind, v in _verdicts(ctx):
        if v.status == "unchecked":
            yield Hit(v.message, project.code, ind.id, order=(pi, ii))
