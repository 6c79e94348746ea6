"""Reading a multi-unit CSV long table unit by unit (逐单位流式读取), in two passes.

Pass 1 (:func:`index_long_table`) reads only the key columns, in chunks: where each
unit's rows are, which projects each unit holds (to route the actuals sheet's rows),
the file's SHA-256. Pass 2 (:func:`iter_blocks`) reads every column, again in chunks,
and hands out *blocks*: runs of whole units of at most ``block_rows`` rows (a larger
unit is a block of its own). Memory is bounded by the block, not by the file.

The rows of a block are exactly the rows the long-table reader would see for them in
the whole file (same pandas options, same blank-cell continuation of the key columns),
and their file row numbers are kept, so an error names the row the user sees.

Streaming needs each unit's rows to be contiguous, as budget-system exports and
``perfscore template`` write them; :attr:`LongTableIndex.contiguous` says whether they
are (the caller then reads the file whole instead).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from perfscore.errors import InputError, Location
from perfscore.io import decode_head
from perfscore.readers.join import join_key  # the actuals join's key: NFKC, no spaces
from perfscore.readers.longtable import CSV_OPTIONS, find_header, header_key
from perfscore.safety import check_text_bytes, note_input

CHUNK_ROWS = 200_000
_KEY_FIELDS = ("unit_code", "unit_name", "project_code", "project_name")


@dataclass(frozen=True)
class CsvLayout:
    """How to read the file: encoding, delimiter, where the header is, column names."""

    path: Path
    name: str            # the file name, as the reader records it (never a path)
    encoding: str
    delimiter: str
    header_line: int     # 0-based line of the header (rows above it are titles)
    columns: list[str]   # as pandas names them
    fields: dict[str, str]  # field (unit_code, project_code …) → column name

    @property
    def header_row(self) -> int:
        """1-based file row of the header: data row i (0-based) is file row header_row + 1 + i."""
        return self.header_line + 1

    def read_kwargs(self) -> dict:
        # The long-table reader's options, so a block holds the strings the reader would
        # hold for the same rows.
        return dict(sep=self.delimiter, skiprows=self.header_line, header=0, encoding=self.encoding, **CSV_OPTIONS)


@dataclass
class UnitSpan:
    """One unit (预算单位) of the table: its key and its data rows [start, stop)."""

    ordinal: int
    key: str             # 单位编码 (or 单位名称 when the table has no code column); "" when blank
    name: str            # 单位名称 of its first row ("" when none)
    start: int
    stop: int

    @property
    def rows(self) -> int:
        return self.stop - self.start


@dataclass
class LongTableIndex:
    layout: CsvLayout
    units: list[UnitSpan]
    contiguous: bool
    rows: int
    sha256: str          # of the file's bytes, as extract records it
    # join key of a project code / name → unit ordinal (-1: held by several units)
    code_unit: dict[str, int] = field(default_factory=dict)
    name_unit: dict[str, int] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 23), b""):
            h.update(block)
    return h.hexdigest()


def layout_of(path: str | Path) -> CsvLayout | None:
    """The layout of a CSV long table, or None when the file is not one (the caller
    then lets the ordinary reader say what is wrong with it)."""
    p = Path(path)
    with p.open("rb") as fh:
        head_bytes = fh.read(1 << 16)
    check_text_bytes(head_bytes, file=p.name)
    decoded = decode_head(head_bytes)
    if decoded is None:
        raise InputError("无法识别文件编码（既不是UTF-8也不是GB18030）", location=Location(file=p.name),
                         hint="请在Excel/WPS中“另存为”CSV UTF-8格式后重试。")
    head, encoding = decoded
    found = find_header(head)   # the long-table reader's header rule
    if found is None:
        return None
    line, delimiter = found
    columns = [str(c) for c in pd.read_csv(p, nrows=0, sep=delimiter, skiprows=line, header=0,
                                           encoding=encoding, engine="c").columns]
    fields: dict[str, str] = {}
    for col in columns:
        key = header_key(col)[0]
        if key in _KEY_FIELDS and key not in fields:
            fields[key] = col
    if "project_code" not in fields:
        return None   # units are cut and actuals routed by 项目编码: the reader reads it whole
    note_input(p)
    return CsvLayout(path=p, name=p.name, encoding=encoding, delimiter=delimiter, header_line=line,
                     columns=columns, fields=fields)


def _stripped(values: np.ndarray) -> np.ndarray:
    """Cells as stripped text, each distinct value stripped once."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    stripped = np.array(["" if u is None else str(u).strip() for u in uniques] + [""], dtype=object)
    return stripped[codes]  # code -1 (missing) → the trailing ""


def _ffill(values: np.ndarray, carry: str) -> tuple[np.ndarray, str]:
    """Blank cells continue the value above (across chunk boundaries via ``carry``)."""
    vals = np.concatenate([np.array([carry], dtype=object), values])
    idx = np.where(vals != "", np.arange(len(vals)), 0)
    filled = vals[np.maximum.accumulate(idx)][1:]
    return filled, (filled[-1] if len(filled) else carry)


def _chunks(layout: CsvLayout, usecols=None) -> Iterator[pd.DataFrame]:
    # A generator owning the reader: closing it (or reading to the end) closes the file.
    with pd.read_csv(layout.path, usecols=usecols, chunksize=CHUNK_ROWS, **layout.read_kwargs()) as reader:
        yield from reader


def index_long_table(layout: CsvLayout, *, sha256: bool = True) -> LongTableIndex:
    """Pass 1: the units, their row ranges and the projects each holds.

    A unit is keyed by its 单位编码 (continued down blank cells, as the reader does), or by
    its 单位名称 when the table has no code column; without either the file is one unit.
    Raises UnicodeDecodeError / pandas ParserError for the caller to hand the file to the
    ordinary reader, whose message names the offending row. ``sha256=False``: the caller
    hashes the file (in another process) and fills in :attr:`LongTableIndex.sha256`.
    """
    f = layout.fields
    unit_col = f.get("unit_code") or f.get("unit_name")
    usecols = [c for c in (unit_col, f.get("unit_name"), f.get("project_code"), f.get("project_name")) if c]
    usecols = list(dict.fromkeys(usecols))
    spans: list[UnitSpan] = []
    seen: dict[str, int] = {}
    contiguous = True
    code_unit: dict[str, int] = {}
    name_unit: dict[str, int] = {}
    carry = {c: "" for c in usecols}
    pos = 0
    for chunk in _chunks(layout, usecols):
        n = len(chunk)
        if n == 0:
            continue  # a header without rows (pandas gives one empty chunk)
        filled = {}
        for c in usecols:
            filled[c], carry[c] = _ffill(_stripped(chunk[c].to_numpy(dtype=object)), carry[c])
        keys = filled[unit_col] if unit_col else np.full(n, "", dtype=object)
        names = filled[f["unit_name"]] if f.get("unit_name") else np.full(n, "", dtype=object)
        # Runs of equal keys in this chunk.
        change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate(([0], change))
        stops = np.concatenate((change, [n]))
        for a, b in zip(starts.tolist(), stops.tolist()):
            key = keys[a]
            if spans and spans[-1].key == key and spans[-1].stop == pos + a:
                spans[-1].stop = pos + b
                continue
            if key in seen:
                contiguous = False
            seen.setdefault(key, len(seen))  # the unit's ordinal: order of first appearance
            spans.append(UnitSpan(ordinal=seen[key], key=key, name=names[a], start=pos + a, stop=pos + b))
        # Projects → unit, for routing the actuals sheet's rows.
        unit_of_row = pd.Series(keys, dtype=object).map(seen).to_numpy(dtype=np.int64)
        for col, table in ((f.get("project_code"), code_unit), (f.get("project_name"), name_unit)):
            if not col:
                continue
            pairs = pd.DataFrame({"k": filled[col], "u": unit_of_row}).drop_duplicates()
            for k, u in zip(pairs["k"].tolist(), pairs["u"].tolist()):
                if not k:
                    continue
                jk = join_key(k)
                prev = table.get(jk)
                table[jk] = u if prev is None or prev == u else -1
        pos += n
    units = _merge_units(spans) if not contiguous else spans
    return LongTableIndex(layout=layout, units=units, contiguous=contiguous, rows=pos, sha256=_sha256(layout.path) if sha256 else "",
                          code_unit=code_unit, name_unit=name_unit)


def _merge_units(spans: list[UnitSpan]) -> list[UnitSpan]:
    """One entry per unit (first run's position) when a unit's rows are split."""
    first: dict[int, UnitSpan] = {}
    for s in spans:
        first.setdefault(s.ordinal, s)
    return [first[k] for k in sorted(first)]


@dataclass
class Block:
    """Whole units of the table, read in full (pass 2)."""

    frame: pd.DataFrame      # every column, as the long-table reader reads them
    start: int               # data row of the frame's first row
    units: list[UnitSpan]


def iter_blocks(index: LongTableIndex, block_rows: int) -> Iterator[Block]:
    """Pass 2: blocks of whole, contiguous units of at most ``block_rows`` rows each."""
    groups: list[list[UnitSpan]] = []
    rows = 0   # of the last group
    for span in index.units:
        if groups and rows + span.rows <= block_rows:
            groups[-1].append(span)
            rows += span.rows
        else:
            groups.append([span])
            rows = span.rows
    chunks = _chunks(index.layout)
    try:
        yield from _cut_blocks(groups, chunks)
    finally:
        chunks.close()  # the file, even when the caller stops before the last block


def _cut_blocks(groups, chunks) -> Iterator[Block]:
    pending: list[pd.DataFrame] = []
    have_from = 0   # data row of pending[0]'s first row
    have_to = 0     # one past the last data row read
    for group in groups:
        start, stop = group[0].start, group[-1].stop
        while have_to < stop:
            chunk = next(chunks)
            pending.append(chunk)
            have_to += len(chunk)
        frame = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0].reset_index(drop=True)
        block = frame.iloc[start - have_from: stop - have_from].reset_index(drop=True)
        rest = frame.iloc[stop - have_from:]
        pending = [rest] if len(rest) else []
        have_from = stop
        yield Block(frame=block, start=start, units=group)


def units_upto(layout: CsvLayout, limit: int) -> int:
    """How many distinct units the table holds, counting no further than ``limit``
    (reads the unit column only until then; 1 when the table has no unit column)."""
    col = layout.fields.get("unit_code") or layout.fields.get("unit_name")
    if not col:
        return 1
    seen: set[str] = set()
    try:
        with pd.read_csv(layout.path, usecols=[col], chunksize=CHUNK_ROWS // 4, **layout.read_kwargs()) as reader:
            for chunk in reader:
                seen.update(v for v in pd.unique(_stripped(chunk[col].to_numpy(dtype=object))) if v)
                if len(seen) >= limit:
                    break
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return 1  # the single-file route names the problem
    return max(1, len(seen))
