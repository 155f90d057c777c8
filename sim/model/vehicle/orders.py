"""Orders: each product's open demand, the vehicles in flight for it, and how it is learning.

Demand is released at each month's start (a contract product's only from SOP, pro rata for
the SOP month by the clock hours left in it) and served oldest first; demand released in
month m and still open at the start of month m + N + 1 is lost (N = `lost_after_months`).
A vehicle is *in flight* from its start in the first shop until it leaves the last shop
built or is scrapped on the way. A product's *need* is the vehicles it still wants started:
its open demand over the good share of its route, less those in flight; it can start while
at least one whole vehicle is needed.

The lines balance *equal fill within a side*: at every release each product's need is noted
and what has been started since counted, so that the product which has cleared the smallest
share of its need goes next. A new product's speed (ramp-up) and last-shop yield (learning)
are held per step; they live here because they decide both the need and a pass's length.
"""

from __future__ import annotations

import math

from sim.model.backlog import Backlog
from sim.model.recorder import Kind, Sink
from sim.model.state import State
from sim.scenario import Scenario

EPS = 1e-9


def owner_levels(scenario: Scenario) -> list[int]:
    """Each product's level in the owner's priority (0 served first; the customer's products 0):
    all 0 for equal fill, by margin per vehicle (higher first), or by the order listed (a
    product id or a brand; products not listed after the listed ones)."""
    rule = scenario.owner_priority
    products = scenario.products
    if rule is None or rule.rule == "equal_fill":
        return [0] * len(products)
    owner = [p.owner == scenario.owner for p in products]
    if rule.rule == "by_margin":
        margins = sorted({p.margin_rmb_per_unit for p, own in zip(products, owner, strict=True) if own}, reverse=True)
        return [margins.index(p.margin_rmb_per_unit) if own else 0 for p, own in zip(products, owner, strict=True)]
    order = list(rule.order)
    ranks = []
    for p, own in zip(products, owner, strict=True):
        listed = [k for k, name in enumerate(order) if name in (p.id, p.brand)]
        ranks.append((listed[0] if listed else len(order)) if own else 0)
    return ranks


class Orders:
    """Open demand, vehicles in flight and learning state of every product."""

    def __init__(self, scenario: Scenario, plant: State, demand: list[list[float]], record: Sink):
        products = scenario.products
        n = len(products)
        self.ids = [p.id for p in products]
        self.customer = list(plant.customer)
        self.demand = demand  # (product, month) vehicles
        self.record = record
        self.lost_after = [p.demand.lost_after_months for p in products]
        self.backlog = [Backlog() for _ in range(n)]
        self.released = [not c for c in self.customer]  # the customer's products wait for SOP
        self.rate = [0.0 if c else 1.0 for c in self.customer]  # share of line speed
        self.ramps: list[list[tuple[float, float]]] = [[] for _ in range(n)]  # (clock hour, rate) steps to come
        self.fpy = [p.first_pass_yield for p in products]  # at the last shop (learning after SOP)
        self.rework = [p.rework_share for p in products]
        # Good share of each product's vehicles through the shops before the last one.
        self.before = [1.0] * n
        for k in plant.plants:
            for p, route in k.routes.items():
                self.before[p] = math.prod(ln.yields[p] + (1 - ln.yields[p]) * self.rework[p] for ln in route[:-1])
        self.good = [0.0] * n  # good share of a vehicle started, over its whole route
        for p in range(n):
            self._regood(p)
        self.level = owner_levels(scenario)  # the owner's priority: its products served level by level
        self.inflight = [0] * n
        self.need0 = [0.0] * n  # need at the last release
        self.per_need = [math.inf] * n  # 1 / need0: the share of it one vehicle clears (inf: none needed)
        self.since = [0] * n  # vehicles started since the last release
        self.started = [0] * n  # ... in the whole run (for conservation checks)
        self.built = [0] * n
        self.scrapped = [0] * n

    # -- the need -----------------------------------------------------------------------------
    def _regood(self, p: int) -> None:
        y, r = self.fpy[p], self.rework[p]
        self.good[p] = self.before[p] * (y + (1 - y) * r)

    def good_per_pass(self, p: int) -> float:
        """Good vehicles per pass at the last shop: (y + (1-y) r) / (1 + (1-y) r)."""
        y, r = self.fpy[p], self.rework[p]
        return (y + (1 - y) * r) / (1 + (1 - y) * r)

    def need(self, p: int) -> float:
        """Vehicles product p still wants started (may be negative after lucky tests)."""
        return self.backlog[p].total / self.good[p] - self.inflight[p]

    # -- vehicles (starts and good vehicles out are booked inline by the first shop and the last) --
    def scrap(self, p: int) -> None:
        self.inflight[p] -= 1
        self.scrapped[p] += 1

    # -- releases -------------------------------------------------------------------------------
    def month_start(self, k: int, time: float) -> None:
        """Lose demand that waited too long, then release month k's demand."""
        record = self.record
        for p, keep in enumerate(self.lost_after):
            if keep is not None:
                lost = self.backlog[p].expire(k - keep)
                if lost > 0:
                    record((time, Kind.LOST, "", self.ids[p], lost))
            if self.released[p]:
                self._release(p, k, self.demand[p][k], time)

    def sop(self, k: int, left: float, time: float) -> None:
        """Release the contract products at SOP: `left` of month k's demand (its clock hours left)."""
        for p, customer in enumerate(self.customer):
            if customer:
                self.released[p] = True
                self._release(p, k, self.demand[p][k] * left, time)

    def _release(self, p: int, k: int, quantity: float, time: float) -> None:
        if quantity > 0:
            self.backlog[p].add(k, quantity)
            self.record((time, Kind.DEMAND, "", self.ids[p], quantity))

    def snapshot(self) -> None:
        """Note every product's need: equal fill is counted from here."""
        for p in range(len(self.need0)):
            self.need0[p] = max(self.need(p), 0.0) if self.released[p] else 0.0
            self.per_need[p] = 1.0 / self.need0[p] if self.need0[p] > 0 else math.inf
            self.since[p] = 0

    # -- learning -------------------------------------------------------------------------------
    def set_rate(self, p: int, rate: float) -> None:
        self.rate[p] = rate

    def set_yield(self, p: int, first_pass_yield: float) -> None:
        self.fpy[p] = first_pass_yield
        self._regood(p)
