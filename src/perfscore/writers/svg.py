"""Inline SVG charts for the report: drawn as text, so the report needs no
JavaScript, no chart library and no network, and prints sharply.

Every chart is a self-contained ``<svg>`` using presentation attributes only
(fill, font-family …), never document CSS, and no namespace URL (the HTML parser
puts ``<svg>`` in its namespace, and the report must hold no URL at all): WeasyPrint renders inline SVG with its
own renderer, which does not see the page's stylesheet. Labels are escaped here,
because the result is passed to the template as ``Markup``.

Coordinates are rounded to 0.1 px and printed with a fixed format, so the same
data always gives the same bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Serif CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"
FONT_SIZE = 12
TEXT = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9e2ec"


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value (None = no value), fill, and the
    text printed at its end."""

    label: str
    value: float | None
    fill: str
    note: str = ""
    title: str = ""


@dataclass(frozen=True)
class Series:
    """One series of a column chart: a name for the legend, a fill, one value per
    category (None = no value) and the text printed above each column."""

    name: str
    fill: str
    values: tuple[float | None, ...]
    notes: tuple[str, ...]


def _n(x: float) -> str:
    """A coordinate, fixed to one decimal (deterministic text)."""
    return f"{x:.1f}"


def _em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6


def text_width(label: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width: wide (CJK, full-width) characters take 1 em,
    the others about 0.6 em."""
    em = 0.0
    for ch in label:
        em += _em(ch)
    return em * size


def shorten(label: str, max_width: float, size: float = FONT_SIZE) -> str:
    """``label`` cut with '…' to fit ``max_width`` (the full text goes in a <title>): the
    longest start of it that fits with the '…', its width summed as text_width sums it."""
    if text_width(label, size) <= max_width:
        return label
    em, ellipsis = 0.0, _em("…")
    for end, ch in enumerate(label):
        width = _em(ch)
        if (em + width + ellipsis) * size > max_width:
            return label[:end] + "…"
        em += width
    return label + "…"


def _text(x: float, y: float, body: str, *, anchor: str = "start", fill: str = TEXT,
          size: float = FONT_SIZE, weight: str | None = None) -> str:
    extra = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}" '
            f'font-size="{_n(size)}"{extra}>{escape(body)}</text>')


def _open(width: float, height: float, label: str) -> str:
    return (f'<svg class="chart" role="img" '
            f'aria-label="{escape(label)}" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{FONT_FAMILY}">'
            f"<title>{escape(label)}</title>")


def hbar_chart(bars: list[Bar], *, title: str, max_value: float,
               refs: tuple[tuple[float, str], ...] = (), width: float = 720,
               bar_height: float = 18, gap: float = 8, label_max: float = 220) -> Markup:
    """Horizontal bars from 0 to ``max_value``, with optional vertical reference
    lines (value, label), e.g. the grade bands at 90/80/60."""
    label_w = min(label_max, max((text_width(b.label) for b in bars), default=0) + 8)
    note_w = max((text_width(b.note, FONT_SIZE - 1) for b in bars), default=0) + 10
    left, right, top = label_w + 6, max(note_w, 40), 22
    plot_w = max(width - left - right, 100)
    height = top + len(bars) * (bar_height + gap) + 10
    scale = plot_w / max_value if max_value > 0 else 0.0

    out = [_open(width, height, title)]
    # Reference lines first, so bars are drawn over them.
    for value, label in refs:
        x = left + value * scale
        out.append(f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(height - 6)}" '
                   f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>')
        out.append(_text(x, top - 8, label, anchor="middle", fill=MUTED, size=FONT_SIZE - 2))
    out.append(f'<line x1="{_n(left)}" y1="{_n(top - 4)}" x2="{_n(left)}" y2="{_n(height - 6)}" '
               f'stroke="{MUTED}" stroke-width="1"/>')
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        mid = y + bar_height / 2 + FONT_SIZE * 0.35
        out.append("<g>")
        out.append(f"<title>{escape(bar.title or bar.label)}</title>")
        out.append(_text(left - 6, mid, shorten(bar.label, label_w - 8), anchor="end"))
        if bar.value is not None:
            w = max(min(bar.value, max_value), 0) * scale
            out.append(f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(w)}" '
                       f'height="{_n(bar_height)}" fill="{bar.fill}"/>')
            out.append(_text(left + w + 4, mid, bar.note, size=FONT_SIZE - 1))
        else:
            out.append(_text(left + 4, mid, bar.note or "无数据", fill=MUTED, size=FONT_SIZE - 1))
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def column_chart(categories: list[str], series: list[Series], *, title: str,
                 max_value: float, unit: str = "", width: float = 720,
                 height: float = 240, ticks: int = 4) -> Markup:
    """Vertical grouped columns: one group per category, one column per series,
    a y axis with ``ticks`` gridlines and a legend on top."""
    left, right, top, bottom = 44, 10, 34, 30
    plot_w = width - left - right
    plot_h = height - top - bottom
    n_cat = max(len(categories), 1)
    group_w = plot_w / n_cat
    col_w = min(group_w * 0.8 / max(len(series), 1), 46)
    scale = plot_h / max_value if max_value > 0 else 0.0
    base = top + plot_h

    out = [_open(width, height, title)]
    for k in range(ticks + 1):
        value = max_value * k / ticks
        y = base - value * scale
        out.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(width - right)}" y2="{_n(y)}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(_text(left - 4, y + 4, f"{value:g}{unit}", anchor="end", fill=MUTED,
                         size=FONT_SIZE - 2))
    # Legend: a swatch and the series name, left to right.
    x = left
    for s in series:
        out.append(f'<rect x="{_n(x)}" y="8" width="12" height="12" fill="{s.fill}"/>')
        out.append(_text(x + 16, 18, s.name, size=FONT_SIZE - 1))
        x += 16 + text_width(s.name, FONT_SIZE - 1) + 18
    for c, category in enumerate(categories):
        gx = left + c * group_w + (group_w - col_w * len(series)) / 2
        for j, s in enumerate(series):
            value = s.values[c]
            cx = gx + j * col_w
            if value is None:
                out.append(_text(cx + col_w / 2, base - 4, "—", anchor="middle", fill=MUTED,
                                 size=FONT_SIZE - 2))
                continue
            h = max(min(value, max_value), 0) * scale
            out.append(f'<rect x="{_n(cx + 1)}" y="{_n(base - h)}" width="{_n(col_w - 2)}" '
                       f'height="{_n(h)}" fill="{s.fill}"><title>{escape(s.name)} '
                       f"{escape(category)}：{escape(s.notes[c])}</title></rect>")
            out.append(_text(cx + col_w / 2, base - h - 3, s.notes[c], anchor="middle",
                             size=FONT_SIZE - 3))
        out.append(_text(left + c * group_w + group_w / 2, base + 16,
                         shorten(category, group_w - 4), anchor="middle"))
    out.append(f'<line x1="{_n(left)}" y1="{_n(base)}" x2="{_n(width - right)}" y2="{_n(base)}" '
               f'stroke="{MUTED}" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))
