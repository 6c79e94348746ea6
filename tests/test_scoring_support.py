"""Helpers for the scoring tests: small Targets built by hand (no tests in this file).

``proj(code, rows, budget=..., executed=...)`` where each row is
``(level1, level2, level3, target, actual)`` or a dict of Indicator fields.
"""

from __future__ import annotations

from pathlib import Path

from perfscore.model import Funds, Indicator, Project, Targets, Unit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "yanshan-2023"

# A complete 3-block project: 4 产出, 2 效益, 1 满意度 — the seed's shape.
FULL = [
    ("产出指标", "数量指标", "宣传品数量", "≥100个", "120个"),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "96%"),
    ("产出指标", "时效指标", "工作完成时限", "2023年底前完成", "2023-11-30"),
    ("产出指标", "成本指标", "办公成本", "≤8500元/月", "8000元/月"),
    ("效益指标", "社会效益指标", "社会影响", "优", "优"),
    ("效益指标", "可持续影响指标", "办结比率", "≥95%", "97%"),
    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥95%", "96%"),
]


def ind(code: str, i: int, row) -> Indicator:
    if isinstance(row, dict):
        return Indicator(id=f"{code}-{i:02d}", **row)
    l1, l2, l3, target, actual = row
    return Indicator(id=f"{code}-{i:02d}", level1=l1, level2=l2, level3=l3, target=target, actual=actual)


def proj(code: str, rows, *, budget: float | None = 100000.0, executed: float | None = 100000.0,
         full_year: float | None = None, plan=None, spent=None, name: str | None = None) -> Project:
    return Project(
        code=code, name=name or f"项目{code}", funds=Funds(total=budget),
        indicators=[ind(code, i + 1, r) for i, r in enumerate(rows)],
        budget_full_year=full_year if full_year is not None else budget, executed=executed,
        spending_plan=plan or {}, spent=spent or {})


def targets(*projects: Project, year: int = 2023, department_goals=None) -> Targets:
    return Targets(year=year, unit=Unit(code="435001", name="测试单位"), projects=list(projects),
                   department_goals=department_goals)


def replace(rows, index: int, **changes):
    """A copy of ``rows`` with row ``index`` changed (fields by name)."""
    names = ("level1", "level2", "level3", "target", "actual")
    out = list(rows)
    base = dict(zip(names, out[index])) if not isinstance(out[index], dict) else dict(out[index])
    base.update(changes)
    out[index] = base
    return out


def row_of(ev, level3: str, project_code: str | None = None) -> dict:
    frame = ev.indicators
    mask = frame["level3"] == level3
    if project_code is not None:
        mask &= frame["project_code"] == project_code
    rows = frame[mask].to_dict(orient="records")
    assert len(rows) == 1, f"{level3}: {len(rows)} rows"
    return rows[0]


def project_of(ev, code: str) -> dict:
    rows = ev.projects[ev.projects["project_code"] == code].to_dict(orient="records")
    assert len(rows) == 1
    return rows[0]
