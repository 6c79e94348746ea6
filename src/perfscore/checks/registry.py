"""The registry of checks (检查项) and the profile settings that steer them.

Every check has a stable id, a default severity (error / warn / info), a short
Chinese title, the level it points at (project or indicator, or the department)
and the stage it runs in (``targets``: 事前审核 of the targets; ``results``: at
evaluate). A check function yields :class:`Hit` objects; :func:`run` turns them
into :class:`~perfscore.model.Finding` objects with the severity the profile
chose, dropping disabled checks. Disable/severity are applied here and nowhere
else.

A profile's ``[checks]`` table::

    [checks]
    disable = ["hollow-benefit"]          # ids of checks to switch off
    [checks.severity]
    cost-budget = "error"                 # id → error / warn / info
    [checks.options]
    overshoot_ratio = 1.5                 # thresholds, see OPTION_DEFAULTS
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from perfscore.errors import Location, ProfileError
from perfscore.model import SEVERITY_ZH, Finding  # noqa: F401  (SEVERITY_ZH: re-exported)

Severity = Literal["error", "warn", "info"]
Scope = Literal["project", "indicator", "department"]
Stage = Literal["targets", "results", "engine"]

SEVERITIES: tuple[str, ...] = ("error", "warn", "info")


# Thresholds a profile may change under [checks.options]; the defaults follow
# docs/rules.md §4 and §6. Where the scoring profile itself holds the
# setting (overshoot.threshold, execution.low_rate, execution.weight, tiers), the
# profile's value is used unless [checks.options] names it explicitly.
OPTION_DEFAULTS: dict[str, Any] = {
    "overshoot_ratio": 1.3,        # actual ≥ 130 % of target needs an explanation
    "exec_min_rate": 0.9,          # 执行率 below 90 % needs a reason
    "block_share": 0.5,            # one indicator holding ≥ 50 % of its 一级 block
    "cost_abs_tolerance": 0.01,    # 元: rounding allowed between cost target and budget ÷ period
    "funds_tolerance": 0.5,        # 元: 财政资金 + 其他资金 against 预算数
    "copied_min_shared": 3,        # indicators shared with an unrelated project …
    "copied_min_share": 0.5,       # … or this share of the smaller project's indicators (≥ 2)
    "copied_max_holders": 20,      # wording shared by more projects is boilerplate, not a copy
    "exec_weight": 10.0,           # 执行 weight added to explicit 分值 (when the profile has none)
    "project_code_pattern": "",    # a regular expression project codes must match ("" = none)
}


class Hit(NamedTuple):
    """One occurrence of a check's problem, before severity is applied (a tuple: cheap)."""

    message: str
    project_code: str | None = None
    indicator_id: str | None = None
    source: str | None = None
    # Sort keys: position of the project and of the indicator in the input.
    order: tuple[int, int] = (1 << 30, 1 << 30)
    # The unit a hit without a project belongs to (a department-wide finding of a context
    # that holds several units); a hit with a project belongs to that project's unit.
    unit: int | None = None


@dataclass(frozen=True)
class CheckSpec:
    id: str
    severity: Severity
    title: str          # Chinese short title, used in docs and the CLI
    scope: Scope
    stage: Stage
    func: Callable[..., Iterable[Hit]] | None = field(compare=False, repr=False)


CHECKS: dict[str, CheckSpec] = {}

# Findings the scoring engine (perfscore.scoring) raises while it scores; listed
# here so that a profile's [checks] table may name them too (see apply_profile).
ENGINE_CHECKS: tuple[tuple[str, Severity, str, Scope], ...] = (
    ("score-outside-tier", "error", "填报得分不在所属档次内（未采用）", "indicator"),
    ("score-unreadable", "error", "填报得分不是数字", "indicator"),
    ("weights-gap", "error", "分值合计与一级分值或总分不符", "project"),
    ("weights-incomplete", "warn", "只有部分指标给了分值", "project"),
    ("weights-block", "warn", "表中分值与评分方案的一级权重不同", "project"),
    ("block-unknown", "error", "一级指标不属于评分方案的任何一块", "indicator"),
)


def register(check_id: str, severity: Severity, title: str, *, scope: Scope,
             stage: Stage) -> Callable:
    """Decorator: add a check function to the registry (ids are unique)."""

    def deco(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if check_id in CHECKS:
            raise RuntimeError(f"duplicate check id {check_id}")
        CHECKS[check_id] = CheckSpec(check_id, severity, title, scope, stage, func)
        return func

    return deco


@dataclass(frozen=True)
class Settings:
    """What a profile says about checks: switched off, severities, thresholds."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=lambda: {**OPTION_DEFAULTS, "tiers": dict(DEFAULT_TIERS)})

    def option(self, name: str) -> Any:
        return self.options[name]


def _checks_table(profile: Any) -> tuple[Mapping[str, Any], str]:
    """The [checks] table of a profile object (``.checks``) or a plain mapping."""
    if profile is None:
        return {}, ""
    name = str(getattr(profile, "name", "") or "")
    table = profile if isinstance(profile, Mapping) else getattr(profile, "checks", None)
    if table is None:
        return {}, name
    if hasattr(table, "model_dump"):  # a pydantic model instead of a dict
        table = table.model_dump()
    if not isinstance(table, Mapping):
        raise ProfileError("配置文件的 [checks] 必须是一个表", location=Location(file=name or None, column="checks"))
    return table, name


def settings_from_profile(profile: Any = None) -> Settings:
    """Validate and resolve the profile's [checks] table (unknown keys are refused)."""
    table, name = _checks_table(profile)
    where = name or None
    unknown = sorted(set(table) - {"disable", "severity", "options"})
    if unknown:
        raise ProfileError(f"[checks] 中有未知的键「{unknown[0]}」", location=Location(file=where, column="checks"),
                           hint="只允许 disable、severity、options 三项。")
    disabled = table.get("disable") or []
    if isinstance(disabled, str) or not isinstance(disabled, Iterable):
        raise ProfileError("[checks] disable 必须是检查项编号的列表", location=Location(file=where, column="checks.disable"))
    for cid in disabled:
        if cid not in CHECKS:
            raise ProfileError(f"[checks] disable 中的检查项「{cid}」不存在", location=Location(
                file=where, column="checks.disable", value=str(cid)), hint="可用的编号见 docs/checks.md。")
    severity = dict(table.get("severity") or {})
    for cid, sev in severity.items():
        if cid not in CHECKS:
            raise ProfileError(f"[checks.severity] 中的检查项「{cid}」不存在", location=Location(
                file=where, column="checks.severity", value=str(cid)), hint="可用的编号见 docs/checks.md。")
        if sev not in SEVERITIES:
            raise ProfileError(f"检查项「{cid}」的级别「{sev}」无效", location=Location(
                file=where, column=f"checks.severity.{cid}", value=str(sev)), hint="级别只能是 error、warn、info。")
    options = dict(OPTION_DEFAULTS)
    for key, value in dict(table.get("options") or {}).items():
        if key not in OPTION_DEFAULTS:
            raise ProfileError(f"[checks.options] 中有未知的键「{key}」", location=Location(
                file=where, column="checks.options", value=str(key)))
        default = OPTION_DEFAULTS[key]
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) if isinstance(default, (int, float)) \
            else isinstance(value, type(default))
        if not ok:
            raise ProfileError(f"[checks.options] {key} 的值类型不对", location=Location(
                file=where, column=f"checks.options.{key}", value=str(value)))
        options[key] = value
    explicit = dict(table.get("options") or {})
    for key, path in _FROM_PROFILE.items():
        value = _attr(profile, path)
        if value is not None and key not in explicit:
            options[key] = float(value)
    options["tiers"] = _tiers(profile)
    return Settings(frozenset(disabled), severity, options)


# Check options that mirror a setting of the scoring profile (perfscore.scoring.profile).
_FROM_PROFILE = {
    "overshoot_ratio": ("overshoot", "threshold"),
    "exec_min_rate": ("execution", "low_rate"),
    "exec_weight": ("execution", "weight"),
}
# 财预〔2020〕10号 tiers as shares of the weight: 达成 [80 %, 100 %], 部分达成
# [60 %, 80 %), 未达成 [0, 60 %); a profile's [tiers] replaces them.
DEFAULT_TIERS = {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)}


def _attr(obj: Any, path: tuple[str, ...]) -> Any:
    if obj is None or isinstance(obj, Mapping):
        return None
    for part in path:
        obj = obj.get(part) if isinstance(obj, Mapping) else getattr(obj, part, None)
        if obj is None:
            return None
    return obj if isinstance(obj, (int, float)) and not isinstance(obj, bool) else None


def _tiers(profile: Any) -> dict[str, tuple[float, float]]:
    tiers = getattr(profile, "tiers", None) if profile is not None and not isinstance(profile, Mapping) else None
    if not isinstance(tiers, Mapping):
        return dict(DEFAULT_TIERS)
    out = {}
    for name, tier in tiers.items():
        low, high = (tier.get("low"), tier.get("high")) if isinstance(tier, Mapping) else \
            (getattr(tier, "low", None), getattr(tier, "high", None))
        if low is None or high is None:
            return dict(DEFAULT_TIERS)
        out[name] = (float(low), float(high))
    return out


for _cid, _sev, _title, _scope in ENGINE_CHECKS:
    CHECKS[_cid] = CheckSpec(_cid, _sev, _title, _scope, "engine", None)


def apply_settings(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """Drop disabled checks and set the profile's severities on findings made elsewhere."""
    out = []
    for f in findings:
        if f.check in settings.disabled:
            continue
        sev = settings.severity.get(f.check)
        out.append(f if sev is None or sev == f.severity else f.model_copy(update={"severity": sev}))
    return out


def run(stage: Stage, settings: Settings, context: Any) -> list[Finding]:
    """Run every enabled check of ``stage`` on ``context``; findings in input order."""
    return [f for unit in run_by_unit(stage, settings, context) for f in unit]


def run_by_unit(stage: Stage, settings: Settings, context: Any) -> list[list[Finding]]:
    """Every enabled check of ``stage`` run once on ``context``, which may hold several
    units (``context.units``: the unit of each project, None for one unit); the findings
    of each unit, in the order a run on that unit alone gives them."""
    units = getattr(context, "units", None)
    n_units = 1 if units is None else getattr(context, "unit_count")
    # A province yields 10⁵-10⁶ findings: the cyclic garbage collector would scan
    # every live object again and again while they are built (none of them forms
    # a cycle), so it is paused for the run and restored afterwards.
    paused = gc.isenabled()
    gc.disable()
    try:
        rows: list[tuple[int, tuple[int, int], int, Finding]] = []
        for rank, spec in enumerate(CHECKS.values()):
            if spec.stage != stage or spec.id in settings.disabled:
                continue
            sev = settings.severity.get(spec.id, spec.severity)
            for hit in spec.func(context):
                unit = hit.unit
                if unit is None:
                    pi = hit.order[0]
                    unit = int(units[pi]) if units is not None and 0 <= pi < len(units) else 0
                rows.append((unit, hit.order, rank, Finding(
                    check=spec.id, severity=sev, message=hit.message, project_code=hit.project_code,
                    indicator_id=hit.indicator_id, source=hit.source)))
    finally:
        if paused:
            gc.enable()
    # Sort by unit, then by where the problem is (project, indicator), then by registry
    # order: stable, so equal keys keep the order the check produced them in. A unit's
    # projects are consecutive, so its findings come in the order of a run on it alone.
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out: list[list[Finding]] = [[] for _ in range(n_units)]
    for unit, _, _, finding in rows:
        out[unit].append(finding)
    return out


def specs(stage: Stage | None = None) -> Iterator[CheckSpec]:
    return (s for s in CHECKS.values() if stage is None or s.stage == stage)
