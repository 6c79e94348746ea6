"""Layout blocks of a 绩效文本 (text export or Word) → :class:`perfscore.model.Targets`.

The interpreter is driven by the printed labels, not by cell positions, so that the
text export, a Word table with merged cells and a table split over several Word tables
all read the same:

- a row holding ``435001丰润区燕山路办事处本级`` / ``单位：万元`` sets the unit (单位) and the
  money unit for the projects that follow (a file may hold several units);
- ``项目编码`` starts a project; ``项目名称``, ``预算数``, ``其中：财政资金``, ``其他资金`` are
  followed by their value in the next cell; the row after the budget row holds the use of
  funds (资金用途); ``资金支出计划（%）`` heads the checkpoints, the next row their shares;
  ``绩效目标`` is followed by the goal list;
- the row with ``一级指标`` … ``指标值`` heads the indicator table; every following row is an
  indicator until the next unit or project. An empty 一级 (or 二级) cell continues the
  cell above (a vertically merged cell).

Department goals (部门整体绩效目标) come from the paragraphs of the first part: the text
under ``一、总体绩效目标`` and each ``（一）…`` sub-goal under ``二、分项绩效目标`` with its
``绩效目标：`` and ``绩效指标：`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfscore.errors import DataError, FormatError, Location
from perfscore.model import DepartmentGoals, Funds, Indicator, Project, SubGoal, Targets, Unit
from perfscore.readers.common import (
    MONEY_FACTORS,
    indicator_id,
    money_unit_from,
    norm_label,
    parse_amount,
    parse_share,
    parse_weight,
    split_block_weight,
    split_lines,
)
from perfscore.readers.goals import goal_indicators
from perfscore.readers.layout import Block, Paragraph, Row

# Printed label (normalised by norm_label) → the field it introduces.
_VALUE_LABELS = {
    "项目编码": "code",
    "项目代码": "code",
    "项目名称": "name",
    "预算数": "total",
    "年初预算数": "total",
    "预算总额": "total",
    "其中:财政资金": "fiscal",
    "财政资金": "fiscal",
    "其中:财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "其他资金": "other",
    "其中:其他资金": "other",
    "资金用途": "use",
    "绩效目标": "goals",
    "年度绩效目标": "goals",
    "项目绩效目标": "goals",
}
_BLOCK_LABELS = {"预算规模及资金用途", "预算规模", "资金情况"}
_PLAN_LABEL = "资金支出计划"

# Indicator table headers → Indicator field.
_HEADERS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "绩效指标描述": "description",
    "指标描述": "description",
    "指标解释": "description",
    "指标值": "target",
    "年度指标值": "target",
    "目标值": "target",
    "指标值确定依据": "basis",
    "确定依据": "basis",
    "分值": "weight",
    "权重": "weight",
    "分值(分)": "weight",
}
_REQUIRED_HEADERS = ("level1", "level3", "target")

_UNIT_LINE = re.compile(r"^(?P<code>\d{5,12})\s*(?P<name>[^\d\s].*)$")
# A unit name: Chinese, at least two characters, not a date or count (2023年…, 15次…).
_UNIT_NAME = re.compile(r"^(?![年月日号个次人])[\u4e00-\u9fff（(][^\t]*[\u4e00-\u9fff)）]$")
_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度?\s*(?:部门)?\s*(?:预算)?\s*(?:项目)?\s*绩效")
_TOC_ENTRY = re.compile(r"\t\s*\d+\s*$")
_PART = re.compile(r"^第([一二三四五六七八九十]+)部分")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、\s*(?P<title>.*)$")
_SUBGOAL = re.compile(r"^[（(][一二三四五六七八九十]+[)）]\s*(?P<title>.+)$")
_GOAL_LINE = re.compile(r"^绩效目标\s*[:：]\s*(?P<text>.*)$")
_MEASURE_LINE = re.compile(r"^绩效指标\s*[:：]\s*(?P<text>.*)$")


def _is_label(cell: str) -> bool:
    n = norm_label(cell)
    return n in _VALUE_LABELS or n in _BLOCK_LABELS or n.startswith(_PLAN_LABEL)


@dataclass
class _Open:
    """A project being read."""

    code: str
    unit_code: str | None
    unit_name: str | None
    money_unit: str
    row: Row
    name: str = ""
    funds: dict = field(default_factory=dict)
    use: str = ""
    plan: dict[str, float] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    columns: dict[str, int] | None = None  # indicator header: field → cell index
    level1: str = ""
    block_weight: float | None = None
    level2: str = ""


class _Interpreter:
    def __init__(self, source: str):
        self.source = source
        self.unit_code: str | None = None
        self.unit_name: str | None = None
        self.money_unit = "万元"
        self.money_units: list[str] = []
        self.units: list[tuple[str | None, str | None]] = []
        self.projects: list[Project] = []
        self.open: _Open | None = None
        self.pending: str | None = None  # "use" or "plan": what the next row holds
        self.plan_heads: list[tuple[int, str]] = []

    # -- locations ------------------------------------------------------------------

    def where(self, row: Row, column: str | None = None, value: str | None = None) -> Location:
        file = self.source if not row.table else f"{self.source} 第{row.table}个表格"
        return Location(file=file, row=row.line, column=column, value=value)

    # -- rows -----------------------------------------------------------------------

    def feed(self, row: Row) -> None:
        cells = list(row.cells)
        if not any(cells):
            return  # an extra blank row
        normed = [norm_label(c) for c in cells]
        if "一级指标" in normed and "三级指标" in normed:
            self._header(row, normed)
            return
        if any(_is_label(c) for c in cells):
            self.pending = None
            self._labels(row, cells, normed)
            return
        if self._unit_row(row, cells):
            return
        if self.open is None:
            return  # rows before the first project that carry nothing we know
        if self.pending == "use":
            self.open.use = "\n".join(c for c in cells if c and norm_label(c) not in _BLOCK_LABELS)
            self.pending = None
        elif self.pending == "plan":
            self._plan_values(row, cells)
            self.pending = None
        elif self.open.columns is not None:
            self._indicator(row, cells)

    def _unit_row(self, row: Row, cells: list[str]) -> bool:
        """A row of at most two cells: ``<unit code><unit name>`` and/or ``单位：万元``.

        Inside an indicator table a sparse indicator row could look like a unit line
        (``100001户…``), so there both cells are required.
        """
        texts = row.texts()
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
        in_table = self.open is not None and self.open.columns is not None
        if in_table and (money is None or code is None):
            return False
        self._close()
        if code is not None:
            self.unit_code, self.unit_name = code, name
        if money is not None:
            self.money_unit = money
        return True

    def _labels(self, row: Row, cells: list[str], normed: list[str]) -> None:
        for i, n in enumerate(normed):
            if n.startswith(_PLAN_LABEL):
                self._require_open(row, cells[i])
                self.plan_heads = [(j, cells[j]) for j in range(i + 1, len(cells)) if cells[j]]
                self.pending = "plan"
                continue
            key = _VALUE_LABELS.get(n)
            if key is None:
                continue
            value = cells[i + 1] if i + 1 < len(cells) and not _is_label(cells[i + 1]) else ""
            if key == "code":
                self._start(row, value)
            elif key == "goals":
                self._require_open(row, cells[i])
                rest = "\n".join(c for c in cells[i + 1:] if c)
                self.open.goals = split_lines(rest)
            else:
                self._require_open(row, cells[i])
                self._value(row, key, cells[i], value)

    def _require_open(self, row: Row, label: str) -> None:
        if self.open is None:
            raise DataError(
                "在“项目编码”之前出现了项目栏目",
                location=self.where(row, column=label),
                hint="每张绩效目标表应以“项目编码”“项目名称”开头；请检查表格是否完整。",
            )

    def _start(self, row: Row, code: str) -> None:
        self._close()
        code = code.strip()
        if not code:
            raise DataError(
                "项目编码为空",
                location=self.where(row, column="项目编码", value=code),
                hint="请在绩效目标表中填写项目编码。",
            )
        self.open = _Open(
            code=code,
            unit_code=self.unit_code,
            unit_name=self.unit_name,
            money_unit=self.money_unit,
            row=row,
        )

    def _value(self, row: Row, key: str, label: str, value: str) -> None:
        assert self.open is not None
        if key == "name":
            self.open.name = value.strip()
        elif key == "use":
            self.open.use = value.strip()
        else:  # an amount
            factor = MONEY_FACTORS[self.open.money_unit]
            self.open.funds[key] = parse_amount(
                value, factor, where=self.where(row, column=label, value=value)
            )
            self.pending = "use"

    def _plan_values(self, row: Row, cells: list[str]) -> None:
        assert self.open is not None
        for j, checkpoint in self.plan_heads:
            text = cells[j] if j < len(cells) else ""
            share = parse_share(text, where=self.where(row, column=checkpoint, value=text))
            if share is not None:
                self.open.plan[norm_label(checkpoint)] = share

    def _header(self, row: Row, normed: list[str]) -> None:
        if self.open is None:
            raise DataError(
                "指标表出现在“项目编码”之前",
                location=self.where(row, column="一级指标"),
                hint="请确认每张指标表前有项目编码和项目名称。",
            )
        columns: dict[str, int] = {}
        for i, n in enumerate(normed):
            key = _HEADERS.get(n)
            if key and key not in columns:
                columns[key] = i
        missing = [h for h in _REQUIRED_HEADERS if h not in columns]
        if missing:
            names = {"level1": "一级指标", "level3": "三级指标", "target": "指标值"}
            raise DataError(
                "指标表缺少必需的列：" + "、".join(names[m] for m in missing),
                location=self.where(row),
                hint="指标表至少需要“一级指标”“三级指标”“指标值”三列。",
            )
        self.open.columns = columns
        self.pending = None

    def _indicator(self, row: Row, cells: list[str]) -> None:
        o = self.open
        assert o is not None and o.columns is not None

        def get(key: str) -> str:
            i = o.columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        level1_cell, level2 = get("level1"), get("level2")
        if level1_cell:
            o.level1, o.block_weight = split_block_weight(level1_cell)
            o.level2 = ""
        elif not o.level1:
            raise DataError(
                "第一个指标行缺少一级指标",
                location=self.where(row, column="一级指标"),
                hint="请在指标表第一行填写一级指标（如 产出指标）。",
            )
        if level2:
            o.level2 = level2
        level3, target = get("level3"), get("target")
        if not level3:
            raise DataError(
                "指标行缺少三级指标名称",
                location=self.where(row, column="三级指标", value=" | ".join(c for c in cells if c)),
                hint="请填写三级指标名称，或删除这一行。",
            )
        weight = None
        if "weight" in o.columns:
            text = get("weight")
            weight = parse_weight(text, where=self.where(row, column="分值", value=text))
        o.indicators.append(
            Indicator(
                id=indicator_id(o.code, len(o.indicators) + 1),
                level1=o.level1,
                level2=o.level2,
                level3=level3,
                description=get("description"),
                target=target,
                basis=get("basis"),
                weight=weight,
                block_weight=o.block_weight,
            )
        )

    def _close(self) -> None:
        o, self.open = self.open, None
        self.pending = None
        if o is None:
            return
        funds = Funds(total=o.funds.get("total"), fiscal=o.funds.get("fiscal"), other=o.funds.get("other"))
        self.projects.append(
            Project(
                code=o.code,
                name=o.name,
                unit_code=o.unit_code,
                unit_name=o.unit_name,
                funds=funds,
                use=o.use,
                spending_plan=o.plan,
                goals=o.goals,
                indicators=o.indicators,
            )
        )
        self.units.append((o.unit_code, o.unit_name))
        self.money_units.append(o.money_unit)

    def finish(self) -> tuple[list[Project], Unit]:
        self._close()
        distinct = list(dict.fromkeys(self.units))
        code, name = distinct[0] if len(distinct) == 1 else (None, None)
        money = self.money_units[0] if self.money_units else self.money_unit
        return self.projects, Unit(code=code, name=name, money_unit=money)


def _year(paragraphs: list[Paragraph]) -> int | None:
    for p in paragraphs:
        m = _YEAR.search(p.text)
        if m:
            return int(m.group("y"))
    return None


def _department(paragraphs: list[Paragraph]) -> DepartmentGoals | None:
    """总体绩效目标 and 分项绩效目标 from the first part's paragraphs."""
    section = None
    overall: list[str] = []
    subgoals: list[dict] = []
    last_field = None
    for p in paragraphs:
        text = p.text.strip()
        if not text or _TOC_ENTRY.search(p.text):
            continue  # table-of-contents entries carry a page number
        part = _PART.match(text)
        if part:
            if part.group(1) != "一":
                section = None  # the project part: department goals end here
                if overall or subgoals:
                    break
            continue
        m = _SECTION.match(text)
        if m:
            title = m.group("title")
            section = "overall" if "总体绩效目标" in title else "sub" if "分项绩效目标" in title else None
            continue
        if section == "overall":
            overall.append(text)
        elif section == "sub":
            if (m := _SUBGOAL.match(text)) and not _GOAL_LINE.match(text):
                subgoals.append({"title": m.group("title").strip(), "goal": "", "indicator_text": ""})
                last_field = "title"
            elif not subgoals:
                continue
            elif m := _GOAL_LINE.match(text):
                subgoals[-1]["goal"], last_field = m.group("text").strip(), "goal"
            elif m := _MEASURE_LINE.match(text):
                subgoals[-1]["indicator_text"], last_field = m.group("text").strip(), "indicator_text"
            elif last_field in ("goal", "indicator_text"):
                subgoals[-1][last_field] += text  # a paragraph broken across lines
    if not overall and not subgoals:
        return None
    overall_text = "\n".join(overall)
    return DepartmentGoals(
        overall=overall_text,
        overall_indicators=goal_indicators(overall_text, prefix="DEPT-00", basis="部门整体绩效目标"),
        subgoals=[
            SubGoal(
                title=s["title"],
                goal=s["goal"],
                indicator_text=s["indicator_text"],
                indicators=goal_indicators(
                    s["indicator_text"], prefix=f"DEPT-{n:02d}", basis=f"分项绩效目标：{s['title']}"
                ),
            )
            for n, s in enumerate(subgoals, start=1)
        ],
    )


def targets_from_blocks(blocks: list[Block], *, source: str, year: int | None = None) -> Targets:
    """Interpret a document's blocks. ``year`` (``--year``) overrides the title's year.

    Raises FormatError when the blocks hold neither a 绩效目标表 nor department goals.
    """
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    reader = _Interpreter(source)
    first_row_seen = False
    department_paragraphs: list[Paragraph] = []
    for b in blocks:
        if isinstance(b, Row):
            first_row_seen = True
            reader.feed(b)
        elif not first_row_seen:
            department_paragraphs.append(b)
    projects, unit = reader.finish()
    department = _department(department_paragraphs)
    if not projects and department is None:
        raise FormatError(
            "不是预算绩效目标文本：没有找到绩效目标表（含“项目编码”“一级指标”“指标值”的表格），"
            "也没有找到“总体绩效目标”或“分项绩效目标”",
            location=Location(file=source),
            hint="请提供部门预算绩效文本（.docx 或其文本导出 .txt），或每行一个指标的长表（.csv/.xlsx）。",
        )
    return Targets(
        year=year if year is not None else _year(paragraphs),
        unit=unit,
        department_goals=department,
        projects=projects,
    )

