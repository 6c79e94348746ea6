"""The actuals sheet (实际完成值表): read it, and join it to the targets.

The sheet is what ``perfscore template`` writes and a budget unit fills in: one
row per indicator plus reserved fund rows per project (see ``docs/actuals.md``).

- :func:`read_actuals` reads .csv (UTF-8, UTF-8 with BOM or GB18030) or .xlsx,
  Chinese or English headers, and keeps every row with the row number the user
  sees in Excel. It only checks the file's shape (a header with the key columns).
- :func:`attach_actuals` joins the rows to a :class:`~perfscore.model.Targets` on
  (项目编码, 三级指标), falling back on 项目名称 when the code is blank or unknown,
  and returns a filled copy. Every problem of every row (unknown key, duplicate,
  unreadable fund figure or 得分) is collected first and raised as ONE
  :class:`~perfscore.errors.DataError`, so the user fixes the sheet in one pass.

A blank 实际完成值 stays ``None``: the engine reports the indicator as needing
review, it never counts a blank as zero. Actual values are not interpreted here
(the value grammar and the engine do that); only fund figures (money) and
explicit 得分 must be numbers, because nothing downstream could read them else.
"""

from __future__ import annotations

import copy
import csv
import datetime as _dt
import functools
import io as _io
import re
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np

from perfscore.errors import DataError, FormatError, Location
from perfscore.io import decode_bytes
from perfscore.model import Indicator, Targets
from perfscore.readers.common import MONEY_FACTORS, gc_paused, is_total_label, total_row_error
from perfscore.readers.join import Groups, Rows, plan_join
from perfscore.readers.sheets import open_workbook, pick_sheet, sheet_rows, visible_sheets
from perfscore.safety import check_input_path, check_text_bytes, read_input_bytes

# --- the sheet's format -------------------------------------------------------

# Canonical field → (Chinese header written by the template, accepted aliases).
# Aliases are compared after normalisation (:func:`_header_key`): case, spaces and
# full-width forms do not matter.
FIELDS: dict[str, tuple[str, ...]] = {
    "project_code": ("项目编码", "项目代码", "project_code", "code"),
    "project_name": ("项目名称", "project_name", "name"),
    "level1": ("一级指标", "level1"),
    "level2": ("二级指标", "level2"),
    "level3": ("三级指标", "level3", "indicator"),
    "target": ("年度指标值", "指标值", "target"),
    "actual": ("实际完成值", "实际值", "actual"),
    "score": ("得分", "自评得分", "score"),
    "reason": ("偏差原因分析及改进措施", "偏差原因", "偏差原因分析", "reason"),
    "evidence": ("佐证材料", "evidence"),
}
# The template's column order (Chinese headers).
TEMPLATE_HEADERS: tuple[str, ...] = tuple(names[0] for names in FIELDS.values())

# Department goals (部门整体绩效目标) are keyed like projects: 'DEPT-00' holds the
# overall indicators, 'DEPT-01', 'DEPT-02' … the 分项绩效目标 in document order.
DEPT_PREFIX = "DEPT-"
DEPT_OVERALL_NAME = "部门整体绩效目标"

_FORMULA_ESCAPE_RE = re.compile(r"^'+[=+\-@]")


class ActualsRow(typing.NamedTuple):
    """One data row of the sheet, cells stripped, blank cells as ``None``.
    (A named tuple: a large sheet builds a million of them.)"""

    row: int                      # row number as shown by Excel (header = its own row)
    project_code: str | None
    project_name: str | None
    level3: str | None
    actual: str | None
    score: str | None
    reason: str | None
    evidence: str | None


@dataclass
class ActualsTable:
    """The rows of one actuals file and how its columns were named."""

    file: str                                   # the path as the user gave it
    rows: list[ActualsRow]
    headers: dict[str, str]                     # canonical field → header as written
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str | None = None                 # CSV only: 'utf-8-sig' or 'gb18030'

    def header(self, name: str) -> str:
        """The column name as the user wrote it (for messages)."""
        return self.headers.get(name, FIELDS[name][0])


# --- reading -------------------------------------------------------------------


def read_actuals(path: str | Path) -> ActualsTable:
    """Read an actuals sheet (.csv or .xlsx) into an :class:`ActualsTable`."""
    with gc_paused():
        return _read_actuals(path)


def _read_actuals(path: str | Path) -> ActualsTable:
    p = Path(path)
    check_input_path(p)  # a missing file or a folder, before the extension is looked at
    suffix = p.suffix.lower()
    if suffix == ".csv":
        grid, encoding = _read_csv_grid(p)
    elif suffix in (".xlsx", ".xlsm"):
        grid, encoding = _read_xlsx_grid(p), None
    elif suffix in (".xls", ".et"):
        raise FormatError("不支持旧版 Excel 格式（.xls/.et）", location=Location(file=str(path)),
                          hint="请在 Excel/WPS 中另存为 .xlsx 或 CSV UTF-8 后重试。")
    else:
        raise FormatError(f"无法识别的实际完成值文件类型「{p.suffix or '无扩展名'}」",
                          location=Location(file=str(path)),
                          hint="实际完成值表应为 .csv 或 .xlsx（可用 perfscore template 生成）。")
    return _table_from_grid(grid, file=str(path), encoding=encoding)


def _read_csv_grid(p: Path) -> tuple[list[tuple[int, list[str]]], str]:
    data = read_input_bytes(p)
    check_text_bytes(data, file=str(p))  # an .xlsx or PDF renamed .csv: say what it is
    text, encoding = decode_bytes(data, file=str(p))
    delimiter = csv_delimiter(text)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[tuple[int, list[str]]] = []
    last_line = 0  # the physical line the previous record ended on
    try:
        # A record spanning several lines (a quoted cell with line breaks) is still one
        # Excel row, so the record's ordinal is the row number the user sees.
        for n, rec in enumerate(reader, start=1):
            grid.append((n, rec))
            last_line = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            row = len(grid) + 1
            # Without a quote on the record's first line the cell is simply that long;
            # with one, an unpaired quote has usually swallowed the rows below it.
            first = text.split("\n", last_line + 1)[last_line] if text.count("\n") >= last_line else ""
            if '"' not in first:
                raise FormatError(f"有一个单元格超过 {csv.field_size_limit()} 个字符，太长了",
                                  location=Location(file=str(p), row=row),
                                  hint="请把过长的内容缩短（Excel 的单元格本身最多 32767 个字符）；"
                                       "详细的说明可以写在佐证材料中。") from None
            raise FormatError(f"CSV 格式错误：从这一行起有一个单元格超过 {csv.field_size_limit()} 个字符",
                              location=Location(file=str(p), row=row),
                              hint="通常是某个单元格的引号（\"）不成对，把后面的行都并进了这个单元格；"
                                   "请检查该行及其上方的引号。") from None
        raise FormatError(f"CSV 格式错误：{exc}", location=Location(file=str(p), row=reader.line_num),
                          hint="检查该行的引号是否成对。") from None
    return grid, encoding


def _read_xlsx_grid(p: Path) -> list[tuple[int, list[str]]]:
    wb = open_workbook(p)
    try:
        # Hidden sheets are skipped; among the visible ones the sheet with an actuals
        # header is read, and two such sheets are refused (readers/sheets.py).
        ws = pick_sheet(wb, file=str(p), is_header=is_actuals_header, scan_rows=HEADER_SCAN_ROWS,
                        what="实际完成值", cell_text=_cell_text)
        if ws is None:  # no header anywhere: the first visible sheet, for the message
            ws = next(iter(visible_sheets(wb)), None) or wb.worksheets[0]
        grid = []
        for row in sheet_rows(ws, file=str(p)):
            cells = [_cell_text(c) for c in row]
            if cells:
                grid.append((row[0].row, cells))
        return grid
    finally:
        wb.close()


def _cell_text(cell) -> str:
    """A spreadsheet cell as the text the user sees (numbers without float noise)."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            return _plain(number * 100) + "%"
        return _plain(number)
    return str(value)


def _plain(d: Decimal) -> str:
    """Decimal as plain text: no exponent, no trailing zeros ('56.25', '100')."""
    text = format(d.normalize(), "f")
    return text


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


_ALIASES = {_header_key(alias): name for name, aliases in FIELDS.items() for alias in aliases}


HEADER_SCAN_ROWS = 20


def csv_delimiter(text: str) -> str:
    """A sheet's CSV delimiter: a comma, or a tab for Excel's "Unicode text" export (tab-
    separated), taken when the first line has tabs and no comma."""
    first_line = text.split("\n", 1)[0]
    return "\t" if "\t" in first_line and "," not in first_line else ","


def is_actuals_header(cells: list[str]) -> bool:
    """The header row names both 三级指标 and 实际完成值."""
    names = {_ALIASES.get(_header_key(c)) for c in cells if c}
    return {"level3", "actual"} <= names


def _table_from_grid(grid: list[tuple[int, list[str]]], *, file: str, encoding: str | None) -> ActualsTable:
    # The header is the first row naming both 三级指标 and 实际完成值; rows above it
    # (a title, a unit note) are skipped. Only the first 20 rows are searched.
    header_at = None
    for i, (_, cells) in enumerate(grid[:HEADER_SCAN_ROWS]):
        if is_actuals_header(cells):
            header_at = i
            break
    if header_at is None:
        first = next((cells for _, cells in grid if any(c.strip() for c in cells)), [])
        shown = "、".join(c.strip() for c in first if c.strip()) or "（空）"
        raise FormatError(
            "找不到实际完成值表的表头（需要「三级指标」和「实际完成值」两列）",
            location=Location(file=file, row=grid[0][0] if grid else None, value=shown[:120]),
            hint="可用 perfscore template 生成模板；英文表头为 project_code, project_name, level3, "
                 "actual, score, reason, evidence。",
        )
    header_row, header_cells = grid[header_at]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for idx, raw in enumerate(header_cells):
        text = raw.strip()
        if not text:
            continue
        name = _ALIASES.get(_header_key(text))
        if name is None:
            ignored.append(text)
            continue
        if name in columns:
            raise FormatError(f"表头中「{FIELDS[name][0]}」出现了两次",
                              location=Location(file=file, row=header_row, column=text),
                              hint="删除或改名重复的列。")
        columns[name] = idx
        headers[name] = text
    if "project_code" not in columns and "project_name" not in columns:
        raise FormatError("表头中既没有「项目编码」也没有「项目名称」，无法对应到项目",
                          location=Location(file=file, row=header_row),
                          hint="至少保留「项目编码」或「项目名称」一列。")

    # Cell positions in ActualsRow field order; None for a column the file lacks.
    positions = [columns.get(name) for name in _ROW_FIELDS]
    rows = []
    for row_no, cells in grid[header_at + 1:]:
        if not "".join(cells).strip():
            continue  # blank rows are skipped, but keep their numbers for the others
        n = len(cells)
        rows.append(ActualsRow(row_no, *[
            _clean(cells[i]) if i is not None and i < n else None for i in positions]))
    _refuse_total_rows(rows, headers, file)
    return ActualsTable(file=file, rows=rows, headers=headers, ignored_columns=ignored, encoding=encoding)


def _refuse_total_rows(rows: list, headers: dict[str, str], file: str) -> None:
    """A 合计/小计/总计 row (项目编码, 项目名称 or 三级指标 saying so) is not an actual:
    refused with its row rather than reported as an unknown project."""
    found = []
    for row in rows:
        for name in ("project_code", "project_name", "level3"):
            value = getattr(row, name)
            # The substring test first: a million rows must not all be normalised.
            if value and ("计" in value or "otal" in value or "OTAL" in value) and is_total_label(value):
                found.append((row.row, headers.get(name, FIELDS[name][0]), value))
                break
    if found:
        raise total_row_error(file, found[:20])


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_ROW_FIELDS = ("project_code", "project_name", "level3", "actual", "score", "reason", "evidence")


def _clean(text: str) -> str | None:
    """Strip a cell; blank → None; undo the template's formula escape (`'=…` → `=…`)."""
    # A BOM or zero-width space left in a cell (files pasted together, text copied from
    # the web) is invisible to the user and must not make 'P001' unknown.
    text = text.translate(_INVISIBLE).strip()
    if not text:
        return None
    if text[0] == "'" and _FORMULA_ESCAPE_RE.match(text):
        text = text[1:]
    return text


# --- joining -------------------------------------------------------------------


def _copy_model(model, **replace):
    """A copy of a pydantic model sharing nothing mutable with the original.

    Much faster than ``model_copy(deep=True)`` on large targets: scalar fields are
    copied by reference (they are immutable) and only containers are deep-copied;
    ``replace`` supplies fields the caller copies itself.
    """
    out = model.model_copy(update=replace)
    for name in _container_fields(type(model)):
        value = getattr(model, name)
        if name not in replace and value is not None:
            setattr(out, name, copy.deepcopy(value))
    return out


@functools.cache
def _container_fields(cls) -> tuple[str, ...]:
    """Fields of a model class that may hold something mutable (all but scalars)."""
    return tuple(name for name, info in cls.model_fields.items() if not _is_scalar(info.annotation))


def _is_scalar(tp) -> bool:
    if tp in (str, int, float, bool, type(None)):
        return True
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return True
    if origin in (typing.Union, types.UnionType):
        return all(_is_scalar(a) for a in typing.get_args(tp))
    return False


def _copy_targets(targets: Targets) -> Targets:
    projects = [_copy_model(p, indicators=[_copy_model(i) for i in p.indicators])
                for p in targets.projects]
    return _copy_model(targets, projects=projects)


def department_groups(targets: Targets) -> list[tuple[str, str, list[Indicator]]]:
    """(code, name, indicators) of the department goals, as the template writes them."""
    goals = targets.department_goals
    if goals is None:
        return []
    out = []
    if goals.overall_indicators:
        out.append((f"{DEPT_PREFIX}00", DEPT_OVERALL_NAME, goals.overall_indicators))
    for n, sub in enumerate(goals.subgoals, start=1):
        if sub.indicators:
            out.append((f"{DEPT_PREFIX}{n:02d}", sub.title, sub.indicators))
    return out


def attach_actuals(targets: Targets, table: ActualsTable) -> Targets:
    """Return a copy of ``targets`` with the sheet's values filled in.

    Indicator.actual / score / reason / evidence come from the indicator rows;
    Project.budget_full_year / executed / spent (元) and exec_reason from the fund
    rows. A row sets all its fields: a blank cell clears the field. Indicators
    without a row keep what they had (usually nothing).
    Raises DataError listing every offending row.
    """
    with gc_paused():
        return _attach(targets, table)


def _attach(targets: Targets, table: ActualsTable) -> Targets:
    out = _copy_targets(targets)
    parts = [(p.code, p.name, p.indicators, True) for p in out.projects]
    parts += [(code, name, inds, False) for code, name, inds in department_groups(out)]
    indicators = [ind for _, _, inds, _ in parts for ind in inds]
    groups = Groups(unit=np.zeros(len(parts), dtype=np.int64), code=[c for c, _, _, _ in parts],
                    name=[n for _, n, _, _ in parts], is_project=np.array([x for *_, x in parts], dtype=bool),
                    counts=np.array([len(inds) for _, _, inds, _ in parts], dtype=np.int64),
                    level3=_objects([ind.level3 for ind in indicators]))
    rows = table.rows
    plan = plan_join(groups, Rows(unit=np.zeros(len(rows), dtype=np.int64),
                                  **{f: _objects([getattr(r, f) for r in rows]) for f in Rows.CELLS}),
                     np.array([r.row for r in rows], dtype=np.int64), sheet_money_unit(out))
    if plan.problems:
        problems = []
        for p in plan.problems:
            loc = Location(file=table.file, row=rows[p.at].row, column=table.header(p.column), value=p.value)
            problems.append(f"{loc}：{p.message}")
        raise DataError(
            f"实际完成值表有{len(problems)}处问题，未能对应到绩效目标",
            location=Location(file=table.file),
            problems=problems,
            hint="按上面列出的行号逐一修改后重试；可用 perfscore template 重新生成带全部指标的模板。",
        )
    projects = out.projects
    for i, row in enumerate(rows):
        if plan.fund[i] is None:
            ind = indicators[plan.indicator[i]]
            ind.actual, ind.reason, ind.evidence, ind.score = row.actual, row.reason, row.evidence, plan.score[i]
        else:
            fill_fund(projects[plan.group[i]], plan.fund[i], plan.amount[i], row.reason)
    return out


def _objects(values: list) -> np.ndarray:
    """A list as a 1-d object array (np.array would make tuples a second dimension)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def fill_fund(project, fund: str, amount: float | None, reason: str | None) -> None:
    """A fund row's figure (in 元, None: blank) into its project."""
    if fund == "budget":
        project.budget_full_year = amount
    elif fund == "executed":
        project.executed = amount
        # The 偏差原因 of the execution row explains an execution rate below 90 %.
        project.exec_reason = reason
    elif amount is None:
        project.spent.pop(fund, None)
    else:
        project.spent[fund] = amount


def sheet_money_unit(targets: Targets) -> str:
    """The unit of bare fund figures in the sheet: the targets' 金额单位 when perfscore
    can convert it, else 万元 (what the tables print). The template states it."""
    unit = targets.unit.money_unit
    return unit if unit in MONEY_FACTORS and unit != "万" else "万元"
