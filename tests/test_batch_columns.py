"""The batch's column path (no Indicator object per row) against the object path.

A block of a long table is read as columns (``longtable.read_columns``), the actuals are
joined into those columns (``batch.join.attach_block``) and the engine's frames are made
from them (``scoring.frame.columns_frames``). Each step must give exactly what the object
path gives: the reader's Indicator objects, ``attach_actuals`` row by row, ``flatten``.
The references here are the single-unit route on each unit's own files, so a divergence
anywhere in the column path (ids, order, blanks, duplicate 三级 names, fund rows, 分值,
units read alone, the join's writes) fails a test.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore.batch.units as U
import perfscore.batch.worker as W
from perfscore.batch import evaluate_batch
from perfscore.model import Unit
from perfscore.readers import longtable as LT
from perfscore.readers.actuals import attach_actuals, read_actuals
from perfscore.readers.longtable import read_long_table
from perfscore.frame import IndicatorColumns, columns_frames, flatten
from perfscore.app.run import evaluate_files

ROOT = Path(__file__).resolve().parents[1]
TARGET_HEADER = ["预算年度", "单位编码", "单位名称", "项目编码", "项目名称", "预算数（万元）", "一级指标", "二级指标",
                 "三级指标", "年度指标值"]
ACTUALS_HEADER = ["项目编码", "项目名称", "三级指标", "实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料"]
AS_OF = "2023-12-31"


def write_csv(path: Path, rows) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def assert_same_frame(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same columns, dtypes and values (None and NaN kept apart, as the engine sees them)."""
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for c in got.columns:
        a, b = got[c].tolist(), want[c].tolist()
        assert [type(x) for x in a] == [type(x) for x in b], c


# --- a bureau written as files: the block's, and each unit's own ---------------------------


class Bureau:
    """A multi-unit long table and actuals sheet, with each unit's own two files."""

    def __init__(self, folder: Path, header: list[str], units: list[tuple[str, list, list]], actuals_header=None):
        self.folder = folder
        self.keys = [k for k, _, _ in units]
        ah = actuals_header or ACTUALS_HEADER
        write_csv(folder / "targets.csv", [header, *[r for _, rows, _ in units for r in rows]])
        write_csv(folder / "actuals.csv", [ah, *[r for _, _, acts in units for r in acts]])
        self.single = {}
        for key, rows, acts in units:
            d = folder / "single" / key
            d.mkdir(parents=True)
            write_csv(d / "targets.csv", [header, *rows])
            write_csv(d / "actuals.csv", [ah, *acts])
            self.single[key] = (d / "targets.csv", d / "actuals.csv")

    def reference(self, key: str):
        """The unit's Targets by the single-unit route: the reader's objects, then attach_actuals."""
        t, a = self.single[key]
        targets = read_long_table(t.read_bytes(), file="targets.csv", kind="csv")
        return attach_actuals(targets, read_actuals(a))


def run_checked(bureau: Bureau, monkeypatch, *, score: bool = False) -> dict:
    """Run the batch (one block) and, where the real work would score the units, compare
    every unit's columns and the block's frames with the single-unit route."""
    seen = {"units": 0, "columns": 0, "block": 0}
    real = U.score_units

    def spy(works, *args, **kwargs):
        refs = {w.key: bureau.reference(w.key) for w in works if w.error is None}
        shared = [w for w in works if w.error is None and not w.exact]
        if len(shared) > 1 and all(w.columns is not None for w in shared):
            view = shared[0].targets.model_copy(update={
                "projects": [p for w in shared for p in w.targets.projects], "findings": [], "source": {},
                "unit": Unit(money_unit=shared[0].targets.unit.money_unit)})
            (frame, pframe), counts = U.block_frames(view, shared)
            want_frame, want_pframe = flatten(view.model_copy(update={"projects": [
                p for w in shared for p in refs[w.key].projects]}))
            assert_same_frame(frame, want_frame)
            assert_same_frame(pframe, want_pframe)
            assert counts.tolist() == [len(p.indicators) for w in shared for p in refs[w.key].projects]
            seen["block"] += 1
        for w in works:
            if w.error is not None:
                continue
            ref = refs[w.key]
            seen["units"] += 1
            if w.columns is not None:
                seen["columns"] += 1
                frame, pframe = columns_frames(w.targets, w.columns)
                want_frame, want_pframe = flatten(ref)
                assert_same_frame(frame, want_frame)
                assert_same_frame(pframe, want_pframe)
            # The objects the checks and reports read: the reader's, with the actuals joined.
            U.materialize(w)
            assert [p.model_dump() for p in w.targets.projects] == [p.model_dump() for p in ref.projects]
        if score:
            real(works, *args, **kwargs)

    monkeypatch.setattr(W, "score_units", spy)   # as the block's worker calls it
    evaluate_batch(bureau.folder / "targets.csv", bureau.folder / "actuals.csv", bureau.folder / "out",
                   tables_only=True, progress=False, jobs=1, as_of=AS_OF)
    return seen


# --- awkward bureaus, drawn -----------------------------------------------------------------

LEVEL1 = ["产出指标", "效益指标", "满意度指标", "产出指标(50分)", "成本指标"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "社会效益指标", ""]
LEVEL3 = ["完成数量", "合格率", "满意度", "完成时间", "覆盖率"]  # few names: duplicates within a project
TARGETS = ["≥100个", "≥95%", "优", "2023年底前完成", "", "详见附件", "10", "≤46875元/月"]
ACTUALS = ["100个", "97%", "良", "", "2023-11-30", "不适用", "见附件"]
NAMES = ["社区工作经费", "征兵工作经费", "学校运转经费", "河道治理经费", "培训经费"]


@st.composite
def bureaus(draw):
    n_units = draw(st.integers(2, 4))
    weights = draw(st.booleans())            # a 分值 column
    own_actual = draw(st.booleans())         # the long table carries 实际完成值 itself
    header = TARGET_HEADER + (["分值"] if weights else []) + (["实际完成值"] if own_actual else [])
    alone = draw(st.sampled_from([None, *range(n_units)]))  # a unit without 年度 cells: read alone
    drawn = []
    for u in range(n_units):
        key = f"43{u:04d}"
        projects = []
        for p in range(draw(st.integers(1, 3))):
            inds = draw(st.lists(st.tuples(st.sampled_from(LEVEL1), st.sampled_from(LEVEL2), st.sampled_from(LEVEL3),
                                           st.sampled_from(TARGETS), st.sampled_from(["", "10", "5分", "0", "7.5"]),
                                           st.sampled_from(["", "98%", "优"]), st.booleans(), st.booleans()),
                                 min_size=1, max_size=5))
            projects.append((f"{key}P{p}", draw(st.sampled_from(NAMES)), draw(st.sampled_from(["100", "12.5", "", "1,000"])),
                             draw(st.booleans()), inds))
        drawn.append((key, projects))
    name_count: dict[str, int] = {}
    for _, projects in drawn:
        for _, name, *_ in projects:
            name_count[name] = name_count.get(name, 0) + 1
    units = []
    for u, (key, projects) in enumerate(drawn):
        rows, acts = [], []
        for code, name, budget, merged, inds in projects:
            for i, (l1, l2, l3, target, weight, actual, blank1, take) in enumerate(inds):
                first = i == 0
                row = ["" if u == alone else "2023", key, f"单位{key}",
                       code if first or not merged else "", name if first or not merged else "",
                       budget if first else "",
                       l1 if first or not blank1 else "",           # blank 一级 continues the one above
                       l2 if first or not blank1 else draw(st.sampled_from([l2, ""])),
                       l3, target]
                rows.append(row + ([weight] if weights else []) + ([actual] if own_actual else []))
            # The actuals: fund rows and some indicators, by code or (when unambiguous) by name.
            by_name = name_count[name] == 1 and draw(st.booleans())
            ref = ["" if by_name else code, name]
            acts.append(ref + ["全年预算数", draw(st.sampled_from(["100", "12.5万元", "", "1,000"])), "", "", ""])
            acts.append(ref + ["全年执行数", draw(st.sampled_from(["90", "12.5", ""])),
                               "", draw(st.sampled_from(["", "执行偏慢"])), ""])
            if draw(st.booleans()):
                acts.append(ref + ["6月底累计支出", draw(st.sampled_from(["40", ""])), "", "", ""])
            for l1, l2, l3, target, weight, actual, blank1, take in inds:
                if take:
                    acts.append(ref + [l3, draw(st.sampled_from(ACTUALS)), draw(st.sampled_from(["", "9.5分", "8"])),
                                       draw(st.sampled_from(["", "原因"])), draw(st.sampled_from(["", "台账"]))])
            if draw(st.booleans()):
                acts.append(["", "", "", "", "", "", ""])  # a blank row: skipped
        units.append((key, rows, acts))
    return header, units


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=bureaus())
def test_columns_equal_the_object_path_on_awkward_bureaus(drawn, tmp_path_factory, monkeypatch):
    header, units = drawn
    bureau = Bureau(tmp_path_factory.mktemp("b"), header, units)
    seen = run_checked(bureau, monkeypatch)
    assert seen["units"] == len(units)  # every unit compared (none failed to read or join)


# --- fixed bureaus: the fast path is taken, and the files are the single runs' ----------------


def _generator():
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A seeded bureau from the benchmark generator, with each unit's own files."""
    folder = tmp_path_factory.mktemp("gen")
    _generator().generate(900, seed=5, out_dir=folder, projects_per_unit=(3, 9))
    with (folder / "targets.csv").open(encoding="utf-8-sig", newline="") as fh:
        targets = list(csv.reader(fh))
    with (folder / "actuals.csv").open(encoding="utf-8-sig", newline="") as fh:
        actuals = list(csv.reader(fh))
    at = targets[0].index("单位编码")
    units: dict[str, list] = {}
    for row in targets[1:]:
        units.setdefault(row[at], []).append(row)
    listed = []
    for key, rows in units.items():
        codes = {r[targets[0].index("项目编码")] for r in rows}
        listed.append((key, rows, [r for r in actuals[1:] if r[0] in codes]))
    return targets[0], listed, actuals[0]


def test_generated_bureau_takes_the_column_path_and_equals_the_object_path(generated, tmp_path, monkeypatch):
    header, units, actuals_header = generated
    bureau = Bureau(tmp_path, header, units, actuals_header)
    seen = run_checked(bureau, monkeypatch, score=True)
    assert seen == {"units": len(units), "columns": len(units), "block": 1}
    assert len(units) >= 4


def test_tables_only_files_equal_single_unit_runs(generated, tmp_path):
    """--tables-only (no Indicator objects at all) writes each unit's results.csv and
    projects.csv byte for byte as ``perfscore evaluate`` on the unit's own files."""
    header, units, actuals_header = generated
    bureau = Bureau(tmp_path, header, units, actuals_header)
    evaluate_batch(bureau.folder / "targets.csv", bureau.folder / "actuals.csv", tmp_path / "batch",
                   tables_only=True, progress=False, jobs=1)
    for key in bureau.keys:
        t, a = bureau.single[key]
        evaluate_files(t, a, tmp_path / "one" / key, report=False)
        for name in ("results.csv", "projects.csv"):
            assert (tmp_path / "batch" / "units" / key / name).read_bytes() == \
                (tmp_path / "one" / key / name).read_bytes(), f"{key}/{name}"


def test_a_failed_column_join_changes_nothing(generated, tmp_path, monkeypatch):
    """A row the column join cannot take (an unknown 三级指标): attach_block returns False
    with the columns and the projects as they were, and attach_actuals then names the row."""
    import perfscore.batch.join as J

    header, units, actuals_header = generated
    key, rows, acts = units[1]
    acts = [list(r) for r in acts]
    victim = next(r for r in acts if r[2] not in ("全年预算数", "全年执行数"))
    victim[2] = "没有这个指标"
    bureau = Bureau(tmp_path, header, [units[0], (key, rows, acts), *units[2:]], actuals_header)
    calls = []
    real = J.attach_block

    def spy(targets, project_unit, rows_, columns):
        arrays = dict(columns.data)
        copies = {k: v.copy() for k, v in arrays.items()}
        dumps = [p.model_dump() for p in targets.projects]
        ok = real(targets, project_unit, rows_, columns)
        if not ok:
            for k, v in columns.data.items():
                assert v is arrays[k] and v.dtype == copies[k].dtype, k
                assert np.array_equal(v, copies[k], equal_nan=v.dtype == float), k
            assert [p.model_dump() for p in targets.projects] == dumps
        calls.append(ok)
        return ok

    monkeypatch.setattr(W, "attach_block", spy)   # as the block's worker calls it
    run = evaluate_batch(bureau.folder / "targets.csv", bureau.folder / "actuals.csv", tmp_path / "out",
                         tables_only=True, progress=False, jobs=1)
    assert calls == [False]
    assert [u.unit_code for u in run.failed] == [key] and "没有这个三级指标" in run.failed[0].error
    other = units[0][0]
    t, a = bureau.single[other]
    evaluate_files(t, a, tmp_path / "one", report=False)
    assert (tmp_path / "out" / "units" / other / "results.csv").read_bytes() == \
        (tmp_path / "one" / "results.csv").read_bytes()


# --- the reader alone: columns and objects -----------------------------------------------------

READER_TABLE = """\
预算年度,单位编码,单位名称,项目编码,项目名称,预算数（万元）,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,分值,实际完成值,得分,偏差原因,佐证材料,绩效指标描述
2023,001,甲单位,P1,甲项目,12.5,产出指标(50分),数量指标,完成数量,≥,100,个,10,98个,,原因,台账,说明一
,,,,,,,,完成数量,正向,95,%,5分,,9.5分,,,
,,,,,,效益指标,,满意度,定性,优,,,优,,,,
,,,,,,,,,,,,,,,,,
2023,001,甲单位,P2,乙项目,,满意度指标,服务对象满意度指标,满意度,≥,90,%,,,,,,
2023,001,甲单位,P1,甲项目,,成本指标,,单位成本,≤,46875,元/月,,,,,,
"""


def test_read_columns_gives_the_objects_and_frames_of_the_reader(tmp_path):
    """Split targets (指标性质 + 指标值 + 度量单位), blank 一级/二级 and key cells continued,
    a blank spacer row, a project whose rows come back later, the table's own actuals."""
    frame, header_row, where = LT._load_csv(READER_TABLE.encode("utf-8"), "t.csv")
    fields, money = LT._columns(frame, where)
    objects = LT._targets(frame, fields, money, where, header_row, None)
    bare, columns = LT.read_columns(frame, fields, money, where, header_row, None)
    assert all(p.indicators == [] for p in bare.projects)
    got_frame, got_pframe = columns_frames(bare, columns)
    want_frame, want_pframe = flatten(objects)
    assert_same_frame(got_frame, want_frame)
    assert_same_frame(got_pframe, want_pframe)
    assert want_frame["indicator_id"].tolist() == ["P1-01", "P1-02", "P1-03", "P1-04", "P2-01"]
    assert want_frame["weight_table"].tolist()[:2] == [10.0, 5.0] and np.isnan(want_frame["weight_table"][2])
    LT.attach_indicators(bare.projects, columns)
    assert bare == objects
    assert [type(x.weight) for x in objects.projects[0].indicators] == [float, float, type(None), type(None)]


def test_indicator_columns_part_and_concat_round_trip(tmp_path):
    frame, header_row, where = LT._load_csv(READER_TABLE.encode("utf-8"), "t.csv")
    fields, money = LT._columns(frame, where)
    targets, columns = LT.read_columns(frame, fields, money, where, header_row, None)
    parts = [columns.part(0, 1), columns.part(1, 2)]
    assert [len(p.data["id"]) for p in parts] == [4, 1]
    again = IndicatorColumns.concat(parts)
    assert again.counts.tolist() == columns.counts.tolist()
    for k in columns.data:
        assert columns.data[k].tolist() == again.data[k].tolist() or k in ("weight", "block_weight")
        assert np.array_equal(columns.data[k], again.data[k], equal_nan=k in ("weight", "block_weight"))
