"""Project totals, the department (部门整体) totals and spending monitoring (双监控).

Totals are computed on integer quanta: a project's raw total is exactly the
execution score plus the sum of its rounded indicator scores; the reported total
re-scales it to 100 over the applicable weights (total = Σ scores / Σ applicable
weights × 100, rounded half up), which is the raw total itself when nothing was
dropped.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from perfscore.model import Targets
from perfscore.scoring.evaluation import (
    MONITORING_COLUMNS,
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    PROJECT_COLUMNS,
    PROJECT_EXTRA_COLUMNS,
    SCORED,
)
from perfscore.scoring.numeric import div_quanta, from_quanta, to_quanta
from perfscore.scoring.profile import Profile
from perfscore.scoring.rules import execution_share, total_cap

EXTRA_PROJECT_COLUMNS = PROJECT_EXTRA_COLUMNS  # re-exported under its first name

_NOTE = {
    "incomplete": "有指标需复核，按0分计入（分值保留在分母中），总分为暂定",
    "no_indicators": "没有可计分的绩效指标，无法计算总分",
    "unscored": "全部指标需复核（如未填写实际完成值），暂无总分，也不计入部门整体得分",
    "exec_missing": "缺少全年预算数或全年执行数，执行率未计分",
    "exec_zero_budget": "全年预算数为0，执行率无法计算，未计分；请核对资金栏",
    "exec_over_100": "执行率超过100%，按100%计分",
    "exec_low": "执行率低于{low}，需说明原因",
    "budget_from_initial": "未填全年预算数，按年初预算数计算执行率",
    "weights_table": "按目标表中的分值计分",
    "exec_cap": "执行率低，按评分方案总分封顶",
}


def execution(pframe: pd.DataFrame, profile: Profile) -> dict[str, np.ndarray]:
    """Budget execution per project: rate = 执行数 / 预算数, score = min(rate, 1) × w_exec."""
    ex = profile.execution
    digits = profile.rounding.digits
    full = pframe["budget_full_year"].to_numpy(dtype=float)
    initial = pframe["funds_total"].to_numpy(dtype=float)
    if ex.denominator == "initial":
        budget, from_initial = initial, np.zeros(len(pframe), dtype=bool)
    else:
        from_initial = np.isnan(full) & ~np.isnan(initial) & ex.fallback_to_initial
        budget = np.where(from_initial, initial, full)
    executed = pframe["executed"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(budget > 0, executed / budget, np.nan)
    ok = ~np.isnan(rate)
    w_q = to_quanta(np.full(len(pframe), ex.weight), digits)
    share = execution_share(np.nan_to_num(rate), ex.method, ex.bands, ex.penalty_per_point, ex.weight,
                            ex.whole_points)
    score_q = np.where(ok, to_quanta(share * ex.weight, digits, profile.rounding.mode), np.nan)
    return {
        "budget": budget, "executed": executed, "rate": rate, "weight_q": w_q, "score_q": score_q,
        "ok": ok, "from_initial": from_initial & ok,
        "over": ok & (rate > 1.0), "low": ok & (rate < ex.low_rate),
    }


def project_table(pframe: pd.DataFrame, ind: pd.DataFrame, weight_q: np.ndarray, score_q: np.ndarray,
                  blocks: list[str], missing_blocks: dict[int, list[str]], table_projects: set[int],
                  gap_projects: set[str], profile: Profile) -> pd.DataFrame:
    digits = profile.rounding.digits
    n_p = len(pframe)
    ex = execution(pframe, profile)
    p_idx = ind["p_idx"].to_numpy() if "p_idx" in ind else np.zeros(0, dtype=np.int64)
    status = ind["status"].to_numpy(dtype=object)
    block = ind["block"].to_numpy(dtype=object)
    scored = status == SCORED
    nr = status == NEEDS_REVIEW
    na = status == NOT_APPLICABLE

    def per_project(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = np.zeros(n_p)
        np.add.at(out, p_idx[mask], values[mask])
        return out

    sq = np.nan_to_num(score_q)
    wq = np.nan_to_num(weight_q)
    count = lambda m: per_project(np.ones(len(p_idx)), m).astype(np.int64)  # noqa: E731
    raw_q = per_project(sq, scored) + np.nan_to_num(ex["score_q"])
    applicable_q = per_project(wq, scored)
    if profile.needs_review.mode == "zero":
        applicable_q += per_project(wq, nr)
        applicable_q += np.where(ex["ok"], 0, ex["weight_q"])
    applicable_q += np.where(ex["ok"], ex["weight_q"], 0)
    if profile.not_applicable.missing_block == "zero":
        scale = 10 ** digits
        for p, gone in missing_blocks.items():
            applicable_q[p] += sum(round(profile.blocks[b].weight * scale) for b in gone)
    total_points_q = round(profile.total * 10 ** digits)
    total_q = div_quanta(raw_q * total_points_q, applicable_q)
    # Execution alone is no performance evaluation: without any applicable indicator the
    # project has no total (rather than 100 from its execution rate).
    no_indicators = count(scored | nr) == 0
    # Nothing scored yet (every indicator needs review, e.g. no actuals filled in): a
    # total of 0 would read as 差; there is no total until something is scored.
    unscored = (count(scored) == 0) & ~no_indicators
    total_q = np.where(no_indicators | unscored, np.nan, total_q)
    capped = np.zeros(n_p, dtype=bool)
    if profile.execution.caps:
        cap_q = to_quanta(np.nan_to_num(total_cap(ex["rate"], profile.execution.caps), posinf=1e9), digits)
        with np.errstate(invalid="ignore"):
            capped = ex["ok"] & (total_q > cap_q)
        total_q = np.where(capped, cap_q, total_q)
    total = from_quanta(total_q, digits)

    out = pd.DataFrame({
        "unit_code": pframe["unit_code"].to_numpy(dtype=object),
        "unit_name": pframe["unit_name"].to_numpy(dtype=object),
        "project_code": pframe["project_code"].to_numpy(dtype=object),
        "project_name": pframe["project_name"].to_numpy(dtype=object),
        "budget": ex["budget"],
        "executed": ex["executed"],
        "exec_rate": np.round(ex["rate"], 6),
        "exec_weight": from_quanta(ex["weight_q"], digits),
        "exec_score": from_quanta(ex["score_q"], digits),
    })
    for name in blocks:
        in_block = block == name
        has_scored = count(scored & in_block) > 0
        out[name] = np.where(has_scored, from_quanta(per_project(sq, scored & in_block), digits), np.nan)
    n_missed = count(scored & (sq < wq))
    n_nr = count(nr)
    incomplete = (n_nr > 0) | ~ex["ok"] | no_indicators
    out["total"] = total
    out["grade"] = [profile.grade_of(t) for t in total]
    out["indicators"] = count(np.ones(len(p_idx), dtype=bool))
    out["missed"] = n_missed
    out["needs_review"] = n_nr
    out["not_applicable"] = count(na)
    out["applicable_weight"] = from_quanta(applicable_q, digits)
    out["raw_total"] = from_quanta(raw_q, digits)
    out["incomplete"] = incomplete
    # 偏差原因 written on the 全年执行数 row: the execution check (< 90 % needs a reason) reads it.
    out["exec_reason"] = (pframe["exec_reason"].to_numpy(dtype=object) if "exec_reason" in pframe
                          else np.full(n_p, "", dtype=object))

    flags, notes = [], []
    low_txt = f"{profile.execution.low_rate * 100:g}%"
    codes = pframe["project_code"].tolist()
    for p in range(n_p):
        f: list[str] = []
        if incomplete[p]:
            f.append("incomplete")
        if no_indicators[p]:
            f.append("no_indicators")
        if unscored[p]:
            f.append("unscored")
        if not ex["ok"][p]:
            f.append("exec_zero_budget" if ex["budget"][p] == 0 else "exec_missing")
        if ex["over"][p]:
            f.append("exec_over_100")
        if ex["low"][p]:
            f.append("exec_low")
        if ex["from_initial"][p]:
            f.append("budget_from_initial")
        if capped[p]:
            f.append("exec_cap")
        if p in table_projects:
            f.append("weights_table")
        if codes[p] in gap_projects:
            f.append("weights_gap")
        text = [_NOTE[x].format(low=low_txt) for x in f
                if x in _NOTE and (x != "incomplete" or n_nr[p] > 0)]
        if "weights_gap" in f:
            text.append("目标表分值合计不符，见问题清单")
        for b in ([] if no_indicators[p] else missing_blocks.get(p, [])):
            f.append("no_satisfaction" if "满意度" in b else f"missing_block:{b}")
            how = "已按其余分值折算到100分" if profile.not_applicable.missing_block == "rescale" else "该块按0分计"
            text.append(f"没有{b}，{how}")
        flags.append(";".join(f))
        notes.append("；".join(text))
    out["flags"] = flags
    out["notes"] = notes
    return out[PROJECT_COLUMNS[:9] + blocks + PROJECT_COLUMNS[9:] + EXTRA_PROJECT_COLUMNS]


def department_columns(projects: pd.DataFrame, ind: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns the department's totals are made of, as arrays: a batch takes them once
    for a block and gives each unit its slices (a column read from a frame costs as much as
    the sums made of it)."""
    return {"budget": projects["budget"].to_numpy(dtype=float),
            "executed": projects["executed"].to_numpy(dtype=float),
            "total": projects["total"].to_numpy(dtype=float),
            "incomplete": projects["incomplete"].to_numpy(),
            "missed": projects["missed"].to_numpy(),
            "grade": projects["grade"].to_numpy(dtype=object),
            "status": ind["status"].to_numpy(dtype=object)}


def department_totals(columns: dict[str, np.ndarray], profile: Profile) -> dict:
    """部门整体: budget-weighted mean of project totals, execution and counts, from the
    projects' and indicators' :func:`department_columns`."""
    digits = profile.rounding.digits
    budget, executed, total = columns["budget"], columns["executed"], columns["total"]
    has_total = ~np.isnan(total)
    use_budget = profile.department.weighting == "budget"
    weights = np.where(has_total & (budget > 0), budget, 0.0) if use_budget else has_total.astype(float)
    note = ""
    if use_budget and weights.sum() == 0 and has_total.any():
        weights = has_total.astype(float)
        note = "各项目均无预算数，部门总分按简单平均计算"
    dept_total = float(np.sum(np.nan_to_num(total) * weights) / weights.sum()) if weights.sum() > 0 else float("nan")
    dept_total = float(from_quanta(to_quanta([dept_total], digits, profile.rounding.mode), digits)[0])
    b_sum = float(np.nansum(budget)) if (~np.isnan(budget)).any() else float("nan")
    e_sum = float(np.nansum(executed)) if (~np.isnan(executed)).any() else float("nan")
    rate = e_sum / b_sum if b_sum and not np.isnan(b_sum) and not np.isnan(e_sum) else float("nan")
    # Counted on plain arrays: the batch calls this once per unit (≈ 10³ small frames), where
    # pandas' per-operation overhead (a Series per comparison) is most of the cost.
    status = Counter(columns["status"].tolist())
    grades = Counter(columns["grade"].tolist())
    has_projects = len(total) > 0
    return {
        "budget": _clean(b_sum),
        "executed": _clean(e_sum),
        "exec_rate": _clean(round(rate, 6) if not np.isnan(rate) else rate),
        "total": _clean(dept_total),
        "grade": profile.grade_of(dept_total),
        "weighting": "budget" if use_budget and not note else "equal",
        "note": note,
        "projects": int(len(total)),
        "incomplete_projects": int(columns["incomplete"].sum()) if has_projects else 0,
        "indicators": int(len(columns["status"])),
        "scored": status[SCORED],
        "not_applicable": status[NOT_APPLICABLE],
        "needs_review": status[NEEDS_REVIEW],
        "missed": int(columns["missed"].sum()) if has_projects else 0,
        "grades": {g: grades[g] for g in profile.grades},
    }


def _clean(x: float):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else x




def monitoring_table(targets: Targets, budgets: np.ndarray, profile: Profile) -> pd.DataFrame:
    """Spending plan checkpoints against cumulative spending (monitored, not scored)."""
    p_of, cps, planned, spent = [], [], [], []
    for i, p in enumerate(targets.projects):
        points = list(p.spending_plan) + [k for k in p.spent if k not in p.spending_plan]
        for cp in points:
            p_of.append(i)
            cps.append(cp)
            v = p.spending_plan.get(cp)
            planned.append(np.nan if v is None else v)
            v = p.spent.get(cp)
            spent.append(np.nan if v is None else v)
    p_of = np.array(p_of, dtype=np.int64)
    planned = np.array(planned, dtype=float)
    spent = np.array(spent, dtype=float)
    budget = np.asarray(budgets, dtype=float)[p_of] if len(p_of) else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        actual = np.where(budget > 0, spent / budget * 100, np.nan)
    lag = planned - actual
    with np.errstate(invalid="ignore"):
        lagging = ~np.isnan(lag) & (lag > profile.monitoring.lag_tolerance + 1e-9)
    codes = np.array([p.code for p in targets.projects], dtype=object)
    names = np.array([p.name for p in targets.projects], dtype=object)
    return pd.DataFrame({
        "project_code": codes[p_of] if len(p_of) else np.array([], dtype=object),
        "project_name": names[p_of] if len(p_of) else np.array([], dtype=object),
        "checkpoint": np.array(cps, dtype=object),
        "planned_pct": planned,
        "spent": spent,
        "actual_pct": np.round(actual, 2),
        "lag_pct": np.round(lag, 2),
        "lagging": lagging,
    }, columns=MONITORING_COLUMNS)
