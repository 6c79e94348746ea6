"""Reading AHP judgement matrices and entropy data sheets from .csv / .xlsx.

A judgement matrix (判断矩阵) is a square table whose first row and first column name
the criteria in the same order; cells are numbers or fractions (``3``, ``1/3``, ``0.5``).
Only the upper triangle need be filled: an empty lower cell is the reciprocal of its
mirror, an empty diagonal cell is 1. A workbook may hold a hierarchy, one visible sheet
per matrix (sheet ``一级`` for the top, a sheet named after a criterion for its children).

A data sheet has one row per unit or project: the first column names it, every other
column is an indicator with a number in each cell.

Every problem is a DataError / FormatError naming file (and sheet), row, column and value.
The CSV grid and the cell text come from :mod:`perfscore.readers.actuals`, so decoding
(UTF-8 / GB18030), type sniffing and Excel's number display are the same as for actuals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import numpy as np

from perfscore.errors import DataError, FormatError, Location
from perfscore.readers.actuals import _cell_text, _read_csv_grid
from perfscore.readers.sheets import open_workbook, sheet_rows, visible_sheets
from perfscore.safety import check_input_path

Grid = list[tuple[int, list[str]]]

# 1/3, 1 / 3, 0.5/2; NFKC has already turned ／ and full-width digits into ASCII.
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)$")
# Typed decimals such as 0.33 for 1/3 are accepted as the mirror of 3 (0.33 × 3 = 0.99).
RECIPROCAL_TOLERANCE = 0.01
TOP_SHEET = "一级"
MATRIX_HINT = "判断矩阵的第一行和第一列写准则名称（顺序相同），其余单元格填两两比较的结果（如 3、1/3），只填上三角即可；格式见 docs/weights.md。"
DATA_HINT = "数据表第1列为单位或项目名称，其后每列一个指标（第一行为指标名称），每个单元格一个数值；格式见 docs/weights.md。"


@dataclass(frozen=True)
class Judgements:
    """One complete judgement matrix and where it came from."""

    names: tuple[str, ...]
    matrix: np.ndarray
    file: str
    sheet: str | None


@dataclass(frozen=True)
class DataSheet:
    names: tuple[str, ...]       # indicator columns
    labels: tuple[str, ...]      # units / projects (first column)
    values: np.ndarray           # rows × columns


def _where(file: str, sheet: str | None) -> str:
    return f"{file}（工作表「{sheet}」）" if sheet else file


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def read_grids(path: str | Path) -> list[tuple[str | None, Grid]]:
    """The non-empty grids of a file: one for a CSV (sheet None), one per visible, non-empty
    worksheet of an .xlsx, in workbook order."""
    p = Path(path)
    check_input_path(p)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        grid, _ = _read_csv_grid(p)
        return [(None, _trim(grid))]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(p)
    if suffix in (".xls", ".et"):
        raise FormatError("不支持旧版 Excel 格式（.xls/.et）", location=Location(file=str(path)),
                          hint="请在 Excel/WPS 中另存为 .xlsx 或 CSV UTF-8 后重试。")
    raise FormatError(f"无法识别的文件类型「{p.suffix or '无扩展名'}」", location=Location(file=str(path)),
                      hint="判断矩阵和数据表应为 .csv 或 .xlsx 文件。")


def _xlsx_grids(p: Path) -> list[tuple[str | None, Grid]]:
    wb = open_workbook(p)
    try:
        out = []
        for ws in visible_sheets(wb):
            grid = [(row[0].row, [_cell_text(c) for c in row]) for row in sheet_rows(ws, file=str(p)) if row]
            grid = _trim(grid)
            if grid:
                out.append((ws.title.strip(), grid))
        return out
    finally:
        wb.close()


def _trim(grid: Grid) -> Grid:
    """Rows with content only, each without its trailing empty cells."""
    out = []
    for n, cells in grid:
        cells = [_norm(c) for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append((n, cells))
    return out


# --- judgement matrices ------------------------------------------------------------------


def read_judgements(path: str | Path) -> dict[str | None, Judgements]:
    """Every judgement matrix in a file, by sheet name (None for a CSV or a one-sheet workbook)."""
    grids = read_grids(path)
    if not grids:
        raise DataError("文件中没有判断矩阵（没有任何内容）", location=Location(file=str(path)),
                        hint="第一行和第一列写准则名称，其余单元格填两两比较的结果（如 3、1/3）。")
    if len(grids) == 1:
        sheet, grid = grids[0]
        return {None: _judgements(grid, str(path), sheet)}
    return {sheet: _judgements(grid, str(path), sheet) for sheet, grid in grids}


def _judgement_value(text: str, where: Location) -> float | None:
    if not text:
        return None
    m = _FRACTION.match(text)
    try:
        value = Fraction(Decimal(m.group(1))) / Fraction(Decimal(m.group(2))) if m else Fraction(Decimal(text))
    except (InvalidOperation, ZeroDivisionError, ValueError):
        raise DataError("判断矩阵的单元格应为正数或分数（如 3、1/3、0.5）", location=where,
                        hint="按 Saaty 1–9 标度填写：同样重要为 1，稍微重要为 3，明显重要为 5，强烈重要为 7，极端重要为 9。") from None
    if value <= 0:
        raise DataError("判断矩阵的单元格必须大于0（不能是负数或0）", location=where,
                        hint="「甲比乙不重要」请写成分数，如 1/3，而不是负数。")
    return float(value)


def _judgements(grid: Grid, file: str, sheet: str | None) -> Judgements:
    shown = _where(file, sheet)
    head_row, header = grid[0]
    names = tuple(header[1:])
    n = len(names)
    if n == 0:
        raise DataError("判断矩阵的第一行应列出准则名称", location=Location(file=shown, row=head_row), hint=MATRIX_HINT)
    for k, name in enumerate(names):
        if not name:
            raise DataError("判断矩阵第一行有空的准则名称", location=Location(file=shown, row=head_row),
                            hint=f"第{k + 2}列缺少准则名称。")
    dup = sorted({x for x in names if names.count(x) > 1})
    if dup:
        raise DataError(f"判断矩阵的准则名称重复：{'、'.join(dup)}", location=Location(file=shown, row=head_row),
                        hint="每个准则只写一次；同名的准则请改名区分。")
    body = grid[1:]
    if len(body) != n or any(len(cells) - 1 > n for _, cells in body):
        widest = max((len(c) - 1 for _, c in body), default=0)
        raise DataError(f"判断矩阵不是方阵：第一行有 {n} 个准则，下面有 {len(body)} 行"
                        + (f"，最宽的一行有 {widest} 个数" if widest > n else ""),
                        location=Location(file=shown),
                        hint="判断矩阵的行和列应是同一组准则、顺序相同（第一列的行名与第一行的列名一一对应）。")
    cells: list[list[str]] = []
    for i, (row, line) in enumerate(body):
        label = line[0] if line else ""
        if label != names[i]:
            raise DataError(f"第{i + 1}行的准则名称「{label}」与第一行的第{i + 1}个准则「{names[i]}」不一致",
                            location=Location(file=shown, row=row, column=header[0] or "第1列", value=label),
                            hint="判断矩阵的行和列应是同一组准则、顺序相同。")
        cells.append(line[1:] + [""] * (n - len(line) + 1))
    a = np.ones((n, n))
    raw = [[_judgement_value(cells[i][j], Location(file=shown, row=body[i][0], column=names[j], value=cells[i][j]))
            for j in range(n)] for i in range(n)]
    for i in range(n):
        if raw[i][i] is not None and abs(raw[i][i] - 1) > 1e-12:
            raise DataError(f"对角线上的单元格（「{names[i]}」与自身比较）应为1",
                            location=Location(file=shown, row=body[i][0], column=names[i], value=cells[i][i]),
                            hint="准则与自身同样重要，对角线填 1 或留空。")
    for i in range(n):
        for j in range(i + 1, n):
            up, low = raw[i][j], raw[j][i]
            if up is None and low is None:
                raise DataError(f"「{names[i]}」与「{names[j]}」的比较没有填写",
                                location=Location(file=shown, row=body[i][0], column=names[j], value=""),
                                hint="上三角（对角线右上方）的每个单元格都要填写；下三角可以空着，按倒数补齐。")
            if up is not None and low is not None and abs(up * low - 1) > RECIPROCAL_TOLERANCE + 1e-9:
                raise DataError(
                    f"「{names[i]}」对「{names[j]}」填了 {cells[i][j]}，「{names[j]}」对「{names[i]}」填了 {cells[j][i]}，两者不互为倒数",
                    location=Location(file=shown, row=body[i][0], column=names[j], value=cells[i][j]),
                    problems=[f"第{body[j][0]}行，列「{names[i]}」：{cells[j][i]}，应为 1/{cells[i][j]}"],
                    hint="只填上三角即可，下三角留空由程序按倒数补齐。")
            value = up if up is not None else 1.0 / low
            a[i, j], a[j, i] = value, 1.0 / value
    return Judgements(names, a, file, sheet)


# --- entropy data sheets -----------------------------------------------------------------


def read_data(path: str | Path, *, nonnegative: bool = True) -> DataSheet:
    """A data sheet for the entropy method (the first visible non-empty sheet of a workbook)."""
    grids = read_grids(path)
    if not grids:
        raise DataError("数据表没有任何内容", location=Location(file=str(path)), hint=DATA_HINT)
    sheet, grid = grids[0]
    shown = _where(str(path), sheet if len(grids) > 1 else None)
    head_row, header = grid[0]
    names = tuple(header[1:])
    if not names or any(not x for x in names):
        raise DataError("数据表的第一行应是表头：第1列为单位或项目，其后每列一个指标名称",
                        location=Location(file=shown, row=head_row), hint=DATA_HINT)
    dup = sorted({x for x in names if names.count(x) > 1})
    if dup:
        raise DataError(f"数据表的指标名称重复：{'、'.join(dup)}", location=Location(file=shown, row=head_row),
                        hint="每个指标只占一列；同名的指标请改名区分。")
    body = grid[1:]
    if len(body) < 2:
        raise DataError(f"数据表只有 {len(body)} 行数据，熵权法至少需要2行（2个单位或项目）",
                        location=Location(file=shown), hint="每行一个单位或项目，每列一个指标。")
    values = np.empty((len(body), len(names)))
    for i, (row, line) in enumerate(body):
        if len(line) - 1 > len(names):
            raise DataError(f"这一行有 {len(line) - 1} 个数，比表头的 {len(names)} 个指标多",
                            location=Location(file=shown, row=row), hint=DATA_HINT)
        line = line + [""] * (len(names) + 1 - len(line))
        for j, name in enumerate(names):
            text = line[j + 1]
            where = Location(file=shown, row=row, column=name, value=text)
            if not text:
                raise DataError("数据表的单元格是空的", location=where,
                                hint="熵权法需要每个单位每个指标的数值；没有数据的单位请整行删除。")
            number = _data_value(text, where)
            if nonnegative and number < 0:
                raise DataError("数据是负数，默认算法（按列占比）要求非负数", location=where,
                                hint="含负数的指标请加 --normalize minmax（先按最小值—最大值标准化）。")
            values[i, j] = number
    return DataSheet(names, tuple(line[0] for _, line in body), values)


def _data_value(text: str, where: Location) -> float:
    cleaned = text.replace(",", "")
    percent = cleaned.endswith("%")
    try:
        value = Decimal(cleaned.rstrip("%"))
    except InvalidOperation:
        raise DataError("数据表的单元格应为数字，这里是文字", location=where,
                        hint="请只填写数值（可带 % 号），不要带单位或说明。") from None
    if not value.is_finite():
        raise DataError("数据表的单元格应为有限数字", location=where, hint="请填写普通数值。")
    return float(value / 100 if percent else value)
