"""The calendar section: its dated periods and make-up days are checked as a planner writes them."""

import datetime as dt

import pytest
from pydantic import ValidationError

from sim.scenario import ScenarioError, parse
from sim.scenario.calendar import Calendar
from tests.conftest import DATA


def problem(**fields) -> str:
    with pytest.raises(ValidationError) as raised:
        Calendar(**fields)
    return str(raised.value)


def test_periods_must_be_in_date_order_and_change_something():
    periods = [{"first_day": "2024-06-01", "shifts_per_day": 3}, {"first_day": "2024-01-01", "shifts_per_day": 1}]
    assert "periods must be in date order, one per day: 2024-01-01 comes after 2024-06-01" in problem(periods=periods)
    same = [{"first_day": "2024-06-01", "shifts_per_day": 3}, {"first_day": "2024-06-01", "shifts_per_day": 1}]
    assert "in date order, one per day" in problem(periods=same)
    assert "a change of the shift pattern gives at least one of" in problem(periods=[{"first_day": "2024-06-01"}])


def test_a_period_must_fit_its_shifts_in_a_day_with_what_it_carries_over():
    # 3 shifts from the base, 10 hours from the period: 30 h.
    text = problem(shifts_per_day=3, periods=[{"first_day": "2024-06-01", "hours_per_shift": 10}])
    assert "3 shifts of 10 h do not fit in 24 hours" in text


def test_a_shift_spilling_over_a_period_edge_must_end_before_the_new_first_shift():
    periods = [{"first_day": "2024-06-01", "first_shift_start_hour": 5}]
    text = problem(shifts_per_day=3, first_shift_start_hour=6, periods=periods)
    assert "runs to 06:00 on 2024-06-01, past this period's first shift at 05:00" in text


def test_a_make_up_day_cannot_be_a_shutdown_day():
    text = problem(
        shutdowns=[{"name": "Spring Festival", "first_day": "2024-02-10", "last_day": "2024-02-17"}],
        working_days=[{"name": "make-up", "first_day": "2024-02-17", "last_day": "2024-02-18"}],
    )
    assert "make-up overlaps the shutdown Spring Festival" in text


def with_calendar(lines: str) -> str:
    """tests/data/small.yaml with `lines` (indented as calendar keys) added to its calendar."""
    text = (DATA / "small.yaml").read_text()
    assert "    calendar:\n" in text
    return text.replace("    calendar:\n", "    calendar:\n" + lines, 1)


def test_a_period_outside_the_horizon_is_named_with_its_line():
    text = with_calendar("      periods:\n        - {first_day: 2031-01-01, shifts_per_day: 3}\n")
    with pytest.raises(ScenarioError) as raised:
        parse(text, "x.yaml")
    message = str(raised.value)
    assert "x.yaml:12:" in message and "calendar.periods[0].first_day" in message
    assert "2031-01-01 is outside the horizon" in message


def test_make_up_days_open_a_plant_that_has_no_working_weekday_in_the_horizon():
    text = with_calendar("      working_days:\n        - {name: m, first_day: 2022-01-05, last_day: 2022-01-05}\n")
    text = text.replace("working_weekdays: [mon, tue, wed, thu, fri]", "working_weekdays: [sun]")
    calendar = parse(text, "x.yaml").plants[0].calendar
    week = [day for day, _ in calendar.days(dt.date(2022, 1, 3), dt.date(2022, 1, 9))]
    assert week == [dt.date(2022, 1, 5), dt.date(2022, 1, 9)]
