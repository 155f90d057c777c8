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


def test_learning_merges_the_rate_and_yield_steps():
    from sim.scenario.products import Product

    p = Product.model_validate(
        {
            "id": "ev",
            "brand": "X",
            "owner": "x",
            "demand": {"units_per_month": 1},
            "first_pass_yield": 0.9,
            "ramp": {"months_to_full_rate": 0.5, "start_fraction": 0.5, "curve": "linear", "step_days": 7},
            "yield_learning": {"start_first_pass_yield": 0.7, "months_to_mature": 1},
        }
    )
    steps = ramp.learning(p)
    half, month = ramp.DAYS_PER_MONTH / 2, ramp.DAYS_PER_MONTH
    assert [d for d, _, _ in steps] == [0, 7, 14, half, 21, 28, month]
    rates = dict(ramp.steps(p.ramp))
    assert [r for _, r, _ in steps] == [rates[0], rates[7], rates[14], 1.0, 1.0, 1.0, 1.0]
    yields = dict(ramp.yield_steps(p.yield_learning, 0.9, 7))
    assert [y for _, _, y in steps] == [yields[0], yields[7], yields[14], yields[14], yields[21], yields[28], 0.9]
