"""``perfscore evaluate`` and ``perfscore profiles`` from the command line."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from perfscore.cli import main
from perfscore.model import dump_targets
from perfscore.app.score import evaluate
from perfscore.scoring import load_results
from perfscore.scoring.aggregate import EXTRA_PROJECT_COLUMNS
from perfscore.scoring.engine import EXTRA_INDICATOR_COLUMNS
from perfscore.scoring.evaluation import INDICATOR_COLUMNS, PROJECT_COLUMNS
from perfscore.app.run import load_inputs
from test_scoring_support import DATA, FULL, proj, replace, targets

FILES = ("results.json", "results.csv", "projects.csv")


@pytest.fixture(scope="module")
def sample():
    if not (DATA / "targets.json").is_file() or not (DATA / "actuals.csv").is_file():
        pytest.skip("sample year not present")
    return str(DATA / "targets.json"), str(DATA / "actuals.csv")


@pytest.fixture(scope="module")
def evaluated(sample, tmp_path_factory):
    outs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"run{i}")
        assert main(["evaluate", *sample, "-o", str(out)]) == 0
        outs.append(out)
    return outs


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must be UTF-8 with BOM"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_writes_the_three_files_byte_identically(evaluated):
    first, second = evaluated
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_results_csv_has_one_row_per_indicator_in_contract_order(evaluated):
    rows = read_csv(evaluated[0] / "results.csv")
    assert rows[0] == INDICATOR_COLUMNS + EXTRA_INDICATOR_COLUMNS
    # the seed's 77 project indicators, then the 12 部门整体 goal indicators (DEPT-nn)
    assert len(rows) == 1 + 77 + 12
    codes = [r[header_index] for r in rows[1:] for header_index in [rows[0].index("project_code")]]
    assert all(c.startswith("DEPT-") for c in codes[77:]) and not any(c.startswith("DEPT-") for c in codes[:77])
    header = rows[0]
    statuses = {r[header.index("status")] for r in rows[1:]}
    assert statuses == {"scored", "not_applicable", "needs_review"}
    weights = [r[header.index("weight")] for r in rows[1:]]
    assert all(len(w.split(".")[1]) == 2 for w in weights)


def test_projects_csv_columns(evaluated):
    rows = read_csv(evaluated[0] / "projects.csv")
    blocks = ["产出指标", "效益指标", "满意度指标"]
    assert rows[0] == PROJECT_COLUMNS[:9] + blocks + PROJECT_COLUMNS[9:] + EXTRA_PROJECT_COLUMNS
    assert len(rows) == 1 + 11


def test_results_json_reads_back_to_the_same_evaluation(sample, evaluated):
    data = json.loads((evaluated[0] / "results.json").read_text(encoding="utf-8"))
    assert data["schema"] == "perfscore.results/1"
    assert data["meta"]["profile"] == "mof-2020" and data["meta"]["as_of"] == "2023-12-31"
    loaded = load_results(evaluated[0] / "results.json")
    fresh = evaluate(load_inputs(*sample))
    pd.testing.assert_frame_equal(loaded.indicators, fresh.indicators, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.projects, fresh.projects, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.monitoring, fresh.monitoring, check_dtype=False)
    assert loaded.blocks == fresh.blocks
    assert loaded.department == json.loads(json.dumps(fresh.department))
    assert [f.model_dump() for f in loaded.findings] == [f.model_dump() for f in fresh.findings]


def test_summary_table_on_stderr(sample, tmp_path, capsys):
    assert main(["evaluate", *sample, "-o", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "项目编码" in err and "总分" in err and "等级" in err and "部门合计" in err
    assert "2022年街道体制经费" in err and "99.71" in err


def test_other_profile_changes_the_result(sample, tmp_path):
    assert main(["evaluate", *sample, "-o", str(tmp_path), "--profile", "fasp-linear"]) == 0
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["meta"]["profile"] == "fasp-linear"
    first = data["projects"][0]
    assert (first["project_code"], first["total"]) == ("13020823P00018410001J", 99.7)


def test_as_of_option(sample, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["evaluate", *sample, "-o", str(tmp_path), "--as-of", "2024-03-01"]) == 0
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["meta"]["as_of"] == "2024-03-01"
    assert main(["evaluate", *sample, "-o", str(tmp_path), "--as-of", "3/1/2024"]) == 2


def test_unknown_profile_is_an_error(sample, tmp_path, capsys):
    assert main(["evaluate", *sample, "-o", str(tmp_path), "--profile", "nope"]) == 1
    assert "找不到评分方案文件" in capsys.readouterr().err


def test_strict_exits_1_on_an_error_finding(tmp_path, capsys):
    year = targets(proj("P1", replace(FULL, 4, actual="良", score="14")))
    path = tmp_path / "targets.json"
    path.write_text(dump_targets(year), encoding="utf-8")
    assert main(["evaluate", str(path), "-o", str(tmp_path / "out")]) == 0
    assert main(["evaluate", str(path), "-o", str(tmp_path / "out"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "--strict" in err
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert "score-outside-tier" in {f["check"] for f in data["findings"]}
    assert data["meta"]["sources"]["targets"] == "targets.json"   # no absolute path


def test_profiles_lists_and_shows(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    for name in ("mof-2020", "fasp-linear", "sichuan"):
        assert name in out
    assert "国家基线" in out
    assert main(["profiles", "fasp-linear"]) == 0
    out = capsys.readouterr().out
    assert 'le = "linear"' in out and 'eq = "ge"' in out and '"产出指标"' in out
    assert main(["profiles", "nope"]) == 1


def test_long_table_with_actuals_needs_no_actuals_sheet(tmp_path):
    table = tmp_path / "long.csv"
    table.write_text(
        "项目编码,项目名称,一级指标,二级指标,三级指标,指标值,预算数,全年预算数,全年执行数,实际完成值\n"
        "P1,项目一,产出指标,数量指标,宣传品数量,≥100个,10,10,9.5,80个\n"
        "P1,项目一,效益指标,社会效益指标,社会影响,优,10,10,9.5,良\n"
        "P1,项目一,满意度指标,服务对象满意度指标,居民满意度,≥95%,10,10,9.5,96%\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["evaluate", str(table), "-o", str(out), "--as-of", "2023-12-31"]) == 0
    rows = read_csv(out / "projects.csv")
    got = dict(zip(rows[0], rows[1]))
    # 执行 9.5/10 → 9.50; 产出 50 × 80/100 = 40.00; 效益 30 × 70 % = 21.00; 满意度 10.00 → 80.50 良.
    assert (got["exec_score"], got["产出指标"], got["效益指标"], got["满意度指标"], got["total"], got["grade"]) == \
        ("9.50", "40.00", "21.00", "10.00", "80.50", "良")
