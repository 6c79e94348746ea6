"""Conformance of the value grammar against data files of real and constructed strings.

``tests/data/values/targets.tsv`` and ``actuals.tsv`` hold one string per row with the
reading a finance officer expects; new strings go into the data, not into new tests.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from perfscore.values import describe_actual, parse_actual, parse_target, render_target

DATA = Path(__file__).parent / "data" / "values"
REPO = Path(__file__).resolve().parents[1]


def _rows(name: str) -> list[tuple[int, dict]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        lines = [(n, line) for n, line in enumerate(f, 1) if not line.startswith("#")]
    header = lines[0][1].rstrip("\n").split("\t")
    out = []
    for n, line in lines[1:]:
        cells = line.rstrip("\n").split("\t")
        assert len(cells) == len(header), f"{name}:{n}: {len(cells)} cells, expected {len(header)}"
        out.append((n, dict(zip(header, cells))))
    return out


TARGET_ROWS = _rows("targets.tsv")
ACTUAL_ROWS = _rows("actuals.tsv")


def _opt(cell: str) -> str | None:
    return cell or None


def _num(cell: str) -> float | None:
    return float(cell) if cell else None


def _close(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got is want
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("row", [r for _, r in TARGET_ROWS],
                         ids=[f"{n}:{r['text'] or '<empty>'}" for n, r in TARGET_ROWS])
def test_target_reading(row):
    t = parse_target(row["text"], level1=_opt(row["level1"]), level2=_opt(row["level2"]),
                     level3=_opt(row["level3"]), year=int(row["year"]) if row["year"] else None)
    got = {
        "kind": t.kind, "op": t.op, "unit": t.unit, "per": "|".join(t.per), "deadline": t.deadline,
        "period": t.period, "grade": t.grade, "inferred": t.inferred, "approx": t.approx,
    }
    want = {
        "kind": row["kind"], "op": _opt(row["op"]), "unit": _opt(row["unit"]), "per": row["per"],
        "deadline": _opt(row["deadline"]), "period": _opt(row["period"]), "grade": _opt(row["grade"]),
        "inferred": row["inferred"] == "1", "approx": row["approx"] == "1",
    }
    assert got == want, t
    for name in ("value", "low", "high", "count_per_year"):
        assert _close(getattr(t, name), _num(row[name])), (name, t)
    if t.kind == "unreadable":
        assert t.reason, t
    if row["reason_has"]:
        assert t.reason and row["reason_has"] in t.reason, t
    # the canonical text reads back to the same meaning
    again = parse_target(render_target(t), year=int(row["year"]) if row["year"] else None)
    assert (again.kind, again.op, again.value, again.low, again.high, again.unit, again.per, again.deadline,
            again.count_per_year, again.grade) == (t.kind, t.op, t.value, t.low, t.high, t.unit, t.per,
                                                   t.deadline, t.count_per_year, t.grade)


def test_seed_rows_are_the_77_indicators_of_the_seed_document():
    """The ``seed`` rows are exactly the seed's indicators, in order (targets.json is its extract)."""
    seed_rows = [r for _, r in TARGET_ROWS if r["source"] == "seed"]
    doc = json.loads((REPO / "data" / "yanshan-2023" / "targets.json").read_text(encoding="utf-8"))
    indicators = [i for p in doc["projects"] for i in p["indicators"]]
    assert len(indicators) == 77
    assert [(r["level1"], r["level2"], r["level3"], r["text"]) for r in seed_rows] == \
           [(i["level1"], i["level2"], i["level3"], i["target"]) for i in indicators]


def test_seed_target_strings_occur_in_the_seed_text():
    seed = REPO / "data" / "yanshan-2023" / "000_9a0311abce8b0d69.txt"
    text = seed.read_text(encoding="utf-8")
    for _, r in TARGET_ROWS:
        if r["source"] == "seed":
            assert f"\t{r['text']}\n" in text, r["text"]


def test_data_sizes():
    assert len({r["text"] for _, r in TARGET_ROWS}) >= 250
    assert len(ACTUAL_ROWS) >= 120


@pytest.mark.parametrize("row", [r for _, r in ACTUAL_ROWS],
                         ids=[f"{n}:{r['text'] or '<empty>'}|{r['target']}" for n, r in ACTUAL_ROWS])
def test_actual_reading(row):
    target = None
    if row["target"]:
        target = parse_target(row["target"], level2=_opt(row["level2"]), level3=_opt(row["level3"]),
                              year=int(row["year"]) if row["year"] else None)
    a = parse_actual(row["text"], target)
    flag = {"": None, "1": True, "0": False}
    got = {
        "kind": a.kind, "unit": a.unit, "per": "|".join(a.per), "date": a.date, "completed": a.completed,
        "on_time": a.on_time, "grade": a.grade, "tier": a.tier,
        "survey": f"{a.survey[0]}/{a.survey[1]}" if a.survey else None, "approx": a.approx,
    }
    want = {
        "kind": row["kind"], "unit": _opt(row["unit"]), "per": row["per"], "date": _opt(row["date"]),
        "completed": flag[row["completed"]], "on_time": flag[row["on_time"]], "grade": _opt(row["grade"]),
        "tier": _opt(row["tier"]), "survey": _opt(row["survey"]), "approx": row["approx"] == "1",
    }
    assert got == want, a
    assert _close(a.value, _num(row["value"])), a
    if a.kind == "unreadable":
        assert a.reason and a.value is None, a
    if row["reason_has"]:
        assert a.reason and row["reason_has"] in a.reason, a
    if row["reading_has"]:
        assert row["reading_has"] in describe_actual(a), (describe_actual(a), a)
