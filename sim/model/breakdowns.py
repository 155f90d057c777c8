"""Line breakdowns: failures after a drawn amount of running time, repairs in clock time.

Running time is the line's open time while it is up: the next failure comes when the line
has been open for the drawn time between failures since its last repair. A repair lasts
the drawn time to repair in clock hours and may run into closed time; only the open hours
it covers are lost to production. Nothing else in the model affects when a line fails, so a
line's failures for the whole horizon are drawn before the run, in order (time between
failures, then time to repair, one uniform each), with no SimPy event at all.

They are kept on the plant's open-hour axis, where closed time does not exist: there a
booking's down hours are two lookups in the running sum of down time. A repair that ends
before the plant next closes covers as many open hours as it lasts; only one that runs past
a closing needs the clock (about one repair in ten in a two-shift plant).
"""

from __future__ import annotations

import bisect

import numpy as np

from sim.model.calendar import Calendar
from sim.model.distributions import quantile
from sim.model.intervals import Intervals
from sim.scenario.plant import Breakdowns

MAX_BLOCK = 1 << 16  # failures drawn per block of uniforms, at most


class Downtime(Intervals):
    """A line's breakdowns over the horizon on the open-hour axis: from the open hour it
    fails to the open hour its repair is done; `until(o)` is its down hours up to open hour o."""

    __slots__ = ("repairs",)

    def __init__(self, starts: list[float], ends: list[float], repairs: list[float]):
        super().__init__(starts, ends)
        self.repairs = repairs  # clock hours of each repair

    def clock(self, calendar: Calendar) -> list[tuple[float, float]]:
        """(failure, repair done) in clock hours of every breakdown, in order."""
        out = []
        done = 0.0
        for up, repair in zip(self.starts, self.repairs, strict=True):
            fail = max(calendar.time_at(up), done)  # a failure at a closing waits for the last repair
            done = fail + repair
            out.append((fail, done))
        return out


NONE = Downtime([], [], [])


def failures(spec: Breakdowns, calendar: Calendar, rng: np.random.Generator) -> Downtime:
    """Every breakdown of a line in the horizon."""
    between = quantile(spec.time_between_failures_hours)
    repair = quantile(spec.time_to_repair_hours)
    total = calendar.shifts.total
    closing = calendar.closing
    time_at, open_until = calendar.time_at, calendar.open_until
    # Uniforms come in blocks sized for the expected failures; a line's stream is its own,
    # so the unused end of the last block changes nothing else.
    block = min(int(total / spec.time_between_failures_hours.mean * 1.1) + 16, MAX_BLOCK)
    starts: list[float] = []
    ends: list[float] = []
    repairs: list[float] = []
    o = 0.0  # open hours at which the line was last repaired
    done = 0.0  # the clock hour the last repair that ran past a closing was done (every later one ends after it)
    c = 0  # index of the first closing after the current failure
    while True:
        u = rng.random(2 * block)  # (between, repair) uniforms of each failure, interleaved
        for b, r in zip(between(u[0::2]).tolist(), repair(u[1::2]).tolist(), strict=True):
            up = o + b  # open hours at the failure
            if up >= total:
                return Downtime(starts, ends, repairs)
            if closing[c] < up:
                c = bisect.bisect_left(closing, up, c)
            if up + r <= closing[c]:
                o = up + r  # repaired before the plant closes
            else:  # the repair runs past a closing: follow it on the clock
                done = max(time_at(up), done) + r  # a failure at a closing waits for the last repair
                o = open_until(done)
            starts.append(up)
            ends.append(o)
            repairs.append(r)
