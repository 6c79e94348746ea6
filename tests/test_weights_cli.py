"""``perfscore weights ahp|entropy``: reading, errors, output, and the profile it writes
feeding ``perfscore evaluate --profile`` (issue 18)."""

from __future__ import annotations

import csv
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from perfscore.cli import main
from perfscore.errors import ProfileError
from perfscore.scoring.numeric import apportion_quanta
from perfscore.scoring.profile import load_profile, profile_from_dict, profile_to_toml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "yanshan-2023"


def write_csv(path: Path, rows) -> Path:
    path.write_text("\n".join(",".join("" if c is None else str(c) for c in r) for r in rows) + "\n", encoding="utf-8")
    return path


TOP = [["一级", "产出指标", "效益指标", "满意度指标"],
       ["产出指标", 1, 2, 4],
       ["效益指标", None, 1, 3],
       ["满意度指标", None, None, 1]]
OUTPUT = [["产出指标", "数量指标", "质量指标", "时效指标", "成本指标"],
          ["数量指标", 1, 1, 3, 2],
          ["质量指标", None, 1, 3, 2],
          ["时效指标", None, None, 1, "1/2"],
          ["成本指标", None, None, None, 1]]
BENEFIT = [["效益指标", "社会效益指标", "可持续影响指标", "经济效益指标"],
           ["社会效益指标", 1, 2, 3],
           ["可持续影响指标", None, 1, 2],
           ["经济效益指标", None, None, 1]]


def workbook(path: Path, sheets: dict[str, list]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# --- AHP ----------------------------------------------------------------------------------


def test_ahp_text_and_json(tmp_path, capsys):
    m = write_csv(tmp_path / "m.csv", TOP)
    code, out, err = run(["weights", "ahp", str(m)], capsys)
    assert code == 0, err
    assert "准则" in out and "产出指标" in out and "λmax = " in out and "RI = 0.58" in out
    assert "结论：CR = 0.0158 < 0.1，判断矩阵的一致性可以接受。" in out
    code, out, _ = run(["weights", "ahp", str(m), "--json"], capsys)
    data = json.loads(out)
    assert list(data["weights"]) == ["产出指标", "效益指标", "满意度指标"]  # input order
    assert math.isclose(sum(data["weights"].values()), 1.0, abs_tol=2e-6)
    assert data["ci"] == pytest.approx((data["lambda_max"] - 3) / 2, abs=1e-6)
    assert data["cr"] == pytest.approx(data["ci"] / 0.58, abs=2e-6)
    assert data["consistent"] is True
    # Deterministic: the same input prints the same bytes.
    assert run(["weights", "ahp", str(m), "--json"], capsys)[1] == out


def test_ahp_inconsistent_names_the_worst_pair_and_refuses_profile(tmp_path, capsys):
    m = write_csv(tmp_path / "m.csv", [["", "甲", "乙", "丙"], ["甲", 1, 3, "1/5"], ["乙", None, 1, 5], ["丙", None, None, 1]])
    code, out, err = run(["weights", "ahp", str(m)], capsys)
    assert code == 0
    assert "判断矩阵的一致性不可接受" in out and "最不一致的一项判断是「" in out and "若与其余判断一致，应约为" in out
    target = tmp_path / "p.toml"
    code, out, err = run(["weights", "ahp", str(m), "--level", "三级", "-o", str(target)], capsys)
    assert code == 1 and not target.exists()
    assert "CR ≥ 0.1，未写出评分方案" in err and "--allow-inconsistent" in err
    code, _, err = run(["weights", "ahp", str(m), "--level", "三级", "-o", str(target), "--allow-inconsistent"], capsys)
    assert code == 0 and target.exists(), err


def test_ahp_reads_lower_triangle_and_checks_reciprocals(tmp_path, capsys):
    full = write_csv(tmp_path / "full.csv", [["", "甲", "乙"], ["甲", 1, 3], ["乙", 0.33, 1]])
    code, out, _ = run(["weights", "ahp", str(full), "--json"], capsys)
    assert code == 0 and json.loads(out)["weights"] == {"甲": 0.75, "乙": 0.25}
    lower = write_csv(tmp_path / "lower.csv", [["", "甲", "乙"], ["甲", "", ""], ["乙", 3, ""]])
    code, out, _ = run(["weights", "ahp", str(lower), "--json"], capsys)
    assert code == 0 and json.loads(out)["weights"] == {"甲": 0.25, "乙": 0.75}


@pytest.mark.parametrize("rows, message", [
    ([["", "甲", "乙"], ["甲", 1, 3]], "判断矩阵不是方阵：第一行有 2 个准则，下面有 1 行"),
    ([["", "甲", "乙"], ["甲", 1, 3, 4], ["乙", None, 1]], "判断矩阵不是方阵"),
    ([["", "甲", "乙"], ["甲", 2, 3], ["乙", None, 1]], "对角线上的单元格（「甲」与自身比较）应为1"),
    ([["", "甲", "乙"], ["甲", 1, 3], ["乙", 3, 1]], "「甲」对「乙」填了 3，「乙」对「甲」填了 3，两者不互为倒数"),
    ([["", "甲", "乙"], ["甲", 1, -3], ["乙", None, 1]], "判断矩阵的单元格必须大于0"),
    ([["", "甲", "乙"], ["甲", 1, None], ["乙", None, 1]], "「甲」与「乙」的比较没有填写"),
    ([["", "甲", "乙"], ["甲", 1, "重要"], ["乙", None, 1]], "判断矩阵的单元格应为正数或分数"),
    ([["", "甲", "乙"], ["丙", 1, 3], ["乙", None, 1]], "第1行的准则名称「丙」与第一行的第1个准则「甲」不一致"),
])
def test_ahp_bad_matrix_is_one_clear_error(tmp_path, capsys, rows, message):
    m = write_csv(tmp_path / "bad.csv", rows)
    code, out, err = run(["weights", "ahp", str(m)], capsys)
    assert code == 1
    assert message in err and "bad.csv" in err
    assert "Traceback" not in err and err.startswith("错误：")


def test_ahp_not_reciprocal_names_both_cells(tmp_path, capsys):
    m = write_csv(tmp_path / "bad.csv", [["", "甲", "乙"], ["甲", 1, 3], ["乙", 3, 1]])
    _, _, err = run(["weights", "ahp", str(m)], capsys)
    assert "第2行，列「乙」，值「3」" in err  # the upper cell
    assert "第3行，列「甲」：3，应为 1/3" in err  # and its mirror


def test_ahp_too_many_criteria(tmp_path, capsys):
    names = [f"c{i}" for i in range(11)]
    rows = [[""] + names] + [[n] + [1] * 11 for n in names]
    code, _, err = run(["weights", "ahp", str(write_csv(tmp_path / "big.csv", rows))], capsys)
    assert code == 1 and "判断矩阵有 11 个准则，超过 10 个" in err


def test_ahp_experts_geometric_mean(tmp_path, capsys):
    a = write_csv(tmp_path / "a.csv", [["", "甲", "乙"], ["甲", 1, 4], ["乙", None, 1]])
    # The second expert lists the criteria in another order: aligned by name.
    b = write_csv(tmp_path / "b.csv", [["", "乙", "甲"], ["乙", 1, 1], ["甲", None, 1]])
    code, out, _ = run(["weights", "ahp", str(a), str(b), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["experts"] == 2
    assert data["weights"] == {"甲": round(2 / 3, 6), "乙": round(1 / 3, 6)}  # √(4·1) = 2
    assert data["matrices"][0]["experts_cr"] == [0, 0]  # two criteria: always consistent
    code, out, _ = run(["weights", "ahp", str(a), str(b)], capsys)
    assert "2 位专家的判断矩阵已按元素几何平均合并" in out
    assert "各专家单独的 CR：a.csv 0.0000、b.csv 0.0000" in out
    c = write_csv(tmp_path / "c.csv", [["", "甲", "丙"], ["甲", 1, 1], ["丙", None, 1]])
    code, _, err = run(["weights", "ahp", str(a), str(c)], capsys)
    assert code == 1 and "判断矩阵的准则与第一份不同" in err


def test_ahp_hierarchy_workbook(tmp_path, capsys):
    book = workbook(tmp_path / "h.xlsx", {"一级": TOP, "产出指标": OUTPUT, "效益指标": BENEFIT})
    code, out, err = run(["weights", "ahp", str(book), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    nodes = {n["name"]: n for n in data["hierarchy"]}
    assert nodes["数量指标"]["level"] == "二级" and nodes["数量指标"]["parent"] == "产出指标"
    assert nodes["数量指标"]["global"] == pytest.approx(nodes["产出指标"]["local"] * nodes["数量指标"]["local"], abs=2e-6)
    # Leaves: the 二级 of 产出 and 效益, and 满意度指标 (no sheet of its own).
    assert set(data["weights"]) == {"数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "可持续影响指标",
                                    "经济效益指标", "满意度指标"}
    assert sum(data["weights"].values()) == pytest.approx(1.0, abs=1e-5)
    assert [m["sheet"] for m in data["matrices"]] == ["一级", "产出指标", "效益指标"]
    assert 0 < data["cr_total"] < 0.1
    code, out, _ = run(["weights", "ahp", str(book)], capsys)
    assert "【总排序】" in out and "总排序一致性比率 CR = " in out


def test_ahp_expert_cr_flags_the_inconsistent_expert(tmp_path, capsys):
    good = write_csv(tmp_path / "good.csv", [["", "甲", "乙", "丙"], ["甲", 1, 2, 4], ["乙", None, 1, 2], ["丙", None, None, 1]])
    bad = write_csv(tmp_path / "bad.csv", [["", "甲", "乙", "丙"], ["甲", 1, 5, "1/5"], ["乙", None, 1, 5], ["丙", None, None, 1]])
    code, out, _ = run(["weights", "ahp", str(good), str(bad), "--json"], capsys)
    crs = json.loads(out)["matrices"][0]["experts_cr"]
    assert crs[0] == 0 and crs[1] > 0.1
    out = run(["weights", "ahp", str(good), str(bad)], capsys)[1]
    assert "good.csv 0.0000、bad.csv" in out and "（≥ 0.1）" in out


def test_ahp_error_in_a_sheet_names_the_sheet(tmp_path, capsys):
    bad = [r[:] for r in OUTPUT]
    bad[1][2] = "很重要"
    book = workbook(tmp_path / "h.xlsx", {"一级": TOP, "产出指标": bad})
    code, _, err = run(["weights", "ahp", str(book)], capsys)
    assert code == 1 and "h.xlsx（工作表「产出指标」），第2行，列「质量指标」，值「很重要」" in err


def test_ahp_hierarchy_sheet_errors(tmp_path, capsys):
    book = workbook(tmp_path / "h.xlsx", {"顶层": TOP, "产出指标": OUTPUT})
    code, _, err = run(["weights", "ahp", str(book)], capsys)
    assert code == 1 and "没有名为「一级」的工作表" in err
    book = workbook(tmp_path / "h2.xlsx", {"一级": TOP, "其他": OUTPUT})
    code, _, err = run(["weights", "ahp", str(book)], capsys)
    assert code == 1 and "工作表「其他」不是任何准则的名称" in err


# --- entropy ------------------------------------------------------------------------------

DATA_ROWS = [["单位", "宣传品数量", "任务指标达标率", "工作完成时限", "最小成本完成工作"],
             ["甲", 126, 98, 1, 0],
             ["乙", 80, 99, 1, 3],
             ["丙", 105, 97, 1, 6]]


def test_entropy_text_json_and_notes(tmp_path, capsys):
    d = write_csv(tmp_path / "d.csv", DATA_ROWS)
    code, out, err = run(["weights", "entropy", str(d), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert list(data["weights"]) == DATA_ROWS[0][1:]
    assert data["weights"]["工作完成时限"] == 0 and data["entropy"]["工作完成时限"] == 1
    assert any("「工作完成时限」各行取值相同" in n for n in data["notes"])
    assert any("「最小成本完成工作」有1个0值" in n for n in data["notes"])
    code, out, _ = run(["weights", "entropy", str(d)], capsys)
    assert "熵权法：d.csv，3 行" in out and "信息熵" in out and "说明：" in out


def test_entropy_scaling_through_the_cli(tmp_path, capsys):
    d = write_csv(tmp_path / "d.csv", DATA_ROWS)
    scaled = [DATA_ROWS[0]] + [[r[0], r[1] * 1000, *r[2:]] for r in DATA_ROWS[1:]]
    s = write_csv(tmp_path / "s.csv", scaled)
    a = json.loads(run(["weights", "entropy", str(d), "--json"], capsys)[1])
    b = json.loads(run(["weights", "entropy", str(s), "--json"], capsys)[1])
    assert a["weights"] == b["weights"]


@pytest.mark.parametrize("rows, args, message, code", [
    ([["单位", "a", "b"], ["甲", 1, "很多"], ["乙", 2, 3]], [], "数据表的单元格应为数字，这里是文字", 1),
    ([["单位", "a", "b"], ["甲", 1, ""], ["乙", 2, 3]], [], "数据表的单元格是空的", 1),
    ([["单位", "a", "b"], ["甲", 1, 2]], [], "数据表只有 1 行数据，熵权法至少需要2行", 1),
    ([["单位", "a", "b"], ["甲", 1, -2], ["乙", 2, 3]], [], "数据是负数", 1),
    ([["单位", "a", "b"], ["甲", 1, 2], ["乙", 2, 3]], ["--reverse", "a"], "--reverse 只能与 --normalize minmax 一起使用", 2),
    ([["单位", "a", "b"], ["甲", 1, 2], ["乙", 2, 3]], ["--normalize", "minmax", "--reverse", "c"], "不在数据表的表头中", 2),
    ([["单位", "a", "b"], ["甲", 1, 2], ["乙", 2, 3]], ["--normalize", "zscore"], "不支持的标准化方式「zscore」", 2),
])
def test_entropy_bad_input(tmp_path, capsys, rows, args, message, code):
    d = write_csv(tmp_path / "d.csv", rows)
    got, _, err = run(["weights", "entropy", str(d), *args], capsys)
    assert got == code
    assert message in err and "Traceback" not in err


def test_entropy_text_cell_names_row_column_value(tmp_path, capsys):
    d = write_csv(tmp_path / "d.csv", [["单位", "a", "b"], ["甲", 1, 2], ["乙", 2, "三"]])
    _, _, err = run(["weights", "entropy", str(d)], capsys)
    assert "d.csv，第3行，列「b」，值「三」" in err


def test_entropy_negative_allowed_with_minmax(tmp_path, capsys):
    d = write_csv(tmp_path / "d.csv", [["单位", "a", "b"], ["甲", -1, 2], ["乙", 2, 3], ["丙", 0, 9]])
    code, out, err = run(["weights", "entropy", str(d), "--normalize", "minmax", "--reverse", "b", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["normalize"] == "minmax" and data["reverse"] == ["b"]


# --- the profile, end to end ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    if not (DATA / "targets.json").is_file():
        pytest.skip("sample year not present")
    return str(DATA / "targets.json"), str(DATA / "actuals.csv")


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_hierarchy_profile_drives_evaluate(tmp_path, capsys, sample):
    book = workbook(tmp_path / "h.xlsx", {"一级": TOP, "产出指标": OUTPUT, "效益指标": BENEFIT})
    target = tmp_path / "派生方案.toml"
    code, out, err = run(["weights", "ahp", str(book), "-o", str(target)], capsys)
    assert code == 0, err
    assert "已写出评分方案" in err
    table = tomllib.loads(target.read_text(encoding="utf-8"))
    assert table["extends"] == "mof-2020" and table["split"]["table_weights"] == "ignore"
    blocks = table["blocks"]
    assert math.isclose(sum(blocks.values()), 90, abs_tol=1e-9)
    top = json.loads(run(["weights", "ahp", str(book), "--json"], capsys)[1])["matrices"][0]["weights"]
    for name, points in blocks.items():
        assert abs(points - 90 * top[name]) <= 0.01
    level2 = table["indicator_weights"]["level2"]
    assert level2["数量指标"] == level2["质量指标"]  # the same judgements row for row

    # perfscore profiles shows it, from outside weights/.
    code, out, err = run(["profiles", str(target)], capsys)
    assert code == 0, err
    assert '"数量指标" = ' in out and "[indicator_weights.level2]" in out

    outdir = tmp_path / "out"
    code, _, err = run(["evaluate", *sample, "--profile", str(target), "-o", str(outdir)], capsys)
    assert code == 0, err
    rows = [r for r in read_rows(outdir / "results.csv") if not r["project_code"].startswith("DEPT")]
    by_project: dict[str, list[dict]] = {}
    for r in rows:
        by_project.setdefault(r["project_code"], []).append(r)
    checked = 0
    for code_, inds in by_project.items():
        for block, points in blocks.items():
            in_block = [r for r in inds if r["block"] == block]
            if not in_block:
                continue
            total = sum(round(float(r["weight"]) * 100) for r in in_block)
            assert total == round(points * 100), (code_, block)
            level2s = list(dict.fromkeys(r["level2"] for r in in_block))
            share_sum = sum(level2.get(l2, 0) for l2 in level2s)
            if all(l2 in level2 for l2 in level2s) and len(level2s) == len(in_block):
                for r in in_block:  # one 三级 per 二级 here: weight = block × share, to the cent
                    assert abs(float(r["weight"]) - points * level2[r["level2"]] / share_sum) <= 0.01
                    checked += 1
    assert checked >= 50
    # Hand-checked: 宣传品数量 (13020823P00018410001J): 50.26 × 0.195958 / 0.558424 = 17.637 → 17.64.
    first = by_project["13020823P00018410001J"][0]
    assert first["level3"] == "宣传品数量"
    assert blocks["产出指标"] == 50.26 and level2["数量指标"] == 0.195958
    assert first["weight"] == "17.64"


def test_entropy_profile_at_level3(tmp_path, capsys, sample):
    d = write_csv(tmp_path / "d.csv", DATA_ROWS)
    target = tmp_path / "e.toml"
    code, _, err = run(["weights", "entropy", str(d), "-o", str(target)], capsys)
    assert code == 2 and "--level 二级 或 --level 三级" in err and not target.exists()
    code, _, err = run(["weights", "entropy", str(d), "--level", "三级", "-o", str(target)], capsys)
    assert code == 0, err
    prof = load_profile(target)
    assert set(prof.indicator_weights.level3) == set(DATA_ROWS[0][1:])
    assert dict(prof.blocks)["产出指标"].weight == 50  # block weights stay the base's
    outdir = tmp_path / "out"
    code, _, err = run(["evaluate", *sample, "--profile", str(target), "-o", str(outdir)], capsys)
    assert code == 0, err
    rows = [r for r in read_rows(outdir / "results.csv") if r["project_code"] == "13020823P00018410001J"]
    out_rows = [r for r in rows if r["block"] == "产出指标"]
    w = prof.indicator_weights.level3
    # 工作完成时限 is constant (weight 0) → 0 points; the rest split 50 in proportion.
    named = {r["level3"]: float(r["weight"]) for r in out_rows}
    assert named["工作完成时限"] == 0
    share = sum(w[n] for n in named)
    for n, got in named.items():
        assert abs(got - 50 * w[n] / share) <= 0.01
    assert round(sum(named.values()), 2) == 50


def test_level1_matrix_must_cover_the_blocks(tmp_path, capsys):
    m = write_csv(tmp_path / "m.csv", [["", "产出指标", "效益指标"], ["产出指标", 1, 2], ["效益指标", None, 1]])
    code, _, err = run(["weights", "ahp", str(m), "-o", str(tmp_path / "p.toml")], capsys)
    assert code == 2 and "判断矩阵没有基础方案「mof-2020」的一级指标 满意度指标" in err
    code, _, err = run(["weights", "ahp", str(m), "-o", str(tmp_path / "p.toml"), "--base", "sichuan"], capsys)
    assert code == 2 and "不使用一级权重" in err


def test_indicator_weights_are_validated():
    base = {"name": "x", "blocks": {"产出指标": 50, "效益指标": 30, "满意度指标": 10}}
    with pytest.raises(ProfileError, match="相对权重应为非负数字"):
        profile_from_dict({**base, "indicator_weights": {"level2": {"数量指标": -1}}})
    with pytest.raises(ProfileError, match="相对权重应为非负数字"):
        profile_from_dict({**base, "indicator_weights": {"level3": {"a": "0.5"}}})
    with pytest.raises(ProfileError, match="未知的键"):
        profile_from_dict({**base, "indicator_weights": {"level4": {}}})
    p = profile_from_dict({**base, "indicator_weights": {"level2": {" 数量 指标": 1}}})
    assert p.indicator_weights.level2 == {"数量指标": 1.0}


def test_unlisted_names_split_equally_with_a_warning(tmp_path, capsys, sample):
    target = tmp_path / "partial.toml"
    target.write_text('extends = "mof-2020"\n[split]\ntable_weights = "ignore"\n'
                      '[indicator_weights.level2]\n"数量指标" = 3\n"质量指标" = 1\n', encoding="utf-8")
    outdir = tmp_path / "out"
    code, _, err = run(["evaluate", *sample, "--profile", str(target), "-o", str(outdir)], capsys)
    assert code == 0, err
    findings = json.loads((outdir / "results.json").read_text(encoding="utf-8"))["findings"]
    unlisted = [f for f in findings if f["check"] == "weights-unlisted"]
    assert unlisted and "「时效指标」" in unlisted[0]["message"]
    codes = [f["project_code"] for f in unlisted]
    assert "13020823P00018410001J" in codes and len(codes) == len(set(codes))  # one per project
    rows = [r for r in read_rows(outdir / "results.csv") if r["project_code"] == "13020823P00018410001J"]
    out_rows = [r for r in rows if r["block"] == "产出指标"]
    assert [r["weight"] for r in out_rows] == ["12.50"] * 4  # equal split, as without weights


def test_readme_example_of_indicator_weights():
    """weights/README.md's example: 50 points over 数量/质量/时效/成本 by the AHP weights."""
    w = np.array([0.195958, 0.195958, 0.060932, 0.105576])
    got = apportion_quanta(np.full(4, 5000.0), w, np.zeros(4, dtype=np.int64)) / 100
    assert got.tolist() == [17.55, 17.54, 5.46, 9.45]


def test_base_given_as_a_path_is_written_relative(tmp_path, capsys):
    """--base ./my.toml: extends is written relative to the new profile, and found from
    any working folder (the loader looks beside the profile first)."""
    (tmp_path / "bases").mkdir()
    base = tmp_path / "bases" / "本地.toml"
    base.write_text('extends = "mof-2020"\nname = "本地"\n[execution]\nweight = 20\n'
                    '[department]\nexecution_weight = 20\nindicator_weight = 80\n'
                    '[blocks]\n"产出指标" = 40\n"效益指标" = 30\n"满意度指标" = 10\n', encoding="utf-8")
    m = write_csv(tmp_path / "m.csv", TOP)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "p.toml"
    code, _, err = run(["weights", "ahp", str(m), "--base", str(base), "-o", str(target)], capsys)
    assert code == 0, err
    table = tomllib.loads(target.read_text(encoding="utf-8"))
    assert table["extends"] == "../bases/本地.toml"
    assert str(tmp_path) not in target.read_text(encoding="utf-8")
    assert math.isclose(sum(table["blocks"].values()), 80, abs_tol=1e-9)  # total − execution 20
    prof = load_profile(target)
    assert prof.execution.weight == 20 and prof.split.table_weights == "ignore"


def test_entropy_reads_xlsx_like_csv(tmp_path, capsys):
    """A workbook (percent-formatted cells, a hidden sheet before the data) gives the same
    weights as the CSV: percentages are read as shown (98% → 0.98), and shares do not
    depend on the scale of a column."""
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "旧版"
    hidden.sheet_state = "hidden"
    hidden.append(["不要读", 1])
    ws = wb.create_sheet("数据")
    for r in DATA_ROWS:
        ws.append(r)
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].value = row[0].value / 100
        row[0].number_format = "0%"
    wb.save(tmp_path / "d.xlsx")
    d = write_csv(tmp_path / "d.csv", DATA_ROWS)
    a = json.loads(run(["weights", "entropy", str(tmp_path / "d.xlsx"), "--json"], capsys)[1])
    b = json.loads(run(["weights", "entropy", str(d), "--json"], capsys)[1])
    assert a["weights"] == b["weights"] and a["rows"] == 3


def test_profiles_print_indicator_weights_only_when_given():
    plain = main(["profiles", "mof-2020"])
    assert plain == 0
    p = profile_from_dict({"name": "x", "blocks": {"产出指标": 50, "效益指标": 30, "满意度指标": 10},
                           "indicator_weights": {"level3": {"a": 1}}})
    text = profile_to_toml(p)
    assert "[indicator_weights.level3]" in text and "[indicator_weights.level2]" not in text
    assert "indicator_weights" not in profile_to_toml(load_profile("mof-2020"))
    assert profile_from_dict(tomllib.loads(text)).indicator_weights == p.indicator_weights
