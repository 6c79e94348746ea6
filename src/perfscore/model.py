"""The data model: what readers produce and the engine consumes.

``Targets`` is the content of ``targets.json`` (schema ``perfscore.targets/1``):
the year's 绩效目标 of one or more budget units (预算单位). Field names are English;
each carries the Chinese term once in its description. The model is validated on
load and serialised deterministically (see :func:`dump_targets`), so that
load → save is a byte-identical round trip.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TARGETS_SCHEMA = "perfscore.targets/1"


class _Model(BaseModel):
    # Unknown keys are refused: a misspelt key in a hand-edited targets.json must
    # not be silently dropped.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)
    # allow_inf_nan=False: NaN / Infinity (which Python's json module accepts) in a weight
    # or an amount is an error naming the field, never a number carried into the scores.


# How each Finding.severity is shown to users, in order of weight.
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warn": "警告", "info": "提示"}


class Finding(_Model):
    """A finding (发现的问题) raised while reading, checking or scoring."""

    check: str = Field(description="check id, e.g. 'deadline-year'")
    severity: Literal["error", "warn", "info"]
    message: str = Field(description="message in Chinese (中文说明)")
    project_code: str | None = None
    indicator_id: str | None = None
    source: str | None = Field(default=None, description="file:row:column when known")


class Funds(_Model):
    """预算数: the project's budget, in 元 (yuan) as printed amounts × money unit."""

    total: float | None = Field(default=None, description="预算数 (元)")
    fiscal: float | None = Field(default=None, description="财政资金 (元)")
    other: float | None = Field(default=None, description="其他资金 (元)")


class Indicator(_Model):
    """One row of the 绩效指标 table (三级指标)."""

    id: str = Field(description="stable id: '<project code>-<ordinal>'")
    level1: str = Field(description="一级指标, e.g. 产出指标")
    level2: str = Field(default="", description="二级指标, e.g. 数量指标")
    level3: str = Field(description="三级指标 (the indicator's name)")
    description: str = Field(default="", description="绩效指标描述")
    target: str = Field(description="指标值 exactly as printed")
    basis: str = Field(default="", description="指标值确定依据")
    weight: float | None = Field(default=None, ge=0, description="分值 when the table gives it")
    block_weight: float | None = Field(
        default=None, ge=0, description="一级 block weight printed in the 一级 cell, e.g. 产出指标(50分)"
    )
    # Optional self-evaluation columns carried by a long table (实际完成值 etc.).
    actual: str | None = Field(default=None, description="实际完成值")
    score: str | None = Field(default=None, description="得分 given by the unit (qualitative tiers)")
    reason: str | None = Field(default=None, description="偏差原因分析及改进措施")
    evidence: str | None = Field(default=None, description="佐证材料")


class Project(_Model):
    """A budget project (预算项目) and its 绩效目标表."""

    code: str = Field(description="项目编码")
    name: str = Field(description="项目名称")
    unit_code: str | None = Field(default=None, description="单位编码")
    unit_name: str | None = Field(default=None, description="单位名称")
    funds: Funds = Field(default_factory=Funds)
    use: str = Field(default="", description="资金用途")
    spending_plan: dict[str, float] = Field(
        default_factory=dict, description="资金支出计划: checkpoint (e.g. '6月底') → cumulative %"
    )
    goals: list[str] = Field(default_factory=list, description="绩效目标 sentences")
    indicators: list[Indicator] = Field(default_factory=list)
    # Year-end figures when a long table carries them (全年预算数 / 全年执行数, 元).
    budget_full_year: float | None = Field(default=None, description="全年预算数 (元)")
    executed: float | None = Field(default=None, description="全年执行数 (元)")
    spent: dict[str, float] = Field(
        default_factory=dict, description="累计支出 by checkpoint (e.g. '6月底' → 元), for 双监控"
    )
    exec_reason: str | None = Field(
        default=None, description="预算执行的偏差原因分析及改进措施 (the 全年执行数 row's reason)"
    )


class SubGoal(_Model):
    """分项绩效目标: one of the department's sub-goals with its measurable statements."""

    title: str
    goal: str = ""
    indicator_text: str = Field(default="", description="绩效指标 sentence as printed")
    indicators: list[Indicator] = Field(default_factory=list)


# Ids of the indicators read from a department-wide table (部门整体绩效目标表): DEPT-T-01 …
DEPARTMENT_TABLE_PREFIX = "DEPT-T"


class DepartmentGoals(_Model):
    """部门整体绩效目标."""

    overall: str = Field(default="", description="总体绩效目标 text")
    overall_indicators: list[Indicator] = Field(default_factory=list)
    subgoals: list[SubGoal] = Field(default_factory=list, description="分项绩效目标")


class Unit(_Model):
    """预算单位."""

    code: str | None = Field(default=None, description="单位编码")
    name: str | None = Field(default=None, description="单位名称")
    money_unit: str = Field(default="万元", description="金额单位 as printed in the tables")


class Targets(_Model):
    """The content of targets.json."""

    schema_: str = Field(default=TARGETS_SCHEMA, alias="schema")
    year: int | None = Field(default=None, description="预算年度")
    unit: Unit = Field(default_factory=Unit)
    department_goals: DepartmentGoals | None = None
    projects: list[Project] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    source: dict[str, str] = Field(default_factory=dict, description="where it was read from")

    def indicator_count(self) -> int:
        return sum(len(p.indicators) for p in self.projects)


def dump_targets(targets: Targets) -> str:
    """Serialise deterministically: fixed key order, UTF-8 text, trailing newline.

    pydantic's own JSON serialiser is several times faster than json.dumps over
    model_dump at 10^6 indicators, and gives the same text on our data.
    """
    return targets.model_dump_json(indent=2, by_alias=True) + "\n"


def targets_json_schema() -> str:
    schema = Targets.model_json_schema(by_alias=True)
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
