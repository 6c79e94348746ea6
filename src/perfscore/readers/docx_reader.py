"""A Word 绩效文本 (.docx) → layout blocks, in body order (paragraphs and table rows).

Merged cells are read from the XML, not from python-docx's grid view (which repeats a
merged cell once per grid column and per row): a horizontally merged cell
(``w:gridSpan``) gives one cell, the continuation of a vertically merged cell
(``w:vMerge`` without ``restart``) gives an empty cell, as in the text export. Content
controls (``w:sdt``, e.g. a table of contents) are read through.
"""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.opc.exceptions import PackageNotFoundError

from perfscore.errors import FormatError, Location
from perfscore.readers.layout import Block, Paragraph, Row
from perfscore.safety import check_office_bytes

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _T, _TAB, _BR, _CR = qn("w:tr"), qn("w:tc"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_V_MERGE, _VAL, _DEL = qn("w:vMerge"), qn("w:val"), qn("w:del")


def _paragraph_text(p) -> str:
    """Visible text of a ``w:p``: runs, tabs and breaks, skipping deleted revisions."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if next(el.iterancestors(_DEL), None) is not None:
            continue
        if el.tag == _T:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    v_merge = tc.find(f"{qn('w:tcPr')}/{_V_MERGE}")
    if v_merge is not None and v_merge.get(_VAL, "continue") != "restart":
        return ""  # the continuation of a vertically merged cell
    lines = [_paragraph_text(p) for p in tc.iter(_P)]
    return "\n".join(lines).strip()


def _walk(parent, blocks: list[Block], counter: dict[str, int]) -> None:
    for child in parent.iterchildren():
        if child.tag == _P:
            counter["p"] += 1
            text = _paragraph_text(child)
            if text.strip():
                blocks.append(Paragraph(text.strip(), line=counter["p"]))
        elif child.tag == _TBL:
            counter["t"] += 1
            for n, tr in enumerate(child.iterchildren(_TR), start=1):
                cells = tuple(_cell_text(tc) for tc in tr.iterchildren(_TC))
                blocks.append(Row(cells, line=n, table=counter["t"]))
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _walk(content, blocks, counter)


def read_docx_blocks(data: bytes, *, file: str) -> list[Block]:
    """Read a .docx given as bytes; ``file`` names it in messages."""
    check_office_bytes(data, file=file, kind="docx")  # type sniffing, zip bomb, XML declarations
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise FormatError(
            f"无法作为 Word 文档读取（{type(exc).__name__}）",
            location=Location(file=file),
            hint="请确认文件是 .docx（不是 .doc 或改了扩展名的其他文件），必要时在 Word/WPS 中另存为 .docx。",
        ) from None
    except Exception as exc:  # lxml XMLSyntaxError and others: a part that cannot be parsed
        raise FormatError(
            f"文件已损坏，无法读取其内容：{type(exc).__name__}",
            location=Location(file=file),
            hint="请在 Word/WPS 中打开该文件（它会尝试修复），另存为新的 .docx 后重试。",
        ) from None
    blocks: list[Block] = []
    _walk(document.element.body, blocks, {"p": 0, "t": 0})
    return blocks
