"""Today's engine outputs, pinned by checksum: the indicator table (readings, status, rule,
scores, flags, reasons, arithmetic text, survey intervals), the project table, the
department totals (also on cuts of the projects) and the findings, for the sample unit, a
generated bureau, a synthetic year and every target against every actual, under eight
profiles. Any change to what the engine gives changes a checksum: a rule change updates
tests/data/engine_checksums.json on purpose (``PERFSCORE_UPDATE_CHECKSUMS=1``), in the same
commit that says why. Properties of every scoring (scores within their weights, every
unscored row with a reason) are checked on random rows with hypothesis."""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfscore.app.extract import extract, load_targets
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.scoring import weights as W_
from perfscore.scoring.aggregate import department_columns, department_totals
from perfscore.app.score import evaluate
from perfscore.scoring.engine import flatten, score_rows
from perfscore.scoring.parsing import read_values
from perfscore.scoring.profile import load_profile

ROOT = Path(__file__).resolve().parents[1]
AS_OF = _dt.date(2023, 12, 31)
SUMS = ROOT / "tests" / "data" / "engine_checksums.json"
UPDATE = os.environ.get("PERFSCORE_UPDATE_CHECKSUMS") == "1"


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"perfscore_bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _profiles() -> dict:
    base = load_profile("mof-2020")

    def variant(**sections):
        return base.model_copy(update={k: getattr(base, k).model_copy(update=v) for k, v in sections.items()})

    return {
        "mof-2020": base,
        "fasp-linear": load_profile("fasp-linear"),
        "linear-eq-ge": variant(rules={"le": "linear", "eq": "ge"}),
        "na-full": variant(not_applicable={"mode": "full"}),
        "deduct": variant(overshoot={"deduct": True, "threshold": 1.1, "deduct_cap": 0.3}),
        "exact-90": variant(survey={"method": "exact", "confidence": 0.9}),
        "half-even-3": variant(rounding={"mode": "half_even", "digits": 3}),
        "grace-0": variant(deadline={"grace_days": 0, "late_tier": "未达成"}),
    }


PROFILES = _profiles()

LEVELS = [("产出指标", "数量指标", "宣传品数量"), ("产出指标", "质量指标", "验收合格率"),
          ("产出指标", "时效指标", "完成时限"), ("产出指标", "成本指标", "办公成本"),
          ("效益指标", "社会效益指标", "社会影响"), ("满意度指标", "服务对象满意度指标", "居民满意度"),
          ("效益指标", "可持续影响指标", "办结比率"), ("成本指标", "经济成本指标", "总成本")]
TARGETS = ["≥100个", "≥95%", "＞0", "≤8500元/月", "≤1.82万元/辆", "=100%", "90%-98%", "10~20个", "每季度1次",
           "每年至少1次", "2023年底前完成", "6月底前", "及时", "优", "好", "效果明显", "合规", "不适用", "详见附件",
           "50", "0", "=0", "≤0", "≥-5", "≤25万/季度", "≥95％", "中"]
ACTUALS = [None, "", "120个", "80个", "96%", "0.9", "7000元/月", "9800元/月", "1.95万元/辆", "100%", "99%", "85%",
           "15个", "25个", "3次", "4次", "6次", "按时完成", "延期完成", "未完成", "2023-11-30", "2024-02-20",
           "2024-09-30", "优", "良", "中", "差", "较好", "达成预期指标", "部分达成", "未达成", "不适用", "见附件", "？",
           "满意186人/调查200人", "满意48人/调查50人", "满意0人/调查5人", "满意5人/调查5人", "600余人", "-8", "0",
           "完成", "30万元", "5件"]
SCORES = [None, None, None, "", "8", "4.5", "abc", "0", "10"]


def _targets(rows, per_project: int) -> Targets:
    projects = []
    for p in range(0, len(rows), per_project):
        code = f"P{p:04d}"
        inds = [Indicator.model_construct(
            id=f"{code}-{i:02d}", level1=l1, level2=l2, level3=l3, description="", target=t, basis="",
            weight=None, block_weight=None, actual=a, score=s, reason=None, evidence=None)
            for i, ((l1, l2, l3), t, a, s) in enumerate(rows[p:p + per_project])]
        projects.append(Project.model_construct(
            code=code, name=f"项目{p}", unit_code=None, unit_name=None, funds=Funds(total=100000.0), use="",
            spending_plan={}, goals=[], indicators=inds, budget_full_year=100000.0, executed=90000.0, spent={},
            exec_reason=None))
    return Targets.model_construct(schema_="perfscore.targets/1", year=2023, unit=Unit(code="000", name="测试"),
                                   department_goals=None, projects=projects, findings=[], source={})


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            h.update(part.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        else:
            h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=repr).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def _evaluation_digest(targets: Targets, profile) -> str:
    ev = evaluate(targets, profile, as_of=AS_OF, checks=False)
    findings = [f.model_dump() for f in ev.findings]
    return _digest(ev.indicators, ev.projects, ev.department, findings)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Targets]:
    out = tmp_path_factory.mktemp("gen")
    _bench_module("generate").generate(2500, seed=3, out_dir=out)
    sample = attach_actuals(load_targets(ROOT / "data" / "yanshan-2023" / "targets.json"),
                            read_actuals(ROOT / "data" / "yanshan-2023" / "actuals.csv"))
    grid = [(LEVELS[(i + j) % len(LEVELS)], t, a, SCORES[(i * 7 + j) % len(SCORES)])
            for i, t in enumerate(TARGETS) for j, a in enumerate(ACTUALS)]
    return {
        "sample": sample,
        "generated": attach_actuals(extract(out / "targets.csv"), read_actuals(out / "actuals.csv")),
        "synthetic": _bench_module("bench_evaluate").synthetic_targets(2000, seed=5),
        "grid": _targets(grid, 9),
    }


@pytest.fixture(scope="module")
def recorded():
    stored = json.loads(SUMS.read_text(encoding="utf-8")) if SUMS.exists() else {}
    got: dict[str, str] = {}
    yield stored, got
    if UPDATE:
        SUMS.write_text(json.dumps({**stored, **got}, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("case", ["sample", "generated", "synthetic", "grid"])
def test_engine_outputs_are_todays(cases, recorded, case, profile):
    stored, got = recorded
    key = f"{case}/{profile}"
    got[key] = _evaluation_digest(cases[case], PROFILES[profile])
    if not UPDATE:
        assert got[key] == stored.get(key), f"{key}: the engine's output changed"


def test_department_totals_on_every_cut_are_todays(cases, recorded):
    stored, got = recorded
    parts = []
    for name in ("mof-2020", "fasp-linear", "na-full"):
        ev = evaluate(cases["generated"], PROFILES[name], as_of=AS_OF, checks=False)
        ind, proj = ev.indicators, ev.projects
        units = proj["unit_code"].to_numpy()
        starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
        cuts = [(0, len(proj))] + [(a, b) for a, b in zip(starts, list(starts[1:]) + [len(proj)])] + [(0, 0), (3, 4)]
        for a, b in cuts:
            p = proj.iloc[a:b].reset_index(drop=True)
            i = ind[ind["project_code"].isin(p["project_code"])].reset_index(drop=True)
            parts.append(repr(department_totals(department_columns(p, i), PROFILES[name])))
    got["department-cuts"] = _digest(parts)
    if not UPDATE:
        assert got["department-cuts"] == stored.get("department-cuts")


def _files_digest(folder: Path) -> dict[str, str]:
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


def test_every_file_written_is_todays(tmp_path, recorded):
    """The files users get, byte for byte: the sample's single run (report.html, results.json,
    the CSV files) and a generated bureau's batch run (every unit's files and the summary),
    one block and several. A change to any writer, reader or check shows here."""
    from perfscore.app.run import evaluate_files
    from perfscore.batch import evaluate_batch

    stored, got = recorded
    sample = ROOT / "data" / "yanshan-2023"
    evaluate_files(sample / "targets.json", sample / "actuals.csv", tmp_path / "sample", as_of="2023-12-31")
    folder = tmp_path / "bureau"
    _bench_module("generate").generate(1500, seed=3, out_dir=folder, projects_per_unit=(4, 12))
    evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "one-block", progress=False,
                   as_of="2023-12-31", jobs=1)
    evaluate_batch(folder / "targets.csv", folder / "actuals.csv", tmp_path / "blocks", progress=False,
                   as_of="2023-12-31", jobs=1, block_rows=200)
    one, many = _files_digest(tmp_path / "one-block"), _files_digest(tmp_path / "blocks")
    assert one == many and len(one) > 20   # the block size changes nothing
    for name, digests in (("files/sample", _files_digest(tmp_path / "sample")), ("files/bureau", one)):
        got[name] = _digest(sorted(digests.items()))
        if not UPDATE:
            assert got[name] == stored.get(name), f"{name}: a written file changed"


def test_a_table_of_three_rows_shows_its_tier_points():
    # The engine once cut the 3 tier points like a per-row column when the table had exactly
    # 3 rows: 部分达成 was shown as 0% (or an IndexError was raised).
    rows = [(("产出指标", "数量指标", "宣传品数量"), "2023年底前完成", None, None)] * 2
    rows.append((("产出指标", "数量指标", "宣传品数量"), "2023年底前完成", "部分达成", None))
    frame, pframe = flatten(_targets(rows, 3))
    profile = PROFILES["mof-2020"]
    w = W_.assign(frame, profile, project_codes=pframe["project_code"].tolist())
    sc = score_rows(frame, read_values(frame, 2023), w.quanta, profile, AS_OF)
    point = PROFILES["mof-2020"].tiers["部分达成"].point
    assert point not in (0.0, 1.0)
    assert sc.arithmetic[2].startswith("「部分达成」 → 部分达成 ") and f"×{point * 100:g}% = " in sc.arithmetic[2]


def test_missing_blocks_are_the_weighted_blocks_a_project_has_no_row_in(cases):
    profile = PROFILES["mof-2020"]
    frame, pframe = flatten(cases["generated"])
    w = W_.assign(frame, profile, project_codes=pframe["project_code"].tolist())
    present: dict[int, set] = {}
    for p, b in zip(frame["p_idx"].tolist(), w.block.tolist()):
        present.setdefault(p, set()).add(b)
    want = {}
    for p in range(len(pframe)):
        gone = [name for name, b in profile.blocks.items() if b.weight and name not in present.get(p, set())]
        if gone and p not in w.table_projects:
            want[p] = gone
    assert want and w.missing_blocks == want


row = st.tuples(st.sampled_from(LEVELS), st.sampled_from(TARGETS), st.sampled_from(ACTUALS), st.sampled_from(SCORES))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=40), per_project=st.integers(1, 12),
       name=st.sampled_from(list(PROFILES)))
def test_every_scoring_keeps_its_properties(rows, per_project, name):
    """Scores within [0, weight]; a scored row has its arithmetic; an unscored one says why;
    a project's raw total is the sum of its scored rows; nothing is lost."""
    targets = _targets(rows, per_project)
    ev = evaluate(targets, PROFILES[name], as_of=AS_OF, checks=False)
    ind, proj = ev.indicators, ev.projects
    assert len(ind) == len(rows)
    assert set(ind["status"]) <= {"scored", "needs_review", "not_applicable"}
    scored = ind[ind["status"] == "scored"]
    assert ((scored["score"] >= -1e-9) & (scored["score"] <= scored["weight"] + 1e-9)).all()
    assert (scored["arithmetic"].str.len() > 0).all()
    review = ind[ind["status"] == "needs_review"]
    assert (review["review_reason"].str.len() > 0).all()
    digits = PROFILES[name].rounding.digits
    sums = scored.groupby("project_code")["score"].sum()
    for p in proj.itertuples(index=False):
        indicators_raw = float(sums.get(p.project_code, 0.0))
        exec_score = 0.0 if pd.isna(p.exec_score) else float(p.exec_score)
        assert abs(float(p.raw_total) - (indicators_raw + exec_score)) <= len(rows) * 10 ** -digits + 1e-9
