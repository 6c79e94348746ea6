"""Any unit's 绩效目标 document, as a grid :class:`~perfscore.readers.grid.Document` → Targets.

Format-free: every reader (Word, Excel, PDF, web page, plain text, the 绩效文本 export) hands
over the same grid of cells, and this module reads it by the printed words, never by cell
positions fixed in advance:

- an **indicator table** is found by its header words, whatever their wording and order
  (:data:`~perfscore.readers.vocabulary.INDICATOR_HEADERS`), over one or two header rows
  (``指标值`` over ``长期指标值 | 年度指标值``, ``绩效指标`` over ``一级 | 二级 | 三级``);
  each following row is an indicator, a merged or blank 一级/二级 cell carrying down;
- **project fields** (项目名称, 主管部门, 资金总额 …) are read wherever they stand: the value in
  the next cell, in the same cell after a colon, or in the row below a row of labels;
- a new 项目名称 or 项目编码 after a project's indicators starts the next project; a
  部门整体 title starts the department-wide table (its indicators are the department's);
- every reading that is not plain (a derived 项目编码, an inferred 一级, a target built from
  three columns, a tiered target, an Excel date serial, a left-out empty row) is a finding.

The sample unit's 绩效文本 (项目编码 rows, 资金支出计划, department goals in paragraphs) is one
layout among the others and reads exactly as before.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from perfscore.errors import DataError, FormatError, Location
from perfscore.model import DEPARTMENT_TABLE_PREFIX, DepartmentGoals, Finding, Funds, Indicator, Project, Targets, Unit
from perfscore.readers.common import (
    EMPTY_MARKS,
    MONEY_FACTORS,
    derived_project_code,
    indicator_id,
    is_total_label,
    money_unit_from,
    norm_label,
    parse_share,
    parse_weight,
    split_block_weight,
    split_lines,
)
from perfscore.readers.department_text import department_goals, document_year
from perfscore.readers.framework import LEVEL1_NAMES, LEVEL2_NAMES, level1_of
from perfscore.readers.grid import Cell, Document, Table, Text
from perfscore.readers.vocabulary import (
    ANNUAL_TABLES,
    BLOCK_LABELS,
    DEPARTMENT_TITLE,
    GROUP_HEADERS,
    LONG_TERM_TABLES,
    PLAN_LABEL,
    PROJECT_TITLE,
    header_role,
    label_key,
    label_unit,
    project_field,
)
from perfscore.values.simplified import to_simplified

_UNIT_LINE = re.compile(r"^(?P<code>\d{5,12})\s*(?P<name>[^\d\s].*)$")
# A unit name: Chinese, at least two characters, not a date or count (2023年…, 15次…).
_UNIT_NAME = re.compile(r"^(?![年月日号个次人])[\u4e00-\u9fff（(][^\t]*[\u4e00-\u9fff)）]$")
_SIGN = re.compile(r"^(?:[≥≤＞＜>=<＝=≧≦⩾⩽]{1,2}|大于等于|小于等于|不低于|不高于|不超过|不少于|不多于|大于|小于|等于|高于|低于|约等于|≈)$")
_SCORE_RANGE = re.compile(r"^(?P<label>.+?指标)[(（]?\d+(?:\.\d+)?[-—–～~至]\d+(?:\.\d+)?[)）]?分?$")
_FOOTER = re.compile(r"^(?:填表人|填报人|联系人|联系电话|审核人|负责人|单位负责人|财务负责人|注[:：]|说明[:：]|备注[:：])")
_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标名称", "指标值", "年度指标值", "分值")


@dataclass
class _Header:
    columns: dict[str, int]   # role → grid column
    width: int                # columns the header spans (for rows pasted without merged cells)
    text_table: bool          # the table came from plain text: short rows are right-aligned
    two_level: bool = False   # printed 一级/二级 are the framework's 二级/三级 (一级 from the framework)
    long_term: bool = False   # a 长期/实施期 table beside the annual one (not the year's targets)


@dataclass
class _Open:
    """A project (or the department-wide table) being read."""

    where: Location
    department: bool = False
    code: str = ""
    name: str = ""
    unit_code: str | None = None
    unit_name: str | None = None
    money_unit: str = "万元"
    agency: str = ""
    dept_name: str = ""
    funds: dict = field(default_factory=dict)
    use: str = ""
    plan: dict[str, float] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    goals_long: list[str] = field(default_factory=list)
    overall: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    long_term: list[Indicator] = field(default_factory=list)   # rows of a 长期 table
    header: _Header | None = None
    level1: str = ""
    block_weight: float | None = None
    level2: str = ""
    notes: set[str] = field(default_factory=set)   # reading kinds already reported for this project
    finding_idx: list[int] = field(default_factory=list)   # this project's findings (code filled at close)


class _Row:
    """One row of a table: the cell covering each grid column."""

    __slots__ = ("table", "r", "slots", "where")

    def __init__(self, table: Table, r: int, where: Location, shift: int = 0):
        self.table, self.r, self.where = table, r, where
        slots = [table.at(r, k) for k in range(table.n_cols)]
        self.slots: list[Cell | None] = [None] * shift + slots if shift else slots

    def cells(self) -> list[tuple[int, str]]:
        """(column, text) of the distinct cells, left to right; a vertical merge's continuation ""."""
        out: list[tuple[int, str]] = []
        seen: set[int] = set()
        for k, c in enumerate(self.slots):
            if c is None or id(c) in seen:
                continue
            seen.add(id(c))
            out.append((k, c.text if c.row == self.r else ""))
        return out

    def texts(self) -> list[str]:
        return [t for _, t in self.cells() if t]

    def at(self, col: int) -> Cell | None:
        return self.slots[col] if 0 <= col < len(self.slots) else None

    def text(self, col: int | None, *, top_only: bool = False) -> str:
        c = self.at(col) if col is not None else None
        if c is None or (top_only and c.row != self.r):
            return ""
        return c.text.strip()


class _Interpreter:
    def __init__(self, document: Document, identity: str):
        self.doc = document
        self.identity = identity
        self.source = document.name
        self.unit_code: str | None = None
        self.unit_name: str | None = None
        self.money_unit = "万元"
        self.open: _Open | None = None
        self.projects: list[Project] = []
        self.department: _Open | None = None
        self.findings: list[Finding] = []
        self.units: list[tuple[str | None, str | None]] = []
        self.money_units: list[str] = []
        self.dept_names: list[str] = []
        self.pending: str | None = None       # "use" or "plan": what the next row holds
        self.plan_heads: list[tuple[int, str]] = []
        self.vertical: dict[int, tuple[str, str]] = {}   # column → (field, label) of a row of labels above its values
        self.title: str = ""                  # the last title line (a project's name when none is printed)
        self.next_table: str | None = None    # "long" / "annual": a title said whose targets the next table holds

    # -- locations ------------------------------------------------------------------

    def table_where(self, table: Table, ordinal: int, r: int) -> Location:
        if table.lines:
            return Location(file=self.source, row=table.lines[r])
        return Location(file=f"{self.source} 第{ordinal}个表格", row=r + 1)

    def at(self, row: _Row, column: str | None = None, value: str | None = None) -> Location:
        return Location(file=row.where.file, row=row.where.row, column=column, value=value)

    def finding(self, check: str, message: str, *, severity: str = "info", indicator: str | None = None,
                project: str | None = None, where: Location | None = None) -> None:
        if self.open is not None and not self.open.department:
            self.open.finding_idx.append(len(self.findings))
        self.findings.append(Finding(check=check, severity=severity, message=message,
                                     project_code=project, indicator_id=indicator,
                                     source=str(where) if where else None))

    # -- text lines -----------------------------------------------------------------

    def text_line(self, text: str) -> None:
        line = text.strip()
        if not line:
            return
        unit = money_unit_from(line) or _money_unit_in(line)
        if unit:
            self.money_unit = unit
            if self.open is not None and not self.open.indicators and not self.open.funds:
                self.open.money_unit = unit
        key = label_key(line)
        if key in LONG_TERM_TABLES or key in ANNUAL_TABLES:
            self.next_table = "long" if key in LONG_TERM_TABLES else "annual"
            return
        if DEPARTMENT_TITLE.search(key):
            self._close()
            self.open = _Open(where=Location(file=self.source), department=True, money_unit=self.money_unit)
            self.title = line
            return
        if PROJECT_TITLE.search(key) or key.endswith("绩效目标表"):
            if self.open is not None and (self.open.indicators or self.open.department):
                self._close()
            self.title = line
            return
        inline = _inline(line)
        if inline is not None and inline[2]:
            self._field(None, *inline)

    # -- rows -----------------------------------------------------------------------

    def feed(self, rows: list[_Row], i: int) -> int:
        """Read rows[i]; return how many rows were consumed (a two-row header is 2)."""
        row = rows[i]
        cells = row.cells()
        texts = [t for _, t in cells if t]
        if not texts:
            return 1
        header = self._header_at(rows, i)
        if header is not None:
            consumed, hdr = header
            self._start_table(row, hdr)
            return consumed
        if self._labels(row, cells):
            return 1
        if self._unit_row(row, texts):
            return 1
        if self.vertical:
            self._vertical_values(row)
            return 1
        if self.open is None:
            if len(texts) == 1:
                self.text_line(texts[0])
            else:
                self._not_read(row, texts)
            return 1
        if self.pending == "use":
            self.open.use = "\n".join(t for t in texts if label_key(t) not in BLOCK_LABELS)
            self.pending = None
            return 1
        if self.pending == "plan":
            self._plan_values(row)
            self.pending = None
            return 1
        if self.open.header is not None:
            self._indicator(row, texts)
        elif len(texts) == 1:
            self.text_line(texts[0])
        else:
            self._not_read(row, texts)
        return 1

    def _not_read(self, row: _Row, texts: list[str]) -> None:
        """A row outside any indicator table that looks like an indicator: never dropped unseen."""
        if len(texts) >= 3 and any(_looks_like_target(t) for t in texts[1:]):
            self.finding("row-not-read",
                         f"{row.where}：这一行像指标行（「{' | '.join(texts)[:80]}」），但不在任何指标表表头之下，未读取；"
                         "请检查表头是否含“三级指标”“指标值”等字样。", severity="warn",
                         project=(self.open.code or None) if self.open else None, where=row.where)

    # -- headers --------------------------------------------------------------------

    def _header_at(self, rows: list[_Row], i: int) -> tuple[int, _Header] | None:
        row = rows[i]
        roles = _roles(row)
        words = [t for _, t in row.cells() if t]
        group = any(label_key(t) in GROUP_HEADERS for t in words)
        if len(roles) + group < 2:
            return None
        columns = {role: col for col, role in sorted(roles.items(), reverse=True)}
        consumed = 1
        if i + 1 < len(rows):
            below = _roles(rows[i + 1])
            below_texts = rows[i + 1].texts()
            if below and len(below) == len(below_texts):  # a row of sub-headers only
                for col, role in sorted(below.items(), reverse=True):
                    columns[role] = col
                # an upper cell over sub-headers (指标值 over 长期/年度) gives way to them
                for role, col in list(columns.items()):
                    if col in below and below[col] != role:
                        del columns[role]
                    elif below and any(
                        c.row == row.r and c.colspan > 1 and col <= k <= c.last_col
                        for k in below for c in [row.at(col)] if c is not None
                    ):
                        del columns[role]
                consumed = 2
        two_level = False
        if "level3" not in columns and "level2" in columns and _has_target(columns):
            # 一级指标 | 二级指标 | 指标值 with the names under 二级 (数量指标 | 维修次数 | 280次):
            # the table has two levels, the national framework's 二级 and 三级
            columns["level3"] = columns.pop("level2")
            if "level1" in columns:
                columns["level2"] = columns.pop("level1")
            two_level = True
        if "level3" not in columns or not _has_target(columns):
            if "level1" in columns and "level3" in columns:
                raise DataError(
                    "指标表缺少必需的列：指标值",
                    location=self.at(row),
                    hint="指标表至少需要“一级指标”“三级指标”“指标值”三列（指标值也可写作 年度指标值、目标值、"
                         "当年预期实现值，或分“指标性质/指标值/度量单位”三列）。",
                )
            return None
        # the columns the header's words span (a pasted header may end in empty cells)
        width = max(c.last_col for c in (row.at(k) for k in range(len(row.slots)))
                    if c is not None and c.text.strip()) + 1
        titles = {label_key(t) for t in words}
        period = "long" if titles & LONG_TERM_TABLES else "annual" if titles & ANNUAL_TABLES else self.next_table
        self.next_table = None
        return consumed, _Header(columns=columns, width=width, text_table=bool(row.table.lines) or
                                 self.doc.format == "text", two_level=two_level, long_term=period == "long")

    def _start_table(self, row: _Row, header: _Header) -> None:
        self.pending = None
        self.vertical = {}
        o = self.open
        # a project's 长期 and 年度 tables one after the other are one project; any other
        # indicator table after a project's indicators starts the next project
        if o is None or (not o.department and (
                (o.indicators and not header.long_term) or (o.long_term and header.long_term))):
            self._close()
            self.open = _Open(where=row.where, money_unit=self.money_unit,
                              unit_code=self.unit_code, unit_name=self.unit_name)
        self.open.header = header
        self.open.level1 = self.open.level2 = ""
        self.open.block_weight = None

    # -- labels ---------------------------------------------------------------------

    def _labels(self, row: _Row, texts: list[tuple[int, str]]) -> bool:
        """A row holding project labels (项目名称 | X | 主管部门 | Y …); False when it has none."""
        fields: list[tuple[int, str, str, str | None]] = []   # column, field, label, value
        plan_at = None
        labelled = False
        for j, (k, t) in enumerate(texts):
            if not t:
                continue
            key = label_key(t)
            if key.startswith(PLAN_LABEL):
                plan_at = j
                break
            f = project_field(t)
            if f is None:
                inline = _inline(t)
                if inline is None:
                    continue
                labelled = True
                if inline[2]:
                    fields.append((k, inline[0], inline[1], inline[2]))
                    continue
                f = inline[0]
            labelled = True
            nxt = texts[j + 1][1] if j + 1 < len(texts) else ""
            if f in ("goals", "goals_long", "department_goal") and nxt:
                rest = []
                for _, t2 in texts[j + 1:]:
                    if t2 and (project_field(t2) is not None or _inline(t2)):
                        break
                    rest.append(t2)
                nxt = "\n".join(t2 for t2 in rest if t2)   # a goal list spread over several cells
            if nxt and project_field(nxt) is None and not _inline(nxt) and not label_key(nxt).startswith(PLAN_LABEL):
                fields.append((k, f, t, nxt))
            else:
                fields.append((k, f, t, None))   # value below (or blank)
        if not labelled and plan_at is None:
            return False
        if self.open is not None and self.open.header is not None and not fields and plan_at is None:
            return False
        self.pending = None
        self.vertical = {}
        if self.open is not None and self.open.header is not None:
            self.open.header = None     # labels end an indicator table
        only_labels = all(v is None for _, _, _, v in fields) and len(fields) >= 2
        for k, f, label, value in fields:
            if value is None and only_labels:
                self.vertical[k] = (f, label)
                continue
            self._field(row, f, label, value or "")
        if any(f in ("total", "fiscal", "other") for _, f, _, v in fields if v is not None) and \
                any(label_key(t) in BLOCK_LABELS for _, t in texts if t):
            self.pending = "use"
        if plan_at is not None:
            self._require_open(row, texts[plan_at][1])
            self.plan_heads = [(k, t) for k, t in texts[plan_at + 1:] if t]
            self.pending = "plan"
        return True

    def _vertical_values(self, row: _Row) -> None:
        heads, self.vertical = self.vertical, {}
        for col, (f, label) in heads.items():
            self._field(row, f, label, row.text(col, top_only=True))

    def _field(self, row: _Row | None, f: str, label: str, value: str) -> None:
        if f in ("funds_part", "period", "other_field"):
            return
        if f == "department_goal":
            if self.open is None or not self.open.department:
                self._close()
                self.open = _Open(where=row.where if row else Location(file=self.source), department=True,
                                  money_unit=self.money_unit)
            self.open.overall = "\n".join(x for x in (self.open.overall, value.strip()) if x)
            return
        if f == "code":
            self._start(row, value)
            return
        if f == "name":
            if self.open is None or self.open.name or self.open.indicators or self.open.department:
                self._close()
                self._new(row)
            self.open.name = value.strip()
            return
        if self.open is None or (self.open.indicators and f not in ("goals", "goals_long", "use")):
            self._close()
            self._new(row)
        o = self.open
        if f == "department":
            o.dept_name = value.strip()
        elif f == "agency":
            o.agency = value.strip()
        elif f == "use":
            o.use = value.strip()
        elif f == "goals":
            o.goals = split_lines(value)
        elif f == "goals_long":
            o.goals_long = split_lines(value)
        elif f in ("total", "fiscal", "other"):
            amount = self._amount(row, label, value, o.money_unit)
            if amount is not None or f not in o.funds:
                o.funds[f] = amount

    def _amount(self, row: _Row | None, label: str, value: str, money_unit: str) -> float | None:
        text = norm_label(value).replace(",", "").replace("，", "")
        if text in EMPTY_MARKS:
            return None
        unit = label_unit(label) or money_unit
        m = re.match(r"^(?P<n>[+-]?\d+(?:\.\d+)?)(?P<u>千元|万元|百万元|亿元|元|万)?$", text)
        if m is None:
            where = self.at(row, label, value) if row is not None else Location(file=self.source, column=label, value=value)
            if self.open is not None and self.open.code:
                # a budget-system form (项目编码 printed): its amounts are numbers, anything else is a typo
                raise DataError("金额不是数字", location=where, hint="请填写数字金额（如 56.25），不要带单位或文字。")
            self.finding("amount-unreadable", f"{where}：金额「{value}」不是数字，未读入。", severity="warn", where=where)
            return None
        factor = MONEY_FACTORS[m.group("u") or unit]
        return float(round(Decimal(m.group("n")) * factor, 2))

    def _require_open(self, row: _Row, label: str) -> None:
        if self.open is None:
            raise DataError(
                "在“项目编码”之前出现了项目栏目",
                location=self.at(row, column=label),
                hint="每张绩效目标表应以“项目编码”“项目名称”开头；请检查表格是否完整。",
            )

    def _new(self, row: _Row | None) -> None:
        self.open = _Open(where=row.where if row else Location(file=self.source), money_unit=self.money_unit,
                          unit_code=self.unit_code, unit_name=self.unit_name)

    def _start(self, row: _Row | None, code: str) -> None:
        code = code.strip()
        if self.open is None or self.open.code or self.open.indicators or self.open.department:
            self._close()   # else the name came first: the code belongs to the same project
            self._new(row)
        if not code:
            raise DataError(
                "项目编码为空",
                location=self.at(row, column="项目编码", value=code) if row else Location(file=self.source),
                hint="请在绩效目标表中填写项目编码。",
            )
        self.open.code = code

    def _plan_values(self, row: _Row) -> None:
        assert self.open is not None
        for k, checkpoint in self.plan_heads:
            text = row.text(k, top_only=True)
            share = parse_share(text, where=self.at(row, column=checkpoint, value=text))
            if share is not None:
                self.open.plan[norm_label(checkpoint)] = share

    def _unit_row(self, row: _Row, texts: list[str]) -> bool:
        """A row of at most two cells: ``<unit code><unit name>`` and/or ``单位：万元``.

        Inside an indicator table a sparse indicator row could look like a unit line
        (``100001户…``), so there both cells are required.
        """
        if len(texts) > 2:
            return False
        code = name = money = None
        for c in texts:
            unit = money_unit_from(c)
            if unit:
                money = unit
                continue
            m = _UNIT_LINE.match(c.strip())
            if m and _UNIT_NAME.match(m.group("name")) and "\n" not in c:
                code, name = m.group("code"), m.group("name").strip()
        if money is None and code is None:
            return False
        in_table = self.open is not None and self.open.header is not None
        if in_table and (money is None or code is None):
            return False
        if code is not None or (self.open is not None and (self.open.indicators or self.open.code)):
            self._close()
        if code is not None:
            self.unit_code, self.unit_name = code, name
        if money is not None:
            self.money_unit = money
            if self.open is not None and not self.open.funds:
                self.open.money_unit = money
        return True

    # -- indicator rows -------------------------------------------------------------

    def _indicator(self, row: _Row, texts: list[str]) -> None:
        o = self.open
        h = o.header
        cols = h.columns
        if h.text_table:
            used = [k for k, c in enumerate(row.slots) if c is not None]
            if used and used[-1] + 1 < h.width and len(used) < h.width:
                row = _Row(row.table, row.r, row.where, shift=h.width - (used[-1] + 1))
        spanning = [c for c in {id(c): c for c in row.slots if c is not None and c.text.strip()}.values()]
        if len(spanning) == 1 and spanning[0].colspan >= 3 and len(cols) >= 3:
            only = spanning[0].text.strip()
            name = to_simplified(norm_label(only))
            if name in LEVEL1_NAMES:
                o.level1, o.block_weight, o.level2 = name, None, ""
                return
            o.header = None   # a note under the table (填表人 …, 注：…) ends it
            return
        if _FOOTER.match(texts[0]) and len(texts) <= 2:
            o.header = None
            return

        def get(role: str, top_only: bool = False) -> str:
            return row.text(cols.get(role), top_only=top_only)

        if any(is_total_label(get(r)) for r in ("level1", "level2", "level3") if r in cols):
            return
        level1_cell = to_simplified(get("level1", top_only=True))
        level2_cell = to_simplified(get("level2", top_only=True))
        level3 = get("level3")
        if "level2" in cols and cols.get("level2") == cols.get("level3"):
            level2_cell = ""
        if h.two_level:
            if level2_cell in LEVEL1_NAMES:     # a real 一级 in the first column after all
                level1_cell, level2_cell = level2_cell, ""
            elif level2_cell:
                self._note(o, "two-level-table", row,
                           "指标表只有两级（一级指标列写的是数量指标等）：按全国指标体系读作二级、三级指标，一级指标由二级推定。")
                o.level1 = ""
        if level1_cell:
            split = _split_run_together(level1_cell, level2_cell, level3)
            if split is not None:
                level1_cell, level2_cell, level3 = split
                self._note(o, "run-together", row,
                           f"一级、二级指标连在一格中（「{get('level1', top_only=True)}」），按指标体系名称拆开读取。")
            label, weight = split_block_weight(norm_label(level1_cell) if "\n" in level1_cell else level1_cell)
            ranged = _SCORE_RANGE.match(norm_label(label))
            if ranged:   # 产出指标(40-50)分: the points a province allows the block, not this table's weight
                label = ranged.group("label")
            if label != o.level1 or weight is not None or o.block_weight is None:
                o.level1, o.block_weight = label, weight
            o.level2 = ""
        if level2_cell:
            o.level2 = level2_cell
        target, how = self._target(row, cols)
        if not level3 and not target:
            lone = o.level2 if level2_cell else (o.level1 if level1_cell else "")
            if lone or texts:
                shown = lone or " | ".join(texts)
                self.finding("empty-indicator-row",
                             f"{row.where}：「{shown}」下没有三级指标和指标值，是表格中留空的一行，不作为指标读取。",
                             project=o.code or None, where=row.where)
            return
        if not level3:   # as in a long table: a target nobody named is an error to fix, not a guess
            raise DataError(
                "指标行缺少三级指标名称",
                location=self.at(row, column="三级指标", value=" | ".join(texts)),
                hint="请填写三级指标名称，或删除这一行。",
            )
        if not o.level1:
            inferred = level1_of(o.level2) if o.level2 else None
            if inferred is None:
                if o.department or "level1" not in cols:
                    inferred = ""
                else:
                    raise DataError(
                        "第一个指标行缺少一级指标",
                        location=self.at(row, column="一级指标"),
                        hint="请在指标表第一行填写一级指标（如 产出指标）。",
                    )
            o.level1 = inferred
            if inferred:
                self._note(o, "level1-inferred", row,
                           f"一级指标未填写：按全国指标体系由二级指标「{o.level2}」推定为「{inferred}」。")
        weight = None
        if "weight" in cols:
            text = get("weight", top_only=True)
            weight = parse_weight(text.removesuffix("%").removesuffix("％"),
                                  where=self.at(row, column="分值", value=text))
        if how:
            self._note(o, how[0], row, how[1])
        cell = row.at(cols.get("target", cols.get("value", -1)))
        if cell is not None and cell.excel_serial is not None:
            day = _dt.date(1899, 12, 30) + _dt.timedelta(days=int(cell.excel_serial))
            self.finding("excel-date-serial",
                         f"{row.where}：指标值「{cell.text}」在 Excel 中存成了日期（序列号 {cell.excel_serial:g}，"
                         f"即 {day.isoformat()}）；若原意不是日期，请把单元格设为文本后重填。",
                         severity="warn", project=o.code or None, where=row.where)
        (o.long_term if h.long_term else o.indicators).append(Indicator(
            id="", level1=o.level1, level2=o.level2, level3=level3,
            description=get("description"), target=target, basis=self._basis(row, cols),
            weight=weight, block_weight=o.block_weight,
        ))

    def _basis(self, row: _Row, cols: dict[str, int]) -> str:
        grades = _grades(row, cols)
        if grades and "target" not in cols and "value" not in cols:
            return "；".join(f"{g}：{t}" for g, t in grades if t)
        return row.text(cols.get("basis"))

    def _target(self, row: _Row, cols: dict[str, int]) -> tuple[str, tuple[str, str] | None]:
        """The annual target as printed, and (kind, finding text) when it was put together."""
        value = row.text(cols.get("target"))
        if not value and "target" not in cols:
            grades = _grades(row, cols)
            if grades:
                best = next((t for _, t in grades if t), "")
                return best, ("tiered-target", "指标值按“优/良/中/差”分档列出：以“优”档为目标值，各档写入指标值确定依据。")
            if "target_long" in cols:
                return row.text(cols["target_long"]), (
                    "long-term-target", "表中只有长期（实施期）指标值，没有年度指标值：按长期指标值读取。")
        sign = row.text(cols.get("sign"))
        unit = row.text(cols.get("unit"))
        if norm_label(unit) in EMPTY_MARKS:
            unit = ""
        if not value:
            return "", None
        how = None
        text = value
        if unit and not norm_label(value).endswith(norm_label(unit)) and _numeric(value):
            text = value + unit
            how = ("target-from-columns", "指标值与度量单位分列：按“指标值＋单位”读取（如 95%）。")
        if sign and _SIGN.match(norm_label(sign)) and not _has_sign(value):
            text = sign.strip() + text
            how = ("target-from-columns", "指标值分“指标性质/指标值/度量单位”三列：按“符号＋数值＋单位”拼成（如 ≥95%）。")
        elif not _has_sign(value) and _numeric(value):
            direction = norm_label(row.text(cols.get("direction")) or (sign if sign else ""))
            if direction.startswith("正向"):
                text, how = "≥" + text, ("target-from-direction", "指标方向为“正向”：按“≥指标值”读取。")
            elif direction.startswith("反向"):
                text, how = "≤" + text, ("target-from-direction", "指标方向为“反向”：按“≤指标值”读取。")
        return text, how

    def _note(self, o: _Open, kind: str, row: _Row, message: str) -> None:
        """One finding per project and kind of reading (not one per row)."""
        if kind in o.notes:
            return
        o.notes.add(kind)
        self.finding(kind, f"{row.where}：{message}", project=o.code or None, where=row.where)

    # -- closing --------------------------------------------------------------------

    def _close(self) -> None:
        o, self.open = self.open, None
        self.pending = None
        self.vertical = {}
        if o is None:
            return
        if o.department:
            if o.dept_name:
                self.dept_names.append(o.dept_name)
            if self.department is None:
                self.department = o
            else:
                self.department.indicators += o.indicators
                self.department.overall = "\n".join(x for x in (self.department.overall, o.overall) if x)
            return
        if not o.indicators and not o.long_term and not o.code and not o.name:
            return   # labels with no project (a cover page's 填报单位 …)
        name = o.name or _title_name(self.title)
        code = o.code
        if not code:
            code = derived_project_code(name, self.identity, len(self.projects) + 1)
            self.finding("project-code-derived",
                         f"表中没有项目编码：项目「{name}」使用由文件内容和项目名称生成的编码 {code}"
                         "（NC 开头表示编码是 perfscore 生成的）；有项目编码时请在表中加一列“项目编码”。",
                         project=code)
        for i in o.finding_idx:   # findings made before the code was known
            if self.findings[i].project_code is None:
                self.findings[i] = self.findings[i].model_copy(update={"project_code": code})
        if o.long_term and not o.indicators:
            o.indicators = o.long_term
            self.finding("long-term-target", f"项目「{name}」只有长期（实施期）绩效指标表，没有年度绩效指标表：按长期指标值读取。",
                         project=code)
        elif o.long_term:
            self.finding("long-term-table-left-out",
                         f"项目「{name}」的长期（实施期）绩效指标表有 {len(o.long_term)} 个指标，不是本年度的目标，"
                         "未读作指标；本年度的目标按年度绩效指标表读取。", project=code)
        indicators = [ind.model_copy(update={"id": indicator_id(code, n)}) for n, ind in enumerate(o.indicators, 1)]
        unit_name = o.unit_name if o.unit_name is not None else (o.agency or o.dept_name or None)
        if o.dept_name:
            self.dept_names.append(o.dept_name)
        self.projects.append(Project(
            code=code, name=name, unit_code=o.unit_code, unit_name=unit_name,
            funds=Funds(total=o.funds.get("total"), fiscal=o.funds.get("fiscal"), other=o.funds.get("other")),
            use=o.use, spending_plan=o.plan, goals=o.goals or o.goals_long, indicators=indicators,
        ))
        self.units.append((o.unit_code, o.unit_name))
        self.money_units.append(o.money_unit)

    def finish(self, texts: list[Text]) -> Targets:
        self._close()
        department = department_goals(texts)
        if self.department is not None and (self.department.indicators or self.department.overall):
            d = self.department
            table = [ind.model_copy(update={"id": indicator_id(DEPARTMENT_TABLE_PREFIX, n)}) for n, ind in enumerate(d.indicators, 1)]
            if department is None:
                department = DepartmentGoals(overall=d.overall, overall_indicators=table)
            else:
                department = department.model_copy(update={
                    "overall": department.overall or d.overall,
                    "overall_indicators": list(department.overall_indicators) + table})
        distinct = list(dict.fromkeys(self.units))
        code, name = distinct[0] if len(distinct) == 1 else (None, None)
        if code is None and name is None:
            names = list(dict.fromkeys(self.dept_names))
            name = names[0] if len(names) == 1 else None
        money = self.money_units[0] if self.money_units else self.money_unit
        return Targets(year=None, unit=Unit(code=code, name=name, money_unit=money),
                       department_goals=department, projects=self.projects,
                       findings=self.findings)


# -- helpers ----------------------------------------------------------------------------

def _roles(row: _Row) -> dict[int, str]:
    """column → header role of the row's header cells (a cell's leftmost column)."""
    out: dict[int, str] = {}
    for k, t in row.cells():
        if t:
            role = header_role(t)
            if role is not None:
                out[k] = role
    return out


def _has_target(columns: dict[str, int]) -> bool:
    return any(r in columns for r in ("target", "target_long")) or any(r.startswith("grade:") for r in columns)


def _grades(row: _Row, cols: dict[str, int]) -> list[tuple[str, str]]:
    return [(g, row.text(cols[f"grade:{g}"])) for g in ("优", "良", "中", "差") if f"grade:{g}" in cols]


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+(?:[.,]\d+)*", norm_label(text)))


def _has_sign(text: str) -> bool:
    t = norm_label(text)
    return bool(t) and (t[0] in "≥≤><=≧≦⩾⩽≈" or t.startswith(("大于", "小于", "不低于", "不高于", "不超过", "不少于", "等于")))


def _looks_like_target(text: str) -> bool:
    t = norm_label(text)
    return bool(re.match(r"^(?:[≥≤><=≧≦]|大于|小于|不低于|不少于|不超过)?\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?$", t)) or \
        t in ("优", "良", "达标", "合格", "完成")


_INLINE = re.compile(r"^(?P<label>[^:：\n]{2,14})[:：]\s*(?P<value>.*)$", re.S)


def _inline(text: str) -> tuple[str, str, str] | None:
    """``项目名称：会议经费`` → (field, label, value); None when the text starts with no project label."""
    m = _INLINE.match(text)
    if m is None:
        return None
    f = project_field(m.group("label"))
    return (f, m.group("label"), m.group("value").strip()) if f else None


def _money_unit_in(line: str) -> str | None:
    m = re.search(r"(?:金额)?单位[:：]\s*(千元|万元|百万元|亿元|元)\s*$", norm_label(line))
    return m.group(1) if m else None


def _title_name(title: str) -> str:
    t = re.sub(r"^(?:附件\s*\d*[:：]?\s*)?", "", title.strip())
    t = re.sub(r"^(?:19|20)\d{2}\s*年度?", "", t)
    return t.strip() or "（未写项目名称）"


def _split_run_together(level1: str, level2: str, level3: str) -> tuple[str, str, str] | None:
    """``产出指标数量指标`` (一级 and 二级 in one cell) → (产出指标, 数量指标, level3)."""
    key = norm_label(level1)
    for l1 in LEVEL1_NAMES:
        if key.startswith(l1) and len(key) > len(l1):
            rest = key[len(l1):]
            if rest.startswith(("(", "（")):
                return None   # 产出指标（50分）: a block weight, not a run-together cell
            for l2 in sorted(LEVEL2_NAMES, key=len, reverse=True):
                if rest.startswith(l2):
                    tail = rest[len(l2):]
                    if tail and level3:
                        return None
                    return l1, level2 or l2, level3 or tail
            return None
    return None


def targets_from_document(document: Document, *, identity: str, year: int | None = None) -> Targets:
    """Interpret a document. ``identity`` (the file's SHA-256) makes derived 项目编码 stable;
    ``year`` (``--year``) overrides the year printed in the document.

    Raises FormatError when the document holds neither an indicator table nor department goals.
    """
    reader = _Interpreter(document, identity)
    texts: list[Text] = []           # paragraphs before the first table (department goals)
    all_texts: list[str] = []
    first_table_seen = False
    n_table = 0
    first_lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Text):
            all_texts.append(block.text)
            if len(first_lines) < 8 and block.text.strip():
                first_lines.append(block.text.strip())
            if not first_table_seen:
                texts.append(block)
            reader.text_line(block.text)
            continue
        n_table += 1
        first_table_seen = True
        rows = [_Row(block, r, reader.table_where(block, n_table, r)) for r in range(block.n_rows)]
        i = 0
        while i < len(rows):
            if len(first_lines) < 8:
                line = " | ".join(rows[i].texts())
                if line:
                    first_lines.append(line)
            i += reader.feed(rows, i)
    targets = reader.finish(texts)
    if not targets.projects and targets.department_goals is None:
        looked = "、".join(_HEADER_WORDS)
        seen = "；".join(x[:40] for x in first_lines[:5]) or "（文件中没有文字）"
        raise FormatError(
            "不是预算绩效目标文本：没有找到绩效目标表（含“一级指标/三级指标/指标值”等表头的表格），"
            f"也没有找到“总体绩效目标”或“分项绩效目标”。查找的表头词：{looked}。文件开头是：{seen}",
            location=Location(file=document.name),
            hint="请提供部门预算绩效文本或绩效目标表（.docx/.xlsx/.pdf/.html/.txt），或每行一个指标的长表（.csv/.xlsx）。",
        )
    targets.year = year if year is not None else document_year(all_texts, document)
    return targets
