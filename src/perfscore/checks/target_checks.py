"""Target checks (事前审核): pure functions of the Targets, before the year is scored.

Each function is registered with its id, default severity and Chinese title and
yields :class:`Hit` objects; the registry applies the profile. What each check
looks for, and why a reviewer cares, is in docs/checks.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import numpy as np
import pandas as pd

from perfscore.checks.common import (
    PLACEHOLDER_RE,
    TargetsContext,
    fmt_money,
    fmt_num,
    is_placeholder,
    is_satisfaction,
    label,
    norm,
)
from perfscore.checks.registry import Hit, register

T = "targets"

_CHECKPOINT_MONTH_RE = re.compile(r"(\d{1,2})\s*月")
_CODE_CHARS_RE = re.compile(r"^[0-9A-Za-z_.\-]+$")
_RATE_NAME_RE = re.compile(r"(?:率|比率|比例|占比)$")


def _order(pi: int, ii: int = -1) -> tuple[int, int]:
    return (pi, ii)


# --- reading-time findings (issue 3, item 5) ----------------------------------


@register("deadline-year", "warn", "完成期限不在项目年度内", scope="indicator", stage=T)
def deadline_year(ctx: TargetsContext):
    df = ctx.frame
    mask = (df["kind"] == "deadline") & df["deadline_year"].notna() & df["year"].notna()
    mask &= (df["deadline_year"] != df["year"]).fillna(False)
    for _, pi, project, ii, ind, target in ctx.at(mask):
        year, source = ctx.years[pi]
        whence = f"项目名称写明{year}年" if source == "name" else f"预算年度为{year}年"
        yield Hit(f"{label(project, ind)}的完成期限「{ind.target}」在{int(target.deadline[:4])}年，而{whence}；"
                  "请核实期限或项目年度。", project.code, ind.id, order=_order(pi, ii))


@register("project-year", "info", "项目名称年度与预算年度不同", scope="project", stage=T)
def project_year_check(ctx: TargetsContext):
    for pi, project in enumerate(ctx.targets.projects):
        year, source = ctx.years[pi]
        if source == "name" and ctx.year is not None and year != ctx.year:
            yield Hit(f"{label(project)}名称中的年度为{year}年，而本文本的预算年度为{ctx.year}年"
                      "（上年项目结转或名称沿用上年？）；完成期限按项目名称中的年度核对。",
                      project.code, order=_order(pi))


@register("spending-plan-end", "warn", "资金支出计划未到100%", scope="project", stage=T)
def spending_plan_end(ctx: TargetsContext):
    for pi, project in enumerate(ctx.targets.projects):
        plan = _ordered_plan(project.spending_plan)
        if plan and abs(plan[-1][1] - 100.0) > 1e-6:
            yield Hit(f"{label(project)}的资金支出计划最后一个节点「{plan[-1][0]}」为{fmt_num(plan[-1][1])}%，"
                      "年底累计应为100%。", project.code, order=_order(pi))


@register("spending-plan-order", "warn", "资金支出计划累计比例下降", scope="project", stage=T)
def spending_plan_order(ctx: TargetsContext):
    for pi, project in enumerate(ctx.targets.projects):
        plan = _ordered_plan(project.spending_plan)
        for (k1, v1), (k2, v2) in zip(plan, plan[1:]):
            if v2 < v1 - 1e-9:
                yield Hit(f"{label(project)}的资金支出计划是累计比例，「{k2}」{fmt_num(v2)}%低于"
                          f"「{k1}」{fmt_num(v1)}%。", project.code, order=_order(pi))
                break


def _ordered_plan(plan: dict[str, float]) -> list[tuple[str, float]]:
    """Checkpoints in calendar order (3月底 < 6月底 < 10月底 < 12月底; 年底 = 12)."""

    return sorted(plan.items(), key=lambda kv: _checkpoint_month(kv[0]))


@lru_cache(maxsize=256)
def _checkpoint_month(key: str) -> int:
    m = _CHECKPOINT_MONTH_RE.search(key)
    if m:
        return int(m.group(1))
    return 12 if "年底" in key or "年末" in key else 13


@register("duplicate-level3", "error", "同一项目内三级指标重名", scope="indicator", stage=T)
def duplicate_level3(ctx: TargetsContext):
    df = ctx.frame
    first = df.groupby(["pi", "n3"], sort=False)["ii"].transform("first").to_numpy()
    for r, pi, project, ii, ind, _ in ctx.at(df.duplicated(["pi", "n3"]).to_numpy()):
        yield Hit(f"{label(project, ind)}在本项目中出现不止一次（第{int(first[r]) + 1}行与第{ii + 1}行），"
                  "实际完成值无法对应到唯一指标。", project.code, ind.id, order=_order(pi, ii))


@register("no-satisfaction", "warn", "项目没有满意度指标", scope="project", stage=T)
def no_satisfaction(ctx: TargetsContext):
    for pi, project in enumerate(ctx.targets.projects):
        if project.indicators and not any(is_satisfaction(i) for i in project.indicators):
            yield Hit(f"{label(project)}没有满意度指标；评分时按其余指标折算，并将标注。",
                      project.code, order=_order(pi))


@register("project-code-invalid", "error", "项目编码为空或含非法字符", scope="project", stage=T)
def project_code_invalid(ctx: TargetsContext):
    pattern = ctx.settings.option("project_code_pattern")
    regex = re.compile(pattern) if pattern else None
    for pi, project in enumerate(ctx.targets.projects):
        code = project.code or ""
        if not code.strip():
            yield Hit(f"{label(project)}没有项目编码。", project.code, order=_order(pi))
        elif not _CODE_CHARS_RE.match(code):
            yield Hit(f"{label(project)}的项目编码「{code}」含空格、全角或其他非法字符。",
                      project.code, order=_order(pi))
        elif regex is not None and not regex.fullmatch(code):
            yield Hit(f"{label(project)}的项目编码「{code}」不符合规定格式「{pattern}」。",
                      project.code, order=_order(pi))


@lru_cache(maxsize=1 << 16)
def code_shape(code: str) -> str:
    """A code's shape: digits → 9, letters → A (13020823P00018410001J → 99999999A99999999999A)."""
    return "".join("9" if c.isdigit() else "A" if c.isalpha() else c for c in code)


@register("project-code-shape", "warn", "项目编码与同文件其他编码格式不同", scope="project", stage=T)
def project_code_shape(ctx: TargetsContext):
    by_unit: dict[int, list[int]] = defaultdict(list)
    for pi in range(len(ctx.targets.projects)):
        by_unit[ctx.unit_of(pi)].append(pi)
    for members in by_unit.values():
        yield from _odd_code_shapes(ctx, members)


def _odd_code_shapes(ctx: TargetsContext, members: list[int]):
    """project-code-shape among the projects ``members`` (one unit's)."""
    projects = ctx.targets.projects
    codes = [projects[pi].code or "" for pi in members]
    if len(codes) < 3:
        return
    # The shape of most codes is the norm; only letters at the last place vary
    # (a check character), so compare the length and the body's shape.
    def body(code: str) -> str:
        return code_shape(code[:-1]) + "X" if code else ""

    counts: dict[str, int] = defaultdict(int)
    for code in codes:
        counts[body(code)] += 1
    common, n = max(sorted(counts.items()), key=lambda kv: kv[1])
    if n * 2 <= len(codes):
        return  # no clear norm
    example = next(c for c in codes if body(c) == common)
    for pi in members:
        project = projects[pi]
        if project.code and body(project.code) != common:
            yield Hit(f"{label(project)}的项目编码「{project.code}」与本文件其他{n}个编码的格式"
                      f"（如「{example}」，{len(example)}位）不同，请核对是否抄错。", project.code, order=_order(pi))


@register("duplicate-project-code", "error", "项目编码重复", scope="project", stage=T)
def duplicate_project_code(ctx: TargetsContext):
    seen: dict[tuple, str] = {}
    for pi, project in enumerate(ctx.targets.projects):
        unit = ctx.unit_of(pi)
        key = (unit, project.unit_code or ctx.unit_code(unit), project.code)
        if not project.code:
            continue
        if key in seen:
            yield Hit(f"{label(project)}的项目编码「{project.code}」与项目「{seen[key]}」重复。",
                      project.code, order=_order(pi))
        else:
            seen[key] = project.name


# --- indicator quality --------------------------------------------------------


@register("cost-ge", "warn", "成本指标用了“≥”", scope="indicator", stage=T)
def cost_ge(ctx: TargetsContext):
    df = ctx.frame
    mask = df["is_cost"] & (df["kind"] == "comparison") & df["op"].isin([">=", ">"]) & ~df["inferred"]
    for _, pi, project, ii, ind, _ in ctx.at(mask):
        yield Hit(f"{label(project, ind)}是成本指标，指标值「{ind.target}」却写成下限（≥/不少于），"
                  "成本指标应为上限（≤）。", project.code, ind.id, order=_order(pi, ii))


@register("quantity-money", "warn", "数量指标的指标值是金额", scope="indicator", stage=T)
def quantity_money(ctx: TargetsContext):
    df = ctx.frame
    for _, pi, project, ii, ind, _ in ctx.at(df["is_quantity"] & (df["dim"] == "money")):
        yield Hit(f"{label(project, ind)}是数量指标，指标值「{ind.target}」却是金额；"
                  "数量指标应衡量产出的数量，金额应放在成本指标。", project.code, ind.id, order=_order(pi, ii))


@register("level3-two-level1", "warn", "同一三级指标挂在两个一级指标下", scope="indicator", stage=T)
def level3_two_level1(ctx: TargetsContext):
    df = ctx.frame
    group = df.groupby(["pi", "n3"], sort=False)
    first_n1 = group["n1"].transform("first")
    first_l1 = group["level1"].transform("first").to_numpy()
    for r, pi, project, ii, ind, _ in ctx.at(df["n1"] != first_n1):
        yield Hit(f"{label(project, ind)}同时出现在「{first_l1[r]}」和「{ind.level1}」下，"
                  "同一指标不应重复计分。", project.code, ind.id, order=_order(pi, ii))


@register("rate-qualitative", "warn", "比率类指标的指标值不是数值", scope="indicator", stage=T)
def rate_qualitative(ctx: TargetsContext):
    df = ctx.frame
    mask = df["n3"].str.contains(_RATE_NAME_RE) & df["kind"].isin(["grade", "achievement"])
    for _, pi, project, ii, ind, _ in ctx.at(mask):
        yield Hit(f"{label(project, ind)}名为比率，指标值却是「{ind.target}」；"
                  "应写成可核对的百分比（如≥95%）。", project.code, ind.id, order=_order(pi, ii))


@register("hollow-benefit", "warn", "效益指标表述空泛", scope="indicator", stage=T)
def hollow_benefit(ctx: TargetsContext):
    df = ctx.frame
    for _, pi, project, ii, ind, _ in ctx.at(df["is_benefit"] & df["kind"].isin(["grade", "achievement"])):
        yield Hit(f"{label(project, ind)}是效益指标，指标值「{ind.target}」只是定性评价，"
                  "没有可衡量的标准（比率、数量或分级标准），年底难以核实。", project.code, ind.id,
                  order=_order(pi, ii))


@register("placeholder-target", "error", "指标值是占位符", scope="indicator", stage=T)
def placeholder_target(ctx: TargetsContext):
    for _, pi, project, ii, ind, _ in ctx.at(_placeholders(ctx)):
        shown = ind.target.strip() or "（空）"
        yield Hit(f"{label(project, ind)}的指标值为「{shown}」，是占位符而不是目标值。",
                  project.code, ind.id, order=_order(pi, ii))
    for ind, where in _department_indicators(ctx):
        if is_placeholder(ind.target):
            yield Hit(f"部门整体目标「{where}」的指标「{ind.level3}」指标值为「{ind.target.strip() or '（空）'}」，"
                      "是占位符。", None, ind.id)


@register("unreadable-target", "error", "指标值无法识别", scope="indicator", stage=T)
def unreadable_target(ctx: TargetsContext):
    for _, pi, project, ii, ind, target in ctx.at((ctx.frame["kind"] == "unreadable") & ~_placeholders(ctx)):
        why = f"（{target.reason}）" if target.reason else ""
        yield Hit(f"{label(project, ind)}的指标值「{ind.target}」无法识别{why}，评分时需人工复核。",
                  project.code, ind.id, order=_order(pi, ii))
    for ind, where in _department_indicators(ctx):
        if is_placeholder(ind.target):
            continue
        target = ctx.parse(ind, ctx.year)
        if target.kind == "unreadable":
            yield Hit(f"部门整体目标「{where}」的指标「{ind.level3}」指标值「{ind.target}」无法识别。",
                      None, ind.id)


def _placeholders(ctx: TargetsContext) -> pd.Series:
    return ctx.frame["target"].fillna("").str.match(PLACEHOLDER_RE)


def _department_indicators(ctx: TargetsContext):
    goals = ctx.targets.department_goals
    if goals is None:
        return
    for ind in goals.overall_indicators:
        yield ind, "总体绩效目标"
    for sub in goals.subgoals:
        for ind in sub.indicators:
            yield ind, sub.title


# --- weights and money --------------------------------------------------------


@register("block-share", "warn", "单个指标占一级指标分值过半", scope="indicator", stage=T)
def block_share(ctx: TargetsContext):
    limit = float(ctx.settings.option("block_share"))
    for pi, project in enumerate(ctx.targets.projects):
        blocks: dict[str, list[tuple[int, object]]] = defaultdict(list)
        for ii, ind in enumerate(project.indicators):
            if ind.weight is not None:
                blocks[norm(ind.level1)].append((ii, ind))
        for members in blocks.values():
            total = sum(ind.weight for _, ind in members)
            if len(members) < 2 or total <= 0:
                continue
            for ii, ind in members:
                share = ind.weight / total
                if share >= limit - 1e-9:
                    yield Hit(f"{label(project, ind)}分值{fmt_num(ind.weight)}，占「{ind.level1}」"
                              f"{fmt_num(total)}分的{fmt_num(share * 100, 1)}%，权重过于集中"
                              f"（阈值{fmt_num(limit * 100)}%）。", project.code, ind.id, order=_order(pi, ii))


@register("weights-sum", "error", "分值合计不符", scope="project", stage=T)
def weights_sum(ctx: TargetsContext):
    exec_weight = float(ctx.settings.option("exec_weight"))
    for pi, project in enumerate(ctx.targets.projects):
        inds = project.indicators
        given = [i for i in inds if i.weight is not None]
        if not given:
            continue
        missing = [i.level3 for i in inds if i.weight is None]
        if missing:
            yield Hit(f"{label(project)}部分指标填了分值、部分没有（未填：{'、'.join(missing[:5])}"
                      f"{'等' if len(missing) > 5 else ''}）。", project.code, order=_order(pi))
            continue
        # Per 一级: against the block weight printed in the 一级 cell (产出指标(50分)).
        blocks: dict[str, list] = defaultdict(list)
        for ind in inds:
            blocks[ind.level1].append(ind)
        for level1, members in blocks.items():
            printed = {m.block_weight for m in members if m.block_weight is not None}
            total = sum(m.weight for m in members)
            if len(printed) == 1:
                bw = printed.pop()
                if abs(total - bw) > 0.005:
                    yield Hit(f"{label(project)}「{level1}」下各指标分值合计{fmt_num(total)}，"
                              f"与该一级指标的{fmt_num(bw)}分相差{fmt_num(total - bw)}。", project.code, order=_order(pi))
        total = sum(i.weight for i in inds)
        has_exec_row = any("执行率" in i.level3 for i in inds)
        expected = 100.0 if has_exec_row else 100.0 - exec_weight
        if abs(total - expected) > 0.005:
            what = "100分" if has_exec_row else f"{fmt_num(expected)}分（另有预算执行率{fmt_num(exec_weight)}分）"
            yield Hit(f"{label(project)}各指标分值合计{fmt_num(total)}，应为{what}，相差{fmt_num(total - expected)}。",
                      project.code, order=_order(pi))


@register("funds-sum", "error", "资金来源合计不等于预算数", scope="project", stage=T)
def funds_sum(ctx: TargetsContext):
    tol = float(ctx.settings.option("funds_tolerance"))
    money_unit = ctx.targets.unit.money_unit
    for pi, project in enumerate(ctx.targets.projects):
        f = project.funds
        if f.total is None or (f.fiscal is None and f.other is None):
            continue
        parts = (f.fiscal or 0.0) + (f.other or 0.0)
        if abs(parts - f.total) > tol:
            yield Hit(f"{label(project)}财政资金{fmt_money(f.fiscal or 0.0, money_unit)} + 其他资金"
                      f"{fmt_money(f.other or 0.0, money_unit)} = {fmt_money(parts, money_unit)}，"
                      f"不等于预算数{fmt_money(f.total, money_unit)}。", project.code, order=_order(pi))


# --- copies between projects --------------------------------------------------

_NAME_NOISE_RE = re.compile(r"(?:19|20)\d{2}\s*年?|[（(][^）)]*[）)]|^\d+[.、]|\s+")


def _stem(name: str) -> str:
    """A project name without years and numbering: 2022年街道体制经费 → 街道体制经费."""
    return _NAME_NOISE_RE.sub("", norm(name))


def _related(a: str, b: str) -> bool:
    sa, sb = _stem(a), _stem(b)
    return bool(sa and sb) and (sa == sb or sa in sb or sb in sa)


@register("copied-text", "warn", "指标文字照抄其他无关项目", scope="project", stage=T)
def copied_text(ctx: TargetsContext):
    min_shared = int(ctx.settings.option("copied_min_shared"))
    min_share = float(ctx.settings.option("copied_min_share"))
    max_holders = int(ctx.settings.option("copied_max_holders"))
    projects = ctx.targets.projects
    df = ctx.frame
    # The text compared: 三级 name and description. Satisfaction indicators are
    # alike everywhere by nature, and a description under 4 characters says nothing.
    desc = df["description"].map(norm)
    keep = ~df["is_sat"] & (desc.str.len() >= 4)
    unit = ctx.units[df["pi"].to_numpy()] if ctx.units is not None else np.zeros(len(df), dtype=np.int64)
    items = pd.DataFrame({"pi": df["pi"], "unit": unit, "key": df["n3"] + "|" + desc,
                          "level3": df["level3"]})[keep]
    items = items.drop_duplicates(["pi", "key"])
    per_project = items.groupby("pi").size()
    # Only projects of one unit that share a key are compared (a self-join on unit and
    # key). Wording held by more than `copied_max_holders` projects is common boilerplate
    # (a template's standard line), not a copy between two projects.
    holders = items.groupby(["unit", "key"])["pi"].transform("size")
    items = items[(holders >= 2) & (holders <= max_holders)]
    pairs = items.merge(items[["pi", "unit", "key"]], on=["unit", "key"], suffixes=("", "_other"))
    pairs = pairs[pairs["pi_other"] < pairs["pi"]]
    if pairs.empty:
        return
    # The pairs of projects (later one first) and how much they share, counted on arrays:
    # a unit's projects often share some wording, and only the pairs sharing enough are
    # looked at one by one (a group at a time through pandas was most of a block's checks).
    later, earlier = pairs["pi"].to_numpy(), pairs["pi_other"].to_numpy()
    order = np.lexsort((earlier, later))          # stable: each pair's rows in merge order
    later, earlier = later[order], earlier[order]
    starts = np.flatnonzero(np.r_[True, (later[1:] != later[:-1]) | (earlier[1:] != earlier[:-1])])
    shared = np.diff(np.r_[starts, len(order)])
    sizes = np.zeros(len(projects), dtype=np.int64)
    sizes[per_project.index.to_numpy()] = per_project.to_numpy()
    smaller = np.minimum(sizes[later[starts]], sizes[earlier[starts]])
    with np.errstate(divide="ignore", invalid="ignore"):
        enough = (shared >= min_shared) | ((shared >= 2) & (smaller > 0) & (shared / smaller >= min_share))
    level3 = pairs["level3"].to_numpy(dtype=object)[order]
    for start, count in zip(starts[enough].tolist(), shared[enough].tolist()):
        j, i = int(later[start]), int(earlier[start])
        pj, pi_ = projects[j], projects[i]
        if _related(pi_.name, pj.name):
            continue
        names = level3[start: start + count].tolist()
        yield Hit(f"{label(pj)}有{len(names)}个指标（{'、'.join(names[:5])}"
                  f"{'等' if len(names) > 5 else ''}）的名称和描述与无关项目「{pi_.name}」完全相同，"
                  "疑似照抄。", pj.code, order=_order(j))
