import math

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
