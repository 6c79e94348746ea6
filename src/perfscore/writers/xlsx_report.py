"""The 自评表 workbook (.xlsx) a unit hands in: the tables of the HTML report in the
official layout, ready to print on A4 and stamp.

Sheets:

- ``部门整体``: the unit's headline (部门总分, 等级, 预算与执行) and the 项目自评汇总;
- ``部门整体自评表``: the 部门整体支出绩效自评表, when the engine scored the department's goals;
- one sheet per project: the 项目支出绩效自评表 with merged 一级/二级 cells, the 项目资金
  block (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分), 年度总体目标 预期/实际,
  and every indicator with 分值, 得分 and 偏差原因;
- ``全部指标``: every indicator as one flat table with a filter, for sorting and checking.

Everything is built from the report's view model (:mod:`perfscore.writers.report_view`),
so the workbook shows the numbers of the HTML report; figures are stored as numbers with
the report's number formats. XlsxWriter writes the file (about seven times faster than
building it cell by cell in openpyxl, which matters for a bureau's thousand units); it
writes text with ``write_string`` only, so no cell is ever a formula. The file is
byte-identical for the same results (fixed properties; XlsxWriter's fixed zip timestamps).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import unicodedata
from pathlib import Path

import xlsxwriter

from perfscore.io import atomic_write_bytes
from perfscore.model import Targets
from perfscore.scoring.evaluation import Evaluation
from perfscore.writers.report_format import DASH
from perfscore.writers.report_view import IndicatorRow, ProjectView, ReportView, build_view

_SCORE = "0.00"
_RATE = "0.00%"
_MONEY = "#,##0.00"
_COUNT = "0"
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)%$")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The project table's eight columns (as in the HTML report) and their widths in characters.
_PROJECT_WIDTHS = (12, 12, 22, 16, 16, 8, 8, 34)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_FIXED = _dt.datetime(2000, 1, 1)


def write_xlsx(evaluation: Evaluation, path: str | Path, *, targets: Targets | None = None,
               view: ReportView | None = None) -> Path:
    """Write the 自评表 workbook for ``evaluation`` to ``path``; return the path.
    ``view``: the report's view model when the caller has built it already."""
    out = Path(path)
    atomic_write_bytes(out, workbook_bytes(view or build_view(evaluation, targets=targets)))
    return out


def workbook_bytes(view: ReportView) -> bytes:
    raw = io.BytesIO()
    wb = xlsxwriter.Workbook(raw, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.set_properties({"title": view.title, "author": "perfscore", "created": _FIXED})
    book = _Book(wb)
    book.department(view)
    if view.department_table is not None:
        book.department_goals(view)
    for p in view.projects:
        book.project(view, p)
    book.flat(view)
    wb.close()
    # XlsxWriter stamps its zip entries 1980-01-01 and the properties with ``created``: the
    # bytes are already the same every time (tested), no re-packing needed.
    return raw.getvalue()


def _value(shown: str, fmt: str | None):
    """A figure of the report as a number with its format, or the text as shown."""
    if _NUMBER.match(shown):
        return float(shown), fmt or _SCORE
    m = _PERCENT.match(shown)
    if m:
        return float(m.group(1)) / 100, _RATE
    return ("" if shown == DASH else shown), None


def _text_width(text: str) -> int:
    """Columns of a line as Excel measures them: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """One worksheet with what the row heights need: the text and width of every cell."""

    def __init__(self, book: "_Book", name: str, widths: tuple[int, ...]):
        self.book, self.ws, self.widths = book, book.wb.add_worksheet(name), widths
        self.lines: dict[int, int] = {}
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)

    def _need(self, row: int, text: str, width: int) -> None:
        need = sum(max(1, -(-_text_width(part) // max(1, width - 1))) for part in text.split("\n"))
        if need > self.lines.get(row, 1):
            self.lines[row] = need

    def put(self, row: int, col: int, shown: str, *, number: bool = False, fmt: str | None = None,
            head: bool = False, bold: bool = False, center: bool = False, review: bool = False,
            span: tuple[int, int] = (1, 1)) -> None:
        """Write ``shown`` at (row, col) (0-based), merged over ``span`` (rows, cols)."""
        text = _ILLEGAL.sub("", shown or "")
        value, number_format = _value(text, fmt) if number else (text, None)
        style = self.book.style(bold=bold or head, head=head, center=center or head, fmt=number_format,
                                review=review)
        rows, cols = span
        if rows > 1 or cols > 1:
            self.ws.merge_range(row, col, row + rows - 1, col + cols - 1, "", style)
        if number_format:
            self.ws.write_number(row, col, value, style)
        else:
            self.ws.write_string(row, col, value, style)
            if rows == 1 and value:
                self._need(row, value, sum(self.widths[col:col + cols]) if col < len(self.widths) else 10)

    def title(self, row: int, text: str, size: int = 14) -> int:
        cols = len(self.widths)
        self.ws.merge_range(row, 0, row, cols - 1, text, self.book.title_style(size))
        self.ws.set_row(row, 24)
        return row + 1

    def finish(self, header_row: int | None, *, landscape: bool) -> None:
        for row, n in self.lines.items():
            if n > 1:
                self.ws.set_row(row, 13.5 * n + 2)
        ws = self.ws
        ws.set_paper(9)                      # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)                # one page wide, as many long as it takes
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.set_footer("&C第 &P 页，共 &N 页")
        if header_row is not None:
            ws.repeat_rows(header_row)


class _Book:
    def __init__(self, wb):
        self.wb = wb
        self._styles: dict[tuple, object] = {}
        self._names: set[str] = set()

    def style(self, *, bold: bool, head: bool, center: bool, fmt: str | None, review: bool):
        key = (bold, head, center, fmt, review)
        made = self._styles.get(key)
        if made is None:
            spec = {"font_name": "宋体", "font_size": 10, "border": 1, "text_wrap": True, "valign": "vcenter",
                    "bold": bold}
            if fmt:
                spec.update(num_format=fmt, align="right")
            elif center:
                spec["align"] = "center"
            if head:
                spec["bg_color"] = "#EEF1F5"
            elif review:
                spec["bg_color"] = "#FFF3CD"
            made = self._styles[key] = self.wb.add_format(spec)
        return made

    def title_style(self, size: int):
        key = ("title", size)
        if key not in self._styles:
            self._styles[key] = self.wb.add_format({"font_name": "黑体", "font_size": size, "bold": True,
                                                    "align": "center", "valign": "vcenter"})
        return self._styles[key]

    def sheet_name(self, p: ProjectView) -> str:
        """``<n>.<name>`` cut to Excel's 31 characters, without the characters a sheet name
        may not hold, unique in the workbook."""
        base = _SHEET_NAME_BAD.sub("_", f"{p.index}.{p.name}")[:31].strip("'") or f"项目{p.index}"
        name, n = base, 1
        while name.lower() in self._names:
            n += 1
            name = f"{base[:27]}({n})"
        self._names.add(name.lower())
        return name

    # --- sheets ---------------------------------------------------------------------

    def department(self, v: ReportView) -> None:
        blocks = list(v.blocks)
        heads = ["序号", "项目名称", "项目编码", "全年预算数（万元）", "全年执行数（万元）", "执行率", *blocks,
                 "总分", "等级", "未满分", "需复核"]
        width = len(heads)
        self._names.add("部门整体")
        s = _Sheet(self, "部门整体", (6, 30, 24, 12, 12, 10, *([10] * len(blocks)), 10, 6, 8, 8))
        row = s.title(0, v.title, 16)
        info = [(("单位名称", v.unit_name, None), ("单位编码", v.unit_code, None)),
                (("评价年度", v.year, None), ("评价日期", v.as_of, None)),
                (("部门整体得分", v.total, _SCORE), ("自评等级", v.grade, None)),
                (("全年预算数（万元）", v.budget, _MONEY), ("全年执行数（万元）", v.executed, _MONEY)),
                (("预算执行率", v.exec_rate, _RATE), ("评分规则", v.profile, None))]
        half = max(1, (width - 2) // 2)
        for (a, b, bf), (c, d, df) in info:
            s.put(row, 0, a, head=True)
            s.put(row, 1, b, number=bf is not None, fmt=bf, span=(1, half))
            s.put(row, 1 + half, c, head=True)
            s.put(row, 2 + half, d, number=df is not None, fmt=df, span=(1, width - 2 - half))
            row += 1
        row = s.title(row + 1, "项目自评汇总", 12)
        head_row = row
        for c, h in enumerate(heads):
            s.put(row, c, h, head=True)
        for p in v.projects:
            row += 1
            values = [str(p.index), p.name, p.code, p.budget, p.executed, p.exec_rate, *p.block_scores,
                      p.total + ("（暂定）" if p.incomplete else ""), p.grade, str(p.n_missed), str(p.n_review)]
            for c, shown in enumerate(values):
                h = heads[c]
                fmt = _MONEY if h.endswith("（万元）") else _COUNT if h in ("序号", "未满分", "需复核") else None
                s.put(row, c, shown, number=h not in ("项目名称", "项目编码", "等级"), fmt=fmt, review=bool(p.n_review))
        s.ws.freeze_panes(head_row + 1, 0)
        s.finish(head_row, landscape=True)

    def department_goals(self, v: ReportView) -> None:
        d = v.department_table
        self._names.add("部门整体自评表")
        s = _Sheet(self, "部门整体自评表", _PROJECT_WIDTHS)
        row = s.title(0, "部门整体支出绩效自评表")
        s.put(row, 0, "单位名称", head=True)
        s.put(row, 1, v.unit_name, span=(1, 4))
        s.put(row, 5, "评价年度", head=True)
        s.put(row, 6, v.year, span=(1, 2))
        header = row + 1
        self._indicators(s, header, d.rows, "分项目标", "指标类型", d.total, d.grade, d.total_arithmetic,
                         d.incomplete, exec_row=("预算执行率", d.exec_weight, d.exec_score))
        s.finish(header, landscape=False)

    def project(self, v: ReportView, p: ProjectView) -> None:
        s = _Sheet(self, self.sheet_name(p), _PROJECT_WIDTHS)
        row = s.title(0, "项目支出绩效自评表")
        s.ws.merge_range(row, 0, row, 7, f"（{v.year}年度）", self.title_style(10))
        row += 1
        s.put(row, 0, "项目名称", head=True)
        s.put(row, 1, p.name, bold=True, span=(1, 7))
        row += 1
        s.put(row, 0, "项目编码", head=True)
        s.put(row, 1, p.code, span=(1, 3))
        s.put(row, 4, "预算单位", head=True)
        s.put(row, 5, p.unit or v.unit_name, span=(1, 3))
        row += 1
        s.put(row, 0, "项目资金（万元）", head=True, span=(4 if p.has_fund_split else 2, 1))
        for c, h in enumerate(("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=1):
            s.put(row, c, h, head=True)
        row += 1
        s.put(row, 1, "年度资金总额", head=True)
        for c, (shown, fmt) in enumerate(((p.initial_budget, _MONEY), (p.budget, _MONEY), (p.executed, _MONEY),
                                          (p.exec_weight, None), (p.exec_rate, None), (p.exec_score, None)), start=2):
            s.put(row, c, shown, number=True, fmt=fmt, bold=c == 7)
        if p.has_fund_split:
            for label, shown in (("其中：财政资金", p.fiscal), ("其他资金", p.other)):
                row += 1
                s.put(row, 1, label, head=True)
                s.put(row, 2, shown, number=True, fmt=_MONEY)
                s.put(row, 3, DASH, center=True)
                s.put(row, 4, DASH, center=True)
                s.put(row, 5, DASH, center=True, span=(1, 3))
        for label, shown in (("计分过程", p.exec_arithmetic), ("执行偏差原因", p.exec_reason), ("评分说明", p.notes)):
            if shown or label == "计分过程":
                row += 1
                s.put(row, 0, label, head=True)
                s.put(row, 1, shown, span=(1, 7))
        row += 1
        s.put(row, 0, "年度总体目标", head=True, span=(2, 1))
        s.put(row, 1, "预期目标", head=True, span=(1, 4))
        s.put(row, 5, "实际完成情况", head=True, span=(1, 3))
        row += 1
        goals = "\n".join(p.goals) if p.goals else "（未提供绩效目标表，无预期目标文本）"
        actual = p.goals_actual + ("\n（单位未填写，以上由 perfscore 按指标完成情况汇总）" if p.goals_actual_generated else "")
        s.put(row, 1, goals, span=(1, 4))
        s.put(row, 5, actual, span=(1, 3))
        s._need(row, goals, sum(_PROJECT_WIDTHS[1:5]))
        s._need(row, actual, sum(_PROJECT_WIDTHS[5:8]))
        header = row + 1
        self._indicators(s, header, p.rows, "一级指标", "二级指标", p.total, p.grade, p.total_arithmetic, p.incomplete)
        s.finish(header, landscape=False)

    def _indicators(self, s: _Sheet, row: int, rows: list[IndicatorRow], head1: str, head2: str, total: str,
                    grade: str, arithmetic: str, incomplete: bool, exec_row: tuple | None = None) -> int:
        """The indicator table (8 columns, as the 自评表 prints it) from ``row``; returns the next row."""
        for c, h in enumerate((head1, head2, "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")):
            s.put(row, c, h, head=True)
        row += 1
        if exec_row is not None:
            label, weight, score = exec_row
            s.put(row, 0, label, span=(1, 5))
            s.put(row, 5, weight, number=True)
            s.put(row, 6, score, number=True)
            s.put(row, 7, "")
            row += 1
        for r in rows:
            review = r.status == "needs_review"
            if r.level1_span:
                s.put(row, 0, r.level1, center=True, span=(r.level1_span, 1))
            if r.level2_span:
                s.put(row, 1, r.level2, center=True, span=(r.level2_span, 1))
            s.put(row, 2, r.level3)
            s.put(row, 3, r.target)
            s.put(row, 4, r.actual or "（未填写）", review=review)
            s.put(row, 5, r.weight, number=True)
            s.put(row, 6, r.score if not review else f"需复核：{r.review_reason or '原因未说明'}", number=not review,
                  review=review)
            s.put(row, 7, r.reason)
            row += 1
        s.put(row, 0, "总分", head=True, span=(1, 5))
        s.put(row, 5, total, number=True, bold=True, span=(1, 2))
        s.put(row, 7, f"自评等级：{grade}" + ("（总分暂定：有指标需复核）" if incomplete else ""), bold=True)
        row += 1
        s.put(row, 0, "计分过程", head=True)
        s.put(row, 1, arithmetic, span=(1, 7))
        return row + 1

    def flat(self, v: ReportView) -> None:
        heads = ("项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                 "状态", "计分过程", "偏差原因分析及改进措施", "佐证材料")
        self._names.add("全部指标")
        s = _Sheet(self, "全部指标", (22, 20, 10, 12, 22, 14, 14, 7, 7, 8, 30, 30, 16))
        for c, h in enumerate(heads):
            s.put(0, c, h, head=True)
        row = 0
        for p in v.projects:
            for r in p.rows:
                row += 1
                values = (p.code, p.name, r.level1, r.level2, r.level3, r.target, r.actual, r.weight, r.score,
                          r.status_label, r.arithmetic, r.reason, r.evidence)
                for c, shown in enumerate(values):
                    s.put(row, c, shown, number=c in (7, 8))
        s.ws.autofilter(0, 0, max(row, 1), len(heads) - 1)
        s.ws.freeze_panes(1, 0)
        s.finish(0, landscape=True)
