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
from decimal import Decimal, InvalidOperation
from pathlib import Path

from perfscore.errors import DataError, FormatError, Location
from perfscore.io import decode_bytes
from perfscore.model import Indicator, Targets
from perfscore.readers.common import MONEY_FACTORS, excel_mangled_code, gc_paused, is_total_label, total_row_error
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

# Reserved 三级指标 names of the fund rows (资金行).
BUDGET_ROW = "全年预算数"
EXECUTED_ROW = "全年执行数"
SPENT_SUFFIX = "累计支出"          # '6月底累计支出' → Project.spent['6月底']
_SPENT_RE = re.compile(r"^(\d{1,2})月底累计支出$")

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
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" export is tab-separated; accept it when the header says so.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
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
        ws = pick_sheet(wb, file=str(p), is_header=_is_actuals_header, scan_rows=_HEADER_SCAN_ROWS,
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


_HEADER_SCAN_ROWS = 20


def _is_actuals_header(cells: list[str]) -> bool:
    names = {_ALIASES.get(_header_key(c)) for c in cells if c}
    return {"level3", "actual"} <= names


def _table_from_grid(grid: list[tuple[int, list[str]]], *, file: str, encoding: str | None) -> ActualsTable:
    # The header is the first row naming both 三级指标 and 实际完成值; rows above it
    # (a title, a unit note) are skipped. Only the first 20 rows are searched.
    header_at = None
    for i, (_, cells) in enumerate(grid[:_HEADER_SCAN_ROWS]):
        if _is_actuals_header(cells):
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


def _key(text: str) -> str:
    """Join key of a name: NFKC (full-width → half-width) without any whitespace."""
    if text.isascii():  # NFKC leaves ASCII alone: the common case of project codes
        return "".join(text.split())
    return _key_cached(text)


@functools.lru_cache(maxsize=65_536)
def _key_cached(text: str) -> str:
    # Indicator names repeat across projects, so most keys come from the cache.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class _Group:
    """Something a row can name: a project, or one part of the department goals."""

    code: str
    name: str
    indicators: list[Indicator]
    project: object | None  # model.Project for projects, None for the department
    _index: dict[str, list[Indicator]] | None = None

    def by_level3(self) -> dict[str, list[Indicator]]:
        """Indicators by level3 key, built on first use (most groups of a big file
        are named by few rows, all of them by some)."""
        if self._index is None:
            self._index = {}
            for ind in self.indicators:
                self._index.setdefault(_key(ind.level3), []).append(ind)
        return self._index


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
    money_unit = sheet_money_unit(out)
    groups = [_Group(p.code, p.name, p.indicators, p) for p in out.projects]
    groups += [_Group(code, name, inds, None) for code, name, inds in department_groups(out)]
    by_code: dict[str, list[_Group]] = {}
    for g in groups:
        by_code.setdefault(_key(g.code), []).append(g)
    by_name: dict[str, list[_Group]] = {}
    for g in groups:
        by_name.setdefault(_key(g.name), []).append(g)

    problems: list[str] = []
    rows_of: dict[tuple[int, str], list[int]] = {}   # (group, level3 key) → rows so far

    def problem(row: ActualsRow, column: str, value: str | None, message: str) -> None:
        loc = Location(file=table.file, row=row.row, column=table.header(column), value=value)
        problems.append(f"{loc}：{message}")

    for row in table.rows:
        group = _find_group(row, by_code, by_name, problem)
        if group is None:
            continue
        if row.level3 is None:
            problem(row, "level3", None, "三级指标为空，无法对应到指标")
            continue
        key = _key(row.level3)
        fund = _fund_field(key)  # reserved names win over an indicator of the same name
        if fund is not None and group.project is None:
            problem(row, "level3", row.level3, "部门整体绩效目标没有资金行，保留名称只能用于项目")
            continue
        if fund is None and key not in group.by_level3():
            problem(row, "level3", row.level3,
                    f"项目「{group.name}」（{group.code}）中没有这个三级指标")
            continue
        # A name printed twice in one project's table takes rows in table order (the
        # template writes them so); a row beyond the last of them is a duplicate.
        slots = [None] if fund is not None else group.by_level3()[key]
        earlier = rows_of.setdefault((id(group), key), [])
        if len(earlier) >= len(slots):
            shown = "、".join(f"第{r}行" for r in earlier)
            problem(row, "level3", row.level3,
                    f"与{shown}重复：项目「{group.name}」的这一项只能填写{len(slots)}行")
            continue
        occurrence = len(earlier)
        earlier.append(row.row)
        if fund is not None:
            _fill_fund(group.project, fund, row, money_unit, problem)
        else:
            _fill_indicator(slots[occurrence], row, problem)

    if problems:
        raise DataError(
            f"实际完成值表有{len(problems)}处问题，未能对应到绩效目标",
            location=Location(file=table.file),
            problems=problems,
            hint="按上面列出的行号逐一修改后重试；可用 perfscore template 重新生成带全部指标的模板。",
        )
    return out


def _find_group(row, by_code, by_name, problem) -> _Group | None:
    """The project (or department part) a row names: by code, else by unique name.
    A code that several projects share (several units in one file) needs the name too."""
    code = _key(row.project_code) if row.project_code else ""
    name = _key(row.project_name) if row.project_name else ""
    if code and code in by_code:
        matches = by_code[code]
        if len(matches) == 1:
            return matches[0]
        named = [g for g in matches if _key(g.name) == name]
        if len(named) == 1:
            return named[0]
        problem(row, "project_code", row.project_code,
                f"有{len(matches)}个项目使用这个项目编码，项目名称"
                + (f"「{row.project_name}」也无法区分" if name else "为空，无法区分"))
        return None
    if name:
        matches = by_name.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            problem(row, "project_name", row.project_name,
                    f"有{len(matches)}个项目同名，请填写项目编码")
            return None
    if not code and not name:
        problem(row, "project_code", None, "项目编码和项目名称都为空，无法对应到项目")
    elif code:
        hint = f"，项目名称「{row.project_name}」也找不到" if name else ""
        mangled = excel_mangled_code(row.project_code, [g.code for groups in by_code.values() for g in groups])
        problem(row, "project_code", row.project_code, f"绩效目标中没有这个项目编码{hint}{mangled}")
    else:
        problem(row, "project_name", row.project_name, "绩效目标中没有这个项目名称")
    return None


def _fund_field(key: str) -> str | None:
    """'budget', 'executed' or the checkpoint ('6月底') for a reserved name; else None."""
    if key == BUDGET_ROW:
        return "budget"
    if key == EXECUTED_ROW:
        return "executed"
    m = _SPENT_RE.match(key)
    if m:
        return f"{int(m.group(1))}月底"
    return None


def _fill_indicator(ind: Indicator, row: ActualsRow, problem) -> None:
    ind.actual = row.actual
    ind.reason = row.reason
    ind.evidence = row.evidence
    ind.score = None
    if row.score is not None:
        score = _read_score(row.score)
        if score is None:
            problem(row, "score", row.score, "得分不是数字（只填数字，如 9.5）")
        else:
            ind.score = score


def _fill_fund(project, fund: str, row: ActualsRow, money_unit: str, problem) -> None:
    if fund.endswith("月底") and not 1 <= int(fund[:-2]) <= 12:
        problem(row, "level3", row.level3, "累计支出的月份应在1到12之间")
        return
    amount = None
    if row.actual is not None:
        try:
            amount = parse_money(row.actual, money_unit)
        except ValueError as exc:
            problem(row, "actual", row.actual, str(exc))
            return
    if fund == "budget":
        project.budget_full_year = amount
    elif fund == "executed":
        project.executed = amount
        # The 偏差原因 of the execution row explains an execution rate below 90 %.
        project.exec_reason = row.reason
    elif amount is None:
        project.spent.pop(fund, None)
    else:
        project.spent[fund] = amount


_MONEY_RE = re.compile(r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>元|千元|万元|万|亿元)?$")


def sheet_money_unit(targets: Targets) -> str:
    """The unit of bare fund figures in the sheet: the targets' 金额单位 when perfscore
    can convert it, else 万元 (what the tables print). The template states it."""
    unit = targets.unit.money_unit
    return unit if unit in MONEY_FACTORS and unit != "万" else "万元"


def parse_money(text: str, money_unit: str = "万元") -> float:
    """A fund figure in 元. A bare number is in ``money_unit`` (the targets' 金额单位).

    Accepts thousands separators (1,234.5), full-width digits and a 元 / 万元 / 万 /
    亿元 suffix. Raises ValueError with a Chinese reason otherwise (never guesses).
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = _MONEY_RE.match(s)
    if not m:
        if s.startswith("-"):
            raise ValueError("金额不能为负数")
        if s.endswith("%"):
            raise ValueError("这里应填金额，不是百分比")
        raise ValueError(f"不是可读的金额（只填数字时按{money_unit}计，也可写「元」或「万元」）")
    factor = MONEY_FACTORS.get(m.group("unit") or money_unit)
    if factor is None:
        raise ValueError(f"金额单位「{money_unit}」无法换算，请在数字后写明「元」或「万元」")
    try:
        amount = Decimal(m.group("num").replace(",", "")) * factor
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError("不是可读的金额") from None
    return float(amount)


_SCORE_RE = re.compile(r"^(\d+(?:\.\d+)?)分?$")


def _read_score(text: str) -> str | None:
    """An explicit 得分 as a plain number string ('9.5分' → '9.5'); None if unreadable."""
    m = _SCORE_RE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return m.group(1) if m else None
