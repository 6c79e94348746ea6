"""Long tables (.csv / .xlsx): one row per indicator → Targets.

Placeholder: the header vocabulary and content sniffing; the reader follows.
"""

from __future__ import annotations

import csv
import io
import re

from perfscore.readers.common import norm_label

# Column header (normalised: NFKC, no spaces, English lower-cased) → field.
HEADERS: dict[str, str] = {
    "单位编码": "unit_code", "单位代码": "unit_code", "unit_code": "unit_code",
    "单位名称": "unit_name", "unit_name": "unit_name",
    "项目编码": "project_code", "项目代码": "project_code", "project_code": "project_code",
    "项目名称": "project_name", "project_name": "project_name",
    "一级指标": "level1", "level1": "level1",
    "二级指标": "level2", "level2": "level2",
    "三级指标": "level3", "level3": "level3",
    "年度指标值": "target", "target": "target",
    "指标值": "value", "value": "value",
    "指标性质": "nature", "nature": "nature",
    "度量单位": "measure_unit", "计量单位": "measure_unit", "measure_unit": "measure_unit",
    "分值": "weight", "权重": "weight", "weight": "weight",
    "绩效指标描述": "description", "指标描述": "description", "description": "description",
    "指标值确定依据": "basis", "确定依据": "basis", "basis": "basis",
    "预算数": "budget", "年初预算数": "budget", "budget": "budget",
    "财政资金": "fiscal", "fiscal": "fiscal",
    "其他资金": "other", "other": "other",
    "全年预算数": "budget_full_year", "budget_full_year": "budget_full_year",
    "全年执行数": "executed", "executed": "executed",
    "资金用途": "use", "use": "use",
    "绩效目标": "goals", "年度绩效目标": "goals", "goals": "goals",
    "实际完成值": "actual", "actual": "actual",
    "得分": "score", "score": "score",
    "偏差原因分析及改进措施": "reason", "偏差原因": "reason", "reason": "reason",
    "佐证材料": "evidence", "evidence": "evidence",
    "年度": "year", "预算年度": "year", "year": "year",
    "金额单位": "money_unit", "money_unit": "money_unit",
}

_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)\((?P<unit>元|千元|万元|百万元|亿元)\)$")


def header_key(text: str) -> tuple[str | None, str | None]:
    """A header cell → (field, money unit printed in it): ``预算数（万元）`` → ("budget", "万元")."""
    n = norm_label(str(text)).lower()
    unit = None
    m = _UNIT_SUFFIX.match(n)
    if m:
        n, unit = m.group("name"), m.group("unit")
    return HEADERS.get(n), unit


def _is_header_row(cells: list[str]) -> bool:
    keys = {header_key(c)[0] for c in cells if c}
    return "project_code" in keys and "level3" in keys


def looks_like_long_table(text: str) -> bool:
    """True when one of the first lines is a long-table header row (comma or tab separated)."""
    lines = text.splitlines()[:30]
    for delimiter in (",", "\t", ";"):
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        if any(_is_header_row(r) for r in rows):
            return True
    return False
