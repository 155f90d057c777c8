"""Chip kits at vehicle level: a pool shared out at each delivery, kits held by product.

Kits arrive at the horizon's start and every Monday (`Setup.deliveries`, disruptions already
taken off). When they arrive the pool is shared at once by `supply.chips.allocation`, each
product's need being the kits for what its first shop's lines would start until the next
delivery under the contract's policy with unlimited kits (each line's up hours in that
window, split by the policy between the sides' needs, and within a side in proportion to
need: equal fill), less the kits it already holds. `owner_first` and `customer_first` serve
one side fully before the other, `proportional` every product in proportion to its need,
`by_margin` products in order of margin per vehicle (ties in proportion); no product gets
more than it needs, and what nobody needs stays in the pool. Demand released between
deliveries (a month start, SOP) may draw on what is left in the pool, for the rest of the
week. A vehicle takes its product's `chips_per_vehicle` kits when its first shop starts it.
"""

from __future__ import annotations

from sim.model.recorder import Kind, Sink
from sim.model.vehicle.contract import Contract, split
from sim.model.vehicle.lines import Line
from sim.model.vehicle.orders import Orders
from sim.scenario import Scenario

EPS = 1e-9


def allocate(rule: str, pool: float, needs: list[float], customer: list[bool], margins: list[float]) -> list[float]:
    """Kits given to each product out of `pool` under `rule` (never more than its need)."""
    everyone = range(len(needs))
    if rule == "owner_first":
        groups = [[p for p in everyone if not customer[p]], [p for p in everyone if customer[p]]]
    elif rule == "customer_first":
        groups = [[p for p in everyone if customer[p]], [p for p in everyone if not customer[p]]]
    elif rule == "proportional":
        groups = [list(everyone)]
    elif rule == "by_margin":
        groups = [[p for p in everyone if margins[p] == m] for m in sorted(set(margins), reverse=True)]
    else:
        raise ValueError(f"unknown chip allocation {rule!r}")
    given = [0.0] * len(needs)
    for group in groups:
        wanted = sum(needs[p] for p in group)
        if wanted <= 0 or pool <= 0:
            continue
        fill = min(1.0, pool / wanted)
        for p in group:
            given[p] = needs[p] * fill
        pool -= wanted * fill
    return given


class Kits:
    """The pool of undistributed kits and the kits each product holds."""

    def __init__(
        self,
        scenario: Scenario,
        orders: Orders,
        first_lines: list[Line],
        contract: Contract,
        record: Sink,
    ):
        chips = scenario.supply.chips  # type: ignore[union-attr]  # only built with a chip supply
        self.rule = chips.allocation
        self.per = [p.chips_per_vehicle for p in scenario.products]
        self.margins = [p.margin_rmb_per_unit for p in scenario.products]
        self.orders = orders
        self.lines = first_lines  # in declared order: a product on several takes what it can from the first
        self.contract = contract
        self.record = record
        self.pool = 0.0
        self.held = [0.0] * len(self.per)

    def deliver(self, time: float, kits: float, until: float) -> None:
        """Kits arrive at `time`; share the pool for the window up to the next delivery."""
        self.pool += kits
        self.record((time, Kind.KITS, "", "", kits))
        self.share(time, until)

    def share(self, time: float, until: float) -> None:
        """Share the pool by need for the first shops' starts in [time, until)."""
        if self.pool <= EPS:
            return
        planned = self.plan(time, until)
        needs = [max(0.0, n * per - held) for n, per, held in zip(planned, self.per, self.held, strict=True)]
        given = allocate(self.rule, self.pool, needs, self.orders.customer, self.margins)
        for p, kits in enumerate(given):
            self.held[p] += kits
        self.pool = max(0.0, self.pool - sum(given))

    def plan(self, time: float, until: float) -> list[float]:
        """Vehicles each product's first-shop lines would start in [time, until) with unlimited kits."""
        orders = self.orders
        rate, fpy, rework, customer = orders.rate, orders.fpy, orders.rework, orders.customer
        wanted = [max(orders.need(p), 0.0) if rate[p] > 0 else 0.0 for p in range(len(self.per))]
        planned = [0.0] * len(wanted)
        for line in self.lines:
            hours = line.up_at(until) - line.up_at(time)
            mine = [p for p in line.products if wanted[p] > EPS]
            if hours <= 0 or not mine:
                continue
            each = {}  # line hours per vehicle started: its passes at its speed over the window
            for p in mine:
                y = fpy[p] if line.last else line.yields[p]
                each[p] = (1 + (1 - y) * rework[p]) / (line.jph * self._speed(line, p, time, until, hours))
            if line.switch > 0 and line.spec.campaign < float("inf"):
                # The largest family runs on; each other family's campaign costs a changeover in and one back.
                volume: dict[str, float] = {}
                for p in mine:
                    volume[line.families[p]] = volume.get(line.families[p], 0.0) + wanted[p] * each[p]
                if len(volume) > 1:
                    major = max(volume, key=lambda f: (volume[f], f))
                    for p in mine:
                        if line.families[p] != major:
                            each[p] += 2 * line.switch / line.spec.campaign
            need = [0.0, 0.0]
            for p in mine:
                need[customer[p]] += wanted[p] * each[p]
            given = split(self.contract.policy, hours, need[0], need[1], self.contract.share)
            fill = [min(1.0, h / n) if n > 0 else 0.0 for h, n in zip(given, need, strict=True)]
            owner_fill = self._levels([p for p in mine if not customer[p]], wanted, each, given[0])
            for p in mine:
                started = wanted[p] * (fill[1] if customer[p] else owner_fill[p])
                planned[p] += started
                wanted[p] -= started
        return planned

    def _levels(self, owned: list[int], wanted: list[float], each: dict[int, float], hours: float) -> dict[int, float]:
        """The share of its want each of the owner's products gets of the owner's `hours`: its
        priority levels in turn, equal fill within a level."""
        level = self.orders.level
        fill: dict[int, float] = {}
        for lv in sorted({level[p] for p in owned}):
            members = [p for p in owned if level[p] == lv]
            need = sum(wanted[p] * each[p] for p in members)
            share = min(1.0, hours / need) if need > 0 else 0.0
            hours -= need * share
            fill |= dict.fromkeys(members, share)
        return fill

    def _speed(self, line: Line, p: int, time: float, until: float, hours: float) -> float:
        """Product p's share of line speed over [time, until], averaged over the line's up hours
        (a ramping product speeds up within the week its kits are planned for)."""
        rate = self.orders.rate[p]
        steps = self.orders.ramps[p]
        if not steps or steps[-1][0] <= time:
            return rate
        total, u = 0.0, line.up_at(time)
        for when, value in steps:
            if when <= time:
                continue  # already applied
            if when >= until:
                break
            w = line.up_at(when)
            total += rate * (w - u)
            u, rate = w, value
        total += rate * (line.up_at(until) - u)
        return total / hours
