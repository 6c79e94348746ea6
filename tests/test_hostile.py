"""Hostile files and safe outputs (issue 9, items 3 and 4).

- perfscore.safety: type sniffing, zip limits at their boundaries, DOCTYPE/ENTITY in any
  encoding and across chunk boundaries, no false alarm on real Office files;
- outputs: every user string escaped in HTML; text starting with = + - @ stays text in
  every .xlsx and .csv; nothing written outside the output folder whatever the codes
  and names say; writes are atomic; unrelated files and symlink targets in an existing
  output folder are left alone; inputs are never modified.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import os
import random
import re
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfscore import safety
from perfscore.cli import main
from perfscore.errors import FormatError, InputError, UsageError

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "broken" / "files"


def _zip(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _real_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["项目编码", "三级指标", "实际完成值"])
    wb.active.append(["P001", "宣传品数量", "=1+1"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _real_docx(*, svg: bytes | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("绩效文本")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "项目编码"
    buf = io.BytesIO()
    document.save(buf)
    data = buf.getvalue()
    if svg is None:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"<Default ", b'<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1)
    parts["word/media/icon.svg"] = svg
    return _zip(parts)


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data, kind", [
    (b"PK\x03\x04rest", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "ole2"),
    (b"%PDF-1.7\n", "pdf"),
    (b"{\\rtf1\\ansi", "rtf"),
    (b"\xef\xbb\xbf<html><body>", "html"),
    (b"  <!DOCTYPE html><html>", "html"),
    (b"<table><tr><td>1</td></tr></table>", "html"),
    (b"", "empty"),
    (b" \r\n\t", "empty"),
    (b"\x00\x01\x02garbage", "binary"),
    ("项目编码,三级指标\n".encode("gb18030"), "text"),
    ("项目编码\t三级指标\n".encode("utf-16"), "text"),
])
def test_sniff(data, kind):
    assert safety.sniff(data) == kind


def test_real_office_files_pass():
    assert safety.check_office_bytes(_real_xlsx(), file="a.xlsx", kind="xlsx").xml_parts
    report = safety.check_office_bytes(_real_docx(), file="a.docx", kind="docx")
    assert "word/document.xml" in report.xml_parts


def test_an_svg_image_with_a_doctype_is_not_a_false_alarm():
    # Word embeds SVG icons, and SVG files often start with <!DOCTYPE svg …>: media is
    # never parsed as XML by the readers, so it is not scanned.
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    report = safety.check_office_bytes(_real_docx(svg=svg), file="icon.docx", kind="docx")
    assert "word/media/icon.svg" not in report.xml_parts


def test_a_part_declared_xml_by_content_type_is_scanned_whatever_its_name():
    data = _real_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/custom.dat" ContentType="application/xml"/></Types>')
    parts["xl/custom.dat"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
    with pytest.raises(InputError, match="xl/custom.dat"):
        safety.check_office_bytes(_zip(parts), file="a.xlsx", kind="xlsx")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("word", ["<!DOCTYPE", "<!ENTITY"])
def test_declarations_are_found_in_every_encoding(encoding, word):
    body = f'<?xml version="1.0"?>{word} x SYSTEM "file:///etc/passwd"><x/>'.encode(encoding)
    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/worksheets/s.xml": body}
    with pytest.raises(InputError, match="DOCTYPE/ENTITY"):
        safety.inspect_zip(_zip(parts), file="a.xlsx")


def test_a_declaration_split_across_read_chunks_is_found(monkeypatch):
    monkeypatch.setattr(safety, "_SCAN_CHUNK", 64)
    for pad in range(60, 70):  # the declaration straddles the 64-byte boundary somewhere here
        body = b"<?xml?>" + b" " * pad + b"<!DOCTYPE x><x/>"
        with pytest.raises(InputError, match="DOCTYPE"):
            safety.inspect_zip(_zip({"a.xml": body}), file="a.xlsx")


def test_member_limit_boundary(monkeypatch):
    monkeypatch.setattr(safety, "MAX_MEMBERS", 5)
    safety.inspect_zip(_zip({f"{i}.txt": b"" for i in range(5)}), file="ok.zip")
    with pytest.raises(InputError, match="6 个文件，超过上限 5"):
        safety.inspect_zip(_zip({f"{i}.txt": b"" for i in range(6)}), file="many.zip")


def test_total_size_limit_boundary(monkeypatch):
    monkeypatch.setattr(safety, "MAX_TOTAL_UNCOMPRESSED", 1000)
    safety.inspect_zip(_zip({"a.bin": os.urandom(1000)}, compression=zipfile.ZIP_STORED), file="ok.zip")
    with pytest.raises(InputError, match="1001 字节，超过上限 1000"):
        safety.inspect_zip(_zip({"a.bin": os.urandom(1001)}, compression=zipfile.ZIP_STORED), file="big.zip")


def test_ratio_limit_applies_to_large_members_only(monkeypatch):
    small = _zip({"a.bin": bytes(500_000)})  # very compressible, but under a MiB: harmless
    safety.inspect_zip(small, file="small.zip")
    monkeypatch.setattr(safety, "RATIO_MIN_SIZE", 1000)
    with pytest.raises(InputError, match="压缩比为 \\d+:1，超过上限 200:1"):
        safety.inspect_zip(small, file="bomb.zip")


def test_the_parsers_behind_the_wall_are_safe_too():
    # openpyxl reads through defusedxml (a declared dependency of perfscore) ...
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    # ... and python-docx's parser neither expands nor fetches entities.
    from docx.oxml.parser import parse_xml

    xml = ('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
           '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>&xxe;&lol2;</w:t></w:r></w:p></w:body></w:document>")
    text = "".join(parse_xml(xml.encode()).itertext())
    assert "root:" not in text and "lollol" not in text


@pytest.mark.parametrize("data, fragment", [
    (b"%PDF-1.4", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "旧版 Office"),
    (b"<html><table></table></html>", "网页"),
    ("项目编码,三级指标\n".encode(), "纯文本"),
    (b"", "空的"),
])
def test_office_names_on_other_files_say_what_the_file_is(data, fragment):
    with pytest.raises(FormatError, match=fragment) as err:
        safety.check_office_bytes(data, file="a.xlsx", kind="xlsx")
    assert err.value.hint


def test_a_workbook_is_not_a_document():
    with pytest.raises(FormatError, match="这是 Excel 工作簿（.xlsx），不是 Word 文档"):
        safety.check_office_bytes(_real_xlsx(), file="a.docx", kind="docx")


# --- file names from user data ----------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("../../etc/x", "_.._etc_x"),
    ("..", "未命名"),
    ("", "未命名"),
    ("  .hidden ", "hidden"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("a\\b/c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
    ("丰润区燕山路办事处", "丰润区燕山路办事处"),
    ("P001\x00\n\t", "P001___"),
    ("名称.", "名称"),
])
def test_safe_filename(text, expected):
    assert safety.safe_filename(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_makes_one_harmless_component(tmp_path_factory, text):
    name = safety.safe_filename(text)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in (".", "..") and not name.startswith(".") and name == name.rstrip(". ")
    assert len(name.encode("utf-8")) <= 120
    base = tmp_path_factory.getbasetemp() / "out"
    path = safety.output_path(base, text, text)
    assert base.resolve() in path.resolve().parents


def test_a_symlinked_subfolder_cannot_lead_outside(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "单位A").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UsageError, match="不在输出文件夹内"):
        safety.output_path(out, "单位A", "results.csv")


# --- outputs of real runs on hostile strings ---------------------------------------------------

HOSTILE = {
    "unit_name": '<script>alert("unit")</script>',
    "code": "../../../../escaped",
    "name": '=HYPERLINK("http://evil.example","点我")',
    "level3": '<img src=x onerror=alert(1)>',
    "target": "≥100个",
    "actual": "+cmd|' /C calc'!A0",
    "reason": "@SUM(1+1)*cmd|' /C calc'!A0",
    "evidence": '"><svg onload=alert(2)>',
}


def _hostile_targets(path: Path) -> None:
    t = json.loads((CORPUS / "targets.json").read_text(encoding="utf-8"))
    t["unit"]["name"] = HOSTILE["unit_name"]
    p = t["projects"][0]
    p["code"], p["name"] = HOSTILE["code"], HOSTILE["name"]
    for i, ind in enumerate(p["indicators"]):
        ind["id"] = f"{HOSTILE['code']}-{i + 1:02d}"
    first = p["indicators"][0]
    first.update(level3=HOSTILE["level3"], actual=HOSTILE["actual"], reason=HOSTILE["reason"],
                 evidence=HOSTILE["evidence"])
    p["indicators"][1].update(actual="-1+2", reason="=1+1")
    path.write_text(json.dumps(t, ensure_ascii=False), encoding="utf-8")


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Every writer run once on targets full of hostile strings, deep inside a tmp folder."""
    root = tmp_path_factory.mktemp("hostile")
    work = root / "a" / "b" / "c" / "d"
    work.mkdir(parents=True)
    targets = work / "targets.json"
    _hostile_targets(targets)
    before = _files(root)
    later = work / "later.json"
    t = json.loads(targets.read_text(encoding="utf-8"))
    t["year"] = 2024
    later.write_text(json.dumps(t, ensure_ascii=False), encoding="utf-8")
    before = _files(root)
    commands = [
        ["evaluate", str(targets), "-o", str(work / "out")],
        ["template", str(targets), "-o", str(work / "tpl" / "actuals.xlsx")],
        ["template", str(targets), "-o", str(work / "tpl" / "actuals.csv")],
        ["review", str(work / "out" / "results.json"), "-o", str(work / "pack" / "pack.xlsx"), "--csv"],
        ["compare", str(targets), str(later), "-o", str(work / "cmp")],
    ]
    codes = [main(c) for c in commands]
    return root, work, before, codes


def test_every_writer_ran(hostile_run):
    assert hostile_run[3] == [0] * 5


def test_inputs_untouched_and_nothing_written_outside(hostile_run):
    root, work, before, _ = hostile_run
    after = _files(root)
    assert {k: v for k, v in after.items() if k in before} == before
    new = set(after) - set(before)
    prefixes = tuple(f"a/b/c/d/{d}/" for d in ("out", "tpl", "pack", "cmp"))
    assert new and all(n.startswith(prefixes) for n in new), sorted(new)
    assert not list(root.rglob("escaped*"))


def test_html_escapes_every_user_string(hostile_run):
    _, work, _, _ = hostile_run
    for page in (work / "out" / "report.html", work / "cmp" / "compare.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;" in (work / "out" / "report.html").read_text(encoding="utf-8")


_RISKY = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def test_xlsx_cells_starting_with_formula_characters_are_text(hostile_run):
    _, work, _, _ = hostile_run
    books = sorted(work.rglob("*.xlsx"))
    assert len(books) == 2
    risky_seen = 0
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{book.name} {ws.title}!{cell.coordinate} is a formula"
                    if isinstance(cell.value, str) and cell.value.startswith(_RISKY):
                        risky_seen += 1
                        assert cell.quotePrefix, f"{book.name} {ws.title}!{cell.coordinate}: {cell.value!r}"
    assert risky_seen >= 4


def test_csv_cells_starting_with_formula_characters_get_an_apostrophe(hostile_run):
    _, work, _, _ = hostile_run
    tables = sorted(work.rglob("*.csv"))
    assert {p.name for p in tables} >= {"results.csv", "projects.csv", "actuals.csv", "compare.csv",
                                         "pack_indicators.csv"}
    escaped = 0
    for table in tables:
        with table.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for value in row:
                    if value.startswith(_RISKY):
                        assert _NUMBER.match(value), f"{table.name}: {value!r}"
                    escaped += value.startswith("'") and value[1:].startswith(_RISKY)
    assert escaped >= 6


# --- atomic writes and existing output folders -------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(out)]) == 0
    old = _files(out)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr("perfscore.io.os.replace", broken_replace)
    capsys.readouterr()
    assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "无法读写文件（磁盘空间不足）" in err and "Traceback" not in err
    assert _files(out) == old
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_unrelated_files_and_symlink_targets_in_the_output_folder_are_left_alone(tmp_path):
    out = tmp_path / "out"
    (out / "old").mkdir(parents=True)
    (out / "说明.txt").write_text("人工记录", encoding="utf-8")
    (out / "old" / "results.json").write_text("{}", encoding="utf-8")
    outside = tmp_path / "precious.csv"
    outside.write_text("do not touch", encoding="utf-8")
    (out / "results.csv").symlink_to(outside)
    assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(out)]) == 0
    assert (out / "说明.txt").read_text(encoding="utf-8") == "人工记录"
    assert (out / "old" / "results.json").read_text(encoding="utf-8") == "{}"
    assert outside.read_text(encoding="utf-8") == "do not touch"
    assert not (out / "results.csv").is_symlink() and "宣传品数量" in (out / "results.csv").read_text("utf-8-sig")


def test_inputs_keep_their_bytes_and_times(tmp_path):
    targets, actuals = tmp_path / "targets_plain.csv", tmp_path / "actuals.csv"
    targets.write_bytes((CORPUS / "targets_plain.csv").read_bytes())
    actuals.write_bytes((CORPUS / "actuals.csv").read_bytes())
    stamps = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (targets, actuals)}
    assert main(["evaluate", str(targets), str(actuals), "-o", str(tmp_path / "out")]) == 0
    assert main(["template", str(targets), "-o", str(tmp_path / "t.xlsx")]) == 0
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in stamps} == stamps


# --- every writer goes through perfscore.io's atomic writes ------------------------------------

# Calls that write to the file system directly. In-memory targets are allowed where listed.
_DIRECT = {"write_text", "write_bytes", "to_csv", "to_excel", "to_json", "to_parquet", "write_pdf",
           "save", "copyfile", "copy", "copy2", "move", "rename", "symlink_to", "touch", "replace"}
_ALLOWED = {
    ("io.py", "to_csv"),             # into a StringIO, then atomic_write_text
    ("writers/xlsx_safe.py", "save"),  # wb.save(BytesIO), then atomic_write_bytes
    ("batch/__init__.py", "replace"),  # a cluster run's finished units/ folder moved into place (files inside written atomically)
}


def test_no_writer_bypasses_the_atomic_write():
    src = ROOT / "src" / "perfscore"
    offenders = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "open" and rel != "io.py":
                mode = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "mode"), None)
                if isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax+"):
                    offenders.append(f"{rel}:{node.lineno} open(..., {mode.value!r})")
            elif name in _DIRECT and (rel, name) not in _ALLOWED:
                owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
                if name in ("copy", "copy2", "copyfile", "move") and owner != "shutil":
                    continue  # DataFrame.copy, copy.copy …: not the file system
                if name == "replace" and (owner != "os" or rel in ("io.py", "safety.py")):
                    continue  # str.replace; os.replace belongs to the atomic write (io.py, staged in safety.py)
                if name == "rename" and owner != "os" and (node.keywords or len(node.args) != 1):
                    continue  # DataFrame.rename(columns=…), not Path.rename(target)
                if name in ("to_csv", "to_json", "to_excel", "write_pdf") and not node.args and not any(
                        k.arg in ("path_or_buf", "excel_writer", "target") for k in node.keywords):
                    continue  # no target: returns the text / bytes
                if name == "save" and node.args and isinstance(node.args[0], ast.Name) and \
                        node.args[0].id in ("buf", "raw"):
                    continue  # saving into an in-memory buffer
                offenders.append(f"{rel}:{node.lineno} .{name}(…)")
    assert not offenders, "write through perfscore.io.atomic_write_* instead:\n" + "\n".join(offenders)


# --- all outputs or none (evaluate, review, compare stage their files) ---------------------


def test_a_folder_named_like_an_output_refuses_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "report.html" in err and "同名的文件夹" in err and "处理办法" in err
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]  # no results.json / .csv left


def test_a_disk_error_half_way_leaves_the_previous_outputs_whole(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(out)]) == 0
    old = _files(out)
    real_fdopen, calls = os.fdopen, []

    def full_disk_on_third_file(fd, *args, **kwargs):
        calls.append(fd)
        if len(calls) == 3:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr("perfscore.io.os.fdopen", full_disk_on_third_file)
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("项目编码,三级指标,实际完成值\nP001,宣传品数量,80个\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["evaluate", str(CORPUS / "targets.csv"), str(actuals), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and ".tmp" not in err and str(out) in err  # names the output, not a temporary
    assert _files(out) == old  # the first two files were not replaced either
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", ["template", "review"])
def test_a_filled_template_or_review_workbook_is_not_overwritten_without_force(tmp_path, capsys, command):
    if command == "template":
        target = tmp_path / "filled.csv"
        args = ["template", str(CORPUS / "targets.csv"), "-o", str(target)]
    else:
        assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(tmp_path / "ev")]) == 0
        target = tmp_path / "filled_review.xlsx"
        args = ["review", str(tmp_path / "ev" / "results.json"), "-o", str(target)]
    target.write_bytes(b"filled in by hand")
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert target.name in err and "--force" in err
    assert target.read_bytes() == b"filled in by hand"
    assert main([*args, "--force"]) == 0
    assert target.read_bytes() != b"filled in by hand"


# --- inputs above the size limit, pipes ------------------------------------------------------


@pytest.mark.parametrize("name", ["targets.json", "targets.csv", "results.json"])
def test_an_input_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch, capsys, name):
    big = tmp_path / name
    big.write_bytes(b" " * (3 << 20))
    monkeypatch.setenv("PERFSCORE_MAX_INPUT_MB", "2")
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    args = ["review", str(big), "-o", str(tmp_path / "r.xlsx")] if name == "results.json" else ["extract", str(big)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert name in err and "超过上限 2 MiB" in err and "PERFSCORE_MAX_INPUT_MB" in err
    assert big not in read


def test_default_limits_by_kind(monkeypatch):
    monkeypatch.delenv("PERFSCORE_MAX_INPUT_MB", raising=False)
    assert safety.input_limit_mb("a.docx") == safety.input_limit_mb("r.json") == 200
    assert safety.input_limit_mb("t.csv") == safety.input_limit_mb("t.xlsx") == 2048


def test_a_named_pipe_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "actuals.csv"
    os.mkfifo(fifo)
    assert main(["evaluate", str(CORPUS / "targets.csv"), str(fifo), "-o", str(tmp_path / "out")]) == 1
    assert "命名管道" in capsys.readouterr().err


def test_a_review_workbook_with_a_stale_dimension_is_read_to_its_last_row(tmp_path, capsys):
    # Tools that rewrite a sheet may leave <dimension ref="A1:Y2">: the reviewer's entry in
    # the last row must still be merged (openpyxl's read-only mode trusts the tag).
    assert main(["evaluate", str(CORPUS / "targets.csv"), "-o", str(tmp_path / "ev")]) == 0
    pack = tmp_path / "review.xlsx"
    assert main(["review", str(tmp_path / "ev" / "results.json"), "-o", str(pack)]) == 0
    wb = openpyxl.load_workbook(pack)
    ws = wb["指标复核"]
    col = [c.value for c in ws[1]].index("复核得分") + 1
    ws.cell(row=ws.max_row, column=col, value=1)
    wb.save(pack)
    with zipfile.ZipFile(pack) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"  # 指标复核 is the pack's first sheet
    parts[sheet] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:Y2"/>', parts[sheet])
    pack.write_bytes(_zip(parts))
    capsys.readouterr()
    assert main(["review", str(tmp_path / "ev" / "results.json"), "--merge", str(pack), "-o", str(tmp_path / "m")]) == 0
    assert "复核 1 个指标" in capsys.readouterr().err


# --- the document formats read by content (issue 13): PDF, HTML, legacy Office ----------------


def _pdf_objects(objs: list[bytes]) -> bytes:
    """A minimal PDF of the given objects (1 is the catalog), with a correct xref table."""
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


_CATALOG, _PAGE = b"<< /Type /Catalog /Pages 2 0 R >>", b"/Type /Page /Parent 2 0 R /MediaBox [0 0 100 100]"
HOSTILE_PDFS = {
    "pages-tree-cycle": _pdf_objects([_CATALOG, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                                      b"<< " + _PAGE + b" >>"]),
    "page-count-lie": _pdf_objects([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 99999999 >>",
                                    b"<< " + _PAGE + b" >>"]),
    "length-refers-to-itself": _pdf_objects([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                             b"<< " + _PAGE + b" /Contents 4 0 R >>",
                                             b"<< /Length 4 0 R >>\nstream\nBT ET\nendstream"]),
    "form-draws-itself": _pdf_objects([
        _CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< " + _PAGE + b" /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>",
        b"<< /Length 8 >>\nstream\n/X Do   \nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >> "
        b"/Length 8 >>\nstream\n/X Do   \nendstream"]),
    "truncated": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R",
}


@pytest.mark.parametrize("case", HOSTILE_PDFS)
def test_hostile_pdfs_end_in_one_message(tmp_path, capsys, case):
    src = tmp_path / "目标.pdf"
    src.write_bytes(HOSTILE_PDFS[case])
    assert main(["extract", str(src), "-o", str(tmp_path / "t.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：目标.pdf") and "PDF" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 2, err  # the message and what to do; no library log lines
    assert not (tmp_path / "t.json").exists()


def test_a_pdf_that_takes_too_long_is_stopped(monkeypatch):
    from perfscore.readers import fmt_pdf

    weasyprint = pytest.importorskip("weasyprint")
    data = weasyprint.HTML(string="<p>一</p>" + "<p style='page-break-before:always'>页</p>" * 3).write_pdf()
    monkeypatch.setattr(fmt_pdf, "PDF_TIME_LIMIT_S", 0)
    with pytest.raises(InputError, match="拒绝读取：PDF 读取超过 0 秒"):
        fmt_pdf.read(data, name="x.pdf")


@pytest.mark.parametrize("page", [
    # billion laughs in a page's internal DTD: never expanded
    b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><html><body><table><tr><td>&c;&c;</td></tr></table></body></html>',
    # nesting far deeper than any page: the parser stops at its depth limit
    b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000 + b"</body></html>",
    b"<html><body>" + b"<table><tr><td>" * 5_000 + b"x" + b"</td></tr></table>" * 5_000 + b"</body></html>",
    # a merge asking for a grid of 10^16 slots
    b"<html><body><table><tr><td rowspan='99999999' colspan='99999999'>x</td></tr></table></body></html>",
])
def test_hostile_html_pages_end_in_one_message(tmp_path, capsys, page):
    src = tmp_path / "page.html"
    src.write_bytes(page)
    assert main(["extract", str(src), "-o", str(tmp_path / "t.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：page.html") and "Traceback" not in err
    assert "aaaaaaaaaaaaaaaaaaaa" not in err


@pytest.mark.parametrize("data", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(4096).randbytes(4096),  # seeded: the same test each run
], ids=["zeros", "noise"])
@pytest.mark.parametrize("name", ["a.doc", "a.xls", "a.xlsx"])
def test_broken_legacy_office_files_end_in_one_message(tmp_path, capsys, data, name):
    src = tmp_path / name
    src.write_bytes(data)
    assert main(["extract", str(src), "-o", str(tmp_path / "t.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"错误：{name}") and "旧版 Office" in err and "另存为" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["目标.pdf", "目标.doc", "目标.html", "目标.htm"])
def test_documents_have_the_document_size_limit(monkeypatch, name):
    monkeypatch.delenv(safety.MAX_INPUT_ENV, raising=False)
    assert safety.input_limit_mb(name) == safety.MAX_DOCUMENT_MB


def test_a_pdf_decompression_bomb_is_refused_before_inflating(tmp_path, capsys, monkeypatch):
    bomb = zlib.compress(b"0 0 m " * (1 << 18), 9)  # 1.5 MiB of drawing commands in a few KB
    data = _pdf_objects([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         b"<< " + _PAGE + b" /Contents 4 0 R >>",
                         b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(bomb) + bomb + b"\nendstream"])
    monkeypatch.setattr(safety, "MAX_PDF_STREAM", 1 << 19)
    src = tmp_path / "炸弹.pdf"
    src.write_bytes(data)
    assert main(["extract", str(src)]) == 1
    err = capsys.readouterr().err
    assert "炸弹.pdf" in err and "疑似压缩炸弹" in err and "Traceback" not in err
    monkeypatch.setattr(safety, "MAX_PDF_STREAM", 64 << 20)  # the same file under the real limit: read, no text
    assert main(["extract", str(src)]) == 1
    assert "PDF 中没有任何文字" in capsys.readouterr().err


FORMAT_FIXTURES = ROOT / "tests" / "fixtures" / "targets_formats"


@pytest.mark.parametrize("name", ["sample.docx", "sample.xlsx", "sample.xls", "sample.html", "sample.pdf"])
def test_damaged_documents_of_every_format_end_in_one_message(tmp_path, capsys, name):
    """Cut, overwritten and spliced copies of each format's fixture (seeded): exit 0 or 1,
    never a traceback."""
    rng = random.Random(name)
    data = (FORMAT_FIXTURES / name).read_bytes()
    for k in range(6):
        b = bytearray(data)
        if k % 3 == 0:
            b = b[: rng.randrange(len(b))]
        elif k % 3 == 1:
            for _ in range(20):
                b[rng.randrange(len(b))] = rng.randrange(256)
        else:
            i = rng.randrange(len(b))
            b = b[:i] + bytes(rng.randrange(256) for _ in range(50)) + b[i:]
        src = tmp_path / f"{k}_{name}"
        src.write_bytes(bytes(b))
        code = main(["extract", str(src), "-o", str(tmp_path / "t.json")])
        err = capsys.readouterr().err
        assert code in (0, 1) and "Traceback" not in err, (k, err)
        assert code == 0 or err.startswith(f"错误：{src.name}"), (k, err)
