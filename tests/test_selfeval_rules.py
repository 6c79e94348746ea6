"""Issue 14: self-evaluation tables read as their authors wrote them — the long-table
writings, the joint readings of target and actual (flags), the profile variants, the
evaluation-template profile and ``perfscore check`` on results.json."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from perfscore.app.check import check_file
from perfscore.cli import main
from perfscore.errors import DataError
from perfscore.app.extract import load_targets
from perfscore.readers.common import derived_project_code
from perfscore.readers.framework import level1_of
from perfscore.app.score import evaluate
from perfscore.scoring import load_profile
from perfscore.scoring.rules import execution_share, total_cap

HEADER = ["年度", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
          "全年预算数", "全年执行数"]


def table(tmp_path: Path, rows, header=HEADER, name="t.csv") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def row(level3, target, actual, weight="10", level1="产出指标", level2="数量指标", budget="", executed=""):
    return ["2023", "示范项目", level1, level2, level3, target, actual, weight, budget, executed]


def scored(path: Path, profile="mof-2020"):
    ev = evaluate(load_targets(path), profile)
    return ev, ev.indicators.reset_index(drop=True)


# --- the long table ------------------------------------------------------------------


def test_a_table_without_project_codes_gets_a_derived_code_and_a_finding(tmp_path):
    path = table(tmp_path, [row("数量", "≥5个", "6个", budget="100", executed="90")])
    t = load_targets(path)
    code = derived_project_code("示范项目", hashlib.sha256(path.read_bytes()).hexdigest(), 0)
    assert [p.code for p in t.projects] == [code] and code.startswith("NC")
    found = [f for f in t.findings if f.check == "project-code-derived"]
    assert len(found) == 1 and code in found[0].message and found[0].project_code == code
    assert load_targets(path).projects[0].code == code          # same bytes, same code


@pytest.mark.parametrize("printed, points", [("10%", 10.0), ("10分", 10.0), ("10.00", 10.0), ("12.5％", 12.5)])
def test_weights_as_printed(tmp_path, printed, points):
    t = load_targets(table(tmp_path, [row("数量", "≥5个", "6个", weight=printed)]))
    assert t.projects[0].indicators[0].weight == points


def test_amounts_with_their_unit_in_the_cell(tmp_path):
    header = HEADER + ["年初预算数", "金额单位"]
    path = table(tmp_path, [row("数量", "≥5个", "6个", budget="1,234.50元", executed="12.3万") + ["86.5万元", "万元"]],
                 header=header)
    p = load_targets(path).projects[0]
    assert (p.budget_full_year, p.executed, p.funds.total) == (1234.5, 123000.0, 865000.0)


def test_an_execution_rate_instead_of_the_executed_amount(tmp_path):
    header = HEADER + ["执行率"]
    path = table(tmp_path, [row("数量", "≥5个", "6个", budget="200") + ["92.5%"]], header=header)
    t = load_targets(path)
    assert t.projects[0].executed == 1_850_000.0
    assert [f.check for f in t.findings if f.check == "executed-from-rate"] == ["executed-from-rate"]
    ev = evaluate(t)
    assert float(ev.projects["exec_rate"].iloc[0]) == pytest.approx(0.925)


def test_a_rate_that_is_no_rate_is_refused_with_its_column(tmp_path):
    header = HEADER + ["执行率"]
    with pytest.raises(DataError) as exc:
        load_targets(table(tmp_path, [row("数量", "≥5个", "6个", budget="200") + ["很高"]], header=header))
    assert "执行率" in "\n".join(exc.value.problems) and "很高" in "\n".join(exc.value.problems)


def test_framework_level1_of_each_level2():
    assert [level1_of(x) for x in ("数量指标", "质量", "时效指标", "成本指标", "经济效益指标", "社会效益",
                                   "生态效益指标", "可持续影响指标", "服务对象满意度指标")] == \
        ["产出指标"] * 4 + ["效益指标"] * 4 + ["满意度指标"]
    assert level1_of("经济成本指标") is None and level1_of("其他") is None


def test_a_blank_level1_is_taken_from_its_level2_with_a_finding(tmp_path):
    rows = [row("数量", "≥5个", "6个", level1=""), row("质量", "≥95%", "96%", level1="", level2="质量指标"),
            row("效益", "≥5个", "6个", level1="", level2="社会效益指标"),
            row("满意", "≥90%", "95%", level1="", level2="服务对象满意度指标")]
    t = load_targets(table(tmp_path, rows))
    assert [i.level1 for i in t.projects[0].indicators] == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    assert len([f for f in t.findings if f.check == "level1-inferred"]) == 4


def test_a_merged_level1_cell_is_no_inference(tmp_path):
    rows = [row("数量", "≥5个", "6个"), row("质量", "≥95%", "96%", level1="", level2="质量指标")]
    t = load_targets(table(tmp_path, rows))
    assert [i.level1 for i in t.projects[0].indicators] == ["产出指标", "产出指标"]
    assert not [f for f in t.findings if f.check == "level1-inferred"]


def test_total_rows_are_still_refused(tmp_path):
    with pytest.raises(DataError):
        load_targets(table(tmp_path, [row("数量", "≥5个", "6个"), ["2023", "合计", "", "", "", "", "", "100", "", ""]]))


# --- joint readings of target and actual ---------------------------------------------


def test_an_actual_restating_the_target_is_met_at_it_and_flagged(tmp_path):
    _, ind = scored(table(tmp_path, [row("合格率", "≥95%", "≥95%", weight="20"),
                                     row("长度", "≥120米", "≥130米", weight="20"),
                                     row("低", "≥95%", "≥90%", weight="20"),
                                     row("满意", "≥90%", "95%", weight="20")]))
    assert ind["score"].tolist()[:2] == [20.0, 20.0]
    assert [("actual-restates-target" in f) for f in ind["flags"]] == [True, True, False, False]
    assert ind.loc[2, "status"] == "needs_review"                # ≥90% under ≥95%: not known to meet it


def test_a_placeholder_target_is_scored_by_the_written_judgement(tmp_path):
    _, ind = scored(table(tmp_path, [row("依据", "一", "部分达成"), row("程序", "/", "是"),
                                     row("及时", "——", "按时完成"), row("成本", "-", "12万元")]))
    assert ind["score"].tolist()[:3] == [7.0, 10.0, 10.0]
    assert all("judged" in f for f in ind["flags"][:3])
    assert ind.loc[3, "status"] == "needs_review" and "没有预设目标" in ind.loc[3, "review_reason"]


def test_a_text_actual_equal_to_the_text_target_is_met(tmp_path):
    _, ind = scored(table(tmp_path, [row("运行", "系统正常运转", "系统正常运转"), row("运行2", "系统正常运转", "停机")]))
    assert ind.loc[0, "score"] == 10.0 and ind.loc[0, "status"] == "scored"
    assert ind.loc[1, "status"] == "needs_review"


def test_an_unknown_unit_is_compared_when_both_carry_it(tmp_path):
    _, ind = scored(table(tmp_path, [row("容量", "≥500GB", "400GB"), row("容量2", "≥500GB", "400TB")]))
    assert ind.loc[0, "score"] == 8.0 and "unit-as-text" in ind.loc[0, "flags"]
    assert ind.loc[1, "status"] == "needs_review"


def test_new_target_writings_score(tmp_path):
    _, ind = scored(table(tmp_path, [
        row("期间", "2023年3月—2023年10月", "8月", level2="时效指标"),
        row("期间2", "2023.03-2023.10", "2023年11月15日", level2="时效指标"),
        row("频次", "按季度开展", "3次"),
        row("倍数", "≥1.5倍", "1.2倍"),
        row("繁体", "達到100%", "100%"),
        row("等级", "优良", "良"),
    ]))
    assert ind["score"].tolist() == [10.0, 7.0, 7.5, 8.0, 10.0, 10.0]


# --- profile variants ----------------------------------------------------------------


def test_execution_share_variants():
    rate = np.array([1.2, 0.95, 0.88, 0.5, np.nan])
    assert execution_share(rate, "proportional", (), 0, 10, "none")[:4].tolist() == pytest.approx([1, 0.95, 0.88, 0.5])
    bands = ((0.95, 1.0), (0.9, 0.8), (0.8, 0.6))
    got = execution_share(rate, "bands", bands, 0, 10, "none")
    assert got[:4].tolist() == [1.0, 1.0, 0.6, 0.0] and np.isnan(got[4])
    assert execution_share(rate, "penalty", (), 0.5, 10, "none")[:4].tolist() == pytest.approx([1.0, 0.75, 0.4, 0.0])
    assert execution_share(np.array([0.985, 0.95]), "proportional", (), 0, 10, "floor").tolist() == [0.9, 0.9]
    assert execution_share(np.array([0.985, 0.945]), "proportional", (), 0, 10, "round").tolist() == [1.0, 0.9]
    caps = ((0.8, 89), (0.7, 79), (0.6, 69), (0.5, 59))
    assert total_cap(np.array([0.85, 0.75, 0.65, 0.55, 0.45]), caps).tolist() == [np.inf, 89, 79, 69, 59]


def _profile(tmp_path, extra: str) -> Path:
    path = tmp_path / "variant.toml"
    path.write_text(f'extends = "mof-2020"\nname = "variant"\n{extra}\n', encoding="utf-8")
    return path


def test_total_capped_by_execution_rate(tmp_path):
    path = table(tmp_path, [row("数量", "≥5个", "6个", weight="", budget="100", executed="75"),
                            row("效益", "≥5个", "6个", weight="", level1="效益指标", level2="社会效益指标"),
                            row("满意", "≥90%", "95%", weight="", level1="满意度指标", level2="服务对象满意度指标")])
    plain = evaluate(load_targets(path)).projects
    capped = evaluate(load_targets(path), load_profile(_profile(
        tmp_path, "[execution]\ncaps = [[0.8, 89], [0.7, 79], [0.6, 69], [0.5, 59]]"))).projects
    assert float(plain["total"].iloc[0]) == 97.5
    assert float(capped["total"].iloc[0]) == 89.0 and "exec_cap" in capped["flags"].iloc[0]


def test_fixed_overshoot_deduction(tmp_path):
    path = table(tmp_path, [row("数量", "≥5个", "8个"), row("数量2", "≥5个", "6个")])
    prof = load_profile(_profile(tmp_path, "[overshoot]\ndeduct = true\ndeduct_points = 2"))
    ind = evaluate(load_targets(path), prof).indicators.reset_index(drop=True)
    assert ind["score"].tolist() == [8.0, 10.0] and "overshoot_deducted" in ind.loc[0, "flags"]


def test_an_execution_rate_row_is_scored_by_the_execution_rule(tmp_path):
    rows = [row("预算执行率", "100%", "85%", level2="资金管理"), row("数量", "≥5个", "6个")]
    _, ind = scored(table(tmp_path, rows))
    assert ind.loc[0, "rule"] == "execution" and ind.loc[0, "score"] == 8.5
    prof = load_profile(_profile(tmp_path, '[execution]\nmethod = "bands"\nbands = [[0.9, 1.0], [0.8, 0.6]]'))
    ind = evaluate(load_targets(table(tmp_path, rows)), prof).indicators.reset_index(drop=True)
    assert ind.loc[0, "score"] == 6.0


def test_the_evaluation_template_profile(tmp_path):
    rows = [row("立项依据充分性", "—", "达成", weight="10", level1="决策", level2="项目立项", budget="200", executed="180"),
            row("绩效目标合理性", "一", "部分达成", weight="10", level1="决策", level2="绩效目标"),
            row("预算执行率", "100%", "90%", weight="10", level1="过程", level2="资金管理"),
            row("财务管理制度有效性", "/", "有效", weight="10", level1="过程", level2="组织实施"),
            row("数量", "≥5个", "5个", weight="40", level1="产出", level2="产出数量"),
            row("满意度", "≥90%", "95%", weight="20", level1="效益", level2="满意度")]
    ev, ind = scored(table(tmp_path, rows), "eval-template")
    assert ind["score"].tolist() == [10.0, 7.0, 9.0, 10.0, 40.0, 20.0]
    assert float(ev.projects["total"].iloc[0]) == 96.0 and float(ev.projects["exec_weight"].iloc[0]) == 0.0


# --- perfscore check on results.json --------------------------------------------------


def test_check_on_results_lists_every_lenient_reading(tmp_path, capsys):
    path = table(tmp_path, [row("合格率", "≥95%", "≥95%", level1=""), row("依据", "一", "达成", level1=""),
                            row("容量", "≥500GB", "620GB", level1="")])
    assert main(["evaluate", str(path), "-o", str(tmp_path / "out")]) in (0, None)
    _, findings = check_file(str(tmp_path / "out" / "results.json"))
    checks = [f.check for f in findings]
    for check in ("actual-restates-target", "judged", "unit-as-text", "level1-inferred", "project-code-derived"):
        assert check in checks, check
    capsys.readouterr()
    main(["check", str(tmp_path / "out" / "results.json"), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert {"actual-restates-target", "judged", "unit-as-text"} <= {f["check"] for f in out["findings"]}


def test_an_empty_template_row_is_left_out_with_a_finding(tmp_path):
    rows = [row("数量", "≥5个", "6个", budget="100", executed="90"),
            ["2023", "示范项目", "效益指标", "经济效益指标", "", "", "", "", "", ""],
            row("效益", "≥5个", "6个", level1="", level2="社会效益指标")]
    t = load_targets(table(tmp_path, rows))
    assert [i.level3 for i in t.projects[0].indicators] == ["数量", "效益"]
    found = [f for f in t.findings if f.check == "empty-indicator-row"]
    assert len(found) == 1 and "第3行" in found[0].message and "经济效益指标" in found[0].message


def test_a_row_with_a_target_but_no_level3_is_still_refused(tmp_path):
    """A blank 三级 under a target is an error to fix (tests/broken csv-level3-spaces), not named by a guess."""
    with pytest.raises(DataError):
        load_targets(table(tmp_path, [row("数量", "≥5个", "6个"), row("", "≥90%", "95%", level1="满意度指标",
                                                                     level2="服务对象满意度指标")]))


def test_traditional_level_names_find_their_block_and_framework(tmp_path):
    rows = [row("數量", "≥5個", "6個", level1="產出指標", level2="數量指標"),
            row("滿意", "≥90％", "95％", level1="", level2="服務對象滿意度指標")]
    ev, ind = scored(table(tmp_path, rows))
    assert ind["block"].tolist() == ["产出指标", "满意度指标"] and ind["status"].tolist() == ["scored", "scored"]


def test_a_zero_budget_says_so_rather_than_missing(tmp_path):
    """贵池区棠溪镇 2022: 年度资金总额 printed 0/0: the project note names the zero, not a missing cell."""
    from perfscore.app.extract import extract
    from perfscore.app.score import evaluate

    src = tmp_path / "t.csv"
    src.write_text("年度,项目名称,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,全年预算数,全年执行数\n"
                   "2022,委托业务项目,产出指标,数量指标,项目数量,≥50个,50,50,0,0\n", encoding="utf-8")
    p = evaluate(extract(src, checks=False)).projects.iloc[0]
    assert "exec_zero_budget" in p["flags"].split(";") and "全年预算数为0" in p["notes"]
