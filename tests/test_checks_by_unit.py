"""The checks run once over several units (a batch block) give each unit exactly what a run
on that unit alone gives: the checks that compare a unit's projects with each other
(copied-text, project-code-shape, duplicate-project-code) and the department-wide one
(all-full-scores) stay inside their unit, and the order of findings is the unit's own."""

from __future__ import annotations

import numpy as np

from perfscore.app.score import evaluate
from perfscore.checks import check_results, check_results_by_unit, check_targets, check_targets_by_unit
from perfscore.model import Targets, Unit

from test_checks_results import sound
from test_checks_targets import WAN, clean_indicators, project


def unit_targets(code: str | None, name: str, projects) -> Targets:
    return Targets(year=2023, unit=Unit(code=code, name=name), projects=list(projects))


def block_of(units: list[Targets]) -> tuple[Targets, np.ndarray]:
    view = Targets(year=2023, projects=[p for t in units for p in t.projects])
    owner = np.repeat(np.arange(len(units)), [len(t.projects) for t in units])
    return view, owner


def shaped(code: str, name: str):
    return project(code=code, name=name, indicators=clean_indicators(code))


def test_target_checks_stay_inside_each_unit():
    # Units one and two have no 单位编码: only their place tells them apart.
    one = unit_targets(None, "甲街道", [
        # copied-text inside the unit (unrelated names, the same wording) …
        shaped("13020823P00018410001J", "社区工作经费"),
        shaped("13020823P000182100017", "征兵工作经费"),
        shaped("13020823P00018610001X", "民兵训练经费"),
        # … and one code of another shape among four (project-code-shape)
        shaped("13020823P0001851", "老龄工作经费"),
    ])
    two = unit_targets(None, "乙街道", [
        # The other unit's codes: the short shape is the norm here, and one code repeats
        # a code of unit one (not a duplicate: another unit). Its wording equals unit one's,
        # yet a copy is only looked for inside a unit, where this one has none.
        shaped("13020823P0001851", "城管执法经费"),
        shaped("13020823P0001852", "环境整治经费"),
        project(code="13020823P0001853", name="城管执法经费续", indicators=clean_indicators("x")[:2]),
    ])
    three = unit_targets("U3", "丙街道", [
        project(code="D1", name="甲项目"), project(code="D1", name="乙项目"),   # a duplicate inside the unit
    ])
    units = [one, two, three]
    view, owner = block_of(units)
    got = check_targets_by_unit(view, None, owner, [t.unit.code for t in units])
    want = [check_targets(t) for t in units]
    assert got == want
    checks = [{f.check for f in found} for found in got]
    assert {"copied-text", "project-code-shape"} <= checks[0]
    assert "project-code-shape" not in checks[1] and "duplicate-project-code" not in checks[1]
    assert "duplicate-project-code" in checks[2]
    # Run as one unit, the same projects are compared across the old unit borders.
    merged = {f.check for f in check_targets(view)}
    assert "duplicate-project-code" in merged and len(check_targets(view)) > sum(map(len, want))


def test_result_checks_stay_inside_each_unit():
    full = sound(changes={"宣传品数量": ("100个", "", "入库单")}, executed=67 * WAN)
    units = [
        full.model_copy(update={"unit": Unit(code="U1", name="甲街道")}),
        sound().model_copy(update={"unit": Unit(code="U2", name="乙街道"), "projects": [
            p.model_copy(update={"code": "P2"}) for p in sound().projects]}),
        full.model_copy(update={"unit": Unit(code="U3", name="丙街道"), "projects": [
            p.model_copy(update={"code": "P3"}) for p in full.projects]}),
    ]
    view, owner = block_of(units)
    block = evaluate(view, as_of="2023-12-31", checks=False)
    got = check_results_by_unit(block, None, owner, [t.unit.name for t in units])
    want = [check_results(evaluate(t, as_of="2023-12-31", checks=False)) for t in units]
    assert got == want
    said = [[f.message for f in found if f.check == "all-full-scores"] for found in got]
    assert len(said[0]) == 1 and said[0][0].startswith("甲街道全部1个项目") and said[1] == []
    assert said[2][0].startswith("丙街道")
    # Checked as one department, the miss of unit two would hide the others' full scores.
    assert [f for f in check_results(block) if f.check == "all-full-scores"] == []


def test_all_full_scores_needs_every_one_of_its_conditions_in_its_own_unit():
    """Five units of the same all-full project, four of them each failing one condition of
    all-full-scores (edited into the block's scores): only the first is named, with its own
    counts. Each condition is tested on the unit's rows alone, whichever units stand around it."""
    full = sound(changes={"宣传品数量": ("100个", "", "入库单")}, executed=67 * WAN)
    names = ["甲街道", "乙街道", "丙街道", "丁街道", "戊街道"]
    units = [full.model_copy(update={"unit": Unit(code=f"U{k}", name=name), "projects": [
        p.model_copy(update={"code": f"P{k}"}) for p in full.projects]}) for k, name in enumerate(names)]
    view, owner = block_of(units)
    block = evaluate(view, as_of="2023-12-31", checks=False)
    ind, proj = block.indicators.copy(), block.projects.copy()
    scored = ind.index[(ind["status"] == "scored") & (ind["weight"] > 0)]
    per_unit = len(scored) // len(units)
    assert per_unit >= 6 and (proj["total"] >= 100 - 1e-9).all()
    mine = {k: scored[ind.loc[scored, "project_code"] == f"P{k}"] for k in range(len(units))}
    proj.loc[proj["project_code"] == "P1", "total"] = 99.0                 # a project below 100
    ind.loc[mine[2][4:], "status"] = "not_applicable"                      # four scored indicators
    ind.loc[mine[3][0], "score"] = ind.loc[mine[3][0], "weight"] - 1.0     # one below its weight
    proj.loc[proj["project_code"] == "P4", "total"] = float("nan")         # a total not worked out
    block.indicators, block.projects = ind, proj
    got = check_results_by_unit(block, None, owner, names)
    said = [[f.message for f in found if f.check == "all-full-scores"] for found in got]
    assert said == [[f"甲街道全部1个项目、{len(mine[0])}个已评分指标均为满分，自评可能不够审慎，建议抽查佐证材料。"],
                    [], [], [], []]
