"""Properties of the value grammar: parse ∘ render is the identity, unit conversions
round-trip, and no text makes the parsers raise."""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfscore.values import Target, convert, parse_actual, parse_target, render_target
from perfscore.values.numerals import format_number
from perfscore.values.units import UNITS

# Fields that describe how the printed form was read rather than what it means.
_NOT_COMPARED = {"text", "inferred", "reason"}
# Set per test (not a global profile): other test modules keep their own settings.
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_reading(a: Target, b: Target) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(Target) if f.name not in _NOT_COMPARED)


def assert_round_trip(t: Target, year: int | None) -> None:
    canonical = render_target(t)
    again = parse_target(canonical, year=year)
    assert same_reading(t, again), (t, canonical, again)
    assert render_target(again) == canonical


# --- generated printed texts ----------------------------------------------------------

OPS = ["", "≥", "≤", ">", "<", "=", "＞", "≧", "不少于", "不低于", "大于等于", "至少", "达到", "不超过", "不高于",
       "小于等于", "低于", "高于", "控制在", "约"]
SUFFIXES = ["", "以上", "以下", "以内", "及以上", "左右"]
UNIT_SPELLINGS = ["", "元", "万元", "万", "亿元", "千元", "%", "％", "‰", "个", "次", "人", "人次", "户", "辆", "台",
                  "件", "项", "平方米", "㎡", "公里", "km", "吨", "千克", "天", "小时", "个月", "工作日", "分"]
PERS = ["", "/月", "/季度", "/年", "/人", "/辆", "/月/社区", "/人·月", "/人*月", "每月"]
PERIODS = ["年", "半年", "季度", "季", "月", "周", "两个月", "3个月"]
COUNT_UNITS = ["次", "期", "场", "篇", "人次"]

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(str),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=1000, max_value=10**9).map(lambda n: f"{n:,}"),
)


@st.composite
def printed_targets(draw):
    kind = draw(st.sampled_from(["quantity", "range", "frequency", "deadline", "word"]))
    if kind == "quantity":
        return (draw(st.sampled_from(OPS)) + draw(numbers) + draw(st.sampled_from(UNIT_SPELLINGS))
                + draw(st.sampled_from(PERS)) + draw(st.sampled_from(SUFFIXES)))
    if kind == "range":
        low = draw(st.integers(min_value=0, max_value=1000))
        high = low + draw(st.integers(min_value=0, max_value=1000))
        unit = draw(st.sampled_from(["", "%", "个", "万元", "元/月"]))
        sep = draw(st.sampled_from(["-", "~", "至", "到", "～"]))
        both = unit == "%" and draw(st.booleans())
        return f"{low}{unit if both else ''}{sep}{high}{unit}"
    if kind == "frequency":
        return (f"每{draw(st.sampled_from(PERIODS))}{draw(st.sampled_from(['', '至少', '不少于', '开展']))}"
                f"{draw(st.integers(min_value=1, max_value=30))}{draw(st.sampled_from(COUNT_UNITS))}")
    if kind == "deadline":
        return draw(st.sampled_from([
            "2023年底前完成", "2024年12月31日前完成", "6月底前", "上半年", "下半年", "年内", "第三季度",
            "一季度末", "2023年6月底前", "9月30日前完成", "12月前完成", "2023-10-31前", "本年度内完成",
        ]))
    return draw(st.sampled_from([
        "优", "良", "中", "差", "好", "较好", "一般", "较差", "高", "较高", "低", "优秀", "良好以上",
        "达成预期指标", "效果明显", "及时", "按时完成", "不适用", "—", "无", "*", "abc", "有效提升",
    ]))


@fast
@given(printed_targets(), st.sampled_from([None, 2023]))
def test_parse_of_render_is_identity_on_printed_texts(text, year):
    t = parse_target(text, year=year)
    assert_round_trip(t, year)


# Strings over the grammar's own alphabet: mostly nonsense, often almost a target. Whatever
# they read as, the canonical text must read the same way.
GRAMMAR_ALPHABET = "0123456789.,%万元个次人/-~≥≤><=年月日季度周每约余以上下内至到优良是否不少于超过千百亿两三十·*㎡公里吨天小时"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=GRAMMAR_ALPHABET, max_size=12), st.sampled_from([None, 2023]))
def test_parse_of_render_is_identity_on_grammar_noise(text, year):
    assert_round_trip(parse_target(text, year=year), year)


# --- constructed readings -------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
units_for_comparison = st.sampled_from([None, "元", "%", "‰", "个", "次", "人次", "平方米", "公里", "吨", "天",
                                        "小时", "月", "工作日", "辆"])
per_words = st.sampled_from([(), ("月",), ("季度",), ("月", "社区"), ("人", "月"), ("辆",), ("台",)])


@fast
@given(st.sampled_from([">=", "<=", "=", ">", "<"]), finite, units_for_comparison, per_words, st.booleans())
def test_constructed_comparisons_round_trip(op, value, unit, per, approx):
    # a count per period (``≥2次/月``) is a frequency, not a comparison
    assume(not (unit and UNITS[unit].dimension == "count" and per in (("月",), ("季度",))))
    dimension = UNITS[unit].dimension if unit else None
    t = Target(text="", kind="comparison", op="=" if approx else op, value=value, unit=unit,
               dimension=dimension, per=per, approx=approx)
    assert_round_trip(t, None)


@fast
@given(finite, st.floats(min_value=0, max_value=1e9, allow_nan=False), st.sampled_from([None, "%", "个", "元"]))
def test_constructed_ranges_round_trip(low, width, unit):
    high = low + width
    assume(math.isfinite(high) and low <= high)
    t = Target(text="", kind="range", low=low, high=high, unit=unit,
               dimension=UNITS[unit].dimension if unit else None)
    assert_round_trip(t, None)


@fast
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from([None, 2023]))
def test_constructed_deadlines_round_trip(day, year):
    t = Target(text="", kind="deadline", deadline=day.isoformat())
    assert_round_trip(t, year)


# --- conversions ----------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**10, places=4, allow_nan=False).map(float)
PAIRS = [("元", "万元"), ("万元", "亿元"), ("元", "亿元"), ("千元", "元"), ("%", "‰"), ("公里", "米"),
         ("吨", "千克"), ("天", "小时"), ("平方米", "亩"), ("月", "年")]


@fast
@given(money, st.sampled_from(PAIRS))
def test_conversions_round_trip(value, pair):
    a, b = pair
    there = convert(value, a, b)
    back = convert(there, b, a)
    assert math.isclose(back, value, rel_tol=1e-12, abs_tol=1e-9)


@fast
@given(money)
def test_money_written_in_wan_reads_in_yuan(amount_wan):
    target = parse_target("≤100元")
    actual = parse_actual(f"{format_number(amount_wan)}万元", target)
    assert actual.kind == "number" and actual.unit == "元"
    assert math.isclose(actual.value, amount_wan * 10_000, rel_tol=1e-12)
    # and back: the 元 figure written out in 亿元 reads the same
    again = parse_actual(f"{format_number(actual.value / 1e8)}亿元", target)
    assert math.isclose(again.value, actual.value, rel_tol=1e-9)


@fast
@given(st.decimals(min_value=0, max_value=1000, places=3).map(float))
def test_permille_and_percent_convert_both_ways(permille):
    as_percent = parse_actual(f"{format_number(permille)}‰", parse_target("≥95%"))
    assert as_percent.unit == "%" and math.isclose(as_percent.value, permille / 10, rel_tol=1e-12, abs_tol=1e-12)
    back = parse_actual(f"{format_number(as_percent.value)}%", parse_target("≤5‰"))
    assert back.unit == "‰" and math.isclose(back.value, permille, rel_tol=1e-9, abs_tol=1e-9)


def test_incomparable_units_refuse_to_convert():
    with pytest.raises(ValueError):
        convert(1.0, "元", "个")


# --- robustness -----------------------------------------------------------------------

@fast
@given(st.one_of(st.text(max_size=40), st.text(alphabet=GRAMMAR_ALPHABET, max_size=14)), st.sampled_from([None, "≥95%", "≤46875元/月", "优", "2023年底前完成", "每季度1次",
                                                "达成预期指标", "90%-95%", "≤1%"]))
def test_parsers_never_raise(text, target_text):
    target = parse_target(text, level3=text, year=2023)
    assert target.kind in ("comparison", "range", "deadline", "frequency", "grade", "achievement",
                           "not_applicable", "unreadable")
    if target.kind == "unreadable":
        assert target.reason
    render_target(target)
    actual = parse_actual(text, parse_target(target_text, year=2023) if target_text else None)
    if actual.kind == "unreadable":
        assert actual.reason
    if actual.value is not None:
        assert math.isfinite(actual.value)


@fast
@given(st.sampled_from(PERIODS), st.integers(min_value=1, max_value=50))
def test_frequency_counts_per_year(period, n):
    per_year = {"年": 1, "半年": 2, "季度": 4, "季": 4, "月": 12, "周": 52, "两个月": 6, "3个月": 4}[period]
    t = parse_target(f"每{period}{n}次")
    assert t.kind == "frequency" and t.op == ">="
    assert math.isclose(t.count_per_year, n * per_year)
