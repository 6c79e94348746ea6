"""Dates: deadlines of targets (``2023年底前完成``, ``6月底前``, ``上半年``, ``第三季度``) and
dates of actuals (``2023-11-30``, ``2023年11月``).

A period (a month, a quarter, a half, a year) stands for its last day: ``6月底前`` and
``上半年`` are both 06-30. A deadline that names no year takes the evaluation year; with
no evaluation year it stays unresolved (never guessed).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12}


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return _CN_SMALL.get(text)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class DatePoint:
    """A day named by the text; ``year`` None when the text did not say which year."""

    year: int | None
    month: int
    day: int | None          # None: the end of the month
    note: str | None = None  # how a loose form was read

    def resolve(self, default_year: int | None) -> date | None:
        year = self.year if self.year is not None else default_year
        if year is None:
            return None
        if self.day is None:
            return month_end(year, self.month)
        return date(year, self.month, self.day)


_Y = r"(?P<y>(?:19|20)\d{2})年?"
_M = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Each alternative is tried as a full match on the date part of the text.
_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:日|号)?(?:00:00(?::00)?)?"), "ymd"),
    (re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?P<d>\d{1,2})(?:日|号)"), "ymd"),
    (re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"), "ymd"),
    (re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?(?P<end>底|末|份)?"), "ym"),
    (re.compile(r"(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})"), "ym"),
    (re.compile(r"(?P<y>(?:19|20)\d{2})年(?:度)?(?P<end>年底|年末|底|末|内|度内|全年)?"), "y"),
    (re.compile(rf"(?:{_Y})?(?:本年|今年|当年)?(?P<half>上半年|下半年)"), "half"),
    (re.compile(rf"(?:{_Y})?(?:本年|今年|当年)?第?(?P<q>[一二三四1-4])季度(?:末|底)?"), "quarter"),
    (re.compile(rf"(?:{_Y})?{_M}月(?:份)?(?P<ten>上旬|中旬|下旬)"), "xun"),
    (re.compile(r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?P<d>\d{1,2})(?:日|号)"), "md"),
    (re.compile(r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?(?P<end>底|末|份)?"), "m"),
    (re.compile(r"(?:本年|今年|当年|年|本年度|年度|当年度|今年年)(?:底|末|内|度内)?|年内|全年|年度内|本年度内"), "this_year"),
]

# Every deadline form holds one of these; most targets (≥95%) hold none and skip the forms.
_DATE_HINT = re.compile(r"[年月日季旬号]|\d{4}[-/.]\d|\d{8}")

_PREFIX = re.compile(r"^(?:计划|预计|力争|确保|要求|须|需|应|务必|项目|工作|任务)?(?:于|在|截至|截止到|截止至|截止|到|至)?")
_VERBS = (r"(?:完成|完工|竣工|结束|办结|到位|实施完毕|发放完毕|发放到位|发放|支付完毕|支付|拨付|验收|交付|上报|"
          r"结算|投入使用)")
_SUFFIX = re.compile(
    r"(?:之前|以前|前|之内|以内|内|止|为止)?"
    r"(?:全部|基本|全面|按时|按期)?"
    rf"{_VERBS}?"
    r"(?:任务|工作|目标)?$"
)
# ``2023年10月底前完成验收``, ``6月底前完成道路硬化``: a date, a deadline word, a verb and
# free words (no digits, no rate: ``6月底前完成率95%`` is not a deadline).
_FREE_TAIL = re.compile(
    r"(?P<core>.+?)(?:之前|以前|前|之内|以内|内)(?:全部|基本|全面|按时|按期)?"
    rf"(?P<free>{_VERBS}[\u4e00-\u9fff]{{1,20}})"
)


def _point(match: re.Match[str], form: str) -> DatePoint | None:
    g = match.groupdict()
    year = int(g["y"]) if g.get("y") else None
    if form in ("ymd", "md"):
        return DatePoint(year, _month_number(g["m"]) or 0, int(g["d"]))
    if form in ("ym", "m"):
        return DatePoint(year, _month_number(g["m"]) or 0, None)
    if form == "y":
        return DatePoint(year, 12, None)
    if form == "half":
        return DatePoint(year, 6 if g["half"] == "上半年" else 12, None)
    if form == "quarter":
        return DatePoint(year, 3 * _CN_Q[g["q"]], None)
    if form == "xun":
        month = _month_number(g["m"]) or 0
        day = {"上旬": 10, "中旬": 20}.get(g["ten"])
        return DatePoint(year, month, day)
    if form == "this_year":
        return DatePoint(None, 12, None)
    return None  # pragma: no cover


def _valid(point: DatePoint) -> bool:
    try:
        point.resolve(point.year or 2000)
    except ValueError:
        return False
    return True


def match_date(text: str) -> DatePoint | None | bool:
    """The date a whole string names (no surrounding words). None: not a date form;
    False: a date form naming a day that does not exist (2023-02-30)."""
    for pattern, form in _FORMS:
        m = pattern.fullmatch(text)
        if m:
            point = _point(m, form)
            if point is None or not _valid(point):
                return False
            return point
    return None


@dataclass(frozen=True)
class DeadlineReading:
    deadline: str | None   # ISO date, None when no year is known
    reason: str | None


def parse_deadline(text: str, year: int | None) -> DeadlineReading | None:
    """Read a deadline target (``2023年底前完成``, ``6月底前``, ``第三季度``); None if the
    text is not a deadline form. ``year`` resolves dates that name no year."""
    if not text or not _DATE_HINT.search(text):
        return None
    head = _PREFIX.match(text)
    rest = text[head.end():] if head else text
    tail = _SUFFIX.search(rest)
    core = rest[: tail.start()] if tail else rest
    suffix = rest[tail.start():] if tail else ""
    if not core:
        return None
    point = match_date(core)
    notes = []
    if point is None:
        free = _FREE_TAIL.fullmatch(rest)
        if free is None or "率" in free["free"]:
            return None
        core, suffix = free["core"], rest[len(free["core"]):]
        point = match_date(core)
        if point is None:
            return None
        notes.append(f"按「{core}」前完成理解，其后的「{free['free']}」视为说明")
    if point is False:
        return DeadlineReading(None, f"日期「{core}」不存在")
    # A bare month (``12月``) or year (``2023年``) without any deadline word is still
    # read as a deadline; ``6月前`` is read as the end of June, as tables mean it.
    if re.fullmatch(r".*\d{1,2}月|.*[一二三四五六七八九十]月", core) and suffix.startswith(("前", "之前", "以前")):
        notes.insert(0, f"「{core}前」按{core}底理解")
    note = "；".join(notes) or None
    resolved = point.resolve(year)
    if resolved is None:
        return DeadlineReading(None, f"「{text}」未写年份，且未给出评价年度，无法确定具体日期")
    return DeadlineReading(resolved.isoformat(), note)


def date_prefix(text: str) -> tuple[str, str] | None:
    """(date, rest) when ``text`` begins with a date form followed by other words that
    made it no deadline (``2023年10月底前完成率95%``): for a reason that names the date
    instead of complaining about its digits."""
    head = _PREFIX.match(text)
    rest = text[head.end():] if head else text
    for end in range(len(rest) - 1, 1, -1):
        if _DATE_HINT.search(rest[:end]) and match_date(rest[:end]):
            return rest[:end], rest[end:]
    return None


_EXCEL_EPOCH = date(1899, 12, 30)
def parse_actual_date(text: str, default_year: int | None) -> tuple[str | None, str | None] | None:
    """Read the date of an actual (``2023-11-30``, ``2023年11月`` → 2023-11-30).

    Returns (iso, reason) — iso None with a reason when the date cannot be fixed —
    or None when the text is not a date at all.
    """
    tail = _SUFFIX.search(text)
    core = text[: tail.start()] if tail and tail.start() > 0 else text
    core = re.sub(r"^(?:于|在|截至|已于|实际于|已在)", "", core)
    point = match_date(core)
    if point is None:
        return None
    if point is False:
        return None, f"日期「{core}」不存在"
    resolved = point.resolve(default_year)
    if resolved is None:
        return None, f"「{text}」未写年份，无法确定日期"
    return resolved.isoformat(), None


def excel_serial(value: float) -> str | None:
    """An Excel day number (45260 → 2023-11-30) within 2000–2099, else None."""
    if value != int(value) or not 36526 <= value <= 73050:
        return None
    return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
