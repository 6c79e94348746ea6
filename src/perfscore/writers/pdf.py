"""The report as PDF, through WeasyPrint (the optional ``perfscore[pdf]`` extra).

WeasyPrint lays out the same HTML with its print stylesheet (A4, one project per
page, repeated table headers) and embeds the CJK font the CSS names. It is
imported lazily: without it, asking for a PDF is a usage error with a one-line
install hint, never a traceback.
"""

from __future__ import annotations

from perfscore.errors import UsageError

INSTALL_HINT = "pip install 'perfscore[pdf]'"


def ensure_available() -> None:
    """Raise the install-hint UsageError now if WeasyPrint is missing, so a
    command can refuse ``--pdf`` before it writes anything."""
    _weasyprint()


def _weasyprint():
    try:
        import weasyprint
    except ImportError:
        # One line: what is missing and the command that installs it.
        raise UsageError(f"生成PDF需要可选组件WeasyPrint，请先安装：{INSTALL_HINT}") from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """Render report HTML to PDF bytes.

    ``base_url`` is a fixed non-path value: the report references no file, and
    no absolute path of this machine may end up in the output.
    """
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=".")
    return document.write_pdf()
