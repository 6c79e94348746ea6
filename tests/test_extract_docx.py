"""extract: Word 绩效文本 (.docx), built here with python-docx, with real merged cells."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from perfscore.cli import main
from perfscore.errors import DataError, FormatError
from perfscore.app.extract import extract
from perfscore.model import Targets
from perfscore.readers import fmt_docx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "yanshan-2023" / "000_9a0311abce8b0d69.txt"
SMALL = ROOT / "tests" / "fixtures" / "extract" / "small_export.txt"
CN = "一二三四五六七八九十"


def _money(yuan: float | None) -> str:
    return "" if yuan is None else f"{yuan / 10_000:.2f}"


def _merge(table, r0, c0, r1, c1, text=None):
    cell = table.cell(r0, c0).merge(table.cell(r1, c1))
    if text is not None:
        cell.text = text
    return cell


def _header_rows(table, start, p, unit_line):
    """The project header block (7 grid columns) from row ``start``; returns the next row."""
    r = start
    _merge(table, r, 0, r, 4, unit_line)
    _merge(table, r, 5, r, 6, "单位：万元")
    r += 1
    table.cell(r, 0).text = "项目编码"
    _merge(table, r, 1, r, 2, p.code)
    table.cell(r, 3).text = "项目名称"
    _merge(table, r, 4, r, 6, p.name)
    r += 1
    for c, text in enumerate(["预算数", _money(p.funds.total), "其中：财政资金", _money(p.funds.fiscal),
                              "其他资金", _money(p.funds.other)], start=1):
        table.cell(r, c).text = text
    _merge(table, r + 1, 1, r + 1, 6, p.use)
    _merge(table, r, 0, r + 1, 0, "预算规模及资金用途")  # vertically merged label
    r += 2
    checkpoints = list(p.spending_plan)
    for c, cp in enumerate(checkpoints[:-1], start=1):
        table.cell(r, c).text = cp
        table.cell(r + 1, c).text = f"{p.spending_plan[cp]:g}%"
    last = checkpoints[-1]
    _merge(table, r, len(checkpoints), r, 6, last)
    _merge(table, r + 1, len(checkpoints), r + 1, 6, f"{p.spending_plan[last]:g}%")
    _merge(table, r, 0, r + 1, 0, "资金支出计划（%）")
    r += 2
    table.cell(r, 0).text = "绩效目标"
    goal = _merge(table, r, 1, r, 6)
    goal.text = f"1.{p.goals[0]}"
    for n, g in enumerate(p.goals[1:], start=2):
        goal.add_paragraph(f"{n}.{g}")
    return r + 1


HEADER_ROWS = 7


def _indicator_rows(table, start, p, *, blank_rows=False, weights=False, merge_level2=False):
    """Header + one row per indicator; 一级 merged down its block (6 used columns)."""
    heads = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    if weights:
        heads.append("分值")
    r = start
    for c, h in enumerate(heads):
        table.cell(r, c).text = h
    r += 1
    blocks: list[tuple[int, int, str]] = []
    prev_level2_row = None
    for i, ind in enumerate(p.indicators):
        if blank_rows and i == 2:
            r += 1  # an empty row inside the table
        cells = [ind.level2, ind.level3, ind.description, ind.target, ind.basis]
        if weights:
            cells.append(f"{ind.weight:g}")
        for c, text in enumerate(cells, start=1):
            table.cell(r, c).text = text
        if merge_level2 and prev_level2_row is not None and p.indicators[i - 1].level2 == ind.level2 \
                and p.indicators[i - 1].level1 == ind.level1:
            table.cell(r, 1).text = ""
            _merge(table, prev_level2_row, 1, r, 1)
        else:
            prev_level2_row = r
        label = ind.level1 if ind.block_weight is None else f"{ind.level1}({ind.block_weight:g}分)"
        if blocks and blocks[-1][2] == label:
            blocks[-1] = (blocks[-1][0], r, label)
        else:
            blocks.append((r, r, label))
        r += 1
    for top, bottom, label in blocks:
        _merge(table, top, 0, bottom, 0, label)
    return r


def build_docx(targets: Targets, *, one_table=False, blank_rows=False, weights=False,
               merge_level2=False, unit_lines=None) -> bytes:
    """A 绩效文本 in Word with the content of ``targets``, laid out like the published one."""
    d = docx.Document()
    d.add_paragraph(targets.unit.name or "某单位")
    d.add_paragraph(f"{targets.year}年部门预算绩效文本")
    goals = targets.department_goals
    if goals:
        d.add_paragraph("第一部分 部门整体绩效目标")
        d.add_paragraph("一、总体绩效目标")
        d.add_paragraph(goals.overall)
        d.add_paragraph("二、分项绩效目标")
        for n, s in enumerate(goals.subgoals):
            d.add_paragraph(f"（{CN[n]}）{s.title}")
            d.add_paragraph(f"绩效目标：{s.goal}")
            d.add_paragraph(f"绩效指标：{s.indicator_text}")
        d.add_paragraph("三、工作保障措施")
        d.add_paragraph("（一）加强领导，明确责任。")
    d.add_paragraph("第二部分 预算项目绩效目标")
    for n, p in enumerate(targets.projects, start=1):
        d.add_paragraph(f"{n}.{p.name}绩效目标表")
        unit_line = (unit_lines or {}).get(p.code, f"{p.unit_code}{p.unit_name}")
        extra = 1 if blank_rows else 0
        if one_table:
            table = d.add_table(rows=HEADER_ROWS + 1 + len(p.indicators) + extra, cols=7)
            r = _header_rows(table, 0, p, unit_line)
            _indicator_rows(table, r, p, blank_rows=blank_rows, weights=weights, merge_level2=merge_level2)
        else:
            table = d.add_table(rows=HEADER_ROWS, cols=7)
            _header_rows(table, 0, p, unit_line)
            d.add_paragraph("")
            if blank_rows:
                d.add_table(rows=2, cols=6)  # an empty table between the two
            cols = 7 if weights else 6
            table = d.add_table(rows=1 + len(p.indicators) + extra, cols=cols)
            _indicator_rows(table, 0, p, blank_rows=blank_rows, weights=weights, merge_level2=merge_level2)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _same(a: Targets, b: Targets) -> None:
    assert a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})


@pytest.fixture(scope="module")
def small():
    return extract(SMALL, checks=False)


def _write(tmp_path, data: bytes, name="绩效文本.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_seed_rebuilt_as_docx_reads_the_same(tmp_path):
    from_text = extract(SEED, checks=False)
    path = _write(tmp_path, build_docx(from_text))
    from_docx = extract(path, checks=False)
    _same(from_text, from_docx)
    assert from_docx.source["format"] == "docx" and from_docx.source["file"] == "绩效文本.docx"
    assert len(from_docx.projects) == 11 and from_docx.indicator_count() == 77


@pytest.mark.parametrize(
    "options",
    [{}, {"one_table": True}, {"blank_rows": True}, {"one_table": True, "blank_rows": True}],
    ids=["two-tables", "one-table", "blank-rows", "one-table-blank-rows"],
)
def test_layout_variants_read_the_same(tmp_path, small, options):
    data = build_docx(small, **options)
    tables = docx.Document(io.BytesIO(data)).tables
    assert len(tables) == len(small.projects) * (1 if options.get("one_table") else 2 + options.get("blank_rows", 0))
    _same(small, extract(_write(tmp_path, data), checks=False))


def test_vertically_merged_level2(tmp_path, small):
    t = small.model_copy(deep=True)
    t.projects[0].indicators[1].level2 = "数量指标"  # two 数量指标 rows in a row: one merged cell
    data = build_docx(t, merge_level2=True)
    second_row = docx.Document(io.BytesIO(data)).tables[1]._tbl.tr_lst[2]
    assert second_row.tc_lst[1].vMerge == "continue"
    _same(t, extract(_write(tmp_path, data), checks=False))


def test_merged_cells_are_read_once(tmp_path, small):
    doc = fmt_docx.read(build_docx(small), name="x.docx")
    first = doc.tables()[0]
    # Row 1: a unit line spanning 5 grid columns and the money unit spanning 2.
    unit, money = first.row_cells(0)
    assert (unit.text, unit.colspan, money.text, money.colspan) == ("123456示范街道办事处本级", 5, "单位：万元", 2)
    # The use-of-funds row: the label merged down from the row above, the use spanning 6 columns.
    label, use = first.row_cells(3)
    assert (label.text, label.row, label.rowspan) == ("预算规模及资金用途", 2, 2)
    assert (use.text, use.colspan) == ("社区文化活动及宣传", 6)
    assert first.row_texts(6) == ["绩效目标", "1.开展社区文化活动\n2.宣传到位\n3.居民满意"]
    # The indicator table: 产出指标 once, over its two rows.
    level1 = doc.tables()[1].at(2, 0)
    assert (level1.text, level1.row, level1.rowspan) == ("产出指标", 1, 2)


def test_second_unit_in_one_file(tmp_path, small):
    second = small.projects[1].code
    data = build_docx(small, unit_lines={second: "654321另一街道办事处本级"})
    t = extract(_write(tmp_path, data), checks=False)
    assert (t.unit.code, t.unit.name) == (None, None)  # two units: none at the top
    assert [(p.unit_code, p.unit_name) for p in t.projects] == [
        ("123456", "示范街道办事处本级"), ("654321", "另一街道办事处本级")]


def test_other_funds_value_and_missing_cell(tmp_path, small):
    t = small.model_copy(deep=True)
    t.projects[0].funds.other = 62500.0
    out = extract(_write(tmp_path, build_docx(t)), checks=False)
    assert out.projects[0].funds.other == 62500.0
    # Now without the 其他资金 label and value at all.
    d = docx.Document(io.BytesIO(build_docx(small)))
    row = d.tables[0].rows[2]
    for cell in row.cells[5:]:
        cell.text = ""
    buf = io.BytesIO()
    d.save(buf)
    out = extract(_write(tmp_path, buf.getvalue(), "b.docx"), checks=False)
    assert out.projects[0].funds.other is None and out.projects[0].funds.total == 120000.0


def test_block_weights_and_weight_column(tmp_path, small):
    t = small.model_copy(deep=True)
    for p in t.projects:
        for i in p.indicators:
            i.weight = 10.0
            i.block_weight = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}[i.level1]
    out = extract(_write(tmp_path, build_docx(t, weights=True)), checks=False)
    first = out.projects[0].indicators
    assert [(i.level1, i.block_weight, i.weight) for i in first[:3]] == [
        ("产出指标", 50.0, 10.0), ("产出指标", 50.0, 10.0), ("效益指标", 30.0, 10.0)]
    _same(t, out)


def test_bad_weight_is_reported(tmp_path, small):
    t = small.model_copy(deep=True)
    for p in t.projects:
        for i in p.indicators:
            i.weight = 10.0
    d = docx.Document(io.BytesIO(build_docx(t, weights=True)))
    d.tables[1].cell(2, 6).text = "十分"
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(DataError) as exc:
        extract(_write(tmp_path, buf.getvalue()), checks=False)
    text = exc.value.render()
    assert "第2个表格" in text and "第3行" in text and "十分" in text


def test_docx_without_tables_or_goals(tmp_path, capsys):
    d = docx.Document()
    d.add_paragraph("关于召开会议的通知")
    d.add_paragraph("请各单位准时参加。")
    buf = io.BytesIO()
    d.save(buf)
    src = _write(tmp_path, buf.getvalue(), "通知.docx")
    out = tmp_path / "t.json"
    assert main(["extract", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "不是预算绩效目标文本" in err and "通知.docx" in err and not out.exists()
    with pytest.raises(FormatError):
        extract(src)


def test_docx_renamed_to_txt_is_still_read(tmp_path, small):
    path = _write(tmp_path, build_docx(small), "导出.txt")
    _same(small, extract(path, checks=False))
