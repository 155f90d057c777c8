"""Production in the plants on SimPy: shifts, demand, launch, chips and breakdowns drive
batches of output booked between events.

A line builds while its plant is open and the line is up, at its rated speed times the
product's rate share (1 for established products, the ramp-up share for a new one).
Nothing that decides how hours are shared changes between *booking instants* (month starts,
SOP, ramp and yield-learning steps), so production is booked only there: each line's
available hours since the last booking (the plant's open hours, less the open hours its
breakdowns covered) are split by the contract's allocation policy between the owner's and
the customer's products, limited by their open demand and the chip kits they hold (kits
delivered during the batch included); the products of a side clear the same share of their
need. Shift edges are real events (the plant opens, the plant closes) that only bank hours;
breakdowns, drawn for the whole horizon before the run, need no events at all.

Per vehicle started a line spends ``1 + (1 - y) r`` passes at the product's speed (first-pass
yield y, share r of failures reworked, the rest scrapped; ``y + (1 - y) r`` of them end good),
and, when it builds more than one family in the batch, the vehicles of every family but the
largest carry ``2 x changeover_hours / campaign_units``: their campaigns are slotted into the
largest family's run, each costing a changeover in and one back.

Assumptions: demand is released at the start of each month (a contract product's only from
SOP, pro rata for the SOP month); open demand is served oldest first and may be lost when
too old; lines are booked in declaration order, so a product tooled on several lines takes
what it can from the first line before the next.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
import simpy

from sim.model import breakdowns, ramp
from sim.model import chips as supply
from sim.model import demand as demand_model
from sim.model import flow as series
from sim.model.backlog import Backlog
from sim.model.calendar import HOURS_PER_DAY, Calendar, Month
from sim.model.policy import split
from sim.scenario import Scenario
from sim.scenario.plant import Line as LineSpec

Record = Callable[[float, str, str, str, float], None]


@dataclass(frozen=True)
class Setup:
    """What is the same in every replication of a scenario, computed once per run."""

    calendars: list[Calendar]  # one per plant
    months: list[Month]
    forecast: np.ndarray  # (product, month) vehicles
    month_open_hours: np.ndarray  # (plant, month)
    shifts: list[list[tuple[float, float, float]]]  # per plant: (start, wait before it, length) of every shift
    deliveries: list[tuple[float, float]]  # (clock hour, kits) of chip deliveries

    @classmethod
    def of(cls, scenario: Scenario) -> Setup:
        start, end = scenario.meta.start_date, scenario.meta.end_date
        calendars = [Calendar(p.calendar, start, end) for p in scenario.plants]
        months = calendars[0].months
        shifts = []
        for cal in calendars:
            starts, ends = cal.shifts.starts, cal.shifts.ends
            previous = [0.0, *ends[:-1]]
            shifts.append([(a, a - p, b - a) for a, b, p in zip(starts, ends, previous, strict=True)])
        chips = scenario.supply.chips if scenario.supply else None
        return cls(
            calendars=calendars,
            months=months,
            forecast=np.array([demand_model.monthly(p.demand, months) for p in scenario.products]).reshape(
                len(scenario.products), len(months)
            ),  # (product, month), even with no product (a counterfactual without the customer's)
            month_open_hours=np.array([[c.open_hours(m.start_hour, m.end_hour) for m in months] for c in calendars]),
            shifts=shifts,
            deliveries=[(d * HOURS_PER_DAY, k) for d, k in supply.arrivals(chips, start, end)] if chips else [],
        )


class Line:
    """A line in one replication: its fixed data, its breakdowns, where it stands in the flow."""

    __slots__ = (
        "campaign",
        "changeover",
        "customer",
        "down",
        "families",
        "jph",
        "last",
        "name",
        "owner",
        "plant",
        "products",
        "stage",
        "switch_hours",
        "yields",
    )

    def __init__(
        self,
        name: str,
        plant: int,
        stage: int,
        spec: LineSpec,
        products: list[int],
        customer: list[bool],
        families: list[str],
    ):
        self.name = name
        self.plant = plant
        self.stage = stage  # position of the line's shop in its plant's flow
        self.jph = spec.jph
        self.owner = [i for i in products if not customer[i]]
        self.customer = [i for i in products if customer[i]]
        self.products = self.owner + self.customer
        self.families = families  # family of every product index (only this line's are used)
        self.switch_hours = spec.changeover_hours  # one changeover, and the run it serves
        self.campaign = spec.campaign_units or math.inf
        self.changeover = self.switch_hours / self.campaign  # hours a vehicle carries in a mixed batch
        self.down = breakdowns.NONE  # its breakdowns over the horizon, on the open-hour axis
        self.last = True  # in the plant's last shop: vehicles leave it built (or scrapped)
        self.yields: dict[int, float] = {}  # first-pass yield of each product here, before the last shop


class Series:
    """A plant's shops in series: lines by stage, buffer sizes, and each product's route and WIP."""

    def __init__(self, stages: list[list[Line]], buffers: list[float | None]):
        self.stages = stages
        self.buffers = [math.inf if b is None else b for b in buffers]
        products = {i for lines in stages for line in lines for i in line.owner + line.customer}
        self.routes = {
            i: [next(ln for ln in lines if i in ln.owner + ln.customer) for lines in stages] for i in products
        }
        self.wip = {i: [0.0] * len(buffers) for i in products}  # vehicles in each buffer
        groups: dict[tuple[str, ...], list[int]] = {}
        for i in sorted(products):
            groups.setdefault(tuple(ln.name for ln in self.routes[i]), []).append(i)
        self.groups = list(groups.values())  # products that follow the same route


class Production:
    """State and processes of all plants in one replication."""

    def __init__(
        self, env: simpy.Environment, scenario: Scenario, setup: Setup, demand_factors: np.ndarray, record: Record
    ):
        self.env = env
        self.setup = setup
        self.record = record
        self.products = scenario.products
        n = len(self.products)
        index = {p.id: i for i, p in enumerate(self.products)}
        customer = scenario.contract.customer if scenario.contract else None
        self.is_customer = [p.owner == customer for p in self.products]
        family = [p.family_id for p in self.products]
        self.lines: list[Line] = []
        # Plants with shops in series: per plant, the stages' lines, buffer sizes and each product's route.
        self.series: dict[int, Series] = {}
        for k, plant in enumerate(scenario.plants):
            stages: list[list[Line]] = []
            names = iter(plant.line_names())
            for stage, (_, lines) in enumerate(plant.stages()):
                stages.append([])
                for spec in lines:
                    ln = Line(next(names), k, stage, spec, [index[p] for p in spec.products], self.is_customer, family)
                    self.lines.append(ln)
                    stages[-1].append(ln)
            if plant.shops is not None:
                self.series[k] = Series(stages, [shop.buffer_after_units for shop in plant.shops[:-1]])
                for shop, lines in zip(plant.shops[:-1], stages[:-1], strict=False):
                    for ln in lines:
                        ln.last = False
                        for i in ln.owner + ln.customer:
                            ln.yields[i] = (self.products[i].shop_yields or {}).get(shop.id, 1.0)
        # The lines where each product starts (and uses its chip kits): the first shop's.
        self.first_lines = [
            [ln for ln in self.lines if ln.stage == 0 and i in ln.owner + ln.customer] for i in range(n)
        ]
        self.contract = scenario.contract
        self.policy = scenario.contract.policy if scenario.contract else "owner_first"
        # Plain floats from here on: numpy scalars would make every booking's arithmetic slower.
        self.demand = (setup.forecast * demand_factors).tolist()  # (product, month) vehicles
        self.lost_after = [p.demand.lost_after_months for p in self.products]
        self.backlog = [Backlog() for _ in range(n)]
        self.rate = [0.0 if c else 1.0 for c in self.is_customer]  # customer products wait for SOP
        self.released = [not c for c in self.is_customer]
        self.yield_ = [p.first_pass_yield for p in self.products]
        self.rework = [p.rework_share for p in self.products]
        chips = scenario.supply.chips if scenario.supply else None
        self.chip_policy = chips.allocation if chips else None
        self.chips_per_vehicle = [p.chips_per_vehicle for p in self.products]
        self.margins = [p.margin_rmb_per_unit for p in self.products]
        self.kits = [0.0] * n
        self.pool = 0.0
        self.received = 0  # deliveries put in the pool so far
        self.month = 0
        self.last_booking = 0.0
        n_plants = len(scenario.plants)
        self.banked = [0.0] * n_plants  # open hours since the last booking, from finished shift pieces
        self.span = [(0.0, 0.0)] * n_plants  # each plant's open-hour clock at the last two bookings
        self.open_since: list[float | None] = [None] * n_plants

    # -- processes ---------------------------------------------------------------------------
    def shifts(self, k: int) -> Generator[simpy.Event, None, None]:
        """Open and close plant `k` at every shift edge, banking the open hours."""
        # The hot loop of the model: relative waits precomputed, nothing else done per edge.
        timeout = self.env.timeout
        banked, open_since = self.banked, self.open_since
        for start, wait, length in self.setup.shifts[k]:
            yield timeout(wait)
            open_since[k] = start
            yield timeout(length)
            banked[k] += start + length - open_since[k]
            open_since[k] = None

    def months(self) -> Generator[simpy.Event, None, None]:
        """At each month's start: book, lose demand that waited too long, release the month's demand."""
        env = self.env
        for k, month in enumerate(self.setup.months):
            yield env.timeout(month.start_hour - env.now)
            self.book()
            self.month = k
            for i, keep in enumerate(self.lost_after):
                if keep is not None:
                    lost = self.backlog[i].expire(k - keep)
                    if lost > 0:
                        self.record(env.now, "lost", "", self.products[i].id, lost)
                if self.released[i]:
                    self.release(i, self.demand[i][k])
        yield env.timeout(self.setup.months[-1].end_hour - env.now)
        self.book()

    def launch(self, sop_hour: float) -> Generator[simpy.Event, None, None]:
        """At SOP, open the contract products' demand; then step their speed and yield up."""
        env = self.env
        yield env.timeout(sop_hour - env.now)
        self.book()
        self.record(env.now, "sop", "", "", 0.0)
        month = self.setup.months[self.month]
        left = (month.end_hour - env.now) / (month.end_hour - month.start_hour)
        changes: list[tuple[float, int, list[float], float]] = []
        for i, p in enumerate(self.products):
            if not self.is_customer[i]:
                continue
            self.released[i] = True
            self.rate[i] = 1.0
            if p.ramp:
                changes += [(sop_hour + d * HOURS_PER_DAY, i, self.rate, v) for d, v in ramp.steps(p.ramp)]
            if p.yield_learning:
                step = p.ramp.step_days if p.ramp else 7
                steps = ramp.yield_steps(p.yield_learning, p.first_pass_yield, step)
                changes += [(sop_hour + d * HOURS_PER_DAY, i, self.yield_, v) for d, v in steps]
            self.release(i, self.demand[i][self.month] * left)
        horizon = self.setup.months[-1].end_hour
        for when, i, values, value in sorted(changes, key=lambda c: c[:2]):
            if when >= horizon:
                return
            if when > env.now:
                yield env.timeout(when - env.now)
                self.book()
            values[i] = value

    # -- state changes -----------------------------------------------------------------------
    def release(self, i: int, quantity: float) -> None:
        if quantity > 0:
            self.backlog[i].add(self.month, quantity)
            self.record(self.env.now, "demand", "", self.products[i].id, quantity)

    def receive_kits(self, until: float) -> None:
        """Put the kits delivered before clock hour `until` (and not yet received) in the pool."""
        deliveries = self.setup.deliveries
        while self.received < len(deliveries) and deliveries[self.received][0] < until:
            when, kits = deliveries[self.received]
            self.pool += kits
            self.record(when, "kits", "", "", kits)
            self.received += 1

    def allocate_kits(self, hours: list[float]) -> None:
        """Share the pool among products by their need for a period of `hours` open hours per plant."""
        if self.chip_policy is None or self.pool <= 0:
            return
        needs = [
            max(0.0, self._kit_need(i, hours) * self.chips_per_vehicle[i] - self.kits[i])
            for i in range(len(self.products))
        ]
        given = supply.allocate(self.chip_policy, self.pool, needs, self.is_customer, self.margins)
        for i, kits in enumerate(given):
            self.kits[i] += kits
        self.pool = max(0.0, self.pool - sum(given))

    def _kit_need(self, i: int, hours: list[float]) -> float:
        """Vehicles product i's kits should cover: its open demand, at most what its lines could
        start in `hours` open hours per plant, so that a product with more orders than line time
        hoards no kits."""
        if not self.released[i] or self.rate[i] <= 0:
            return 0.0
        capacity = sum(line.jph * hours[line.plant] for line in self.first_lines[i]) * self.rate[i]
        return min(self.backlog[i].total / self._good_share(i), capacity)

    def _good_share(self, i: int) -> float:
        """Good vehicles per vehicle started: first-time passes plus reworked failures (the rest are scrapped)."""
        y = self.yield_[i]
        return y + (1 - y) * self.rework[i]

    # -- booking -----------------------------------------------------------------------------
    def book(self) -> None:
        """Split each line's available hours since the last booking among its products."""
        now = self.env.now
        t0 = self.last_booking
        self.last_booking = now
        hours = self.banked[:]
        for k, since in enumerate(self.open_since):
            if since is not None:
                hours[k] += now - since
                self.open_since[k] = now
            self.banked[k] = 0.0
        # The shift events keep each plant's open-hour clock: where its breakdowns are kept.
        self.span = [(o, o + h) for (_, o), h in zip(self.span, hours, strict=True)]
        if now > t0:
            self._book_lines(t0, now, hours)

    def _book_lines(self, t0: float, now: float, hours: list[float]) -> None:
        """Book every line's batch over [t0, now], given each plant's open hours in it."""
        if self.chip_policy is not None:
            # Kits delivered during the batch serve the whole batch: chips are booked at the
            # batch's grain, not delivery by delivery.
            self.receive_kits(now)
            self.allocate_kits(hours)
        reserve = self._reserve()
        for k, plant in self.series.items():
            if hours[k] > 0:
                self._book_series(plant, t0, now, hours[k], reserve)
        for line in self.lines:
            open_h = hours[line.plant]
            if open_h <= 0 or line.plant in self.series:
                continue
            o0, o1 = self.span[line.plant]
            available = self._open_and_down(line, t0, open_h, line.down.until(o1) - line.down.until(o0))
            busy = 0.0
            for i, started, each, changeover, good in self._plan(line, available, reserve if line.customer else 0.0):
                busy += started * (each - changeover)
                self._finish(line, i, started, changeover, good, t0)
            if busy:
                self.record(t0, "busy", line.name, "", busy)

    def _open_and_down(self, line: Line, t0: float, open_h: float, down: float) -> float:
        """Record the line's open hours and its `down` hours in them; returns its available hours."""
        self.record(t0, "open", line.name, "", open_h)
        if down:
            self.record(t0, "down", line.name, "", down)
        return max(open_h - down, 0.0)

    def _down_in_open_hours(self, line: Line) -> list[tuple[float, float]]:
        """The line's breakdowns since the last booking, on its plant's open-hour axis."""
        o0, o1 = self.span[line.plant]
        down = line.down
        first = bisect.bisect_right(down.ends, o0)  # the first one not over by the last booking
        last = bisect.bisect_left(down.starts, o1, first)  # ... and the first one not begun by now
        return [(max(a, o0), min(b, o1)) for a, b in zip(down.starts[first:last], down.ends[first:last], strict=True)]

    def _plan(
        self, line: Line, hours: float, reserve: float, need=None, policy: str | None = None
    ) -> list[tuple[int, float, float, float, float]]:
        """(product, vehicles started, line hours per vehicle started, changeover hours of them,
        good share of them) on a line.

        `need(line, i)` gives the vehicles product i still wants started on the line; by default
        its open demand over its good share (a single-shop plant).
        """
        # The busiest code outside SimPy: plain lists and locals on purpose.
        rate, yield_, rework, kits, backlog = self.rate, self.yield_, self.rework, self.kits, self.backlog
        chips = self.chip_policy is not None and line.stage == 0
        jph = line.jph
        wants = []  # (product, vehicles to start, hours each without changeover, good share)
        for i in line.products:
            if rate[i] <= 0:
                continue
            y, r = (yield_[i] if line.last else line.yields[i]), rework[i]
            good = y + (1 - y) * r
            wanted = backlog[i].total / good if need is None else need(line, i)
            if chips:
                wanted = min(wanted, kits[i] / self.chips_per_vehicle[i])
            if wanted > 1e-12:
                wants.append((i, wanted, (1 + (1 - y) * r) / (jph * rate[i]), good))
        if not wants:
            return []
        # Campaigns of the other families are slotted into the largest one's run: each costs a
        # changeover in and one back, so their vehicles carry 2 x changeover_hours / campaign_units.
        switch = [0.0] * len(wants)
        if line.changeover:
            volume: dict[str, float] = {}  # hours wanted per family
            for i, wanted, each, _ in wants:
                family = line.families[i]
                volume[family] = volume.get(family, 0.0) + wanted * each
            if len(volume) > 1:
                major = max(volume, key=lambda f: (volume[f], f))
                switch = [2 * line.changeover if line.families[i] != major else 0.0 for i, _, _, _ in wants]
        need_o = need_c = 0.0
        customer = self.is_customer
        for (i, wanted, each, _), extra in zip(wants, switch, strict=True):
            if customer[i]:
                need_c += wanted * (each + extra)
            else:
                need_o += wanted * (each + extra)
        h_o, h_c = split(policy or self.policy, hours, need_o, need_c, reserve)
        fill_o = min(h_o / need_o, 1.0) if need_o else 0.0
        fill_c = min(h_c / need_c, 1.0) if need_c else 0.0
        out = []
        for (i, wanted, each, good), extra in zip(wants, switch, strict=True):
            fill = fill_c if customer[i] else fill_o
            if fill > 0:
                out.append((i, wanted * fill, each + extra, extra, good))
        return out

    def _finish(self, line: Line, i: int, started: float, changeover: float, share: float, t0: float) -> None:
        """Book `started` vehicles of product i through the last stage, of which a `share` is
        good: good ones leave the backlog."""
        backlog = self.backlog[i]
        good = started * share
        if backlog.total <= good * (1 + 1e-12):  # the whole need was met: clear it exactly
            good = backlog.total
        backlog.take(good)
        pid = self.products[i].id
        self.record(t0, "built", line.name, pid, good)
        scrap = started - good
        if scrap > 1e-12:
            self.record(t0, "scrap", line.name, pid, scrap)
        if changeover:
            self.record(t0, "changeover", line.name, pid, started * changeover)
        if self.chip_policy is not None and line.stage == 0:
            self.kits[i] = max(0.0, self.kits[i] - started * self.chips_per_vehicle[i])

    def _book_series(self, plant: Series, t0: float, now: float, open_h: float, reserve: float) -> None:
        """Plan every line of a plant with shops in series, then let each product's route flow."""
        o0 = self.span[plant.stages[0][0].plant][0]
        downs: dict[str, list[tuple[float, float]]] = {}
        available: dict[str, float] = {}
        for lines in plant.stages:
            for line in lines:
                downs[line.name] = self._down_in_open_hours(line)
                available[line.name] = self._open_and_down(line, t0, open_h, sum(b - a for a, b in downs[line.name]))
        # Plan the last shop first, by the contract's policy: it decides what is built for whom.
        # Each shop before it then plans what the shop after it will take, plus what refills
        # its buffer, shared in proportion to need (the reserve is the last shop's business).
        planned: dict[tuple[str, int], tuple[float, float, float]] = {}
        for lines in reversed(plant.stages):
            for line in lines:
                if line.last:
                    plan = self._plan(
                        line, available[line.name], reserve if line.customer else 0.0, self._series_need(plant)
                    )
                else:
                    plan = self._plan(line, available[line.name], 0.0, self._feed_need(plant, planned), "proportional")
                for i, started, each, changeover, _ in plan:
                    planned[(line.name, i)] = (started, each, changeover)
        busy = dict.fromkeys(downs, 0.0)
        lost = {name: [0.0, 0.0] for name in downs}  # starved, blocked hours
        n_stages = len(plant.stages)
        # Products on the same route flow together as one mix: their vehicles share the
        # buffers as they do on the shop floor, and the route is integrated once.
        for members in plant.groups:
            route = plant.routes[members[0]]
            steps = [[planned.get((ln.name, i)) for ln in route] for i in members]
            started = [[st[0] if st else 0.0 for st in row] for row in steps]  # (member, stage)
            total = [sum(col) for col in zip(*started, strict=True)]
            if not any(total):
                continue
            mix = [[n / t if t > 0 else 0.0 for n, t in zip(row, total, strict=True)] for row in started]
            goods = [self._route_good(plant, i) for i in members]
            good = [sum(m[s] * g[s] for m, g in zip(mix, goods, strict=True)) or 1.0 for s in range(n_stages)]
            # While up, a stage runs at its planned vehicles over the line's available hours.
            rates = [total[s] / available[ln.name] if available[ln.name] > 0 else 0.0 for s, ln in enumerate(route)]
            levels = [sum(plant.wip[i][s] for i in members) for s in range(n_stages - 1)]
            caps = [
                max(sum(self._buffer_share(plant, s, i, planned) for i in members), levels[s])
                for s in range(n_stages - 1)
            ]
            result = series.flow(rates, [downs[ln.name] for ln in route], levels, caps, o0, o0 + open_h, good)
            for m, (i, row) in enumerate(zip(members, steps, strict=True)):
                done = [result.processed[s] * mix[m][s] for s in range(n_stages)]
                # Each product's vehicles in the buffers: what it sent in, less what went on.
                for s in range(n_stages - 1):
                    plant.wip[i][s] = max(0.0, plant.wip[i][s] + done[s] * goods[m][s] - done[s + 1])
                for s, (ln, st) in enumerate(zip(route, row, strict=True)):
                    if done[s] <= 0 or st is None:
                        continue
                    _, each, changeover = st
                    busy[ln.name] += done[s] * (each - changeover)
                    share = started[m][s] * each / available[ln.name]  # the product's share of the line's up time
                    lost[ln.name][0] += result.starved[s] * share
                    lost[ln.name][1] += result.blocked[s] * share
                    if s == n_stages - 1:
                        self._finish(ln, i, done[s], changeover, goods[m][s], t0)
                        continue
                    pid = self.products[i].id
                    self.record(t0, "through", ln.name, pid, done[s] * goods[m][s])
                    if goods[m][s] < 1:
                        self.record(t0, "scrap", ln.name, pid, done[s] * (1 - goods[m][s]))
                    if changeover:
                        self.record(t0, "changeover", ln.name, pid, done[s] * changeover)
                    if s == 0 and self.chip_policy is not None:
                        self.kits[i] = max(0.0, self.kits[i] - done[s] * self.chips_per_vehicle[i])
            # Rounding in the split back: the members' buffers add up to the route's exactly.
            for s in range(n_stages - 1):
                held = sum(plant.wip[i][s] for i in members)
                if held > 0:
                    for i in members:
                        plant.wip[i][s] *= result.levels[s] / held
        for name in downs:
            if busy[name]:
                self.record(t0, "busy", name, "", busy[name])
            if lost[name][0] > 1e-9:
                self.record(t0, "starved", name, "", lost[name][0])
            if lost[name][1] > 1e-9:
                self.record(t0, "blocked", name, "", lost[name][1])

    def _series_need(self, plant: Series):
        """Vehicles to start at a line for the open demand the pipeline past it will not deliver."""

        def need(line: Line, i: int) -> float:
            ahead = math.prod(self._route_good(plant, i)[line.stage :])
            return max(0.0, (self.backlog[i].total - self._pipeline(plant, i, line.stage)) / ahead)

        return need

    def _feed_need(self, plant: Series, planned: dict[tuple[str, int], tuple[float, float, float]]):
        """Vehicles a line before the last shop should start: what the next shop plans to take,
        plus what refills product i's part of the buffer between them, within the open demand."""
        open_demand = self._series_need(plant)

        def need(line: Line, i: int) -> float:
            s = line.stage
            taken = planned.get((plant.routes[i][s + 1].name, i), (0.0,))[0]
            room = math.inf
            if plant.buffers[s] < math.inf:
                crossing = sum(planned.get((plant.routes[j][s + 1].name, j), (0.0,))[0] for j in plant.routes)
                share = taken / crossing if crossing > 0 else 1 / len(plant.routes)
                room = max(0.0, plant.buffers[s] * share - plant.wip[i][s])
            good = self._route_good(plant, i)[s]
            return min(open_demand(line, i), (taken + room) / good)

        return need

    def _route_good(self, plant: Series, i: int) -> list[float]:
        """Share of product i's vehicles that leave each stage of its route good (the rest scrapped)."""
        rework = self.rework[i]
        return [y + (1 - y) * rework for y in (ln.yields.get(i, 1.0) for ln in plant.routes[i][:-1])] + [
            self._good_share(i)
        ]

    def _pipeline(self, plant: Series, i: int, stage: int) -> float:
        """Good vehicles that product i's buffers past `stage` will still deliver."""
        good = self._route_good(plant, i)
        total = 0.0
        for j in range(stage, len(good) - 1):  # buffer j lies after stage j
            total += plant.wip[i][j] * math.prod(good[j + 1 :])
        return total

    def _buffer_share(self, plant: Series, s: int, i: int, planned: dict) -> float:
        """Product i's part of buffer s: in proportion to the vehicles planned through its two sides."""
        if plant.buffers[s] == math.inf:
            return math.inf

        def flow_of(j: int) -> float:
            a, b = plant.routes[j][s], plant.routes[j][s + 1]
            return planned.get((a.name, j), (0.0,))[0] + planned.get((b.name, j), (0.0,))[0]

        total = sum(flow_of(j) for j in plant.routes)
        return plant.buffers[s] * (flow_of(i) / total if total > 0 else 1 / len(plant.routes))

    def _reserve(self) -> float:
        """The customer's reserved share of each shared line's hours in the current month."""
        c = self.contract
        if c is None or c.policy != "reserved_share":
            return 0.0
        if c.reserved_share is not None:
            return c.reserved_share
        # Units per month become the share of this month's shared-line capacity they take at today's rate.
        rate = max((self.rate[i] for i, cust in enumerate(self.is_customer) if cust), default=0.0)
        capacity = sum(self.setup.month_open_hours[ln.plant, self.month] * ln.jph for ln in self.lines if ln.customer)
        capacity *= rate
        return min(1.0, c.reserved_units_per_month / capacity) if capacity > 0 else 0.0
