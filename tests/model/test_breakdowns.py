"""Failures drawn on the open-hour axis agree with following each repair on the clock."""

import datetime as dt

import numpy as np
import pytest

from sim.model import breakdowns
from sim.model.calendar import Calendar
from sim.model.distributions import quantile
from sim.scenario.calendar import WEEKDAYS
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
    # One failure at a time, (between, repair) uniforms in turn: the same sequence as the
    # model's blocks, whatever their size.
    between, repair = quantile(spec.time_between_failures_hours), quantile(spec.time_to_repair_hours)
    out: list[tuple[float, float]] = []
    done = 0.0
    while True:
        u = rng.random(2)
        b, r = float(between(u[:1])[0]), float(repair(u[1:])[0])
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


class Uniforms:
    """Stands in for a Generator: hands out the given uniforms in order, then 0.5s."""

    def __init__(self, *u: float):
        self.u = list(u)

    def random(self, n: int) -> np.ndarray:
        assert n > 0
        out, self.u = (self.u + [0.5] * n)[:n], self.u[n:]
        return np.array(out)


ONE_SHIFT_FROM_MIDNIGHT = Calendar(
    CalendarSpec(shifts_per_day=1, hours_per_shift=8, first_shift_start_hour=0, working_weekdays=list(WEEKDAYS)),
    dt.date(2022, 1, 3),
    dt.date(2022, 1, 5),
)  # open 00-08 on three days: 24 open hours, closing after 8, 16 and 24


def test_failures_by_hand_on_both_paths():
    spec = Breakdowns(
        time_between_failures_hours={"kind": "uniform", "min": 0, "max": 16},
        time_to_repair_hours={"kind": "uniform", "min": 0, "max": 40},
    )
    # Uniforms (between, repair) in turn: 0.03125 -> 0.5 h, 0.6 -> 24 h; 0.625 -> 10 h, 0.05 -> 2 h;
    # then 0.5 -> 8 h. (The model asks for them in a block of 2 x (int(24 / 8 x 1.1) + 16) = 38.)
    down = breakdowns.failures(spec, ONE_SHIFT_FROM_MIDNIGHT, Uniforms(0.03125, 0.6, 0.625, 0.05))
    # Fails at 00:30 of day 1 (open hour 0.5); repaired 24 clock hours later at 00:30 of day 2,
    # open hour 8.5. Fails again 10 open hours later, open hour 18.5 = 02:30 of day 3 (clock 50.5),
    # repaired at open hour 20.5 before the plant closes. The next failure, at 28.5, is past the horizon.
    assert down.starts == [0.5, 18.5]
    assert down.ends == [8.5, 20.5]
    assert down.repairs == [24.0, 2.0]
    assert down.clock(ONE_SHIFT_FROM_MIDNIGHT) == [(0.5, 24.5), (50.5, 52.5)]
    assert down.until(24.0) == 8.0 + 2.0


def test_a_repair_ending_in_the_night_costs_the_open_hours_up_to_the_closing():
    spec = Breakdowns(
        time_between_failures_hours={"kind": "uniform", "min": 0, "max": 16},
        time_to_repair_hours={"kind": "uniform", "min": 0, "max": 40},
    )
    # Fails at 07:00 of day 1 (u 0.4375 -> 7 h) for 5 h (u 0.125): repaired at 12:00, in the night,
    # so the line is down from open hour 7 to the closing at 8. Then fails at open hour 16 (the
    # closing of day 2, clock 32) for 20 h: back at clock 52, open hour 16 + 4 = 20.
    down = breakdowns.failures(spec, ONE_SHIFT_FROM_MIDNIGHT, Uniforms(0.4375, 0.125, 0.5, 0.5, 0.5))
    assert down.starts == [7.0, 16.0] and down.ends == [8.0, 20.0]
    assert down.clock(ONE_SHIFT_FROM_MIDNIGHT) == [(7.0, 12.0), (32.0, 52.0)]


def test_a_failure_at_a_closing_waits_for_the_last_repair():
    # A repair from clock 4 to 34 (open hour 16, the end of day 2's shift at clock 32) and a
    # failure at open hour 16: on the clock it comes when the line is back, at 34, not at 32.
    down = breakdowns.Downtime([4.0, 16.0], [16.0, 16.0], [30.0, 2.0])
    assert down.clock(ONE_SHIFT_FROM_MIDNIGHT) == [(4.0, 34.0), (34.0, 36.0)]


PERT_BREAKDOWNS = Breakdowns(
    time_between_failures_hours={"kind": "pert", "min": 10, "mode": 20, "max": 60},
    time_to_repair_hours={"kind": "pert", "min": 1, "mode": 2, "max": 9},
)


def test_pert_breakdown_times_have_the_pert_means():
    # Round the clock for 32 years: nothing closes, so the gaps between a repair and the next
    # failure are the drawn times between failures and the breakdowns last the drawn repairs.
    # PERT means (min + 4 mode + max) / 6: (10 + 80 + 60) / 6 = 25 h and (1 + 8 + 9) / 6 = 3 h,
    # over about 280,000 / 28 = 10,000 failures (standard errors 0.09 h and 0.013 h).
    cal = Calendar(
        CalendarSpec(shifts_per_day=1, hours_per_shift=24, first_shift_start_hour=0, working_weekdays=list(WEEKDAYS)),
        dt.date(2022, 1, 1),
        dt.date(2053, 12, 31),
    )
    down = breakdowns.failures(PERT_BREAKDOWNS, cal, np.random.default_rng(3))
    starts, ends = np.array(down.starts), np.array(down.ends)
    assert len(starts) > 9_900
    between = starts - np.concatenate(([0.0], ends[:-1]))
    assert between.mean() == pytest.approx(25.0, abs=0.35)
    assert (ends - starts).mean() == pytest.approx(3.0, abs=0.05)
    assert between.min() >= 10 and between.max() <= 60


def test_failures_by_hand_over_several_blocks_of_uniforms():
    spec = Breakdowns(
        time_between_failures_hours={"kind": "uniform", "min": 0, "max": 16},
        time_to_repair_hours={"kind": "uniform", "min": 0, "max": 40},
    )
    # 40 failures 0.25 open hours apart (u = 1/64) with instant repairs (u = 0): more than the
    # block of int(24 / 8 x 1.1) + 16 = 19 failures, so the uniforms come in three blocks. Then
    # 0.5s: a failure 8 h later at open hour 18 (02:00 of day 3, clock 50) repaired in 20 h, at
    # clock 70, after the last closing (open hour 24); the next failure, at 32, is past the horizon.
    down = breakdowns.failures(spec, ONE_SHIFT_FROM_MIDNIGHT, Uniforms(*[1 / 64, 0.0] * 40))
    quarters = [0.25 * k for k in range(1, 41)]
    assert down.starts == [*quarters, 18.0]
    assert down.ends == [*quarters, 24.0]
    assert down.repairs == [0.0] * 40 + [20.0]
    assert down.clock(ONE_SHIFT_FROM_MIDNIGHT)[-1] == (50.0, 70.0)
