"""The 自评报告 draft (.docx) a unit hands in, in the outline of the published templates.

The outline follows the 项目支出绩效自评报告 templates that provinces publish with the
self-evaluation table of 财预〔2020〕10号 (附件：项目支出绩效自评表):

一、基本情况（单位职能、项目概况、资金安排与执行、绩效目标）；二、绩效自评工作开展情况；
三、综合评价结论；四、绩效目标实现情况（产出、效益、满意度）；五、偏差原因分析；
六、存在问题及改进措施；七、自评结果应用；附件：部门整体和各项目的自评表。

Sentences are drafted from the results in plain official wording; what only the unit can
say (its functions, how the work was organised, problems and measures, how results are
used) is left as a highlighted 【待填写：…】 marker, never invented. Numbers come from the
report's view model (:mod:`perfscore.writers.report_view`), so the draft and the HTML
report agree to the cent. A4, 黑体 headings and 仿宋 body (with Noto CJK fonts named as the
fallback that exists on Linux machines), page numbers, a table of contents field that Word
fills in when the file is opened; byte-identical for the same results.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from pathlib import Path

import docx
from lxml import etree
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from perfscore.io import atomic_write_bytes
from perfscore.model import Targets
from perfscore.scoring.evaluation import Evaluation
from perfscore.writers.report_format import DASH
from perfscore.writers.report_view import IndicatorRow, ProjectView, ReportView, build_view
from perfscore.writers.xlsx_safe import fixed_zip

TODO = "【待填写：{}】"
HEADINGS = ("一、基本情况", "二、绩效自评工作开展情况", "三、综合评价结论", "四、绩效目标实现情况",
            "五、偏差原因分析", "六、存在问题及改进措施", "七、自评结果应用", "附件")
# Fonts of 公文: 黑体 for headings, 仿宋 for the body; Noto CJK is what a Linux machine has.
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
FALLBACK_SANS = "Noto Sans CJK SC"
FALLBACK_SERIF = "Noto Serif CJK SC"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BLOCK_ORDER = ("产出指标", "效益指标", "满意度指标")


def write_docx(evaluation: Evaluation, path: str | Path, *, targets: Targets | None = None,
               view: ReportView | None = None) -> Path:
    """Write the 自评报告 draft for ``evaluation`` to ``path``; return the path.
    ``view``: the report's view model when the caller has built it already."""
    out = Path(path)
    view = view or build_view(evaluation, targets=targets)
    atomic_write_bytes(out, docx_bytes(build_document(view), view.as_of))
    return out


def docx_bytes(document, as_of: str) -> bytes:
    """The document's bytes with fixed properties and zip timestamps: same results, same bytes."""
    stamp = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of or ""):
        stamp = _dt.datetime.fromisoformat(as_of).replace(tzinfo=_dt.timezone.utc)
    props = document.core_properties
    props.author = props.last_modified_by = "perfscore"
    props.created = props.modified = stamp
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return fixed_zip(raw.getvalue(), level=1)   # a thousand units' drafts: speed over a few KB


def _clean(text: str) -> str:
    """Text safe in WordprocessingML (no control characters; XML escaping is python-docx's)."""
    return _CONTROL.sub("", text or "")


# --- document and styles --------------------------------------------------------------


def _fonts(style, east_asian: str, latin: str, size: float, *, bold: bool = False) -> None:
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _new_document():
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)          # A4
    section.orientation = WD_ORIENT.PORTRAIT
    # GB/T 9704 公文 margins: top 3.7, bottom 3.5, left 2.8, right 2.6 cm.
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _fonts(d.styles["Normal"], f"{BODY_FONT}", FALLBACK_SERIF, 14)
    d.styles["Normal"].paragraph_format.line_spacing = Pt(28)
    d.styles["Normal"].paragraph_format.first_line_indent = Pt(28)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 15)):
        _fonts(d.styles[name], HEADING_FONT, FALLBACK_SANS, size, bold=name != "Heading 1")
        d.styles[name].font.color.rgb = None
        d.styles[name].paragraph_format.first_line_indent = Pt(0)
    _fonts(d.styles["Table Grid"], BODY_FONT, FALLBACK_SERIF, 10.5)   # the annex tables' style
    _page_numbers(section)
    _update_fields_on_open(d)
    d._perfscore_styles = {0: d.styles["Title"].style_id, 1: d.styles["Heading 1"].style_id,
                           2: d.styles["Heading 2"].style_id}
    return d


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC …) as begin / instruction / separate / result / end runs."""
    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    if placeholder:
        t = OxmlElement("w:t")
        t.text = placeholder
        run_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_numbers(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run("— ")
    _field(p, "PAGE", "1")
    p.add_run(" —")


def _update_fields_on_open(d) -> None:
    """Ask Word to fill the table of contents and page fields when the file is opened."""
    settings = d.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


class _P:
    """A paragraph of the body, written out as WordprocessingML by :class:`_Body`."""

    __slots__ = ("style", "runs", "center", "indent", "break_before", "field")

    def __init__(self, style: str | None = None, indent: bool = True):
        self.style, self.runs, self.center, self.indent = style, [], False, indent
        self.break_before, self.field = False, None

    def add_run(self, text: str, *, bold: bool = False, highlight: bool = False) -> "_P":
        self.runs.append((_clean(text), bold, highlight))
        return self

    def xml(self) -> str:
        ppr = (f'<w:pStyle w:val="{self.style}"/>' if self.style else "") + \
            ("<w:pageBreakBefore/>" if self.break_before else "") + \
            ("" if self.indent else '<w:ind w:firstLine="0" w:firstLineChars="0"/>') + \
            ('<w:jc w:val="center"/>' if self.center else "")
        runs = []
        for text, bold, highlight in self.runs:
            rpr = ("<w:b/>" if bold else "") + ('<w:highlight w:val="yellow"/>' if highlight else "")
            runs.append(f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}'
                        f'<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r>')
        if self.field:
            instruction, placeholder = self.field
            runs.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                        f'<w:r><w:instrText xml:space="preserve"> {_xml_text(instruction)} </w:instrText></w:r>'
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                        f'<w:r><w:t xml:space="preserve">{_xml_text(placeholder)}</w:t></w:r>'
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{''.join(runs)}</w:p>"


class _Body:
    """The document's body, collected as WordprocessingML and handed to python-docx in one
    parse: building it paragraph by paragraph through python-docx took most of a unit's time."""

    def __init__(self, styles: dict[int, str]):
        self.styles = styles
        self.parts: list = []

    def page_break(self) -> None:
        self.parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def table(self, xml: str) -> None:
        self.parts.append(xml)

    def into(self, d) -> None:
        """Replace the document's (empty) body by this one, keeping its section properties."""
        old = d.element.body
        sect = etree.tostring(old.sectPr).decode() if old.sectPr is not None else ""
        new = parse_xml(f"<w:body {nsdecls('w')}>"
                        + "".join(p if isinstance(p, str) else p.xml() for p in self.parts) + sect + "</w:body>")
        d.element.replace(old, new)


def _heading(d: _Body, text: str, level: int) -> _P:
    p = _P(d.styles[level], indent=False).add_run(text)
    d.parts.append(p)
    return p


def _para(d: _Body, text: str = "", *, todo: str | None = None, indent: bool = True) -> _P:
    p = _P(indent=indent)
    if text:
        p.add_run(text)
    if todo:
        _todo(p, todo)
    d.parts.append(p)
    return p


def _todo(p: _P, what: str) -> None:
    p.add_run(TODO.format(what), bold=True, highlight=True)


# --- the outline ----------------------------------------------------------------------


def build_document(v: ReportView):
    document = _new_document()
    d = _Body(document._perfscore_styles)
    _heading(d, v.title, 0).center = True
    _para(d, f"（评价日期：{v.as_of}；评分规则：{v.profile}）", indent=False).center = True
    _para(d, indent=False).field = ('TOC \\o "1-2" \\h \\z \\u', "（目录：在 Word 中打开时更新；或右键“更新域”）")
    d.page_break()
    _basics(d, v)
    _work(d, v)
    _conclusion(d, v)
    _achievement(d, v)
    _deviations(d, v)
    _problems(d, v)
    _use(d)
    _annex(d, v)
    d.into(document)
    return document


def _basics(d, v: ReportView) -> None:
    _heading(d, HEADINGS[0], 1)
    _heading(d, "（一）单位职能", 2)
    _para(d, f"{v.unit_name}（单位编码 {v.unit_code}）", todo="单位主要职能、内设机构和人员情况")
    _heading(d, "（二）项目概况", 2)
    names = "、".join(f"“{p.name}”" for p in v.projects)
    _para(d, f"{v.year}年度纳入本次绩效自评的项目共{v.n_projects}个：{names}，共设置绩效指标{v.n_indicators}个。")
    _heading(d, "（三）资金安排与执行情况", 2)
    _para(d, f"上述项目全年预算数合计{v.budget}万元，全年执行数{v.executed}万元，预算执行率{v.exec_rate}。")
    for p in v.projects:
        _para(d, f"“{p.name}”年初预算数{p.initial_budget}万元，全年预算数{p.budget}万元，全年执行数{p.executed}万元，"
                 f"执行率{p.exec_rate}。" + (f"执行偏差原因：{p.exec_reason}" if p.exec_reason else ""))
    _heading(d, "（四）绩效目标", 2)
    for p in v.projects:
        if p.goals:
            _para(d, f"“{p.name}”的年度绩效目标：" + "；".join(g.rstrip("。；;") for g in p.goals) + "。")
        else:
            _para(d, f"“{p.name}”的年度绩效目标：", todo="该项目的年度绩效目标")


def _work(d, v: ReportView) -> None:
    _heading(d, HEADINGS[1], 1)
    _para(d, f"依据《项目支出绩效评价管理办法》（财预〔2020〕10号），对照年初设定的绩效目标，逐项填报{v.year}年度"
             f"各项目的实际完成值，按评分规则“{v.profile}”（{v.profile_description or '见评分方案'}）逐项计分，"
             f"评价日期为{v.as_of}。", todo="自评的组织方式、工作过程和佐证材料收集情况")


def _conclusion(d, v: ReportView) -> None:
    _heading(d, HEADINGS[2], 1)
    grades = "，".join(f"{g} {n} 个" for g, n in v.grade_counts if n)
    _para(d, f"本单位{v.n_projects}个项目按预算加权的部门整体得分为{v.total}分，自评等级为“{v.grade}”"
             + (f"；项目自评等级分布：{grades}" if grades else "") + "。"
             + (f"其中{v.n_incomplete}个项目有指标需复核，总分为暂定。" if v.n_incomplete else ""))
    if v.department_table is not None:
        dt = v.department_table
        _para(d, f"部门整体绩效目标单独计分，得分{dt.total}分，自评等级为“{dt.grade}”"
                 f"（预算执行率得分{dt.exec_score}分，满分{dt.exec_weight}分）。")
    for p in v.projects:
        parts = "，".join(f"{b.label}{b.score}分（满分{b.weight}分）" for b in p.blocks)
        _para(d, f"“{p.name}”自评得分{p.total}分，等级“{p.grade}”" + ("（暂定）" if p.incomplete else "")
                 + f"：预算执行{p.exec_score}分（满分{p.exec_weight}分）" + (f"，{parts}" if parts else "") + "。")


def _indicator_sentence(r: IndicatorRow) -> str:
    head = f"{r.level2 or r.level1}「{r.level3}」年度指标值为{r.target}，"
    if r.status == "not_applicable":
        return head + "本年度不适用，不计分值。"
    if r.status == "needs_review":
        return head + (f"实际完成值为{r.actual}，" if r.actual else "未填写实际完成值，") + \
            f"需复核（{r.review_reason or '原因未说明'}），暂不计分（满分{r.weight}分）。"
    verdict = "达到年度指标值" if not r.missed else "未完全达到年度指标值"
    return head + f"实际完成{r.actual}，{verdict}，得分{r.score}分（满分{r.weight}分）。"


def _achievement(d, v: ReportView) -> None:
    _heading(d, HEADINGS[3], 1)
    for n, p in enumerate(v.projects, start=1):
        _heading(d, f"（{_chinese_number(n)}）{p.name}", 2)
        by_block: dict[str, list[IndicatorRow]] = {}
        for r in p.rows:
            by_block.setdefault(r.level1, []).append(r)
        for block in sorted(by_block, key=lambda b: (_BLOCK_ORDER.index(b) if b in _BLOCK_ORDER else 9, b)):
            rows = by_block[block]
            met = sum(1 for r in rows if r.status == "scored" and not r.missed)
            _para(d, f"{block}：共{len(rows)}项，{met}项达到年度指标值。" + "".join(_indicator_sentence(r) for r in rows))


def _deviations(d, v: ReportView) -> None:
    _heading(d, HEADINGS[4], 1)
    any_row = False
    for p in v.projects:
        for r in p.rows:
            overshoot = any("偏低" in f or "超" in f for f in r.flags)
            if not (r.missed or overshoot or r.status == "needs_review"):
                continue
            any_row = True
            what = "需复核" if r.status == "needs_review" else ("超额完成" if overshoot and not r.missed else "未达到年度指标值")
            p_ = _para(d, f"“{p.name}”{r.level3}：年度指标值{r.target}，实际完成{r.actual or '（未填写）'}，{what}。偏差原因：")
            if r.reason:
                p_.add_run(r.reason)
            else:
                _todo(p_, "偏差原因分析及改进措施")
        if p.exec_rate not in (DASH, "") and p.exec_reason:
            any_row = True
            _para(d, f"“{p.name}”预算执行率{p.exec_rate}。偏差原因：{p.exec_reason}")
    if not any_row:
        _para(d, "各项绩效指标均达到年度指标值，无偏差。")


def _problems(d, v: ReportView) -> None:
    _heading(d, HEADINGS[5], 1)
    counts = "，".join(f"{label}{n}个" for _, label, n in v.severity_counts if n)
    _para(d, (f"自评检查共发现问题{counts}（明细见自评报告 HTML 版的“发现的问题”）。" if counts else "自评检查未发现问题。"),
          todo="存在的主要问题及下一步改进措施")


def _use(d) -> None:
    _heading(d, HEADINGS[6], 1)
    _para(d, "", todo="自评结果在预算安排、政策调整、改进管理和信息公开中的应用情况")


# --- the annex: the 自评表 as Word tables ----------------------------------------------
#
# The tables are written as WordprocessingML and handed to python-docx as elements: merged
# cells are then what Word itself writes (gridSpan across, vMerge down), and a unit's twelve
# tables take milliseconds instead of python-docx's cell-by-cell editing.

# The 自评表's eight columns, in twentieths of a point (the page's text width is 15.6 cm).
_WIDTHS = (1000, 1000, 1500, 1150, 1150, 760, 800, 1485)


class _Cell:
    __slots__ = ("text", "span", "merge", "bold")

    def __init__(self, text: str = "", span: int = 1, merge: str | None = None, bold: bool = False):
        self.text, self.span, self.merge, self.bold = text, span, merge, bold


def _xml_text(text: str) -> str:
    return (_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _cell_xml(c: _Cell, width: int) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if c.span > 1:
        props += f'<w:gridSpan w:val="{c.span}"/>'
    if c.merge:
        props += f'<w:vMerge w:val="{c.merge}"/>' if c.merge == "restart" else "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    # 10.5 pt (五号), set on the run: the body's paragraph style (三号 仿宋) would win over the table style.
    run_props = f"<w:rPr>{'<w:b/>' if c.bold else ''}<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr>"
    lines = (c.text or "").split("\n") if c.merge != "continue" else [""]
    paragraphs = "".join(
        '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="260" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0"/></w:pPr>'
        + (f'<w:r>{run_props}<w:t xml:space="preserve">{_xml_text(line)}</w:t></w:r>' if line else "")
        + "</w:p>" for line in lines)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _table_xml(rows: list[tuple[list[_Cell], bool]]) -> str:
    """A table of (cells, header?) rows with the 自评表's columns."""
    body = []
    for cells, header in rows:
        xml, col = [], 0
        for c in cells:
            xml.append(_cell_xml(c, sum(_WIDTHS[col:col + c.span])))
            col += c.span
        head = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
        body.append(f"<w:tr>{head}{''.join(xml)}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in _WIDTHS)
    return (
        f"<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:jc w:val=\"center\"/>"
        f'<w:tblW w:w="{sum(_WIDTHS)}" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>")


def _add_table(d: _Body, rows) -> None:
    d.table(_table_xml(rows))


def _table_title(d: _Body, text: str) -> None:
    """Each 自评表 starts a page, as it is printed and stamped."""
    p = _P(indent=False).add_run(text, bold=True)
    p.center = p.break_before = True
    d.parts.append(p)


def _annex(d, v: ReportView) -> None:
    d.page_break()
    _heading(d, HEADINGS[7], 1)
    _para(d, "部门整体支出绩效自评表及各项目支出绩效自评表，见以下各页。")
    if v.department_table is not None:
        dt = v.department_table
        _table_title(d, "部门整体支出绩效自评表")
        rows = [([_Cell("单位名称", bold=True), _Cell(v.unit_name, 4), _Cell("评价年度", bold=True), _Cell(v.year, 2)],
                 False)]
        rows += _indicator_rows(dt.rows, "分项目标", "指标类型", dt.total, dt.grade, dt.incomplete,
                                exec_row=("预算执行率", dt.exec_weight, dt.exec_score))
        _add_table(d, rows)
    for p in v.projects:
        _table_title(d, f"项目支出绩效自评表（{v.year}年度）")
        _add_table(d, _project_rows(v, p))


def _project_rows(v: ReportView, p: ProjectView) -> list[tuple[list[_Cell], bool]]:
    B = True
    rows = [([_Cell("项目名称", bold=B), _Cell(p.name, 7, bold=B)], False),
            ([_Cell("项目编码", bold=B), _Cell(p.code, 3), _Cell("预算单位", bold=B), _Cell(p.unit or v.unit_name, 3)],
             False),
            ([_Cell("项目资金（万元）", merge="restart", bold=B), _Cell()]
             + [_Cell(h, bold=B) for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")], False),
            ([_Cell(merge="continue"), _Cell("年度资金总额", bold=B), _Cell(p.initial_budget), _Cell(p.budget),
              _Cell(p.executed), _Cell(p.exec_weight), _Cell(p.exec_rate), _Cell(p.exec_score, bold=B)], False)]
    if p.has_fund_split:
        for label, shown in (("其中：财政资金", p.fiscal), ("其他资金", p.other)):
            rows.append(([_Cell(merge="continue"), _Cell(label, bold=B), _Cell(shown), _Cell(DASH), _Cell(DASH),
                          _Cell(DASH, 3)], False))
    goals = "\n".join(p.goals) if p.goals else "（未提供）"
    rows += [([_Cell("年度总体目标", merge="restart", bold=B), _Cell("预期目标", 4, bold=B), _Cell("实际完成情况", 3, bold=B)],
              False),
             ([_Cell(merge="continue"), _Cell(goals, 4), _Cell(p.goals_actual, 3)], False)]
    rows += _indicator_rows(p.rows, "一级指标", "二级指标", p.total, p.grade, p.incomplete)
    return rows


def _indicator_rows(rows: list[IndicatorRow], head1: str, head2: str, total: str, grade: str, incomplete: bool,
                    exec_row: tuple | None = None) -> list[tuple[list[_Cell], bool]]:
    out = [([_Cell(h, bold=True) for h in (head1, head2, "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                            "偏差原因分析及改进措施")], True)]
    if exec_row is not None:
        label, weight, score = exec_row
        out.append(([_Cell(label, 5), _Cell(weight), _Cell(score), _Cell()], False))
    for r in rows:
        lv1 = _Cell(r.level1, merge="restart") if r.level1_span > 1 else \
            (_Cell(r.level1) if r.level1_span else _Cell(merge="continue"))
        lv2 = _Cell(r.level2, merge="restart") if r.level2_span > 1 else \
            (_Cell(r.level2) if r.level2_span else _Cell(merge="continue"))
        score = r.score if r.status != "needs_review" else f"需复核：{r.review_reason or '原因未说明'}"
        out.append(([lv1, lv2, _Cell(r.level3), _Cell(r.target), _Cell(r.actual or "（未填写）"), _Cell(r.weight),
                     _Cell(score), _Cell(r.reason)], False))
    out.append(([_Cell("总分", 5, bold=True), _Cell(total, 2, bold=True),
                 _Cell(f"自评等级：{grade}" + ("（暂定）" if incomplete else ""), bold=True)], False))
    return out


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
