"""perfscore.io: encodings in, atomic and shareable files out."""

import os
import stat

import pytest

from perfscore.errors import InputError
from perfscore.io import atomic_write_text, decode_bytes, read_text


def test_written_files_get_the_ordinary_mode(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "report.html"
        atomic_write_text(target, "<p>自评</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8") == "<p>自评</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_bom_is_written_for_csv_and_stripped_on_read(tmp_path):
    target = tmp_path / "a.csv"
    atomic_write_text(target, "项目编码\n", bom=True)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_text(target) == "项目编码\n"


def test_gb18030_is_recognised():
    text, enc = decode_bytes("三级指标,实际完成值\n".encode("gb18030"), file="x.csv")
    assert (text, enc) == ("三级指标,实际完成值\n", "gb18030")


def test_undecodable_bytes_name_the_file_and_offset():
    with pytest.raises(InputError) as info:
        decode_bytes(b"abc\xff\xfe\xff", file="bad.csv")
    assert "bad.csv" in str(info.value) and "第3字节" in str(info.value)
