"""AHP and entropy weights (issue 18): published worked examples and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from perfscore.errors import DataError
from perfscore.scoring import ahp as A
from perfscore.scoring.entropy import entropy_weights
from perfscore.scoring.numeric import apportion_quanta, split_quanta

# Saaty's house example, criteria: size of house, transportation, neighborhood, age of
# house, yard space, modern facilities, general condition, financing.
SAATY_1990 = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]
SAATY_NAMES = ("住房大小", "交通", "邻里", "房龄", "院子", "现代设施", "总体状况", "贷款条件")


def test_saaty_1990_house_example():
    """T. L. Saaty, "How to make a decision: The Analytic Hierarchy Process", European
    Journal of Operational Research 48 (1990) 9–26, Table 2 (the house-buying criteria):
    printed priorities .173 .054 .188 .018 .031 .036 .167 .333, λmax = 9.669,
    C.I. = 0.238, C.R. = 0.169. http://creativedecisions.net/papers/index.php?section=showPapers&action=showFullPaper&id=185
    (text also at https://www.scribd.com/doc/152351928/AHP-Decisions)."""
    res = A.analyse(np.array(SAATY_1990), SAATY_NAMES)
    assert [round(w, 3) for w in res.weights] == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(res.lambda_max, 3) == 9.669
    assert round(res.ci, 3) == 0.238
    assert res.ri == 1.41
    assert round(res.cr, 3) == 0.169
    assert not res.consistent
    # The judgement furthest from the weights: neighbourhood 6 × general condition,
    # where the weights imply about 1.13.
    assert (SAATY_NAMES[res.worst.i], SAATY_NAMES[res.worst.j]) == ("邻里", "总体状况")
    assert res.worst.judged == 6
    assert res.worst.implied == pytest.approx(res.weights[2] / res.weights[6])


def test_saaty_random_index_table():
    """Saaty (1980): n = 3..10 → 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49."""
    assert [A.RANDOM_INDEX[n] for n in range(3, 11)] == [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert "Saaty (1980)" in A.RANDOM_INDEX_SOURCE


def test_two_criteria_are_always_consistent():
    res = A.analyse(np.array([[1, 7], [1 / 7, 1]]), ("甲", "乙"))
    assert res.cr == 0 and res.consistent and res.worst is None
    assert res.weights == pytest.approx([7 / 8, 1 / 8])


weights_st = st.lists(st.floats(min_value=0.01, max_value=1.0), min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(weights_st)
def test_consistent_matrix_gives_back_its_weights(raw):
    w = np.array(raw) / sum(raw)
    res = A.analyse(A.consistent_matrix(w), tuple(f"c{i}" for i in range(len(w))))
    assert res.weights == pytest.approx(w, abs=1e-9)
    assert abs(res.cr) < 1e-9
    assert res.lambda_max == pytest.approx(len(w), abs=1e-9)
    assert res.weights.sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.05, 1), st.floats(0.05, 1)), min_size=3, max_size=8))
def test_geometric_mean_of_two_consistent_experts(pairs):
    """Two consistent experts with weights u and v: the geometric mean matrix is the
    consistent matrix of √(u·v), so the combined weights are √(u·v) normalised."""
    u = np.array([p[0] for p in pairs])
    v = np.array([p[1] for p in pairs])
    combined = A.geometric_mean([A.consistent_matrix(u), A.consistent_matrix(v)])
    res = A.analyse(combined, tuple(range(len(u))))
    expect = np.sqrt(u * v)
    assert res.weights == pytest.approx(expect / expect.sum(), abs=1e-9)
    assert abs(res.cr) < 1e-9


def test_hierarchy_global_weights_and_total_cr():
    top = A.analyse(np.array([[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]]), ("产出指标", "效益指标", "满意度指标"))
    out = A.analyse(np.array([[1, 3], [1 / 3, 1]]), ("数量指标", "质量指标"))
    ben = A.analyse(np.array([[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]]), ("社会", "可持续", "经济"))
    results = {"一级": top, "产出指标": out, "效益指标": ben}
    nodes = A.combine(results, "一级")
    g = {n.name: n.global_ for n in nodes}
    assert g["数量指标"] == pytest.approx(top.weights[0] * 0.75)
    assert g["经济"] == pytest.approx(top.weights[1] * ben.weights[2])
    leaves = [n for n in nodes if not n.children]
    assert sum(n.global_ for n in leaves) == pytest.approx(1.0)
    assert [n.name for n in nodes][:3] == ["产出指标", "数量指标", "质量指标"]  # depth first, matrix order
    expected = top.cr + (top.weights[0] * out.ci + top.weights[1] * ben.ci) / (top.weights[0] * 0 + top.weights[1] * 0.58)
    assert A.hierarchy_cr(results, nodes, "一级") == pytest.approx(expected)


# --- entropy -----------------------------------------------------------------------------


def test_entropy_xu_2004():
    """X. Xu, "A note on the subjective and objective integrated approach to determine
    attribute weights", European Journal of Operational Research 156 (2004) 530–532,
    https://doi.org/10.1016/S0377-2217(03)00146-2: printed entropy weights
    0.4630, 0.3992, 0.1378, 0.0000 (data as transcribed in the pyrepo-mcda tests)."""
    x = np.array([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
    res = entropy_weights(x, ("a1", "a2", "a3", "a4"))
    assert [round(w, 4) for w in res.weights] == [0.4630, 0.3992, 0.1378, 0.0000]


def test_entropy_elsayed_2017():
    """E. A. Elsayed, A. S. Dawood, R. Karthikeyan, "Evaluating alternatives through the
    application of TOPSIS method with entropy weight", International Journal of
    Engineering Trends and Technology 46 (2) (2017) 60–66: printed weights 0.104991,
    0.069124, 0.071373, 0.449937, 0.304575 (data and weights as transcribed in pymcdm's
    test/test_weights.py, e.g. https://github.com/leeeeeeeee2/mcda)."""
    x = np.array([[7, 312, 1891, 6613, 163], [72, 88, 728, 941804, 1078], [10, 252, 2594, 3466, 117471],
                  [10, 145, 980, 2371, 86329], [65, 54, 350, 501, 29897], [29, 48, 380, 912, 34051],
                  [7, 476, 3300, 78470, 2212], [70, 87, 650, 733, 819000], [4, 86, 591, 3015, 103],
                  [12, 79, 579, 3240, 96098], [21, 45, 261, 1253, 453], [1, 72, 530, 4333, 0.104800]])
    res = entropy_weights(x, tuple("abcde"))
    assert [round(w, 6) for w in res.weights] == [0.104991, 0.069124, 0.071373, 0.449937, 0.304575]


data_st = st.lists(st.lists(st.floats(0.5, 1000), min_size=3, max_size=3), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(data_st, st.floats(0.001, 1000), st.integers(0, 2))
def test_entropy_scaling_a_column_changes_nothing(rows, c, col):
    x = np.array(rows)
    scaled = x.copy()
    scaled[:, col] *= c
    try:
        a = entropy_weights(x, ("x", "y", "z"))
    except DataError:  # every column constant: no weights, for the scaled data neither
        with pytest.raises(DataError):
            entropy_weights(scaled, ("x", "y", "z"))
        return
    # Columns all but constant leave 1 − e at rounding-noise size: nothing to compare.
    assume((1 - a.entropy).sum() > 1e-6)
    b = entropy_weights(scaled, ("x", "y", "z"))
    assert b.weights == pytest.approx(a.weights, abs=1e-9)
    assert a.weights.sum() == pytest.approx(1.0)
    assert (a.entropy <= 1).all() and (a.entropy >= 0).all()


@settings(max_examples=40, deadline=None)
@given(data_st, st.floats(0.01, 100), st.floats(-100, 100))
def test_entropy_minmax_is_affine_invariant(rows, c, shift):
    x = np.array(rows)
    try:
        a = entropy_weights(x, ("x", "y", "z"), normalize="minmax")
    except DataError:
        return
    assume((1 - a.entropy).sum() > 1e-6)
    b = entropy_weights(x * c + shift, ("x", "y", "z"), normalize="minmax")
    assert b.weights == pytest.approx(a.weights, abs=1e-7)
    assert a.weights.sum() == pytest.approx(1.0)


def test_entropy_constant_and_zero_columns_are_said():
    x = np.array([[5, 0, 1], [5, 3, 2], [5, 6, 4]])
    res = entropy_weights(x, ("常数", "有零", "普通"))
    assert res.weights[0] == 0 and res.entropy[0] == 1
    assert res.weights.sum() == pytest.approx(1.0)
    assert any("「常数」各行取值相同" in n for n in res.notes)
    assert any("「有零」有1个0值" in n for n in res.notes)


def test_entropy_reverse_indicator_flips_minmax():
    x = np.array([[1.0, 10], [2, 20], [4, 30]])
    plain = entropy_weights(x, ("成本", "数量"), normalize="minmax")
    flipped = entropy_weights(x, ("成本", "数量"), normalize="minmax", reverse={"成本"})
    # Reversed, the cost column is (4−x)/3 = 1, 2/3, 0 instead of 0, 1/3, 1.
    p = np.array([1, 2 / 3]) / (5 / 3)
    e = -(p * np.log(p)).sum() / np.log(3)
    assert flipped.entropy[0] == pytest.approx(e)
    assert plain.entropy[0] != pytest.approx(e)
    assert any("反向指标" in n and "「成本」" in n for n in flipped.notes)


def test_entropy_all_constant_is_an_error():
    with pytest.raises(DataError, match="熵权法无法给出权重"):
        entropy_weights(np.array([[1, 2], [1, 2]]), ("a", "b"))


# --- apportioning points -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 10)), min_size=1, max_size=20), st.integers(0, 10000))
def test_apportion_adds_up_and_equal_shares_match_split(rows, total):
    key = np.array([r[0] for r in rows])
    share = np.array([r[1] for r in rows])
    tot = np.full(len(rows), float(total))
    q = apportion_quanta(tot, share, key)
    for k in set(key.tolist()):
        assert q[key == k].sum() == total
    assert (q >= 0).all() and (q == np.round(q)).all()
    pos = np.array([int((key[:i] == key[i]).sum()) for i in range(len(key))])
    cnt = np.array([int((key == k).sum()) for k in key])
    assert (apportion_quanta(tot, np.ones(len(rows)), key) == split_quanta(tot, pos, cnt)).all()


def test_a_column_equal_up_to_rounding_is_constant():
    """Found by hypothesis: 0.5 and 0.5000000000000001 are one value; min-max scaling must not
    turn the rounding difference into a full 0…1 spread (and a weight)."""
    rows = np.array([[1.0, 1.0, 0.5], [1.0, 2.0, 0.5000000000000001]])
    for mode in ("share", "minmax"):
        res = entropy_weights(rows, ("x", "y", "z"), normalize=mode)
        assert res.weights[2] == 0 and res.entropy[2] == 1
        assert res.weights == pytest.approx(entropy_weights(rows + 1.0, ("x", "y", "z"), normalize=mode).weights)
