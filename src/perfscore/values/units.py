"""Units of measure: their dimension and how they convert inside it.

A unit converts only within its dimension (公里 ↔ 米, 吨 ↔ 千克, 天 ↔ 小时, 元 ↔ 万元,
% ↔ ‰); different dimensions are never compared. Money is always held in 元, so its
factor is applied at parse time; every other unit keeps the name it was written in
and is converted to the target's unit when an actual is read.

Count nouns (个, 次, 人 …) each form their own unit: 5 人 and 5 次 are not comparable.
The generic classifier 个 is the one exception — it counts anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Unit:
    name: str          # the canonical spelling (``平方米`` for ``㎡``, ``m2``, ``平米``)
    dimension: str     # money, percent, permille, count, length, area, volume, mass, …
    factor: Decimal    # size in the dimension's base unit


# dimension → the family inside which values convert (percent and permille are both ratios)
_FAMILY = {"percent": "ratio", "permille": "ratio"}

_TABLE: list[tuple[str, str, str, tuple[str, ...]]] = [
    # name, dimension, factor to base, other spellings
    ("元", "money", "1", ()),
    ("千元", "money", "1e3", ()),
    ("万元", "money", "1e4", ()),
    ("百万元", "money", "1e6", ()),
    ("千万元", "money", "1e7", ()),
    ("亿元", "money", "1e8", ()),
    ("%", "percent", "0.01", ("百分比",)),
    ("‰", "permille", "0.001", ()),
    ("米", "length", "1", ("m", "延米")),
    ("厘米", "length", "0.01", ("cm",)),
    ("公里", "length", "1000", ("千米", "km")),
    ("平方米", "area", "1", ("m2", "平米")),
    ("平方公里", "area", "1e6", ("km2",)),
    ("公顷", "area", "1e4", ()),
    ("亩", "area", "666.6666666666666666666666667", ()),
    ("立方米", "volume", "1", ("m3", "方")),
    ("升", "volume", "0.001", ("L",)),
    ("吨", "mass", "1000", ("t",)),
    ("千克", "mass", "1", ("公斤", "kg")),
    ("克", "mass", "0.001", ("g",)),
    ("斤", "mass", "0.5", ()),
    ("秒", "duration", "1", ()),
    ("分钟", "duration", "60", ("分鐘",)),
    ("小时", "duration", "3600", ("个小时", "h")),
    ("天", "duration", "86400", ("日",)),
    ("周", "duration", "604800", ("星期", "个星期")),
    ("月", "months", "1", ("个月",)),
    ("季度", "months", "3", ("个季度",)),
    ("年", "months", "12", ()),
    ("工作日", "workdays", "1", ("个工作日",)),
    ("千瓦时", "energy", "1", ("kWh", "kwh")),
    ("分", "score", "1", ()),
    ("倍", "multiple", "1", ()),     # ≥1.5倍: a multiple of a base the indicator names
]

# Count nouns (量词 and a few nouns used as units). Each is its own unit.
COUNT_NOUNS = (
    "人次 户次 车次 架次 班次 批次 课时 学时 个 次 人 户 辆 台 件 项 所 家 场 期 篇 份 册 套 座 条 处 名 批 棵 株 "
    "间 张 本 位 支 只 头 匹 块 根 栋 幢 层 类 种 门 节 届 轮 起 宗 例 床 部 首 幅 枚 盏 口 眼 组 队 站 "
    "回 趟 遍 单 笔 宗 份 对 副 把 片 段 座 所 套 卷 册 集 档 级 道 餐 顿 针 剂 粒 袋 箱 包 桶 瓶 "
    "村 社区 小区 企业 学校 人员 户数 篇次 期次 场次 家次 人天"
).split()

UNITS: dict[str, Unit] = {}
for _name, _dim, _factor, _aliases in _TABLE:
    _unit = Unit(_name, _dim, Decimal(_factor))
    for _spelling in (_name, *_aliases):
        UNITS[_spelling] = _unit
for _noun in COUNT_NOUNS:
    UNITS.setdefault(_noun, Unit(_noun, "count", Decimal(1)))
UNITS["名"] = Unit("人", "count", Decimal(1))   # 名 counts people, like 人

MONEY_UNIT = UNITS["元"]

# Spellings for the regex, longest first so that 人次 wins over 人 and 万元 over 元.
SPELLINGS = sorted(UNITS, key=len, reverse=True)


def lookup(spelling: str | None) -> Unit | None:
    return UNITS.get(spelling) if spelling else None


def family(dimension: str | None) -> str | None:
    return _FAMILY.get(dimension, dimension) if dimension else None


def comparable(a: Unit, b: Unit) -> bool:
    """Whether a value in ``a`` can be converted to ``b``."""
    if a.dimension == "count" and b.dimension == "count":
        return a.name == b.name or "个" in (a.name, b.name)
    return family(a.dimension) == family(b.dimension)


def convert(value: float, source: str, target: str) -> float:
    """Convert ``value`` from unit ``source`` to unit ``target`` (same family only).

    Raises ValueError for units of different dimensions; callers turn that into an
    unreadable reading with a reason, never a number.
    """
    a, b = UNITS.get(source), UNITS.get(target)
    if a is None or b is None or not comparable(a, b):
        raise ValueError(f"{source} → {target}")
    if a.factor == b.factor:
        return value
    return float(Decimal(repr(value)) * a.factor / b.factor)
