"""The instants at which something outside the lines changes, handled in order by one process.

Month starts (demand lost and released; the month's reserve and its hour counts start over),
SOP (the contract products' demand opens, pro rata for the SOP month), ramp-up and
yield-learning steps, weekly resizing of the buffers' lanes, and chip deliveries. They are
all known when the run starts, so one process walks through them; at one instant they are
applied in that order (demand before the kits that are shared by it), and then the
first-shop lines that were waiting look again. At the horizon, once every line has done
what ends exactly there, the lines report their months.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Generator

import simpy

from sim.model import ramp
from sim.model.calendar import HOURS_PER_DAY
from sim.model.recorder import Kind, Sink
from sim.model.setup import Setup
from sim.model.vehicle.buffers import Buffer
from sim.model.vehicle.contract import Contract
from sim.model.vehicle.kits import Kits
from sim.model.vehicle.lines import Line
from sim.model.vehicle.orders import Orders
from sim.model.vehicle.starts import Starts
from sim.scenario import Scenario

MONTH, SOP, STEP, DELIVERY = range(4)  # order of what happens at the same instant

Action = Callable[[float], None]


class Timeline:
    """Everything scheduled from outside the lines, and the report at the horizon."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        setup: Setup,
        orders: Orders,
        lines: list[Line],
        starts: Starts,
        contract: Contract,
        kits: Kits | None,
        buffers: list[Buffer],
        record: Sink,
    ):
        self.env = env
        self.scenario = scenario
        self.setup = setup
        self.orders = orders
        self.lines = lines
        self.starts = starts
        self.contract = contract
        self.kits = kits
        self.buffers = buffers
        self.record = record
        self.horizon = setup.months[-1].end_hour
        self.delivery_times = [t for t, _ in setup.deliveries]

    def process(self, sop: float | None) -> Generator[simpy.Event, None, None]:
        """Apply every instant in order, then have the lines report at the horizon."""
        env = self.env
        items = sorted(self._instants(sop), key=lambda item: item[:3])
        for time, _, _, action in items:
            if time > env.now:
                self._changed()
                self.contract.promise(env.now, time, self.orders, self.record)
                yield env.timeout(time - env.now)
            action(time)
        self._changed()
        self.contract.promise(env.now, self.horizon, self.orders, self.record)
        yield env.timeout(self.horizon - env.now)
        while env.peek() <= env.now:  # let the lines finish what ends exactly at the horizon
            yield env.timeout(0)
        ids = self.orders.ids
        for line in self.lines:
            line.report(self.record, self.setup.months, ids)

    def _changed(self) -> None:
        """What the last instant changed: recount what can start, and let waiting lines look."""
        self.starts.refresh()
        self.starts.wake()

    def _instants(self, sop: float | None) -> list[tuple[float, int, int, Action]]:
        out: list[tuple[float, int, int, Action]] = []
        for k, m in enumerate(self.setup.months):
            out.append((m.start_hour, MONTH, k, lambda t, k=k: self._month(k, t)))
        if sop is not None:
            at = max(sop, 0.0)
            # The speed and yield a product starts with are set before its demand opens at SOP.
            out.append((at, SOP, 1 << 30, lambda t: self._sop(sop, t)))
            n = 0
            for p, product in enumerate(self.scenario.products):
                if not self.orders.customer[p]:
                    continue
                rates = ramp.steps(product.ramp) if product.ramp else [(0.0, 1.0)]
                steps: list[tuple[float, Action]] = [
                    (days, lambda t, p=p, v=value: self._rate(p, v)) for days, value in rates
                ]
                # The kit plan looks ahead: what a product would start in a week depends on its speed then.
                self.orders.ramps[p] = [(max(sop + days * HOURS_PER_DAY, at), value) for days, value in rates]
                if product.yield_learning:
                    every = product.ramp.step_days if product.ramp else 7
                    learning = ramp.yield_steps(product.yield_learning, product.first_pass_yield, every)
                    steps += [(days, lambda t, p=p, v=value: self._yield(p, v)) for days, value in learning]
                for days, action in steps:
                    n += 1
                    when = max(sop + days * HOURS_PER_DAY, at)
                    out.append((when, SOP if when <= at else STEP, n, action))
        if self.kits is not None:
            for j, (when, kits) in enumerate(self.setup.deliveries):
                out.append((when, DELIVERY, j, lambda t, kits=kits: self._deliver(t, kits)))
        return [item for item in out if item[0] < self.horizon]

    def _next_delivery(self, t: float) -> float:
        times = self.delivery_times
        j = bisect.bisect_right(times, t)
        return times[j] if j < len(times) else self.horizon

    def _released(self, t: float, k: int) -> None:
        """Demand of month k was released: equal fill counts from here, lanes follow the month's
        demand, and spare pool kits may serve it."""
        self.orders.snapshot()
        orders = self.orders
        demand = [d[k] if released else 0.0 for d, released in zip(orders.demand, orders.released, strict=True)]
        for buffer in self.buffers:
            buffer.resize(demand)
        for line in self.lines:
            line.done[0] = line.done[1] = 0
        if self.kits is not None:
            self.kits.share(t, self._next_delivery(t))

    def _month(self, k: int, t: float) -> None:
        self.orders.month_start(k, t)
        self.contract.month = k
        self.contract.update(self.orders)
        self._overtime(k, t)
        for line in self.lines:
            line.customer_hours = 0.0
            line.reserve_from = line.up_at(t)
        self._released(t, k)

    def _overtime(self, k: int, t: float) -> None:
        """At month k's start, each line with an overtime rule works overtime this month while the
        open demand of its products is over `on_weeks` of a week's output, until it falls under
        `off_weeks` (a week's output: its speed over the month's working hours, per 7 days)."""
        month = self.setup.months[k]
        for line, spec in zip(self.lines, self.scenario.all_lines(), strict=True):
            rule = spec.overtime
            if rule is None or line.spec.overtime is None:
                continue
            working = line.spec.closed
            o0, o1 = line.open_until(month.start_hour), line.open_until(month.end_hour)
            hours = o1 - o0 - (working.until(o1) - working.until(o0) if working is not None else 0.0)
            per_week = line.jph * hours * 7 / month.days
            behind = sum(self.orders.backlog[p].total for p in line.products if self.orders.released[p])
            weeks = behind / per_week if per_week > 0 else 0.0
            if weeks > rule.on_weeks:
                line.overtime_on = True
            elif weeks < rule.off_weeks:
                line.overtime_on = False
            if line.overtime_on:
                line.work_overtime(k, t, rule.max_hours_per_month)

    def _sop(self, sop: float, t: float) -> None:
        self.record((sop, Kind.SOP, "", "", 0.0))
        months = self.setup.months
        k = max(bisect.bisect_right([m.start_hour for m in months], t) - 1, 0)
        m = months[k]
        left = (m.end_hour - t) / (m.end_hour - m.start_hour)
        self.orders.sop(k, left, t)
        self.contract.update(self.orders)
        for line in self.lines:
            line.reserve_from = line.up_at(t)
        self._released(t, k)

    def _rate(self, p: int, value: float) -> None:
        self.orders.set_rate(p, value)
        self.contract.update(self.orders)

    def _yield(self, p: int, value: float) -> None:
        self.orders.set_yield(p, value)
        self.contract.update(self.orders)

    def _deliver(self, t: float, kits: float) -> None:
        assert self.kits is not None
        self.kits.deliver(t, kits, self._next_delivery(t))
