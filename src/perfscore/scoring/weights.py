"""Indicator weights (分值): from the table's 分值, or the profile's block weights split
over the block's indicators. Weights are integer quanta (cents), so a block's
indicators add up to the block weight exactly.

- ``explicit`` (e.g. sichuan): every indicator must carry a 分值; none at all is an
  error saying so, and a project whose 分值 do not add up still gets its scores, with
  an error finding naming the gap.
- ``equal`` / ``by_level2``: the block weight (产出 50 …) split equally over the block's
  三级 indicators, or first over its 二级 and then over the 三级 in each. With
  ``table_weights = "when_complete"`` a project whose every indicator has a 分值 is
  scored by those instead (and checked the same way).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfscore.errors import DataError
from perfscore.model import Finding
from perfscore.scoring.numeric import apportion_quanta, split_quanta, to_quanta
from perfscore.scoring.parsing import distinct_rows
from perfscore.scoring.profile import Profile, fmt_number


@dataclass
class Weights:
    block: np.ndarray               # block name per row ('' when the profile has none for it)
    quanta: np.ndarray              # weight in quanta per row (NaN when it cannot be assigned)
    table_projects: set[int]        # projects scored by the table's 分值
    missing_blocks: dict[int, list[str]] = field(default_factory=dict)  # project → blocks without indicators
    blocks: list[str] = field(default_factory=list)  # ordered block labels (project columns)
    findings: list[Finding] = field(default_factory=list)


def _cumcount(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Position of each row within its group (table order) and the group's size."""
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    g = frame.groupby(list(frame.columns), sort=False, dropna=False)
    return g.cumcount().to_numpy(), g["k0"].transform("size").to_numpy()


def _group_rank(outer: list[np.ndarray], inner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each row's ``inner`` value within its ``outer`` group (order of first
    appearance) and the number of distinct ``inner`` values in the group."""
    frame = pd.DataFrame({**{f"o{i}": k for i, k in enumerate(outer)}, "inner": inner})
    ocols = [c for c in frame.columns if c != "inner"]
    key = frame.groupby(ocols + ["inner"], sort=False, dropna=False).ngroup().to_numpy()
    first = ~pd.Series(key).duplicated().to_numpy()
    # Groups are numbered in order of first appearance, so the first rows in table
    # order are in key order.
    rank_of_key = np.empty(key.max() + 1 if len(key) else 0, dtype=np.int64)
    rank_of_key[key[first]] = frame[first].groupby(ocols, sort=False, dropna=False).cumcount().to_numpy()
    frame["first"] = first
    counts = frame.groupby(ocols, sort=False, dropna=False)["first"].transform("sum").to_numpy()
    return rank_of_key[key], counts.astype(np.int64)


def assign(frame: pd.DataFrame, profile: Profile, *, project_codes: list[str],
           scope: str = "project") -> Weights:
    """Weights for every row of ``frame`` (columns p_idx, level1, level2, weight_table, block_weight_table)."""
    digits = profile.rounding.digits
    n = len(frame)
    p_idx = frame["p_idx"].to_numpy()
    level1 = frame["level1"].to_numpy(dtype=object)
    level2 = frame["level2"].to_numpy(dtype=object)
    w_table = frame["weight_table"].to_numpy(dtype=float)
    findings: list[Finding] = []

    # Which block each (一级, 二级) falls in: once per distinct pair.
    codes, uniq = distinct_rows(pd.DataFrame({"l1": level1, "l2": level2}), ["l1", "l2"])
    block_u = np.array([profile.block_of(l1, l2) or "" for l1, l2 in zip(uniq["l1"], uniq["l2"])] + [""],
                       dtype=object)
    block = block_u[codes]

    has_w = ~np.isnan(w_table)
    per_project = pd.DataFrame({"p": p_idx, "has": has_w}).groupby("p")["has"].agg(["all", "any"])
    explicit = profile.split.method == "explicit"
    if explicit and n:
        _require_table_weights(frame, has_w, profile, project_codes)
    if explicit:
        table_projects = set(per_project.index)
    elif profile.split.table_weights == "when_complete":
        table_projects = set(per_project.index[per_project["all"]])
        for p in per_project.index[per_project["any"] & ~per_project["all"]]:
            findings.append(Finding(
                check="weights-incomplete", severity="warn", project_code=project_codes[p],
                message=f"目标表只给了部分指标的分值，已忽略这些分值，按评分方案「{profile.name}」分配权重"))
    else:
        table_projects = set()

    in_table = np.isin(p_idx, list(table_projects)) if n else np.zeros(0, bool)
    quanta = np.full(n, np.nan)
    quanta[in_table] = to_quanta(w_table[in_table], digits)
    # A table-weighted row outside the profile's blocks forms its own column (e.g. 成本指标 as a 一级).
    block = np.where(in_table & (block == ""), level1, block)

    # Profile split for the other projects.
    prof_rows = ~in_table & (block != "")
    block_quanta = {name: b.weight for name, b in profile.blocks.items()}
    missing: dict[int, list[str]] = {}
    if prof_rows.any():
        idx = np.flatnonzero(prof_rows)
        bw = to_quanta(np.array([block_quanta[b] for b in block[idx]], dtype=float), digits)
        if profile.indicator_weights:
            quanta[idx], unlisted = _split_by_names(bw, p_idx[idx], block[idx], level2[idx],
                                                    frame["level3"].to_numpy(dtype=object)[idx], profile)
            findings += _unlisted_findings(unlisted, profile, project_codes)
        elif profile.split.method == "by_level2":
            rank2, n2 = _group_rank([p_idx[idx], block[idx]], level2[idx])
            l2_quanta = split_quanta(bw, rank2, n2)
            pos, cnt = _cumcount([p_idx[idx], block[idx], level2[idx]])
            quanta[idx] = split_quanta(l2_quanta, pos, cnt)
        else:
            pos, cnt = _cumcount([p_idx[idx], block[idx]])
            quanta[idx] = split_quanta(bw, pos, cnt)
    if scope == "project":
        present = pd.DataFrame({"p": p_idx, "b": block}).drop_duplicates()
        # tolist: iterating the Series themselves boxes every cell through pandas (~1 µs each)
        have = set(zip(present["p"].tolist(), present["b"].tolist()))
        for p in sorted(set(range(len(project_codes))) - table_projects):
            gone = [name for name, b in profile.blocks.items() if b.weight and (p, name) not in have]
            if gone:
                missing[p] = gone

    unknown_rows = ~in_table & (block == "")
    if unknown_rows.any():
        labels = sorted(set(level1[unknown_rows]))
        for label in labels:
            rows = unknown_rows & (level1 == label)
            codes_ = sorted({project_codes[p] for p in p_idx[rows]})
            findings.append(Finding(
                check="block-unknown", severity="error",
                message=(f"一级指标「{label}」不在评分方案「{profile.name}」的一级指标中，{int(rows.sum())}个指标无法分配分值"
                         f"（项目 {'、'.join(codes_)}）"),
            ))

    if table_projects and scope == "project":
        findings += _check_table_sums(frame, quanta, in_table, block, profile, project_codes)

    blocks = list(profile.blocks)
    extra = sorted(set(block[in_table]) - set(blocks)) if n else []
    blocks += [b for b in extra if b]
    return Weights(block=block, quanta=quanta, table_projects=table_projects,
                   missing_blocks=missing, blocks=blocks, findings=findings)


def _name_keys(labels: np.ndarray) -> np.ndarray:
    """Labels without whitespace, as the profile's names are stored; each distinct label once."""
    codes, uniq = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=False)
    return np.array(["".join(str(x).split()) for x in uniq], dtype=object)[codes]


def _group_key(groups: list[np.ndarray]) -> np.ndarray:
    frame = pd.DataFrame({f"g{i}": g for i, g in enumerate(groups)})
    return frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()


def _split_by_names(block_quanta: np.ndarray, p: np.ndarray, block: np.ndarray, level2: np.ndarray,
                    level3: np.ndarray, profile: Profile) -> tuple[np.ndarray, list[tuple[int, str, str]]]:
    """Block weights split by the profile's ``indicator_weights``: over 二级 by ``level2``
    (then over each 二级's 三级), or over 三级 by ``level3``. A group with a name the profile
    does not list is split equally; the (project, level, name) of each such name is returned."""
    iw = profile.indicator_weights
    key2, key3 = _name_keys(level2), _name_keys(level3)
    unlisted: list[tuple[int, str, str]] = []

    def shares(names: np.ndarray, table: dict[str, float], gkey: np.ndarray, proj: np.ndarray, level: str) -> np.ndarray:
        if not table:
            return np.ones(len(names))
        mapped = pd.Series(names, dtype=object).map(table).to_numpy(dtype=float)
        listed = ~np.isnan(mapped)
        complete = np.bincount(gkey, weights=(~listed).astype(float))[gkey] == 0
        # A group of one name needs no share (it takes the whole weight): no warning for it.
        first = ~pd.DataFrame({"g": gkey, "n": names}).duplicated().to_numpy()
        several = np.bincount(gkey, weights=first.astype(float))[gkey] > 1
        for row in np.flatnonzero(~listed & several):
            unlisted.append((int(proj[row]), level, str(names[row])))
        return np.where(complete, np.nan_to_num(mapped, nan=1.0), 1.0)

    if iw.level2 or profile.split.method == "by_level2":
        # Split among the distinct 二级 of each (project, block) first, one share per 二级.
        g2 = _group_key([p, block, key2])
        first = ~pd.Series(g2).duplicated().to_numpy()
        outer = _group_key([p[first], block[first]])
        s2 = shares(key2[first], iw.level2, outer, p[first], "二级")
        q_by_g2 = np.empty(g2.max() + 1 if len(g2) else 0)
        q_by_g2[g2[first]] = apportion_quanta(block_quanta[first], s2, outer)
        q2 = q_by_g2[g2]
        s3 = shares(key3, iw.level3, g2, p, "三级")
        return apportion_quanta(q2, s3, g2), unlisted
    g1 = _group_key([p, block])
    return apportion_quanta(block_quanta, shares(key3, iw.level3, g1, p, "三级"), g1), unlisted


def _unlisted_findings(unlisted: list[tuple[int, str, str]], profile: Profile,
                       project_codes: list[str]) -> list[Finding]:
    """One warning per project naming the 二级 / 三级 labels the profile gives no weight for."""
    by_project: dict[int, dict[str, list[str]]] = {}
    for p, level, name in unlisted:
        names = by_project.setdefault(p, {}).setdefault(level, [])
        if name not in names:
            names.append(name)
    out = []
    for p in sorted(by_project):
        parts = [f"{level}指标{'、'.join(f'「{n}」' for n in names)}" for level, names in by_project[p].items()]
        out.append(Finding(
            check="weights-unlisted", severity="warn", project_code=project_codes[p],
            message=(f"评分方案「{profile.name}」的 indicator_weights 没有给出{'；'.join(parts)}的权重，"
                     "这些指标所在的组按平均分配")))
    return out


def _require_table_weights(frame: pd.DataFrame, has_w: np.ndarray, profile: Profile,
                           project_codes: list[str]) -> None:
    if not has_w.any():
        raise DataError(
            f"评分方案「{profile.name}」按目标表中的分值计分，但目标表没有任何指标给出分值",
            hint="请在目标表（或长表的「分值」列）中为每个三级指标填写分值，或改用 --profile mof-2020 按一级权重平均分配。")
    rows = np.flatnonzero(~has_w)
    if len(rows):
        sub = frame.iloc[rows]
        problems = [f"项目 {project_codes[p]}「{l3}」（{iid}）没有分值"
                    for p, l3, iid in zip(sub["p_idx"], sub["level3"], sub["indicator_id"])]
        raise DataError(
            f"评分方案「{profile.name}」按目标表中的分值计分，但有{len(rows)}个指标没有分值",
            problems=problems, hint="请为这些指标填写分值。")


def _check_table_sums(frame, quanta, in_table, block, profile: Profile, project_codes) -> list[Finding]:
    """The table's 分值 must add up within each 一级 (to the printed block weight) and to the total."""
    digits = profile.rounding.digits
    scale = 10 ** digits
    findings: list[Finding] = []
    sub = pd.DataFrame({
        "p": frame["p_idx"].to_numpy()[in_table],
        "level1": frame["level1"].to_numpy(dtype=object)[in_table],
        "block": block[in_table],
        "q": quanta[in_table],
        "printed": frame["block_weight_table"].to_numpy(dtype=float)[in_table],
    })
    expected_total = round((profile.total - profile.execution.weight) * scale)
    for p, g in sub.groupby("p", sort=True):
        code = project_codes[p]
        for label, gl in g.groupby("level1", sort=False):
            printed = gl["printed"].dropna()
            if len(printed):
                want = round(float(printed.iloc[0]) * scale)
                got = int(gl["q"].sum())
                if got != want:
                    findings.append(Finding(
                        check="weights-gap", severity="error", project_code=code,
                        message=(f"{label}各指标分值合计 {fmt_number(got / scale)}，与表中一级分值 {fmt_number(want / scale)} 不符"
                                 f"（{'少' if got < want else '多'} {fmt_number(abs(want - got) / scale)}）")))
            elif profile.split.method != "explicit":
                b = profile.blocks.get(gl["block"].iloc[0])
                if b is not None and b.weight is not None:
                    want = round(b.weight * scale)
                    got = int(gl["q"].sum())
                    if got != want:
                        findings.append(Finding(
                            check="weights-block", severity="warn", project_code=code,
                            message=(f"{label}各指标分值合计 {fmt_number(got / scale)}，与评分方案「{profile.name}」的一级权重 "
                                     f"{fmt_number(want / scale)} 不同（按表中分值计分）")))
        got = int(g["q"].sum())
        if got != expected_total:
            gap = expected_total - got
            findings.append(Finding(
                check="weights-gap", severity="error", project_code=code,
                message=(f"各指标分值合计 {fmt_number(got / scale)}，加执行率 {fmt_number(profile.execution.weight)} 分为 "
                         f"{fmt_number(got / scale + profile.execution.weight)}，应为 {fmt_number(profile.total)}"
                         f"（{'少' if gap > 0 else '多'} {fmt_number(abs(gap) / scale)}）；各指标得分照常计算，总分按实际分值合计折算")))
    return findings
