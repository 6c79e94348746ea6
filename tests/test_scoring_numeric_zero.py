"""Rounding and formatting never produce a negative zero ("-0.00")."""

from __future__ import annotations

import numpy as np

from perfscore.scoring.numeric import format_fixed, round_half_up, to_quanta


def test_a_tiny_negative_rounds_to_plain_zero():
    q = to_quanta([-0.001, -0.0, 0.004], 2)
    assert list(q) == [0.0, 0.0, 0.0]
    assert not np.signbit(q).any()


def test_format_fixed_writes_zero_without_a_sign_whatever_the_neighbours():
    assert list(format_fixed([-0.0], 2)) == ["0.00"]
    assert list(format_fixed([-0.0, 0.0], 2)) == ["0.00", "0.00"]
    assert list(format_fixed([0.0, -0.0, 1.0], 4)) == ["0.0000", "0.0000", "1.0000"]
    assert list(format_fixed([-0.5, float("nan")], 2)) == ["-0.50", ""]


def test_round_half_up_of_one_number_goes_by_its_decimal_text():
    """scoring.numeric.round_half_up, the one scalar rounding (review deviations, risk points,
    amounts in the comparison): half up on repr, never −0.0, ``digits`` decimals."""
    cases = [(0.125, 2, 0.13), (2.675, 2, 2.68), (1.005, 2, 1.01), (-0.125, 2, -0.13), (0.124999, 2, 0.12),
             (700.0000000000001, 2, 700.0), (12.5, 0, 13.0), (-6.25, 1, -6.3), (3.14159, 4, 3.1416)]
    for x, digits, want in cases:
        assert round_half_up(x, digits) == want, (x, digits)
    for tiny in (-0.004, -0.0, -1e-12):
        got = round_half_up(tiny)
        assert got == 0.0 and not np.signbit(got), tiny
    assert repr(round_half_up(0.1 + 0.2)) == "0.3"
