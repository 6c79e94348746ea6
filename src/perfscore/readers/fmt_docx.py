"""Word (.docx) → :class:`~perfscore.readers.grid.Document`.

What a user must know (for docs/extract.md):

- read: every paragraph outside tables (as text, in order) and every table, nested
  content controls (``w:sdt``, e.g. a table of contents) read through; merged cells are
  resolved from the XML: a horizontally merged cell (``w:gridSpan`` or the older ``w:hMerge``,
  and cells skipped by ``w:gridBefore``) and a vertically merged cell (``w:vMerge restart`` … ``continue``)
  become ONE cell with its column/row span; deleted revisions (``w:del``) are not read,
  inserted ones are;
- refused: a file that is not a .docx (by its bytes: an old .doc, a PDF, a page saved as
  .docx …), a damaged file, and anything ``perfscore.safety.check_office_bytes`` refuses
  (zip bombs, XML entity declarations, encrypted parts).
"""

from __future__ import annotations

import io

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from perfscore.errors import FormatError, Location
from perfscore.readers.grid import Cell, Document, Table, Text, table_from_rows
from perfscore.safety import check_office_bytes

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _TC_PR, _TR_PR = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:trPr")
_V_MERGE, _GRID_SPAN, _GRID_BEFORE, _VAL = qn("w:vMerge"), qn("w:gridSpan"), qn("w:gridBefore"), qn("w:val")
_T, _TAB, _BR, _CR, _DEL = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:del")
_H_MERGE, _MOVE_FROM = qn("w:hMerge"), qn("w:moveFrom")


def _paragraph_text(p) -> str:
    """Visible text of a ``w:p``: runs, tabs and breaks, skipping deleted revisions and the
    old place of moved text (tracked changes: the text shows once, where it was moved to)."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if next(el.iterancestors(_DEL, _MOVE_FROM), None) is not None:
            continue
        if el.tag == _T:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _int_val(el, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(_VAL, default)), 1)
    except ValueError:
        return default


def _children(parent, tag: str):
    """Children with ``tag``, looking through content controls (rows or cells wrapped in w:sdt)."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)


def _cell_text(tc) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(_P)).strip()


def _row_cells(tr) -> list[tuple[object, int]]:
    """A row's ``w:tc`` with their column spans; the older horizontal merge (``w:hMerge``,
    written by some WPS and old Word versions instead of ``w:gridSpan``) joined into the
    cell that starts it."""
    out: list[list] = []
    for tc in _children(tr, _TC):
        tc_pr = tc.find(_TC_PR)
        span = _int_val(tc_pr.find(_GRID_SPAN) if tc_pr is not None else None, 1)
        h_merge = tc_pr.find(_H_MERGE) if tc_pr is not None else None
        if h_merge is not None and h_merge.get(_VAL, "continue") != "restart" and out:
            out[-1][1] += span
        else:
            out.append([tc, span])
    return [(tc, span) for tc, span in out]


def _table(tbl, where: str) -> Table:
    """One ``w:tbl`` as a grid; a vMerge continuation extends the cell above it."""
    rows: list[list[Cell]] = []
    # (row, col) of each open vertical merge's first cell, by its left column and span
    open_merges: dict[tuple[int, int], list] = {}
    for r, tr in enumerate(_children(tbl, _TR)):
        line: list[Cell] = []
        tr_pr = tr.find(_TR_PR)
        col = _int_val(tr_pr.find(_GRID_BEFORE) if tr_pr is not None else None, 0)
        seen_keys: set[tuple[int, int]] = set()
        for tc, span in _row_cells(tr):
            tc_pr = tc.find(_TC_PR)
            v_merge = tc_pr.find(_V_MERGE) if tc_pr is not None else None
            key = (col, span)
            if v_merge is not None and v_merge.get(_VAL, "continue") != "restart" and key in open_merges:
                open_merges[key][1] += 1  # one more row under the merged cell
                seen_keys.add(key)
            else:
                entry = [Cell(_cell_text(tc), r, col, 1, span), 1]
                line.append(entry)  # type: ignore[arg-type]
                if v_merge is not None:  # restart (or a continue with nothing above: starts one)
                    open_merges[key] = entry
                    seen_keys.add(key)
            col += span
        for key in [k for k in open_merges if k not in seen_keys]:
            del open_merges[key]  # a merge ends at the first row that does not continue it
        rows.append(line)  # type: ignore[arg-type]
    cells = [[_spanned(entry) for entry in line] for line in rows]
    return table_from_rows(cells, where=where)


def _spanned(entry) -> Cell:
    cell, rowspan = entry
    if rowspan == 1:
        return cell
    return Cell(cell.text, cell.row, cell.col, rowspan, cell.colspan)


def _walk(parent, blocks: list, counter: dict[str, int]) -> None:
    for child in parent.iterchildren():
        if child.tag == _P:
            counter["p"] += 1
            text = _paragraph_text(child).strip()
            if text:
                blocks.append(Text(text, f"第{counter['p']}段"))
        elif child.tag == _TBL:
            counter["t"] += 1
            # kept even when empty, so that the n-th Table block is the n-th table of the file
            blocks.append(_table(child, f"第{counter['t']}个表格"))
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _walk(content, blocks, counter)


def open_docx(data: bytes, *, name: str):
    """python-docx's document for checked bytes; a clear FormatError when it cannot be read."""
    check_office_bytes(data, file=name, kind="docx")  # type sniffing, zip bomb, XML declarations
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise FormatError(
            f"无法作为 Word 文档读取（{type(exc).__name__}）",
            location=Location(file=name),
            hint="请确认文件是 .docx（不是 .doc 或改了扩展名的其他文件），必要时在 Word/WPS 中另存为 .docx。",
        ) from None
    except Exception as exc:  # lxml XMLSyntaxError and others: a part that cannot be parsed
        raise FormatError(
            f"文件已损坏，无法读取其内容：{type(exc).__name__}",
            location=Location(file=name),
            hint="请在 Word/WPS 中打开该文件（它会尝试修复），另存为新的 .docx 后重试。",
        ) from None


def read(data: bytes, *, name: str, fmt: str = "docx") -> Document:
    """Read a .docx given as bytes; ``name`` (file name only) names it in messages."""
    document = open_docx(data, name=name)
    blocks: list = []
    _walk(document.element.body, blocks, {"p": 0, "t": 0})
    return Document(blocks=tuple(blocks), name=name, format=fmt)
