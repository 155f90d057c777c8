import datetime as dt
import math

from hypothesis import given
from hypothesis import strategies as st

from sim.model.calendar import Calendar
from sim.scenario.calendar import WEEKDAYS
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


def test_a_shutdown_closes_its_own_days_and_no_others():
    spec = Spec(shutdowns=[{"name": "holiday", "first_day": "2022-01-05", "last_day": "2022-01-07"}])
    cal = Calendar(spec, MON, MON + dt.timedelta(days=6))
    # Closed Wednesday to Friday: the two shifts of Monday and Tuesday are the week's only ones.
    assert cal.shifts.starts == [6.0, 14.0, 30.0, 38.0]
    assert cal.open_hours(cal.hour(dt.date(2022, 1, 5)), cal.horizon_hours) == 0.0


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


def test_window_tells_whether_the_plant_is_open_and_until_when():
    # Monday's shifts 06-14 and 14-22 run back to back; Tuesday opens at 24 + 6 = 30; the
    # week's last shift is Friday's second, 4 x 24 + 14 = 110 to 118.
    cal = Calendar(Spec(), MON, MON + dt.timedelta(days=6))
    assert cal.window(0.0) == (False, 6.0)
    assert cal.window(6.0) == (True, 14.0)
    assert cal.window(14.0) == (True, 22.0)
    assert cal.window(21.5) == (True, 22.0)
    assert cal.window(22.0) == (False, 30.0)
    # A clock within 1e-9 h of a shift's end (rounding) counts as closed.
    assert cal.window(22.0 - 1e-9) == (False, 30.0)
    assert cal.window(22.0 - 1e-10) == (False, 30.0)
    assert cal.window(117.0) == (True, 118.0)
    assert cal.window(118.0) == (False, math.inf)
    assert cal.window(200.0) == (False, math.inf)
    # One shift a day, 06-14: on Thursday evening the next change is Friday's (last) shift at 102.
    one = Calendar(Spec(shifts_per_day=1), MON, MON + dt.timedelta(days=6))
    assert one.window(3 * 24 + 20.0) == (False, 4 * 24 + 6.0)


def test_the_plant_closes_after_each_run_of_back_to_back_shifts():
    # Two 8-hour shifts back to back: the plant closes once a day, after 16, 32, ... open hours.
    cal = Calendar(Spec(), MON, MON + dt.timedelta(days=6))
    assert cal.closing == [16.0, 32.0, 48.0, 64.0, 80.0]
    # Three 8-hour shifts every day run round the clock: it closes only at the horizon's end.
    every_day = Spec(shifts_per_day=3, hours_per_shift=8, first_shift_start_hour=0, working_weekdays=list(WEEKDAYS))
    cal = Calendar(every_day, MON, MON + dt.timedelta(days=6))
    assert cal.closing == [7 * 24.0]


def test_a_shift_starting_at_the_horizons_end_is_dropped():
    # Shifts at 08, 16 and 24 on a one-day horizon: the third starts when the horizon ends.
    spec = Spec(shifts_per_day=3, hours_per_shift=8, first_shift_start_hour=8, working_weekdays=["mon"])
    cal = Calendar(spec, MON, MON)
    assert cal.shifts.starts == [8.0, 16.0] and cal.shifts.ends == [16.0, 24.0]
    assert cal.horizon_hours == 24.0


def test_weekend_and_weekday_choices_are_respected():
    # Saturday only, one 10-hour shift from 07:00: Saturday 8 January 2022 is day 5 of the horizon.
    spec = Spec(shifts_per_day=1, hours_per_shift=10, first_shift_start_hour=7, working_weekdays=["sat"])
    cal = Calendar(spec, MON, MON + dt.timedelta(days=13))
    assert cal.shifts.starts == [5 * 24 + 7.0, 12 * 24 + 7.0]
    assert cal.open_hours(0, cal.horizon_hours) == 20.0


def test_months_know_their_length_across_a_year_end_and_a_leap_february():
    cal = Calendar(Spec(), dt.date(2023, 12, 20), dt.date(2024, 3, 5))
    assert [m.label for m in cal.months] == ["2023-12", "2024-01", "2024-02", "2024-03"]
    assert [m.days for m in cal.months] == [12, 31, 29, 5]
    assert [m.days_in_month for m in cal.months] == [31, 31, 29, 31]
    # Clock hours from 00:00 on 20 December: 12, 43 and 72 days to the next months' starts.
    assert [m.start_hour for m in cal.months] == [0.0, 12 * 24.0, 43 * 24.0, 72 * 24.0]
    assert [m.end_hour for m in cal.months] == [12 * 24.0, 43 * 24.0, 72 * 24.0, 77 * 24.0]
    assert cal.horizon_hours == 77 * 24.0


def test_a_one_day_horizon_and_one_ending_on_the_first_have_their_last_month():
    assert [(m.label, m.days) for m in Calendar(Spec(), MON, MON).months] == [("2022-01", 1)]
    cal = Calendar(Spec(), dt.date(2022, 1, 3), dt.date(2022, 2, 1))
    assert [(m.label, m.days) for m in cal.months] == [("2022-01", 29), ("2022-02", 1)]


def test_hours_and_days_by_hand():
    cal = Calendar(Spec(), MON, dt.date(2022, 12, 31))
    assert (cal.start, cal.end) == (MON, dt.date(2022, 12, 31))
    assert cal.hour(dt.date(2022, 1, 5)) == 48.0  # two days after Monday 3 January
    assert cal.date(47.99) == dt.date(2022, 1, 4)
    assert cal.date(48.0) == dt.date(2022, 1, 5)
    assert cal.date(-0.5) == dt.date(2022, 1, 2)  # before the horizon (a program may start earlier)


# -- dated periods and make-up days (issue 13) ---------------------------------------------------------
def month_hours(spec: Spec, year: int, month: int) -> float:
    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    cal = Calendar(spec, first, last)
    return cal.open_hours(0, cal.horizon_hours)


def test_a_second_shift_from_mid_month_counts_each_day_at_its_own_pattern():
    # June 2024 starts on a Saturday: ten weekdays before the 16th (3-7, 10-14), ten after (17-21,
    # 24-28). One 8-hour shift until the 15th, two from the 16th: 10 x 8 + 10 x 16 = 240 h.
    spec = Spec(shifts_per_day=1, periods=[{"first_day": "2024-06-16", "shifts_per_day": 2, "name": "second shift"}])
    assert month_hours(spec, 2024, 6) == 240.0
    # From a Wednesday instead: 3-7, 10-11 and 12 June at one shift (7 days + the 12th from the
    # period: 2024-06-12 is a Wednesday), so 7 days x 8 + 13 days x 16 = 264 h.
    spec = Spec(shifts_per_day=1, periods=[{"first_day": "2024-06-12", "shifts_per_day": 2}])
    assert month_hours(spec, 2024, 6) == 7 * 8 + 13 * 16


def test_a_period_changes_only_what_it_gives_and_the_next_carries_it_on():
    # Base: two 8-hour shifts Monday to Friday. From 2024-06-10 Saturdays too; from 2024-06-17
    # 10-hour shifts (Saturdays kept). June 2024: 3-7 (5 days x 16), 10-15 (6 x 16), 17-22 and
    # 24-29 (12 x 20): 80 + 96 + 240 = 416 h.
    periods = [
        {"first_day": "2024-06-10", "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"]},
        {"first_day": "2024-06-17", "hours_per_shift": 10},
    ]
    assert month_hours(Spec(periods=periods), 2024, 6) == 416.0


def test_make_up_days_are_worked_and_shutdowns_closed():
    # February 2024: 21 weekdays; the Spring Festival closes 10-17 February (five weekdays, 12-16),
    # the make-up Sundays 4 and 18 February are worked: 21 - 5 + 2 = 18 days x 16 h = 288 h.
    spec = Spec(
        shutdowns=[{"name": "Spring Festival 2024", "first_day": "2024-02-10", "last_day": "2024-02-17"}],
        working_days=[
            {"name": "make-up", "first_day": "2024-02-04", "last_day": "2024-02-04"},
            {"name": "make-up", "first_day": "2024-02-18", "last_day": "2024-02-18"},
        ],
    )
    assert month_hours(spec, 2024, 2) == 288.0
    cal = Calendar(spec, dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    sunday = cal.hour(dt.date(2024, 2, 4))
    assert cal.open_hours(sunday, sunday + 24) == 16.0  # the make-up day has the day's pattern


def test_a_night_shift_belongs_to_the_day_it_starts_across_a_period_edge():
    # Three 8-hour shifts from 06:00 until Tuesday, then one from 06:00: Monday's night shift
    # (22:00-06:00) still runs into Tuesday, whose own pattern is one shift.
    spec = Spec(shifts_per_day=3, periods=[{"first_day": "2022-01-04", "shifts_per_day": 1}])
    cal = Calendar(spec, MON, MON + dt.timedelta(days=1))
    tuesday = cal.hour(dt.date(2022, 1, 4))
    assert cal.open_hours(0, tuesday) == 22.0 - 6.0 + 2.0
    assert cal.open_hours(tuesday, cal.horizon_hours) == 6.0 + 8.0
