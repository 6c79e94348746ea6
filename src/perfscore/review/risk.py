"""The risk ranking (风险排序) that helps a finance bureau choose projects for 重点评价.

Every component is its own column, so a reviewer sees why a project ranks where it
does; the risk score is their plain sum:

    ① 问题分     = 3 × 错误 + 1 × 警告 (the project's findings; 提示 not counted)
    ② 资金分     = 20 × 本项目预算数 ÷ 各项目中最大的预算数 (money at stake)
    ③ 未达标分   = Σ (分值 − 得分) over scored indicators below full weight (how far below target)
    ④ 执行差距分 = 0.5 × 执行率偏离100%的百分点数 (72.5 % → 13.75; 110 % → 5): money
                   left unspent, or spent beyond the budget — the score caps execution at
                   100 % and flags it (domain.md §4), so a reviewer should look at it too
    ⑤ 满分存疑分 = 5 × 未达目标却得满分或自报满分的指标数
    ⑥ 需复核分   = 2 × 需复核的指标数

Ties are broken by budget (larger first), then by the order of the input.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from perfscore.scoring.numeric import round_half_up

# The points of each component; the text below is printed in the pack and docs.
POINTS = {"error": 3.0, "warn": 1.0, "money": 20.0, "lost": 1.0, "exec_gap": 0.5, "full_missed": 5.0,
          "needs_review": 2.0}

FORMULA = [
    "风险分 = ①问题分 + ②资金分 + ③未达标分 + ④执行差距分 + ⑤满分存疑分 + ⑥需复核分",
    "①问题分 = 3 × 错误数 + 1 × 警告数（检查发现中本项目的问题，提示不计）",
    "②资金分 = 20 × 本项目预算数 ÷ 各项目中最大的预算数",
    "③未达标分 = 各未得满分指标的（分值 − 得分）之和",
    "④执行差距分 = 0.5 × 执行率偏离100%的百分点数（低于100%：预算未执行完；高于100%：超预算执行，评分时按100%封顶并标记）",
    "⑤满分存疑分 = 5 × 未达目标却得满分或自报满分的指标数",
    "⑥需复核分 = 2 × 需复核的指标数",
    "风险分相同时，预算数大者在前；再相同时按输入顺序。",
]

RISK_COLUMNS = ["rank", "unit_code", "project_code", "project_name", "budget", "exec_rate", "total", "grade",
                "findings", "errors", "warns", "p_findings", "p_money", "p_lost", "p_exec_gap", "p_full_missed",
                "p_needs_review", "risk"]

_EPS = 0.005


def risk_table(evaluation) -> pd.DataFrame:
    """One row per project with each risk component and the rank (1 = review first)."""
    ind, proj = evaluation.indicators, evaluation.projects
    weight = pd.to_numeric(ind["weight"], errors="coerce")
    score = pd.to_numeric(ind["score"], errors="coerce")
    claimed = pd.to_numeric(ind["self_score"], errors="coerce") if "self_score" in ind else score * np.nan
    status = ind["status"].astype(str)
    scored = (status == "scored") & score.notna() & weight.notna()
    below = scored & (score < weight - _EPS)
    lost = (weight - score).where(below, 0.0)
    claimed_full_missed = below & claimed.notna() & (claimed >= weight - _EPS)

    keys = list(zip(ind["unit_code"].astype(str), ind["project_code"].astype(str)))
    lost_by: Counter = Counter()
    nr_by: Counter = Counter()
    fm_rows: dict[tuple, set] = {}
    for key, lost_i, nr_i, fm_i, iid in zip(keys, lost, status == "needs_review", claimed_full_missed,
                                           ind["indicator_id"].astype(str)):
        lost_by[key] += float(lost_i)
        nr_by[key] += int(nr_i)
        if fm_i:
            fm_rows.setdefault(key, set()).add(iid)

    # Findings are keyed by project code (and indicator id); a finding without a
    # project (department level) is not attributed to any project.
    sev_by: dict[str, Counter] = {}
    names_by: dict[str, Counter] = {}
    fm_found: dict[str, set] = {}
    for f in evaluation.findings:
        if not f.project_code:
            continue
        sev_by.setdefault(f.project_code, Counter())[f.severity] += 1
        if f.severity in ("error", "warn"):
            names_by.setdefault(f.project_code, Counter())[f.check] += 1
        if f.check == "full-score-missed" and f.indicator_id:
            fm_found.setdefault(f.project_code, set()).add(f.indicator_id)

    budgets = pd.to_numeric(proj["budget"], errors="coerce")
    max_budget = float(budgets.max()) if budgets.notna().any() and float(budgets.max()) > 0 else math.nan
    rows = []
    for pos, p in enumerate(proj.itertuples(index=False)):
        key = (str(p.unit_code), str(p.project_code))
        sev = sev_by.get(p.project_code, Counter())
        budget = float(p.budget) if p.budget is not None and not pd.isna(p.budget) else math.nan
        rate = float(p.exec_rate) if p.exec_rate is not None and not pd.isna(p.exec_rate) else math.nan
        p_find = POINTS["error"] * sev["error"] + POINTS["warn"] * sev["warn"]
        p_money = POINTS["money"] * budget / max_budget if not math.isnan(budget) and not math.isnan(max_budget) else 0.0
        p_lost = POINTS["lost"] * lost_by[key]
        p_exec = POINTS["exec_gap"] * abs(100.0 * (1.0 - rate)) if not math.isnan(rate) else 0.0
        p_full = POINTS["full_missed"] * len(fm_rows.get(key, set()) | fm_found.get(p.project_code, set()))
        p_nr = POINTS["needs_review"] * nr_by[key]
        parts = [round_half_up(x) for x in (p_find, p_money, p_lost, p_exec, p_full, p_nr)]
        named = names_by.get(p.project_code, Counter())
        rows.append({
            "unit_code": p.unit_code, "project_code": p.project_code, "project_name": p.project_name,
            "budget": budget, "exec_rate": rate, "total": p.total, "grade": p.grade,
            "findings": "；".join(f"{cid}×{n}" for cid, n in sorted(named.items())),
            "errors": sev["error"], "warns": sev["warn"],
            "p_findings": parts[0], "p_money": parts[1], "p_lost": parts[2], "p_exec_gap": parts[3],
            "p_full_missed": parts[4], "p_needs_review": parts[5], "risk": round_half_up(sum(parts)),
            "_pos": pos,
        })
    table = pd.DataFrame(rows, columns=[c for c in RISK_COLUMNS if c != "rank"] + ["_pos"])
    if len(table):
        table["_b"] = table["budget"].fillna(-1.0)
        table = table.sort_values(["risk", "_b", "_pos"], ascending=[False, False, True], kind="mergesort")
        table = table.drop(columns=["_b"])
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.drop(columns=["_pos"]).reset_index(drop=True)
