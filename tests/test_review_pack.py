"""The review pack: sheets and columns, the risk ranking by hand, spreadsheet safety, determinism, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import types
import zipfile

import openpyxl.packaging.core
import pandas as pd
from openpyxl import Workbook, load_workbook

from perfscore.cli import main
from perfscore.model import Finding
from perfscore.review import export_review, risk_table
from perfscore.app.score import evaluate
from perfscore.writers.tabular import write_results
from perfscore.writers.xlsx_safe import append_row, csv_safe, csv_safe_frame, is_formula_like, workbook_bytes

from test_review_roundtrip import year_targets


def _evaluation(targets=None):
    return evaluate(targets or year_targets(), "mof-2020", as_of="2023-12-31")


def test_sheets_and_indicator_columns(tmp_path):
    ev = _evaluation()
    export_review(ev, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["指标复核", "项目风险排序", "检查发现", "汇总"]
    ws = wb["指标复核"]
    header = [c.value for c in ws[1]]
    for needed in ("项目编码", "指标ID", "指标值（原文）", "指标值（解读）", "实际完成值（原文）", "实际完成值（解读）",
                   "分值", "自评得分", "评分规则", "计算过程", "标记", "复核完成值", "复核得分", "复核意见"):
        assert needed in header
    assert header[-3:] == ["复核完成值", "复核得分", "复核意见"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(ev.indicators) == 8
    first = dict(zip(header, rows[0]))
    assert (first["指标ID"], first["指标值（原文）"], first["分值"], first["自评得分"]) == ("A-1", "≥100人次", 25, 25)
    assert all(r[-3:] == (None, None, None) for r in rows)
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert summary["部门自评总分"] == "99.25" and summary["项目数"] == "2"


def test_risk_ranking_points_by_hand():
    # 甲: 80 of 100 人次 (A-1 scores 20, 5 below) while the unit wrote 得分 25 for it;
    # one error and one warning on 甲. 乙: 执行 90 %.
    t = year_targets()
    a = t.projects[0]
    inds = [a.indicators[0].model_copy(update={"actual": "80人次", "score": "25"}), *a.indicators[1:]]
    t = t.model_copy(update={"projects": [a.model_copy(update={"indicators": inds}), t.projects[1]]})
    ev = _evaluation(t)
    ev.findings = [Finding(check="funds-sum", severity="error", message="x", project_code="A"),
                   Finding(check="cost-ge", severity="warn", message="y", project_code="A", indicator_id="A-2"),
                   Finding(check="cost-budget-ok", severity="info", message="z", project_code="B")]
    table = risk_table(ev).set_index("project_code")
    # 乙: ② 20 × 300/300 = 20, ④ 0.5 × 10 points below 100 % = 5 → 25.
    assert table.loc["B", ["p_findings", "p_money", "p_lost", "p_exec_gap", "p_full_missed", "p_needs_review",
                           "risk"]].tolist() == [0, 20, 0, 5, 0, 0, 25]
    # 甲: ① 3 + 1 = 4, ② 20 × 100/300 = 6.67, ③ 25 − 20 = 5, ⑤ 5 (full 得分 written, target missed) → 20.67.
    assert table.loc["A", ["p_findings", "p_money", "p_lost", "p_exec_gap", "p_full_missed", "p_needs_review",
                           "risk"]].tolist() == [4, 6.67, 5, 0, 5, 0, 20.67]
    assert table.loc["B", "rank"] == 1 and table.loc["A", "rank"] == 2
    assert table.loc["A", "findings"] == "cost-ge×1；funds-sum×1"


def test_execution_above_100_percent_adds_risk_points():
    # Execution is capped at 100 % and flagged when scoring (domain.md §4): spending beyond
    # the budget is a gap a reviewer looks at, as money left unspent is.
    # 乙 at 110 %: ④ 0.5 × 10 = 5, like 90 %; 甲 at exactly 100 %: 0.
    ev = _evaluation()
    ev.findings = []
    ev.projects = ev.projects.assign(exec_rate=[1.0, 1.1])
    table = risk_table(ev).set_index("project_code")
    assert table.loc["A", "p_exec_gap"] == 0 and table.loc["B", "p_exec_gap"] == 5
    assert table.loc["B", "risk"] == 25     # ② 20 + ④ 5


def test_risk_ties_keep_the_input_order():
    ev = _evaluation()
    ev.projects = ev.projects.assign(exec_rate=1.0, budget=[300 * 1e4, 300 * 1e4])
    ev.findings = []
    table = risk_table(ev)
    assert table["risk"].tolist() == [20, 20] and table["project_code"].tolist() == ["A", "B"]


HOSTILE = '=HYPERLINK("http://example.invalid","点我")'


def test_formula_like_text_is_written_as_text(tmp_path):
    t = year_targets()
    a = t.projects[0]
    inds = [a.indicators[0].model_copy(update={"level3": HOSTILE, "reason": "@SUM(A1:A9)", "evidence": "+1"}),
            *a.indicators[1:]]
    t = t.model_copy(update={"projects": [a.model_copy(update={"indicators": inds}), t.projects[1]]})
    written = export_review(_evaluation(t), tmp_path / "r.xlsx", csv=True)
    wb = load_workbook(tmp_path / "r.xlsx")
    ws = wb["指标复核"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("三级指标") + 1)
    assert cell.value == HOSTILE and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(tmp_path / "r.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    ind_csv = next(p for p in written if p.name == "r_indicators.csv")
    rows = list(csv.DictReader(io.StringIO(ind_csv.read_text(encoding="utf-8-sig"))))
    assert rows[0]["三级指标"] == "'" + HOSTILE
    assert rows[0]["偏差原因分析"] == "'@SUM(A1:A9)" and rows[0]["佐证材料"] == "'+1"


def _set_clock(monkeypatch, when: dt.datetime) -> None:
    """Move every clock an export could read: time.time (zip entry dates), the
    datetime openpyxl stamps into docProps/core.xml, and SOURCE_DATE_EPOCH."""
    stamp = when.replace(tzinfo=dt.timezone.utc).timestamp()
    monkeypatch.setattr(time, "time", lambda: stamp)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(stamp)))

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return when.replace(tzinfo=dt.timezone.utc).astimezone(tz) if tz else when

    fake = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
    fake.datetime = Clock
    monkeypatch.setattr(openpyxl.packaging.core, "datetime", fake)


def test_pack_is_byte_identical_whatever_the_clock(tmp_path, monkeypatch):
    ev = _evaluation()
    _set_clock(monkeypatch, dt.datetime(2024, 3, 1, 8, 30, 0))
    a = export_review(ev, tmp_path / "a" / "r.xlsx", csv=True)
    plain_a = tmp_path / "plain_a.xlsx"
    Workbook().save(plain_a)
    _set_clock(monkeypatch, dt.datetime(2031, 11, 17, 23, 59, 58))
    b = export_review(ev, tmp_path / "b" / "r.xlsx", csv=True)
    plain_b = tmp_path / "plain_b.xlsx"
    Workbook().save(plain_b)
    # The clocks really moved: a plain openpyxl save differs between the two moments …
    assert plain_a.read_bytes() != plain_b.read_bytes()
    # … and the pack does not.
    assert [p.name for p in a] == ["r.xlsx", "r_indicators.csv", "r_projects.csv", "r_findings.csv", "r_summary.csv"]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_xlsx_safe_helpers():
    assert [is_formula_like(x) for x in ("=1", "+1", "-1", "@a", "\tx", "a=1", "", 5)] == \
        [True, True, True, True, True, False, False, False]
    assert csv_safe("-5") == "'-5" and csv_safe(-5) == -5 and csv_safe("五") == "五"
    # The guard goes by type: numbers (negative ones too) are never turned into text.
    frame = pd.DataFrame({"t": ["-5", "甲"], "n": [-6.25, float("nan")], "o": [-1.5, "=1"]})
    safe = csv_safe_frame(frame, decimals={"n": 2})
    assert safe["t"].tolist() == ["'-5", "甲"] and safe["n"].tolist() == ["-6.25", ""]
    assert safe["o"].tolist() == [-1.5, "'=1"]
    assert csv_safe_frame(frame, decimals={"o": 2})["o"].tolist() == ["-1.50", "'=1"]
    wb = Workbook()
    append_row(wb.active, ["=1+1", 2, None])
    assert wb.active["A1"].data_type == "s" and wb.active["B1"].value == 2
    assert workbook_bytes(wb) == workbook_bytes(wb)


def test_review_cli(tmp_path, capsys):
    write_results(_evaluation(), tmp_path)
    results = str(tmp_path / "results.json")
    assert main(["review", results, "-o", str(tmp_path / "pack.xlsx"), "--csv"]) == 0
    assert (tmp_path / "pack.xlsx").is_file() and (tmp_path / "pack_projects.csv").is_file()
    assert "pack.xlsx" in capsys.readouterr().err
    assert main(["review", results, "--merge", str(tmp_path / "pack.xlsx"), "-o", str(tmp_path / "m")]) == 0
    err = capsys.readouterr().err
    assert "复核 0 个指标" in err and (tmp_path / "m" / "deviation.csv").is_file()
    assert main(["review", results, "-o", str(tmp_path / "pack.csv")]) == 2
    assert main(["review", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.xlsx")]) == 1
