"""Failures drawn on the open-hour axis agree with following each repair on the clock."""

import datetime as dt

import numpy as np
import pytest

from sim.model import breakdowns
from sim.model.calendar import Calendar
from sim.model.distributions import quantile
from sim.scenario.calendar import Calendar as CalendarSpec
from sim.scenario.plant import Breakdowns

CALENDAR = Calendar(
    CalendarSpec(shutdowns=[{"name": "week off", "first_day": "2022-02-07", "last_day": "2022-02-13"}]),
    dt.date(2022, 1, 3),
    dt.date(2022, 6, 30),
)


def on_the_clock(spec: Breakdowns, cal: Calendar, rng: np.random.Generator) -> list[tuple[float, float]]:
    """The definition, step by step in clock hours: the next failure comes after the drawn
    open (running) hours since the last repair; a repair lasts its drawn clock hours."""
    # The same uniforms as the model: blocks of the same size, (between, repair) interleaved.
    block = min(int(cal.shifts.total / spec.time_between_failures_hours.mean * 1.1) + 16, breakdowns.MAX_BLOCK)
    between, repair = quantile(spec.time_between_failures_hours), quantile(spec.time_to_repair_hours)
    out: list[tuple[float, float]] = []
    done = 0.0
    while True:
        u = rng.random(2 * block)
        for b, r in zip(between(u[0::2]), repair(u[1::2]), strict=True):
            fail = max(cal.time_at(cal.open_until(done) + b), done)
            if fail >= cal.shifts.ends[-1]:
                return out
            done = fail + r
            out.append((fail, done))


SPECS = {
    "baseline-like": ({"kind": "exponential", "mean": 20}, {"kind": "lognormal", "mean": 1.5, "cv": 1.0}),
    "repairs past the night": ({"kind": "exponential", "mean": 5}, {"kind": "lognormal", "mean": 12, "cv": 1.5}),
    "repairs past the weekend": ({"kind": "weibull", "shape": 1.5, "scale": 30}, {"kind": "fixed", "value": 60}),
    "failing at every closing": ({"kind": "fixed", "value": 16}, {"kind": "fixed", "value": 3}),
}


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_open_axis_failures_match_the_clock_definition(name, seed):
    between, repair = SPECS[name]
    spec = Breakdowns(time_between_failures_hours=between, time_to_repair_hours=repair)
    down = breakdowns.failures(spec, CALENDAR, np.random.default_rng(seed))
    expected = on_the_clock(spec, CALENDAR, np.random.default_rng(seed))
    assert len(down.starts) == len(expected) > 10
    assert np.allclose(down.clock(CALENDAR), expected, rtol=0, atol=1e-9)
    opened = [(CALENDAR.open_until(a), CALENDAR.open_until(b)) for a, b in expected]
    assert np.allclose(list(zip(down.starts, down.ends, strict=True)), opened, rtol=0, atol=1e-9)


def test_down_hours_of_a_window_are_the_open_hours_its_repairs_cover():
    spec = Breakdowns(
        time_between_failures_hours={"kind": "fixed", "value": 15},
        time_to_repair_hours={"kind": "fixed", "value": 3},
    )
    down = breakdowns.failures(spec, CALENDAR, np.random.default_rng(0))
    # Every working day fails at 21:00 (15 open hours after 06:00) and is repaired at 24:00,
    # in the night: one open hour lost a day, 15 of every 16 open hours up.
    assert down.clock(CALENDAR)[:2] == [(21.0, 24.0), (45.0, 48.0)]
    assert down.until(CALENDAR.shifts.total) == pytest.approx(CALENDAR.shifts.total / 16)
    assert down.until(16 * 5) - down.until(16) == pytest.approx(4.0)  # days two to five of the first week
