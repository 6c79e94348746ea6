"""Long tables (.csv / .xlsx): one row per indicator → :class:`perfscore.model.Targets`.

The shape budget systems export and finance offices keep: every row carries its
project's code and name (or leaves them blank under the row above, as merged cells do),
the three indicator levels and the target. Several units and projects may share one
file. Headers are Chinese or English (see :data:`HEADERS`); the header row may sit
below a few title rows. Optional columns fill the optional fields, so that one file can
also be a complete self-evaluation input (实际完成值, 得分, 偏差原因…, 佐证材料,
全年预算数, 全年执行数).

Reading rules (docs/extract.md has the worked examples):

- blank 单位/项目 cells continue the row above (merged cells, continuation rows); a blank
  一级 continues the one above within the project, and a blank 二级 does the same when
  its 一级 was blank too; in .xlsx every merged range is filled with its top-left value;
- project-level columns (项目名称, 预算数 …) may be filled on one row of the project or on
  all of them, but never with two different values;
- budget-system split targets: 指标性质 (=, ≥, ≤, 正向 → ≥, 反向 → ≤, 定性 → none) + 指标值 +
  度量单位 are joined into one printed target (``≥`` + ``95`` + ``%`` → ``≥95%``);
- block weights printed in the 一级 cell (``产出指标(50分)``) → level1 产出指标, block_weight 50;
- amounts are in the money unit printed in the header (``预算数（万元）``), else that of a
  金额单位 column, else 万元 (as the 绩效目标表 prints), and are stored in 元.

Speed: a million rows are read with column operations (pandas); the model objects are
made without per-row validation (``construct_unchecked``, a leaner ``model_construct``)
after the columns have been validated as columns. A caller that only scores (the batch)
takes the indicators as columns (:func:`read_columns`) and makes no object per row;
:func:`attach_indicators` makes the objects from those columns when they are wanted.
"""

from __future__ import annotations

import csv
import datetime as _dt
import gc
import hashlib
import io
import re
import zipfile
from decimal import Decimal

import numpy as np
import pandas as pd

from perfscore.errors import DataError, FormatError, Location
from perfscore.frame import INDICATOR_FIELDS, IndicatorColumns
from perfscore.io import decode_bytes
from perfscore.model import Finding, Funds, Indicator, Project, Targets, Unit
from perfscore.readers.common import (
    EMPTY_MARKS,
    MONEY_FACTORS,
    TEXT_COLUMN_HINT,
    construct_unchecked,
    derived_project_code,
    is_scientific,
    is_total_label,
    norm_label,
    split_block_weight,
    split_lines,
    total_row_error,
)
from perfscore.readers.framework import level1_of
from perfscore.readers.sheets import corrupt, pick_sheet, sheet_rows
from perfscore.safety import check_office_bytes

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
    "执行率": "exec_rate", "预算执行率": "exec_rate", "exec_rate": "exec_rate",
}
# The name a user knows each field by, for messages.
LABELS = {
    "unit_code": "单位编码", "unit_name": "单位名称", "project_code": "项目编码",
    "project_name": "项目名称", "level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
    "target": "年度指标值", "value": "指标值", "nature": "指标性质", "measure_unit": "度量单位",
    "weight": "分值", "description": "绩效指标描述", "basis": "指标值确定依据", "budget": "预算数",
    "fiscal": "财政资金", "other": "其他资金", "budget_full_year": "全年预算数",
    "executed": "全年执行数", "use": "资金用途", "goals": "绩效目标", "actual": "实际完成值",
    "score": "得分", "reason": "偏差原因分析及改进措施", "evidence": "佐证材料", "year": "年度",
    "money_unit": "金额单位", "exec_rate": "执行率",
}
_AMOUNTS = ("budget", "fiscal", "other", "budget_full_year", "executed")
_PROJECT_FIELDS = ("project_name", "unit_name", "use", "goals", "year", "money_unit", "exec_rate") + _AMOUNTS
_OPTIONAL_TEXT = ("description", "basis", "actual", "score", "reason", "evidence")
# 指标性质 → the operator printed before the value.
_NATURE_OPS = {
    "=": "=", "等于": "=", "≥": "≥", ">=": "≥", "大于等于": "≥", "≤": "≤", "<=": "≤",
    "小于等于": "≤", ">": ">", "大于": ">", "<": "<", "小于": "<",
    "正向": "≥", "反向": "≤", "定性": "", "定量": "", "": "",
}
_OPS = ("≥", "≤", "=", ">", "<", "≧", "≦", "＞", "＜", "＝")
_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)\((?P<unit>元|千元|万元|百万元|亿元)\)$")
_HEADER_SCAN_ROWS = 30
_MAX_LISTED = 20


def header_key(text: object) -> tuple[str | None, str | None]:
    """A header cell → (field, money unit printed in it): ``预算数（万元）`` → ("budget", "万元")."""
    n = norm_label(str(text)).lower()
    unit = None
    m = _UNIT_SUFFIX.match(n)
    if m:
        n, unit = m.group("name"), m.group("unit")
    return HEADERS.get(n), unit


def _is_header_row(cells: list) -> bool:
    keys = {header_key(c)[0] for c in cells if c is not None and str(c).strip()}
    # Most published self-evaluation tables print no 项目编码: the 项目名称 names the project.
    return bool(keys & {"project_code", "project_name"}) and "level3" in keys


# How a CSV long table is parsed (the chunked reader of a batch reads with the same
# options, so a block holds the strings this reader holds for the same rows): every
# cell a str, blanks as "", blank lines kept (their row numbers count).
CSV_OPTIONS = dict(dtype=object, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")


def looks_like_long_table(text: str) -> bool:
    """True when one of the first lines is a long-table header row (comma, tab or ; separated)."""
    return find_header(text) is not None


def find_header(head: str) -> tuple[int, str] | None:
    """(0-based line of the header row, delimiter) among the first lines of a CSV's text."""
    for n, line in enumerate(head.splitlines()[:_HEADER_SCAN_ROWS]):
        for delimiter in (",", "\t", ";"):
            if delimiter in line:
                cells = next(csv.reader([line], delimiter=delimiter), [])
                if _is_header_row(cells):
                    return n, delimiter
    return None


# --- loading a grid into a DataFrame of strings ---------------------------------------


def _load_csv(data: bytes, file: str) -> tuple[pd.DataFrame, int, str]:
    """(frame of str, 1-based file row of the header, where-label)."""
    text, encoding = decode_bytes(data, file=file)  # validates the whole file's encoding
    head = "\n".join(text[:1 << 20].splitlines()[:_HEADER_SCAN_ROWS])
    del text
    found = find_header(head)
    if found is None:
        raise _not_a_long_table(file, head.splitlines()[:1])
    line, delimiter = found
    try:
        # From bytes, not from a StringIO of the text: pandas reads a large StringIO
        # ~20× slower (measured on a million rows).
        frame = pd.read_csv(io.BytesIO(data), encoding=encoding, sep=delimiter, skiprows=line, header=0,
                            **CSV_OPTIONS)
    except pd.errors.ParserError as exc:
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:  # an unpaired quote runs to the end of the file
            raise DataError(
                "CSV 中从这一行开始的引号（\"）没有配对，直到文件末尾都没有结束",
                location=Location(file=file, row=line + int(quote.group(1)) + 1),
                hint="请检查该行的引号；在 Excel 中打开并重新另存为 CSV 通常可以修正。",
            ) from None
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = Location(file=file, row=line + int(m.group(1)) if m else None)
        raise DataError(
            "CSV 的某一行列数与表头不一致" + (f"（有 {m.group(2)} 列）" if m else ""),
            location=where,
            hint="请检查该行是否多了逗号或缺少引号；在 Excel 中打开并重新另存为 CSV 通常可以修正。",
        ) from None
    frame.columns = _unique_headers([str(c) for c in frame.columns])
    return frame, line + 1, file


def _cell_to_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not np.isfinite(value):
            return str(value)
        if number_format and "%" in number_format:
            # As Excel shows it: 0.07 → 7%, computed on the decimal text (0.07 * 100 ≠ 7 in floats).
            return f"{(Decimal(repr(value)) * 100).normalize():f}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _load_xlsx(data: bytes, file: str) -> tuple[pd.DataFrame, int, str]:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries


    check_office_bytes(data, file=file, kind="xlsx")  # type sniffing, zip bomb, XML declarations
    archive = zipfile.ZipFile(io.BytesIO(data))  # checked above
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise corrupt(file, exc=exc) from None
    try:
        # Hidden sheets are skipped; two visible long-table sheets are refused (readers/sheets.py).
        sheet = pick_sheet(workbook, file=file, is_header=_is_header_row, scan_rows=_HEADER_SCAN_ROWS,
                           what="绩效目标长表", cell_text=lambda c: _cell_to_text(c.value, None))
        if sheet is not None:
            grid = [
                [_cell_to_text(c.value, getattr(c, "number_format", None)) for c in row]
                for row in sheet_rows(sheet, file=file)
            ]
            header_at = next(
                (i for i, row in enumerate(grid[:_HEADER_SCAN_ROWS]) if _is_header_row(row)), None
            )
            if header_at is None:  # the sheet changed between the two reads: cannot happen
                raise _not_a_long_table(file, [])
            # Fill every merged range with its top-left value (read-only mode does not).
            xml = archive.read(sheet._worksheet_path)
            for m in re.finditer(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml):
                c0, r0, c1, r1 = range_boundaries(m.group(1).decode())
                top = grid[r0 - 1][c0 - 1] if r0 - 1 < len(grid) and c0 - 1 < len(grid[r0 - 1]) else ""
                for r in range(r0 - 1, min(r1, len(grid))):
                    row = grid[r]
                    if len(row) < c1:
                        row.extend([""] * (c1 - len(row)))
                    for c in range(c0 - 1, c1):
                        row[c] = top
            header = grid[header_at]
            width = len(header)
            body = [(r + [""] * (width - len(r)))[:width] for r in grid[header_at + 1:]]
            frame = pd.DataFrame(body, columns=_unique_headers(header), dtype=str)
            return frame, header_at + 1, f"{file} 工作表「{sheet.title}」"
    finally:
        workbook.close()
    raise _not_a_long_table(file, [])


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        h = h or "（空表头）"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h}.{seen[h] - 1}")
    return out


def _not_a_long_table(file: str, first: list[str]) -> FormatError:
    shown = f"（第一行为「{first[0][:60]}」）" if first else ""
    return FormatError(
        "不是绩效目标长表：前30行中没有同时含“项目编码”和“三级指标”的表头行" + shown,
        location=Location(file=file),
        hint="长表每行一个指标，至少需要列：项目编码、一级指标、三级指标、年度指标值（或 指标值）。"
        "详见 docs/extract.md。",
    )


# --- from the frame to Targets ------------------------------------------------------
#
# Every column is held as integer codes into its distinct (stripped) values: a million
# rows repeat their unit, project, level and target strings a great deal, so each
# distinct value is stripped, parsed or checked once, and the per-row work is numpy.


class _Col:
    """A column as codes into its distinct stripped values; ``""`` is always code 0."""

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: np.ndarray):
        self.codes = codes
        self.uniques = uniques

    @classmethod
    def of(cls, raw: pd.Series) -> "_Col":
        codes, uniques = pd.factorize(raw, sort=False, use_na_sentinel=True)
        stripped = [""] + ["" if u is None else str(u).strip() for u in uniques]
        if stripped[1:] == uniques.tolist():
            # No value changed by stripping (the common case): what the general case below
            # gives, without factorizing the distinct values again. At most one is "".
            recodes = np.arange(len(stripped))
            if "" in stripped[1:]:
                j = stripped.index("", 1)
                recodes[j] = 0
                recodes[j + 1:] -= 1
                del stripped[j]
            return cls(recodes[codes + 1], np.array(stripped, dtype=object))
        # Values equal after stripping share one code; "" stays first.
        recodes, distinct = pd.factorize(np.array(stripped, dtype=object), sort=False)
        return cls(recodes[codes + 1], np.asarray(distinct, dtype=object))

    @classmethod
    def empty(cls, n: int) -> "_Col":
        return cls(np.zeros(n, dtype=np.int64), np.array([""], dtype=object))

    @property
    def blank(self) -> np.ndarray:
        return self.codes == 0

    def values(self) -> np.ndarray:
        return self.uniques[self.codes]

    def take(self, rows: np.ndarray) -> "_Col":
        return _Col(self.codes[rows], self.uniques)

    def mapped(self, fn) -> np.ndarray:
        """``fn`` applied once per distinct value, spread over the rows."""
        out = np.empty(len(self.uniques), dtype=object)
        for i, u in enumerate(self.uniques):
            out[i] = fn(u)  # element-wise: fn may return tuples, which numpy must not unpack
        return out[self.codes]

    def ffill(self, blank: np.ndarray, groups: np.ndarray | None = None, order: np.ndarray | None = None) -> "_Col":
        """Blank rows take the code of the nearest row above (within the same group).
        ``order``: ``np.argsort(groups, kind="stable")`` when the caller has it already."""
        n = len(self.codes)
        if groups is None:
            idx = np.where(~blank, np.arange(n), 0)
            return _Col(self.codes[np.maximum.accumulate(idx)], self.uniques)
        if order is None:
            order = np.argsort(groups, kind="stable")
        g = groups[order]
        start = np.ones(n, dtype=bool)
        start[1:] = g[1:] != g[:-1]
        idx = np.where(~blank[order] | start, np.arange(n), 0)
        filled = self.codes[order][np.maximum.accumulate(idx)]
        out = np.empty_like(self.codes)
        out[order] = filled
        return _Col(out, self.uniques)


class _Problems:
    """Every offending row, collected first and raised as one DataError."""

    def __init__(self, where: str, header_row: int, row_numbers: np.ndarray, fields: dict[str, str]):
        self.where = where
        self.header_row = header_row
        self.row_numbers = row_numbers  # data row index → index in the frame (blank rows dropped)
        self.fields = fields
        self.items: list[str] = []
        self.total = 0

    def rows(self, mask: np.ndarray, field: str, values: np.ndarray, message: str) -> None:
        idx = np.flatnonzero(mask)
        self.total += len(idx)
        for i in idx[: max(0, _MAX_LISTED - len(self.items))]:
            row = self.header_row + 1 + int(self.row_numbers[i])
            self.items.append(f"第{row}行，列「{self.fields.get(field, LABELS[field])}」，值「{values[i]}」：{message}")

    def add(self, text: str) -> None:
        self.total += 1
        if len(self.items) < _MAX_LISTED:
            self.items.append(text)

    def raise_if_any(self) -> None:
        if not self.total:
            return
        more = [f"……共 {self.total} 处问题，仅列出前 {_MAX_LISTED} 处"] if self.total > len(self.items) else []
        raise DataError(
            f"长表中有 {self.total} 处数据错误",
            location=Location(file=self.where),
            problems=self.items + more,
            hint="请按行号修正后重试（行号即在 Excel 中看到的行号，表头所在行也计算在内）。",
        )


def _columns(frame: pd.DataFrame, where: str, *, derive_codes: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """field → column name, and field → money unit printed in the header.

    ``derive_codes``: a table with 项目名称 but no 项目编码 column is accepted (the reader
    derives the codes, :func:`read_columns`); the batch, which reads in chunks, needs codes."""
    fields: dict[str, str] = {}
    units: dict[str, str] = {}
    for col in frame.columns:
        key, unit = header_key(col)
        if key is None:
            # The same header written twice comes back renamed 'X.1': never drop its column silently.
            twice = re.fullmatch(r"(.+)\.\d+", str(col))
            if twice and header_key(twice.group(1))[0] is not None:
                raise DataError(f"表头中「{twice.group(1)}」出现了两次", location=Location(file=where, column=twice.group(1)),
                                hint="请删除或改名其中一列。")
            continue
        if key in fields:
            raise DataError(
                f"表头中“{LABELS[key]}”出现了两次（「{fields[key]}」和「{col}」）",
                location=Location(file=where, column=str(col)),
                hint="请删除或改名其中一列。",
            )
        fields[key] = col
        if unit:
            units[key] = unit
    needed = ("level1", "level3") if derive_codes and "project_name" in fields else ("project_code", "level1", "level3")
    missing = [k for k in needed if k not in fields]
    if "target" not in fields and "value" not in fields:
        missing.append("target")
    if missing:
        raise DataError(
            "长表缺少必需的列：" + "、".join(LABELS[k] for k in missing),
            location=Location(file=where),
            hint="长表至少需要：项目编码、一级指标、三级指标、年度指标值（或 指标值）。",
        )
    return fields, units


_AMOUNT_UNIT = re.compile(r"^(?P<n>.*?)(?P<u>元|千元|万元|万|百万元|亿元)$")


def _parse_amount(text: str) -> tuple[Decimal | None | bool, str | None]:
    """(Decimal, None for empty, False for not a number; the money unit written in the cell).

    ``86.5万元`` → (86.5, 万元), ``1,234.50元`` → (1234.50, 元), ``12.3万`` → (12.3, 万), ``86.5`` → (86.5, None)."""
    cleaned = norm_label(text).replace(",", "")
    unit = None
    m = _AMOUNT_UNIT.match(cleaned)
    if m and m.group("n"):
        cleaned, unit = m.group("n"), m.group("u")
    if cleaned in EMPTY_MARKS:
        return None, None
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        return False, None
    return (value if value.is_finite() else False), unit


def _parse_rate(text: str) -> Decimal | None | bool:
    """执行率 ``98.5%`` / ``98.5`` / ``0.985`` → 0.985; None for empty, False for not a rate."""
    cleaned = norm_label(text).replace(",", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%")
    if cleaned in EMPTY_MARKS:
        return None
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        return False
    if not value.is_finite() or value < 0:
        return False
    # Without %, a number above 1.5 is a percentage (98.5), at most 1.5 a fraction (0.985, 1.02).
    return value / 100 if percent or value > Decimal("1.5") else value


_TABLE_TOTAL = Decimal(100)  # a self-evaluation table's total: 分值 10% is 10 points of 100


def _parse_weight(text: str) -> float | None | bool:
    """``10``, ``10分``, ``10.00``, ``10%`` (a share of the table's 100 points) → 10.0."""
    cleaned = norm_label(text).removesuffix("分")
    share = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%")
    if cleaned in EMPTY_MARKS:
        return None
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        return False
    if share:
        value = value * _TABLE_TOTAL / 100
    return float(value) if value.is_finite() and value >= 0 else False


def _year_of(text: str) -> int | None:
    m = re.fullmatch(r"((?:19|20)\d{2})(?:年度?)?", norm_label(text))
    return int(m.group(1)) if m else None


_UNREAD = object()  # not in a cache yet
_KEY_FIELDS = ("unit_code", "unit_name", "project_code", "project_name", "level1", "level2", "level3")


def _refuse_total_rows(col: dict[str, _Col], where: str, header_row: int, row_numbers: np.ndarray,
                       fields: dict[str, str]) -> None:
    """A 合计/小计/总计 row is refused before anything else: read on, it would become an
    indicator (三级 合计 with the sum as its 分值) or a project named 合计."""
    found: dict[int, tuple[int, str, str]] = {}
    for key in _KEY_FIELDS:
        if key not in col:
            continue
        c = col[key]
        hits = np.flatnonzero(c.mapped(is_total_label).astype(bool))
        values = c.uniques[c.codes[hits]]
        for i, v in zip(hits.tolist(), values.tolist()):
            found.setdefault(i, (header_row + 1 + int(row_numbers[i]), fields[key], v))
    if found:
        raise total_row_error(where, [found[i] for i in sorted(found)][:_MAX_LISTED])


def _targets(frame: pd.DataFrame, fields: dict[str, str], units: dict[str, str], where: str,
             header_row: int, year: int | None, document: str | None = None) -> Targets:
    """The rows of ``frame`` as Targets, an Indicator object per row."""
    targets, columns = read_columns(frame, fields, units, where, header_row, year, document)
    attach_indicators(targets.projects, columns)
    return targets


def attach_indicators(projects: list[Project], columns: IndicatorColumns) -> None:
    """Give ``projects`` (which hold none yet) their Indicator objects made from ``columns``."""
    make = construct_unchecked
    names = INDICATOR_FIELDS
    indicators = [make(Indicator, dict(zip(names, r))) for r in columns.rows()]
    at = columns.offsets.tolist()
    for p, a, b in zip(projects, at, at[1:]):
        # Straight into the model's __dict__, as the reader fills every field (no validation
        # to run; pydantic's __setattr__ would only add bookkeeping).
        p.__dict__["indicators"] = indicators[a:b]


def read_columns(frame: pd.DataFrame, fields: dict[str, str], units: dict[str, str], where: str,
                 header_row: int, year: int | None, document: str | None = None) -> tuple[Targets, IndicatorColumns]:
    """The rows of ``frame`` as Targets whose projects hold no Indicator objects yet, and
    their indicators as columns (what :func:`attach_indicators` makes the objects from).

    Every check of the table is made here, so the two ways of reading raise the same errors.
    ``document``: the file's identity (SHA-256) for codes derived when 项目编码 is not printed."""
    col = {k: _Col.of(frame[c]) for k, c in fields.items()}
    n = len(frame)

    # Rows that are entirely empty (spacing rows, a sheet's trailing rows) are not data.
    empty = np.ones(n, dtype=bool)
    for c in col.values():
        empty &= c.blank
    row_numbers = np.flatnonzero(~empty)
    if len(row_numbers) < n:
        col = {k: c.take(row_numbers) for k, c in col.items()}
        n = len(row_numbers)
    if n == 0:
        raise DataError("长表没有数据行（只有表头）", location=Location(file=where),
                        hint="请在表头下方逐行填写指标。")
    _refuse_total_rows(col, where, header_row, row_numbers, fields)
    problems = _Problems(where, header_row, row_numbers, fields)
    for key in ("unit_code", "unit_name", "value", "target", "level2", "description", "basis",
                "actual", "score", "reason", "evidence", "nature", "measure_unit", "weight"):
        col.setdefault(key, _Col.empty(n))

    # Keys: a blank cell continues the row above (merged cells, continuation rows).
    for key in ("unit_code", "unit_name", "project_code", "project_name"):
        if key in col:
            col[key] = col[key].ffill(col[key].blank)
    findings: list[Finding] = []
    col, row_numbers, n = _drop_empty_slots(col, row_numbers, fields, where, header_row, findings)
    problems.row_numbers = row_numbers
    if "project_code" not in fields:
        col["project_code"] = _derived_codes(col["project_name"], document or where)
    code = col["project_code"]
    problems.rows(code.blank, "project_code", code.values(), "项目编码为空（且上方没有可沿用的项目编码）")
    for key in ("project_code", "unit_code"):  # Excel showed a long code as 1.30208E+20: its digits are lost
        if key in fields:
            problems.rows(col[key].mapped(is_scientific).astype(bool), key, col[key].values(),
                          f"Excel 把编码当成了数字，显示为科学计数法，后面的位数已经丢失；请{TEXT_COLUMN_HINT}")
    # A row repeating the header (two exports pasted one under the other) is not an indicator.
    # (三级 first: it has far fewer distinct values than 项目编码, and rarely reads as a header.)
    again = col["level3"].mapped(lambda v: header_key(v)[0] == "level3").astype(bool)
    if again.any():
        again &= code.mapped(lambda v: header_key(v.lstrip("\ufeff"))[0] == "project_code").astype(bool)
        problems.rows(again, "project_code", code.values(), "这一行重复了表头（可能是两个表格上下拼接在一起），请删除这一行")
    # A project is (单位编码, 项目编码); numbered 0, 1, … in order of first appearance.
    pair = col["unit_code"].codes * (len(code.uniques) + 1) + code.codes
    pcodes, pfirst = pd.factorize(pair, sort=False)
    n_projects = len(pfirst)
    first_row = np.full(n_projects, n, dtype=np.int64)
    np.minimum.at(first_row, pcodes, np.arange(n))

    # 一级 continues within the project; 二级 too, when its 一级 cell was blank as well.
    blank1 = col["level1"].blank
    order = np.argsort(pcodes, kind="stable")  # the rows project after project, in table order
    col["level2"] = col["level2"].ffill(col["level2"].blank & blank1, pcodes, order)
    inferred1 = _level1_from_framework(col, blank1, pcodes, order)
    col["level1"] = col["level1"].ffill(blank1 & ~inferred1, pcodes, order)
    problems.rows(col["level1"].blank, "level1", col["level1"].values(),
                  "一级指标为空（且同一项目上方没有可沿用的一级指标）")
    problems.rows(col["level3"].blank, "level3", col["level3"].values(), "三级指标为空")

    target = _compose_target(col, problems)
    # 分值 and the 一级 block weight: read once per distinct cell, floats with NaN for none.
    weights = [_parse_weight(u) for u in col["weight"].uniques]
    problems.rows(np.array([w is False for w in weights])[col["weight"].codes], "weight", col["weight"].values(),
                  "分值不是非负数字")
    weight = np.array([np.nan if w is None or w is False else w for w in weights], dtype=float)[col["weight"].codes]
    splits = [split_block_weight(u) for u in col["level1"].uniques]
    level1 = np.array([s[0] for s in splits], dtype=object)[col["level1"].codes]
    block_weight = np.array([np.nan if s[1] is None else s[1] for s in splits], dtype=float)[col["level1"].codes]

    # Project-level columns: one value per project (on one row or on all), never two.
    per_project: dict[str, list[str]] = {}
    for key in _PROJECT_FIELDS:
        if key not in fields:
            continue
        c = col[key]
        present = ~c.blank
        # Sorted distinct (project, value) pairs (np.unique's result; hashing first is faster).
        distinct = np.sort(pd.unique(pcodes[present].astype(np.int64) * len(c.uniques) + c.codes[present]))
        owners = distinct // len(c.uniques)
        for p in np.unique(owners[1:][owners[1:] == owners[:-1]]):  # owners of 2+ values
            shown = "、".join(f"「{c.uniques[v % len(c.uniques)]}」" for v in distinct[owners == p][:5])
            problems.add(f"项目 {code.uniques[code.codes[first_row[p]]]} 的列「{fields[key]}」有不同的值：{shown}")
        chosen = np.zeros(n_projects, dtype=np.int64)
        chosen[owners] = distinct % len(c.uniques)
        per_project[key] = c.uniques[chosen].tolist()

    rates: list[Decimal | None] = [None] * n_projects
    if "exec_rate" in per_project:
        for p, text in enumerate(per_project["exec_rate"]):
            rate = _parse_rate(text)
            if rate is False:
                problems.add(f"项目 {code.uniques[code.codes[first_row[p]]]} 的列「{fields['exec_rate']}」"
                             f"值「{text}」不是执行率（如 98.5%）")
                rate = None
            rates[p] = rate
    # Amounts → 元, in the cell's money unit, else the header's, else the 金额单位 column's, else 万元.
    # dict.fromkeys, not set: the problems are listed in table order, whatever the hash seed
    money_of = {m: norm_label(m) or "万元" for m in dict.fromkeys(per_project.get("money_unit", ["万元"]))}
    money = [money_of[m] for m in per_project.get("money_unit", ["万元"] * n_projects)]
    for m in dict.fromkeys(money):
        if m not in MONEY_FACTORS:
            problems.add(f"列「{fields['money_unit']}」的值「{m}」不是金额单位（元、万元、亿元）")
    amounts: dict[str, list[float | None]] = {}
    for key in _AMOUNTS:
        if key not in per_project:
            amounts[key] = [None] * n_projects
            continue
        out: list[float | None] = []
        in_yuan: dict[tuple[str, str], float | None | bool] = {}  # each distinct (text, unit) read once
        for p, text in enumerate(per_project[key]):
            unit = units.get(key) or money[p]
            amount = in_yuan.get((text, unit), _UNREAD)
            if amount is _UNREAD:
                value, written = _parse_amount(text)
                factor = MONEY_FACTORS.get(written or unit, MONEY_FACTORS["万元"])
                amount = in_yuan[(text, unit)] = (
                    value if value is None or value is False else float(round(value * factor, 2)))
            if amount is False:
                problems.add(f"项目 {code.uniques[code.codes[first_row[p]]]} 的列「{fields[key]}」"
                             f"值「{text}」不是数字金额")
                amount = None
            out.append(amount)
        amounts[key] = out
    if "year" in fields and year is None:
        years = {y: _year_of(y) for y in dict.fromkeys(per_project["year"]) if y}
        for text, y in years.items():
            if y is None:
                problems.add(f"列「{fields['year']}」的值「{text}」不是年份")
        found = sorted({y for y in years.values() if y})
        if len(found) > 1:
            problems.add(f"列「{fields['year']}」中有多个年度（{'、'.join(map(str, found))}）；一个文件只能是一个预算年度")
        elif found:
            year = found[0]
    problems.raise_if_any()

    _executed_from_rate(amounts, rates, per_project, code, first_row, fields, findings)
    where_rows = header_row + 1 + row_numbers
    if "project_code" not in fields:
        for p in range(n_projects):
            pc = code.uniques[code.codes[first_row[p]]]
            findings.append(Finding(
                check="project-code-derived", severity="info", project_code=pc,
                message=f"表中没有项目编码：项目「{per_project['project_name'][p]}」使用由文件内容和项目名称生成的编码 {pc}"
                        "（NC 开头表示编码是 perfscore 生成的）；有项目编码时请在表中加一列“项目编码”。",
                source=f"{where}:{int(where_rows[first_row[p]])}"))

    # The indicators as columns, project after project (table order within each).
    sizes = np.bincount(pcodes, minlength=n_projects)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    # Indicator ids: '<project code>-<nn>', numbered in table order within the project.
    within = np.arange(n) - np.repeat(starts, sizes) + 1
    suffix = np.array([f"-{o:02d}" for o in range(int(within.max(initial=0)) + 1)], dtype=object)
    ids = code.values()[order] + suffix[within]  # object arrays: str + str per element
    if inferred1.any():
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        level1_now = level1
        for i in np.flatnonzero(inferred1).tolist():
            findings.append(Finding(
                check="level1-inferred", severity="info",
                project_code=str(code.uniques[code.codes[i]]), indicator_id=str(ids[position[i]]),
                message=f"一级指标未填写：按全国指标体系由二级指标「{col['level2'].uniques[col['level2'].codes[i]]}」"
                        f"归入「{level1_now[i]}」；如不对，请在表中填写一级指标。",
                source=f"{where}:{int(where_rows[i])}:{fields['level1']}"))

    def ordered(key: str) -> np.ndarray:
        c = col[key]
        return c.uniques[c.codes[order]]

    def optional(key: str) -> np.ndarray:
        codes = col[key].codes[order]
        return np.where(codes == 0, None, col[key].uniques[codes])  # "" is code 0: a blank cell is None

    columns = IndicatorColumns(sizes.astype(np.int64), {
        "id": ids,
        "level1": level1[order],
        "level2": ordered("level2"),
        "level3": ordered("level3"),
        "description": ordered("description"),
        "target": target[order],
        "basis": ordered("basis"),
        "weight": weight[order],
        "block_weight": block_weight[order],
        "actual": optional("actual"),
        "score": optional("score"),
        "reason": optional("reason"),
        "evidence": optional("evidence"),
    })

    make = construct_unchecked
    static, factories = _defaults(Project, _FILLED_PROJECT_FIELDS)
    empty_text = [""] * n_projects
    unit_codes = col["unit_code"].uniques[col["unit_code"].codes[first_row]].tolist()
    unit_names = per_project.get("unit_name", empty_text)
    names_ = per_project.get("project_name", empty_text)
    uses = per_project.get("use", empty_text)
    goals = per_project.get("goals", empty_text)
    projects: list[Project] = []
    for p in range(n_projects):
        funds = make(Funds, {"total": amounts["budget"][p], "fiscal": amounts["fiscal"][p],
                             "other": amounts["other"][p]})
        values = {
            "code": code.uniques[code.codes[first_row[p]]],
            "name": names_[p],
            "unit_code": unit_codes[p] or None,
            "unit_name": unit_names[p] or None,
            "funds": funds,
            "use": uses[p],
            "spending_plan": {},
            "goals": split_lines(goals[p]) if goals[p] else [],
            "indicators": [],  # see attach_indicators
            "budget_full_year": amounts["budget_full_year"][p],
            "executed": amounts["executed"][p],
            "spent": {},
            **static,
        }
        for name, factory in factories.items():
            values[name] = factory()
        projects.append(make(Project, values))

    distinct_units = list(dict.fromkeys((p.unit_code, p.unit_name) for p in projects))
    u_code, u_name = distinct_units[0] if len(distinct_units) == 1 else (None, None)
    money_unit = units.get("budget") or (money[0] if money else "万元")
    return Targets(year=year, unit=Unit(code=u_code, name=u_name, money_unit=money_unit), projects=projects,
                   findings=findings), columns


# Cells that a printed template row carries even when nothing was filled in.
_SLOT_LABELS = ("unit_code", "unit_name", "project_code", "project_name", "year", "money_unit", "level1", "level2")


def _drop_empty_slots(col: dict[str, _Col], row_numbers: np.ndarray, fields: dict[str, str], where: str,
                      header_row: int, findings: list[Finding]) -> tuple[dict[str, _Col], np.ndarray, int]:
    """A row of the printed template left empty (``经济效益指标`` with no 三级, no target, no
    actual, no 分值, no amount) is no indicator: left out, with a finding naming its row.
    Called after the key cells are filled down, so no project loses its name or code."""
    n = len(row_numbers)
    slot = ~(col["level1"].blank & col["level2"].blank)
    for key, c in col.items():
        if key not in _SLOT_LABELS:
            slot &= c.blank
    if not slot.any():
        return col, row_numbers, n
    for i in np.flatnonzero(slot).tolist():
        label = col["level2"].uniques[col["level2"].codes[i]] or col["level1"].uniques[col["level1"].codes[i]]
        findings.append(Finding(
            check="empty-indicator-row", severity="info",
            message=f"第{header_row + 1 + int(row_numbers[i])}行只有指标类别「{label}」，没有三级指标、指标值和实际完成值，"
                    "是表格中留空的一行，不作为指标读取。",
            source=f"{where}:{header_row + 1 + int(row_numbers[i])}"))
    keep = np.flatnonzero(~slot)
    return {k: c.take(keep) for k, c in col.items()}, row_numbers[keep], len(keep)


def _derived_codes(names: _Col, document: str) -> _Col:
    """项目编码 for a table that prints none: one derived code per project name, numbered
    in order of first appearance (:func:`perfscore.readers.common.derived_project_code`).
    A blank name stays blank (the row is refused as having no project)."""
    derived = [""] + [derived_project_code(str(u), document, i) for i, u in enumerate(names.uniques[1:].tolist())]
    return _Col(names.codes.copy(), np.array(derived, dtype=object))


def _level1_from_framework(col: dict[str, _Col], blank1: np.ndarray, pcodes: np.ndarray,
                           order: np.ndarray) -> np.ndarray:
    """Fill a blank 一级 from its 二级 by the national framework (数量 → 产出指标 …) where
    the framework names it and the merged cell above does not already say the same.

    Returns the rows so filled (each gets a ``level1-inferred`` finding). A blank 一级 under
    the same 一级 above (a merged cell read row by row) is no inference: left to the ffill."""
    level1, level2 = col["level1"], col["level2"]
    framework = level2.mapped(lambda v: level1_of(v) or "")
    wanted = blank1 & (framework != "")
    if not wanted.any():
        return np.zeros(len(blank1), dtype=bool)
    above = level1.ffill(blank1, pcodes, order)
    above_names = np.array([split_block_weight(u)[0] for u in above.uniques], dtype=object)[above.codes]
    inferred = wanted & (above_names != framework)
    if inferred.any():
        uniques = list(level1.uniques)
        index = {u: i for i, u in enumerate(uniques)}
        codes = level1.codes.copy()
        for i in np.flatnonzero(inferred).tolist():
            name = framework[i]
            if name not in index:
                index[name] = len(uniques)
                uniques.append(name)
            codes[i] = index[name]
        col["level1"] = _Col(codes, np.array(uniques, dtype=object))
    return inferred


def _executed_from_rate(amounts: dict[str, list[float | None]], rates: list[Decimal | None],
                        per_project: dict[str, list[str]], code: _Col, first_row: np.ndarray,
                        fields: dict[str, str], findings: list[Finding]) -> None:
    """A table that prints the 执行率 instead of the 全年执行数: executed = 全年预算数 × 执行率
    (else 年初预算数 × 执行率), so that the execution rule scores the printed rate."""
    for p, rate in enumerate(rates):
        if rate is None or amounts["executed"][p] is not None:
            continue
        base = amounts["budget_full_year"][p] if amounts["budget_full_year"][p] is not None else amounts["budget"][p]
        pc = str(code.uniques[code.codes[first_row[p]]])
        if base is None:
            findings.append(Finding(
                check="exec-rate-without-budget", severity="warn", project_code=pc,
                message=f"表中只有执行率「{per_project['exec_rate'][p]}」，没有预算数，执行率无法计分；请填写全年预算数和全年执行数。"))
            continue
        amounts["executed"][p] = float(round(Decimal(repr(base)) * rate, 2))
        findings.append(Finding(
            check="executed-from-rate", severity="info", project_code=pc,
            message=f"表中未填全年执行数，按执行率「{per_project['exec_rate'][p]}」× 预算数折算为 "
                    f"{amounts['executed'][p]:.2f} 元计分。"))


def _defaults(cls, filled: frozenset[str]) -> tuple[dict, dict]:
    """Defaults of the fields of ``cls`` a reader does not fill: (static values, factories)."""
    static, factories = {}, {}
    for name, info in cls.model_fields.items():
        if name in filled:
            continue
        if info.default_factory is not None:
            factories[name] = info.default_factory
        else:
            static[name] = info.default
    return static, factories


_FILLED_PROJECT_FIELDS = frozenset({
    "code", "name", "unit_code", "unit_name", "funds", "use", "spending_plan", "goals",
    "indicators", "budget_full_year", "executed", "spent",
})


def _compose_target(col: dict[str, _Col], problems: _Problems) -> np.ndarray:
    """The printed target: 年度指标值 as is, or 指标性质 + 指标值 + 度量单位 joined.

    ``≥`` + ``95`` + ``%`` → ``≥95%``; 正向 → ≥, 反向 → ≤; 定性 → the value alone; a value
    that already starts with an operator or ends with its unit is not repeated.
    """
    split = not col["nature"].blank.all()
    if split:
        value = col["value"] if not col["value"].blank.all() else col["target"]
        nature = col["nature"]
        known = nature.mapped(lambda v: norm_label(v) in _NATURE_OPS)
        problems.rows(~known.astype(bool), "nature", nature.values(),
                      "指标性质应为 =、≥、≤、>、<、正向、反向 或 定性")
    else:
        value = col["target"] if not col["target"].blank.all() else col["value"]
        nature = _Col.empty(len(value.codes))
    unit = col["measure_unit"]
    # One composition per distinct (nature, value, unit) triple.
    key = (nature.codes * len(value.uniques) + value.codes) * len(unit.uniques) + unit.codes
    inverse, combos = pd.factorize(key, sort=False)
    texts = []
    for k in combos.tolist():
        k, u = divmod(k, len(unit.uniques))
        nat, v = divmod(k, len(value.uniques))
        texts.append(_join_target(norm_label(nature.uniques[nat]), value.uniques[v], unit.uniques[u], split=split))
    return np.array(texts, dtype=object)[inverse.ravel()]


def _join_target(nature: str, value: str, unit: str, *, split: bool) -> str:
    if not value:
        return ""
    if not split:  # a whole target, with a separate unit column at most
        return value + unit if unit and value[-1].isdigit() else value
    if nature == "定性":
        return value
    op = _NATURE_OPS.get(nature, "")
    if value.startswith(_OPS):
        op = ""
    if unit and not value.endswith(unit):
        value += unit
    return op + value


def read_long_table(data: bytes, *, file: str, kind: str, year: int | None = None) -> Targets:
    """Read a long table given as bytes (``kind`` ``csv`` or ``xlsx``)."""
    frame, header_row, where = _load_xlsx(data, file) if kind == "xlsx" else _load_csv(data, file)
    fields, units = _columns(frame, where, derive_codes=True)
    # Millions of new objects that hold no reference cycles: the cyclic garbage collector
    # would re-scan them again and again while they are made (measured: ~2× slower).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _targets(frame, fields, units, where, header_row, year, hashlib.sha256(data).hexdigest())
    finally:
        if enabled:
            gc.enable()
