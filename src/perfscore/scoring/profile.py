"""Scoring profiles (评分方案): the rules and weights a finance bureau can read and change.

A profile is a TOML file in ``weights/`` (see ``weights/README.md`` for every key).
It is read with :mod:`tomllib` and validated with pydantic models that refuse
unknown keys, so a misspelt key is an error naming the key, never silently ignored.
``extends = "other"`` takes every setting from another profile and overrides only
the keys it gives (a deep merge of tables).

Every default of ``domain.md`` §4 lives here as a profile setting; the engine has no
buried constants.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

import perfscore
from perfscore.errors import Location, ProfileError
from perfscore.values.simplified import to_simplified

DEFAULT_PROFILE = "mof-2020"

# The three qualitative tiers (达成 / 部分达成 / 未达成), best first.
TIER_NAMES = ("达成", "部分达成", "未达成")


def weights_dir() -> Path:
    """The folder of named profiles: the repository's ``weights/`` in a source checkout or
    editable install; in a built wheel the copy packaged as ``perfscore/profiles/`` (in the
    repository that is a link to ``weights/``, so there is one set of files)."""
    package = Path(perfscore.__file__).resolve().parent
    repo = package.parents[1] / "weights"
    return repo if repo.is_dir() else package / "profiles"


_NUMBERS = (float, int, float | None, int | None)


def _no_text_or_bool_for_numbers(model: type[BaseModel], value: Any, field_name: str) -> Any:
    """pydantic's lax mode reads "50" and true as numbers; in a profile that is a typo to
    report (weight = "50" or weight = true), not a weight to guess."""
    if isinstance(value, (str, bool)) and model.model_fields[field_name].annotation in _NUMBERS:
        raise PydanticCustomError("float_type", "应为数字")
    return value


class _Section(BaseModel):
    # allow_inf_nan=False: TOML's nan / inf is an error naming the key, not a weight.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        return _no_text_or_bool_for_numbers(cls, value, info.field_name)


class Execution(_Section):
    """预算执行率: rate = 全年执行数 / denominator; score = min(rate, 1) × weight."""

    weight: float = Field(10.0, ge=0, le=100, description="执行率分值 w_exec")
    denominator: Literal["full_year", "initial"] = Field(
        "full_year", description="full_year = 全年预算数, initial = 年初预算数")
    fallback_to_initial: bool = Field(
        True, description="全年预算数未填时改用年初预算数 (and flag it)")
    low_rate: float = Field(0.90, ge=0, le=1, description="执行率低于此值需说明原因")
    # Variants of provincial and city practice (weights/README.md names the sources).
    method: Literal["proportional", "bands", "penalty"] = Field(
        "proportional", description="proportional: min(rate,1)×w; bands: the share of the band the rate "
        "falls in; penalty: w − penalty_per_point × (100 − rate%)")
    bands: tuple[tuple[float, float], ...] = Field(
        (), description="bands: (lowest rate, share of w), highest first; below the last → 0")
    penalty_per_point: float = Field(0.0, ge=0, description="penalty: points off per percentage point below 100%")
    whole_points: Literal["none", "floor", "round"] = Field(
        "none", description="execution score floored or rounded (half up) to whole points")
    caps: tuple[tuple[float, float], ...] = Field(
        (), description="caps on the project total by rate: (rate below which, highest total), any order")
    indicator_names: tuple[str, ...] = Field(
        ("预算执行率", "资金执行率", "项目预算执行率", "预算资金执行率"),
        description="三级指标 names scored by this execution rule when the table holds the rate as a row")


class Block(_Section):
    """One 一级 block: its weight and which labels fall into it."""

    weight: float | None = Field(None, ge=0, le=100)
    level1: tuple[str, ...] = Field((), description="一级指标 labels counted in this block")
    level2: tuple[str, ...] = Field(
        (), description="二级指标 labels lifted into this block whatever their 一级 (成本指标, 101号)")


class Split(_Section):
    """How a block's weight is split over its indicators."""

    method: Literal["equal", "by_level2", "explicit"] = "equal"
    table_weights: Literal["when_complete", "ignore"] = Field(
        "when_complete",
        description="equal/by_level2: use the table's 分值 for a project when every indicator has one")


class IndicatorWeights(_Section):
    """Relative weights of 二级 / 三级 indicators by name (e.g. derived by ``perfscore weights``).

    Within a block, the block weight is split over the project's 二级 in proportion to
    ``level2`` (then over each 二级's 三级), or over its 三级 in proportion to ``level3``;
    only ratios within one group matter. A group with a name not listed is split equally,
    with a warning naming it (weights/README.md)."""

    level2: dict[str, float] = Field(default_factory=dict, description="二级指标名称 → 相对权重")
    level3: dict[str, float] = Field(default_factory=dict, description="三级指标名称 → 相对权重")

    @field_validator("level2", "level3", mode="before")
    @classmethod
    def _non_negative(cls, value: Any, info: ValidationInfo) -> Any:
        # Checked before pydantic's lax mode could read "0.5" or true as a number.
        if not isinstance(value, dict):
            return value
        bad = [k for k, v in value.items() if not (isinstance(v, (int, float)) and not isinstance(v, bool)
                                                   and math.isfinite(v) and v >= 0)]
        if bad:
            raise ValueError(f"indicator_weights.{info.field_name}：相对权重应为非负数字（{'、'.join(map(str, bad))}）")
        # Names are matched without whitespace, as the engine reads the table's labels.
        return {"".join(str(k).split()): v for k, v in value.items()}

    def __bool__(self) -> bool:
        return bool(self.level2 or self.level3)


class Rules(_Section):
    """The formula per kind of target."""

    le: Literal["ratio", "linear"] = Field("ratio", description="≤: ratio = w×T/A, linear = w×(1−(A−T)/T)")
    eq: Literal["deviation", "ge"] = Field("deviation", description="=: symmetric deviation, or like ≥")


class Tier(_Section):
    low: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)
    point: float = Field(ge=0, le=1, description="default share of the weight in this tier")


def _default_tiers() -> dict[str, Tier]:
    return {
        "达成": Tier(low=0.8, high=1.0, point=1.0),
        "部分达成": Tier(low=0.6, high=0.8, point=0.7),
        "未达成": Tier(low=0.0, high=0.6, point=0.3),
    }


class Deadline(_Section):
    grace_days: int = Field(90, ge=0, description="逾期宽限天数: late within it → late_tier")
    late_tier: Literal["达成", "部分达成", "未达成"] = "部分达成"
    beyond_tier: Literal["达成", "部分达成", "未达成"] = "未达成"
    not_completed_tier: Literal["达成", "部分达成", "未达成"] = "未达成"


class GradeLadder(_Section):
    one_below: Literal["达成", "部分达成", "未达成"] = "部分达成"
    further: Literal["达成", "部分达成", "未达成"] = "未达成"


class Overshoot(_Section):
    threshold: float = Field(1.30, gt=1, description="实际/目标 ≥ threshold → 指标值可能设置偏低")
    deduct: bool = Field(False, description="deduct for the part beyond the threshold")
    deduct_cap: float = Field(0.5, ge=0, le=1, description="the deduction never exceeds this share of w")
    deduct_points: float = Field(0.0, ge=0, description="a fixed deduction (points) at or past the threshold, "
                                 "instead of the proportional one; 0 = off")


class NotApplicable(_Section):
    mode: Literal["rescale", "full"] = Field(
        "rescale", description="rescale: drop and re-scale to 100; full: count as full score")
    missing_block: Literal["rescale", "zero"] = Field(
        "rescale", description="a block with no indicator in a project (e.g. no 满意度)")


class NeedsReview(_Section):
    mode: Literal["zero", "exclude"] = Field(
        "zero", description="zero: weight stays in the denominator, counts 0 until reviewed")


class Rounding(_Section):
    digits: int = Field(2, ge=0, le=4)
    mode: Literal["half_up", "half_even"] = "half_up"


class Survey(_Section):
    confidence: float = Field(0.95, gt=0, lt=1)
    method: Literal["wilson", "exact"] = Field("wilson", description="exact = Clopper-Pearson")


class Monitoring(_Section):
    lag_tolerance: float = Field(0.0, ge=0, description="percentage points of lag tolerated")


class Department(_Section):
    execution_weight: float = Field(10.0, ge=0, le=100)
    indicator_weight: float = Field(90.0, ge=0, le=100)
    weighting: Literal["budget", "equal"] = "budget"


class Profile(BaseModel):
    """A resolved scoring profile."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        return _no_text_or_bool_for_numbers(cls, value, info.field_name)

    name: str
    description: str = ""
    basis: str = Field("", description="the published rules it follows")
    total: float = Field(100.0, gt=0)
    execution: Execution = Execution()
    blocks: dict[str, Block] = Field(default_factory=dict)
    split: Split = Split()
    indicator_weights: IndicatorWeights = IndicatorWeights()
    rules: Rules = Rules()
    tiers: dict[str, Tier] = Field(default_factory=_default_tiers)
    grade_ladder: GradeLadder = GradeLadder()
    deadline: Deadline = Deadline()
    overshoot: Overshoot = Overshoot()
    not_applicable: NotApplicable = NotApplicable()
    needs_review: NeedsReview = NeedsReview()
    rounding: Rounding = Rounding()
    grades: dict[str, float] = Field(default_factory=lambda: {"优": 90.0, "良": 80.0, "中": 60.0, "差": 0.0})
    survey: Survey = Survey()
    monitoring: Monitoring = Monitoring()
    department: Department = Department()
    checks: dict[str, Any] = Field(default_factory=dict, description="interpreted by perfscore.checks")

    @field_validator("blocks", mode="before")
    @classmethod
    def _block_shorthand(cls, value: Any) -> Any:
        # `产出指标 = 50` is shorthand for `[blocks.产出指标] weight = 50`.
        if isinstance(value, dict):
            return {k: ({"weight": v} if isinstance(v, (int, float)) else v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Profile":
        problems = _consistency_problems(self)
        if problems:
            raise ValueError("；".join(problems))
        return self

    # --- lookups used by the engine -------------------------------------------------

    def block_of(self, level1: str, level2: str) -> str | None:
        """The block an indicator falls into, or None when the profile has no block for it."""
        for name, block in self.blocks.items():
            if level2 and _norm(level2) in {_norm(x) for x in block.level2}:
                return name
        key = _norm(level1)
        for name, block in self.blocks.items():
            if key == _norm(name) or key in {_norm(x) for x in block.level1}:
                return name
        return None

    def grade_of(self, total: float) -> str:
        if total is None or (isinstance(total, float) and math.isnan(total)):
            return ""
        for grade, floor in sorted(self.grades.items(), key=lambda kv: -kv[1]):
            if total >= floor:
                return grade
        return ""

    @property
    def indicator_total(self) -> float:
        """What the indicators add up to: total − execution weight (90 by default)."""
        return self.total - self.execution.weight


def _norm(label: str) -> str:
    # 产出指标 / 产出 / '产出指标 ' / 產出指標 (traditional) all name the same block.
    text = to_simplified("".join(str(label).split()))
    return text[:-2] if text.endswith("指标") and len(text) > 2 else text


def fmt_number(x: float) -> str:
    return f"{x:g}"


def _consistency_problems(p: Profile) -> list[str]:
    problems: list[str] = []
    if not p.blocks:
        problems.append("blocks：至少需要一个一级指标块")
    if p.split.method != "explicit":
        missing = [k for k, b in p.blocks.items() if b.weight is None]
        if missing:
            problems.append(f"blocks：按 split.method = \"{p.split.method}\" 分配时，一级指标块 {'、'.join(missing)} 必须给出 weight")
        else:
            total = sum(b.weight for b in p.blocks.values()) + p.execution.weight
            if abs(total - p.total) > 1e-9:
                gap = p.total - total
                parts = " + ".join(f"{k} {fmt_number(b.weight)}" for k, b in p.blocks.items())
                problems.append(
                    f"blocks：一级权重 {parts} 加执行率 {fmt_number(p.execution.weight)} 合计 {fmt_number(total)}，"
                    f"应为 {fmt_number(p.total)}（{'少' if gap > 0 else '多'} {fmt_number(abs(gap))}）")
    seen: dict[str, str] = {}
    for name, block in p.blocks.items():
        for label in (name, *block.level1):
            key = "1:" + _norm(label)
            if key in seen and seen[key] != name:
                problems.append(f"blocks：一级标签「{label}」同时属于 {seen[key]} 和 {name}")
            seen[key] = name
        for label in block.level2:
            key = "2:" + _norm(label)
            if key in seen and seen[key] != name:
                problems.append(f"blocks：二级标签「{label}」同时属于 {seen[key]} 和 {name}")
            seen[key] = name
    if set(p.tiers) != set(TIER_NAMES):
        problems.append(f"tiers：必须且只能有 {'、'.join(TIER_NAMES)} 三档，现为 {'、'.join(p.tiers) or '无'}")
    else:
        for name, t in p.tiers.items():
            if not t.low <= t.point <= t.high:
                problems.append(f"tiers.{name}：默认得分率 point = {fmt_number(t.point)} 不在本档 [{fmt_number(t.low)}, {fmt_number(t.high)}] 内")
        a, b, c = (p.tiers[n] for n in TIER_NAMES)
        if not (a.high == 1 and a.low == b.high and b.low == c.high and c.low == 0):
            problems.append("tiers：三档区间必须首尾相接覆盖 0–1（未达成 [0, 部分达成.low)，部分达成 [.., 达成.low)，达成 [.., 1]）")
    if not p.grades or min(p.grades.values()) != 0:
        problems.append("grades：最低一档的下限必须为 0，使每个总分都有等级")
    if abs(p.department.execution_weight + p.department.indicator_weight - p.total) > 1e-9:
        problems.append(
            f"department：execution_weight {fmt_number(p.department.execution_weight)} + indicator_weight "
            f"{fmt_number(p.department.indicator_weight)} 应等于 total {fmt_number(p.total)}")
    return problems


# --- loading ---------------------------------------------------------------------------


def _merge(base: dict, over: dict) -> dict:
    """Deep merge; the overriding table's keys come first, in its order (so a profile that
    re-lists its blocks also sets their column order), then the base's other keys."""
    out = {}
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    for key, value in base.items():
        out.setdefault(key, value)
    return out


def is_profile_path(name_or_path: str | Path) -> bool:
    """A .toml path rather than the name of a profile in ``weights/``."""
    text = str(name_or_path)
    return Path(text).suffix == ".toml" or "/" in text or "\\" in text


def _resolve_path(name_or_path: str | Path, *, beside: Path | None = None) -> Path:
    """The file of a profile name or path. A relative path in ``extends`` (``beside`` = the
    folder of the profile naming it) is looked up beside that profile first, so a profile
    and its base can be moved together; failing that, from the working folder as before."""
    text = str(name_or_path)
    p = Path(text)
    if is_profile_path(text):
        if beside is not None and not p.is_absolute() and (beside / p).is_file():
            return beside / p
        return p
    return weights_dir() / f"{text}.toml"


def _read_raw(path: Path, chain: tuple[str, ...] = ()) -> dict:
    shown = path.name if path.parent == weights_dir() else str(path)
    if not path.is_file():
        names = "、".join(list_profiles()) or "无"
        raise ProfileError("找不到评分方案文件", location=Location(file=shown),
                           hint=f"可用的评分方案：{names}；也可给出 .toml 文件路径。")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProfileError("评分方案文件不是UTF-8编码", location=Location(file=shown),
                           hint="请在记事本/编辑器中把文件“另存为” UTF-8 编码。") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where in English ("... (at line 3, column 7)"): give the row in Chinese.
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        detail = str(exc)[: at.start()].strip() if at else str(exc)
        raise ProfileError(
            "评分方案不是合法的TOML" + (f"（第{at.group(1)}行第{at.group(2)}列）" if at else "") + f"：{detail}",
            location=Location(file=shown, row=int(at.group(1)) if at else None),
            hint="请检查该行的等号、引号和方括号（中文键名要加英文双引号，如 \"产出指标\" = 50）；各键的含义见 weights/README.md。",
        ) from None
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise ProfileError("extends 必须是评分方案名称", location=Location(file=shown, column="extends"),
                           hint='例如：extends = "mof-2020"。')
    if parent in chain:
        raise ProfileError(f"extends 形成循环：{' → '.join((*chain, parent))}",
                           location=Location(file=shown, column="extends"),
                           hint="extends 应指向另一个评分方案（如 mof-2020），不能直接或间接指向自己。")
    base = _read_raw(_resolve_path(parent, beside=path.parent), (*chain, parent))
    base.pop("name", None)
    base.pop("description", None)
    return _merge(base, raw)


# pydantic error type → what a user is told (in Chinese); ``ctx`` fills the bounds.
_ERROR_TEXT = {
    "less_than_equal": "应不大于 {le}", "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}", "greater_than": "应大于 {gt}",
    "finite_number": "应为有限数字", "float_parsing": "应为数字", "float_type": "应为数字",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为文本（加双引号）", "dict_type": "应为表（[…] 小节）",
    "literal_error": "只能是 {expected}", "missing": "缺少必填的键",
}


def _error_text(err: dict) -> str:
    text = _ERROR_TEXT.get(err["type"])
    try:
        return text.format(**err.get("ctx", {})) if text else err["msg"]
    except (KeyError, IndexError):
        return err["msg"]


def _profile_error(exc: ValidationError, shown: str) -> ProfileError:
    problems = []
    for err in exc.errors():
        key = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            problems.append(f"未知的键「{key}」")
        elif err["type"] == "value_error":
            problems.append(str(err["msg"]).removeprefix("Value error, "))
        else:
            problems.append(f"键「{key}」的值 {err.get('input')!r} 无效：{_error_text(err)}")
    return ProfileError("评分方案无效", location=Location(file=shown), problems=problems,
                        hint="各键的含义见 weights/README.md。")


def profile_from_dict(raw: dict, *, source: str = "<profile>") -> Profile:
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        raise _profile_error(exc, source) from None


def load_profile(name_or_path: str | Path | Profile | None = None) -> Profile:
    """A profile by name (``weights/<name>.toml``) or by path; None → the default (mof-2020)."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    path = _resolve_path(name_or_path or DEFAULT_PROFILE)
    raw = _read_raw(path, (path.stem,))
    raw.setdefault("name", path.stem)
    shown = path.name if path.parent == weights_dir() else str(name_or_path)
    return profile_from_dict(raw, source=shown)


def list_profiles() -> list[str]:
    folder = weights_dir()
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


# --- display ---------------------------------------------------------------------------


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return fmt_number(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isascii() and k.replace("_", "").replace("-", "").isalnum() else f'"{k}"'


def profile_to_toml(profile: Profile) -> str:
    """The resolved settings as TOML text (what ``perfscore profiles NAME`` prints)."""
    data = profile.model_dump(mode="python")
    # Most profiles have no [indicator_weights]: print it only with the names it holds.
    data["indicator_weights"] = {k: v for k, v in data["indicator_weights"].items() if v}
    if not data["indicator_weights"]:
        del data["indicator_weights"]
    lines: list[str] = []

    def emit(prefix: str, table: dict) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in table.items() if isinstance(v, dict)}
        if prefix and (scalars or not tables):
            lines.append(f"\n[{prefix}]")
        for k, v in scalars.items():
            if v is None:
                continue
            lines.append(f"{_toml_key(k)} = {_toml_value(v)}")
        for k, v in tables.items():
            emit(f"{prefix}.{_toml_key(k)}" if prefix else _toml_key(k), v)

    emit("", data)
    return "\n".join(lines).lstrip("\n") + "\n"
