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


@dataclass
class Evaluation:
    """The scored year.

    meta: schema, year, as_of (ISO date), profile name, unit code/name, source files.
    indicators / projects: DataFrames with the columns above.
    blocks: ordered 一级 block labels (the project block columns).
    department: 部门整体 totals: budget, executed, exec_rate, total (budget-weighted
        mean of project totals), grade, counts, and the 分项目标 table when scored.
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
