"""Reading the years: targets.json / results.json told apart by their ``schema`` key, and
each turned into the ``YearView`` compare works on (targets parsed by the value grammar,
last year's actuals read against them).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from perfscore.comparison.model import IndicatorView, ProjectView, YearView
from perfscore.errors import FormatError, Location
from perfscore.io import read_text
from perfscore.model import TARGETS_SCHEMA, Targets
from perfscore.readers.load import read_targets
from perfscore.scoring.evaluation import RESULTS_SCHEMA, Evaluation
from perfscore.scoring.io import load_results
from perfscore.values import parse_actual, parse_target
from perfscore.values.types import Actual, Target


def load_input(path: str | Path) -> Targets | Evaluation:
    """Read one year: a targets.json or results.json (told apart by its ``schema`` key),
    or any document ``perfscore extract`` reads (.docx, .txt, long table), read as targets.
    """
    if Path(path).suffix.lower() != ".json":
        return read_targets(path)   # the comparison reads content; the checks are extract's
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"不是有效的JSON（{exc.msg}）",
            location=Location(file=str(path), row=exc.lineno),
            hint="年度对比的输入应为 perfscore extract 生成的 targets.json 或 perfscore evaluate 生成的 results.json。",
        ) from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == TARGETS_SCHEMA:
        return read_targets(path)
    if schema == RESULTS_SCHEMA:
        return _load_results(path)
    raise FormatError(
        "无法识别的文件格式：schema 应为 perfscore.targets/1 或 perfscore.results/1",
        location=Location(file=str(path), column="schema", value=str(schema)),
        hint="年度对比的输入应为 targets.json（绩效目标）或 results.json（评分结果）。",
    )


def _load_results(path: str | Path) -> Evaluation:
    return load_results(path)


def _year_of(x: Targets | Evaluation) -> int | None:
    if isinstance(x, Targets):
        return x.year
    if isinstance(x, Evaluation):
        y = x.meta.get("year")
        return int(y) if y not in (None, "") else None
    raise TypeError(f"compare() takes Targets or Evaluation, not {type(x).__name__}")


@lru_cache(maxsize=65536)
def _parse(text: str, level1: str, level2: str, level3: str, year: int | None) -> Target:
    return parse_target(text, level1=level1, level2=level2, level3=level3, year=year)


def _read_actual(text: str | None, target: Target) -> Actual | None:
    if text is None or not str(text).strip():
        return None
    return parse_actual(str(text), target)


def _view(x: Targets | Evaluation, label: str) -> YearView:
    if isinstance(x, Targets):
        return _view_targets(x, label)
    return _view_results(x, label)


def _view_targets(t: Targets, label: str) -> YearView:
    projects = []
    for p in t.projects:
        inds = tuple(
            IndicatorView(
                id=i.id, level1=i.level1, level2=i.level2, level3=i.level3,
                description=i.description, target_text=i.target,
                target=_parse(i.target, i.level1, i.level2, i.level3, t.year),
            )
            for i in p.indicators
        )
        budget = p.funds.total if p.funds.total is not None else p.budget_full_year
        projects.append(ProjectView(
            code=p.code, name=p.name,
            unit_code=p.unit_code or t.unit.code, unit_name=p.unit_name or t.unit.name,
            budget=budget, indicators=inds,
        ))
    return YearView(label=label, year=t.year, has_results=False, projects=tuple(projects))


def _cell(value) -> str | None:
    """A DataFrame cell as text; None for NaN/None/empty."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    s = str(value)
    return s if s.strip() else None


def _num(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _view_results(ev: Evaluation, label: str) -> YearView:
    year = _year_of(ev)
    by_project: dict[str, list[IndicatorView]] = {}
    for row in ev.indicators.to_dict("records"):
        l1, l2, l3 = (_cell(row.get(k)) or "" for k in ("level1", "level2", "level3"))
        text = _cell(row.get("target")) or ""
        target = _parse(text, l1, l2, l3, year)
        actual_text = _cell(row.get("actual"))
        by_project.setdefault(str(row["project_code"]), []).append(IndicatorView(
            id=_cell(row.get("indicator_id")) or "", level1=l1, level2=l2, level3=l3,
            description=_cell(row.get("description")) or "", target_text=text, target=target,
            actual_text=actual_text, actual=_read_actual(actual_text, target),
            weight=_num(row.get("weight")), score=_num(row.get("score")),
            status=_cell(row.get("status")) or "",
        ))
    projects = []
    for row in ev.projects.to_dict("records"):
        code = str(row["project_code"])
        projects.append(ProjectView(
            code=code, name=_cell(row.get("project_name")) or "",
            unit_code=_cell(row.get("unit_code")), unit_name=_cell(row.get("unit_name")),
            budget=_num(row.get("budget")), indicators=tuple(by_project.pop(code, [])),
            total=_num(row.get("total")), grade=_cell(row.get("grade")),
        ))
    if by_project:  # indicators of a project missing from the projects table: keep them
        first = ev.indicators.drop_duplicates("project_code").set_index("project_code")
        for code, inds in by_project.items():
            projects.append(ProjectView(
                code=code, name=_cell(first.loc[code].get("project_name")) or code,
                unit_code=None, unit_name=None, budget=None, indicators=tuple(inds),
            ))
    dept = ev.department or {}
    return YearView(label=label, year=year, has_results=True, projects=tuple(projects),
                    department_total=_num(dept.get("total")), department_grade=_cell(dept.get("grade")))
