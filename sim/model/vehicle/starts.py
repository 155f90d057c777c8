"""What the first shop starts: the release sequence of a plant.

A product can start when at least one whole vehicle of its need is not yet started and it
holds the chip kits for one. A line keeps to its current family while that family can start,
for up to its campaign (`campaign_units`; in a plant with shops, the longest campaign of a
line with changeovers on its routes, so that families reach every shop downstream in runs),
then lets the contract choose a side (see `contract`), and within a side starts the product
that has cleared the smallest share of its need since the last demand release: equal fill.
The owner's products go in the levels of its priority rule: only those of the first level
that can start are candidates.

Lines that can start nothing wait for the next thing that could change that: a demand
release, SOP, a ramp or yield step, a kit delivery, or a scrapped vehicle (its demand wants
another start).
"""

from __future__ import annotations

import math
from collections.abc import Callable

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
        n = len(orders.ids)
        # Kits held and needed per vehicle (with no chip supply: plenty, and none needed).
        self.held = kits.held if kits is not None else [math.inf] * n
        self.per = kits.per if kits is not None else [0.0] * n
        # Whole vehicles each product could start now, by its need and its kits. Exact after a
        # refresh and kept so by each start; between refreshes it may only be too high (a good
        # vehicle out of a route with losses lowers the need by a fraction), so the product
        # chosen is checked before it starts.
        self.room = [0] * n

    def wait(self, line: Line) -> simpy.Event:
        return self.woken

    def wake(self) -> None:
        """Let every waiting first-shop line look again."""
        if self.woken.callbacks:
            woken, self.woken = self.woken, self.env.event()
            woken.succeed()

    def refresh(self) -> None:
        """Recount every product's room (after demand, kits, speed or yield changed)."""
        for p in range(len(self.room)):
            self.room[p] = self._room(p)

    def scrapped(self, p: int) -> None:
        """A vehicle of p was scrapped: its demand wants another start."""
        self.room[p] = self._room(p)
        self.wake()

    def _room(self, p: int) -> int:
        orders = self.orders
        if orders.rate[p] <= 0:
            return 0
        room = math.floor(orders.need(p) + EPS)
        if self.per[p] > 0:
            room = min(room, math.floor(self.held[p] / self.per[p] + EPS))
        return max(room, 0)

    def picker(self, line: Line) -> Callable[[], int]:
        """The function that starts `line`'s next vehicle: its product, or -1 if none can start.

        Once per vehicle started, so it is a closure over the lists it reads. One pass over
        the line's few products finds, for each side, the product furthest behind in clearing
        its need (equal fill; ties: declared first), among all that can start and among those
        of the current family; the campaign goes on if it can, else the contract chooses the side.
        """
        orders, contract = self.orders, self.contract
        room, customer, since, per_need, started = (
            self.room,
            orders.customer,
            orders.since,
            orders.per_need,
            orders.started,
        )
        backlog, inflight, good, held, per = orders.backlog, orders.inflight, orders.good, self.held, self.per
        products, families = line.products, line.families
        inf = math.inf
        level = orders.level
        if any(level[p] for p in products):  # the owner's priority: only its first level that can start
            everyone = products

            def candidates() -> list[int]:
                first = min((level[p] for p in everyone if room[p] > 0 and not customer[p]), default=0)
                return [p for p in everyone if customer[p] or level[p] == first]

        else:

            def candidates() -> list[int]:
                return products

        def one_side() -> int:
            campaign = line.campaign and line.run_length < line.campaign
            family = line.family
            while True:
                best = same = -1
                key = same_key = inf
                for p in candidates():
                    if room[p] > 0:
                        k = (since[p] + 1) * per_need[p]
                        if best < 0 or k < key:
                            best, key = p, k
                        if campaign and families[p] == family and (same < 0 or k < same_key):
                            same, same_key = p, k
                p = same if same >= 0 else best
                if p < 0:
                    return -1
                # Can p start? A whole vehicle of its need not yet started, and its kits (room may be high).
                if backlog[p].total >= (inflight[p] + 1) * good[p] - EPS and held[p] >= per[p] - EPS:
                    break
                room[p] = 0
            room[p] -= 1
            inflight[p] += 1
            since[p] += 1
            started[p] += 1
            held[p] -= per[p]
            return p

        def both_sides() -> int:
            campaign = line.campaign and line.run_length < line.campaign
            family = line.family
            while True:
                best = [-1, -1]  # per side (owner, customer)
                key = [inf, inf]
                same = [-1, -1]  # ... of the current family
                same_key = [inf, inf]
                for p in candidates():
                    if room[p] > 0:
                        side = customer[p]
                        k = (since[p] + 1) * per_need[p]
                        if best[side] < 0 or k < key[side]:
                            best[side], key[side] = p, k
                        if campaign and families[p] == family and (same[side] < 0 or k < same_key[side]):
                            same[side], same_key[side] = p, k
                if same[0] >= 0 or same[1] >= 0:
                    best = same
                if best[0] < 0:
                    p = best[1]
                elif best[1] < 0:
                    p = best[0]
                else:
                    p = best[contract.customer_next(line, True, True, orders)]
                if p < 0:
                    return -1
                if backlog[p].total >= (inflight[p] + 1) * good[p] - EPS and held[p] >= per[p] - EPS:
                    break
                room[p] = 0
            room[p] -= 1
            inflight[p] += 1
            since[p] += 1
            started[p] += 1
            held[p] -= per[p]
            return p

        return both_sides if line.owner and line.customer else one_side
