"""What a 绩效文本 says outside its tables: the budget year in its title, and the department's
goals (部门整体绩效目标) in the paragraphs of its first part: the text under ``一、总体绩效目标``
and each ``（一）…`` sub-goal under ``二、分项绩效目标`` with its ``绩效目标：`` and ``绩效指标：`` lines.
"""

from __future__ import annotations

import re

from perfscore.model import DepartmentGoals, SubGoal
from perfscore.readers.goals import goal_indicators
from perfscore.readers.grid import Document, Table, Text
from perfscore.values.simplified import to_simplified

_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度?\s*(?:部门)?\s*(?:预算)?\s*(?:项目)?\s*绩效")
# A title such as ``鄂州市2022年市直部门预算项目支出绩效目标表``: a year, then 绩效 within a few words.
_TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度?[^，。；\n\d]{0,16}?绩效")
_TOC_ENTRY = re.compile(r"\t\s*\d+\s*$")
_PART = re.compile(r"^第([一二三四五六七八九十]+)部分")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、\s*(?P<title>.*)$")
_SUBGOAL = re.compile(r"^[（(][一二三四五六七八九十]+[)）]\s*(?P<title>.+)$")
_GOAL_LINE = re.compile(r"^绩效目标\s*[:：]\s*(?P<text>.*)$")
_MEASURE_LINE = re.compile(r"^绩效指标\s*[:：]\s*(?P<text>.*)$")


def document_year(texts: list[str], document: Document) -> int | None:
    """The budget year of the document's title: the paragraphs first, then its tables' first rows."""
    for t in texts:
        m = _YEAR.search(t)
        if m:
            return int(m.group("y"))
    candidates = list(texts)
    for block in document.blocks:
        if isinstance(block, Table):
            candidates += [c.text for c in block.cells if c.row < 4]
    for t in candidates:
        m = _TITLE_YEAR.search(to_simplified(t))
        if m:
            return int(m.group("y"))
    return None


def department_goals(paragraphs: list[Text]) -> DepartmentGoals | None:
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
