"""compare.html / compare.csv, the report section, and the `perfscore compare` command."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from perfscore.cli import main
from perfscore.comparison import compare, load_input
from perfscore.writers.compare_html import render_section as render_comparison_section
from perfscore.model import Funds, Indicator, Project, Targets, Unit, dump_targets
from perfscore.writers.compare_html import render_compare_html, write_compare


def _ind(level3: str, target: str, level2: str = "数量指标", level1: str = "产出指标") -> Indicator:
    return Indicator(id=f"x-{level3}", level1=level1, level2=level2, level3=level3, target=target)


def _year(y: int, name: str, budget: float, inds: list[Indicator], code: str) -> Targets:
    return Targets(year=y, unit=Unit(code="435001", name="丰润区燕山路办事处本级"),
                   projects=[Project(code=code, name=name, unit_code="435001", unit_name="丰润区燕山路办事处本级",
                                     funds=Funds(total=budget), indicators=inds),
                             Project(code=f"{code}-b", name=f"{y}年<script>alert(1)</script>经费",
                                     unit_code="435001", funds=Funds(total=10000.0),
                                     indicators=[_ind("宣传品数量", "≥100个")])])


@pytest.fixture()
def two_years(tmp_path: Path) -> tuple[Path, Path]:
    a = _year(2022, "2022年街道体制经费", 562500.0, [
        _ind("宣传品数量", "≥100个"), _ind("最小成本完成工作", "≤46875元/月", "成本指标"),
        _ind("巡查次数", "≥12次")], "A")
    b = _year(2023, "2023年街道体制经费", 670000.0, [
        _ind("宣传品数量", "≥120个"), _ind("最小成本完成工作", "≤55833.34元/月", "成本指标"),
        _ind("居民满意度", "≥95%", "服务对象满意度指标", "满意度指标")], "B")
    pa, pb = tmp_path / "2022.json", tmp_path / "2023.json"
    pa.write_text(dump_targets(a), encoding="utf-8")
    pb.write_text(dump_targets(b), encoding="utf-8")
    return pa, pb


def test_write_compare_is_deterministic_and_self_contained(two_years, tmp_path):
    c = compare([load_input(p) for p in two_years])
    first = write_compare(c, tmp_path / "one")
    second = write_compare(compare([load_input(p) for p in two_years]), tmp_path / "two")
    assert [p.name for p in first] == ["compare.html", "compare.csv"]
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes()
    html = first[0].read_text(encoding="utf-8")
    assert not re.search(r"https?://|\bsrc=|<link|<script", html, re.I)   # nothing external, no JS
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html                 # a name is text
    assert html.count("<svg") >= 3                                        # trend charts inline
    assert str(tmp_path) not in html


def test_csv_has_bom_and_one_row_per_project_and_indicator(two_years, tmp_path):
    c = compare([load_input(p) for p in two_years])
    _, csv_path = write_compare(c, tmp_path)
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.StringIO(data.decode("utf-8-sig")), dtype=str, keep_default_na=False)
    assert list(table.row_type).count("project") == 2
    got = {(r.level3_before, r.level3_after, r.change, r.stricter)
           for r in table[table.row_type == "indicator"].itertuples()}
    assert got == {
        ("宣传品数量", "宣传品数量", "raised", "更严"),
        ("最小成本完成工作", "最小成本完成工作", "raised", "更松"),
        ("巡查次数", "", "dropped", ""),
        ("", "居民满意度", "new", ""),
        ("宣传品数量", "宣传品数量", "unchanged", ""),   # the second project's
    }


def test_page_shows_each_change_in_words(two_years):
    html = render_compare_html(compare([load_input(p) for p in two_years]))
    for words in ("提高（更严）", "提高（更松）", "新增", "删除", "+19.11%", "居民满意度", "巡查次数"):
        assert words in html, words


def test_report_section_is_an_escaped_fragment(two_years):
    fragment = render_comparison_section(compare([load_input(p) for p in two_years]))
    assert fragment.lstrip().startswith("<section")
    assert "<html" not in fragment and "<style" not in fragment
    assert "&lt;script&gt;" in fragment and "<script" not in fragment


def test_cli_compare_writes_both_files(two_years, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", *map(str, two_years), "-o", str(out)]) == 0
    assert (out / "compare.html").is_file() and (out / "compare.csv").is_file()
    err = capsys.readouterr().err
    assert "2022年 / 2023年" in err and "2 个项目" in err


def test_cli_compare_refuses_bad_input(two_years, tmp_path, capsys):
    a, b = two_years
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema": "something/1"}), encoding="utf-8")
    assert main(["compare", str(a), str(other), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "other.json" in err and "something/1" in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["compare", str(a), str(broken), "-o", str(tmp_path / "o")]) == 1
    assert "broken.json" in capsys.readouterr().err
    assert main(["compare", str(a), "-o", str(tmp_path / "o")]) == 2        # one year only
    assert main(["compare", str(b), str(a), "-o", str(tmp_path / "o")]) == 2   # newest first
    assert not (tmp_path / "o").exists()


def test_cli_labels(two_years, tmp_path):
    out = tmp_path / "out"
    assert main(["compare", *map(str, two_years), "-o", str(out), "--label", "上年", "--label", "本年"]) == 0
    table = pd.read_csv(out / "compare.csv", dtype=str, encoding="utf-8-sig")
    assert set(table.from_year) == {"上年"} and set(table.to_year) == {"本年"}


EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "compare-example"


def test_documented_example_gives_what_docs_compare_md_says(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", str(EXAMPLE / "2022.json"), str(EXAMPLE / "2023.json"), "-o", str(out)]) == 0
    assert "1 个项目，提示 1 条，需人工确认的指标对应 1 处" in capsys.readouterr().err
    table = pd.read_csv(out / "compare.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    project = table[table.row_type == "project"].iloc[0]
    assert (project["change_zh"], project["budget_change_pct"], project["flags"]) == ("提高", "19.11", "budget-up-targets-flat")
    changed = table[(table.row_type == "indicator") & (table.change != "unchanged")]
    assert list(changed.level3_after) == ["最小成本完成工作"]
    assert (changed.iloc[0].change_zh, changed.iloc[0].stricter) == ("提高", "更松")
    similar = table[table.indicator_match == "similarity"]
    assert list(zip(similar.level3_before, similar.level3_after)) == [("居民了解政策情况", "居民了解政策程度")]


def test_flag_and_unmatched_lists_name_the_project_of_the_step(tmp_path):
    # One project (matched by code) renamed every year. The 2022 → 2023 budget flag and
    # the indicator dropped in 2022 → 2023 speak of the 2023 project, not of its 2024 name.
    from perfscore.writers.compare_html import build_view

    def y(yr, name, budget, inds):
        return Targets(year=yr, unit=Unit(code="435001"), projects=[Project(
            code="X", name=name, unit_code="435001", funds=Funds(total=budget), indicators=inds)])

    c = compare([
        y(2022, "社区服务经费", 100000.0, [_ind("活动次数", "≥10次"), _ind("旧指标", "≥1个")]),
        y(2023, "社区综合服务经费", 120000.0, [_ind("活动次数", "≥10次")]),
        y(2024, "社区综合治理经费", 120000.0, [_ind("活动次数", "≥12次"), _ind("新指标", "≥2个")]),
    ])
    view = build_view(c)
    assert [(r.step, r.project) for r in view.flags] == [("2022年 → 2023年", "社区综合服务经费")]
    assert [(r.step, r.project, r.before, r.after) for r in view.unmatched] == [
        ("2022年 → 2023年", "社区综合服务经费", "旧指标", "删除"),
        ("2023年 → 2024年", "社区综合治理经费", "新指标", "新增"),
    ]


def test_csv_budgets_are_written_to_the_cent(tmp_path):
    # 0.07万元 read into 元 is 700.0000000000001: compare.csv says 700.00.
    def y(yr, wan):
        return Targets(year=yr, unit=Unit(code="435001"), projects=[Project(
            code="X", name="办公经费", unit_code="435001", funds=Funds(total=wan * 10000),
            indicators=[_ind("购置数量", "≥1台")])])

    _, csv_path = write_compare(compare([y(2022, 0.07), y(2023, 56.25)]), tmp_path)
    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    project = table[table.row_type == "project"].iloc[0]
    assert (project["budget_before"], project["budget_after"]) == ("700.00", "562500.00")
