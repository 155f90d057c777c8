"""Vehicle-level production: one SimPy entity per vehicle, for validating the batch model.

Same scenario, same random streams and the same demand, launch, chip and breakdown
processes as the batch model; only production differs. Each line builds one vehicle at a
time: a pass takes 1 / (jph x rate share) open hours while the line is up (a pass cut by a
shift end or a failure resumes when the line is open and up again). The first shop's lines
choose what to start: they keep to the current family for a campaign (changing over costs
`changeover_hours` when the family changes), serve the owner or the customer by the policy
(owner_first and customer_first by priority; proportional and reserved_share by keeping each
side's hours since the last release of demand in line with the shares the batch model's split
gives for the rest of the month), and within a side the product with the smallest share of its
need served, so that the products of a side clear the same share of their need, as in the
batch model. Every shop tests each vehicle at its first-pass yield: passed, failed and
reworked (one more pass, then good) or scrapped. Between shops vehicles wait in buffers (first in, first out per line; a buffer of 0 holds
the one vehicle being handed over); a line waits when its buffer in is empty (starved) or
its buffer out is full (blocked). Vehicles are whole: a product starts only when at least one
whole vehicle of demand is open. Slow: tens of events per vehicle; for short horizons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator

import numpy as np
import simpy

from sim.model._legacy_production import Line, Production, Record, Setup
from sim.model.policy import split
from sim.scenario import Scenario


class Vehicle:
    __slots__ = ("product",)

    def __init__(self, product: int):
        self.product = product


class VehicleProduction(Production):
    """Production with one entity per vehicle; bookings only record what the lines did."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        setup: Setup,
        demand_factors: np.ndarray,
        record: Record,
        quality: np.random.Generator,
    ):
        super().__init__(env, scenario, setup, demand_factors, record)
        self.quality = quality
        self.counts: dict[tuple[str, str, str], float] = defaultdict(float)  # since the last booking
        self.inflight = [0] * len(self.products)  # vehicles started and not yet finished or scrapped
        self.wake = env.event()
        self.need0 = [0.0] * len(self.products)
        self.served = [0] * len(self.products)
        self.targets: dict[str, tuple[float, float]] = {}  # line -> owner, customer share of hours
        self.used: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.family: dict[str, str | None] = {}
        self.run_length: dict[str, int] = defaultdict(int)
        self.buffers: dict[int, list[simpy.FilterStore]] = {
            k: [simpy.FilterStore(env, capacity=max(1, b)) for b in plant.buffers] for k, plant in self.series.items()
        }

        # Lines that start vehicles release them in campaigns as long as the longest campaign of a
        # line with changeovers downstream, so families arrive there in runs (none: no campaigns).
        self.release_run: dict[str, float] = {}
        for line in self.lines:
            if line.stage:
                continue
            routes = self.series[line.plant].routes if line.plant in self.series else {}
            lines = {ln.name: ln for i in line.owner + line.customer for ln in routes.get(i, [line])}
            runs = [ln.campaign for ln in lines.values() if ln.switch_hours > 0]
            self.release_run[line.name] = max(runs) if runs else 0.0

    def start(self) -> None:
        # Each line's breakdowns on the clock, and the first one not over at the line's last look.
        self.repairs = {ln.name: ln.down.clock(self.setup.calendars[ln.plant]) for ln in self.lines}
        self.cursor = dict.fromkeys(self.repairs, 0)
        for line in self.lines:
            self.env.process(self.line(line))
        if self.setup.deliveries:
            self.env.process(self.deliveries())

    # -- bookings only record -----------------------------------------------------------------
    def _book_lines(self, t0: float, now: float, hours: list[float]) -> None:
        for line in self.lines:
            if hours[line.plant] > 0:
                o0, o1 = self.span[line.plant]
                self._open_and_down(line, t0, hours[line.plant], line.down.until(o1) - line.down.until(o0))
        for (kind, where, what), quantity in self.counts.items():
            if quantity:
                self.record(t0, kind, where, what, quantity)
        self.counts.clear()
        self._notify()

    def release(self, i: int, quantity: float) -> None:
        super().release(i, quantity)
        if self.chip_policy is not None:
            self._share_kits()
        else:
            self._notify()

    def deliveries(self) -> Generator[simpy.Event, None, None]:
        """Kits arrive each Monday and are shared out at once, for a week of line time."""
        env = self.env
        for when, _ in self.setup.deliveries:
            yield env.timeout(when - env.now)
            self.receive_kits(when + 1e-9)
            self._share_kits()

    def _share_kits(self) -> None:
        now = self.env.now
        week = [cal.open_hours(now, now + 7 * 24) for cal in self.setup.calendars]
        self.allocate_kits(week)
        self._notify()

    def _notify(self) -> None:
        """Note each product's need, and wake the lines waiting for something to start."""
        # Within a side every product should clear the same share of its need, as in the batch
        # model: lines start the product that has had the smallest share since this snapshot.
        self.need0 = [max(self._need(i), 0.0) for i in range(len(self.products))]
        self.served = [0] * len(self.products)
        # The sides' shares of line time for the rest of the month, as the batch model would split it.
        self.used.clear()
        self._set_targets()
        if self.wake.callbacks:
            wake, self.wake = self.wake, self.env.event()
            wake.succeed()

    def _set_targets(self) -> None:
        month = self.setup.months[self.month]
        reserve = self._reserve()
        for line in self.lines:
            if line.stage or not (line.owner and line.customer):
                continue
            left = self.setup.calendars[line.plant].open_hours(self.env.now, month.end_hour)
            need = [0.0, 0.0]
            for i in line.owner + line.customer:
                if self.rate[i] > 0:
                    need[self.is_customer[i]] += self._need(i) / (line.jph * self.rate[i])
            h_o, h_c = split(self.policy, max(left, 1e-9), need[0], need[1], reserve)
            total = h_o + h_c
            self.targets[line.name] = (h_o / total, h_c / total) if total > 0 else (0.5, 0.5)

    def _need(self, i: int) -> float:
        return self.backlog[i].total / self._good_share(i) - self.inflight[i]

    # -- a line ---------------------------------------------------------------------------------
    def line(self, line: Line) -> Generator[simpy.Event, None, None]:
        env = self.env
        k = line.plant
        last = line.last
        stores = self.buffers.get(k, [])
        inbox = stores[line.stage - 1] if line.stage > 0 else None
        outbox = None if last else stores[line.stage]
        while True:
            if inbox is None:
                i = self._choose(line)
                if i is None:
                    yield self.wake
                    continue
                self.inflight[i] += 1
                self.served[i] += 1
                if self.chip_policy is not None:
                    self.kits[i] -= self.chips_per_vehicle[i]
                vehicle = Vehicle(i)
            else:
                waited = env.now
                vehicle = yield inbox.get(lambda v, line=line: self._next_line(v, line))
                self._idle(line, "starved", waited)
                i = vehicle.product
            family = line.families[i]
            if line.switch_hours and self.family.get(line.name) not in (None, family):
                yield from self._work(line, line.switch_hours, "changeover", i)
            if self.family.get(line.name) != family:
                self.run_length[line.name] = 0
            self.family[line.name] = family
            self.run_length[line.name] += 1
            pid = self.products[i].id
            yield from self._work(line, 1 / (line.jph * self.rate[i]), "busy", i)
            passed = True
            if self.quality.random() >= (self.yield_[i] if last else line.yields[i]):  # failed the test
                if self.quality.random() < self.rework[i]:
                    yield from self._work(line, 1 / (line.jph * self.rate[i]), "busy", i)  # reworked: good
                else:
                    passed = False
            if not passed:
                self.counts[("scrap", line.name, pid)] += 1
                self.inflight[i] -= 1
            elif last:
                self.counts[("built", line.name, pid)] += 1
                self.backlog[i].take(1.0)
                self.inflight[i] -= 1
            else:
                self.counts[("through", line.name, pid)] += 1
                waited = env.now
                yield outbox.put(vehicle)
                self._idle(line, "blocked", waited)

    def _next_line(self, vehicle: Vehicle, line: Line) -> bool:
        route = self.series[line.plant].routes[vehicle.product]
        return route[line.stage] is line

    def _idle(self, line: Line, kind: str, since: float) -> None:
        hours = self.setup.calendars[line.plant].open_hours(since, self.env.now)
        if hours > 0:
            self.counts[(kind, line.name, "")] += hours

    def _choose(self, line: Line) -> int | None:
        """The product the first shop's line starts next, or None if nothing can start."""
        ready = [
            i
            for i in line.owner + line.customer
            if self.rate[i] > 0
            and self._need(i) >= 1 - 1e-9
            and (self.chip_policy is None or self.kits[i] >= self.chips_per_vehicle[i] - 1e-9)
        ]
        if not ready:
            return None
        current = self.family.get(line.name)
        same = [i for i in ready if line.families[i] == current]
        if same and self.run_length[line.name] < self.release_run[line.name]:
            ready = same  # finish the campaign before changing over
        owner = [i for i in ready if not self.is_customer[i]]
        customer = [i for i in ready if self.is_customer[i]]
        if owner and customer:
            if self.policy == "owner_first":
                ready = owner
            elif self.policy == "customer_first":
                ready = customer
            else:
                target = self.targets.get(line.name, (0.5, 0.5))
                used = self.used[line.name]
                behind_owner = used[0] - target[0] * sum(used) <= used[1] - target[1] * sum(used)
                ready = owner if behind_owner else customer
        return min(ready, key=lambda i: ((self.served[i] + 1) / max(self.need0[i], 1e-9), i))

    def _work(self, line: Line, hours: float, kind: str, i: int) -> Generator[simpy.Event, None, None]:
        """Spend `hours` of the line's open, up time; count them as `kind` for product i."""
        env = self.env
        cal = self.setup.calendars[line.plant]
        left = hours
        while left > 1e-12:
            t = env.now
            is_open, change = cal.window(t)
            if not is_open:
                if change == float("inf"):
                    yield env.event()  # the horizon's last shift is over: never again
                yield env.timeout(change - t)
                continue
            down, k = self.repairs[line.name], self.cursor[line.name]
            while k < len(down) and down[k][1] <= t:
                k += 1
            self.cursor[line.name] = k
            if k < len(down) and down[k][0] <= t:
                yield env.timeout(down[k][1] - t)  # under repair
                continue
            fail = down[k][0] if k < len(down) else float("inf")
            step = min(left, change - t, fail - t)
            yield env.timeout(step)
            left -= step
        self.counts[(kind, line.name, "")] += hours
        if kind == "busy" and (line.owner and line.customer):
            self.used[line.name][self.is_customer[i]] += hours
