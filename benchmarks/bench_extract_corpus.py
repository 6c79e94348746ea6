"""Benchmark: published 绩效目标表 read by ``perfscore extract``, against what each must give.

    PYTHONPATH=src python benchmarks/bench_extract_corpus.py [--dir tests/data/targets_docs] [--formats] [-v]

Each document is ``<id>.txt`` (the table as copied from the published page: a row per line,
cells separated by TABs, cells as printed) with ``<id>.expect.json`` (written by hand: the
projects, each indicator's 一级/二级/三级 and target as printed, rows that must be left out;
tests/data/targets_docs/README.md). ``index.csv`` names each document's source address.

For every document it prints whether it was read (not refused), whether its projects and
indicator counts are right, and the share of its indicators whose 一级/二级/三级 and target
come out exactly as printed; then the shares per layout and, with ``--formats``, per file
format (each document also written as .docx, .xlsx, .html and PDF with merged cells by
``tests/corpus_formats.py``, and read back).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from perfscore.errors import PerfscoreError
from perfscore.app.extract import extract
from perfscore.model import DEPARTMENT_TABLE_PREFIX, Targets
from perfscore.readers.common import MONEY_FACTORS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "targets_docs"


@dataclass
class Result:
    id: str
    fmt: str = "text"
    layouts: list[str] = field(default_factory=list)
    refused: str = ""
    projects_expected: int = 0
    projects_read: int = 0
    indicators_expected: int = 0
    indicators_read: int = 0
    exact: int = 0                 # indicators whose four fields are as printed
    targets_exact: int = 0         # indicators whose target is as printed
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (not self.refused and self.projects_read == self.projects_expected
                and self.indicators_read == self.indicators_expected and self.exact == self.indicators_expected
                and not self.problems)


def expected(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".expect.json").read_text(encoding="utf-8"))


def _read_tables(targets: Targets) -> list[tuple[str, list, object]]:
    """(name, indicators, project or None) per table read: projects, then the department's."""
    out = [(p.name, p.indicators, p) for p in targets.projects]
    d = targets.department_goals
    if d is not None:
        table = [i for i in d.overall_indicators if i.id.startswith(DEPARTMENT_TABLE_PREFIX)]
        if table:
            out.append(("部门整体", table, None))
    return out


def compare(exp: dict, targets: Targets, result: Result) -> Result:
    want = exp["projects"]
    got = _read_tables(targets)
    result.projects_expected = len(want)
    result.projects_read = len(got)
    result.indicators_expected = sum(len(p["indicators"]) for p in want)
    result.indicators_read = sum(len(g[1]) for g in got)
    for n, (w, g) in enumerate(zip(want, got), start=1):
        name, inds, project = g
        if w.get("name") and exp.get("kind") != "部门整体" and w["name"] != name:
            result.problems.append(f"项目{n}名称：应为「{w['name']}」，读到「{name}」")
        for k, (wi, gi) in enumerate(zip(w["indicators"], inds), start=1):
            read = [gi.level1, gi.level2, gi.level3, gi.target]
            if read == list(wi):
                result.exact += 1
            else:
                result.problems.append(f"项目{n}指标{k}：应为{list(wi)}，读到{read}")
            if gi.target == wi[3]:
                result.targets_exact += 1
        if len(w["indicators"]) != len(inds):
            result.problems.append(f"项目{n}：应有{len(w['indicators'])}个指标，读到{len(inds)}个")
        total = (w.get("funds_total") or "").strip()
        if total and project is not None and w.get("money_unit") in MONEY_FACTORS:
            try:
                want_total = float(Decimal(total.replace(",", "")) * MONEY_FACTORS[w["money_unit"]])
            except ArithmeticError:
                want_total = None
            if want_total is not None and project.funds.total != want_total:
                result.problems.append(f"项目{n}资金总额：应为{want_total}元，读到{project.funds.total}")
    if len(want) != len(got):
        result.problems.append(f"应有{len(want)}个表，读到{len(got)}个")
    return result


def read_one(path: Path, exp: dict, fmt: str = "text") -> Result:
    result = Result(id=path.stem, fmt=fmt, layouts=list(exp.get("layout", [])))
    try:
        targets = extract(path, checks=False)
    except PerfscoreError as exc:
        result.refused = str(exc)
        result.projects_expected = len(exp["projects"])
        result.indicators_expected = sum(len(p["indicators"]) for p in exp["projects"])
        return result
    return compare(exp, targets, result)


def run(folder: Path, *, formats: bool = False) -> list[Result]:
    results = []
    docs = sorted(p for p in folder.glob("*.txt"))
    converters = {}
    if formats:
        sys.path.insert(0, str(ROOT / "tests"))
        import corpus_formats

        converters = corpus_formats.WRITERS
    with tempfile.TemporaryDirectory() as tmp:
        for path in docs:
            exp = expected(path)
            results.append(read_one(path, exp))
            for fmt, write in converters.items():
                out = Path(tmp) / f"{path.stem}.{fmt}"
                write(path.read_text(encoding="utf-8"), out)
                results.append(read_one(out, exp, fmt))
    return results


def report(results: list[Result], out=sys.stdout, verbose: bool = False) -> dict:
    def line(label: str, rs: list[Result]) -> dict:
        docs = len(rs)
        good = sum(r.ok for r in rs)
        refused = sum(bool(r.refused) for r in rs)
        inds = sum(r.indicators_expected for r in rs)
        exact = sum(r.exact for r in rs)
        targets = sum(r.targets_exact for r in rs)
        print(f"{label:<28} 文档 {good:>3}/{docs:<3} 拒读 {refused:>2}  指标完全一致 "
              f"{exact:>5}/{inds:<5} ({exact / max(inds, 1):6.1%})  指标值一致 {targets / max(inds, 1):6.1%}", file=out)
        return {"docs": docs, "good": good, "refused": refused, "indicators": inds, "exact": exact,
                "targets_exact": targets}

    text = [r for r in results if r.fmt == "text"]
    if verbose:
        for r in text:
            mark = "✓" if r.ok else ("拒读" if r.refused else "✗")
            print(f"{mark} {r.id}: 项目 {r.projects_read}/{r.projects_expected} 指标 {r.exact}/{r.indicators_expected}"
                  + (f"  {r.refused}" if r.refused else ""), file=out)
            for p in r.problems[:6]:
                print(f"    {p}", file=out)
    print("按版式：", file=out)
    layouts = defaultdict(list)
    for r in text:
        for lay in r.layouts or ["standard"]:
            layouts[lay].append(r)
    per_layout = {lay: line(lay, rs) for lay, rs in sorted(layouts.items())}
    print("按文件格式：", file=out)
    fmts = defaultdict(list)
    for r in results:
        fmts[r.fmt].append(r)
    per_format = {f: line(f, rs) for f, rs in sorted(fmts.items())}
    total = line("合计（文本）", text)
    return {"total": total, "layouts": per_layout, "formats": per_format}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=CORPUS)
    ap.add_argument("--formats", action="store_true", help="also write each document as .docx/.xlsx/.html/.pdf and read it")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    results = run(args.dir, formats=args.formats)
    report(results, verbose=args.verbose)
    print(f"用时 {time.perf_counter() - t0:.1f} 秒")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
