"""What the first shop starts: the release sequence of a plant.

A product can start when at least one whole vehicle of its need is not yet started and it
holds the chip kits for one. A line keeps to its current family while that family can start,
for up to its campaign (`campaign_units`; in a plant with shops, the longest campaign of a
line with changeovers on its routes, so that families reach every shop downstream in runs),
then lets the contract choose a side (see `contract`), and within a side starts the product
that has cleared the smallest share of its need since the last demand release: equal fill.

Lines that can start nothing wait for the next thing that could change that: a demand
release, SOP, a ramp or yield step, a kit delivery, or a scrapped vehicle (its demand wants
another start).
"""

from __future__ import annotations

import math

import simpy

from sim.model.vehicle.contract import Contract
from sim.model.vehicle.kits import Kits
from sim.model.vehicle.lines import Line
from sim.model.vehicle.orders import EPS, Orders


class Starts:
    """The source of a first-shop line: it decides which product starts next."""

    def __init__(self, env: simpy.Environment, orders: Orders, kits: Kits | None, contract: Contract):
        self.env = env
        self.orders = orders
        self.kits = kits
        self.contract = contract
        self.woken = env.event()
        # Kits held and needed per vehicle (with no chip supply: plenty, and none needed).
        n = len(orders.ids)
        self.held = kits.held if kits is not None else [math.inf] * n
        self.per = kits.per if kits is not None else [0.0] * n

    def wait(self, line: Line) -> simpy.Event:
        return self.woken

    def wake(self) -> None:
        """Let every waiting first-shop line look again."""
        if self.woken.callbacks:
            woken, self.woken = self.woken, self.env.event()
            woken.succeed()

    def pick(self, line: Line) -> int:
        # Once per vehicle started: the checks of `Orders.can_start` and `Kits.has`, inlined.
        orders = self.orders
        rate, backlog, inflight, good = orders.rate, orders.backlog, orders.inflight, orders.good
        held, per = self.held, self.per
        ready = []
        for p in line.products:
            if rate[p] > 0 and backlog[p].total >= (inflight[p] + 1) * good[p] - EPS and held[p] >= per[p] - EPS:
                ready.append(p)
        if not ready:
            return -1
        p = ready[0] if len(ready) == 1 else self._choose(line, ready)
        inflight[p] += 1
        orders.since[p] += 1
        orders.started[p] += 1
        held[p] -= per[p]
        return p

    def _choose(self, line: Line, ready: list[int]) -> int:
        """The product that goes after the campaign, the contract and equal fill have had their say."""
        # Loops rather than comprehensions: this runs for most vehicles started.
        if line.campaign and line.run_length < line.campaign and line.family is not None:
            families, family = line.families, line.family
            same = []
            for p in ready:
                if families[p] == family:
                    same.append(p)
            if same:
                ready = same
        customer = self.orders.customer
        sides = 0
        for p in ready:
            sides |= 2 if customer[p] else 1
        if sides == 3:
            turn = self.contract.customer_next(line, True, True, self.orders)
            ready = [p for p in ready if customer[p] == turn]
        since, per_need = self.orders.since, self.orders.per_need
        # The share of its need cleared after one more start: the product furthest behind goes
        # (ties: the one declared first).
        best, key = ready[0], (since[ready[0]] + 1) * per_need[ready[0]]
        for p in ready:
            k = (since[p] + 1) * per_need[p]
            if k < key:
                best, key = p, k
        return best
