"""The batch fidelity: production booked in exact batches between the instants that change it.

At each booking instant (month starts, SOP, ramp and yield steps) every line's available
hours since the last one (open hours from the calendar, less the open hours its breakdowns
covered) are planned by the contract's policy (`plan`), kits cut the plan of the first shop
(`chips`), and the batch is booked (`ledger`): directly on a plant of one shop, through the
flow of shops in series otherwise (`shops`). docs/model.md holds the rules and their maths.
"""

from __future__ import annotations

import itertools

import numpy as np
import simpy

from sim.model import processes
from sim.model.backlog import Backlog
from sim.model.kits import Pool
from sim.model.ledger import Ledger
from sim.model.plan import Item, Want, major_family, plan
from sim.model.policy import POLICIES, proportional
from sim.model.recorder import Kind, Sink
from sim.model.setup import Setup
from sim.model.shops import Shops, within
from sim.model.state import Line, State
from sim.scenario import Scenario


class Batch:
    """The batch model of one replication."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        setup: Setup,
        plant: State,
        demand_factors: np.ndarray,
        record: Sink,
        book_every_hours: float | None = None,
    ):
        self.env = env
        self.scenario = scenario
        self.setup = setup
        self.state = plant
        self.record = record
        self.book_every = book_every_hours
        products = scenario.products
        self.customer = plant.customer
        contract = scenario.contract
        self.split = POLICIES[contract.policy if contract else "owner_first"]
        # Plain floats from here on: numpy scalars would make every booking's arithmetic slower.
        self.demand = (setup.forecast * demand_factors).tolist()  # (product, month) vehicles
        self.lost_after = [p.demand.lost_after_months for p in products]
        self.backlog = [Backlog() for _ in products]
        self.ledger = Ledger(record, [p.id for p in products], self.backlog)
        self.rate = [0.0 if c else 1.0 for c in self.customer]  # customer products wait for SOP
        self.released = [not c for c in self.customer]
        self.yield_ = [p.first_pass_yield for p in products]
        self.rework = [p.rework_share for p in products]
        chips = scenario.supply.chips if scenario.supply else None
        self.pool = (
            Pool(
                chips.allocation,
                setup.deliveries,
                [p.chips_per_vehicle for p in products],
                self.customer,
                [p.margin_rmb_per_unit for p in products],
                record,
            )
            if chips
            else None
        )
        self.shops = {p.index: Shops(p) for p in plant.plants if p.series}
        self.single = [ln for ln in plant.lines if ln.plant not in self.shops]  # lines of one-shop plants
        self.by_name = {ln.name: ln for ln in plant.lines}
        self.month = 0
        self.last = 0.0  # clock hour of the last booking
        self.major: dict[str, str | None] = {}  # line -> the month's major family (lines with changeovers)

    def start(self, sop_hour: float | None) -> None:
        env, months = self.env, self.setup.months
        env.process(processes.months(env, self, months))
        if sop_hour is not None:
            env.process(processes.launch(env, self, sop_hour, months, self.scenario.products, self.customer))
        if self.book_every:
            env.process(processes.every(env, self, self.book_every, months[-1].end_hour))

    # -- changes of state ----------------------------------------------------------------------
    def new_month(self, k: int) -> None:
        self.month = k
        now = self.env.now
        for i, keep in enumerate(self.lost_after):
            if keep is not None:
                lost = self.backlog[i].expire(k - keep)
                if lost > 0:
                    self.record(now, Kind.LOST, "", self.ledger.products[i], lost)
            if self.released[i]:
                self._release(i, self.demand[i][k])
        for line in self.state.lines:
            if line.changeover:
                good = [self._good(line, i) for i in line.products]
                wants = [
                    self._want(line, i, self.backlog[i].total / g)
                    for i, g in zip(line.products, good, strict=True)
                    if self.rate[i] > 0
                ]
                self.major[line.name] = major_family(line, wants)

    def sop(self, share_left: float) -> None:
        self.record(self.env.now, Kind.SOP, "", "", 0.0)
        for i, c in enumerate(self.customer):
            if c:
                self.released[i] = True
                self.rate[i] = 1.0
                self._release(i, self.demand[i][self.month] * share_left)

    def set_rate(self, i: int, value: float) -> None:
        self.rate[i] = value

    def set_yield(self, i: int, value: float) -> None:
        self.yield_[i] = value

    def _release(self, i: int, quantity: float) -> None:
        if quantity > 0:
            self.backlog[i].add(self.month, quantity)
            self.record(self.env.now, Kind.DEMAND, "", self.ledger.products[i], quantity)

    # -- booking -------------------------------------------------------------------------------
    def book(self) -> None:
        """Book production since the last booking instant.

        Kits change what can be built when they arrive. If, up to every delivery in the batch,
        the kits in hand at its start and those delivered before cover what the plan starts
        by then (at its even pace over the lines' available hours), their timing cannot
        matter and one piece is exact; otherwise the batch is booked delivery by delivery,
        each piece with the kits delivered by its start. Either way the result does not
        depend on how often the model books.
        """
        t0, now = self.last, self.env.now
        if now <= t0:
            return
        self.last = now
        inside = self.pool.between(t0, now) if self.pool is not None else []
        if not inside or not self._book(t0, now, inside):
            for a, b in itertools.pairwise([t0, *inside, now]):
                self._book(a, b)

    def _book(self, t0: float, t1: float, inside: list[float] | None = None) -> bool:
        """Book every line's batch over clock hours [t0, t1]. With the deliveries `inside` it,
        only if the kits cover the plan up to each of them (returns whether it booked)."""
        spans = [(c.open_until(t0), c.open_until(t1)) for c in self.setup.calendars]
        reserve = self._reserve()
        hours: dict[str, tuple[float, float]] = {}  # line -> (open, down) hours
        downs: dict[str, list[tuple[float, float]]] = {}
        for line in self.state.lines:
            o0, o1 = spans[line.plant]
            if o1 > o0:
                if line.plant in self.shops:
                    downs[line.name] = within(line.down, o0, o1)
                    down = sum(b - a for a, b in downs[line.name])
                else:
                    down = line.down.until(o1) - line.down.until(o0)
                hours[line.name] = (o1 - o0, down)
        available = {name: max(o - d, 0.0) for name, (o, d) in hours.items()}

        def planner(line: Line, hours: float, wants: list[Want], last: bool) -> list[Item]:
            major = self.major.get(line.name)
            if last:
                return plan(line, hours, wants, self.split, reserve if line.customer else 0.0, self.customer, major)
            return plan(line, hours, wants, proportional, 0.0, self.customer, major)

        # Plan with unlimited kits: the policy decides the split; kits only cut it.
        planned_good = [0.0] * len(self.backlog)  # good vehicles planned so far this batch (earlier lines)
        plans: dict[str, list[Item]] = {}
        for k, shops in self.shops.items():
            if spans[k][1] > spans[k][0]:
                open_demand = [max(0.0, b.total - p) for b, p in zip(self.backlog, planned_good, strict=True)]
                plans |= shops.plan(available, open_demand, self._want, self._route_good, planner)
        for line in self.single:
            if line.name not in available:
                continue
            wants = [
                self._want(line, i, max(0.0, self.backlog[i].total - planned_good[i]) / self._good(line, i))
                for i in line.products
                if self.rate[i] > 0
            ]
            items = planner(line, available[line.name], [w for w in wants if w.vehicles > 1e-12], True)
            plans[line.name] = items
            for item in items:
                planned_good[item.product] += item.started * item.good
        cut = None
        if self.pool is not None:
            self.pool.receive(t0)
            first = [0.0] * len(self.backlog)
            for line in self.state.lines:
                if line.stage == 0:
                    for item in plans.get(line.name, ()):
                        first[item.product] += item.started
            if inside:
                if not self._covered(plans, available, spans, t0, inside):
                    return False
                self.pool.receive(inside[-1])
            cut = self.pool.cut(first)
        # Book what the cut plan makes.
        for name, (open_h, down) in hours.items():
            self.ledger.hours(self.by_name[name], t0, open_h, down)
        for line in self.single:
            busy = 0.0
            for item in plans.get(line.name, ()):
                started = item.started * cut[item.product] if cut is not None else item.started
                if started > 0:
                    busy += started * (item.each - item.changeover)
                    self.ledger.built(line, item.product, started, item.changeover, item.good, t0)
                    if self.pool is not None:
                        self.pool.use(item.product, started)
            self.ledger.idle(line, busy, 0.0, 0.0, t0)
        for k, shops in self.shops.items():
            o0, o1 = spans[k]
            if o1 <= o0:
                continue
            done = shops.run(plans, cut, available, downs, self._route_good, o0, o1)
            for (name, i), (through, item) in done.items():
                line = self.by_name[name]
                if through <= 0:
                    continue
                if line.last:
                    self.ledger.built(line, i, through, item.changeover, item.good, t0)
                else:
                    self.ledger.through(line, i, through, item.changeover, item.good, t0)
                if line.stage == 0 and self.pool is not None:
                    self.pool.use(i, through)
            for name, (busy, starved, blocked) in shops.idle.items():
                self.ledger.idle(self.by_name[name], busy, starved, blocked, t0)
        return True

    def _covered(
        self,
        plans: dict[str, list[Item]],
        available: dict[str, float],
        spans: list[tuple[float, float]],
        t0: float,
        inside: list[float],
    ) -> bool:
        """Whether the kits in hand at t0, with those delivered before each delivery `inside`
        the batch, cover what the plan starts up to it (and the kits of them all the whole plan)."""
        pool = self.pool
        assert pool is not None
        calendars = self.setup.calendars
        delivered = 0.0
        for k, d in enumerate([*inside, self.env.now]):
            started = [0.0] * len(self.backlog)  # planned starts up to d
            for line in self.state.lines:
                items = plans.get(line.name)
                if line.stage or not items:
                    continue
                o0 = spans[line.plant][0]
                o = calendars[line.plant].open_until(d)
                share = (o - o0 - (line.down.until(o) - line.down.until(o0))) / available[line.name]
                for item in items:
                    started[item.product] += item.started * share
            if not pool.covers(started, delivered):
                return False
            if k < len(inside):
                delivered += pool.delivered(d)
        return True

    def _want(self, line: Line, i: int, vehicles: float) -> Want:
        """Product i wants `vehicles` started on `line`."""
        y, r = (self.yield_[i] if line.last else line.yields[i]), self.rework[i]
        return Want(i, vehicles, (1 + (1 - y) * r) / (line.jph * self.rate[i]), y + (1 - y) * r)

    def _good(self, line: Line, i: int) -> float:
        return _good(self.yield_[i] if line.last else line.yields[i], self.rework[i])

    def _route_good(self, i: int) -> list[float]:
        """Share of product i's vehicles that leave each stage of its route good."""
        route = next(s for s in self.shops.values() if i in s.plant.routes).plant.routes[i]
        return [self._good(line, i) for line in route]

    def _reserve(self) -> float:
        """The customer's reserved share of each shared line's hours at this booking."""
        c = self.scenario.contract
        if c is None or c.policy != "reserved_share":
            return 0.0
        if c.reserved_share is not None:
            return c.reserved_share
        # Units a month become the share of the month's available hours of the customer's
        # last-shop lines that as many good vehicles take at today's rate.
        per_hour = max(
            (
                self.rate[i] * _good(self.yield_[i], self.rework[i]) / (1 + (1 - self.yield_[i]) * self.rework[i])
                for i, cust in enumerate(self.customer)
                if cust
            ),
            default=0.0,
        )
        month = self.setup.months[self.month]
        capacity = 0.0
        for line in self.state.lines:
            if line.last and line.customer:
                cal = self.setup.calendars[line.plant]
                o0, o1 = cal.open_until(month.start_hour), cal.open_until(month.end_hour)
                capacity += line.jph * (o1 - o0 - (line.down.until(o1) - line.down.until(o0)))
        capacity *= per_hour
        return min(1.0, c.reserved_units_per_month / capacity) if capacity > 0 else 0.0


def _good(y: float, r: float) -> float:
    """Good vehicles per vehicle started: first-time passes plus reworked failures."""
    return y + (1 - y) * r
