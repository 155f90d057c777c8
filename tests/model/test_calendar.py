import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sim.model.calendar import Calendar
from sim.scenario.calendar import Calendar as Spec

MON = dt.date(2022, 1, 3)


def test_two_shifts_five_days_is_80_hours_a_week():
    cal = Calendar(Spec(), MON, MON + dt.timedelta(days=6))
    assert cal.open_hours(0, cal.horizon_hours) == 2 * 8 * 5
    assert len(cal.shifts.starts) == 10
    assert cal.shifts.starts[0] == 6.0 and cal.shifts.ends[1] == 22.0


def test_shutdown_days_close_whole_days():
    spec = Spec(shutdowns=[{"name": "holiday", "first_day": "2022-01-04", "last_day": "2022-01-05"}])
    cal = Calendar(spec, MON, MON + dt.timedelta(days=6))
    assert cal.open_hours(0, cal.horizon_hours) == 2 * 8 * 3


def test_night_shift_crosses_midnight_and_is_clipped_at_the_horizon():
    spec = Spec(shifts_per_day=3, hours_per_shift=8, first_shift_start_hour=6, working_weekdays=["mon"])
    cal = Calendar(spec, MON, MON)  # a one-day horizon: the night shift 22:00-06:00 is cut at 24:00
    assert cal.open_hours(0, cal.horizon_hours) == 8 + 8 + 2


def test_open_hours_inside_a_shift_counts_the_partial_shift():
    cal = Calendar(Spec(), MON, MON)
    assert cal.open_hours(10, 12) == 2
    assert cal.open_hours(0, 10) == 4
    assert cal.open_hours(20, 30) == 2


def test_months_are_clipped_to_the_horizon():
    cal = Calendar(Spec(), dt.date(2021, 4, 15), dt.date(2021, 6, 10))
    assert [m.label for m in cal.months] == ["2021-04", "2021-05", "2021-06"]
    assert [m.days for m in cal.months] == [16, 31, 10]
    assert cal.months[1].start_hour == 16 * 24
    assert cal.months[-1].end_hour == cal.horizon_hours


def test_calendar_hour_and_date_round_trip():
    cal = Calendar(Spec(), MON, dt.date(2022, 12, 31))
    day = dt.date(2022, 7, 1)
    assert cal.date(cal.hour(day) + 13.5) == day


@given(st.floats(0, 24 * 60), st.floats(0, 24 * 60), st.floats(0, 24 * 60))
def test_open_hours_are_additive_and_bounded(a, b, c):
    cal = Calendar(Spec(), MON, MON + dt.timedelta(days=59))
    t0, t1, t2 = sorted((a, b, c))
    total = cal.open_hours(t0, t2)
    assert abs(total - cal.open_hours(t0, t1) - cal.open_hours(t1, t2)) < 1e-9
    assert 0 <= total <= t2 - t0 + 1e-9


@given(st.floats(0, 24 * 50), st.floats(0, 300))
def test_time_at_inverts_open_until(t, hours):
    cal = Calendar(Spec(), MON, MON + dt.timedelta(days=59))
    target = cal.open_until(t) + hours
    when = cal.time_at(target)
    if target <= cal.open_until(cal.horizon_hours):
        assert abs(cal.open_until(when) - target) < 1e-9
        assert when >= t or hours < 1e-9  # with nothing to run, the inverse may be the last shift end
    else:
        assert when == float("inf")


def test_time_at_skips_closed_time():
    cal = Calendar(Spec(), MON, MON + dt.timedelta(days=6))
    assert cal.time_at(16) == 22.0  # the end of Monday's second shift
    assert cal.time_at(17) == 24 + 7.0  # one hour into Tuesday
    assert cal.time_at(81) == float("inf")
