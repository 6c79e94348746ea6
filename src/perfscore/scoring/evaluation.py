"""The Evaluation: what the engine produces and every writer reads (report, CSV,
review pack, compare). Writers only read it.

One row per indicator in ``indicators`` (never fewer than the input had), one row
per project in ``projects``; ``department`` holds the unit-level totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from perfscore.model import Finding

RESULTS_SCHEMA = "perfscore.results/1"

# Indicator status (状态).
SCORED = "scored"                  # 已评分
NOT_APPLICABLE = "not_applicable"  # 不适用, excluded and re-scaled
NEEDS_REVIEW = "needs_review"      # 需复核: no actual, unreadable, incomparable units …

# Columns of ``Evaluation.indicators`` in this order (results.csv writes them so).
INDICATOR_COLUMNS = [
    "unit_code", "unit_name",
    "project_code", "project_name",
    "indicator_id", "level1", "level2", "level3",
    "target",            # 指标值 as printed
    "target_kind",       # Target.kind
    "target_canonical",  # how perfscore read it
    "inferred",          # direction inferred (bool)
    "actual",            # 实际完成值 as written ("" when missing)
    "actual_reading",    # how perfscore read the actual (text)
    "weight",            # 分值 (float)
    "score",             # 得分 (float, NaN unless status == scored)
    "status",            # scored / not_applicable / needs_review
    "rule",              # rule id applied, e.g. 'ge', 'le-ratio', 'tier'
    "arithmetic",        # e.g. '96% ≥ 95% → 8.00 / 8'
    "flags",             # ';'-joined flag ids
    "review_reason",     # why needs review / not scored (Chinese)
    "reason",            # 偏差原因分析及改进措施 as written
    "evidence",          # 佐证材料
]

# Columns the engine appends after INDICATOR_COLUMNS (same order in results.csv).
INDICATOR_EXTRA_COLUMNS = [
    "block",        # the profile block (一级) the row was weighted in
    "self_score",   # 得分 as written by the unit ('' when none)
    "ci_low",       # survey counts: confidence interval of the satisfied share (%)
    "ci_high",
]

# Fixed columns of ``Evaluation.projects``; one column per 一级 block (named by
# the block's 一级 label, e.g. '产出指标') is inserted before 'total'.
PROJECT_COLUMNS = [
    "unit_code", "unit_name", "project_code", "project_name",
    "budget",       # 全年预算数 (元)
    "executed",     # 全年执行数 (元)
    "exec_rate",    # 执行率 (fraction, e.g. 0.95)
    "exec_weight",  # 分值 of execution
    "exec_score",   # 得分 of execution
    # ... block columns ...
    "total",        # 总分 (0-100)
    "grade",        # 自评等级 优/良/中/差
    "indicators",   # number of indicators
    "missed",       # scored below full weight
    "needs_review",
]

# Columns the engine appends after PROJECT_COLUMNS (same order in projects.csv).
PROJECT_EXTRA_COLUMNS = [
    "not_applicable",     # number of not-applicable indicators
    "applicable_weight",  # Σ applicable weights incl. execution (the denominator of the total)
    "raw_total",          # execution score + Σ indicator scores, before re-scaling
    "incomplete",         # some row (or the execution rate) needs review: 未完成评分
    "exec_reason",        # 偏差原因 given on the 全年执行数 row ("" when none)
    "flags",              # ';'-joined project flags
    "notes",              # the flags explained in Chinese
]

# Columns of ``Evaluation.monitoring`` (资金支出进度, 双监控).
MONITORING_COLUMNS = ["project_code", "project_name", "checkpoint", "planned_pct", "spent",
                      "actual_pct", "lag_pct", "lagging"]


@dataclass
class Evaluation:
    """The scored year.

    meta: schema, year, as_of (ISO date), profile name, unit code/name, source files.
    indicators / projects: DataFrames with the columns above.
    blocks: ordered 一级 block labels (the project block columns).
    department: 部门整体 totals: budget, executed, exec_rate, total (budget-weighted
        mean of project totals), grade, counts, and ``goals`` (the 部门整体/分项目标
        indicators scored as their own table) when they carry actuals.
    monitoring: spending plan checkpoints per project (project_code, checkpoint,
        planned_pct, actual_pct, lag_pct).
    findings: every finding of reading, checking and scoring.
    """

    meta: dict
    indicators: pd.DataFrame
    projects: pd.DataFrame
    blocks: list[str] = field(default_factory=list)
    department: dict = field(default_factory=dict)
    monitoring: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: list[Finding] = field(default_factory=list)
