"""The actuals sheet (实际完成值表) of a whole bureau, read in chunks and routed to units.

One sheet may cover every unit of a long table; its rows name projects, not units.
Pass 1 (:meth:`ActualsStream.route`) reads the sheet once and gives every row the unit
that holds its project (by 项目编码, else by a 项目名称 found in one unit only); a row
no unit holds would fail in any evaluation, so all such rows are reported at once
before anything is scored. Its reading (:meth:`ActualsStream.read_keys`: each row's
project pair) does not need the long table, so the batch may run it in another process
while the long table is indexed, and give its result to ``route``. Pass 2 (:meth:`ActualsStream.rows_for`) reads it again and
hands out each unit's rows when that unit is scored; rows of later units wait in memory,
so memory stays small when the sheet lists units in the table's order (as
``perfscore template`` writes it).

Cells are read as :func:`perfscore.readers.actuals.read_actuals` reads them (header
search, aliases, stripping, the template's formula escape undone, blank rows skipped,
row numbers as Excel shows them), and a unit's rows become the same
:class:`~perfscore.readers.actuals.ActualsRow` objects when the exact join is needed.
An .xlsx sheet, or a CSV the chunked parser refuses, is read whole by ``read_actuals``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from perfscore.errors import DataError, Location
# The reader's own rules, so that a chunk holds what read_actuals would hold: the header
# search and column aliases, the cell cleaning (stripped, invisible characters and the
# template's formula escape removed), the ActualsRow field order.
from perfscore.readers.actuals import (
    _ROW_FIELDS,
    HEADER_SCAN_ROWS,
    ActualsRow,
    ActualsTable,
    _clean,
    _table_from_grid,
    csv_delimiter,
    is_actuals_header,
    read_actuals,
)
from perfscore.io import decode_head
from perfscore.readers.join import join_key
from perfscore.safety import check_input_path, check_text_bytes, note_input

CHUNK_ROWS = 200_000
_MAX_LISTED = 20
BLANK = -2      # a blank row: skipped, as the reader skips it
NO_UNIT = -1    # a row no unit of the table holds


@dataclass
class RowKeys:
    """Pass 1's reading of the sheet, before the long table says which unit holds what."""

    pair_of_row: np.ndarray               # int32: index into ``pairs``, BLANK_PAIR for a blank row
    pairs: list[tuple[str, str]]          # distinct (项目编码, 项目名称), '' for a blank cell
    row0: int                             # Excel row of the first row …
    rows: np.ndarray | None = None        # … or each row's, when they do not follow one another


BLANK_PAIR = -1


@dataclass
class _Layout:
    path: Path
    shown: str                  # the path as the user gave it (the reader's file label)
    encoding: str
    delimiter: str
    header_index: int           # 0-based record of the header
    positions: dict[str, int]   # field → column position
    table: ActualsTable         # header information (rows empty)

    @property
    def first_row(self) -> int:
        """Excel row of the first data record."""
        return self.header_index + 2


def _layout(path: Path, shown: str) -> _Layout | None:
    """Header and columns of a CSV sheet, or None to let ``read_actuals`` read it whole."""
    check_input_path(path, shown=shown)
    if path.suffix.lower() != ".csv":
        return None
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    check_text_bytes(head, file=shown)
    decoded = decode_head(head)
    if decoded is None:
        return None  # read_actuals names the undecodable byte
    text, encoding = decoded
    delimiter = csv_delimiter(text)
    records = []
    for n, rec in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        records.append((n, rec))
        if n >= HEADER_SCAN_ROWS:
            break
    # The reader's header rule; without a header, the reader's own search raises its message.
    header_index = next((i for i, (_, cells) in enumerate(records) if is_actuals_header(cells)), None)
    table = _table_from_grid(records if header_index is None else records[: header_index + 1],
                             file=shown, encoding=encoding)
    cells = [c.strip() for c in records[header_index][1]]
    positions = {name: cells.index(text) for name, text in table.headers.items()}
    note_input(path)
    return _Layout(path=path, shown=shown, encoding=encoding, delimiter=delimiter,
                   header_index=header_index, positions=positions,
                   table=ActualsTable(file=shown, rows=[], headers=dict(table.headers),
                                      ignored_columns=list(table.ignored_columns), encoding=encoding))


def _cleaned(values: np.ndarray) -> np.ndarray:
    """``_clean`` once per distinct cell."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    out = np.array([_clean(str(u)) for u in uniques] + [None], dtype=object)
    return out[codes]


def _blank(frame: pd.DataFrame, candidates: np.ndarray | None = None) -> np.ndarray:
    """Rows whose every cell is blank (the reader skips them). ``candidates``: the only rows
    that may be (a row with a cleaned cell is not blank: cleaning only takes characters
    away), so the other columns are looked at for those rows alone, usually none."""
    if candidates is None:
        candidates = np.ones(len(frame), dtype=bool)
    at = np.flatnonzero(candidates)
    blank = np.zeros(len(frame), dtype=bool)
    if not len(at):
        return blank
    sub = frame.iloc[at] if len(at) < len(frame) else frame
    found = np.ones(len(at), dtype=bool)
    for c in sub.columns:
        codes, uniques = pd.factorize(sub[c], use_na_sentinel=True)
        empty = np.array([not str(u).strip() for u in uniques] + [True])
        found &= empty[codes]
    blank[at] = found
    return blank


class ActualsStream:
    """One actuals sheet for many units (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.shown = str(path)
        self.path = Path(path)
        self.layout = _layout(self.path, self.shown)
        self._whole: ActualsTable | None = None
        if self.layout is None:
            self._whole = read_actuals(self.path)
        self.unit_of_row = np.zeros(0, dtype=np.int64)

    @property
    def table(self) -> ActualsTable:
        """The sheet's header information (file label, headers as written, encoding; no rows)."""
        t = self._whole if self._whole is not None else self.layout.table
        return ActualsTable(file=t.file, rows=[], headers=dict(t.headers), ignored_columns=list(t.ignored_columns),
                            encoding=t.encoding)

    # --- reading ---------------------------------------------------------------------

    def _frames(self, fields=_ROW_FIELDS) -> Iterator[pd.DataFrame]:
        """Chunks of cleaned cells: row (Excel row number), blank, and the ActualsRow
        ``fields`` (pass 1 needs only the project columns)."""
        if self._whole is not None:
            rows = self._whole.rows
            data = {"row": np.array([r.row for r in rows], dtype=np.int64), "blank": np.zeros(len(rows), bool)}
            for f in fields:
                data[f] = np.array([getattr(r, f) for r in rows], dtype=object)
            yield _frame(data)
            return
        lay = self.layout
        try:
            reader = pd.read_csv(lay.path, sep=lay.delimiter, header=None, skiprows=lay.header_index + 1,
                                 dtype=object, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                                 engine="c", encoding=lay.encoding, chunksize=CHUNK_ROWS)
        except pd.errors.EmptyDataError:
            return  # a header and nothing under it: no rows
        with reader:  # closed with this generator
            yield from self._cleaned_chunks(reader, fields)

    def _cleaned_chunks(self, reader, fields) -> Iterator[pd.DataFrame]:
        lay = self.layout
        start = lay.first_row
        for chunk in reader:
            n = len(chunk)
            data = {"row": np.arange(start, start + n, dtype=np.int64), "blank": None}
            some = np.zeros(n, dtype=bool)   # a cell of ``fields`` not blank once cleaned
            for f in fields:
                pos = lay.positions.get(f)
                data[f] = (_cleaned(chunk[pos].to_numpy(dtype=object)) if pos is not None and pos in chunk
                           else np.full(n, None, dtype=object))
                some |= pd.notna(data[f])
            data["blank"] = _blank(chunk, ~some)
            start += n
            yield _frame(data)

    def _fallback_whole(self) -> None:
        """Hand the sheet to ``read_actuals`` (a row the chunked parser refuses: ragged
        rows, an unpaired quote); its messages name the row."""
        self._whole = read_actuals(self.path)

    # --- pass 1 ------------------------------------------------------------------------

    def route(self, code_unit: dict[str, int], name_unit: dict[str, int], keys: RowKeys | None = None) -> None:
        """Give every row its unit; raise one DataError listing every row no unit holds.
        ``keys``: :meth:`read_keys` done beforehand (e.g. in another process), else read here."""
        if keys is None:
            try:
                keys = self.read_keys()
            except (pd.errors.ParserError, UnicodeDecodeError):
                self._fallback_whole()
                keys = self.read_keys()
        self._resolve(keys, code_unit, name_unit)

    def read_keys(self) -> RowKeys:
        """Each row's (项目编码, 项目名称), as ids of its distinct pairs (one dict entry per
        distinct pair, not per row); blank rows apart."""
        ids: dict[tuple[str, str], int] = {}
        parts: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        for frame in self._frames(("project_code", "project_name")):
            rows.append(frame["row"].to_numpy())
            if not len(frame):
                parts.append(np.zeros(0, dtype=np.int32))
                continue
            cols = frame[["project_code", "project_name"]].astype(object)
            cols = cols.where(cols.notna(), "")
            ci, cu = pd.factorize(cols["project_code"].to_numpy(dtype=object))
            ni, nu = pd.factorize(cols["project_name"].to_numpy(dtype=object))
            local, combined = pd.factorize(ci.astype(np.int64) * len(nu) + ni)
            to_global = np.array([ids.setdefault((cu[k // len(nu)], nu[k % len(nu)]), len(ids))
                                  for k in combined.tolist()], dtype=np.int32)
            pid = to_global[local]
            pid[frame["blank"].to_numpy()] = BLANK_PAIR
            parts.append(pid)
        pair_of_row = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        row0 = int(row[0]) if len(row) else 0
        follow = bool(np.array_equal(row, np.arange(row0, row0 + len(row))))
        return RowKeys(pair_of_row=pair_of_row, pairs=list(ids), row0=row0, rows=None if follow else row)

    def _resolve(self, keys: RowKeys, code_unit: dict[str, int], name_unit: dict[str, int]) -> None:
        table = self.table
        # Each distinct pair is looked up once; the last entry is a blank row's (BLANK_PAIR = -1).
        unit_of_pair = np.array([_unit_of(code, name, code_unit, name_unit) for code, name in keys.pairs] + [BLANK],
                                dtype=np.int32)
        u = unit_of_pair[keys.pair_of_row]                       # 4 bytes a row
        bad = np.flatnonzero(u == NO_UNIT)
        total = len(bad)
        problems: list[str] = []
        for i in bad[:_MAX_LISTED].tolist():
            code, name = keys.pairs[keys.pair_of_row[i]]
            row = keys.row0 + i if keys.rows is None else int(keys.rows[i])
            column, value = ("project_code", code) if code else ("project_name", name or None)
            loc = Location(file=table.file, row=row, column=table.header(column), value=value)
            why = (f"项目编码在长表的多个单位中出现，且项目名称「{name}」不能确定是哪个单位" if code and code_unit.get(join_key(code)) == -1
                   else "长表中没有这个项目（按项目编码，或只出现在一个单位中的项目名称）" if code or name
                   else "项目编码和项目名称都为空，无法对应到项目")
            problems.append(f"{loc}：{why}")
        self.unit_of_row = u
        if total:
            more = [f"……共 {total} 行，仅列出前 {_MAX_LISTED} 行"] if total > len(problems) else []
            raise DataError(f"实际完成值表有{total}行对应不到长表中任何单位的项目", location=Location(file=table.file),
                            problems=problems + more,
                            hint="请核对项目编码（或项目名称）是否与长表一致；可用 perfscore template 重新生成模板。")

    # --- pass 2 ------------------------------------------------------------------------

    def reader(self) -> "UnitRows":
        return UnitRows(self)


class UnitRows:
    """Pass 2: each unit's rows on request, units asked for in table order."""

    def __init__(self, stream: ActualsStream):
        self.stream = stream
        self._frames = stream._frames()
        self._offset = 0
        self._pending: list[pd.DataFrame] = []
        last = np.full(int(stream.unit_of_row.max()) + 1 if len(stream.unit_of_row) else 0, -1, dtype=np.int64)
        routed = stream.unit_of_row >= 0
        np.maximum.at(last, stream.unit_of_row[routed], np.flatnonzero(routed))
        self._last = last

    def rows_for(self, units: list[int]) -> pd.DataFrame:
        """The rows of ``units`` (sheet order), with their unit in column ``unit``."""
        need = max((int(self._last[u]) for u in units if u < len(self._last)), default=-1)
        while self._offset <= need:
            frame = next(self._frames)
            u = self.stream.unit_of_row[self._offset: self._offset + len(frame)]
            self._offset += len(frame)
            keep = u >= 0
            if keep.any():
                self._pending.append(frame.assign(unit=u)[keep])
        if not self._pending:
            return _empty_rows()
        wanted = set(units)
        out, rest = [], []
        for frame in self._pending:
            mask = frame["unit"].isin(wanted).to_numpy()
            if mask.any():
                out.append(frame[mask])
            if (~mask).any():
                rest.append(frame[~mask])
        self._pending = rest
        return pd.concat(out, ignore_index=True) if out else _empty_rows()

    def close(self) -> None:
        """Close the sheet (pass 2 may end before its last rows: blank rows, no unit's)."""
        self._frames.close()


def _frame(data: dict) -> pd.DataFrame:
    """A frame keeping text cells as Python objects: pandas would otherwise infer its
    string dtype and turn None (a blank cell) into NaN."""
    return pd.DataFrame({k: pd.Series(v, dtype=object) if v.dtype == object else v for k, v in data.items()})


def _empty_rows() -> pd.DataFrame:
    return _frame({"row": np.zeros(0, np.int64), "blank": np.zeros(0, bool),
                   **{f: np.zeros(0, dtype=object) for f in _ROW_FIELDS}, "unit": np.zeros(0, np.int64)})


def _unit_of(code: str, name: str, code_unit: dict[str, int], name_unit: dict[str, int]) -> int:
    """The unit a row names: by 项目编码, else by a 项目名称 held by one unit only."""
    by_code = code_unit.get(join_key(code)) if code else None
    if by_code is not None and by_code >= 0:
        return by_code
    by_name = name_unit.get(join_key(name)) if name else None
    if by_name is not None and by_name >= 0:
        return by_name
    return NO_UNIT


def actuals_table(t: ActualsTable, rows: pd.DataFrame) -> ActualsTable:
    """The rows of one unit as the reader's ActualsTable (for the exact join); ``t``: the
    sheet's header information (:attr:`ActualsStream.table`)."""
    cols = [rows[f].tolist() for f in _ROW_FIELDS]
    items = [ActualsRow(r, *cells) for r, *cells in zip(rows["row"].tolist(), *cols)]
    return ActualsTable(file=t.file, rows=items, headers=dict(t.headers),
                        ignored_columns=list(t.ignored_columns), encoding=t.encoding)
