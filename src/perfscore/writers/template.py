"""The actuals template (实际完成值填报模板) a budget unit fills in at year end.

One row per indicator of every project (and of the department goals), plus the
reserved fund rows of each project: 全年预算数 (pre-filled from the budget),
全年执行数 and one ``N月底累计支出`` per spending-plan checkpoint. The format is
the one :mod:`perfscore.readers.actuals` reads back; ``docs/actuals.md`` shows it.

Fund figures are written in the targets' money unit (金额单位, usually 万元),
which each fund row states in its 年度指标值 cell. The .xlsx adds a frozen
header, column widths, drop-down lists on the 实际完成值 cells of grade and
qualitative rows, and a 填写说明 sheet. Both formats are byte-identical for the
same targets and never let a cell's text run as a spreadsheet formula.
"""

from __future__ import annotations

import unicodedata
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from perfscore.errors import UsageError
from perfscore.io import write_csv
from perfscore.model import Indicator, Project, Targets
from perfscore.readers.actuals import (
    DEPT_PREFIX,
    MONEY_FACTORS,
    TEMPLATE_HEADERS,
    department_groups,
    sheet_money_unit,
)
from perfscore.readers.join import BUDGET_ROW, EXECUTED_ROW, SPENT_SUFFIX
from perfscore.safety import refuse_existing_output
from perfscore.values import parse_target
from perfscore.writers.xlsx_safe import csv_safe_frame, save_workbook, set_cell

FUND_LEVEL1 = "预算执行"
# Words offered in the drop-downs. 不适用 is always allowed: it is a legal actual.
TIER_WORDS = ("达成预期指标", "部分达成", "未达成", "不适用")
DEADLINE_WORDS = ("按时完成", "延期完成", "未完成")

# Column indexes in TEMPLATE_HEADERS (0-based).
_ACTUAL = TEMPLATE_HEADERS.index("实际完成值")
_TARGET = TEMPLATE_HEADERS.index("年度指标值")


@dataclass(frozen=True)
class TemplateRow:
    """One row of the template: its cells and what the 实际完成值 cell may hold."""

    cells: tuple            # str | float | None, in TEMPLATE_HEADERS order
    kind: str               # 'indicator', 'department' or 'fund'
    indicator: Indicator | None = None   # what the drop-down of the .xlsx is made from


@dataclass(frozen=True)
class TemplateSummary:
    path: str
    indicator_rows: int
    department_rows: int
    fund_rows: int


def write_template(targets: Targets, path: str | Path, *, force: bool = False) -> TemplateSummary:
    """Write the template for ``targets`` to ``path`` (.csv or .xlsx); an existing file
    (perhaps already filled in) is replaced only with ``force``."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"模板文件应为 .csv 或 .xlsx，而不是「{p.name}」",
                         hint="例如：perfscore template targets.json -o actuals.xlsx")
    refuse_existing_output(p, force=force, what="实际完成值模板")
    rows = template_rows(targets)
    if suffix == ".csv":
        _write_csv(rows, p)
    else:
        _write_xlsx(rows, p, money_unit=_money_unit(targets), year=targets.year)
    return TemplateSummary(
        path=str(path),
        indicator_rows=sum(r.kind == "indicator" for r in rows),
        department_rows=sum(r.kind == "department" for r in rows),
        fund_rows=sum(r.kind == "fund" for r in rows),
    )


# --- rows ------------------------------------------------------------------------


def template_rows(targets: Targets) -> list[TemplateRow]:
    """The rows in document order: department goals first, then each project's fund
    rows followed by its indicators (the order of the 自评表)."""
    rows: list[TemplateRow] = []
    for code, name, indicators in department_groups(targets):
        for ind in indicators:
            rows.append(_indicator_row(code, name, ind, kind="department"))
    money_unit = _money_unit(targets)
    for project in targets.projects:
        rows += _fund_rows(project, money_unit)
        for ind in project.indicators:
            rows.append(_indicator_row(project.code, project.name, ind, kind="indicator"))
    return rows


def _money_unit(targets: Targets) -> str:
    return sheet_money_unit(targets)  # the reader takes bare figures in this unit


def _indicator_row(code: str, name: str, ind: Indicator, *, kind: str) -> TemplateRow:
    cells = (code, name, ind.level1, ind.level2, ind.level3, ind.target,
             ind.actual, ind.score, ind.reason, ind.evidence)
    return TemplateRow(cells=cells, kind=kind, indicator=ind)


def choices_for(ind: Indicator, year: int | None) -> tuple[tuple[str, ...], bool]:
    """Drop-down words for the indicator's 实际完成值, from how its target reads, and
    whether other words are refused (grades, tiers) or only suggested (deadlines)."""
    target = parse_target(ind.target, level1=ind.level1, level2=ind.level2, level3=ind.level3, year=year)
    if target.kind == "grade" and target.ladder:
        return tuple(target.ladder) + ("不适用",), True
    if target.kind == "achievement":
        return TIER_WORDS, True
    if target.kind == "deadline":
        # A completion date is also a valid answer, so the words are only offered.
        return DEADLINE_WORDS, False
    return (), True


def _fund_rows(project: Project, money_unit: str) -> list[TemplateRow]:
    note = f"金额单位：{money_unit}"
    budget = project.funds.total
    budget_text = _in_unit(budget, money_unit) if budget is not None else None
    full_year = project.budget_full_year if project.budget_full_year is not None else budget

    def fund(level2: str, level3: str, target: str, amount: float | None, reason: str | None = None):
        value = _in_unit(amount, money_unit) if amount is not None else None
        cells = (project.code, project.name, FUND_LEVEL1, level2, level3, target,
                 value, None, reason, None)
        return TemplateRow(cells=cells, kind="fund")

    first = f"年初预算数{budget_text}{money_unit}；{note}" if budget_text is not None else note
    rows = [
        fund("预算执行率", BUDGET_ROW, first, full_year),
        fund("预算执行率", EXECUTED_ROW, f"{note}；执行率低于90%请填写偏差原因",
             project.executed, project.exec_reason),
    ]
    for checkpoint, pct in project.spending_plan.items():
        planned = f"计划累计支出{_plain(Decimal(repr(float(pct))))}%"
        if budget is not None:
            amount = Decimal(repr(float(budget))) * Decimal(repr(float(pct))) / 100
            planned += f"（{_money_text(_round2(amount / MONEY_FACTORS[money_unit]))}{money_unit}）"
        rows.append(fund("支出进度", f"{checkpoint}{SPENT_SUFFIX}", f"{planned}；{note}",
                         project.spent.get(checkpoint)))
    return rows


def _in_unit(yuan: float, money_unit: str) -> str:
    """An amount in 元 as a number in the money unit, as the tables print it
    (562500.0 → '56.25', 20000.0 → '2.00'; more decimals only when there are)."""
    return _money_text(Decimal(repr(float(yuan))) / MONEY_FACTORS[money_unit])


def _money_text(d: Decimal) -> str:
    cents = d.quantize(Decimal("0.01"))
    return format(cents, "f") if cents == d else _plain(d)


def _round2(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


# --- CSV -------------------------------------------------------------------------


def _write_csv(rows: list[TemplateRow], path: Path) -> None:
    records = [["" if c is None else str(c) for c in r.cells] for r in rows]
    frame = pd.DataFrame(records, columns=list(TEMPLATE_HEADERS), dtype=object)
    write_csv(path, csv_safe_frame(frame))


# --- xlsx ------------------------------------------------------------------------


def _write_xlsx(rows: list[TemplateRow], path: Path, *, money_unit: str, year: int | None) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import MultiCellRange
    from openpyxl.worksheet.datavalidation import DataValidation


    wb = Workbook()
    ws = wb.active
    ws.title = "实际完成值"
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    fund_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")

    for col, text in enumerate(TEMPLATE_HEADERS, start=1):
        cell = ws.cell(row=1, column=col)
        set_cell(cell, text)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.cell(row=1, column=_ACTUAL + 1).comment = Comment(
        f"资金行只填数字时按{money_unit}计；也可写明“元”或“万元”。", "perfscore")

    # Setting a style through openpyxl's descriptors hashes the style objects on every
    # call, which dominated the run time on large sheets. So each kind of cell is styled
    # once on a scratch sheet and its style array (cell._style) copied to the others.
    scratch = wb.create_sheet("scratch")
    plain_style = _style(scratch.cell(1, 1), alignment=wrap)
    fund_style = _style(scratch.cell(1, 2), alignment=wrap, fill=fund_fill)
    # Text format: a typed 96% or 2023-11-30 stays as written, not a converted number.
    text_style = _style(scratch.cell(1, 3), alignment=wrap, number_format="@")
    wb.remove(scratch)

    validations: dict[tuple[tuple[str, ...], bool], list[int]] = {}
    for r, row in enumerate(rows, start=2):
        fund = row.kind == "fund"
        for col, value in enumerate(row.cells):
            cell = ws.cell(row=r, column=col + 1)
            # Style first: set_cell may add the quote prefix (formula-like text), which a
            # style copied afterwards would wipe out.
            if fund:
                cell._style = copy(fund_style if col <= _TARGET else plain_style)
            else:
                cell._style = copy(text_style if col == _ACTUAL else plain_style)
            if fund and col == _ACTUAL and value is not None:
                set_cell(cell, float(value))  # a number Excel can sum
            else:
                set_cell(cell, value)
        choices, strict = choices_for(row.indicator, year) if row.indicator else ((), True)
        if choices:
            validations.setdefault((choices, strict), []).append(r)

    letter = get_column_letter(_ACTUAL + 1)
    for (choices, strict), row_numbers in validations.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.showErrorMessage = strict
        dv.errorTitle = "请从列表中选择"
        dv.error = "请选择：" + "、".join(choices)
        dv.showInputMessage = True
        dv.promptTitle = "实际完成值"
        dv.prompt = ("从下拉列表选择" if strict else "可选：") + "、".join(choices)
        # One sqref for all cells (adding them one by one is quadratic in openpyxl).
        dv.sqref = MultiCellRange(" ".join(_ranges(letter, row_numbers)))
        ws.add_data_validation(dv)

    _set_widths(ws, rows, get_column_letter)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TEMPLATE_HEADERS))}{len(rows) + 1}"
    _add_instructions(wb, money_unit)
    save_workbook(wb, path)


def _style(cell, **attrs):
    """Style a scratch cell and return its style array."""
    for name, value in attrs.items():
        setattr(cell, name, value)
    return copy(cell._style)


def _ranges(letter: str, row_numbers: list[int]) -> list[str]:
    """'G6:G8', 'G12' … for ascending row numbers, runs merged."""
    out = []
    start = prev = row_numbers[0]
    for n in row_numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
        if n is not None:
            start = prev = n
    return out


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _set_widths(ws, rows: list[TemplateRow], get_column_letter) -> None:
    for col, header in enumerate(TEMPLATE_HEADERS):
        widest = max([_display_width(header)] +
                     [_display_width(str(r.cells[col])) for r in rows if r.cells[col] is not None])
        # Free-text columns get room to write; long printed names wrap.
        minimum = 24 if header in ("偏差原因分析及改进措施", "佐证材料") else 10
        if col == _ACTUAL:
            minimum = 16
        ws.column_dimensions[get_column_letter(col + 1)].width = min(max(widest + 2, minimum), 40)


_INSTRUCTIONS = (
    "填写说明",
    "1. 每个指标一行：在「实际完成值」列填写年度实际完成情况，数字可带单位（如 96%、120个、4.6万元），"
    "完成时限可填日期（2023-11-30）或“按时完成/延期完成/未完成”。",
    "2. 等级类指标（优/良/中/差）和定性指标（达成预期指标/部分达成/未达成）请从下拉列表选择；不适用的指标填“不适用”。",
    "3. 没有实际完成值的指标请留空：该指标标为“需复核”，不会被猜一个数；复核前它不得分、分值仍计入分母（总分为“暂定”）；项目的指标全部需复核时暂无总分。",
    "4. 「得分」列一般留空，由程序计算；定性指标可填写档内的具体得分（须落在该档分值范围内）。",
    "5. 满意度可写调查人数，如“满意96人/有效问卷100份”；请在「佐证材料」列写明问卷或名单。",
    "6. 资金行（灰色）：全年预算数已按预算预填，如有调整请修改；全年执行数、各月底累计支出只填数字时按{unit}计，"
    "也可写“元”或“万元”。执行率低于90%请在全年执行数行填写偏差原因。",
    "7. 请勿修改「项目编码」「三级指标」列；如果修改了项目编码，将按项目名称对应。部门整体绩效目标的行以“"
    + DEPT_PREFIX + "”开头编码。",
)


def _add_instructions(wb, money_unit: str) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("填写说明")
    for r, text in enumerate(_INSTRUCTIONS, start=1):
        cell = ws.cell(row=r, column=1, value=text.format(unit=money_unit))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 100
