"""File input/output shared by every reader and writer.

- Text and CSV input in UTF-8, UTF-8 with BOM or GB18030 (what Excel and WPS save
  on Chinese Windows), detected, never guessed silently: a file that decodes in
  none of them is an error naming the byte offset.
- Output written atomically (temporary file in the same folder, then rename), so a
  crash never leaves a half-written file; CSV written as UTF-8 with BOM so Excel
  opens it correctly.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from perfscore import safety
from perfscore.csvtext import csv_bytes
from perfscore.errors import InputError, Location

ENCODINGS = ("utf-8-sig", "gb18030")
BOM = b"\xef\xbb\xbf"  # UTF-8 with BOM: what Excel needs to open a CSV as UTF-8


def decode_bytes(data: bytes, *, file: str) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding). UTF-8 first (BOM stripped), then GB18030."""
    first_error: UnicodeDecodeError | None = None
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    # The row the user can find: a file mixing encodings (rows pasted from another file)
    # fails at the first row in the other encoding.
    row = data.count(b"\n", 0, first_error.start) + 1
    raise InputError(
        f"无法识别文件编码（第{first_error.start}字节处既不是UTF-8也不是GB18030；"
        "文件可能混用了两种编码，例如从另一个文件粘贴来的行）",
        location=Location(file=file, row=row),
        hint="请在Excel/WPS中“另存为”CSV UTF-8格式后重试；若仍失败，请检查并重新输入该行。",
    )


def decode_head(data: bytes) -> tuple[str, str] | None:
    """The first bytes of a file as text, in the first encoding that reads them (as
    :func:`decode_bytes` tries them), a multi-byte character cut at the end allowed; None
    when none does (the whole file's reader then names the byte)."""
    for enc in ENCODINGS:
        for cut in range(4):
            try:
                return data[: len(data) - cut].decode(enc), enc
            except UnicodeDecodeError:
                continue
    return None


def read_text(path: str | os.PathLike) -> str:
    p = Path(path)
    if p.exists() and not p.is_dir():
        safety.check_input_file(p)  # a device, a pipe or a file above the limit: before reading
    try:
        data = p.read_bytes()
        safety.note_input(p)
    except FileNotFoundError:
        raise InputError("文件不存在", location=Location(file=str(path))) from None
    except IsADirectoryError:
        raise InputError("需要文件，但给出的是文件夹", location=Location(file=str(path))) from None
    return decode_bytes(data, file=str(path))[0]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    p = Path(path)
    safety.refuse_overwriting_input(p)  # under the CLI, an output never replaces an input
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as exc:  # name the intended output, never the temporary file
        raise OSError(exc.errno, exc.strerror, str(p)) from None
    try:
        # mkstemp creates the file 0600; a report is meant to be shared, so give it
        # the mode an ordinary open() would (0666 less the umask).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        safety.place_output(tmp, p)  # rename now, or with the others (safety.staged_outputs)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(p)) from None
        raise


def atomic_write_text(path: str | os.PathLike, text: str, *, bom: bool = False) -> None:
    data = text.encode("utf-8")
    atomic_write_bytes(path, (BOM + data) if bom else data)


def write_csv(path: str | os.PathLike, frame) -> None:
    """Write a DataFrame as UTF-8-with-BOM CSV, atomically, with '\\n' line ends (the text
    pandas' to_csv writes, see :mod:`perfscore.csvtext`)."""
    atomic_write_bytes(path, BOM + csv_bytes(frame))
