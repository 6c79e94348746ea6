"""One entry point from a file's bytes to the grid model, whatever its format.

``read_document(data, name=…, fmt=…)`` calls the reader of ``fmt`` (as decided by
``perfscore.readers.load.detect_format``, by content, never by extension). Each reader module
(``fmt_docx``, ``fmt_doc``, ``fmt_xlsx``, ``fmt_xls``, ``fmt_pdf``, ``fmt_html``) has
``read(data, *, name) -> Document`` and says in its docstring what it reads and refuses.

Every Document then goes to one interpreter, ``perfscore.readers.interpret``.
"""

from __future__ import annotations

from importlib import import_module

from perfscore.readers.grid import Document

# fmt → module with ``read(data, *, name) -> Document``. Loaded on first use: each pulls in a
# heavy library (pdfplumber, xlrd, lxml …) that the other formats do not need.
READERS: dict[str, str] = {
    "docx": "perfscore.readers.fmt_docx",
    "doc": "perfscore.readers.fmt_doc",
    "xlsx": "perfscore.readers.fmt_xlsx",
    "xls": "perfscore.readers.fmt_xls",
    "pdf": "perfscore.readers.fmt_pdf",
    "html": "perfscore.readers.fmt_html",             # also .mht/.mhtml single-file archives
    "xlsxml": "perfscore.readers.fmt_xlsxml",         # Excel 2003 XML (Document.format "xls")
    "rtf": "perfscore.readers.fmt_doc",               # through LibreOffice, as .doc (Document.format "doc")
    "text": "perfscore.readers.fmt_text",             # copied text: tabs, |, a cell per line; the 绩效文本 export
}


def read_document(data: bytes, *, name: str, fmt: str) -> Document:
    """The :class:`Document` of ``data`` read as ``fmt`` (one of :data:`READERS`)."""
    try:
        module = READERS[fmt]
    except KeyError:
        raise ValueError(f"no grid reader for format {fmt!r}") from None
    return import_module(module).read(data, name=name)
