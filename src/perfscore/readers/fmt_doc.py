"""Legacy Word (.doc) → :class:`~perfscore.readers.grid.Document`, through LibreOffice.

What a user must know (for docs/extract.md):

- read: the .doc (and a Word document saved as RTF) is converted to .docx by LibreOffice in headless mode (``soffice
  --headless --convert-to docx``, a private profile in a temporary folder, a time limit)
  and then read exactly as a .docx (``fmt_docx``: paragraphs, tables, merged cells);
- refused: when LibreOffice is not installed, a clear message says how to save the file
  as .docx in Word or WPS; a file LibreOffice cannot convert (damaged, password) likewise.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from perfscore.errors import FormatError, Location
from perfscore.readers import fmt_docx
from perfscore.readers.grid import Document
from perfscore.safety import sniff

CONVERT_TIMEOUT_S = 120
SAVE_AS_HINT = "请在 Word 或 WPS 中打开该文件，选择“文件 → 另存为”，保存类型选“Word 文档（*.docx）”，再读取新文件。"


# Where LibreOffice installs itself when it is not on PATH (Windows, macOS)
_INSTALLED = (r"C:\Program Files\LibreOffice\program\soffice.exe",
              r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
              "/Applications/LibreOffice.app/Contents/MacOS/soffice")


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((p for p in _INSTALLED if Path(p).is_file()), None)


def convert(data: bytes, *, name: str, to: str = "docx", suffix: str = ".doc") -> bytes:
    """``data`` converted by LibreOffice headless to ``to``; FormatError when it cannot be."""
    exe = soffice()
    where = Location(file=name)
    if exe is None:
        raise FormatError("这是旧版 Word 文档（.doc），读取它需要 LibreOffice，但本机没有安装", location=where,
                          hint=SAVE_AS_HINT + "（或安装 LibreOffice 后重试。）")
    with tempfile.TemporaryDirectory(prefix="perfscore-doc-") as tmp:
        # a scratch copy for LibreOffice, never under the user's name (it may hold anything)
        with tempfile.NamedTemporaryFile(dir=tmp, prefix="input", suffix=suffix, delete=False) as fh:
            fh.write(data)
        src = Path(fh.name)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(Path(tmp) / "out"), str(src)]
        try:
            # its own process group: soffice starts soffice.bin as a child, which a timeout
            # must end as well (killing the launcher alone would leave it running)
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env={**os.environ, "HOME": tmp},
                                    start_new_session=True)
        except OSError as exc:
            raise FormatError(f"无法启动 LibreOffice（{exc.strerror or type(exc).__name__}）", location=where,
                              hint=SAVE_AS_HINT) from None
        try:
            proc.wait(timeout=CONVERT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            if hasattr(os, "killpg"):  # POSIX: the launcher's whole group
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # Windows: soffice.exe is the process itself
                proc.kill()
            proc.wait()
            raise FormatError(f"LibreOffice 转换文件超过 {CONVERT_TIMEOUT_S} 秒未完成（文件可能已损坏）",
                              location=where, hint=SAVE_AS_HINT) from None
        out = Path(tmp) / "out" / f"{src.stem}.{to}"
        if not out.is_file() or out.stat().st_size == 0:
            raise FormatError("LibreOffice 无法转换该文件（可能已损坏或设置了打开密码）", location=where,
                              hint=SAVE_AS_HINT)
        return out.read_bytes()


def read(data: bytes, *, name: str) -> Document:
    """Read a .doc (or an RTF document, which LibreOffice converts alike) given as bytes;
    ``name`` (file name only) names it in messages."""
    converted = convert(data, name=name, suffix=".rtf" if sniff(data) == "rtf" else ".doc")
    document = fmt_docx.read(converted, name=name, fmt="doc")
    return document
