"""The shared plant on SimPy: shifts open and close the lines, production is booked in batches.

A line builds while the plant is open, at its rated speed times the running product's rate
share (1 for established products, the ramp-up share for a new one). Nothing that decides
how hours are shared changes between *booking instants* (month starts, SOP, ramp steps), so
production is booked only there: the open hours banked since the last booking are split by
the contract's allocation policy, limited by open demand, and each product gets the same
fill rate as the other products of its side. Shift edges are real events (the line opens,
the line closes) that only bank hours, which keeps the event loop cheap.

Assumptions: demand is released at the start of each month (a contract product's only from
SOP, pro rata for the SOP month); unbuilt demand stays as backlog; lines are booked in the
order they are declared, so a product tooled on several lines takes what it can from the
first line before the next.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
import simpy

from sim.model import ramp
from sim.model.calendar import HOURS_PER_DAY, Calendar
from sim.model.demand import monthly
from sim.model.policy import split
from sim.scenario import Scenario

Record = Callable[[float, str, str, str, float], None]


@dataclass(frozen=True)
class Setup:
    """What is the same in every replication of a scenario, computed once per run."""

    calendar: Calendar
    demand: np.ndarray  # (product, month) vehicles
    month_open_hours: list[float]
    shifts: list[tuple[float, float, float]]  # (start hour, wait before it, length) of every shift

    @classmethod
    def of(cls, scenario: Scenario, calendar: Calendar | None = None) -> Setup:
        cal = calendar or Calendar(scenario.calendar, scenario.meta.start_date, scenario.meta.end_date)
        starts, ends = cal.shift_starts.tolist(), cal.shift_ends.tolist()
        previous = [0.0, *ends[:-1]]
        return cls(
            calendar=cal,
            demand=np.array([monthly(p.demand, cal.months) for p in scenario.products]),
            month_open_hours=[cal.open_hours(m.start_hour, m.end_hour) for m in cal.months],
            shifts=[(a, a - p, b - a) for a, b, p in zip(starts, ends, previous, strict=True)],
        )


class Line:
    """A line's fixed data: dotted name, speed, and the indices of its owner and customer products."""

    def __init__(self, name: str, jph: float, owner: list[int], customer: list[int]):
        self.name = name
        self.jph = jph
        self.owner = owner
        self.customer = customer


class Plant:
    """State and processes of one plant in one replication."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, setup: Setup, record: Record):
        self.env = env
        self.setup = setup
        self.calendar = setup.calendar
        self.record = record
        self.products = scenario.products
        index = {p.id: i for i, p in enumerate(self.products)}
        customer = scenario.contract.customer if scenario.contract else None
        self.is_customer = [p.owner == customer for p in self.products]
        self.lines = [
            Line(
                f"{scenario.plant.name}.{line.id}",
                line.jph,
                [index[p] for p in line.products if not self.is_customer[index[p]]],
                [index[p] for p in line.products if self.is_customer[index[p]]],
            )
            for line in scenario.plant.lines
        ]
        self.contract = scenario.contract
        self.policy = scenario.contract.policy if scenario.contract else "owner_first"
        self.demand = setup.demand
        self.backlog = [0.0] * len(self.products)
        # Share of line speed each product runs at: customer products wait for SOP.
        self.rate = [0.0 if c else 1.0 for c in self.is_customer]
        self.released = [not c for c in self.is_customer]
        self.month = 0
        self.banked = 0.0  # open hours since the last booking, from finished shift pieces
        self.open_since: float | None = None

    # -- processes ---------------------------------------------------------------------------
    def shifts(self) -> Generator[simpy.Event, None, None]:
        """Open and close the plant at every shift edge, banking the open hours."""
        # The hot loop of the model: relative waits precomputed, nothing else done per edge.
        timeout = self.env.timeout
        for start, wait, length in self.setup.shifts:
            yield timeout(wait)
            self.open_since = start
            yield timeout(length)
            self.banked += start + length - self.open_since
            self.open_since = None

    def months(self) -> Generator[simpy.Event, None, None]:
        """Release each month's demand at its start; book the last batch at the horizon's end."""
        env = self.env
        for k, month in enumerate(self.calendar.months):
            yield env.timeout(month.start_hour - env.now)
            self.book()
            self.month = k
            for i in range(len(self.products)):
                if self.released[i]:
                    self.release(i, self.demand[i, k])
        yield env.timeout(self.calendar.horizon_hours - env.now)
        self.book()

    def launch(self, sop_hour: float) -> Generator[simpy.Event, None, None]:
        """At SOP, open the contract products' demand and step their rate up the ramp."""
        env = self.env
        yield env.timeout(sop_hour - env.now)
        self.book()
        self.record(env.now, "sop", "", "", 0.0)
        month = self.calendar.months[self.month]
        left = (month.end_hour - env.now) / (month.end_hour - month.start_hour)
        ramps = {i: self.products[i].ramp for i, c in enumerate(self.is_customer) if c}
        for i, r in ramps.items():
            self.released[i] = True
            self.rate[i] = ramp.steps(r)[0][1] if r else 1.0
            self.release(i, self.demand[i, self.month] * left)
        # One process walks every ramped product's steps in time order.
        changes = sorted(
            (sop_hour + day * HOURS_PER_DAY, i, share) for i, r in ramps.items() if r for day, share in ramp.steps(r)
        )
        for when, i, share in changes:
            if when >= self.calendar.horizon_hours:
                return
            if when > env.now:
                yield env.timeout(when - env.now)
                self.book()
            self.rate[i] = share

    # -- booking -----------------------------------------------------------------------------
    def release(self, i: int, quantity: float) -> None:
        if quantity > 0:
            self.backlog[i] += quantity
            self.record(self.env.now, "demand", "", self.products[i].id, quantity)

    def book(self) -> None:
        """Split the open hours banked since the last booking among lines and products."""
        now = self.env.now
        hours = self.banked
        if self.open_since is not None:
            hours += now - self.open_since
            self.open_since = now
        self.banked = 0.0
        if hours <= 0:
            return
        start = now - hours  # a nominal batch time inside the month being closed
        reserve = self._reserve()
        for line in self.lines:
            need_o = self._need(line, line.owner)
            need_c = self._need(line, line.customer)
            h_o, h_c = split(self.policy, hours, need_o, need_c, reserve if line.customer else 0.0)
            self.record(start, "open", line.name, "", hours)
            self.record(start, "busy", line.name, "", h_o + h_c)
            self._build(line, line.owner, h_o, need_o, start)
            self._build(line, line.customer, h_c, need_c, start)

    def _need(self, line: Line, products: list[int]) -> float:
        """Line-hours needed to clear the open demand of `products`."""
        return sum(self.backlog[i] / (line.jph * self.rate[i]) for i in products if self.rate[i] > 0)

    def _build(self, line: Line, products: list[int], hours: float, need: float, start: float) -> None:
        if hours <= 0 or need <= 0:
            return
        fill = min(hours / need, 1.0)  # every product of the side clears the same share of its backlog
        for i in products:
            if self.rate[i] > 0 and self.backlog[i] > 0:
                built = self.backlog[i] * fill
                self.backlog[i] = 0.0 if fill == 1.0 else self.backlog[i] - built
                self.record(start, "built", line.name, self.products[i].id, built)

    def _reserve(self) -> float:
        """The customer's reserved share of each shared line's hours in the current month."""
        c = self.contract
        if c is None or c.policy != "reserved_share":
            return 0.0
        if c.reserved_share is not None:
            return c.reserved_share
        # Units per month become the share of this month's shared-line capacity they take at today's rate.
        rate = max((self.rate[i] for i, cust in enumerate(self.is_customer) if cust), default=0.0)
        capacity = self.setup.month_open_hours[self.month] * rate * sum(ln.jph for ln in self.lines if ln.customer)
        return min(1.0, c.reserved_units_per_month / capacity) if capacity > 0 else 0.0
