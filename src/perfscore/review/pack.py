"""The review pack (复核工作簿): what a third-party reviewer works in.

Sheets:
- 指标复核: one row per indicator — keys, target and actual as printed and as read,
  weight, self score, rule, arithmetic, flags, findings — and three empty columns
  for the reviewer: 复核完成值, 复核得分, 复核意见 (read back by ``--merge``);
- 项目风险排序: the risk ranking (see :mod:`perfscore.review.risk`);
- 检查发现: every finding of reading, checking and scoring;
- 汇总: the year at a glance, the ranking formula and how to fill the pack.

Every text cell goes through :mod:`perfscore.writers.xlsx_safe` (no formulas), and
the workbook is byte-identical for the same results.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pandas as pd

from perfscore.checks.registry import CHECKS, SEVERITY_ZH
from perfscore.io import write_csv
from perfscore.review.risk import FORMULA, risk_table
from perfscore.safety import refuse_existing_output
from perfscore.writers.xlsx_safe import append_row, csv_safe_frame, save_workbook

INDICATOR_SHEET = "指标复核"
PROJECT_SHEET = "项目风险排序"
FINDINGS_SHEET = "检查发现"
SUMMARY_SHEET = "汇总"

# Reviewer columns (filled by hand, read back by merge).
REVIEW_ACTUAL, REVIEW_SCORE, REVIEW_COMMENT = "复核完成值", "复核得分", "复核意见"
KEY_COLUMNS = ("单位编码", "项目编码", "指标ID")

# (header, Evaluation.indicators column or a computed key), in sheet order.
INDICATOR_LAYOUT = [
    ("单位编码", "unit_code"), ("项目编码", "project_code"), ("项目名称", "project_name"),
    ("指标ID", "indicator_id"), ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"),
    ("指标值（原文）", "target"), ("指标值（解读）", "target_canonical"),
    ("实际完成值（原文）", "actual"), ("实际完成值（解读）", "actual_reading"),
    ("分值", "weight"), ("自评得分", "score"), ("单位填报得分", "self_score"),
    ("状态", "_status"), ("评分规则", "rule"), ("计算过程", "arithmetic"), ("标记", "flags"),
    ("需复核原因", "review_reason"), ("偏差原因分析", "reason"), ("佐证材料", "evidence"),
    ("检查发现", "_findings"),
    (REVIEW_ACTUAL, None), (REVIEW_SCORE, None), (REVIEW_COMMENT, None),
]

PROJECT_LAYOUT = [
    ("风险排名", "rank"), ("单位编码", "unit_code"), ("项目编码", "project_code"), ("项目名称", "project_name"),
    ("预算数（万元）", "_budget_wan"), ("执行率", "_exec_pct"), ("自评总分", "total"), ("自评等级", "grade"),
    ("检查发现（错误、警告）", "findings"), ("错误数", "errors"), ("警告数", "warns"),
    ("①问题分", "p_findings"), ("②资金分", "p_money"), ("③未达标分", "p_lost"), ("④执行差距分", "p_exec_gap"),
    ("⑤满分存疑分", "p_full_missed"), ("⑥需复核分", "p_needs_review"), ("风险分", "risk"),
]

FINDINGS_LAYOUT = [("级别", "_severity"), ("检查项", "check"), ("检查项名称", "_title"), ("项目编码", "project_code"),
                   ("项目名称", "_project_name"), ("指标ID", "indicator_id"), ("三级指标", "_level3"),
                   ("说明", "message")]

STATUS_ZH = {"scored": "已评分", "not_applicable": "不适用", "needs_review": "需复核"}


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value):
    """A number for a cell (None when missing), rounded to 2 decimals."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else round(x, 2) + 0.0


def indicator_frame(evaluation) -> pd.DataFrame:
    ind = evaluation.indicators
    by_ind: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in evaluation.findings:
        if f.indicator_id:
            by_ind[(f.project_code or "", f.indicator_id)].append(f"[{SEVERITY_ZH.get(f.severity, f.severity)}]"
                                                                  f"{f.check}：{f.message}")
    cols = {}
    for header, col in INDICATOR_LAYOUT:
        if col is None:
            cols[header] = [""] * len(ind)
        elif col == "_status":
            cols[header] = [STATUS_ZH.get(str(s), str(s)) for s in ind["status"]]
        elif col == "_findings":
            cols[header] = ["\n".join(by_ind.get((str(p), str(i)), []))
                            for p, i in zip(ind["project_code"], ind["indicator_id"])]
        elif col in ("weight", "score"):
            cols[header] = [_num(v) for v in ind[col]]
        elif col == "self_score":
            cols[header] = [_num(v) if str(v).strip() else None for v in ind.get(col, pd.Series([""] * len(ind)))]
        else:
            series = ind[col] if col in ind else pd.Series([""] * len(ind))
            cols[header] = ["" if _blank(v) else str(v) for v in series]
    return pd.DataFrame(cols, columns=[h for h, _ in INDICATOR_LAYOUT])


def project_frame(evaluation) -> pd.DataFrame:
    risk = risk_table(evaluation)
    cols = {}
    for header, col in PROJECT_LAYOUT:
        if col == "_budget_wan":
            cols[header] = [None if _blank(b) else round(float(b) / 1e4, 4) + 0.0 for b in risk["budget"]]
        elif col == "_exec_pct":
            cols[header] = [None if _blank(r) else f"{float(r) * 100:.1f}%" for r in risk["exec_rate"]]
        elif col in ("total",) or col.startswith("p_") or col == "risk":
            cols[header] = [_num(v) for v in risk[col]]
        else:
            cols[header] = [v if not _blank(v) else "" for v in risk[col]]
    return pd.DataFrame(cols, columns=[h for h, _ in PROJECT_LAYOUT])


def findings_frame(evaluation) -> pd.DataFrame:
    ind = evaluation.indicators
    level3 = {(str(p), str(i)): str(l3) for p, i, l3 in zip(ind["project_code"], ind["indicator_id"], ind["level3"])}
    names = dict(zip(evaluation.projects["project_code"].astype(str), evaluation.projects["project_name"].astype(str)))
    rows = []
    for f in evaluation.findings:
        spec = CHECKS.get(f.check)
        rows.append([SEVERITY_ZH.get(f.severity, f.severity), f.check, spec.title if spec else "",
                     f.project_code or "", names.get(f.project_code or "", ""), f.indicator_id or "",
                     level3.get((f.project_code or "", f.indicator_id or ""), ""), f.message])
    return pd.DataFrame(rows, columns=[h for h, _ in FINDINGS_LAYOUT])


def summary_frame(evaluation) -> pd.DataFrame:
    meta, dept = evaluation.meta or {}, evaluation.department or {}
    ind = evaluation.indicators
    sev = defaultdict(int)
    for f in evaluation.findings:
        sev[f.severity] += 1
    status = ind["status"].astype(str)

    def money(x):
        return "" if _blank(x) else f"{float(x) / 1e4:.2f}"

    rows = [
        ("单位", f"{meta.get('unit_name') or ''}（{meta.get('unit_code') or ''}）"),
        ("预算年度", str(meta.get("year") or "")),
        ("评分方案", str(meta.get("profile") or "")),
        ("评价日期", str(meta.get("as_of") or "")),
        ("项目数", str(len(evaluation.projects))),
        ("指标数", str(len(ind))),
        ("已评分 / 需复核 / 不适用", f"{int((status == 'scored').sum())} / {int((status == 'needs_review').sum())}"
                                  f" / {int((status == 'not_applicable').sum())}"),
        ("预算数合计（万元）", money(dept.get("budget"))),
        ("执行数合计（万元）", money(dept.get("executed"))),
        ("部门自评总分", "" if _blank(dept.get("total")) else f"{float(dept['total']):.2f}"),
        ("部门自评等级", str(dept.get("grade") or "")),
        ("检查发现", f"错误 {sev['error']} 条，警告 {sev['warn']} 条，提示 {sev['info']} 条"),
        ("", ""),
        ("项目风险排序的计算方法", ""),
        *[("", line) for line in FORMULA],
        ("", ""),
        ("复核说明", ""),
        ("", f"在「{INDICATOR_SHEET}」表的「{REVIEW_ACTUAL}」「{REVIEW_SCORE}」「{REVIEW_COMMENT}」三列填写复核结果；"
             "其余各列请勿修改。"),
        ("", f"只填「{REVIEW_ACTUAL}」：按评分规则重新计分（单位填报得分不再采用；无法计分的值合并时被拒绝）；"
             f"填「{REVIEW_SCORE}」：直接采用该得分"
             "（须在0到分值之间；定性指标须在实际所属档次的得分区间内）。两者都不填：视为认可自评。"),
        ("", "填好后运行：perfscore review results.json --merge 本文件.xlsx -o 输出文件夹，"
             "得到复核后的结果与自评偏差（自评得分 − 复核得分）。"),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def _write_sheet(ws, frame: pd.DataFrame, widths: dict[str, int] | None = None, highlight=()) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    append_row(ws, list(frame.columns))
    for record in frame.itertuples(index=False, name=None):
        append_row(ws, record)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for idx, header in enumerate(frame.columns, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = (widths or {}).get(header, 14)
        if header in highlight:
            for row in range(1, len(frame) + 2):
                ws.cell(row=row, column=idx).fill = fill
    ws.freeze_panes = "A2"


def build_workbook(evaluation):
    """The review pack as an openpyxl Workbook (also returns the sheet frames)."""
    from openpyxl import Workbook

    frames = {
        INDICATOR_SHEET: indicator_frame(evaluation),
        PROJECT_SHEET: project_frame(evaluation),
        FINDINGS_SHEET: findings_frame(evaluation),
        SUMMARY_SHEET: summary_frame(evaluation),
    }
    wb = Workbook()
    wb.remove(wb.active)
    wide = {"项目名称": 24, "三级指标": 18, "计算过程": 36, "需复核原因": 24, "偏差原因分析": 30, "检查发现": 40,
            "说明": 70, "内容": 90, "项目": 22, "检查发现（错误、警告）": 36, REVIEW_COMMENT: 30, "项目编码": 24}
    for name, frame in frames.items():
        ws = wb.create_sheet(name)
        _write_sheet(ws, frame, wide, highlight=(REVIEW_ACTUAL, REVIEW_SCORE, REVIEW_COMMENT)
                     if name == INDICATOR_SHEET else ())
    return wb, frames


CSV_NAMES = {INDICATOR_SHEET: "indicators", PROJECT_SHEET: "projects", FINDINGS_SHEET: "findings",
             SUMMARY_SHEET: "summary"}


def write_review_pack(evaluation, out_path, *, csv: bool = False, force: bool = False) -> list[Path]:
    """Write the pack to ``out_path`` (.xlsx); with ``csv``, each sheet also as
    ``<stem>_<sheet>.csv`` beside it (UTF-8 with BOM, formula-safe). An existing workbook
    (perhaps a reviewer's filled one) is replaced only with ``force``."""
    out = Path(out_path)
    refuse_existing_output(out, force=force, what="复核工作簿")
    wb, frames = build_workbook(evaluation)
    save_workbook(wb, out)
    written = [out]
    if csv:
        for name, frame in frames.items():
            path = out.with_name(f"{out.stem}_{CSV_NAMES[name]}.csv")
            write_csv(path, csv_safe_frame(frame.astype(object).where(frame.notna(), "")))
            written.append(path)
    return written
