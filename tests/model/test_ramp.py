import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model import ramp
from sim.scenario.products import Ramp


def test_s_curve_runs_from_start_fraction_to_full_rate():
    r = Ramp(months_to_full_rate=6, start_fraction=0.2)
    assert ramp.fraction(r, 0) == 0.2
    assert ramp.fraction(r, 3 * ramp.DAYS_PER_MONTH) == pytest.approx(0.6)  # half way: smoothstep(0.5) = 0.5
    assert ramp.fraction(r, 6 * ramp.DAYS_PER_MONTH) == 1.0
    assert ramp.fraction(r, 100 * ramp.DAYS_PER_MONTH) == 1.0


def test_steps_hold_the_midpoint_value_and_end_at_full_rate():
    r = Ramp(months_to_full_rate=1, start_fraction=0.5, curve="linear", step_days=7)
    steps = ramp.steps(r)
    assert [d for d, _ in steps] == [0, 7, 14, 21, 28, ramp.DAYS_PER_MONTH]
    assert steps[0][1] == pytest.approx(0.5 + 0.5 * 3.5 / ramp.DAYS_PER_MONTH)
    assert steps[-1][1] == 1.0


@given(st.floats(0.1, 1.0), st.floats(0.5, 24), st.integers(1, 31))
def test_linear_steps_integrate_the_curve_exactly(start, months, step_days):
    # The midpoint rule is exact for a straight line: the held steps carry the curve's area.
    r = Ramp(months_to_full_rate=months, start_fraction=start, curve="linear", step_days=step_days)
    steps = ramp.steps(r)
    area = sum((b[0] - a[0]) * a[1] for a, b in itertools.pairwise(steps))
    length = months * ramp.DAYS_PER_MONTH
    assert area == pytest.approx(length * (start + 1) / 2, rel=1e-9)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(steps))
