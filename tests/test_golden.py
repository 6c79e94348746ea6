"""Golden test: the seed's 2023 targets scored with the sample actuals (issue 4, Done-when 1).

``tests/golden/yanshan-2023/expected_*.csv`` hold scores worked out BY HAND from
domain.md §4 under the default profile mof-2020 (the ``worked`` column shows the
arithmetic; ``derivation.md`` beside them explains the decisions). This test runs
``perfscore evaluate`` and compares, row by row, the columns those files hold.

``PERFSCORE_UPDATE_GOLDEN=1`` refreshes only the descriptive columns (project_name,
level1) and appends rows for indicators the expectation does not know yet, with
blank expectations, so that they fail until someone works them out by hand. It never
writes a weight, score, status, rate, total or grade: those come from the rules, not
from the program.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import pytest

from perfscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "yanshan-2023"
GOLDEN = ROOT / "tests" / "golden" / "yanshan-2023"
UPDATE = os.environ.get("PERFSCORE_UPDATE_GOLDEN") == "1"

RESULT_KEY = ("project_code", "level3")
RESULT_DESCRIPTIVE = ("project_name", "level1")
PROJECT_DESCRIPTIVE = ("project_name",)
NEW_ROW_NOTE = "待手工推算（新指标，请按 domain.md §4 填写 weight/score/status）"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")


def _number(text: str | None) -> float | None:
    """A CSV number cell; blank / NaN → None."""
    if text is None or text.strip() in ("", "nan", "NaN", "None"):
        return None
    value = float(text)
    return None if math.isnan(value) else value


def _same(expected: str, got: str | None, places: int = 2) -> bool:
    e, g = _number(expected), _number(got)
    if e is None or g is None:
        return e is None and g is None
    return round(e, places) == round(g, places)


def refresh_results(expected: list[dict[str, str]], got: dict[tuple, dict[str, str]]) -> list[dict[str, str]]:
    """The update switch for results: descriptive columns from the program, new keys
    appended blank; weight / score / status / worked are never taken from the program."""
    out = []
    for row in expected:
        source = got.get(tuple(row[k] for k in RESULT_KEY))
        out.append({**row, **({k: source[k] for k in RESULT_DESCRIPTIVE} if source else {})})
    known = {tuple(r[k] for k in RESULT_KEY) for r in expected}
    for key, source in got.items():
        if key not in known:
            out.append({**{k: source[k] for k in RESULT_KEY + RESULT_DESCRIPTIVE},
                        "weight": "", "score": "", "status": "", "worked": NEW_ROW_NOTE})
    return out


def refresh_projects(expected: list[dict[str, str]], got: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """The update switch for projects: only the descriptive columns are refreshed."""
    return [{**row, **({k: got[row["project_code"]][k] for k in PROJECT_DESCRIPTIVE}
                       if row["project_code"] in got else {})} for row in expected]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "yanshan-2023"
    code = main(["evaluate", str(DATA / "targets.json"), str(DATA / "actuals.csv"), "-o", str(out)])
    assert code == 0, "perfscore evaluate failed on the sample year"
    return out


def test_results_match_the_hand_worked_scores(evaluated):
    header, expected = _read(GOLDEN / "expected_results.csv")
    _, got_rows = _read(evaluated / "results.csv")
    got = {tuple(r[k] for k in RESULT_KEY): r for r in got_rows}
    assert len(got) == len(got_rows), "results.csv has two rows with the same (project_code, level3)"

    if UPDATE:
        expected = refresh_results(expected, got)
        _write(GOLDEN / "expected_results.csv", header, expected)

    problems = []
    seen = set()
    for row in expected:
        key = tuple(row[k] for k in RESULT_KEY)
        seen.add(key)
        out = got.get(key)
        if out is None:
            problems.append(f"{key}: 不在 results.csv 中")
            continue
        for column in ("weight", "score"):
            if not _same(row[column], out.get(column)):
                problems.append(f"{key} {column}: 期望 {row[column] or '空'}，实际 {out.get(column) or '空'}"
                                f"（手算：{row['worked']}）")
        if row["status"] != out.get("status"):
            problems.append(f"{key} status: 期望 {row['status'] or '空'}，实际 {out.get('status')}")
    problems += [f"{key}: results.csv 有此行，但期望文件中没有" for key in got if key not in seen]
    assert not problems, "\n".join(problems)


def test_projects_match_the_hand_worked_totals(evaluated):
    header, expected = _read(GOLDEN / "expected_projects.csv")
    got_header, got_rows = _read(evaluated / "projects.csv")
    got = {r["project_code"]: r for r in got_rows}

    if UPDATE:
        expected = refresh_projects(expected, got)
        _write(GOLDEN / "expected_projects.csv", header, expected)

    compared = [c for c in header if c not in ("project_code", "worked") + PROJECT_DESCRIPTIVE]
    missing_columns = [c for c in compared if c not in got_header]
    assert not missing_columns, f"projects.csv 缺少列：{missing_columns}"
    problems = []
    for row in expected:
        code = row["project_code"]
        out = got.get(code)
        if out is None:
            problems.append(f"{code}: 不在 projects.csv 中")
            continue
        for column in compared:
            if column == "grade":
                ok = row[column] == out[column]
            elif column == "exec_rate":
                ok = _same(row[column], out[column], places=6)
            else:
                ok = _same(row[column], out[column])
            if not ok:
                problems.append(f"{code} {column}: 期望 {row[column]}，实际 {out[column]}（手算：{row['worked']}）")
    problems += [f"{code}: projects.csv 有此项目，但期望文件中没有" for code in got if code not in
                 {r["project_code"] for r in expected}]
    assert not problems, "\n".join(problems)


def test_every_seed_indicator_has_a_hand_worked_row():
    """The expectation covers all 77 indicators of the seed and the 12 of its 部门整体
    goals (rows DEPT-nn), each with its arithmetic."""
    _, expected = _read(GOLDEN / "expected_results.csv")
    assert len(expected) == 77 + 12
    assert sum(r["project_code"].startswith("DEPT-") for r in expected) == 12
    assert all(r["worked"] and r["status"] for r in expected)
    statuses = {r["status"] for r in expected}
    assert statuses == {"scored", "not_applicable", "needs_review"}


def test_update_switch_never_takes_scores_from_the_program():
    expected = [{"project_code": "P1", "project_name": "旧名", "level1": "产出指标", "level3": "数量",
                 "weight": "12.50", "score": "12.21", "status": "scored", "worked": "12.5×46875/48000"}]
    got = {("P1", "数量"): {"project_code": "P1", "project_name": "新名", "level1": "产出指标",
                           "level3": "数量", "weight": "10.00", "score": "9.99", "status": "needs_review"},
           ("P1", "新指标"): {"project_code": "P1", "project_name": "新名", "level1": "效益指标",
                            "level3": "新指标", "weight": "15.00", "score": "15.00", "status": "scored"}}
    out = refresh_results(expected, got)
    assert out[0] == {**expected[0], "project_name": "新名"}
    assert out[1] == {"project_code": "P1", "level3": "新指标", "project_name": "新名", "level1": "效益指标",
                      "weight": "", "score": "", "status": "", "worked": NEW_ROW_NOTE}
    projects = refresh_projects([{"project_code": "P1", "project_name": "旧名", "total": "85.00"}],
                                {"P1": {"project_code": "P1", "project_name": "新名", "total": "99.00"}})
    assert projects == [{"project_code": "P1", "project_name": "新名", "total": "85.00"}]


@pytest.mark.parametrize("name", ["results.csv", "projects.csv"])
def test_output_files_are_exactly_the_golden_files(evaluated, name):
    """Every column, byte for byte: flags, rules, arithmetic text, review reasons, CI bounds.

    The score columns of these snapshots are pinned to the hand-worked expectations by
    the two tests above (same run); the update switch rewrites the snapshot files only,
    after a person has read the diff (`git diff tests/golden`)."""
    golden = GOLDEN / name
    got = (evaluated / name).read_bytes()
    if UPDATE:
        golden.write_bytes(got)
    assert golden.exists(), f"缺少 {golden.name}：用 PERFSCORE_UPDATE_GOLDEN=1 生成后人工核对"
    if got != golden.read_bytes():
        want = golden.read_text("utf-8-sig").splitlines()
        have = got.decode("utf-8-sig").splitlines()
        diff = [f"第{i + 1}行\n  期望 {w}\n  实际 {h}" for i, (w, h) in enumerate(zip(want, have)) if w != h]
        pytest.fail(f"{name} 与 golden 不同（{len(want)} 行 vs {len(have)} 行）：\n" + "\n".join(diff[:5]))
