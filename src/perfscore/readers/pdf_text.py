"""Words and lines of a PDF page, and the tables printed without ruling lines.

Used by ``fmt_pdf``: pdfplumber's characters become words, words become lines (by their
top), a cell's wrapped lines are joined (Chinese wraps anywhere: no break, except before a
numbered item), and runs of lines made of 3+ far-apart word groups become a table read from
the words' positions (see ``unruled_blocks``).
"""

from __future__ import annotations

import bisect
import re

from pdfplumber.utils import extract_words

from perfscore.readers.grid import Cell

_NUMBERED = re.compile(r"^(\d+[.．、]|[（(]\d+[)）]|[一二三四五六七八九十]+、)")
_TOL = 3.0          # points: words whose tops differ less are on one line


def join_lines(lines: list[str]) -> str:
    """A cell's wrapped lines as its text: joined without a break (Chinese wraps anywhere),
    except before a numbered item (``1.`` ``（2）`` ``3、``), which starts a new line."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _NUMBERED.match(line):
            out += "\n" + line
        else:
            out += line
    return out


def lines_of(words: list[dict]) -> list[list[dict]]:
    """Words grouped into lines (by top, within _TOL), each line left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) < _TOL:
            lines[-1].append(w)
        else:
            lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def line_text(line: list[dict], *, tabs: bool) -> str:
    """A line's words: adjacent words joined by a space, far ones (a column gap) by a tab."""
    parts = [line[0]["text"]]
    for prev, w in zip(line, line[1:]):
        gap = w["x0"] - prev["x1"]
        size = max(prev.get("size", 10.0), 1.0)
        parts.append("\t" if tabs and gap > 1.5 * size else " ")
        parts.append(w["text"])
    return "".join(parts)


# --- tables printed without ruling lines ------------------------------------------------------

_MIN_COLUMNS = 3  # a line of 3+ far-apart word groups is a table row (2 is a heading and its page number)


class Unruled:
    """A table found from word positions alone: its cells, rows counted from 0."""

    def __init__(self, cells: list[Cell], top: float):
        self.cells, self.top = cells, top


def segments(line: list[dict]) -> list[list[dict]]:
    """A line's word groups, split where the gap is a column gap (1.5 × the font size)."""
    segs = [[line[0]]]
    for prev, w in zip(line, line[1:]):
        if w["x0"] - prev["x1"] > 1.5 * max(prev.get("size", 10.0), 1.0):
            segs.append([w])
        else:
            segs[-1].append(w)
    return segs


def column_starts(rows: list[list[list[dict]]], tol: float) -> list[float]:
    starts: list[float] = []
    for x in sorted(seg[0]["x0"] for segs in rows for seg in segs):
        if not starts or x - starts[-1] > tol:
            starts.append(x)
    return starts


def unruled_blocks(lines: list[list[dict]]) -> list[tuple[float, object]]:
    """Lines outside ruled tables: runs of lines with 3+ column groups become a table (one
    row per such line; a shorter line between two of them, or after the last one continuing
    groups that filled their columns, is wrapped text, added to the cells above it); every
    other line is text, its column groups separated by tabs."""
    segs = [segments(line) for line in lines]
    out: list[tuple[float, object]] = []
    i = 0
    while i < len(lines):
        if len(segs[i]) < _MIN_COLUMNS:
            out.append((lines[i][0]["top"], line_text(lines[i], tabs=True)))
            i += 1
            continue
        size = max(lines[i][0].get("size", 10.0), 1.0)
        rows = [i]  # candidate lines of the run, and the wrapped lines between them
        j = i + 1
        while j < len(lines) and lines[j][0]["top"] - lines[j - 1][0]["top"] <= 2.5 * size:
            if len(segs[j]) >= _MIN_COLUMNS:
                rows.append(j)
            j += 1
        end = rows[-1] + 1
        if len(rows) < 2:
            out.append((lines[i][0]["top"], line_text(lines[i], tabs=True)))
            i += 1
            continue
        starts = column_starts([segs[k] for k in rows], tol=size)
        right = max(seg[-1]["x1"] for k in range(i, end) for seg in segs[k])

        def column(seg: list[dict]) -> int:
            return max(bisect.bisect_right(starts, seg[0]["x0"] + size / 2) - 1, 0)

        def wrapped(k: int) -> bool:
            """Every group of line k lies under a group of the line above that ran to its
            column's right edge: Chinese text wrapped there, so line k goes on that row."""
            above = {column(seg): seg for seg in segs[k - 1]}
            for seg in segs[k]:
                c = column(seg)
                limit = starts[c + 1] if c + 1 < len(starts) else right
                if c not in above or above[c][-1]["x1"] < limit - 2.5 * size:
                    return False
            return True

        while end < len(lines) and lines[end][0]["top"] - lines[end - 1][0]["top"] <= 2.5 * size \
                and wrapped(end):
            end += 1  # the last row's wrapped lines (they continue groups that filled their column)
        # Where rows are spaced wider than the lines inside a cell, a tight gap is a wrap
        # even when the wrapped line has 3+ groups; with even spacing, a line is a wrap when
        # each of its groups continues a group that filled its column on the line above.
        tops = [lines[k][0]["top"] for k in range(i, end)]
        pitches = [b - a for a, b in zip(tops, tops[1:])]
        # the line pitch inside a cell: the most common one (closer than a line height is
        # texts of different cells at offset heights, not a pitch)
        real = [round(p * 2) / 2 for p in pitches if p >= 0.8 * size]
        tight = min(real, key=lambda p: (-real.count(p), p)) * 1.25 if real else 0.0
        # spaced: row gaps are a regular feature (not a stray wider gap or two)
        spaced = sum(p > tight for p in pitches) >= 0.3 * len(pitches)
        cells: dict[tuple[int, int], str] = {}
        r = -1
        for k in range(i, end):
            if k == i or (k in rows and (tops[k - i] - tops[k - i - 1] > tight if spaced else not wrapped(k))):
                r += 1
            for seg in segs[k]:
                c = column(seg)
                text = line_text(seg, tabs=False)
                cells[(r, c)] = join_lines([cells[(r, c)], text]) if (r, c) in cells else text
        out.append((lines[i][0]["top"], Unruled([Cell(t, r, c) for (r, c), t in sorted(cells.items())],
                                                 lines[i][0]["top"])))
        i = end
    return out


def words_of(chars: list[dict]) -> list[dict]:
    """pdfplumber's words (with their font size) made of ``chars``."""
    return extract_words(chars, keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"]) if chars else []
