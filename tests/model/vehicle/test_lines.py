"""A line at vehicle level: one vehicle at a time on its axis of up hours, against hand counts."""

import numpy as np
import pytest

from sim.model import breakdowns
from sim.model.calendar import Calendar
from sim.model.vehicle.lines import up_intervals
from tests.conftest import deterministic
from tests.model.test_dynamics import ALWAYS_OPEN, plant_scenario
from tests.model.vehicle.conftest import run


def test_one_week_at_60_jph_on_two_shifts_builds_4800_exactly():
    r = run(plant_scenario([{"id": "l1", "jph": 60, "products": ["car"]}], [{"id": "car"}]))
    assert r.total("built") == 60 * 2 * 8 * 5 == 4800
    assert r.total("busy") == pytest.approx(80)
    assert r.total("open") == pytest.approx(80)


def test_four_weeks_and_a_holiday():
    assert run(deterministic()).total("built") == 4 * 4800
    holiday = {"shutdowns": [{"name": "h", "first_day": "2022-01-10", "last_day": "2022-01-11"}]}
    assert run(deterministic(**holiday)).total("built") == 4 * 4800 - 2 * 16 * 60


def test_a_pass_cut_by_a_shift_end_resumes_when_the_plant_opens():
    # 0.7 JPH: a vehicle takes 1 h 26 min, so most passes span a shift end or a night; 80 open
    # hours still make exactly 56 whole vehicles.
    r = run(plant_scenario([{"id": "l1", "jph": 0.7, "products": ["car"]}], [{"id": "car"}]))
    assert r.total("built") == 56


def test_demand_caps_output_in_whole_vehicles():
    # 10,000 a month prorated to 28 of January's 31 days: 9,032.3 wanted, 9,032 whole vehicles.
    r = run(deterministic(demand=10_000))
    assert r.total("built") == 9032
    assert r.total("busy") == pytest.approx(9032 / 60)


def test_failures_cost_only_the_open_hours_they_cover():
    # Failures every 15.5 open hours, repaired in 1 h: at 21:30 every day, 0.5 open hours lost.
    fixed = {
        "time_between_failures_hours": {"kind": "fixed", "value": 15.5},
        "time_to_repair_hours": {"kind": "fixed", "value": 1.0},
    }
    r = run(plant_scenario([{"id": "l1", "jph": 60, "products": ["car"], "breakdowns": fixed}], [{"id": "car"}]))
    assert r.total("down") == pytest.approx(5 * 0.5)
    assert r.total("built") == 60 * (80 - 2.5)


def test_random_failures_leave_whole_vehicles_at_rate_times_up_hours():
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 10},
        "time_to_repair_hours": {"kind": "lognormal", "mean": 1.5, "cv": 1.0},
    }
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"], "breakdowns": failures}], [{"id": "car"}], end="2022-02-27"
    )
    for rep in range(3):
        r = run(s, rep)
        up = r.total("open") - r.total("down")
        assert r.total("down") > 0
        # Every up hour builds; only the pass the horizon cuts is not a whole vehicle.
        assert int(60 * up + 1e-6) - 1 <= r.total("built") <= 60 * up + 1e-6
        assert r.total("busy") == pytest.approx(up)


def test_the_up_axis_is_the_shifts_less_the_failures():
    import datetime as dt

    from sim.scenario.calendar import Calendar as Spec
    from sim.scenario.plant import Breakdowns

    cal = Calendar(Spec(shifts_per_day=2, hours_per_shift=8), dt.date(2022, 1, 3), dt.date(2022, 3, 31))
    spec = Breakdowns.model_validate(
        {
            "time_between_failures_hours": {"kind": "exponential", "mean": 6},
            "time_to_repair_hours": {"kind": "lognormal", "mean": 3, "cv": 1.5},  # many run past closings
        }
    )
    down = breakdowns.failures(spec, cal, np.random.default_rng(4))
    up = up_intervals(cal, down)
    for t in np.linspace(0, cal.horizon_hours, 997):
        o = cal.open_until(t)
        assert up.until(t) == pytest.approx(o - down.until(o), abs=1e-9)
    for u in np.linspace(0, up.total, 501)[1:]:
        t = up.at(u)
        assert up.until(t) == pytest.approx(u, abs=1e-9)
        assert cal.window(t - 1e-7)[0]  # the line was open just before it reached u


def test_a_week_always_open_builds_around_the_clock():
    r = run(plant_scenario([{"id": "l1", "jph": 10, "products": ["car"]}], [{"id": "car"}], calendar=ALWAYS_OPEN))
    assert r.total("built") == 10 * 24 * 7
