"""The report's repeated rows (indicator rows, finding rows) and its icons, as markup.

A unit's report holds hundreds of these rows. Laid out by a jinja loop with a macro per
status cell, they took a third of a report's time (a 158-row unit's report: 9.3 ms, 6.5 ms
with the rows made here). Here each row is one f-string over values escaped with
markupsafe's ``escape``, the function jinja's autoescape calls itself, so the page is the
same to the byte. The template calls these functions (they
are its globals) where it would have looped; everything else stays in the template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape as _markup_escape

from perfscore.model import SEVERITY_ZH
from perfscore.scoring.evaluation import NEEDS_REVIEW, NOT_APPLICABLE

_REVIEW_ICON = ('<svg class="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">'
                '<path d="M8 1 L15.5 14.5 H0.5 Z" fill="#b7791f"/>'
                '<rect x="7.1" y="5.5" width="1.8" height="5" fill="#ffffff"/>'
                '<rect x="7.1" y="11.6" width="1.8" height="1.8" fill="#ffffff"/></svg>')
_NA_ICON = ('<svg class="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">'
            '<circle cx="8" cy="8" r="7" fill="none" stroke="#7b8794" stroke-width="1.6"/>'
            '<rect x="3.5" y="7.2" width="9" height="1.6" fill="#7b8794"/></svg>')

_SPECIAL = re.compile("[&<>'\"]")
_NO_INDICATORS = '\n<tr><td colspan="10" class="muted">没有绩效指标。</td></tr>'


def _escape(value: object) -> str:
    # A plain str (a Markup would escape whatever markup is appended to it). Most cells
    # hold no character to escape: those are returned as they are, without a Markup made.
    if type(value) is str and not _SPECIAL.search(value):
        return value
    return str(_markup_escape(value))


def review_icon() -> Markup:
    """The warning triangle shown beside everything that needs review."""
    return Markup(_REVIEW_ICON)


def na_icon() -> Markup:
    """The circled bar of 不适用."""
    return Markup(_NA_ICON)


def _status_cell(status: str, missed: bool, label: str) -> str:
    if status == NEEDS_REVIEW:
        return f'<span class="badge badge-review">{_REVIEW_ICON}需复核</span>'
    if status == NOT_APPLICABLE:
        return f'<span class="badge badge-na">{_NA_ICON}不适用</span>'
    if missed:
        return '<span class="badge badge-missed">未满分</span>'
    return f'<span class="badge badge-ok">{_escape(label)}</span>'


def _arithmetic_cell(row) -> str:
    if row.status == NEEDS_REVIEW:
        cell = f'<strong class="review-text">需复核：{_escape(row.review_reason or "原因未说明")}</strong>'
        if row.arithmetic:
            cell += f"<div>{_escape(row.arithmetic)}</div>"
    elif row.status == NOT_APPLICABLE:
        cell = _escape(row.arithmetic or "不适用，不计分值，总分按适用分值折算")
    else:
        cell = _escape(row.arithmetic)
    if row.flags:
        cell += '<div class="flags">' + "".join(f'<span class="flag">{_escape(f)}</span>' for f in row.flags) + "</div>"
    return cell


def _indicator_row(row) -> str:
    parts = [f'\n<tr class="{_escape(row.row_class)}">']
    if row.level1_span:
        parts.append(f'<td rowspan="{row.level1_span}" class="lv">{_escape(row.level1)}</td>')
    if row.level2_span:
        parts.append(f'<td rowspan="{row.level2_span}" class="lv">{_escape(row.level2)}</td>')
    target = _escape(row.target)
    if row.target_reading:
        target += f'<div class="reading">解读：{_escape(row.target_reading)}</div>'
    actual = _escape(row.actual) if row.actual else '<span class="muted">（未填写）</span>'
    if row.actual_reading:
        actual += f'<div class="reading">解读：{_escape(row.actual_reading)}</div>'
    reason = _escape(row.reason)
    if row.evidence:
        reason += f'<div class="evidence">佐证材料：{_escape(row.evidence)}</div>'
    parts.append(
        f'\n<td class="l3">{_escape(row.level3)}</td>\n<td>{target}</td>\n<td>{actual}</td>'
        f'\n<td class="num">{_escape(row.weight)}</td>\n<td class="num strong">{_escape(row.score)}</td>'
        f'\n<td class="status">{_status_cell(row.status, row.missed, row.status_label)}</td>'
        f'\n<td class="arith">{_arithmetic_cell(row)}</td>\n<td>{reason}</td>\n</tr>')
    return "".join(parts)


def indicator_rows(rows: Sequence) -> Markup:
    """The body rows of an indicator table (IndicatorRow views), each on its own line."""
    if not rows:
        return Markup(_NO_INDICATORS)
    return Markup("".join(map(_indicator_row, rows)))


def any_source(rows: Sequence) -> bool:
    """Whether a findings table needs its 位置 column: some finding says where it was read."""
    return any(f.source for f in rows)


def finding_rows(rows: Sequence, show_project: bool, show_source: bool) -> Markup:
    """The body rows of a findings table (FindingRow views), each on its own line."""
    out = []
    for f in rows:
        severity = _escape(f.severity)
        check = _escape(f.check)
        if f.check_id != f.check:
            check += f'<div class="check-id">{_escape(f.check_id)}</div>'
        project = f"<td>{_escape(f.project)}</td>" if show_project else ""
        source = f'<td class="mono small">{_escape(f.source)}</td>' if show_source else ""
        out.append(f'\n<tr class="sev-{severity}"><td><span class="sev sev-{severity}">'
                   f'{_escape(SEVERITY_ZH[f.severity])}</span></td><td>{check}</td>{project}'
                   f'<td>{_escape(f.indicator)}</td><td>{_escape(f.message)}</td>{source}</tr>')
    return Markup("".join(out))
