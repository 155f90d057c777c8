"""Chip supply: weekly kit deliveries with disruptions, and the rules that share scarce kits.

Kits arrive at the start of the horizon and every Monday after it, less the share lost in
any disruption covering that day. Scarce kits go to products by their *need* (the kits the
allocation is asked for) under one of the rules in `ALLOCATIONS`, the one registry the
scenario's `supply.chips.allocation` choices come from: ``owner_first`` and
``customer_first`` serve one side fully before the other (the products of a side in
proportion to need), ``proportional`` serves every product in proportion to need,
``by_margin`` serves products in order of margin per vehicle (ties in proportion). No
product gets more than it needs; kits nobody needs stay in the pool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.model.recorder import Kind, Sink

if TYPE_CHECKING:  # the scenario layer imports this module's registry
    from sim.scenario.supply import Chips

#: (needs, customer flags, margins) -> groups of product indices, served in order
Order = Callable[[list[float], list[bool], list[float]], list[list[int]]]

ALLOCATIONS: dict[str, Order] = {
    "owner_first": lambda needs, customer, margins: [
        [i for i, c in enumerate(customer) if not c],
        [i for i, c in enumerate(customer) if c],
    ],
    "customer_first": lambda needs, customer, margins: [
        [i for i, c in enumerate(customer) if c],
        [i for i, c in enumerate(customer) if not c],
    ],
    "proportional": lambda needs, customer, margins: [list(range(len(needs)))],
    "by_margin": lambda needs, customer, margins: [
        [i for i, m in enumerate(margins) if m == level] for level in sorted(set(margins), reverse=True)
    ],
}


def arrivals(chips: Chips, start: dt.date, end: dt.date) -> list[tuple[int, float]]:
    """(day index from start, kits) of every delivery in the horizon."""
    out = []
    for k in range((end - start).days + 1):
        day = start + dt.timedelta(days=k)
        if k == 0 or day.weekday() == 0:
            lost = max((d.share_lost for d in chips.disruptions if d.first_day <= day <= d.last_day), default=0.0)
            out.append((k, chips.kits_per_week * (1 - lost)))
    return out


def allocate(rule: str, pool: float, needs: list[float], customer: list[bool], margins: list[float]) -> list[float]:
    """Kits given to each product out of `pool` under `rule` (never more than it needs)."""
    give = [0.0] * len(needs)
    for group in ALLOCATIONS[rule](needs, customer, margins):
        total = sum(needs[i] for i in group)
        if total <= 1e-9 or pool <= 0:  # nothing (or a rounding crumb) to serve
            continue
        share = min(1.0, pool / total)
        for i in group:
            give[i] = needs[i] * share
        pool -= total * share
    return give


class Pool:
    """The plant's kits in one replication: delivered and unallocated, and held by each product."""

    def __init__(
        self,
        rule: str,
        deliveries: list[tuple[float, float]],
        per_vehicle: list[float],
        customer: list[bool],
        margins: list[float],
        record: Sink,
    ):
        self.rule = rule
        self.deliveries = deliveries  # (clock hour, kits)
        self.per_vehicle = per_vehicle
        self.customer = customer
        self.margins = margins
        self.record = record
        self.pool = 0.0
        self.held = [0.0] * len(per_vehicle)
        self.received = 0  # deliveries put in the pool so far

    def receive(self, upto: float) -> None:
        """Put the kits delivered by clock hour `upto` (and not yet received) in the pool."""
        deliveries = self.deliveries
        while self.received < len(deliveries) and deliveries[self.received][0] <= upto:
            when, kits = deliveries[self.received]
            self.pool += kits
            self.record(when, Kind.KITS, "", "", kits)
            self.received += 1

    def between(self, t0: float, t1: float) -> list[float]:
        """Clock hours of the deliveries strictly between t0 and t1."""
        deliveries, k = self.deliveries, self.received
        while k < len(deliveries) and deliveries[k][0] <= t0:
            k += 1
        out = []
        while k < len(deliveries) and deliveries[k][0] < t1:
            out.append(deliveries[k][0])
            k += 1
        return out

    def covers(self, planned: list[float]) -> bool:
        """Whether the kits in hand (the pool and those held) cover every product's `planned` starts."""
        short = sum(max(0.0, v * c - h) for v, c, h in zip(planned, self.per_vehicle, self.held, strict=True))
        return short <= self.pool

    def cut(self, planned: list[float]) -> list[float]:
        """Share the pool by the kits each product's `planned` starts need, less what it holds;
        returns the share of its plan each product can start (1 where kits do not bind)."""
        per_vehicle, held = self.per_vehicle, self.held
        needs = [max(0.0, v * c - h) for v, c, h in zip(planned, per_vehicle, held, strict=True)]
        if self.pool > 0 and any(needs):
            given = allocate(self.rule, self.pool, needs, self.customer, self.margins)
            for i, kits in enumerate(given):
                held[i] += kits
            self.pool = max(0.0, self.pool - sum(given))
        return [min(1.0, h / (v * c)) if v > 0 else 1.0 for v, c, h in zip(planned, per_vehicle, held, strict=True)]

    def use(self, i: int, vehicles: float) -> None:
        """Product i started `vehicles`: their kits are spent."""
        self.held[i] = max(0.0, self.held[i] - vehicles * self.per_vehicle[i])
