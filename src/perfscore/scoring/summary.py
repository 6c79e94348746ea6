"""The per-project summary ``perfscore evaluate`` prints (Chinese headers), as a rich
table (stderr on a terminal) or plain aligned text."""

from __future__ import annotations

import math

from perfscore.scoring.evaluation import Evaluation

HEADERS = ["项目编码", "项目名称", "执行率", "执行得分"]


def _num(x, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"


def summary_rows(ev: Evaluation) -> tuple[list[str], list[list[str]]]:
    headers = HEADERS + [b.removesuffix("指标") for b in ev.blocks] + ["总分", "等级", "需复核"]
    rows = []
    for rec in ev.projects.to_dict(orient="records"):
        rate = rec.get("exec_rate")
        rows.append([
            str(rec["project_code"]), str(rec["project_name"]),
            "—" if rate is None or (isinstance(rate, float) and math.isnan(rate)) else f"{rate * 100:.1f}%",
            _num(rec.get("exec_score")),
            *[_num(rec.get(b)) for b in ev.blocks],
            _num(rec.get("total")), rec.get("grade") or "—", str(rec.get("needs_review", 0)),
        ])
    d = ev.department
    rate = d.get("exec_rate")
    rows.append(["", "部门合计（按预算加权）" if d.get("weighting") == "budget" else "部门合计（简单平均）",
                 "—" if rate is None else f"{rate * 100:.1f}%", "", *[""] * len(ev.blocks),
                 _num(d.get("total")), d.get("grade") or "—", str(d.get("needs_review", 0))])
    return headers, rows


def render_rich(ev: Evaluation, console) -> None:
    from rich.table import Table

    headers, rows = summary_rows(ev)
    table = Table(title=f"{ev.meta.get('year') or ''}年度绩效自评（评分方案 {ev.meta.get('profile')}）")
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i < 2 else "right", overflow="fold")
    for r in rows[:-1]:
        table.add_row(*r)
    table.add_section()
    table.add_row(*rows[-1])
    console.print(table)


def render_plain(ev: Evaluation) -> str:
    headers, rows = summary_rows(ev)
    return "\n".join("\t".join(r) for r in [headers, *rows]) + "\n"
