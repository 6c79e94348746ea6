"""Derived weights (AHP, entropy) as a scoring profile that ``evaluate --profile`` uses.

Criteria map onto a profile by level:

- 一级 criteria are the profile's blocks (产出指标 …): their weights × the indicator points
  (total − execution, 90 in mof-2020) become the block weights, to the profile's rounding
  quantum, largest remainder so they add up exactly;
- 二级 / 三级 criteria become ``[indicator_weights] level2`` / ``level3``: relative weights
  the engine uses to split each block over its indicators (weights/README.md).

The table returned here is what the TOML file holds: ``extends`` the base profile and
overrides only these keys, plus ``split.table_weights = "ignore"`` so that 分值 printed
in the targets table do not silently take precedence over the derived weights.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from perfscore.errors import UsageError
from perfscore.scoring.numeric import apportion_quanta, from_quanta
from perfscore.scoring.profile import Profile, _merge, profile_from_dict

Level = Literal["一级", "二级", "三级"]
LEVELS: tuple[Level, ...] = ("一级", "二级", "三级")
# Relative 二级 / 三级 weights are written with this many decimals: ample for splitting
# 0.01-point quanta, and short enough to read.
RELATIVE_DIGITS = 6


def guess_level(names: list[str] | tuple[str, ...], base: Profile) -> Level | None:
    """一级 when every name is one of the base profile's blocks; otherwise unknown (None)."""
    return "一级" if names and all(base.block_of(n, "") for n in names) else None


def block_points(weights: dict[str, float], base: Profile) -> dict[str, float]:
    """一级 weights (summing to 1) → block weights in points, summing to the indicator total."""
    if base.split.method == "explicit":
        raise UsageError(f"基础方案「{base.name}」按目标表中的分值计分（split.method = \"explicit\"），不使用一级权重",
                         hint="请用 --base mof-2020 或其他按一级权重分配的方案。")
    keys: dict[str, str] = {}
    for name in weights:
        block = base.block_of(name, "")
        if block is None:
            raise UsageError(f"一级准则「{name}」不是基础方案「{base.name}」的一级指标",
                             hint=f"一级准则应是 {'、'.join(base.blocks)}；二级、三级准则请用 --level 二级 或 --level 三级。")
        if block in keys.values():
            other = next(k for k, v in keys.items() if v == block)
            raise UsageError(f"一级准则「{other}」和「{name}」都对应一级指标「{block}」",
                             hint="一级判断矩阵中每个一级指标只写一次。")
        keys[name] = block
    missing = [b for b, blk in base.blocks.items() if blk.weight and b not in keys.values()]
    if missing:
        raise UsageError(f"判断矩阵没有基础方案「{base.name}」的一级指标 {'、'.join(missing)}",
                         hint="一级判断矩阵应包含基础方案的全部一级指标（执行率的分值不变）。")
    digits = base.rounding.digits
    total_q = round(base.indicator_total * 10 ** digits)
    share = np.array(list(weights.values()), dtype=float)
    q = apportion_quanta(np.full(len(share), total_q, dtype=float), share, np.zeros(len(share), dtype=np.int64))
    return {keys[name]: float(v) for name, v in zip(weights, from_quanta(q, digits))}


def _relative(weights: dict[str, float]) -> dict[str, float]:
    return {"".join(k.split()): round(float(v), RELATIVE_DIGITS) for k, v in weights.items()}


def profile_table(base_name: str, base: Profile, *, name: str, description: str, basis: str,
                  level1: dict[str, float] | None = None, level2: dict[str, float] | None = None,
                  level3: dict[str, float] | None = None) -> dict:
    """The TOML table of a derived profile; validated against the base before it is returned."""
    table: dict = {"extends": base_name, "name": name, "description": description, "basis": basis}
    if level1:
        table["blocks"] = block_points(level1, base)
    split: dict = {"table_weights": "ignore"}
    if level2:
        split["method"] = "by_level2"
    table["split"] = split
    weights: dict = {}
    if level2:
        weights["level2"] = _relative(level2)
    if level3:
        weights["level3"] = _relative(level3)
    if weights:
        table["indicator_weights"] = weights
    raw = {k: v for k, v in table.items() if k != "extends"}
    profile_from_dict(_merge(base.model_dump(mode="python", exclude_none=True), raw), source=f"{name}.toml")
    return table

