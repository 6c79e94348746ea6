"""Findings as people read them (text, grouped by severity) and as data (JSON)."""

from __future__ import annotations

import json
from collections import Counter

from perfscore.checks.registry import CHECKS, SEVERITIES, SEVERITY_ZH
from perfscore.model import Finding


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {sev: counts.get(sev, 0) for sev in SEVERITIES}


def _where(f: Finding) -> str:
    """The finding's location by its keys — 项目编码 and 指标ID, what a person types to find
    the row in the table — after the message (which names the project in words)."""
    parts = []
    if f.project_code:
        parts.append(f"项目编码 {f.project_code}")
    if f.indicator_id:
        parts.append(f"指标ID {f.indicator_id}")
    return f"（{'，'.join(parts)}）" if parts else ""


def findings_text(findings: list[Finding], *, title: str = "") -> str:
    """Findings grouped by severity (错误, 警告, 提示), each line tagged with its check id
    and ending with its location (项目编码, 指标ID)."""
    counts = summary(findings)
    head = "，".join(f"{SEVERITY_ZH[s]} {counts[s]} 条" for s in SEVERITIES)
    lines = [f"{title}检查结果：{head}。" if title else f"检查结果：{head}。"]
    for sev in SEVERITIES:
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{SEVERITY_ZH[sev]}】{len(group)} 条")
        for f in group:
            spec = CHECKS.get(f.check)
            tag = f"{f.check}" + (f"·{spec.title}" if spec else "")
            lines.append(f"  - [{tag}] {f.message}{_where(f)}")
    return "\n".join(lines) + "\n"


def findings_json(findings: list[Finding]) -> str:
    data = {
        "summary": summary(findings),
        "findings": [f.model_dump(mode="json") for f in findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
