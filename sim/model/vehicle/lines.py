"""A line at vehicle level: one vehicle at a time, on the line's own axis of up hours.

A line works only while its plant is open and it is up. Its failures are drawn before the
run (`state.Line.off`, with the hours it is closed, on the plant's open-hour axis) and come at their instants whatever
the line is doing, so the line's *up hours* (open hours less those its failures cover) are a
known function of the clock, kept as the clock intervals in which the line is open and up. A
pass of `1 / (jph x r_p)` hours started at up hour u ends where u plus that many up hours
fall on the clock: one lookup and one SimPy event per vehicle, however many shift ends and
repairs the pass spans (it resumes where it stopped).

A line takes a vehicle from its *source* (the first shop's starts, or its lanes of the buffer
before it), changes over when the vehicle's family differs from the one it built last,
builds it (one pass, two when the test fails and the vehicle is reworked; the test is drawn
as the vehicle starts so that its passes are one wait), and hands it on: out of the plant
built, scrapped, or into its lane of the next buffer, where it blocks holding the vehicle
while the lane is full. Hours are booked on the up axis, split at month starts: building
(rework passes included), changing over (charged to the product changed to), starved and
blocked; vehicles are counted per month. Nothing is recorded until the horizon (`report`).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Protocol

import simpy

from sim.model.calendar import Calendar, Month
from sim.model.intervals import Intervals
from sim.model.recorder import Kind, Sink
from sim.model.state import Line as LineSpec
from sim.model.vehicle.orders import Orders
from sim.model.vehicle.quality import PASSED, REWORKED, SCRAPPED, Inspection

if TYPE_CHECKING:
    from sim.model.vehicle.buffers import Lane


ROUNDING = 1e-7  # hours: what a long sum of passes may drift from the exact up hours


class Source(Protocol):
    """Where a line's next vehicle comes from."""

    def picker(self, line: Line) -> Callable[[], int]:
        """A function that takes the line's next vehicle now (committed): its product, or -1 if none can come."""

    def wait(self, line: Line) -> simpy.Event:
        """An event that fires when the line's picker may find something."""


class Line:
    """One line of one replication: where it stands, what it holds, and its hours."""

    def __init__(
        self,
        env: simpy.Environment,
        spec: LineSpec,
        calendar: Calendar,
        months: list[Month],
        orders: Orders,
        inspection: Inspection,
    ):
        self.env = env
        self.spec = spec
        self.name = spec.name
        self.jph = spec.jph
        self.products = spec.products
        self.owner = spec.owner
        self.customer = spec.customer
        self.families = spec.families
        self.switch = spec.switch_hours
        self.last = spec.last
        self.stage = spec.stage
        self.yields = spec.yields
        self.orders = orders
        self.inspection = inspection
        self.campaign = 0.0  # vehicles of one family it keeps to before choosing freely (0: no campaigns)
        self.source: Source | None = None
        self.lanes_in: list[Lane] = []  # lanes of the buffer before it (shops after the first)
        self.lanes_out: dict[int, Lane] = {}  # product -> its lane of the buffer after it
        self.arrival: simpy.Event | None = None  # fires when a vehicle reaches a lane in (while it waits)
        self.on_scrap = _nothing  # told when a vehicle is scrapped (the first shop may start another)

        # The up axis: the clock intervals in which the line is open and up.
        self.calendar = calendar
        self.open_until = calendar.open_until
        self.off = spec.off  # closed or down: not up (less the overtime it works)
        self.up = up_intervals(calendar, spec.off)
        self.version = 0  # how many times overtime changed the up axis
        self.month_starts = [m.start_hour for m in months]
        self.month_ends = [m.end_hour for m in months]
        self.mu = [self.up_at(m.start_hour) for m in months] + [self.up_at(months[-1].end_hour)]
        n = len(months)
        self.busy = [0.0] * n
        self.starved = [0.0] * n if self.stage > 0 else None  # a first shop waits for orders or kits: not starved
        self.blocked = [0.0] * n
        self.overtime_on = False
        self.overtime = [0.0] * n  # hours worked as overtime, per month
        self.stuck = False  # it waits because nothing it could take can move on (blocked, not starved)
        n_products = len(orders.ids)
        # Vehicles per product and month: good ones out of the line (built, or through to the next
        # shop) and scrapped ones; hours changing over, charged to the product changed to.
        self.good_count = [[0.0] * n for _ in range(n_products)]
        self.scrap_count = [[0.0] * n for _ in range(n_products)]
        self.changeover_hours = [[0.0] * n for _ in range(n_products)]

        # What it is doing.
        self.family: str | None = None  # family of the vehicle it built last
        self.run_length = 0  # vehicles of that family since it changed to it
        self.u = 0.0  # up hours at its last instant of work or decision
        self.waiting: list[float] | None = None  # the hours an open wait is booked to
        self.since = 0.0  # up hours at which that wait began
        self.customer_hours = 0.0  # hours on the customer's vehicles this month (the reserve's check)
        self.reserve_from = 0.0  # up hours at the month's start (or SOP): the reserve counts from there
        self.done = [0, 0]  # vehicles of each side (owner, customer) taken since the last release

    def __repr__(self) -> str:
        return f"Line({self.name})"

    # -- the up axis -------------------------------------------------------------------------------
    def up_at(self, t: float) -> float:
        """Up hours from the horizon's start to clock hour t."""
        return self.up.until(t)

    def charge(self, into: list[float], u0: float, u1: float) -> None:
        """Book the up hours [u0, u1] to `into`, month by month."""
        mu = self.mu
        last = len(mu) - 2
        k = min(bisect.bisect_right(mu, u0) - 1, last)
        while k < last and u1 > mu[k + 1]:
            into[k] += mu[k + 1] - u0
            u0 = mu[k + 1]
            k += 1
        into[k] += u1 - u0

    def _changeover(self, p: int, u0: float, u1: float) -> None:
        self.charge(self.changeover_hours[p], u0, u1)

    def month_of(self, u: float) -> int:
        """The month in which up hour u falls (the later one at a boundary)."""
        return min(bisect.bisect_right(self.mu, u) - 1, len(self.mu) - 2)

    # -- the process ---------------------------------------------------------------------------
    def run(self) -> Generator[simpy.Event, None, None]:
        """Build vehicles one at a time, from the horizon's start to its end."""
        # The model's hot loop: one turn per vehicle, so everything it reads is a local.
        env = self.env
        timeout = env.timeout
        orders = self.orders
        rate, fpy, rework, customer = orders.rate, orders.fpy, orders.rework, orders.customer
        backlog, inflight, built = orders.backlog, orders.inflight, orders.built
        families, yields, last, done = self.families, self.yields, self.last, self.done
        shared = bool(self.owner and self.customer)
        outcome = self.inspection.outcome
        source = self.source
        assert source is not None
        pick, wait = source.picker(self), source.wait
        up_ends, up_starts, up_stops, up_before = self.up.upto, self.up.starts, self.up.ends, self.up.before
        n_up = len(up_ends)
        bisect_left, rounding = bisect.bisect_left, ROUNDING
        good_count, scrap_count, busy, mu = self.good_count, self.scrap_count, self.busy, self.mu
        starts = [*self.month_starts[1:], math.inf]  # the start of each month's next one
        end = mu[-1]
        kb, lo, hi = 0, mu[0], mu[1]  # month of the last busy hour booked, and its bounds on the up axis
        km, next_month = 0, starts[0]  # month of the last vehicle out, and when the next one starts
        now = env.now
        version = self.version
        while True:
            if self.version != version:  # overtime added up hours ahead: read the axis again
                version = self.version
                up_ends, up_starts, up_stops, up_before = self.up.upto, self.up.starts, self.up.ends, self.up.before
                n_up, mu = len(up_ends), self.mu
                end, lo, hi = mu[-1], mu[kb], mu[kb + 1]
            p = pick()
            if p < 0:
                yield from self._idle(wait(self), self.blocked if self.stuck else self.starved)
                now = env.now
                continue
            change = 0.0
            family = families[p]
            if family != self.family:
                if self.family is not None:
                    change = self.switch
                self.family = family
                self.run_length = 0
            self.run_length += 1
            y = fpy[p] if last else yields[p]
            result = PASSED if y >= 1.0 else outcome(y, rework[p])
            work = (2.0 if result == REWORKED else 1.0) / (self.jph * rate[p])  # a speed change may come
            u0 = self.u
            u1 = u0 + change + work
            if shared:  # both sides' products: count each side's turns and the customer's hours
                side = customer[p]
                done[side] += 1
                if side:
                    self.customer_hours += change + work
            # The clock at up hour u1 (Intervals.at, inlined); a pass ending within rounding of the
            # end of an up interval (a shift end, a failure, the horizon) ends there, not after it.
            i = bisect_left(up_ends, u1 - rounding)
            if i == n_up:  # it would finish after the horizon: book what it does until then, and stop
                if change:
                    self._changeover(p, u0, min(u0 + change, end))
                if end > u0 + change:
                    self.charge(busy, u0 + change, end)
                self.u = end
                yield env.event()  # never fires
                return
            t1 = up_starts[i] + u1 - up_before[i]
            if t1 > up_stops[i]:
                t1 = up_stops[i]
            if change:
                self._changeover(p, u0, u0 + change)
                u0 += change
            if lo <= u0 and u1 <= hi:
                busy[kb] += u1 - u0
            else:
                self.charge(busy, u0, u1)
                kb = self.month_of(u1)
                lo, hi = mu[kb], mu[kb + 1]
            self.u = u1
            yield timeout(t1 - now if t1 > now else 0.0)
            now = t1
            while t1 >= next_month:
                km += 1
                next_month = starts[km]
            if result == SCRAPPED:
                scrap_count[p][km] += 1.0
                orders.scrap(p)
                self.on_scrap(p)
            elif last:
                good_count[p][km] += 1.0
                # A good vehicle out of the plant serves the oldest open demand.
                inflight[p] -= 1
                built[p] += 1
                open_demand = backlog[p]
                oldest = open_demand.cohorts[0] if open_demand.cohorts else None
                if oldest is not None and oldest[1] > 1.0 and open_demand.total > 1.0:
                    oldest[1] -= 1.0  # Backlog.take(1) when the oldest month has more than one left
                    open_demand.total -= 1.0
                else:
                    open_demand.take(1.0)
            else:
                good_count[p][km] += 1.0
                held = self.lanes_out[p].put(p)
                if held is not None:
                    yield from self._idle(held, self.blocked)
                    now = env.now

    def _idle(self, event: simpy.Event, into: list[float] | None) -> Generator[simpy.Event, None, None]:
        """Wait for `event`, booking the up hours waited to `into` (if any)."""
        self.waiting, self.since = into, self.u
        yield event
        u = self.up_at(self.env.now)
        if self.waiting is not None and u > self.since:
            self.charge(self.waiting, self.since, u)
        self.waiting = None
        if u > self.u:
            self.u = u

    def work_overtime(self, k: int, t: float, cap: float) -> None:
        """Work the first `cap` hours of the line's overtime in month k (which starts now, at t)."""
        ot = self.spec.overtime
        assert ot is not None
        o0, o1 = self.open_until(t), self.open_until(self.month_ends[k])
        u0 = ot.until(o0)
        u1 = min(ot.until(o1), u0 + cap)
        if u1 <= u0:
            return
        worked = [
            (a + max(u0 - before, 0.0), a + min(u1, upto) - before)
            for a, before, upto in zip(ot.starts, ot.before, ot.upto, strict=True)
            if upto > u0 and before < u1
        ]
        self.overtime[k] += u1 - u0
        starts, ends = [], []
        j = 0
        for a, b in zip(self.off.starts, self.off.ends, strict=True):  # off, less the hours worked
            while j < len(worked) and worked[j][1] <= a:
                j += 1
            i = j
            while i < len(worked) and worked[i][0] < b:
                if worked[i][0] > a:
                    starts.append(a)
                    ends.append(worked[i][0])
                a = max(a, worked[i][1])
                i += 1
            if b > a:
                starts.append(a)
                ends.append(b)
        self.off = Intervals(starts, ends)
        self.up = up_intervals(self.calendar, self.off)
        self.mu = [self.up_at(m) for m in self.month_starts] + [self.up_at(self.month_ends[-1])]
        self.version += 1

    # -- records ---------------------------------------------------------------------------------
    def report(self, record: Sink, months: list[Month], ids: list[str]) -> None:
        """Record the line's hours and vehicles per month (at each month's start hour)."""
        if self.waiting is not None and self.mu[-1] > self.since:  # a wait still open at the horizon
            self.charge(self.waiting, self.since, self.mu[-1])
            self.since = self.mu[-1]
        name = self.name
        for k, m in enumerate(months):
            t = m.start_hour
            o0, o1 = self.open_until(m.start_hour), self.open_until(m.end_hour)
            off, closed = self.off, self.spec.closed
            shut = closed.until(o1) - closed.until(o0) - self.overtime[k] if closed is not None else 0.0
            if self.overtime[k] > 0:
                record((t, Kind.OVERTIME, name, "", self.overtime[k]))
            if o1 > o0:
                record((t, Kind.OPEN, name, "", o1 - o0 - shut))
            down = off.until(o1) - off.until(o0) - shut
            if closed is not None and down < 1e-9:  # rounding of the difference
                down = 0.0
            if down > 0:
                record((t, Kind.DOWN, name, "", down))
            for taken, milestone in self.spec.claims:
                if taken.until(o1) > taken.until(o0):
                    record((t, Kind.CLOSED, name, milestone, taken.until(o1) - taken.until(o0)))
            for kind, hours in ((Kind.BUSY, self.busy), (Kind.STARVED, self.starved), (Kind.BLOCKED, self.blocked)):
                if hours is not None and hours[k] > 1e-12:
                    record((t, kind, name, "", hours[k]))
        out = Kind.BUILT if self.last else Kind.THROUGH
        for kind, table in (
            (out, self.good_count),
            (Kind.SCRAP, self.scrap_count),
            (Kind.CHANGEOVER, self.changeover_hours),
        ):
            for p, months_of_p in enumerate(table):
                for k, quantity in enumerate(months_of_p):
                    if quantity > 0:
                        record((months[k].start_hour, kind, name, ids[p], quantity))


def _nothing(p: int) -> None:
    pass


def up_intervals(calendar: Calendar, down: Intervals) -> Intervals:
    """The clock intervals in which a line is open and up: its plant's shifts less its failures.

    The failures are kept on the open-hour axis; their complement there is mapped onto the
    shifts, so that the line's up hours and the clock convert with one lookup each way.
    """
    shifts = calendar.shifts
    s_starts, s_before, s_upto = shifts.starts, shifts.before, shifts.upto
    starts: list[float] = []
    ends: list[float] = []
    j = 0
    for a, b in zip([0.0, *down.ends], [*down.starts, shifts.total], strict=True):  # up, in open hours
        while j < len(s_upto) and s_upto[j] <= a:
            j += 1
        k = j
        while k < len(s_upto) and s_before[k] < b:
            lo, hi = max(a, s_before[k]), min(b, s_upto[k])
            if hi > lo:
                starts.append(s_starts[k] + lo - s_before[k])
                ends.append(s_starts[k] + hi - s_before[k])
            k += 1
    return Intervals(starts, ends)
