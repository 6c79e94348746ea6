"""Helpers for the report tests that drive external tools (no tests here):
Chromium, poppler's pdftoppm / pdftotext / pdffonts, and Pillow to look at the
rendered pixels. Every call has a bounded timeout; a missing tool skips the test
with a reason (CI installs them through .ci/run)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

TOOL_TIMEOUT = 90  # seconds, per external call


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} 未安装（Debian 包见 .ci/run），跳过此测试")
    return path


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT, **kwargs)


def chromium(args: list[str], workdir: Path) -> subprocess.CompletedProcess:
    """Headless Chromium with a throwaway profile and no network at all (every
    host name resolves to nothing), logging console messages to stderr."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium 未安装（Debian 包 chromium，见 .ci/run），跳过浏览器测试")
    profile = workdir / "chromium-profile"
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr", "--v=0", *args,
    ]
    return run(cmd)


def console_errors(stderr: str) -> list[str]:
    """Console lines Chromium logged for the page: uncaught exceptions and
    console.error/warn output (INFO:CONSOLE lines)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def render_page(pdf: Path, page: int, out_prefix: Path, dpi: int = 50) -> Path:
    """Render one PDF page to PNG with pdftoppm; return the PNG path."""
    require("pdftoppm")
    result = run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                  str(pdf), str(out_prefix)])
    assert result.returncode == 0, result.stderr
    pngs = sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))
    assert len(pngs) == 1, pngs
    return pngs[0]


def page_texts(pdf: Path) -> list[str]:
    """The text of every page with all white space removed (pdftotext in content
    order, so a table cell's wrapped lines stay together)."""
    require("pdftotext")
    result = run(["pdftotext", "-raw", str(pdf), "-"])
    assert result.returncode == 0, result.stderr
    pages = [re.sub(r"\s+", "", page) for page in result.stdout.split("\f")]
    return pages[:-1] if pages and not pages[-1] else pages


def project_starts(pages: list[str]) -> list[int]:
    """Indexes of the pages that begin with a 项目支出绩效自评表 title (after the
    'n/N' page number, which Chromium writes first)."""
    return [i for i, t in enumerate(pages) if re.sub(r"^\d+/\d+", "", t).startswith("项目支出绩效自评表")]


def ink_share(png: Path) -> float:
    """Share of pixels that are not (near) white."""
    from PIL import Image

    with Image.open(png) as im:
        grey = im.convert("L")
        hist = grey.histogram()
    total = sum(hist)
    return sum(hist[:235]) / total if total else 0.0


def colours(png: Path) -> int:
    """Number of distinct colours (capped), to tell content from a blank page."""
    from PIL import Image

    with Image.open(png) as im:
        found = im.convert("RGB").getcolors(maxcolors=4096)
    return 4096 if found is None else len(found)


def office_to_pdf(document: Path, outdir: Path) -> Path:
    """Render a .docx/.xlsx (or .doc/.xls) through LibreOffice in headless mode, as a
    person opening and printing it would see it; skip with a reason when LibreOffice is
    absent. A private profile folder keeps parallel runs apart and leaves no state behind."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装（Debian 包 libreoffice-writer-nogui / libreoffice-calc-nogui，见 .ci/run），跳过此测试")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    result = run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                  "--convert-to", "pdf", "--outdir", str(outdir), str(document)])
    pdf = outdir / (document.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), (result.stdout, result.stderr)
    return pdf
