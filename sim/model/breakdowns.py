"""Line breakdowns: failures after a drawn amount of running time, repairs in clock time.

Running time is the line's open time while it is up: the next failure comes when the line
has been open for the drawn time between failures since its last repair. A repair lasts
the drawn time to repair in clock hours and may run into closed time; only the open hours
it covers are lost to production. Nothing else in the model affects when a line fails, so a
line's failures for the whole horizon are drawn before the run, in order (time between
failures, then time to repair, one uniform each), with no SimPy event at all; the booking
subtracts their open hours from the line's available hours.
"""

from __future__ import annotations

import numpy as np

from sim.model.calendar import Calendar
from sim.model.distributions import sampler
from sim.scenario.plant import Breakdowns


def failures(spec: Breakdowns, calendar: Calendar, rng: np.random.Generator) -> list[tuple[float, float]]:
    """(failure, repair) clock hours of every breakdown of a line in the horizon, in order."""
    between = sampler(spec.time_between_failures_hours)
    repair = sampler(spec.time_to_repair_hours)
    horizon = calendar.horizon_hours
    time_at, open_until = calendar.time_at, calendar.open_until
    out = []
    t = 0.0
    while True:
        fail = max(time_at(open_until(t) + between(rng)), t)
        if fail >= horizon:
            return out
        t = fail + repair(rng)
        out.append((fail, t))
