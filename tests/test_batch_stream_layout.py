"""The chunked long-table reader of a batch finds the header, the delimiter and the encoding
by the long-table reader's own rules (readers.longtable.find_header, io.decode_head), and
hands a table it cannot cut by 项目编码 to the whole-file reader."""

from __future__ import annotations

import pytest

from perfscore.batch.stream import layout_of
from perfscore.errors import InputError
from perfscore.readers.longtable import find_header

HEADER = ["单位编码", "单位名称", "项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "指标值"]
ROW = ["001", "某单位", "P1", "某项目", "产出指标", "数量指标", "人次", "≥100人次"]


def _write(path, lines, encoding="utf-8-sig"):
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_title_lines_and_delimiters_as_the_reader_finds_them(tmp_path, delimiter):
    lines = ["丰润区2023年度项目绩效目标表", "单位：万元", delimiter.join(HEADER), delimiter.join(ROW)]
    path = _write(tmp_path / "t.csv", lines)
    layout = layout_of(path)
    assert (layout.header_line, layout.delimiter) == find_header("\n".join(lines)) == (2, delimiter)
    assert layout.columns == HEADER and layout.fields["project_code"] == "项目编码"


def test_gb18030_is_read_as_the_reader_reads_it(tmp_path):
    path = _write(tmp_path / "t.csv", [",".join(HEADER), ",".join(ROW)], encoding="gb18030")
    assert layout_of(path).encoding == "gb18030"


def test_a_table_without_project_codes_is_left_to_the_whole_file_reader(tmp_path):
    header = [h for h in HEADER if h != "项目编码"]
    row = [c for h, c in zip(HEADER, ROW) if h != "项目编码"]
    path = _write(tmp_path / "t.csv", [",".join(header), ",".join(row)])
    assert find_header(path.read_text(encoding="utf-8-sig")) == (0, ",")   # a long table to the reader
    assert layout_of(path) is None                                          # but not one to cut


def test_no_header_and_no_encoding(tmp_path):
    assert layout_of(_write(tmp_path / "t.csv", ["a,b,c", "1,2,3"])) is None
    bad = tmp_path / "坏.csv"
    bad.write_bytes(b"\xff\xfe\xfa\xfb" * 100)
    with pytest.raises(InputError) as caught:
        layout_of(bad)
    assert "坏.csv" in caught.value.render() and "编码" in caught.value.render()
