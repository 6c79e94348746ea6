"""extract: a long table's problems are listed in table order, whatever the hash seed.

Same inputs, same outputs: the error a user reads (and a CI log diffs) must not change
from run to run, so the reader never lists problems in ``set`` order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEADER = "年度,金额单位,项目编码,项目名称,预算数,一级指标,二级指标,三级指标,年度指标值\n"
ROWS = [
    "2023,港币,P1,项目一,10,产出指标,数量指标,培训人数,≥100人\n",
    "二〇二三,美元,P2,项目二,10,产出指标,数量指标,培训人数,≥100人\n",
    "去年,欧元,P3,项目三,10,产出指标,数量指标,培训人数,≥100人\n",
    "2023年度,日元,P4,项目四,10,产出指标,数量指标,培训人数,≥100人\n",
]

SCRIPT = """
import sys
from perfscore.errors import PerfscoreError
from perfscore.app.extract import extract
try:
    extract(sys.argv[1], checks=False)
except PerfscoreError as exc:
    print(exc.render())
"""


def _message(path: Path, seed: int) -> str:
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], env=env, capture_output=True,
                          text=True, encoding="utf-8", check=True)
    return done.stdout


def test_money_unit_and_year_problems_keep_table_order(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    messages = {_message(path, seed) for seed in range(6)}
    assert len(messages) == 1, messages
    text = messages.pop()
    units = [text.index(f"「{u}」不是金额单位") for u in ("港币", "美元", "欧元", "日元")]
    assert units == sorted(units), text
    years = [text.index(f"「{y}」不是年份") for y in ("去年",)]
    assert years
