"""Rounding and formatting never produce a negative zero ("-0.00")."""

from __future__ import annotations

import numpy as np

from perfscore.scoring.numeric import format_fixed, to_quanta


def test_a_tiny_negative_rounds_to_plain_zero():
    q = to_quanta([-0.001, -0.0, 0.004], 2)
    assert list(q) == [0.0, 0.0, 0.0]
    assert not np.signbit(q).any()


def test_format_fixed_writes_zero_without_a_sign_whatever_the_neighbours():
    assert list(format_fixed([-0.0], 2)) == ["0.00"]
    assert list(format_fixed([-0.0, 0.0], 2)) == ["0.00", "0.00"]
    assert list(format_fixed([0.0, -0.0, 1.0], 4)) == ["0.0000", "0.0000", "1.0000"]
    assert list(format_fixed([-0.5, float("nan")], 2)) == ["-0.50", ""]
