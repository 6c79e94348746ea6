"""What the server does with an upload, through the same library calls as the command
line: ``extract`` reads a targets document, ``evaluate_files`` scores and writes every
output. Uploads are written to a private temporary folder under their own (cleaned) file
name, so the readers see exactly what ``perfscore extract FILE`` would see: the same format
detection, the same safety checks (size, zip bombs, XML entities, mislabelled files) and
the same messages. Nothing of the temporary folder reaches an output (results.json records
file names, never paths).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from perfscore.errors import InputError, Location
from perfscore.app.extract import extract
from perfscore.model import Targets, dump_targets
from perfscore.readers.targets_json import targets_from_json_text
from perfscore.safety import MAX_INPUT_ENV, input_limit_mb
from perfscore.app.run import evaluate_files
from perfscore.writers.template import TEMPLATE_HEADERS, choices_for, template_rows

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_CHUNK = 1 << 20


def clean_name(filename: str | None, default: str) -> str:
    """A file name safe to create in a private folder: the last path part of what the
    browser sent, without control or path characters, at most 120 characters."""
    name = _UNSAFE.sub("_", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[-120:] if name else default


def save_upload(stream: BinaryIO, folder: Path, filename: str | None, default: str) -> Path:
    """Copy an uploaded stream into ``folder``, refusing it once it passes the size limit
    that applies to the same file on the command line (never buffered whole in memory)."""
    path = folder / clean_name(filename, default)
    limit = input_limit_mb(path) * (1 << 20)
    size = 0
    # A private scratch file (never an output), streamed: an atomic write would hold it whole.
    with path.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(path.name, limit // (1 << 20))
            out.write(chunk)
    return path


class UploadTooLarge(InputError):
    """An upload larger than the input limit (HTTP 413)."""

    def __init__(self, name: str, limit_mb: int):
        super().__init__(f"文件太大，超过上限 {limit_mb} MiB", location=Location(file=name),
                         hint=f"请确认选对了文件；特别大的长表请拆分后分别上传，或在启动服务前设置环境变量 "
                              f"{MAX_INPUT_ENV}（单位 MiB）提高上限。")


@dataclass(frozen=True)
class Extracted:
    targets: Targets
    targets_json: str
    filename: str


def extract_file(path: Path) -> Extracted:
    targets = extract(path)
    return Extracted(targets=targets, targets_json=dump_targets(targets), filename=path.name)


def load_targets_text(text: str) -> Targets:
    return targets_from_json_text(text, file="targets.json")


def evaluate_paths(targets: Path, actuals: Path | None, *, profile: str | None, as_of: str | None) -> dict:
    """Score like ``perfscore evaluate TARGETS [ACTUALS] -o DIR``; the run's stored values
    (see :func:`outputs_from_folder`)."""
    with tempfile.TemporaryDirectory(prefix="perfscore-run-") as tmp:
        out = Path(tmp) / "out"
        evaluate_files(targets, actuals, out, profile=profile, as_of=as_of)
        return outputs_from_folder(out)


class Scratch:
    """A private temporary folder for one request, removed afterwards."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="perfscore-upload-"))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


# --- the actuals grid ------------------------------------------------------------------


@dataclass(frozen=True)
class GridRow:
    """One row of the fill-in grid: the template's cells and what 实际完成值 may hold."""

    cells: tuple[str, ...]          # in TEMPLATE_HEADERS order
    kind: str                       # indicator | department | fund
    choices: tuple[str, ...]        # drop-down words (may be empty)
    strict: bool                    # only the choices are accepted (grades, tiers)


EDITABLE = ("实际完成值", "得分", "偏差原因分析及改进措施", "佐证材料")


def grid_rows(targets: Targets, draft_csv: str | None) -> list[GridRow]:
    """The template's rows with a saved draft's values filled in (matched by position,
    since a draft is always saved from this same grid)."""
    saved = _draft_cells(draft_csv)
    rows = []
    for n, row in enumerate(template_rows(targets)):
        cells = tuple("" if c is None else str(c) for c in row.cells)
        if n < len(saved) and saved[n][:2] == list(cells[:2]):
            cells = tuple(saved[n][i] if TEMPLATE_HEADERS[i] in EDITABLE else cells[i] for i in range(len(cells)))
        choices, strict = (choices_for(row.indicator, targets.year) if row.indicator is not None else ((), False))
        rows.append(GridRow(cells=cells, kind=row.kind, choices=tuple(choices), strict=strict))
    return rows


def _draft_cells(draft_csv: str | None) -> list[list[str]]:
    if not draft_csv:
        return []
    rows = list(csv.reader(io.StringIO(draft_csv)))
    width = len(TEMPLATE_HEADERS)
    return [(r + [""] * width)[:width] for r in rows[1:]]


def draft_from_values(targets: Targets, values: dict[str, dict[str, str]]) -> str:
    """The draft as the CSV text of a filled template. ``values`` maps a row number (as
    text, 0-based in the grid) to {column: text} for the editable columns only; anything
    else is refused so that a form cannot change the targets through the grid."""
    rows = [list(r.cells) for r in grid_rows(targets, None)]
    for key, cells in values.items():
        if not key.isdigit() or int(key) >= len(rows):
            raise InputError("实际完成值表格的行号无效", location=Location(row=None, value=key),
                             hint="请刷新页面后重新填写。")
        for column, text in cells.items():
            if column not in EDITABLE:
                raise InputError("只能填写实际完成值、得分、偏差原因和佐证材料", location=Location(column=column),
                                 hint="指标和目标请在“读取结果”页修改。")
            rows[int(key)][TEMPLATE_HEADERS.index(column)] = str(text).strip()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(rows)
    return buf.getvalue()


def outputs_from_folder(folder: Path) -> dict:
    """The stored values of one run from the files ``perfscore evaluate`` wrote into
    ``folder`` (or a batch into units/<code>/): every file's text and the headline numbers
    the lists show, taken from results.json as written."""
    texts = {name: (folder / name).read_text(encoding="utf-8-sig") if (folder / name).exists() else ""
             for name in ("results.json", "results.csv", "projects.csv", "report.html")}
    data = json.loads(texts["results.json"])
    meta, dept = data.get("meta", {}), data.get("department", {})
    return dict(unit_code=str(meta.get("unit_code") or ""), unit_name=str(meta.get("unit_name") or ""),
                year=meta.get("year"), profile=str(meta.get("profile") or ""), as_of=str(meta.get("as_of") or ""),
                total=dept.get("total"), grade=dept.get("grade"), findings=len(data.get("findings", [])),
                projects=int(dept.get("projects") or 0), indicators=int(dept.get("indicators") or 0),
                results_json=texts["results.json"], results_csv=texts["results.csv"],
                projects_csv=texts["projects.csv"], report_html=texts["report.html"])
