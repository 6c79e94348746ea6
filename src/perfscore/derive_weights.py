"""``perfscore weights``: weights from expert judgement (AHP) or from data (entropy).

Reads the inputs (:mod:`perfscore.readers.matrix`), runs the mathematics
(:mod:`perfscore.scoring.ahp`, :mod:`perfscore.scoring.entropy`), and gives the result
three ways: a Chinese text for people, a JSON-able dict, and the TOML table of a profile
(:mod:`perfscore.scoring.derived`). The CLI only chooses among them.

JSON numbers are rounded to 6 decimals: eigenvectors are computed in floating point
and their last digits depend on the BLAS library, so full floats would not be
byte-identical between machines.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from perfscore.errors import DataError, Location, UsageError
from perfscore.readers.matrix import TOP_SHEET, Judgements, read_data, read_judgements
from perfscore.scoring import ahp as A
from perfscore.scoring.derived import LEVELS, Level, guess_level, profile_table
from perfscore.scoring.entropy import EntropyResult, entropy_weights
from perfscore.scoring.profile import Profile, is_profile_path

JSON_DIGITS = 6


def _r(x: float) -> float:
    return round(float(x), JSON_DIGITS) + 0.0  # + 0.0: never "-0.0"


# --- AHP ------------------------------------------------------------------------------


@dataclass
class AhpRun:
    files: list[str]
    results: dict[str, A.AhpResult]        # by matrix: "" for a single matrix, else sheet name
    root: str
    nodes: list[A.Node]
    cr_total: float | None = None          # hierarchies only
    expert_cr: dict[str, list[float]] = field(default_factory=dict)  # by matrix, each expert's own CR (input order)

    @property
    def experts(self) -> int:
        return len(self.files)

    @property
    def is_hierarchy(self) -> bool:
        return len(self.results) > 1

    @property
    def leaf_weights(self) -> dict[str, float]:
        return {n.name: n.global_ for n in self.nodes if not n.children}

    @property
    def inconsistent(self) -> list[str]:
        return [k for k, r in self.results.items() if not r.consistent]


def _sheets(path: str) -> dict[str, Judgements]:
    found = read_judgements(path)
    return {("" if k is None else k): v for k, v in found.items()}


def _aligned(first: dict[str, Judgements], other: dict[str, Judgements], path: str) -> dict[str, np.ndarray]:
    """Another expert's matrices in the first expert's sheet and criterion order."""
    if set(first) != set(other):
        raise DataError("各专家的判断矩阵工作表不一致", location=Location(file=path),
                        problems=[f"第一份有：{'、'.join(first) or '（单个矩阵）'}",
                                  f"这一份有：{'、'.join(other) or '（单个矩阵）'}"],
                        hint="每位专家使用同一份模板（相同的工作表和准则），只填写判断值。")
    out = {}
    for sheet, j in first.items():
        o = other[sheet]
        if set(o.names) != set(j.names):
            where = f"工作表「{sheet}」" if sheet else "判断矩阵"
            raise DataError(f"{where}的准则与第一份不同", location=Location(file=path),
                            problems=[f"第一份：{'、'.join(j.names)}", f"这一份：{'、'.join(o.names)}"],
                            hint="每位专家使用同一份模板（相同的准则名称），只填写判断值。")
        idx = [o.names.index(n) for n in j.names]
        out[sheet] = o.matrix[np.ix_(idx, idx)]
    return out


def _check_order(j: Judgements) -> None:
    if len(j.names) > A.MAX_ORDER:
        where = f"{j.file}（工作表「{j.sheet}」）" if j.sheet else j.file
        raise DataError(f"判断矩阵有 {len(j.names)} 个准则，超过 {A.MAX_ORDER} 个",
                        location=Location(file=where),
                        hint=f"{A.RANDOM_INDEX_SOURCE}只到 n = {A.MAX_ORDER}，而且准则太多时两两判断难以保持一致；"
                             "请把准则分组，做成多层（一级、二级）判断矩阵。")


def run_ahp(paths: list[str]) -> AhpRun:
    """One or several experts' matrices (geometric mean) → weights and consistency."""
    if not paths:
        raise UsageError("至少需要一个判断矩阵文件", hint="例如：perfscore weights ahp 判断矩阵.xlsx")
    first = _sheets(paths[0])
    for j in first.values():
        _check_order(j)
    stacks = {sheet: [j.matrix] for sheet, j in first.items()}
    for path in paths[1:]:
        for sheet, m in _aligned(first, _sheets(path), path).items():
            stacks[sheet].append(m)
    results = {sheet: A.analyse(A.geometric_mean(ms) if len(ms) > 1 else ms[0], first[sheet].names)
               for sheet, ms in stacks.items()}
    # Each expert's own consistency: a combined matrix can pass while one expert's does not.
    expert_cr = ({sheet: [A.analyse(m, first[sheet].names).cr for m in ms] for sheet, ms in stacks.items()}
                 if len(paths) > 1 else {})
    files = [Path(p).name for p in paths]
    if len(results) == 1:
        root = next(iter(results))
        return AhpRun(files, results, root, A.combine(results, root), expert_cr=expert_cr)
    if TOP_SHEET not in results:
        raise DataError(f"工作簿有 {len(results)} 张判断矩阵工作表，但没有名为「{TOP_SHEET}」的工作表",
                        location=Location(file=paths[0]),
                        hint=f"多层判断矩阵：工作表「{TOP_SHEET}」比较一级指标，"
                             "每个一级指标的下级指标放在以该一级指标命名的工作表中（如「产出指标」）。")
    _check_tree(results, paths[0])
    nodes = A.combine(results, TOP_SHEET)
    return AhpRun(files, results, TOP_SHEET, nodes, A.hierarchy_cr(results, nodes, TOP_SHEET), expert_cr)


def _check_tree(results: dict[str, A.AhpResult], file: str) -> None:
    parents: dict[str, str] = {}
    for sheet, res in results.items():
        for name in res.names:
            if name in parents:
                raise DataError(f"准则「{name}」同时出现在工作表「{parents[name]}」和「{sheet}」中",
                                location=Location(file=file), hint="每个准则只能属于一个上级。")
            parents[name] = sheet
    for sheet in results:
        if sheet != TOP_SHEET and sheet not in parents:
            raise DataError(f"工作表「{sheet}」不是任何准则的名称，不知道它是谁的下级",
                            location=Location(file=file),
                            hint="下级判断矩阵的工作表应以其上级准则命名（与上级矩阵中的名称完全相同）。")
    for sheet in results:  # depth: 一级 → 二级 → 三级
        depth, at = 1, sheet
        while at != TOP_SHEET:
            at, depth = parents[at], depth + 1
            if depth > len(LEVELS):
                raise DataError(f"判断矩阵的层次超过 {len(LEVELS)} 级（工作表「{sheet}」）",
                                location=Location(file=file), hint="评分方案只有一级、二级、三级指标。")


def ahp_json(run: AhpRun) -> dict:
    top = run.results[run.root]
    out: dict = {
        "method": "ahp",
        "experts": run.experts,
        "weights": {k: _r(v) for k, v in run.leaf_weights.items()},
        "lambda_max": _r(top.lambda_max), "ci": _r(top.ci), "ri": top.ri, "cr": _r(top.cr),
        "consistent": not run.inconsistent,
        "random_index": A.RANDOM_INDEX_SOURCE,
    }
    if run.is_hierarchy:
        out["cr_total"] = _r(run.cr_total)
        out["hierarchy"] = [{"name": n.name, "level": LEVELS[n.level - 1], "parent": n.parent,
                             "local": _r(n.local), "global": _r(n.global_)} for n in run.nodes]
    out["matrices"] = [_matrix_json(sheet, res, run.expert_cr.get(sheet)) for sheet, res in run.results.items()]
    return out


def _matrix_json(sheet: str, res: A.AhpResult, expert_cr: list[float] | None) -> dict:
    worst = res.worst
    extra = {"experts_cr": [_r(x) for x in expert_cr]} if expert_cr else {}
    return {
        "sheet": sheet or None,
        "weights": {n: _r(w) for n, w in zip(res.names, res.weights)},
        "lambda_max": _r(res.lambda_max), "ci": _r(res.ci), "ri": res.ri, "cr": _r(res.cr),
        "consistent": res.consistent,
        "worst_pair": None if worst is None else {
            "row": res.names[worst.i], "column": res.names[worst.j],
            "judged": _r(worst.judged), "implied": _r(worst.implied)},
        **extra,
    }


def verdict(res: A.AhpResult) -> str:
    """The consistency verdict in Chinese, naming the worst judgement when CR ≥ 0.1."""
    n = len(res.names)
    if n <= 2:
        return f"只有 {n} 个准则，判断矩阵总是一致的（CR = 0）。"
    if res.consistent:
        return f"CR = {res.cr:.4f} < {A.CR_LIMIT}，判断矩阵的一致性可以接受。"
    w = res.worst
    a, b = res.names[w.i], res.names[w.j]
    return (f"CR = {res.cr:.4f} ≥ {A.CR_LIMIT}，判断矩阵的一致性不可接受，请专家重新判断。"
            f"最不一致的一项判断是「{a}」对「{b}」填了 {_judged(w.judged)}；"
            f"若与其余判断一致，应约为 {w.implied:.2f}（= 「{a}」的权重 ÷「{b}」的权重）。")


def _judged(x: float) -> str:
    if x >= 1 or abs(1 / x - round(1 / x)) > 1e-9:
        return f"{x:g}" if abs(x - round(x, 4)) < 1e-12 else f"{x:.4f}"
    return f"1/{round(1 / x)}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[k]) for r in [header, *rows]) for k in range(len(header))]
    return ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]


def _consistency_lines(res: A.AhpResult) -> list[str]:
    return [f"λmax = {res.lambda_max:.4f}，CI = {res.ci:.4f}，RI = {res.ri:.2f}，CR = {res.cr:.4f}",
            f"结论：{verdict(res)}"]


def ahp_text(run: AhpRun) -> str:
    lines = [f"层次分析法（AHP）：{'、'.join(run.files)}"
             + (f"；{run.experts} 位专家的判断矩阵已按元素几何平均合并" if run.experts > 1 else "")]
    for sheet, res in run.results.items():
        lines.append("")
        if run.is_hierarchy:
            lines.append(f"【{sheet}】" + ("一级指标" if sheet == run.root else f"「{sheet}」的下级指标"))
        lines += _table(["准则", "权重"], [[n, f"{w:.4f}"] for n, w in zip(res.names, res.weights)])
        lines += _consistency_lines(res)
        if sheet in run.expert_cr:
            lines.append("各专家单独的 CR：" + "、".join(
                f"{f} {cr:.4f}" + ("（≥ 0.1）" if cr >= A.CR_LIMIT else "")
                for f, cr in zip(run.files, run.expert_cr[sheet])))
    if run.is_hierarchy:
        lines += ["", "【总排序】各指标的全局权重 = 局部权重 × 上级的全局权重"]
        lines += _table(["指标", "层级", "上级", "局部权重", "全局权重"],
                        [[n.name, LEVELS[n.level - 1], n.parent or "—", f"{n.local:.4f}", f"{n.global_:.4f}"]
                         for n in run.nodes])
        lines.append(f"总排序一致性比率 CR = {run.cr_total:.4f}"
                     + ("（< 0.1，可以接受）" if run.cr_total < A.CR_LIMIT else "（≥ 0.1，不可接受）"))
    lines.append(f"RI 取自 {A.RANDOM_INDEX_SOURCE}。")
    return "\n".join(lines) + "\n"


def ahp_levels(run: AhpRun, level: Level | None, base: Profile) -> dict[str, dict[str, float]]:
    """The derived weights by profile level (一级 → block weights; 二级, 三级 → relative)."""
    if run.is_hierarchy:
        if level is not None:
            raise UsageError("多层判断矩阵的层级由工作表决定（「一级」为一级指标），不能再用 --level 指定",
                             hint="去掉 --level 即可。")
        out: dict[str, dict[str, float]] = {}
        for n in run.nodes:
            out.setdefault(LEVELS[n.level - 1], {})[n.name] = n.global_
        return out
    res = run.results[run.root]
    return {_level(level, res.names, base): dict(zip(res.names, map(float, res.weights)))}


def _level(level: Level | None, names, base: Profile) -> Level:
    chosen = level or guess_level(list(names), base)
    if chosen is None:
        raise UsageError(f"准则 {'、'.join(names)} 不全是基础方案「{base.name}」的一级指标，不知道它们是哪一级",
                         hint="写出评分方案时请用 --level 二级 或 --level 三级 说明这些准则是哪一级指标。")
    return chosen


# --- entropy ----------------------------------------------------------------------------


@dataclass
class EntropyRun:
    file: str
    rows: int
    normalize: str
    reverse: list[str]
    result: EntropyResult
    labels: tuple[str, ...] = field(default=())


def run_entropy(path: str, *, normalize: str = "none", reverse: list[str] | None = None) -> EntropyRun:
    reverse = list(reverse or [])
    if normalize not in ("none", "minmax"):
        raise UsageError(f"不支持的标准化方式「{normalize}」", hint="--normalize 只能是 minmax（不给时按列占比计算）。")
    if reverse and normalize != "minmax":
        raise UsageError("--reverse 只能与 --normalize minmax 一起使用",
                         hint="反向指标（越小越好）需要先按 (最大值 − x) ÷ (最大值 − 最小值) 标准化。")
    sheet = read_data(path, nonnegative=normalize == "none")
    unknown = [r for r in reverse if r not in sheet.names]
    if unknown:
        raise UsageError(f"--reverse 给出的指标 {'、'.join(unknown)} 不在数据表的表头中",
                         hint=f"数据表的指标有：{'、'.join(sheet.names)}。")
    result = entropy_weights(sheet.values, sheet.names, normalize=normalize, reverse=frozenset(reverse))
    return EntropyRun(Path(path).name, len(sheet.labels), normalize, reverse, result, sheet.labels)


def entropy_json(run: EntropyRun) -> dict:
    res = run.result
    return {
        "method": "entropy",
        "rows": run.rows,
        "normalize": run.normalize,
        "reverse": run.reverse,
        "weights": {n: _r(w) for n, w in zip(res.names, res.weights)},
        "entropy": {n: _r(e) for n, e in zip(res.names, res.entropy)},
        "notes": res.notes,
    }


def entropy_text(run: EntropyRun) -> str:
    res = run.result
    how = "先按最小值—最大值标准化，再按列占比计算" if run.normalize == "minmax" else "按列占比 p = x ÷ 列合计计算"
    lines = [f"熵权法：{run.file}，{run.rows} 行（单位或项目）、{len(res.names)} 个指标；{how}", ""]
    lines += _table(["指标", "信息熵", "权重"], [[n, f"{e:.4f}", f"{w:.4f}"]
                                               for n, e, w in zip(res.names, res.entropy, res.weights)])
    if res.notes:
        lines += ["", "说明："] + [f"  - {note}" for note in res.notes]
    return "\n".join(lines) + "\n"


def entropy_levels(run: EntropyRun, level: Level | None, base: Profile) -> dict[str, dict[str, float]]:
    res = run.result
    return {_level(level, res.names, base): dict(zip(res.names, map(float, res.weights)))}


# --- the profile ------------------------------------------------------------------------


def derived_profile(levels: dict[str, dict[str, float]], base_name: str, base: Profile, *, output: str,
                    method: str, source: str) -> tuple[dict, list[str]]:
    """(TOML table, header comments) of the profile written with ``-o``."""
    name = Path(output).stem
    level1 = levels.get("一级")
    parts = []
    if is_profile_path(base_name):
        # A base given as a path is written relative to the new profile's folder (the loader
        # looks there first): no absolute path in the file, and the two can move together.
        base_name = Path(os.path.relpath(Path(base_name).resolve(), Path(output).resolve().parent)).as_posix()
    table = profile_table(base_name, base, name=name, description="", basis="",
                          level1=level1, level2=levels.get("二级"), level3=levels.get("三级"))
    if "blocks" in table:
        parts.append("一级 " + "、".join(f"{k} {v:g}" for k, v in table["blocks"].items()))
    for lv in ("二级", "三级"):
        if lv in levels:
            parts.append(f"{lv} {len(levels[lv])} 个指标按相对权重分配")
    table["description"] = f"{method}导出的权重（继承 {base_name}）：" + "；".join(parts)
    table["basis"] = f"perfscore weights：{method}，输入 {source}"
    comments = [f"评分方案 {name}：由 perfscore weights 用{method}导出，继承 {base_name}，只覆盖下面的键。",
                f"输入：{source}。",
                "一级权重写在 [blocks]（乘以指标总分）；二级、三级的相对权重写在 [indicator_weights]，",
                "评分时在每个一级（或二级）之内按比例分配分值。各键的含义见 weights/README.md。"]
    return table, comments
