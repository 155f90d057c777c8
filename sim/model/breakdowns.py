"""Line breakdowns: failures after a drawn amount of running time, repairs in clock time.

Running time is the line's open time while it is up: the next failure comes when the line
has been open for the drawn time between failures since its last repair. A repair lasts
the drawn time to repair in clock hours and may run into closed time; only the open hours
it covers are lost to production. The process keeps the down intervals for the booking,
which subtracts their open hours from the line's available hours.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.model.calendar import Calendar
from sim.model.distributions import sampler
from sim.scenario.plant import Breakdowns


def failures(
    env: simpy.Environment,
    spec: Breakdowns,
    calendar: Calendar,
    rng: np.random.Generator,
    down: list[tuple[float, float]],
) -> Generator[simpy.Event, None, None]:
    """Append (failure, repair) clock hours to `down` for the whole horizon."""
    between = sampler(spec.time_between_failures_hours)
    repair = sampler(spec.time_to_repair_hours)
    horizon = calendar.horizon_hours
    while True:
        fail = max(calendar.time_at(calendar.open_until(env.now) + between(rng)), env.now)
        if fail >= horizon:
            return
        end = fail + repair(rng)
        down.append((fail, end))
        yield env.timeout(end - env.now)  # the line is down from `fail` until `end`
