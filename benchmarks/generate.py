"""Synthetic province-sized inputs for ``perfscore evaluate`` (batch mode): a multi-unit
long table of targets and the matching actuals sheet, seeded and reproducible.

    python benchmarks/generate.py 1000000                 # → benchmarks/out/rows1000000-seed1/
    python benchmarks/generate.py 10000 --seed 7 --out /tmp/x
    python benchmarks/generate.py 10000000                # streamed: memory stays flat

Two files are written, unit after unit, without holding the table in memory:

- ``targets.csv`` — the long table (长表) as budget systems export it: 预算年度, 单位编码, 单位名称,
  项目编码, 项目名称, 预算数（万元）, 一级/二级/三级指标, 年度指标值, 绩效指标描述,
  指标值确定依据; on some units the project columns are filled on the project's first
  row only (merged cells);
- ``actuals.csv`` — the actuals sheet (实际完成值表): 项目编码, 项目名称, 三级指标,
  实际完成值, 得分, 偏差原因分析及改进措施, 佐证材料, with the fund rows 全年预算数 /
  全年执行数 of every project.

The vocabulary is that of real 绩效目标表 (domain.md §3): comparisons with and without
units and operators written in words, bare numbers, ranges, per-unit costs, deadlines,
frequencies, grade ladders, achievement wording, not-applicable marks and unreadable
placeholders; actuals that meet, miss, come late, are blank, not applicable, text where
a number is due, in the wrong unit, or unreadable. About 100 projects per unit and 6-12
indicators per project (the seed has 7), so 10⁶ rows are about 1,000 units.

Same (rows, seed) → byte-identical files (``random.Random(seed)``, no clock).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
YEAR = 2023

TARGET_HEADER = ["预算年度", "单位编码", "单位名称", "项目编码", "项目名称", "预算数（万元）", "一级指标", "二级指标",
                 "三级指标", "年度指标值", "绩效指标描述", "指标值确定依据"]
ACTUALS_HEADER = ["项目编码", "项目名称", "三级指标", "实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料"]

DISTRICTS = ["丰润区", "路北区", "路南区", "古冶区", "开平区", "丰南区", "曹妃甸区", "滦州市", "遵化市", "迁安市",
             "滦南县", "乐亭县", "迁西县", "玉田县"]
ORGS = ["燕山路办事处", "教育局", "卫生健康局", "民政局", "财政局", "交通运输局", "农业农村局", "生态环境分局",
        "文化广电和旅游局", "住房和城乡建设局", "人力资源和社会保障局", "应急管理局", "市场监督管理局", "统计局",
        "司法局", "退役军人事务局", "城市管理综合行政执法局", "自然资源和规划分局", "水务局", "医疗保障局"]
PROJECT_NAMES = ["街道体制经费", "防疫工作经费", "专项奖励资金", "社区工作经费", "环保工作经费", "统计专项业务经费",
                 "小区日常维护经费", "计生业务费", "征兵工作经费", "老旧小区改造", "学校运转经费", "义务教育保障经费",
                 "基本公共卫生服务", "困难群众救助", "农村道路养护", "高标准农田建设", "河道治理经费", "文化惠民工程",
                 "就业创业补贴", "安全生产检查", "食品安全抽检", "法律援助经费", "优抚对象补助", "城市绿化养护",
                 "信息化运维经费", "办公设备购置", "政策宣传经费", "培训经费", "应急物资储备", "档案数字化"]
BASIS = ["工作需要", "年度工作计划", "上年完成情况", "行业标准", "上级文件要求", "历史数据"]
EVIDENCE = ["工作台账", "验收报告", "年度工作总结", "记账凭证", "满意度调查汇总表", "会议记录", "活动照片及简报", ""]
REASONS = ["受天气影响部分工作延后", "上级资金下达较晚", "物价上涨导致成本增加", "需求低于预期",
           "人员调整影响进度", "年底集中支付未及时入账"]

# Count nouns for quantity indicators: (三级指标 names, unit, typical target values).
QUANTITY = [
    (["宣传品数量", "宣传资料发放数量", "标识牌制作数量"], "个", [50, 100, 200, 500]),
    (["社区数量", "覆盖社区个数", "服务站点数量"], "个", [5, 8, 14, 20]),
    (["培训人次", "参训人员数量"], "人次", [100, 200, 500, 1000]),
    (["检查次数", "督导检查次数", "专项行动次数"], "次", [4, 6, 12, 24]),
    (["环保作业车辆", "配备车辆数"], "辆", [2, 5, 11, 20]),
    (["办公设备配置数量", "购置设备数量"], "台", [2, 5, 10, 30]),
    (["慰问户数", "帮扶困难家庭户数"], "户", [30, 50, 120, 300]),
    (["道路养护里程", "河道治理长度"], "公里", [3, 10, 25, 60]),
    (["新增绿化面积", "改造面积"], "平方米", [2000, 5000, 12000, 30000]),
    (["补贴发放人数", "救助人数", "增加就业人数"], "人", [20, 50, 200, 800]),
    (["抽检批次", "处理案件数"], "件", [5, 20, 60, 150]),
]
QUALITY = ["验收合格率", "任务完成率", "资金到位率", "设备完好率", "抽检合格率", "资金按时发放率", "档案完整率",
           "工作完成质量", "问题整改率", "达标天数比率"]
DEADLINES = ["工作完成时限", "完成工作时间", "资金拨付时限", "项目完工时间", "补贴发放时间"]
COSTS = [
    (["最小成本完成工作", "月均运行成本", "办公成本"], "元/月", [2500, 8500, 46875, 55833.34]),
    (["社区办公成本"], "元/月/社区", [3000, 8500]),
    (["季度运行成本", "计生费使用成本"], "元/季度", [22150, 39050]),
    (["购置成本", "单车购置成本"], "元/辆", [18200, 150000]),
    (["项目总成本", "维护费投入成本"], "万元", [2, 20, 56.25, 100]),
]
FREQUENCY = ["政策宣传频次", "督导频次", "例会召开次数", "巡查频次"]
FREQ_TARGETS = ["每季度1次", "每月2次", "每年至少1次", "每半年1次", "每月1次"]
FREQ_PER_YEAR = {"每季度1次": 4, "每月2次": 24, "每年至少1次": 1, "每半年1次": 2, "每月1次": 12}
BENEFITS = [("经济效益指标", ["新成果影响", "带动产业增收", "节约财政资金"]),
            ("社会效益指标", ["保障工作开展", "社会影响力", "为民服务能力提升", "群众获得感"]),
            ("生态效益指标", ["环境质量改善", "绿化覆盖提升"]),
            ("可持续影响指标", ["居民了解政策情况", "收支运转稳定", "长效机制建设", "统计更新程度"])]
SATISFACTION = ["居民满意度", "社区居民满意度", "服务对象满意度", "企业满意度", "群众满意度", "学生家长满意度"]

GRADES = ["优", "良", "中", "差"]
GRADES2 = ["好", "较好", "一般", "较差"]
ACHIEVE_TARGETS = ["达成预期指标", "效果明显", "有效提升", "合规", "严格执行相关制度规定", "逐步提高"]
ACHIEVE_ACTUALS = ["达成预期指标", "达成预期指标", "效果明显", "部分达成", "未达成", "达成"]
NA_MARKS = ["不适用", "无", "—"]
UNREADABLE_TARGETS = ["详见附件", "*", "按要求"]
UNREADABLE_ACTUALS = ["见附件", "详见报告", "？", "正在统计"]


def _num(x: float) -> str:
    """A number as people write it: no trailing '.0'."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


class Generator:
    """Draws units, projects and indicators from one seeded ``random.Random``."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)

    # --- one indicator: (一级, 二级, 三级, target, actual, score, reason, evidence) -------

    def outcome(self) -> str:
        """What happened to the indicator this year (drives the actual)."""
        x = self.r.random()
        for name, p in (("met", 0.66), ("missed", 0.16), ("blank", 0.04), ("na", 0.03),
                        ("unreadable", 0.03), ("text", 0.03), ("wrong_unit", 0.02)):
            if x < p:
                return name
            x -= p
        return "none"  # no row in the actuals sheet at all

    def quantity(self, out: str, unit: str, values: list[int]):
        r = self.r
        t = r.choice(values)
        form = r.random()
        if form < 0.55:
            target = f"≥{t}{unit}"
        elif form < 0.65:
            target = f"不少于{t}{unit}"
        elif form < 0.72:
            target = f"{t}{unit}以上"
        elif form < 0.80:
            target = str(t)                          # bare number: direction inferred
        elif form < 0.86:
            target = f"{t}{unit}"
        elif form < 0.93:
            lo = max(1, int(t * 0.8))
            target = f"{lo}~{t}{unit}" if r.random() < 0.5 else f"{lo}-{t}{unit}"
        else:
            target = f"大于等于{t}{unit}"
        if out == "met":
            a = t + r.randint(0, max(1, t // 5))
            if r.random() < 0.08:
                a = int(t * 1.5) + 1                # far above: "指标值可能设置偏低"
            actual = r.choice([f"{a}{unit}", str(a), f"{a}{unit}", f"{a}余{unit}" if unit in ("人", "户") else str(a)])
        elif out == "missed":
            actual = f"{max(0, int(t * r.uniform(0.4, 0.95)))}{unit}"
        elif out == "wrong_unit":
            actual = f"{_num(round(r.uniform(1, 50), 2))}万元"
        else:
            actual = self.common(out, "已完成")
        return target, actual

    def percent(self, out: str, satisfaction: bool = False):
        r = self.r
        t = r.choice([85, 90, 95, 95, 98, 100]) if not satisfaction else r.choice([85, 90, 95, 95])
        form = r.random()
        if form < 0.6 or satisfaction:
            target = f"≥{t}%" if form < 0.9 else f"≥{t}％"
        elif form < 0.7:
            target = f"大于等于{t}%"
        elif form < 0.8:
            target = "=100%"
            t = 100
        elif form < 0.9:
            target = f"{t - 5}%-{t}%" if t < 100 else "95%-100%"
        else:
            target = f"≥{t}％"
        if out == "met":
            a = round(r.uniform(t, 100), 1) if t < 100 else 100
            if satisfaction and r.random() < 0.35:
                n = r.choice([100, 200, 300, 500])
                actual = f"满意{int(n * a / 100)}人/调查{n}人"
            else:
                actual = r.choice([f"{_num(a)}%", f"{_num(a)}%", _num(a), f"{_num(a)}％"])
        elif out == "missed":
            a = round(r.uniform(t - 25, t - 0.5), 1)
            actual = r.choice([f"{_num(a)}%", _num(round(a / 100, 3)) if a < 100 else f"{_num(a)}%"])
        elif out == "wrong_unit":
            actual = f"{r.randint(5, 90)}个"
        else:
            actual = self.common(out, "完成")
        return target, actual

    def deadline(self, out: str):
        r = self.r
        target = r.choice([f"{YEAR}年底前完成", f"{YEAR}年底前完成", f"{YEAR}年12月31日前完成", "6月底前", "上半年",
                           f"{YEAR}年10月底前完成", "在项目计划完成时间内完成", "及时"])
        if out == "met":
            month = 6 if target in ("6月底前", "上半年") else (10 if "10月" in target else 12)
            actual = r.choice(["按时完成", f"{YEAR}-{r.randint(1, month):02d}-{r.randint(1, 28):02d}",
                               f"{YEAR}年{r.randint(1, month)}月", "已完成"])
        elif out == "missed":
            actual = r.choice(["延期完成", "未完成", f"{YEAR + 1}-0{r.randint(1, 5)}-{r.randint(10, 28)}"])
        else:
            actual = self.common(out, "完成")
        return target, actual

    def cost(self, out: str, unit: str, values: list[float]):
        r = self.r
        t = r.choice(values)
        if unit == "万元":
            target = r.choice([f"≤{_num(t)}万元", f"不超过{_num(t)}万元"])
        elif unit == "元/季度" and r.random() < 0.5:
            target = f"≤{_num(round(t / 10000, 2))}万/季度"
            t = round(t / 10000, 2) * 10000
        else:
            target = f"≤{_num(t)}{unit}" if r.random() < 0.8 else f"{_num(t)}{unit}"  # bare → ≤ (成本)
        if out in ("met", "missed"):
            a = t * (r.uniform(0.85, 1.0) if out == "met" else r.uniform(1.02, 1.6))
            if unit == "万元":
                actual = f"{_num(round(a, 2))}万元"
            elif r.random() < 0.2:
                actual = f"{_num(round(a / 10000, 2))}万元{unit[1:]}"
            else:
                actual = r.choice([f"{_num(round(a, 2))}{unit}", f"{_num(round(a, 2))}元{unit[1:]}"])
        elif out == "wrong_unit":
            actual = f"{r.randint(1, 9)}次"
        else:
            actual = self.common(out, "已控制在预算内")
        return target, actual

    def frequency(self, out: str):
        r = self.r
        target = r.choice(FREQ_TARGETS)
        n = FREQ_PER_YEAR[target]
        if out == "met":
            actual = r.choice([f"{n + r.randint(0, 2)}次", f"全年{n + r.randint(0, 2)}次"])
        elif out == "missed":
            actual = f"{max(0, n - r.randint(1, max(1, n // 2)))}次" if n > 1 else "0次"
        else:
            actual = self.common(out, "按要求开展")
        return target, actual

    def grade(self, out: str):
        r = self.r
        ladder = GRADES if r.random() < 0.8 else GRADES2
        target = ladder[0] if r.random() < 0.85 else ladder[1]
        if out == "met":
            actual = target
        elif out == "missed":
            actual = r.choice(ladder[ladder.index(target) + 1:])
        elif out == "wrong_unit":
            actual = r.choice(["达成预期指标", "部分达成"])
        else:
            actual = self.common(out, "95%")
        return target, actual

    def achievement(self, out: str):
        r = self.r
        target = r.choice(ACHIEVE_TARGETS)
        if out == "met":
            actual = r.choice(ACHIEVE_ACTUALS[:3] + ["按时完成"])
        elif out == "missed":
            actual = r.choice(["部分达成", "未达成", "未完成"])
        else:
            actual = self.common(out, "100%")
        return target, actual

    def common(self, out: str, text: str) -> str:
        """Actuals that are not a reading of the indicator: blank, N/A, unreadable, text."""
        if out in ("blank", "none"):
            return ""
        if out == "na":
            return self.r.choice(NA_MARKS)
        if out == "unreadable":
            return self.r.choice(UNREADABLE_ACTUALS)
        return text  # "text": a word where a number is due (or the other way round)

    def indicators(self, count: int, project: str) -> list[tuple]:
        """``count`` indicators of one project, distinct 三级 names, in table order."""
        r = self.r
        rows: list[tuple] = []
        used: set[str] = set()

        def add(l1, l2, l3, kind, *args):
            if l3 in used:
                return
            out = self.outcome()
            special = r.random()
            if special < 0.015:
                target, actual = r.choice(NA_MARKS), self.common("na", "")
            elif special < 0.025:
                target, actual = r.choice(UNREADABLE_TARGETS), r.choice(["完成", "100%", ""])
            else:
                target, actual = getattr(self, kind)(out, *args)
            used.add(l3)
            score = ""
            if kind in ("grade", "achievement", "deadline") and actual and r.random() < 0.1:
                score = r.choice(["9", "8.5", "6", "10", "3"])   # a unit's own 得分, in tier or not
            reason = r.choice(REASONS) if out == "missed" and r.random() < 0.7 else ""
            evidence = r.choice(EVIDENCE)
            # 绩效指标描述 names the project: the same words in two projects are a real finding
            # (copied-text), not something every synthetic project should trigger.
            description = f"{project}{l3}{'达到' if target[:1] in '≥≤=>' else '：'}{target}"
            rows.append((l1, l2, l3, target, actual, score, reason, evidence, out == "none", description))

        # The usual 绩效目标表 shape: 数量, 质量, 时效, 成本, 效益 ×1-3, 满意度, then extras.
        names, unit, values = r.choice(QUANTITY)
        add("产出指标", "数量指标", r.choice(names), "quantity", unit, values)
        q = r.choice(QUALITY)
        if r.random() < 0.75:
            add("产出指标", "质量指标", q, "percent")
        else:
            add("产出指标", "质量指标", q.replace("率", "") + "情况", "grade")
        add("产出指标", "时效指标", r.choice(DEADLINES), "deadline")
        names, unit, values = r.choice(COSTS)
        add("产出指标", "成本指标", r.choice(names), "cost", unit, values)
        for _ in range(r.randint(1, 3)):
            l2, names = r.choice(BENEFITS)
            kind = r.choice(["grade", "grade", "achievement", "percent", "frequency"])
            name = r.choice(names) if kind != "frequency" else r.choice(FREQUENCY)
            add("效益指标", l2, name, kind)
        add("满意度指标", "服务对象满意度指标", r.choice(SATISFACTION), "percent", True)
        while len(rows) < count:
            kind = r.choice(["quantity", "percent", "frequency", "achievement"])
            suffix = f"（{len(rows) + 1}）"
            if kind == "quantity":
                names, unit, values = r.choice(QUANTITY)
                add("产出指标", "数量指标", r.choice(names) + suffix, "quantity", unit, values)
            elif kind == "percent":
                add("产出指标", "质量指标", r.choice(QUALITY) + suffix, "percent")
            elif kind == "frequency":
                add("效益指标", "可持续影响指标", r.choice(FREQUENCY) + suffix, "frequency")
            else:
                add("效益指标", "社会效益指标", r.choice(BENEFITS[1][1]) + suffix, "achievement")
        # The satisfaction row sits at the end of a real table.
        rows.sort(key=lambda x: {"产出指标": 0, "效益指标": 1, "满意度指标": 2}[x[0]])
        return rows[:count]


def generate(rows: int, seed: int = 1, out_dir: str | Path | None = None, *,
             projects_per_unit: tuple[int, int] = (20, 180)) -> tuple[Path, Path]:
    """Write ``targets.csv`` and ``actuals.csv`` with exactly ``rows`` indicator rows.

    Returns the two paths. Files are written unit by unit (streamed) through temporary
    names and renamed at the end, so an interrupted run leaves no half file behind.
    """
    folder = Path(out_dir) if out_dir else OUT / f"rows{rows}-seed{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    targets_path, actuals_path = folder / "targets.csv", folder / "actuals.csv"
    g = Generator(seed)
    r = g.r
    tmp_t, tmp_a = targets_path.with_suffix(".tmp"), actuals_path.with_suffix(".tmp")
    with tmp_t.open("w", encoding="utf-8-sig", newline="") as ft, \
            tmp_a.open("w", encoding="utf-8-sig", newline="") as fa:
        wt, wa = csv.writer(ft, lineterminator="\r\n"), csv.writer(fa, lineterminator="\r\n")
        wt.writerow(TARGET_HEADER)
        wa.writerow(ACTUALS_HEADER)
        written = 0
        u = 0
        while written < rows:
            unit_code = f"{430001 + u:06d}"
            unit_name = f"{DISTRICTS[u % len(DISTRICTS)]}{ORGS[(u // len(DISTRICTS)) % len(ORGS)]}"
            if u >= len(DISTRICTS) * len(ORGS):
                unit_name += f"（{u // (len(DISTRICTS) * len(ORGS)) + 1}）"
            merged = r.random() < 0.3   # project columns on the first row only (merged cells)
            t_rows, a_rows = [], []
            for p in range(r.randint(*projects_per_unit)):
                if written >= rows:
                    break
                code = f"{unit_code}P{YEAR}{p:05d}"
                name = f"{YEAR}年{r.choice(PROJECT_NAMES)}"
                budget = round(r.choice([2, 3, 8.8, 8.86, 15.62, 20, 56.25, 67, 100, 140, 300]) * r.uniform(0.5, 2), 2)
                count = min(rows - written, r.randint(6, 12))
                for i, (l1, l2, l3, target, actual, score, reason, evidence, no_row, description) in enumerate(g.indicators(count, name)):
                    first = i == 0 or not merged
                    t_rows.append((YEAR, unit_code, unit_name, code, name if first else "", _num(budget) if first else "",
                                   l1, l2, l3, target, description, r.choice(BASIS)))
                    if not no_row:
                        a_rows.append((code, name, l3, actual, score, reason, evidence))
                written += count
                rate = r.choice([1.0, 1.0, 0.98, 0.95, 0.92, 0.85, 0.7, 1.03])
                a_rows.append((code, name, "全年预算数", _num(budget), "", "", ""))
                a_rows.append((code, name, "全年执行数", _num(round(budget * rate, 2)), "",
                               r.choice(REASONS) if rate < 0.9 and r.random() < 0.5 else "", ""))
            wt.writerows(t_rows)
            wa.writerows(a_rows)
            u += 1
    tmp_t.replace(targets_path)
    tmp_a.replace(actuals_path)
    return targets_path, actuals_path


def inputs(rows: int, seed: int = 1, projects_per_unit=(20, 180)) -> tuple[Path, Path]:
    """The (targets.csv, actuals.csv) of ``rows`` rows, generated once and cached in
    ``benchmarks/out/`` (what every benchmark reads)."""
    tag = "" if projects_per_unit == (20, 180) else f"-ppu{projects_per_unit[0]}-{projects_per_unit[1]}"
    folder = OUT / f"rows{rows}-seed{seed}{tag}"
    t, a = folder / "targets.csv", folder / "actuals.csv"
    if not (t.exists() and a.exists()):
        print(f"generating {rows:,} rows into {folder} …", file=sys.stderr, flush=True)
        generate(rows, seed, folder, projects_per_unit=projects_per_unit)
    return t, a


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows", type=int, help="indicator rows (10000, 100000, 1000000, 10000000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="folder (default benchmarks/out/rows<N>-seed<S>/)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    t, a = generate(args.rows, args.seed, args.out)
    mb = (t.stat().st_size + a.stat().st_size) / 1e6
    print(f"{t} and {a.name}: {args.rows:,} rows, {mb:,.0f} MB in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
