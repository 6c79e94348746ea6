"""A hand-built Evaluation and Targets for the report tests (no tests here).

It covers what the report must show: every indicator status (scored,
not_applicable, needs_review), a missed target, flags, findings of every
severity, a project whose name holds markup, execution below 90 % and above
100 %, and spending checkpoints with and without actual figures. The numbers are
written by hand and are consistent with the scoring rules (domain.md §4), so the
report's arithmetic lines can be checked against them.
"""

from __future__ import annotations

import math

import pandas as pd

from perfscore.model import Finding, Funds, Project, Targets, Unit
from perfscore.scoring.evaluation import INDICATOR_COLUMNS, PROJECT_COLUMNS, Evaluation

BLOCKS = ["产出指标", "效益指标", "满意度指标"]
UNIT = ("435001", "测试街道办事处")
SCRIPT_NAME = "<script>alert('x')</script>防疫经费"
NAN = math.nan


def _ind(project, ordinal, level1, level2, level3, target, actual, weight, score, status,
         rule="ge", arithmetic="", flags="", review_reason="", reason="", canonical=None,
         reading=None, evidence=""):
    code, name = project
    return {
        "unit_code": UNIT[0], "unit_name": UNIT[1],
        "project_code": code, "project_name": name,
        "indicator_id": f"{code}-{ordinal}", "level1": level1, "level2": level2, "level3": level3,
        "target": target, "target_kind": "comparison", "target_canonical": canonical or target,
        "inferred": "inferred" in flags, "actual": actual, "actual_reading": reading or actual,
        "weight": weight, "score": score, "status": status, "rule": rule,
        "arithmetic": arithmetic, "flags": flags, "review_reason": review_reason,
        "reason": reason, "evidence": evidence,
    }


P1 = ("P001", "街道体制经费")
P2 = ("P002", SCRIPT_NAME)
P3 = ("P003", "社区工作经费")

INDICATORS = [
    # P1: everything met; 总分 = 10 + 50 + 30 + 10 = 100 (优).
    _ind(P1, 1, "产出指标", "数量指标", "宣传品数量", "≥100个", "120个", 25.0, 25.0, "scored",
         arithmetic="120个 ≥ 100个 → 25.00 / 25", canonical="≥ 100 个"),
    _ind(P1, 2, "产出指标", "时效指标", "工作完成时限", "2023年底前完成", "2023-11-30", 25.0, 25.0,
         "scored", rule="deadline", arithmetic="2023-11-30 ≤ 2023-12-31 → 25.00 / 25"),
    _ind(P1, 3, "效益指标", "社会效益指标", "居民知晓率", "≥95％", "96%", 30.0, 30.0, "scored",
         arithmetic="96% ≥ 95% → 30.00 / 30", canonical="≥ 95 %"),
    _ind(P1, 4, "满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "95/100", 10.0, 10.0,
         "scored", arithmetic="95% ≥ 90% → 10.00 / 10", reading="95%（95/100）",
         evidence="问卷统计表"),
    # P2: a missed target, a cost overshoot flag, a N/A indicator (re-scaled).
    _ind(P2, 1, "产出指标", "数量指标", "消杀次数", "每季度1次", "3次", 25.0, 18.75, "scored",
         arithmetic="3次 < 4次 → 25.00 × 3 ÷ 4 = 18.75", canonical="≥ 4 次/年",
         reason="四季度疫情政策调整，停止消杀"),
    _ind(P2, 2, "产出指标", "成本指标", "单次成本", "50000", "40000", 25.0, 25.0, "scored",
         rule="le", arithmetic="40000元 ≤ 50000元 → 25.00 / 25", flags="inferred",
         canonical="≤ 50000 元（方向为推断）"),
    _ind(P2, 3, "效益指标", "经济效益指标", "带动收入", "不适用", "", 15.0, NAN,
         "not_applicable", rule="na", review_reason="指标值为“不适用”"),
    _ind(P2, 4, "效益指标", "社会效益指标", "覆盖人数", "≥1000人", "1500人", 15.0, 15.0, "scored",
         arithmetic="1500人 ≥ 1000人 → 15.00 / 15", flags="overshoot",
         reason="实际覆盖人数超预期"),
    _ind(P2, 5, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", 10.0, 10.0,
         "scored", arithmetic="92% ≥ 90% → 10.00 / 10"),
    # P3: a needs-review indicator (no actual) and a grade one step below target.
    _ind(P3, 1, "产出指标", "质量指标", "任务指标达标率", "优", "良", 25.0, 17.5, "scored",
         rule="grade", arithmetic="良 低于 优 一级 → 部分达成 70% → 17.50 / 25",
         reason="部分社区台账不完整，下年度加强检查"),
    _ind(P3, 2, "产出指标", "数量指标", "培训人次", "≥200人次", "", 25.0, NAN, "needs_review",
         rule="ge", review_reason="未填写实际完成值"),
    _ind(P3, 3, "效益指标", "社会效益指标", "社区治理水平", "有效提升", "达成预期指标", 30.0, 30.0,
         "scored", rule="tier", arithmetic="达成 → 100% → 30.00 / 30"),
    _ind(P3, 4, "满意度指标", "服务对象满意度指标", "居民满意度", "≥95%", "90%", 10.0, 9.47,
         "scored", arithmetic="90% < 95% → 10.00 × 90 ÷ 95 = 9.47",
         reason="<b>加粗</b>不应生效"),
]

# name, budget, executed, exec_score, blocks, total, grade
_PROJECTS = [
    (P1, 562500.0, 562500.0, 10.0, (50.0, 30.0, 10.0), 100.0, "优"),
    # N/A re-scaling: (10 + 43.75 + 15 + 10) ÷ (100 − 15) × 100 = 78.75 ÷ 85 × 100 = 92.65
    (P2, 156200.0, 160000.0, 10.0, (43.75, 15.0, 10.0), 92.65, "优"),
    # 执行率 1176000 / 1400000 = 84 %; needs-review scored as 0 here: 8.4 + 17.5 + 30 + 9.47 = 65.37
    (P3, 1400000.0, 1176000.0, 8.4, (17.5, 30.0, 9.47), 65.37, "中"),
]


def sample_evaluation() -> Evaluation:
    projects = []
    for (code, name), budget, executed, escore, blocks, total, grade in _PROJECTS:
        rows = [r for r in INDICATORS if r["project_code"] == code]
        row = {
            "unit_code": UNIT[0], "unit_name": UNIT[1], "project_code": code, "project_name": name,
            "budget": budget, "executed": executed, "exec_rate": executed / budget,
            "exec_weight": 10.0, "exec_score": escore,
        }
        row.update(dict(zip(BLOCKS, blocks)))
        row.update({
            "total": total, "grade": grade, "indicators": len(rows),
            "missed": sum(1 for r in rows if r["status"] == "scored" and r["score"] < r["weight"]),
            "needs_review": sum(1 for r in rows if r["status"] == "needs_review"),
        })
        projects.append(row)
    columns = PROJECT_COLUMNS[:5 + 4] + BLOCKS + PROJECT_COLUMNS[9:]
    monitoring = pd.DataFrame([
        {"project_code": code, "checkpoint": cp, "planned_pct": plan, "actual_pct": act,
         "lag_pct": (plan - act) if act == act else NAN}
        for code, acts in (("P001", (25.0, 50.0, 80.0, 100.0)), ("P002", (20.0, 40.0, 70.0, 102.4)),
                           ("P003", (10.0, 30.0, NAN, 84.0)))
        for cp, plan, act in zip(("3月底", "6月底", "10月底", "12月底"), (25.0, 50.0, 75.0, 100.0), acts)
    ])
    findings = [
        Finding(check="deadline-year", severity="error", message="完成时限年份与预算年度不符",
                project_code="P001", indicator_id="P001-2", source="targets.json:P001-2"),
        Finding(check="overshoot", severity="warn", message="实际值达到指标值的150%，指标值可能设置偏低",
                project_code="P002", indicator_id="P002-4"),
        Finding(check="exec-low", severity="warn", message="执行率84.00%低于90%，需说明原因",
                project_code="P003"),
        Finding(check="no-actual", severity="info", message="<i>未填写</i>实际完成值",
                project_code="P003", indicator_id="P003-2", source="actuals.csv:第7行"),
    ]
    return Evaluation(
        meta={"schema": "perfscore.results/1", "year": 2023, "as_of": "2024-01-15",
              "profile": "mof-2020", "unit_code": UNIT[0], "unit_name": UNIT[1],
              "sources": {"targets": "targets.json", "actuals": "actuals.csv"}},
        indicators=pd.DataFrame(INDICATORS, columns=INDICATOR_COLUMNS),
        projects=pd.DataFrame(projects, columns=columns),
        blocks=list(BLOCKS),
        # 部门整体 total = Σ(total × budget) ÷ Σ budget = 162239930 ÷ 2118700 = 76.58
        department={"budget": 2118700.0, "executed": 1898500.0, "exec_rate": 1898500.0 / 2118700.0,
                    "total": 76.58, "grade": "中"},
        monitoring=monitoring,
        findings=findings,
    )


def sample_targets() -> Targets:
    """The Targets the sample was scored from: goals and 年初预算数 for the report."""
    return Targets(
        year=2023,
        unit=Unit(code=UNIT[0], name=UNIT[1]),
        projects=[
            Project(code="P001", name=P1[1], funds=Funds(total=562500.0, fiscal=562500.0),
                    goals=["按照区委区政府要求做好街道办事处日常工作", "保证辖区正常运转"],
                    spending_plan={"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 100}),
            Project(code="P002", name=SCRIPT_NAME, funds=Funds(total=156200.0, fiscal=100000.0,
                                                              other=56200.0),
                    goals=["做好<em>防疫</em>消杀工作"]),
            Project(code="P003", name=P3[1], funds=Funds(total=1200000.0),
                    exec_reason="年中追加预算20万元，年底前未能全部支付"),
        ],
    )


def long_project_evaluation(n_indicators: int = 70) -> Evaluation:
    """The sample reduced to 社区工作经费, stretched to ``n_indicators`` rows, so
    its indicator table runs over several printed pages."""
    ev = sample_evaluation()
    ev.projects = ev.projects[ev.projects["project_code"] == "P003"].reset_index(drop=True)
    ev.monitoring = ev.monitoring[ev.monitoring["project_code"] == "P003"].reset_index(drop=True)
    base = ev.indicators[ev.indicators["project_code"] == "P003"]
    rows = []
    for k in range(n_indicators):
        row = dict(base.iloc[k % len(base)])
        row["indicator_id"] = f"P003-{k + 1}"
        row["level3"] = f"{row['level3']}{k + 1:03d}"
        rows.append(row)
    rows.sort(key=lambda r: ["产出指标", "效益指标", "满意度指标"].index(r["level1"]))
    ev.indicators = pd.DataFrame(rows, columns=ev.indicators.columns)
    # Findings naming its indicators would print those names below the table.
    ev.findings = [f for f in ev.findings if not f.indicator_id]
    return ev
