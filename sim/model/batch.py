"""The batch fidelity: production booked in exact batches between the instants that change it.

At each booking instant (month starts, SOP, ramp and yield steps) every line's available
hours since the last one (open hours from the calendar, less the open hours its breakdowns
covered) are planned by the contract's policy (`plan`), kits cut the plan of the first shop
(`chips`), and the batch is booked (`ledger`): directly on a plant of one shop, through the
flow of shops in series otherwise (`shops`). docs/model.md holds the rules and their maths.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import simpy

from sim.model import processes
from sim.model.backlog import Backlog
from sim.model.kits import Pool
from sim.model.ledger import BuiltOnly, Ledger
from sim.model.plan import Item, Want, major_family, plan
from sim.model.policy import POLICIES, by_need
from sim.model.priority import levels
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
        built_only: bool = False,
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
        rule = scenario.owner_priority
        self.level = (
            levels(
                rule.rule,
                [p.margin_rmb_per_unit for p in products],
                [p.brand for p in products],
                [p.id for p in products],
                rule.order,
            )
            if rule is not None and rule.rule != "equal_fill"
            else None
        )  # the owner's priority level of each product (None: equal fill)
        # Plain floats from here on: numpy scalars would make every booking's arithmetic slower.
        self.demand = (setup.forecast * demand_factors).tolist()  # (product, month) vehicles
        self.lost_after = [p.demand.lost_after_months for p in products]
        self.backlog = [Backlog() for _ in products]
        self.ledger = (BuiltOnly if built_only else Ledger)(record, [p.id for p in products], self.backlog)
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
        self.route_goods: dict[int, list[float]] = {}  # product -> `_route_good`, until a yield changes
        self.per_hour: float | None = None  # `_good_per_hour`, until a rate or a yield changes
        self.single = [ln for ln in plant.lines if ln.plant not in self.shops]  # lines of one-shop plants
        self.by_name = {ln.name: ln for ln in plant.lines}
        reserve = contract is not None and contract.policy == "reserved_share"
        self.reserved_lines = [ln for ln in plant.lines if ln.last and ln.customer] if reserve else []
        # Lines that change over between families they build: their major family is the month's.
        self.changeovers = [ln for ln in plant.lines if ln.changeover and len(set(ln.families.values())) > 1]
        # Lines with an overtime rule: whether it is on, and the hours left of the month's cap.
        self.overtime = [
            (ln, spec.overtime)
            for ln, spec in zip(plant.lines, scenario.all_lines(), strict=True)
            if ln.overtime is not None and spec.overtime is not None
        ]
        self.overtime_on = {ln.name: False for ln, _ in self.overtime}
        self.overtime_left = {ln.name: 0.0 for ln, _ in self.overtime}
        self.month = 0
        self.last = 0.0  # clock hour of the last booking
        self.reserve = 0.0  # the customer's reserved share at the current booking
        self.binding = False  # whether kits cut the last batch (then the next is booked delivery by delivery)
        self.major: dict[str, str | None] = {}  # line -> the month's major family (lines with changeovers)
        self.keep_at: float | None = None  # the booking instant whose state to keep for another run (`fork`)
        self.kept: Snapshot | None = None

    def start(self, sop_hour: float | None, speeds: Sequence[tuple[float, int, float]] = ()) -> None:
        env, months = self.env, self.setup.months
        if speeds:
            env.process(processes.speeds(env, self, speeds))
        # From the month that starts at the last booking: the first, or a kept state's (`resume`).
        first = next(k for k, m in enumerate(months) if m.start_hour >= self.last)
        env.process(processes.months(env, self, months, first))
        if sop_hour is not None:
            env.process(processes.launch(env, self, sop_hour, months, self.scenario.products, self.customer))
        if self.book_every:
            env.process(processes.every(env, self, self.book_every, months[-1].end_hour))

    # -- changes of state ----------------------------------------------------------------------
    def new_month(self, k: int) -> None:
        # Once a month in each of a replication's three simulations: plain locals, `_release` written out.
        self.month = k
        now, record, ids, backlog = self.env.now, self.record, self.ledger.products, self.backlog
        for i, keep in enumerate(self.lost_after):
            if keep is not None:
                lost = backlog[i].expire(k - keep)
                if lost > 0:
                    record((now, LOST, "", ids[i], lost))
            if self.released[i]:
                quantity = self.demand[i][k]
                if quantity > 0:
                    backlog[i].add(k, quantity)
                    record((now, DEMAND, "", ids[i], quantity))
        if self.shops:
            self._resize()
        if self.overtime:
            for line, rule in self.overtime:
                self.overtime_left[line.name] = rule.max_hours_per_month
            self._decide_overtime()
        for line in self.changeovers:
            wants = [
                self._want(line, i, backlog[i].total / self._good(line, i)) for i in line.products if self.rate[i] > 0
            ]
            self.major[line.name] = major_family(line, wants)

    def sop(self, k: int, share_left: float) -> None:
        self.record((self.env.now, Kind.SOP, "", "", 0.0))
        for i, c in enumerate(self.customer):
            if c:
                self.released[i] = True
                self.rate[i] = 1.0
                self.per_hour = None
                # SOP at month k's first hour may come before month k starts: then the month's
                # start releases all of it, since the product is released by then.
                if self.month == k:
                    self._release(i, self.demand[i][k] * share_left)
        self._resize()

    def _resize(self) -> None:
        """Buffers' lanes in proportion to each route's demand this month (products released)."""
        month = [d[self.month] if r else 0.0 for d, r in zip(self.demand, self.released, strict=True)]
        for shops in self.shops.values():
            shops.resize(month)

    def set_rate(self, i: int, value: float) -> None:
        self.rate[i] = value
        self.per_hour = None

    def set_yield(self, i: int, value: float) -> None:
        self.yield_[i] = value
        self.route_goods.pop(i, None)
        self.per_hour = None

    def set_speed(self, k: int, jph: float) -> None:
        self.state.lines[k].jph = jph

    def _release(self, i: int, quantity: float) -> None:
        if quantity > 0:
            self.backlog[i].add(self.month, quantity)
            self.record((self.env.now, DEMAND, "", self.ledger.products[i], quantity))

    # -- a kept state, to start another run from (`fork`) ---------------------------------------
    def snapshot(self) -> Snapshot | None:
        """What a booking reads that a run changes, by product id and line name, as it is now;
        None if the customer has had anything yet (orders, kits, a rate): then a run without
        the contract could not start from it."""
        customer = [i for i, c in enumerate(self.customer) if c]
        if any(self.released[i] or self.rate[i] or self.backlog[i].total or self.backlog[i].cohorts for i in customer):
            return None
        pool = self.pool
        if pool is not None and any(pool.held[i] for i in customer):
            return None
        wip = {i: w for shops in self.shops.values() for i, w in shops.wip.items()}
        if any(any(wip[i]) for i in customer if i in wip):
            return None
        ids = self.ledger.products
        return Snapshot(
            hour=self.last,
            month=self.month,
            backlog={ids[i]: [list(c) for c in b.cohorts] for i, b in enumerate(self.backlog)},
            open_demand={ids[i]: b.total for i, b in enumerate(self.backlog)},
            kits=None if pool is None else (pool.pool, pool.received, dict(zip(ids, pool.held, strict=True))),
            binding=self.binding,
            jph={line.name: line.jph for line in self.state.lines},
            overtime=(dict(self.overtime_on), dict(self.overtime_left)),
            wip={ids[i]: list(w) for i, w in wip.items()},
        )

    def resume(self, kept: Snapshot) -> None:
        """Take a kept state as this run's own: `start` then goes on from its booking instant.
        The month's major families are the month's, worked out again when the next month starts."""
        self.last, self.month, self.binding = kept.hour, kept.month, kept.binding
        for i, pid in enumerate(self.ledger.products):
            backlog = self.backlog[i]  # (the ledger holds these very objects)
            backlog.cohorts = deque([list(c) for c in kept.backlog[pid]])
            backlog.total = kept.open_demand[pid]
        if self.pool is not None and kept.kits is not None:
            self.pool.pool, self.pool.received, held = kept.kits
            self.pool.held = [held[pid] for pid in self.ledger.products]
        for line in self.state.lines:
            line.jph = kept.jph[line.name]
        self.overtime_on.update(kept.overtime[0])
        self.overtime_left.update(kept.overtime[1])
        ids = self.ledger.products
        for shops in self.shops.values():  # (their lanes are sized again as the month starts)
            shops.wip = {i: list(kept.wip[ids[i]]) for i in shops.wip}

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
        if not inside:
            self._book(t0, now)
        elif self.binding or not self._book(t0, now, inside):
            # Kits bind: piece by piece (while they do, trying one piece first would be wasted).
            self.binding = False
            for a, b in itertools.pairwise([t0, *inside, now]):
                self._book(a, b)
        if now == self.keep_at:
            self.kept = self.snapshot()

    def _decide_overtime(self) -> None:
        """At a month's start, switch each line's overtime on for the month when the open demand
        of its products exceeds `on_weeks` of its output, off below `off_weeks` (its output:
        rated speed x the month's working hours, per week of the month). Only at month starts,
        so that what the model builds does not depend on how often it books."""
        month = self.setup.months[self.month]
        for line, rule in self.overtime:
            cal = self.setup.calendars[line.plant]
            o0, o1 = cal.open_until(month.start_hour), cal.open_until(month.end_hour)
            closed = line.closed
            hours = o1 - o0 - (closed.until(o1) - closed.until(o0) if closed is not None else 0.0)
            weekly = line.jph * hours * 7 / month.days
            open_demand = sum(self.backlog[i].total for i in line.products if self.released[i])
            weeks = open_demand / weekly if weekly > 0 else 0.0
            if weeks > rule.on_weeks:
                self.overtime_on[line.name] = True
            elif weeks < rule.off_weeks:
                self.overtime_on[line.name] = False

    def _book(self, t0: float, t1: float, inside: list[float] | None = None) -> bool:
        """Book every line's batch over clock hours [t0, t1]. With the deliveries `inside` it,
        only if the kits cover the plan up to each of them (returns whether it booked)."""
        # The busiest code outside SimPy: plain lists and locals on purpose.
        spans = [(c.open_until(t0), c.open_until(t1)) for c in self.setup.calendars]
        self.reserve = self._reserve()
        hours: dict[str, tuple[float, float]] = {}  # line -> (open, down) hours
        extra: dict[str, float] = {}  # line -> overtime hours worked
        downs: dict[str, list[tuple[float, float]]] = {}
        for line in self.state.lines:
            o0, o1 = spans[line.plant]
            if o1 > o0:
                off = line.off  # closed or down
                if line.plant in self.shops:
                    downs[line.name] = within(off, o0, o1)
                    down = sum([b - a for a, b in downs[line.name]])
                else:
                    down = off.until(o1) - off.until(o0)
                closed = line.closed
                if closed is None:
                    hours[line.name] = (o1 - o0, down)
                else:  # a line with a working time of its own: it works the open hours not closed
                    shut = closed.until(o1) - closed.until(o0)
                    ot = line.overtime
                    if ot is not None and self.overtime_on[line.name]:
                        # Overtime: the first of its overtime hours in the batch, up to the month's cap
                        # (up hours: its failures count its regular working time).
                        extra[line.name] = min(ot.until(o1) - ot.until(o0), self.overtime_left[line.name])
                        shut -= extra[line.name]
                    worked = o1 - o0 - shut
                    if worked < 1e-9:  # closed throughout, to rounding
                        hours[line.name] = (0.0, 0.0)
                    else:
                        hours[line.name] = (worked, max(down - shut - extra.get(line.name, 0.0), 0.0))
        available = {name: 0.0 if (a := o - d) < 0.0 else a for name, (o, d) in hours.items()}  # (max(a, 0.0))

        # Plan with unlimited kits: the policy decides the split; kits only cut it.
        backlog, rate, yield_, rework = self.backlog, self.rate, self.yield_, self.rework
        planned_good = [0.0] * len(backlog)  # good vehicles planned so far this batch (earlier lines)
        plans: dict[str, list[Item]] = {}
        for k, shops in self.shops.items():
            if spans[k][1] > spans[k][0]:
                open_demand = [
                    x if (x := b.total - p) > 0.0 else 0.0 for b, p in zip(backlog, planned_good, strict=True)
                ]
                plans |= shops.plan(available, open_demand, self._want, self._route_good, self._plan)
        for line in self.single:
            if line.name not in available:
                continue
            wants = []
            for i in line.products:
                if rate[i] > 0:
                    y, r = yield_[i], rework[i]
                    good = y + (1 - y) * r
                    vehicles = (backlog[i].total - planned_good[i]) / good
                    if vehicles > 1e-12:
                        # (tuple.__new__: the named tuple's Python-level constructor costs as much as the rest)
                        wants.append(_new(Want, (i, vehicles, (1 + (1 - y) * r) / (line.jph * rate[i]), good)))
            items = self._plan(line, available[line.name], wants, True) if wants else []
            plans[line.name] = items
            for i, started, _, _, good in items:  # (unpacked: a named tuple's field costs a lookup each)
                planned_good[i] += started * good
        cut = None
        pool = self.pool
        if pool is not None:
            pool.receive(t0)
            first = [0.0] * len(backlog)
            for line in self.state.lines:
                if line.stage == 0:
                    for i, started, *_ in plans.get(line.name, ()):
                        first[i] += started
            if inside:
                if not self._covered(plans, available, spans, inside):
                    return False
                pool.receive(inside[-1])
            cut = pool.cut(first)
            self.binding |= min(cut) < 1.0
        # Book what the cut plan makes.
        ledger = self.ledger
        for name, (open_h, down) in hours.items():
            line = self.by_name[name]
            ledger.hours(line, t0, open_h, down)
            if line.claims:
                ledger.claimed(line, t0, *spans[line.plant])
        for name, hours_worked in extra.items():
            self.overtime_left[name] -= hours_worked
            if hours_worked > 0:
                self.record((t0, Kind.OVERTIME, name, "", hours_worked))
        if self.reserved_lines:
            self._entitled(hours, t0)
        held, per_vehicle = (pool.held, pool.per_vehicle) if pool is not None else (None, None)
        for line in self.single:
            busy = 0.0
            for i, started, each, changeover, good in plans.get(line.name, ()):
                if cut is not None:
                    started *= cut[i]
                if started > 0:
                    busy += started * (each - changeover)
                    ledger.built(line, i, started, changeover, good, t0)
                    if held is not None:  # (`Pool.use` written out: this runs for every product and batch)
                        left = held[i] - started * per_vehicle[i]
                        held[i] = left if left > 0.0 else 0.0
            ledger.idle(line, busy, 0.0, 0.0, t0)
        for k, shops in self.shops.items():
            o0, o1 = spans[k]
            if o1 <= o0:
                continue
            done = shops.run(plans, cut, downs, self._route_good, o0, o1)
            for (name, i), (through, item) in done.items():
                line = self.by_name[name]
                if through <= 0:
                    continue
                if line.last:
                    ledger.built(line, i, through, item.changeover, item.good, t0)
                else:
                    ledger.through(line, i, through, item.changeover, item.good, t0)
                if line.stage == 0 and pool is not None:
                    pool.use(i, through)
            for name, (busy, starved, blocked) in shops.idle.items():
                ledger.idle(self.by_name[name], busy, starved, blocked, t0)
        return True

    def _plan(self, line: Line, hours: float, wants: list[Want], last: bool) -> list[Item]:
        """A line's plan: by the contract's policy and the owner's priority in the last shop, by need before it."""
        if last:
            reserve = self.reserve if line.customer else 0.0
            return plan(line, hours, wants, self.split, reserve, self.customer, self.major.get(line.name), self.level)
        return plan(line, hours, wants, by_need, 0.0, self.customer, self.major.get(line.name))

    def _covered(
        self,
        plans: dict[str, list[Item]],
        available: dict[str, float],
        spans: list[tuple[float, float]],
        inside: list[float],
    ) -> bool:
        """Whether the kits in hand at the batch's start, with those delivered before each
        delivery `inside` the batch, cover what the plan starts up to it (the plan goes at an
        even pace over each line's available hours), and all the kits the whole plan."""
        pool = self.pool
        assert pool is not None
        per_vehicle = pool.per_vehicle
        first = []  # (line, its plan, the plan's kits) of the first shop's lines
        for line in self.state.lines:
            items = plans.get(line.name)
            if line.stage == 0 and items and available[line.name] > 0:
                first.append((line, items, sum([it.started * per_vehicle[it.product] for it in items])))
        exact = any(pool.held)  # held kits count per product; without any, only totals matter
        # Kits in the pool at the start that cover the whole plan cover every part of it (with a
        # margin for a part's share of its line's hours rounding above 1): no delivery can matter.
        if exact:
            whole = [0.0] * len(self.backlog)
            for _, items, _ in first:
                for item in items:
                    whole[item.product] += item.started * (1 + 1e-9)
            if pool.covers(whole):
                return True
        elif sum([kits for _, _, kits in first]) * (1 + 1e-9) <= pool.pool:
            return True
        # (line, open and down hours at the batch's start, its plan, the plan's kits)
        first = [(line, o0 := spans[line.plant][0], line.off.until(o0), items, kits) for line, items, kits in first]
        calendars = self.setup.calendars
        delivered = 0.0
        for d in inside:
            at = [c.open_until(d) for c in calendars]
            started = [0.0] * len(self.backlog)  # planned starts up to d
            kits = 0.0
            for line, o0, down0, items, line_kits in first:
                o = at[line.plant]
                share = (o - o0 - (line.off.until(o) - down0)) / available[line.name]
                if exact:
                    for item in items:
                        started[item.product] += item.started * share
                else:
                    kits += line_kits * share
            if not (pool.covers(started, delivered) if exact else kits <= pool.pool + delivered):
                return False
            delivered += pool.delivered(d)
        if not exact:
            return sum(f[4] for f in first) <= pool.pool + delivered
        started = [0.0] * len(self.backlog)
        for _, _, _, items, _ in first:
            for item in items:
                started[item.product] += item.started
        return pool.covers(started, delivered)

    def _want(self, line: Line, i: int, vehicles: float) -> Want:
        """Product i wants `vehicles` started on `line`."""
        y, r = (self.yield_[i] if line.last else line.yields[i]), self.rework[i]
        return _new(Want, (i, vehicles, (1 + (1 - y) * r) / (line.jph * self.rate[i]), y + (1 - y) * r))

    def _good(self, line: Line, i: int) -> float:
        return _good(self.yield_[i] if line.last else line.yields[i], self.rework[i])

    def _route_good(self, i: int) -> list[float]:
        """Share of product i's vehicles that leave each stage of its route good (kept until a
        yield changes: shops ask for it for every product at every booking)."""
        good = self.route_goods.get(i)
        if good is None:
            route = next(s for s in self.shops.values() if i in s.plant.routes).plant.routes[i]
            good = self.route_goods[i] = [self._good(line, i) for line in route]
        return good

    def _reserve(self, available: bool = True) -> float:
        """The customer's reserved share of each shared line's hours at this booking: of its
        available hours (the plan's), or of its open hours (what the contract promises)."""
        c = self.scenario.contract
        if c is None or c.policy != "reserved_share":
            return 0.0
        if c.reserved_share is not None:
            return c.reserved_share
        # Units a month become the share of the month's hours of the customer's last-shop lines
        # that as many good vehicles take at today's rate.
        month = self.setup.months[self.month]
        capacity = 0.0
        for line in self.state.lines:
            if line.last and line.customer:
                cal = self.setup.calendars[line.plant]
                o0, o1 = cal.open_until(month.start_hour), cal.open_until(month.end_hour)
                lost = line.off if available else line.closed  # ... of its available or working hours
                down = lost.until(o1) - lost.until(o0) if lost is not None else 0.0
                capacity += line.jph * (o1 - o0 - down)
        capacity *= self._good_per_hour()
        return min(1.0, c.reserved_units_per_month / capacity) if capacity > 0 else 0.0

    def _good_per_hour(self) -> float:
        """Good vehicles a line hour at 1 JPH builds of the customer's best product at today's rate
        (kept until a rate or a yield changes: the reserve asks for it at every booking)."""
        if self.per_hour is None:
            self.per_hour = max(
                (
                    self.rate[i] * _good(self.yield_[i], self.rework[i]) / (1 + (1 - self.yield_[i]) * self.rework[i])
                    for i, cust in enumerate(self.customer)
                    if cust
                ),
                default=0.0,
            )
        return self.per_hour

    def _entitled(self, hours: dict[str, tuple[float, float]], t0: float) -> None:
        """Record the vehicles the customer's reserve promises it in this batch: its share of each
        of its last-shop lines' open hours, at its rate and yield (the contract's shortfall counts
        against them)."""
        share = self._reserve(available=False)
        per_hour = self._good_per_hour()
        if not share or not per_hour:  # nothing promised (before SOP the customer's rate is 0)
            return
        for line in self.reserved_lines:
            if line.name in hours:
                self.record((t0, Kind.RESERVED, line.name, "", share * hours[line.name][0] * line.jph * per_hour))


@dataclass
class Snapshot:
    """A batch model's changing state at a booking instant, by product id and line name."""

    hour: float  # the booking instant
    month: int  # the month started last
    backlog: dict[str, list[list[float]]]  # product -> its open demand's cohorts, [release month, vehicles]
    open_demand: dict[str, float]  # product -> their total
    kits: tuple[float, int, dict[str, float]] | None  # the pool, deliveries received, kits each product holds
    binding: bool
    jph: dict[str, float]  # line -> rated speed
    overtime: tuple[dict[str, bool], dict[str, float]]  # line -> overtime on, hours left of the month's cap
    wip: dict[str, list[float]]  # product -> vehicles in its lane of each buffer (plants of shops in series)


_new = tuple.__new__
LOST, DEMAND = Kind.LOST, Kind.DEMAND  # (read once: an enum member's lookup costs ten times a global's)


def _good(y: float, r: float) -> float:
    """Good vehicles per vehicle started: first-time passes plus reworked failures."""
    return y + (1 - y) * r
