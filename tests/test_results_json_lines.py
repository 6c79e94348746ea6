"""results.json's record lines are made column by column (scoring.io.record_lines); each
line is what json.dumps(record, ensure_ascii=False) writes for the row."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from perfscore.model import Finding
from perfscore.scoring.io import finding_lines, record_lines


def _expected(frame: pd.DataFrame) -> list[str]:
    def py(v):
        if isinstance(v, np.generic):
            v = v.item()
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return v
    return [json.dumps({str(c): py(v) for c, v in zip(frame.columns, row)}, ensure_ascii=False, allow_nan=False)
            for row in frame.itertuples(index=False, name=None)]


def test_every_kind_of_column_as_json_writes_it():
    frame = pd.DataFrame({
        "text": ["培训人次", 'quote " and \\ back', "line\nbreak\ttab\x01", "", "≥95%"],
        "mixed": ["a", None, float("nan"), "b", "c"],
        "score": [10.0, float("nan"), 0.1 + 0.2, -0.0, 1e-300],
        "n": np.array([0, -3, 2**40, 7, 1], dtype=np.int64),
        "ok": [True, False, True, False, True],
        "maybe": pd.array([1, None, 3, 4, None], dtype="Int64"),
        "50% of %s": ["x", "y", "z", "w", "v"],          # a key with % in it
    })
    frame["s"] = pd.array(["x", None, "y", "z", "w"], dtype="string")
    assert record_lines(frame) == _expected(frame)
    assert json.loads(record_lines(frame)[2])["text"] == "line\nbreak\ttab\x01"


def test_empty_and_out_of_range():
    assert record_lines(pd.DataFrame({"a": []})) == []
    with pytest.raises(ValueError):
        record_lines(pd.DataFrame({"a": [1.0, float("inf")]}))


def test_finding_lines():
    findings = [Finding(check="cost-budget", severity="warn", message="「A」\"B\"", project_code="P1"),
                Finding(check="x", severity="info", message="m", indicator_id="P1-1", source="a.csv:3:2"),
                Finding(check="%s", severity="error", message="%d%% 行\n\t\\ \u2028 \x00", project_code="",
                        indicator_id="{}", source="C:\\表.csv:1:1")]
    assert finding_lines(findings) == [
        json.dumps(f.model_dump(mode="json"), ensure_ascii=False) for f in findings]
