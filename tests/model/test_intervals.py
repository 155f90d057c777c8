import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.intervals import Intervals


def test_measure_covered_and_its_inverse_by_hand():
    iv = Intervals([2.0, 10.0, 14.0], [5.0, 12.0, 20.0])  # lengths 3, 2, 6
    assert iv.total == 11
    assert [iv.until(t) for t in (0, 2, 3.5, 5, 8, 11, 12, 13, 20, 99)] == [0, 0, 1.5, 3, 3, 4, 5, 5, 11, 11]
    assert iv.at(0) == 2.0
    assert iv.at(3) == 5.0  # the end of the first interval, not the start of the second
    assert iv.at(3.5) == 10.5
    assert iv.at(11) == 20.0
    assert iv.at(11.5) == math.inf


def test_no_intervals_cover_nothing():
    iv = Intervals([], [])
    assert iv.total == 0 and iv.until(5) == 0 and iv.at(0) == math.inf


@given(st.lists(st.floats(0.01, 10), min_size=2, max_size=40), st.floats(0, 1))
def test_at_inverts_until(steps, share):
    edges = [sum(steps[: k + 1]) for k in range(len(steps) - len(steps) % 2)]
    iv = Intervals(edges[0::2], edges[1::2])
    measure = share * iv.total
    assert math.isclose(iv.until(iv.at(measure)), measure, abs_tol=1e-9)


def test_an_interval_needs_both_ends():
    with pytest.raises(ValueError):
        Intervals([0.0, 2.0], [1.0])


def test_until_and_at_on_a_single_interval_by_hand():
    iv = Intervals([1.0], [4.0])  # covers 3 from 1 to 4
    assert [iv.until(t) for t in (0.5, 1.0, 2.5, 4.0, 9.0)] == [0.0, 0.0, 1.5, 3.0, 3.0]
    assert [iv.at(m) for m in (0.0, 1.5, 3.0)] == [1.0, 2.5, 4.0]
    assert iv.at(3.01) == math.inf
