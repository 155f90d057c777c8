import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model import ramp
from sim.scenario.products import Ramp, YieldLearning


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


def test_a_month_is_a_twelfth_of_a_julian_year():
    assert ramp.DAYS_PER_MONTH == 30.4375  # 365.25 / 12


def test_s_curve_and_line_a_quarter_of_the_way():
    # A quarter of six months is 1.5 x 30.4375 = 45.65625 days: smoothstep(0.25) =
    # 3/16 - 2/64 = 0.15625, so 0.2 + 0.8 x 0.15625 = 0.325; a straight line gives 0.2 + 0.8 / 4 = 0.4.
    assert ramp.fraction(Ramp(months_to_full_rate=6, start_fraction=0.2), 45.65625) == pytest.approx(0.325)
    linear = Ramp(months_to_full_rate=6, start_fraction=0.2, curve="linear")
    assert ramp.fraction(linear, 45.65625) == pytest.approx(0.4)


def test_before_sop_and_in_the_first_day_the_curve_starts_from_its_start():
    r = Ramp(months_to_full_rate=1, start_fraction=0.2, curve="linear")
    assert ramp.fraction(r, -5.0) == 0.2
    assert ramp.fraction(r, 0.5) == pytest.approx(0.2 + 0.8 * 0.5 / 30.4375)  # half a day in: 0.2131


def test_the_last_step_is_short_and_held_at_its_own_midpoint():
    # One month (30.4375 days) in weekly steps: the last runs from day 28 to 30.4375, held at
    # the line's value at its middle, day 29.21875: 0.5 + 0.5 x 29.21875 / 30.4375 = 0.97998.
    steps = ramp.steps(Ramp(months_to_full_rate=1, start_fraction=0.5, curve="linear", step_days=7))
    assert steps[-2] == (28.0, pytest.approx(0.97998, abs=1e-5))
    assert steps[-1] == (30.4375, 1.0)


def test_a_ramp_of_whole_steps_ends_once_at_full_rate():
    # 16 months = 16 x 365.25 / 12 = 487 days exactly: 487 daily steps, then full rate at day 487.
    steps = ramp.held(0.2, 1.0, 16, 1)
    assert len(steps) == 488
    assert steps[-2][0] == 486.0 and steps[-1] == (487.0, 1.0)


def test_yield_learns_on_the_s_curve_in_weekly_steps_by_default():
    # From 0.8 to 0.95 over one month: the first week is held at day 3.5, x = 3.5 / 30.4375 = 0.11499,
    # smoothstep 3x^2 - 2x^3 = 0.036627, so 0.8 + 0.15 x 0.036627 = 0.80549.
    learning = YieldLearning(start_first_pass_yield=0.8, months_to_mature=1)
    steps = ramp.yield_steps(learning, 0.95)
    assert [d for d, _ in steps] == [0, 7, 14, 21, 28, 30.4375]
    assert steps[0][1] == pytest.approx(0.80549, abs=1e-5)
    assert steps[-1] == (30.4375, 0.95)
