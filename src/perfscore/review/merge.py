"""Merging a filled review pack (复核结果合并) and the self-versus-review deviation (自评偏差).

1. Read the reviewer's 复核完成值 / 复核得分 / 复核意见 from the 指标复核 sheet,
   keyed by (单位编码, 项目编码, 指标ID); every unknown key, duplicate, formula or
   unreadable score is reported with file, row, column and value, all at once.
2. Re-score: the Targets are rebuilt from the results (each indicator with its
   weight as scored, its actual and the unit's own 得分) and the engine's
   ``evaluate`` runs again with the reviewer's actuals in place — so re-scoring
   follows exactly the profile's rules. A 复核得分 goes in as the indicator's
   explicit score: on a qualitative indicator the engine checks it against the
   tier of the actual and a score outside the tier is refused; on an indicator
   scored by formula the reviewer's score replaces the formula's inside the engine
   (``evaluate(given_scores=…)``), so every total is the engine's own, made once.
3. 自评偏差 = self − review, per indicator, project and department.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from perfscore.app.score import evaluate
from perfscore.errors import DataError, FormatError, InputError, Location
from perfscore.io import write_csv
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.readers.sheets import sheet_rows
from perfscore.review.pack import INDICATOR_SHEET, KEY_COLUMNS, REVIEW_ACTUAL, REVIEW_COMMENT, REVIEW_SCORE
from perfscore.safety import check_office_file
from perfscore.scoring import load_profile
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.io import save_results
from perfscore.scoring.numeric import format_fixed, round_half_up
from perfscore.writers.html import write_report
from perfscore.writers.tabular import PROJECTS_CSV, RESULTS_CSV, RESULTS_JSON, indicators_csv_frame, projects_csv_frame
from perfscore.writers.xlsx_safe import csv_safe_frame, save_workbook, write_frame

# Review columns added to Evaluation.indicators in the merged results.
REVIEW_INDICATOR_COLUMNS = [
    "review_actual",     # 复核完成值 as the reviewer wrote it ('' when none)
    "review_score_given",  # 复核得分 as given (NaN when none)
    "review_comment",    # 复核意见
    "review_method",     # 'actual' (re-scored from 复核完成值) / 'score' (复核得分 taken) / '' (self accepted)
    "review_score",      # 复核后得分
    "review_status",     # status after review
    "review_arithmetic",  # how the review score came about
    "deviation",         # 自评偏差 = score − review_score
]
REVIEW_PROJECT_COLUMNS = ["review_total", "review_grade", "deviation", "reviewed"]

# Review columns that hold numbers (written with the profile's decimals, never as text).
REVIEW_INDICATOR_NUMBERS = ["review_score_given", "review_score", "deviation"]
REVIEW_PROJECT_NUMBERS = ["review_total", "deviation"]

DEVIATION_CSV = "deviation.csv"
DEVIATION_XLSX = "deviation.xlsx"
DEVIATION_SHEET = "自评偏差"
DEVIATION_HEADERS = ["层级", "单位编码", "项目编码", "项目名称", "指标ID", "三级指标", "分值", "自评完成值", "复核完成值",
                     "自评得分", "复核得分", "自评偏差", "复核方式", "复核意见"]
DEVIATION_NUMBERS = ["分值", "自评得分", "复核得分", "自评偏差"]
METHOD_ZH = {"actual": "按复核完成值重新计分", "score": "采用复核得分", "": ""}


@dataclass
class ReviewEntry:
    row: int                       # Excel row number (1-based, header is row 1)
    actual: str | None = None
    score: float | None = None
    score_text: str | None = None
    comment: str = ""


@dataclass
class MergeResult:
    evaluation: object             # the merged Evaluation (self + review columns)
    deviation: pd.DataFrame
    paths: list[Path] = field(default_factory=list)
    reviewed: int = 0
    rescored: int = 0
    scored_by_reviewer: int = 0


# --- reading the filled pack ----------------------------------------------------------


def _cell_text(value, number_format: str = "General") -> str | None:
    """The text of a cell as a reviewer meant it: 95 → '95', 0.96 → '0.96', a date → ISO.

    Excel turns a typed ``96%`` into 0.96 shown with a percent format: such a cell
    is read back as ``96%``, never as 0.96."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (number_format or ""):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        percent = Decimal(repr(float(value))) * 100
        return f"{percent.normalize():f}%"
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def read_filled(path: str | Path) -> dict[tuple[str, str, str], ReviewEntry]:
    """The reviewer's entries by (单位编码, 项目编码, 指标ID); raises with every bad cell listed."""
    from openpyxl import load_workbook

    shown = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputError("文件不存在", location=Location(file=shown))

    check_office_file(p, kind="xlsx", shown=shown)  # type sniffing, zip bomb, XML declarations
    try:
        # the bytes, not the path: openpyxl leaves its file open when a broken workbook raises
        wb = load_workbook(io.BytesIO(p.read_bytes()), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise FormatError(f"无法作为 .xlsx 工作簿打开（{type(exc).__name__}）", location=Location(file=shown),
                          hint="请提交由 perfscore review 生成并填写后的 .xlsx 文件。") from None
    try:
        if INDICATOR_SHEET not in wb.sheetnames:
            raise FormatError(f"工作簿中没有「{INDICATOR_SHEET}」表", location=Location(file=shown),
                              hint="请使用 perfscore review 生成的复核工作簿，不要改动表名。")

        # Every row whatever the sheet's <dimension> tag says; broken XML → 文件已损坏.
        rows = sheet_rows(wb[INDICATOR_SHEET], file=shown)
        header_cells = next(rows, None) or ()
        headers = {str(c.value).strip(): i for i, c in enumerate(header_cells) if c.value is not None}
        needed = ["项目编码", "指标ID", REVIEW_ACTUAL, REVIEW_SCORE, REVIEW_COMMENT]
        missing = [h for h in needed if h not in headers]
        if missing:
            raise FormatError(f"「{INDICATOR_SHEET}」表缺少列「{missing[0]}」", location=Location(
                file=shown, row=1, column=missing[0]), hint="请不要删除或改名表头。")
        entries: dict[tuple[str, str, str], ReviewEntry] = {}
        problems: list[str] = []
        first: Location | None = None

        def problem(loc: Location, text: str) -> None:
            nonlocal first
            first = first or loc
            problems.append(f"{loc}：{text}")

        for number, cells in enumerate(rows, start=2):
            def get(header):
                i = headers.get(header)
                return cells[i] if i is not None and i < len(cells) else None

            values = {h: get(h) for h in ("单位编码", "项目编码", "指标ID", REVIEW_ACTUAL, REVIEW_SCORE, REVIEW_COMMENT)}
            if all(c is None or c.value is None for c in values.values()):
                continue
            for h in (REVIEW_ACTUAL, REVIEW_SCORE):
                c = values[h]
                if c is not None and c.data_type == "f":
                    problem(Location(file=shown, row=number, column=h, value=str(c.value)), "不能填写公式，请填写数值或文字")
            key = tuple(_cell_text(values[h].value if values[h] is not None else None) or "" for h in KEY_COLUMNS)
            entry = ReviewEntry(row=number)
            sc = values[REVIEW_SCORE]
            if sc is not None and sc.value is not None and sc.data_type != "f":
                text = _cell_text(sc.value)
                if text is not None:
                    try:
                        entry.score = float(text.replace("分", "").strip())
                        if math.isnan(entry.score) or math.isinf(entry.score):
                            raise ValueError
                        entry.score_text = text
                    except ValueError:
                        problem(Location(file=shown, row=number, column=REVIEW_SCORE, value=text), "复核得分不是数字")
            ac = values[REVIEW_ACTUAL]
            if ac is not None and ac.data_type != "f":
                entry.actual = _cell_text(ac.value, getattr(ac, "number_format", "General"))
            cm = values[REVIEW_COMMENT]
            entry.comment = (_cell_text(cm.value) if cm is not None else None) or ""
            if entry.actual is None and entry.score is None and not entry.comment:
                continue  # nothing reviewed on this row: the self-evaluation stands
            if key in entries:
                problem(Location(file=shown, row=number, column="指标ID", value=key[2]),
                        f"与第{entries[key].row}行是同一个指标")
                continue
            entries[key] = entry
    finally:
        wb.close()
    if problems:
        raise DataError(f"复核工作簿有 {len(problems)} 处无法采用", location=first, problems=problems,
                        hint="改正后重新运行 --merge；未改动的自评内容无需填写。")
    return entries


# --- re-scoring -----------------------------------------------------------------------


def _text_or_none(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def rebuild_targets(evaluation, overrides: dict[tuple[str, str, str], ReviewEntry] | None = None) -> Targets:
    """Targets that score back to ``evaluation`` (weights as scored, actuals, the unit's 得分),
    with the reviewer's actuals and scores put in where ``overrides`` has them."""
    overrides = overrides or {}
    meta = evaluation.meta or {}
    ind = evaluation.indicators
    by_project: dict[tuple[str, str], list[Indicator]] = {}
    for row in ind.itertuples(index=False):
        key = (str(row.unit_code or ""), str(row.project_code or ""), str(row.indicator_id or ""))
        entry = overrides.get(key)
        weight = float(row.weight) if row.weight is not None and not pd.isna(row.weight) else None
        actual = _text_or_none(row.actual)
        score = _text_or_none(getattr(row, "self_score", None))
        if entry is not None:
            if entry.actual is not None:
                # The unit's 得分 belonged to the unit's actual: with the reviewer's
                # actual it would be checked against the new tier and, outside it,
                # turn the row into needs-review (scored 0). Only the reviewer's
                # own 复核得分 may stand beside the reviewer's actual.
                actual = entry.actual
                score = None
            if entry.score is not None:
                score = entry.score_text
        by_project.setdefault(key[:2], []).append(Indicator(
            id=key[2], level1=str(row.level1 or ""), level2=str(row.level2 or ""), level3=str(row.level3 or ""),
            target=str(row.target or ""), weight=weight, actual=actual, score=score,
            reason=_text_or_none(row.reason), evidence=_text_or_none(row.evidence)))
    projects = []
    for p in evaluation.projects.itertuples(index=False):
        budget = float(p.budget) if p.budget is not None and not pd.isna(p.budget) else None
        executed = float(p.executed) if p.executed is not None and not pd.isna(p.executed) else None
        projects.append(Project(
            code=str(p.project_code), name=str(p.project_name), unit_code=str(p.unit_code or "") or None,
            unit_name=str(p.unit_name or "") or None, funds=Funds(total=budget), budget_full_year=budget,
            executed=executed, exec_reason=_text_or_none(getattr(p, "exec_reason", None)),
            indicators=by_project.get((str(p.unit_code or ""), str(p.project_code)), [])))
    return Targets(year=meta.get("year"), unit=Unit(code=meta.get("unit_code"), name=meta.get("unit_name")),
                   projects=projects)


def _keys(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(frame["unit_code"].astype(str), frame["project_code"].astype(str),
                    frame["indicator_id"].astype(str)))


def rescore(evaluation, entries: dict[tuple[str, str, str], ReviewEntry], *, profile=None, source: str = ""):
    """The review Evaluation: the engine's scores with the reviewer's actuals and scores."""
    meta = evaluation.meta or {}
    keys = _keys(evaluation.indicators)
    known = set(keys)
    unknown = [(k, e) for k, e in entries.items() if k not in known]
    if unknown:
        problems = [f"{Location(file=source, row=e.row, column='指标ID', value=k[2])}：项目编码「{k[1]}」下没有这个指标"
                    for k, e in sorted(unknown, key=lambda ke: ke[1].row)]
        k, e = min(unknown, key=lambda ke: ke[1].row)
        raise DataError(f"复核工作簿中有 {len(unknown)} 行在评分结果中找不到", location=Location(
            file=source, row=e.row, column="指标ID", value=k[2]), problems=problems,
            hint="请使用由同一份 results.json 生成的复核工作簿，不要改动编码和指标ID列。")
    prof = load_profile(profile if profile is not None else meta.get("profile") or None)
    weights = dict(zip(keys, pd.to_numeric(evaluation.indicators["weight"], errors="coerce")))
    status = dict(zip(keys, evaluation.indicators["status"].astype(str)))
    problems, first = [], None
    for k, e in sorted(entries.items(), key=lambda ke: ke[1].row):
        if e.score is None:
            continue
        w = weights[k]
        loc = Location(file=source, row=e.row, column=REVIEW_SCORE, value=e.score_text)
        if status[k] == "not_applicable":
            problems.append(f"{loc}：该指标不适用，不能给复核得分")
        elif pd.isna(w) or e.score < 0 or e.score > float(w) + 1e-9:
            problems.append(f"{loc}：复核得分应在 0 到分值 {float(w):g} 之间" if not pd.isna(w)
                            else f"{loc}：该指标没有分值")
        else:
            continue
        first = first or loc
    if problems:
        raise DataError(f"复核得分有 {len(problems)} 处不符合评分规则", location=first, problems=problems)

    given = {k: e.score for k, e in entries.items() if e.score is not None}
    review = evaluate(rebuild_targets(evaluation, entries), prof, as_of=meta.get("as_of") or None,
                      given_scores=given)
    # Both kinds of refusal after re-scoring are listed together, in row order.
    problems = _unscorable_actuals(review, entries, source) + _scores_outside_tier(review, entries, source)
    if problems:
        problems.sort(key=lambda p: p[0].row or 0)
        kinds = {kind for _, _, kind in problems}
        headline, hint = _REFUSALS[kinds.pop()] if len(kinds) == 1 else (
            "复核工作簿有 {n} 处无法计分", "".join(h for _, h in _REFUSALS.values()))
        raise DataError(headline.format(n=len(problems)), location=problems[0][0],
                        problems=[f"{loc}：{text}" for loc, text, _ in problems], hint=hint)
    return review


_REFUSALS = {
    "actual": ("复核完成值有 {n} 处无法计分",
               "请按指标值的单位填写数值（如“≥100个”填 80个 或 80），或同时填写复核得分。"),
    "tier": ("复核得分有 {n} 处不在所属档次的得分区间内",
             "定性指标的得分须落在实际完成情况所属档次（达成/部分达成/未达成）的区间内。"),
}


def _unscorable_actuals(review, entries: dict[tuple[str, str, str], ReviewEntry], source: str) -> list:
    """A 复核完成值 the engine cannot score (``完成`` against ≥100个, 5万元 against a
    count …) is refused, like every other bad cell: counted as 0 it would make a
    deviation out of a typing slip. A 复核得分 on the same row decides the score, so
    such a row is not refused. Returns (location, reason, 'actual') triples."""
    ind = review.indicators
    status = dict(zip(_keys(ind), ind["status"].astype(str)))
    reasons = dict(zip(_keys(ind), ind["review_reason"].fillna("").astype(str)))
    return [(Location(file=source, row=e.row, column=REVIEW_ACTUAL, value=e.actual),
             reasons[k] or "无法按评分规则计分", "actual")
            for k, e in entries.items()
            if e.actual is not None and e.score is None and status.get(k) == "needs_review"]


def _scores_outside_tier(review, entries: dict[tuple[str, str, str], ReviewEntry], source: str) -> list:
    """A 复核得分 outside the tier of a qualitative indicator: the engine refuses it. The
    engine words it for the unit's 得分 (填报得分); here it is the reviewer's."""
    outside = {(f.project_code or "", f.indicator_id or ""): f.message.replace("填报得分", REVIEW_SCORE)
               for f in review.findings if f.check == "score-outside-tier"}
    return [(Location(file=source, row=e.row, column=REVIEW_SCORE, value=e.score_text), outside[(k[1], k[2])], "tier")
            for k, e in entries.items() if e.score is not None and (k[1], k[2]) in outside]


# --- deviation --------------------------------------------------------------------------


def _dev(self_value: float, review_value: float) -> float:
    if math.isnan(self_value) and math.isnan(review_value):
        return math.nan
    self_value = 0.0 if math.isnan(self_value) else self_value
    review_value = 0.0 if math.isnan(review_value) else review_value
    return round_half_up(self_value - review_value)


def merge(evaluation, entries: dict[tuple[str, str, str], ReviewEntry], *, profile=None, source: str = "") -> MergeResult:
    """The merged Evaluation (self columns + review columns) and the deviation table."""
    review = rescore(evaluation, entries, profile=profile, source=source)
    ind = evaluation.indicators.copy()
    keys = _keys(ind)
    r_score = pd.to_numeric(review.indicators["score"], errors="coerce").to_numpy(dtype=float)
    s_score = pd.to_numeric(ind["score"], errors="coerce").to_numpy(dtype=float)
    method, given, actual, comment = [], [], [], []
    for k in keys:
        e = entries.get(k)
        m = "" if e is None else "score" if e.score is not None else "actual" if e.actual is not None else ""
        method.append(m)
        given.append(math.nan if e is None or e.score is None else e.score)
        actual.append("" if e is None or e.actual is None else e.actual)
        comment.append("" if e is None else e.comment)
    ind["review_actual"] = actual
    ind["review_score_given"] = given
    ind["review_comment"] = comment
    ind["review_method"] = method
    ind["review_score"] = r_score
    ind["review_status"] = review.indicators["status"].astype(str).to_numpy(dtype=object)
    ind["review_arithmetic"] = review.indicators["arithmetic"].astype(str).to_numpy(dtype=object)
    ind["deviation"] = [math.nan if st == "not_applicable" else _dev(a, b)
                        for a, b, st in zip(s_score, r_score, ind["status"].astype(str))]

    proj = evaluation.projects.copy()
    r_total = pd.to_numeric(review.projects["total"], errors="coerce").to_numpy(dtype=float)
    s_total = pd.to_numeric(proj["total"], errors="coerce").to_numpy(dtype=float)
    reviewed_by_project: dict[tuple[str, str], int] = {}
    for k, m, e in zip(keys, method, (entries.get(k) for k in keys)):
        if e is not None:
            reviewed_by_project[k[:2]] = reviewed_by_project.get(k[:2], 0) + 1
    proj["review_total"] = r_total
    proj["review_grade"] = review.projects["grade"].astype(str).to_numpy(dtype=object)
    proj["deviation"] = [_dev(a, b) for a, b in zip(s_total, r_total)]
    proj["reviewed"] = [reviewed_by_project.get((str(u), str(c)), 0)
                        for u, c in zip(proj["unit_code"], proj["project_code"])]

    dept = dict(evaluation.department)
    r_dept = review.department.get("total")
    dept["review_total"] = r_dept
    dept["review_grade"] = review.department.get("grade", "")
    s_dept = dept.get("total")
    dept["deviation"] = None if s_dept is None or r_dept is None else round_half_up(float(s_dept) - float(r_dept))
    meta = dict(evaluation.meta or {})
    meta["review"] = {"source": Path(source).name if source else "", "reviewed_indicators": len(entries)}
    merged = Evaluation(meta=meta, indicators=ind, projects=proj, blocks=list(evaluation.blocks),
                        department=dept, monitoring=evaluation.monitoring, findings=list(evaluation.findings))
    result = MergeResult(evaluation=merged, deviation=deviation_table(merged), reviewed=len(entries),
                         rescored=sum(1 for m in method if m == "actual"),
                         scored_by_reviewer=sum(1 for m in method if m == "score"))
    return result


def _num(x) -> float:
    """A number for the deviation table (NaN when missing): numbers stay numbers here, and
    are formatted only when written (see write_merged)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def deviation_table(merged) -> pd.DataFrame:
    """部门, then each project followed by its reviewed indicators (input order).
    The score columns (DEVIATION_NUMBERS) hold numbers, NaN when missing."""
    dept = merged.department or {}
    meta = merged.meta or {}
    rows = [["部门", meta.get("unit_code") or "", "", meta.get("unit_name") or "", "", "", math.nan, "", "",
             _num(dept.get("total")), _num(dept.get("review_total")), _num(dept.get("deviation")), "", ""]]
    ind = merged.indicators
    by_project: dict[tuple[str, str], list] = {}
    for row in ind.itertuples(index=False):
        if row.review_method or row.review_comment:
            by_project.setdefault((str(row.unit_code), str(row.project_code)), []).append(row)
    for p in merged.projects.itertuples(index=False):
        rows.append(["项目", p.unit_code, p.project_code, p.project_name, "", "", math.nan, "", "",
                     _num(p.total), _num(p.review_total), _num(p.deviation), "", ""])
        for r in by_project.get((str(p.unit_code), str(p.project_code)), []):
            rows.append(["指标", r.unit_code, r.project_code, r.project_name, r.indicator_id, r.level3, _num(r.weight),
                         _text_or_none(r.actual) or "", r.review_actual, _num(r.score), _num(r.review_score),
                         _num(r.deviation), METHOD_ZH.get(r.review_method, ""), r.review_comment])
    frame = pd.DataFrame(rows, columns=DEVIATION_HEADERS)
    for col in DEVIATION_NUMBERS:
        frame[col] = frame[col].astype(float)
    return frame


def _with_review_numbers(frame: pd.DataFrame, source: pd.DataFrame, columns: list[str], digits: int) -> pd.DataFrame:
    """The CSV frame of perfscore.writers.tabular with the review columns written as
    numbers: tabular writes columns it does not know as text (formula-guarded),
    which would turn a deviation of −6.25 into the text ``'-6.25``."""
    # ``frame`` may hold more rows than ``source``: results.csv appends the 部门整体 goal
    # indicators (DEPT-nn) after the project indicators, and those are not reviewed.
    extra = len(frame) - len(source)
    for col in columns:
        if col in source.columns:
            values = pd.to_numeric(source[col], errors="coerce").to_numpy(dtype=float)
            frame[col] = format_fixed(np.concatenate([values, np.full(max(extra, 0), np.nan)]), digits)
    return frame


def deviation_workbook(deviation: pd.DataFrame):
    """The deviation table as a one-sheet workbook (自评偏差); scores are number cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font


    wb = Workbook()
    ws = wb.active
    ws.title = DEVIATION_SHEET
    frame = deviation.astype(object).where(deviation.notna(), None)
    for col in DEVIATION_NUMBERS:
        frame[col] = [None if v is None else round_half_up(float(v)) for v in frame[col]]
    write_frame(ws, frame)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    numeric = {DEVIATION_HEADERS.index(c) + 1 for c in DEVIATION_NUMBERS}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column in numeric and cell.value is not None:
                cell.number_format = "0.00"
    ws.freeze_panes = "A2"
    return wb


def write_merged(result: MergeResult, out_dir: str | Path) -> list[Path]:
    """results.json / results.csv / projects.csv with the review columns, deviation.csv and
    deviation.xlsx (自评偏差), and report.html: the year's report with the section
    复核结果与自评偏差 (perfscore.writers.html.write_report)."""
    ev = result.evaluation
    digits = int((ev.meta or {}).get("digits", 2))
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / RESULTS_JSON, folder / RESULTS_CSV, folder / PROJECTS_CSV]
    save_results(ev, paths[0])
    write_csv(paths[1], _with_review_numbers(indicators_csv_frame(ev), ev.indicators, REVIEW_INDICATOR_NUMBERS,
                                             digits))
    write_csv(paths[2], _with_review_numbers(projects_csv_frame(ev), ev.projects, REVIEW_PROJECT_NUMBERS, digits))
    dev_path = folder / DEVIATION_CSV
    write_csv(dev_path, csv_safe_frame(result.deviation, decimals={c: digits for c in DEVIATION_NUMBERS}))
    xlsx_path = folder / DEVIATION_XLSX
    save_workbook(deviation_workbook(result.deviation), xlsx_path)
    paths += [dev_path, xlsx_path]
    paths += write_report(ev, folder)
    result.paths = paths
    return result.paths


__all__ = ["MergeResult", "ReviewEntry", "deviation_table", "deviation_workbook", "merge", "read_filled",
           "rebuild_targets", "rescore", "write_merged"]
