"""The 自评表 workbook (.xlsx) a unit hands in: the tables of the HTML report in the
official layout, ready to print on A4 and stamp.

Sheets:

- ``部门整体``: the unit's headline (部门总分, 等级, 预算与执行) and the 项目自评汇总; when the
  engine scored the department's own goals, the 部门整体支出绩效自评表 below it;
- one sheet per project: the 项目支出绩效自评表 with merged 一级/二级 cells, the 项目资金
  block (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分), 年度总体目标 预期/实际,
  and every indicator with 分值, 得分 and 偏差原因;
- ``全部指标``: every indicator as one flat table with a filter, for sorting and checking.

Everything is built from the report's view model (:mod:`perfscore.writers.report_view`),
so the workbook shows the numbers of the HTML report; figures are stored as numbers
with the report's number formats. Text goes through :mod:`perfscore.writers.xlsx_safe`
(never a formula) and the file is byte-identical for the same results.
"""

from __future__ import annotations

import re
import unicodedata
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from perfscore.model import Targets
from perfscore.scoring.evaluation import Evaluation
from perfscore.writers.report_format import DASH
from perfscore.writers.report_view import IndicatorRow, ProjectView, ReportView, build_view
from perfscore.writers.xlsx_safe import save_workbook, set_cell

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEF1F5")
_REVIEW_FILL = PatternFill("solid", fgColor="FFF3CD")
_FONT = "宋体"
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_RIGHT = Alignment(vertical="center", horizontal="right")
_SCORE = "0.00"
_RATE = "0.00%"
_MONEY = "#,##0.00"
_COUNT = "0"
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)%$")
# The project table's eight columns (as in the HTML report) and their widths in characters.
_PROJECT_WIDTHS = (12, 12, 22, 16, 16, 8, 8, 34)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(evaluation: Evaluation, path: str | Path, *, targets: Targets | None = None) -> Path:
    """Write the 自评表 workbook for ``evaluation`` to ``path``; return the path."""
    out = Path(path)
    save_workbook(build_workbook(build_view(evaluation, targets=targets)), out)
    return out


def build_workbook(view: ReportView) -> Workbook:
    wb = Workbook()
    wb._perfscore_styles = _Styles(wb.active)
    _department_sheet(wb.active, view)
    names = {wb.active.title}
    if view.department_table is not None:
        _department_goals_sheet(wb.create_sheet("部门整体自评表"), view)
        names.add("部门整体自评表")
    for p in view.projects:
        _project_sheet(wb.create_sheet(_sheet_name(p, names)), view, p)
    _flat_sheet(wb.create_sheet("全部指标"), view)
    wb._perfscore_styles.close()
    return wb


# --- cells ---------------------------------------------------------------------------


def _value(shown: str, fmt: str | None = None):
    """A figure of the report as a number (with its format), or the text as shown."""
    if shown is None:
        return None, None
    if _NUMBER.match(shown):
        return float(shown), fmt or _SCORE
    m = _PERCENT.match(shown)
    if m:
        return float(m.group(1)) / 100, _RATE
    return ("" if shown == DASH else shown), None


class _Styles:
    """Each combination of font, alignment, fill and number format is built once per
    workbook and copied onto cells (openpyxl hashes every style object it is given, which
    made styling most of the writing time)."""

    def __init__(self, ws: Worksheet):
        self._proto = ws.parent.create_sheet("_styles").cell(row=1, column=1)
        self._made: dict[tuple, object] = {}

    def apply(self, cell, key: tuple) -> None:
        array = self._made.get(key)
        if array is None:
            bold, head, align, fmt, fill = key
            p = self._proto
            p.font = Font(name=_FONT, size=10, bold=bold or head)
            p.alignment = _CENTER if head else align
            p.border = _BORDER
            p.fill = _HEAD_FILL if head else (fill or PatternFill())
            p.number_format = fmt or "General"
            array = self._made[key] = copy(p._style)
        cell._style = copy(array)

    def close(self) -> None:
        wb = self._proto.parent.parent
        wb.remove(self._proto.parent)


def _put(ws: Worksheet, row: int, col: int, shown, *, fmt: str | None = None, head: bool = False,
         bold: bool = False, align: Alignment = _WRAP, number: bool = False, fill=None) -> None:
    cell = ws.cell(row=row, column=col)
    value, number_format = _value(shown, fmt) if number and isinstance(shown, str) else (shown, None)
    set_cell(cell, value)
    if number_format:
        align = _RIGHT
    ws.parent._perfscore_styles.apply(cell, (bold, head, align, number_format, None if head else fill))


def _merge(ws: Worksheet, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
    """Merge the range with its top-left cell already written. What ``ws.merge_cells`` does,
    less its re-styling of the range's edges (most of the writing time): the covered cells
    get the table's border style directly, so the merged cell prints with its frame."""
    if rows == 1 and cols == 1:
        return
    ws.merged_cells.add(MergedCellRange(ws, CellRange(min_col=col, min_row=row, max_col=col + cols - 1,
                                                      max_row=row + rows - 1).coord))
    styles = ws.parent._perfscore_styles
    for r in range(row, row + rows):
        for c in range(col, col + cols):
            if (r, c) != (row, col):
                covered = MergedCell(ws, row=r, column=c)
                styles.apply(covered, (False, False, _WRAP, None, None))
                ws._cells[(r, c)] = covered   # as openpyxl's own merge_cells stores them


def _merge_plain(ws: Worksheet, row: int, col: int, cols: int) -> None:
    """A merged title line: no frame."""
    ws.merged_cells.add(MergedCellRange(ws, CellRange(min_col=col, min_row=row, max_col=col + cols - 1,
                                                      max_row=row).coord))
    for c in range(col + 1, col + cols):
        ws._cells[(row, c)] = MergedCell(ws, row=row, column=c)


def _title(ws: Worksheet, row: int, text: str, width: int, *, size: int = 14) -> int:
    cell = ws.cell(row=row, column=1)
    set_cell(cell, text)
    cell.font = Font(name="黑体", size=size, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    _merge_plain(ws, row, 1, width)
    ws.row_dimensions[row].height = 24
    return row + 1


def _text_width(text: str) -> int:
    """Columns of a line as Excel measures them: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_rows(ws: Worksheet, widths: tuple[int, ...]) -> None:
    """Row heights for wrapped text (LibreOffice and Excel do not grow a row for text a
    program wrote): the most lines any cell of the row needs in its (merged) width."""
    span = {(r.min_row, r.min_col): sum(widths[c - 1] for c in range(r.min_col, r.max_col + 1) if c <= len(widths))
            for r in ws.merged_cells.ranges if r.min_row == r.max_row}
    tall = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges if r.min_row != r.max_row}
    lines: dict[int, int] = {}
    for (row, col), cell in ws._cells.items():
        if not isinstance(cell.value, str) or (row, col) in tall or not cell.value:
            continue
        width = span.get((row, col)) or (widths[col - 1] if col <= len(widths) else 10)
        need = sum(max(1, -(-_text_width(part) // max(1, width - 1))) for part in cell.value.split("\n"))
        lines[row] = max(lines.get(row, 1), need)
    for row, n in lines.items():
        if n > 1 and ws.row_dimensions[row].height is None:
            ws.row_dimensions[row].height = 13.5 * n + 2


def _print_setup(ws: Worksheet, widths: tuple[int, ...], header_rows: str | None, *, landscape: bool) -> None:
    _fit_rows(ws, widths)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _sheet_name(p: ProjectView, taken: set[str]) -> str:
    """``<n>.<name>`` cut to Excel's 31 characters, without the characters a sheet name
    may not hold, unique in the workbook."""
    base = _SHEET_NAME_BAD.sub("_", f"{p.index}.{p.name}")[:31].strip("'") or f"项目{p.index}"
    name, n = base, 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        name = f"{base[:28]}({n})"
    taken.add(name)
    return name


# --- sheets --------------------------------------------------------------------------


def _department_sheet(ws: Worksheet, v: ReportView) -> None:
    ws.title = "部门整体"
    blocks = list(v.blocks)
    heads = ["序号", "项目名称", "项目编码", "全年预算数（万元）", "全年执行数（万元）", "执行率", *blocks,
             "总分", "等级", "未满分", "需复核"]
    width = len(heads)
    row = _title(ws, 1, v.title, width, size=16)
    # (label, shown, number format or None for text) pairs, two to a line.
    info = [(("单位名称", v.unit_name, None), ("单位编码", v.unit_code, None)),
            (("评价年度", v.year, None), ("评价日期", v.as_of, None)),
            (("部门整体得分", v.total, _SCORE), ("自评等级", v.grade, None)),
            (("全年预算数（万元）", v.budget, _MONEY), ("全年执行数（万元）", v.executed, _MONEY)),
            (("预算执行率", v.exec_rate, _RATE), ("评分规则", v.profile, None))]
    half = max(1, (width - 2) // 2)
    for (a, b, bf), (c, d, df) in info:
        _put(ws, row, 1, a, head=True)
        _put(ws, row, 2, b, number=bf is not None, fmt=bf)
        _merge(ws, row, 2, cols=half)
        _put(ws, row, 2 + half, c, head=True)
        _put(ws, row, 3 + half, d, number=df is not None, fmt=df)
        _merge(ws, row, 3 + half, cols=width - 2 - half)
        row += 1
    row += 1
    row = _title(ws, row, "项目自评汇总", width, size=12)
    head_row = row
    for c, h in enumerate(heads, start=1):
        _put(ws, row, c, h, head=True)
    row += 1
    for p in v.projects:
        values = [str(p.index), p.name, p.code, p.budget, p.executed, p.exec_rate, *p.block_scores,
                  p.total + ("（暂定）" if p.incomplete else ""), p.grade, str(p.n_missed), str(p.n_review)]
        for c, shown in enumerate(values, start=1):
            head = heads[c - 1]
            fmt = _MONEY if head.endswith("（万元）") else _COUNT if head in ("序号", "未满分", "需复核") else None
            _put(ws, row, c, shown, number=head not in ("项目名称", "项目编码", "等级"), fmt=fmt,
                 fill=_REVIEW_FILL if p.n_review else None)
        row += 1
    widths = (6, 30, 24, 12, 12, 10, *([10] * len(blocks)), 10, 6, 8, 8)
    _print_setup(ws, widths, f"{head_row}:{head_row}", landscape=True)
    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)


def _department_goals_sheet(ws: Worksheet, v: ReportView) -> None:
    """The 部门整体支出绩效自评表: the department's own goals, scored as their own table."""
    d = v.department_table
    width = len(_PROJECT_WIDTHS)
    row = _title(ws, 1, "部门整体支出绩效自评表", width)
    _put(ws, row, 1, "单位名称", head=True)
    _put(ws, row, 2, v.unit_name)
    _merge(ws, row, 2, cols=4)
    _put(ws, row, 6, "评价年度", head=True)
    _put(ws, row, 7, v.year)
    _merge(ws, row, 7, cols=2)
    row += 1
    header = row
    _indicator_block(ws, row, d.rows, "分项目标", "指标类型", d.total, d.grade, d.total_arithmetic, d.incomplete,
                     exec_row=("预算执行率", d.exec_weight, d.exec_score))
    _print_setup(ws, _PROJECT_WIDTHS, f"{header}:{header}", landscape=False)


def _project_sheet(ws: Worksheet, v: ReportView, p: ProjectView) -> None:
    width = len(_PROJECT_WIDTHS)
    row = _title(ws, 1, "项目支出绩效自评表", width)
    cell = ws.cell(row=row, column=1)
    set_cell(cell, f"（{v.year}年度）")
    cell.alignment = Alignment(horizontal="center")
    _merge_plain(ws, row, 1, width)
    row += 1
    _put(ws, row, 1, "项目名称", head=True)
    _put(ws, row, 2, p.name, bold=True)
    _merge(ws, row, 2, cols=7)
    row += 1
    _put(ws, row, 1, "项目编码", head=True)
    _put(ws, row, 2, p.code)
    _merge(ws, row, 2, cols=3)
    _put(ws, row, 5, "预算单位", head=True)
    _put(ws, row, 6, p.unit or v.unit_name)
    _merge(ws, row, 6, cols=3)
    row += 1
    fund_rows = 4 if p.has_fund_split else 2
    _put(ws, row, 1, "项目资金（万元）", head=True)
    _merge(ws, row, 1, rows=fund_rows)
    for c, h in enumerate(("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=2):
        _put(ws, row, c, h, head=True)
    row += 1
    _put(ws, row, 2, "年度资金总额", head=True)
    for c, (shown, fmt) in enumerate(((p.initial_budget, _MONEY), (p.budget, _MONEY), (p.executed, _MONEY),
                                      (p.exec_weight, None), (p.exec_rate, None), (p.exec_score, None)), start=3):
        _put(ws, row, c, shown, number=True, fmt=fmt, bold=c == 8)
    row += 1
    if p.has_fund_split:
        for label, shown in (("其中：财政资金", p.fiscal), ("其他资金", p.other)):
            _put(ws, row, 2, label, head=True)
            _put(ws, row, 3, shown, number=True, fmt=_MONEY)
            _put(ws, row, 4, DASH, align=_CENTER)
            _put(ws, row, 5, DASH, align=_CENTER)
            _put(ws, row, 6, DASH, align=_CENTER)
            _merge(ws, row, 6, cols=3)
            row += 1
    for label, shown in (("计分过程", p.exec_arithmetic), ("执行偏差原因", p.exec_reason), ("评分说明", p.notes)):
        if shown or label == "计分过程":
            _put(ws, row, 1, label, head=True)
            _put(ws, row, 2, shown)
            _merge(ws, row, 2, cols=7)
            row += 1
    _put(ws, row, 1, "年度总体目标", head=True)
    _merge(ws, row, 1, rows=2)
    _put(ws, row, 2, "预期目标", head=True)
    _merge(ws, row, 2, cols=4)
    _put(ws, row, 6, "实际完成情况", head=True)
    _merge(ws, row, 6, cols=3)
    row += 1
    goals = "\n".join(p.goals) if p.goals else "（未提供绩效目标表，无预期目标文本）"
    actual = p.goals_actual + ("\n（单位未填写，以上由 perfscore 按指标完成情况汇总）" if p.goals_actual_generated else "")
    _put(ws, row, 2, goals)
    _merge(ws, row, 2, cols=4)
    _put(ws, row, 6, actual)
    _merge(ws, row, 6, cols=3)
    row += 1
    header = row
    _indicator_block(ws, row, p.rows, "一级指标", "二级指标", p.total, p.grade, p.total_arithmetic, p.incomplete)
    _print_setup(ws, _PROJECT_WIDTHS, f"{header}:{header}", landscape=False)


def _indicator_block(ws: Worksheet, row: int, rows: list[IndicatorRow], head1: str, head2: str, total: str,
                     grade: str, arithmetic: str, incomplete: bool, exec_row: tuple | None = None) -> int:
    """The indicator table (8 columns, as the 自评表 prints it) from ``row``; returns the next row."""
    for c, h in enumerate((head1, head2, "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
                          start=1):
        _put(ws, row, c, h, head=True)
    row += 1
    if exec_row is not None:
        label, weight, score = exec_row
        _put(ws, row, 1, label)
        _merge(ws, row, 1, cols=5)
        _put(ws, row, 6, weight, number=True)
        _put(ws, row, 7, score, number=True)
        _put(ws, row, 8, "")
        row += 1
    for r in rows:
        fill = _REVIEW_FILL if r.status == "needs_review" else None
        if r.level1_span:
            _put(ws, row, 1, r.level1, align=_CENTER)
            _merge(ws, row, 1, rows=r.level1_span)
        if r.level2_span:
            _put(ws, row, 2, r.level2, align=_CENTER)
            _merge(ws, row, 2, rows=r.level2_span)
        _put(ws, row, 3, r.level3)
        _put(ws, row, 4, r.target)
        _put(ws, row, 5, r.actual or "（未填写）", fill=fill)
        _put(ws, row, 6, r.weight, number=True)
        score = r.score if r.status != "needs_review" else f"需复核：{r.review_reason or '原因未说明'}"
        _put(ws, row, 7, score, number=r.status != "needs_review", fill=fill)
        _put(ws, row, 8, r.reason)
        row += 1
    _put(ws, row, 1, "总分", head=True)
    _merge(ws, row, 1, cols=5)
    _put(ws, row, 6, total, number=True, bold=True)
    _merge(ws, row, 6, cols=2)
    _put(ws, row, 8, f"自评等级：{grade}" + ("（总分暂定：有指标需复核）" if incomplete else ""), bold=True)
    row += 1
    _put(ws, row, 1, "计分过程", head=True)
    _put(ws, row, 2, arithmetic)
    _merge(ws, row, 2, cols=7)
    return row + 1


_FLAT = ("项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "状态",
         "计分过程", "偏差原因分析及改进措施", "佐证材料")


def _flat_sheet(ws: Worksheet, v: ReportView) -> None:
    for c, h in enumerate(_FLAT, start=1):
        _put(ws, 1, c, h, head=True)
    row = 2
    for p in v.projects:
        for r in p.rows:
            values = (p.code, p.name, r.level1, r.level2, r.level3, r.target, r.actual, r.weight, r.score,
                      r.status_label, r.arithmetic, r.reason, r.evidence)
            for c, shown in enumerate(values, start=1):
                _put(ws, row, c, shown, number=c in (8, 9))
            row += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_FLAT))}{max(1, row - 1)}"
    ws.freeze_panes = "A2"
    _print_setup(ws, (22, 20, 10, 12, 22, 14, 14, 7, 7, 8, 30, 30, 16), "1:1", landscape=True)
