"""Write a corpus document (tests/data/targets_docs/<id>.txt) as the files units hold:
Word, Excel, a web page and a PDF printed from that page, with the merged cells those
files have (a 一级/二级 cell merged over the rows it covers, a value cell merged across the
rest of its row), built with the libraries themselves (python-docx, openpyxl, weasyprint).

The text is a row per line with cells separated by TABs; a line without a TAB is a title
or a ``单位：万元`` line. Consecutive rows form one table.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Span:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def parse(text: str) -> list[str | list[Span]]:
    """Paragraphs (str) and tables (lists of spans, each cell once at its top-left)."""
    blocks: list[str | list[list[str]]] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        if "\t" in line:
            rows.append([c.strip() for c in line.split("\t")])
            continue
        if rows:
            blocks.append(rows)
            rows = []
        if line.strip():
            blocks.append(line.strip())
    if rows:
        blocks.append(rows)
    return [b if isinstance(b, str) else merge(b) for b in blocks]


def merge(rows: list[list[str]]) -> list[Span]:
    """Merged cells as a Word or Excel author makes them: a short row's last cell spans the
    rest of the table's width; a blank 一级/二级 cell (columns 0 and 1) under a filled one, in
    rows of three or more filled cells, belongs to the cell above."""
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    spans: list[Span] = []
    owner: dict[tuple[int, int], Span] = {}
    for r, row in enumerate(rows):
        filled = sum(1 for c in row if c)
        for k, text in enumerate(row):
            if k in (0, 1) and not text and r > 0 and filled >= 3 and (r - 1, k) in owner:
                above = owner[(r - 1, k)]
                prev_filled = sum(1 for c in grid[above.row] if c)
                if above.text and prev_filled >= 3 and above.colspan == 1:
                    above.rowspan += 1
                    owner[(r, k)] = above
                    continue
            span = Span(text, r, k)
            if k == len(row) - 1 and len(row) < width:
                span.colspan = width - k
            spans.append(span)
            for kk in range(k, k + span.colspan):
                owner[(r, kk)] = span
    return spans


def _size(spans: list[Span]) -> tuple[int, int]:
    return (max(s.row + s.rowspan for s in spans), max(s.col + s.colspan for s in spans))


def to_docx(text: str, out: Path) -> None:
    import docx

    d = docx.Document()
    for block in parse(text):
        if isinstance(block, str):
            d.add_paragraph(block)
            continue
        n_rows, n_cols = _size(block)
        table = d.add_table(rows=n_rows, cols=n_cols)
        table.style = "Table Grid"
        for s in block:
            cell = table.cell(s.row, s.col)
            cell.text = s.text
            if s.rowspan > 1 or s.colspan > 1:
                cell.merge(table.cell(s.row + s.rowspan - 1, s.col + s.colspan - 1))
        d.add_paragraph("")
    buf = io.BytesIO()
    d.save(buf)
    out.write_bytes(buf.getvalue())


def to_xlsx(text: str, out: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    row0 = 1
    for block in parse(text):
        if isinstance(block, str):
            ws.cell(row=row0, column=1, value=block)
            row0 += 1
            continue
        n_rows, _ = _size(block)
        for s in block:
            cell = ws.cell(row=row0 + s.row, column=1 + s.col)
            cell.value = s.text or None
            if s.text:
                cell.data_type = "s"   # "=300天" is text typed into a text cell, not a formula
            if s.rowspan > 1 or s.colspan > 1:
                ws.merge_cells(start_row=row0 + s.row, start_column=1 + s.col,
                               end_row=row0 + s.row + s.rowspan - 1, end_column=s.col + s.colspan)
        row0 += n_rows
    buf = io.BytesIO()
    wb.save(buf)
    out.write_bytes(buf.getvalue())


def to_html(text: str, out: Path | None = None) -> str:
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>绩效目标表</title>',
             "<style>body{font-family:'Noto Sans CJK SC',sans-serif;font-size:9pt}"
             "table{border-collapse:collapse;width:100%}td{border:1px solid #000;padding:2px 3px}</style>",
             "</head><body>"]
    for block in parse(text):
        if isinstance(block, str):
            parts.append(f"<p>{html.escape(block)}</p>")
            continue
        n_rows, _ = _size(block)
        parts.append("<table>")
        for r in range(n_rows):
            parts.append("<tr>")
            for s in (s for s in block if s.row == r):
                attrs = (f' rowspan="{s.rowspan}"' if s.rowspan > 1 else "") + \
                        (f' colspan="{s.colspan}"' if s.colspan > 1 else "")
                parts.append(f"<td{attrs}>{html.escape(s.text).replace(chr(10), '<br>')}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    page = "".join(parts)
    if out is not None:
        out.write_text(page, encoding="utf-8")
    return page


def to_pdf(text: str, out: Path) -> None:
    import weasyprint

    out.write_bytes(weasyprint.HTML(string=to_html(text)).write_pdf())


WRITERS = {"docx": to_docx, "xlsx": to_xlsx, "html": to_html, "pdf": to_pdf}
