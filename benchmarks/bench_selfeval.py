"""Benchmark: published self-evaluation tables (项目支出绩效自评表) scored by perfscore,
row by row against the score the table's author printed.

    PYTHONPATH=src python benchmarks/bench_selfeval.py [--dir tests/data/selfeval] [-v]

Each table is ``<id>.csv`` (a long table, cells as printed) with ``<id>.published.csv``
(the printed 分值/得分 per row, ``预算执行率`` and ``总分``; tests/data/selfeval/README.md).
A row **agrees** when perfscore's score and the printed one differ by at most 6 % of the
row's weight (compared as shares of the weight, so a table whose weights perfscore does
not adopt is still compared fairly); else it is **stricter** (perfscore lower), **more
lenient** (higher) or **unscored** (perfscore says why). Rows whose printed score the
corpus marks as the author's own discretion (``作者酌情``) are listed as such and never
tuned away. A table perfscore refuses is counted with all its rows.

The evaluation template (一级 决策/过程/产出/效益) is scored with the ``eval-template``
profile, every other table with ``mof-2020``: what a unit would pass with ``--profile``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from perfscore.errors import PerfscoreError
from perfscore.app.extract import load_targets
from perfscore.app.score import evaluate

TOLERANCE = 0.06  # of the row's weight
TEMPLATE_BLOCKS = {"决策", "过程"}


@dataclass
class Row:
    table: str
    label: str            # the 行 of the published file: an indicator row, 预算执行率
    name: str             # 三级指标 (or 预算执行率)
    weight: float
    published: float
    ours: float | None    # share of the weight perfscore gives (None: unscored)
    ours_weight: float | None
    verdict: str          # agree / stricter / lenient / unscored / refused
    why: str = ""
    discretion: str = ""


@dataclass
class Table:
    id: str
    rows: list[Row] = field(default_factory=list)
    refused: str = ""
    total_published: float | None = None
    total_ours: float | None = None


def _num(text: str) -> float | None:
    t = (text or "").strip().removesuffix("分").replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def profile_for(targets) -> str:
    """The evaluation template's tables are read with its profile; others with the national one."""
    level1 = {i.level1.removesuffix("指标") for p in targets.projects for i in p.indicators}
    return "eval-template" if level1 & TEMPLATE_BLOCKS else "mof-2020"


def _verdict(ours: float, published: float, weight: float) -> str:
    if abs(ours - published) <= TOLERANCE * weight + 1e-9:
        return "agree"
    return "stricter" if ours < published else "lenient"


def score_table(csv_path: Path) -> Table:
    tid = csv_path.name.removesuffix(".csv")
    table = Table(tid)
    published = list(csv.DictReader(open(csv_path.with_name(f"{tid}.published.csv"), encoding="utf-8-sig")))
    try:
        targets = load_targets(csv_path)
        ev = evaluate(targets, profile_for(targets))
    except PerfscoreError as exc:
        table.refused = str(exc).splitlines()[0]
        for p in published:
            if p["行"].strip() != "总分":
                table.rows.append(Row(tid, p["行"], p["行"], _num(p["分值"]) or 0.0, _num(p["得分"]) or 0.0,
                                      None, None, "refused", table.refused, p.get("作者酌情", "")))
        return table
    ind = ev.indicators.reset_index(drop=True)
    proj = ev.projects.reset_index(drop=True)
    # The reader leaves out a template row left empty (finding empty-indicator-row, source
    # file:row with the header on row 1): the indicators are the other data rows, in order.
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        n_rows = sum(1 for _ in csv.reader(f)) - 1
    dropped = {int(x.source.rsplit(":", 1)[1]) - 1 for x in targets.findings if x.check == "empty-indicator-row"}
    position = {}
    for data_row in range(1, n_rows + 1):
        if data_row not in dropped:
            position[data_row] = len(position)
    for p in published:
        label = p["行"].strip()
        weight, score = _num(p["分值"]), _num(p["得分"])
        discretion = (p.get("作者酌情") or "").strip()
        if label == "总分":
            table.total_published = score
            table.total_ours = float(proj["total"].iloc[0]) if len(proj) == 1 else None
            continue
        if weight is None or score is None:
            continue  # a line the author left without a score: nothing to compare
        if label == "预算执行率":
            ew, es = proj["exec_weight"].iloc[0], proj["exec_score"].iloc[0]
            if es is None or es != es:
                table.rows.append(Row(tid, label, label, weight, score, None, ew, "unscored",
                                      "执行率未能计分（" + str(proj["notes"].iloc[0]) + "）", discretion))
            elif float(ew) == 0:   # no execution block in the profile (eval-template): the rate itself
                rate = proj["exec_rate"].iloc[0]
                share = min(float(rate), 1.0) * weight
                table.rows.append(Row(tid, label, label, weight, score, share, 0.0,
                                      _verdict(share, score, weight), "", discretion))
            else:
                share = float(es) / float(ew) * weight
                table.rows.append(Row(tid, label, label, weight, score, share, float(ew),
                                      _verdict(share, score, weight), "", discretion))
            continue
        if int(label) in dropped:
            table.rows.append(Row(tid, label, label, weight, score, None, None, "unscored",
                                  "表中留空的一行（没有三级指标、指标值和实际完成值），不是指标", discretion))
            continue
        r = ind.iloc[position[int(label)]]
        w = float(r["weight"]) if r["weight"] == r["weight"] else None
        if r["status"] != "scored" or w is None or w == 0:
            why = r["review_reason"] or ("不适用" if r["status"] == "not_applicable" else "")
            table.rows.append(Row(tid, label, r["level3"], weight, score, None, w, "unscored", why, discretion))
            continue
        share = float(r["score"]) / w * weight
        table.rows.append(Row(tid, label, r["level3"], weight, score, share, w,
                              _verdict(share, score, weight), r["arithmetic"], discretion))
    return table


def run(directory: Path) -> list[Table]:
    return [score_table(p) for p in sorted(directory.glob("*.csv"))
            if not p.name.endswith(".published.csv") and p.name != "index.csv"]


def report(tables: list[Table], verbose: bool = False, out=sys.stdout) -> dict[str, int]:
    totals = {"rows": 0, "agree": 0, "stricter": 0, "lenient": 0, "unscored": 0, "refused": 0,
              "discretion": 0, "tables": len(tables), "tables_refused": 0}
    print(f"{'表':<28}{'行':>4}{'一致':>5}{'偏严':>5}{'偏宽':>5}{'未评':>5}{'酌情':>5}  总分(公布/本程序)", file=out)
    for t in tables:
        c = {k: sum(1 for r in t.rows if r.verdict == k) for k in ("agree", "stricter", "lenient", "unscored", "refused")}
        d = sum(1 for r in t.rows if r.discretion)
        totals["rows"] += len(t.rows)
        totals["discretion"] += d
        totals["tables_refused"] += bool(t.refused)
        for k, v in c.items():
            totals[k] += v
        tot = (f"{t.total_published if t.total_published is not None else '—'} / "
               f"{t.total_ours if t.total_ours is not None else '—'}")
        print(f"{t.id:<28}{len(t.rows):>4}{c['agree']:>5}{c['stricter']:>5}{c['lenient']:>5}"
              f"{c['unscored'] + c['refused']:>5}{d:>5}  {tot}" + (f"  拒绝：{t.refused}" if t.refused else ""), file=out)
    rows = totals["rows"] or 1
    print(f"\n合计：{totals['tables']} 张表（拒绝 {totals['tables_refused']}），{totals['rows']} 行；"
          f"一致 {totals['agree']}（{totals['agree'] / rows:.1%}），偏严 {totals['stricter']}，偏宽 {totals['lenient']}，"
          f"未评分 {totals['unscored'] + totals['refused']}；其中作者酌情 {totals['discretion']} 行", file=out)
    print("\n不一致或未评分的行（作者酌情的单列）：", file=out)
    for t in tables:
        for r in t.rows:
            if r.verdict == "agree" and not verbose:
                continue
            ours = "—" if r.ours is None else f"{r.ours:.2f}"
            tag = f"[作者酌情：{r.discretion}] " if r.discretion else ""
            print(f"  {t.id} 行{r.label} {r.name}：公布 {r.published:g}/{r.weight:g}，本程序 {ours}"
                  f"（{r.verdict}）{tag}{r.why}", file=out)
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="tests/data/selfeval")
    ap.add_argument("-v", "--verbose", action="store_true", help="also list the rows that agree")
    args = ap.parse_args(argv)
    report(run(Path(args.dir)), args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
