"""The shortcuts of the actual grammar skip only what cannot change the reading.

``parse_actual`` reads the commonest texts (``98.9万元``, ``45000元/月/社区``, ``95%``,
``2023-11-30``) without normalising and without the word readers (none can match them),
and the words around the number read once per spelling (``quantity._words``). Each is
checked here against asking every reader (``actual._read_all``, ``quantity.read_quantity``)
on the conformance corpus, on a generated bureau and on generated texts; equal means equal
in every field, ``extra`` and the repr (so 96 and 96.0 differ) included. So are the
smaller ones: the value types' __init__ (against the one dataclasses generates),
``parse_actuals``'s numbering of targets (against parse_actual per row) and
``format_number`` without Decimal (against the Decimal route).
"""

from __future__ import annotations

import csv
import datetime
import dataclasses
import importlib.util
import inspect
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfscore.values import actual as A
from perfscore.values import dates, words
from perfscore.values.actual import (
    _QUICK,
    _STRONG_DATE,
    _YEAR_DATE,
    _read_all,
    _quick_reading,
    parse_actual,
)
from perfscore.values.batch import parse_actuals, parse_targets
from perfscore.values.quantity import NotAQuantity, read_quantity
from perfscore.values.target import parse_target
from perfscore.values.simplified import to_simplified
from perfscore.values.text import normalize
from perfscore.values.types import Actual, Target
from perfscore.values.units import UNITS

DATA = Path(__file__).parent / "data" / "values"
REPO = Path(__file__).resolve().parents[1]
fast = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _tsv(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    header = lines[0].rstrip("\n").split("\t")
    return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in lines[1:]]


def _corpus_targets() -> list[Target | None]:
    """Every target of both conformance files, read with its context; None too."""
    rows = _tsv("targets.tsv") + [r for r in _tsv("actuals.tsv") if r["target"]]
    found = parse_targets([r.get("target", r.get("text")) if "target" in r else r["text"] for r in rows],
                          [r.get("level1") or None for r in rows], [r.get("level2") or None for r in rows],
                          [r.get("level3") or None for r in rows],
                          [int(r["year"]) if r.get("year") else None for r in rows])
    distinct = list(dict.fromkeys(found))
    # Targets a caller may build that no printed text gives: an achievement worded as a number
    # (an actual repeating it is met), a grade ladder, a yes/no target.
    built = [Target(text="95%", kind="achievement"), Target(text="12个", kind="achievement"),
             Target(text="2023-11-30", kind="achievement"), Target(text="是", kind="achievement"),
             Target(text="优", kind="grade", grade="优", ladder=("优", "良", "中", "差"))]
    return [None, *distinct, *built]


def _bucket(x: float | None) -> str | None:
    """What parse_actual asks of a target's number: whether it is a fraction, a percent number."""
    return None if x is None else "≤1" if x <= 1 else "≤100" if x <= 100 else ">100"


def _variety(targets: list[Target | None]) -> list[Target | None]:
    """One target of each sort parse_actual tells apart (for the slow cross product)."""
    seen: dict[tuple, Target | None] = {}
    for t in targets:
        key = None if t is None else (
            t.kind, t.op, t.unit, t.dimension, t.per, t.approx, _bucket(t.value), _bucket(t.high), t.period,
            t.deadline, t.ladder, t.text if t.kind in ("achievement", "grade") else None)
        seen.setdefault(key, t)
    return list(seen.values())


ACTUAL_ROWS = _tsv("actuals.tsv")
TARGETS = _corpus_targets()
SORTS_OF_TARGET = _variety(TARGETS)


def assert_same(text, target) -> Actual:
    """parse_actual(text, target) is what every reader in turn gives, field for field."""
    got = parse_actual(text, target)
    want = _read_all(text, target)
    assert (repr(got), got.extra) == (repr(want), want.extra), (text, target)
    assert got == want
    return got


# --- the conformance corpus ---------------------------------------------------------


def test_corpus_rows_read_as_every_reader():
    for row in ACTUAL_ROWS:
        target = parse_target(row["target"], level2=row["level2"] or None, level3=row["level3"] or None,
                              year=int(row["year"]) if row["year"] else None) if row["target"] else None
        assert_same(row["text"], target)


def test_corpus_texts_against_every_corpus_target():
    """Each actual of the corpus (and its ％ / numeric-cell variants) against every target
    kind the corpus knows; the fast path must take a good share, or this proves nothing."""
    texts = [r["text"] for r in ACTUAL_ROWS]
    texts += [t.replace("%", "％") for t in texts if "%" in t]
    texts += ["95%", "95％", "12个", "19991231", "1999-12-31", "1999.12", "8039.87元/月/社区", "2023.5万元", "20231130", "45260", "0/0", "2023-02-30", "1.2.3", "95%%",
              "满意96人/调查100人", "96/100", "近600人", "约5个以上", "全年12次", "每月3次", "百分之95"]
    quick = 0
    for target in SORTS_OF_TARGET:
        for text in texts:
            assert_same(text, target)
            quick += _quick_reading(text, target) is not None
    assert len(SORTS_OF_TARGET) > 100 and quick > len(SORTS_OF_TARGET) * len(texts) // 4


# --- a generated bureau -------------------------------------------------------------


def _generate(rows: int, folder: Path) -> tuple[Path, Path]:
    spec = importlib.util.spec_from_file_location("perfscore_bench_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(rows, 3, folder)


def test_generated_bureau_reads_as_every_reader(tmp_path):
    """10⁴ rows of benchmarks/generate.py: each actual against its own target, and against
    a target drawn from the bureau (other kinds, other units)."""
    targets_csv, actuals_csv = _generate(10_000, tmp_path)
    with open(targets_csv, encoding="utf-8-sig", newline="") as f:
        long_rows = list(csv.DictReader(f))
    project = ""
    for row in long_rows:                    # merged cells: the project code on its first row only
        project = row["项目编码"] or project
        row["项目编码"] = project
    parsed = parse_targets([r["年度指标值"] for r in long_rows], [r["一级指标"] for r in long_rows],
                           [r["二级指标"] for r in long_rows], [r["三级指标"] for r in long_rows], 2023)
    target_of = {(r["项目编码"], r["三级指标"]): t for r, t in zip(long_rows, parsed)}
    with open(actuals_csv, encoding="utf-8-sig", newline="") as f:
        actual_rows = list(csv.DictReader(f))
    rng = random.Random(8)
    pairs = {(r["实际完成值"], target_of.get((r["项目编码"], r["三级指标"]))) for r in actual_rows}
    pairs |= {(text, rng.choice(parsed)) for text, _ in list(pairs)}
    quick = 0
    for text, target in pairs:
        assert_same(text, target)
        quick += _quick_reading(text, target) is not None
    assert len(pairs) > 5000 and quick > len(pairs) // 2


# --- generated texts ----------------------------------------------------------------

PREFIXES = ["", "约", "近", "将近", "全年", "共", "共计", "实际完成", "达到", "不少于", "超过", "不足", "低于",
            "增长", "同比增长", "百分之", "每月", "每季度", "每人每月", "完成", "满意", "一共", "十", "第"]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(str),
    st.decimals(min_value=0, max_value=10**5, places=3, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "0.5", "1", "1.0", "0.96", "007", "2023", "2023.5", "2024.12", "1999.9", "8039.87",
                     "20231130", "45260", "19991231", "9" * 60, "1" * 320, "0.000001"]),
)
SUFFIXES = ["", "%", "％", "‰", "元", "万元", "万", "亿", "千", "百", "千元", "亿元", "个", "次", "人", "人次", "户",
            "余人", "多人", "余", "万余元", "平方米", "公里", "米", "吨", "天", "小时", "个月", "工作日", "分",
            "元/月", "元/月/社区", "元/季度", "元/辆", "元/人·月", "万元/季度", "次/月", "次/年", "/月", "每月",
            "个以上", "个以上社区", "以上", "以下", "以内", "左右", "人左右", "万元以内", "个社区", "个月以上",
            "年", "月", "季度", "满意", "人满意", "完成", "到位", "百分点", "个百分点", "万万", "元/", "元//月",
            "%以上", "万%", "百分比", "十", "一般", "名", "家", "·", "/"]
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)


@st.composite
def number_texts(draw) -> str:
    """A number with words around it, mostly the shapes actuals are written in."""
    pre = draw(st.one_of(st.sampled_from(PREFIXES), st.text(HAN, max_size=2)))
    post = draw(st.one_of(st.sampled_from(SUFFIXES), st.text(HAN, max_size=3),
                          st.tuples(st.sampled_from(SUFFIXES), st.sampled_from(SUFFIXES)).map("".join)))
    return pre + draw(NUMBERS) + post


# Texts of the fast path's characters only: dates, surveys, fractions, several numbers.
quick_alphabet = st.text(st.sampled_from(list("0123456789..--//%％‰·年月日满意人调查元万个次余以上")),
                         min_size=1, max_size=12)


@fast
@given(number_texts(), st.sampled_from(TARGETS))
def test_number_texts_read_as_every_reader(text, target):
    assert_same(text, target)


@fast
@given(quick_alphabet, st.sampled_from(TARGETS))
def test_texts_of_the_fast_alphabet_read_as_every_reader(text, target):
    assert_same(text, target)


@fast
@given(st.text(max_size=8), st.sampled_from(TARGETS))
def test_any_text_reads_as_every_reader(text, target):
    assert_same(text, target)


# --- the pieces -----------------------------------------------------------------------


def test_the_words_around_a_number_are_read_once_per_spelling():
    from perfscore.values import quantity

    quantity._words.cache_clear()
    for n in ("98.9", "12", "45000", "0.5"):
        read_quantity(f"{n}万元")
    info = quantity._words.cache_info()
    assert (info.misses, info.hits) == (1, 3)
    q = read_quantity("98.9万元")
    assert (q.value, q.written, q.unit.name, q.scaled) == (Decimal("989000.0"), Decimal("98.9"), "元", True)
    assert read_quantity("45000元/月/社区").per == ("月", "社区")


@pytest.mark.parametrize("text, reason", [
    # the words are refused before the number is looked at …
    ("甲乙丙5x", "数字后的文字「x」无法理解（不是已知单位）"),
    # … a Chinese numeral inside words before the unit …
    ("一站式服务", "「一站式服务」中的「一」是词语的一部分，不是数量"),
    # … the unit before the size of the number …
    ("5吨人", "无法识别的单位「吨人」"),
    ("百分之5元", "「百分之」后不应再有单位"),
    ("5万%", "百分数前不应有「万/千/百」"),
    # … and the size before the denominators and suffixes
    ("5/月1", "含有多个数字"),
    ("5个以上社区以上", "「以上」与「以上」重复"),
])
def test_refusals_in_the_order_the_reader_meets_them(text, reason):
    with pytest.raises(NotAQuantity) as exc:
        read_quantity(normalize(text))
    assert exc.value.args[0] == reason


def test_the_fast_alphabet_needs_no_normalising():
    """Every character _QUICK admits and OpenCC leaves alone (found by trying each one of the BMP) is one normalize()
    leaves alone, wherever it stands, or ％ (folded to %); none around a lone number is a
    digit, '.' or ',' (so the pattern's number is the one read_quantity takes)."""
    admitted, around_number = set(), set()
    for c in map(chr, range(0x20, 0x10000)):
        if 0xD800 <= ord(c) < 0xE000:
            continue
        for text in (f"1{c}", f"{c}1", f"1{c}1", f"{c}1{c}"):
            m = _QUICK.fullmatch(text)
            if m and to_simplified(text) == text:  # _quick_reading leaves traditional text to every reader
                admitted.add(c)
                if m["digits"] is not None and m["digits"] != text:
                    around_number.add(c)
    assert len(admitted) > 15000 and "％" in admitted
    assert {c for c in admitted if normalize(c) != c} == {"％"} and normalize("％") == "%"
    for c in admitted:
        text = f"{c}1{c}2{c}"
        assert normalize(text) == text.replace("％", "%"), c
    assert not re.search(r"[\d.,]", "".join(around_number))


def test_no_fixed_word_is_a_fast_path_text():
    """Why the fast path may skip the word readers: no fixed word (nor the part of one after
    a wrapper such as 实际为) is made of its characters with a digit; 0/0 is turned away."""
    vocab = [*words.NOT_A_NUMBER, *words.NOT_APPLICABLE, *words.PLACEHOLDERS, *words.TIER_OF_WORD,
             *words.COMPLETION_WORDS, *words.GRADE_ALIASES, *words.GRADE_ALIASES.values(), *words.YES_NO,
             *(w for ladder in words.LADDERS for w in ladder)]
    assert [w for w in vocab if _QUICK.fullmatch(w)] == ["0/0"]
    assert _quick_reading("0/0", None) is None
    assert not re.search(r"[0-9]", words.PLACEHOLDER_PATTERN)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(_STRONG_DATE, fullmatch=False).map(lambda s: s.strip()), st.sampled_from([None, 2023]))
def test_no_date_without_a_known_year(text, year):
    """The fast path asks parse_actual_date only for 19xx/20xx years: elsewhere it finds none."""
    s = normalize(text)
    if _STRONG_DATE.match(s) and not _YEAR_DATE.match(s):
        assert dates.parse_actual_date(s, year) is None


@fast
@given(st.integers(1900, 2099), st.integers(0, 13), st.integers(0, 32), st.booleans(), st.sampled_from([None, 2023]))
def test_iso_days_read_as_the_calendar_has_them(y, m, d, padded, year):
    text = f"{y}-{m:02d}-{d:02d}" if padded else f"{y}-{m}-{d}"
    try:
        day = datetime.date(y, m, d)
    except ValueError:   # 2023-02-30, month 13, day 0: a date that does not exist, said so
        assert dates.parse_actual_date(text, year) == (None, f"日期「{text}」不存在")
    else:
        assert dates.parse_actual_date(text, year) == (day.isoformat(), None)


# --- the faster __init__ of the value types -----------------------------------------------


def _as_dataclasses_makes_it(cls):
    """The class again, with the __init__ dataclasses generates (frozen, slots)."""
    fields = [(f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory,
                                                 repr=f.repr, hash=f.hash, compare=f.compare))
              for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True, slots=True)


REFERENCE = {cls: _as_dataclasses_makes_it(cls) for cls in (Actual, Target)}


@pytest.mark.parametrize("cls", [Actual, Target])
def test_slot_init_has_the_dataclass_signature(cls):
    ours, theirs = inspect.signature(cls.__init__), inspect.signature(REFERENCE[cls].__init__)
    assert [(p.name, p.kind) for p in ours.parameters.values()] == \
        [(p.name, p.kind) for p in theirs.parameters.values()]
    for p, q in zip(ours.parameters.values(), theirs.parameters.values()):
        assert repr(p.default) == repr(q.default)


def _built_by_dataclass(cls, *args, **kwargs):
    """``cls(*args, **kwargs)`` as dataclasses' own __init__ would fill it."""
    theirs = REFERENCE[cls](*args, **kwargs)
    obj = object.__new__(cls)
    for f in dataclasses.fields(cls):
        object.__setattr__(obj, f.name, getattr(theirs, f.name))
    return obj


@pytest.mark.parametrize("args, kwargs", [
    (("96%", "number"), {"value": 96.0, "unit": "%", "dimension": "percent", "extra": {"written": "96%"}}),
    (("优",), {"kind": "grade", "grade": "优"}),
    (("", "empty"), {}),
    (("x", "survey", 96.0, "%", "percent", (), None, None, None, None, None, (96, 100), True, "r", {"a": 1}), {}),
])
def test_slot_init_builds_the_dataclass_actual(args, kwargs):
    ours, theirs = Actual(*args, **kwargs), _built_by_dataclass(Actual, *args, **kwargs)
    assert ours == theirs and repr(ours) == repr(theirs)
    assert Actual("a", "empty").extra is not Actual("a", "empty").extra     # a fresh dict each
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.text = "y"
    with pytest.raises(TypeError):
        Actual("only text")


def test_slot_init_builds_the_dataclass_target():
    kwargs = {"text": "≥95%", "kind": "comparison", "op": ">=", "value": 95.0, "unit": "%", "per": ("月",)}
    assert repr(Target(**kwargs)) == repr(_built_by_dataclass(Target, **kwargs))
    assert hash(Target(**kwargs)) == hash(_built_by_dataclass(Target, **kwargs))
    assert UNITS["%"].name == "%"


# --- parse_actuals numbers its targets instead of hashing them per row ----------------------


def test_parse_actuals_is_parse_actual_per_row():
    targets = [parse_target(t) for t in ("≥95%", "≤8500元/月/社区", "2023年12月31日前完成", "优", "≥95%")]
    texts = ["96%", "0.96", "8039.87元/月/社区", "2023-11-30", "良", None, "96%", 96, 96.0, "见附件"]
    rows_t = [targets[i % len(targets)] for i in range(len(texts) * 3)]
    rows_a = [texts[i % len(texts)] for i in range(len(texts) * 3)]
    got = parse_actuals(rows_a, rows_t)
    want = [parse_actual(a, t) for a, t in zip(rows_a, rows_t)]
    assert [(repr(a), a.extra) for a in got] == [(repr(a), a.extra) for a in want]


def test_parse_actuals_shares_one_reading_between_equal_pairs():
    first, equal = parse_target("≥95%"), parse_target("≥95%")
    assert first is not equal and first == equal
    got = parse_actuals(["96%", "96%", "97%"], [first, equal, equal])
    assert got[0] is got[1] and got[2] is not got[0]


def test_parse_actuals_takes_unhashable_targets_and_cells():
    odd = Target(text="≥95%", kind="comparison", op=">=", value=95.0, unit="%", per=["月"])   # a list: unhashable
    got = parse_actuals(["96%", ["96%"]], [odd, parse_target("≥95%")])
    assert got == [parse_actual("96%", odd), parse_actual(["96%"], parse_target("≥95%"))]


def test_parse_actuals_with_targets_built_on_each_access():
    """A sequence that builds a new Target per access: a freed target's id is soon another's."""

    class Fresh:
        def __init__(self, texts):
            self.texts = texts

        def __len__(self):
            return len(self.texts)

        def __getitem__(self, i):
            return parse_target(self.texts[i])

    printed = ["≥95%", "≤5个", "≥3次", "≤8500元/月"] * 50
    got = parse_actuals(["4"] * len(printed), Fresh(printed))
    assert [(a.unit, a.value) for a in got] == [(parse_actual("4", parse_target(t)).unit, 4.0) for t in printed]


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.decimals(places=4, min_value=-10**8, max_value=10**8,
                                                                     allow_nan=False).map(float))
def test_format_number_without_decimal_is_the_decimal_form(value):
    """format_number returns repr for positional non-integers: what the Decimal route gives."""
    from decimal import Decimal

    from perfscore.values.numerals import format_number

    if value == int(value) and abs(value) < 1e16:
        want = str(int(value))
    else:
        want = format(Decimal(repr(value)), "f")
        if "." in want:
            want = want.rstrip("0").rstrip(".")
    assert format_number(value) == want


def test_format_number_takes_numpy_floats_as_floats():
    import numpy as np

    from perfscore.values.numerals import format_number

    assert format_number(np.float64(96.5)) == format_number(96.5) == "96.5"
    assert format_number(np.float64(250000.0)) == "250000"


def test_a_pair_is_read_once_per_process(monkeypatch):
    """The engine and the checks read the same (text, target) pairs: the second reading is
    the first one's object; the store is bounded; an unhashable cell is read all the same."""
    target = parse_target("≥100人次")
    first = A.parse_actual("120人次", target)
    assert A.parse_actual("120人次", target) is first
    assert A.parse_actual("120人次", parse_target("≥100人次")) is first       # an equal target
    assert A.parse_actual("120人次", None) is not first
    assert A._read_all("120人次", target) == first
    monkeypatch.setattr(A, "_READINGS", {})
    monkeypatch.setattr(A, "_READINGS_MAX", 8)
    for n in range(50):
        A.parse_actual(f"{n}人次", target)
        assert len(A._READINGS) <= 8
    assert A.parse_actual(["120人次"], target).kind == A._read_all(["120人次"], target).kind
