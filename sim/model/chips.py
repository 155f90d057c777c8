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

if TYPE_CHECKING:  # the scenario layer imports this module's registry
    from sim.scenario.supply import Chips

#: (customer flags, margins) -> groups of product indices, served in order (the same at every
#: allocation of a replication: a pool works them out once)
Order = Callable[[list[bool], list[float]], list[list[int]]]

ALLOCATIONS: dict[str, Order] = {
    "owner_first": lambda customer, margins: [
        [i for i, c in enumerate(customer) if not c],
        [i for i, c in enumerate(customer) if c],
    ],
    "customer_first": lambda customer, margins: [
        [i for i, c in enumerate(customer) if c],
        [i for i, c in enumerate(customer) if not c],
    ],
    "proportional": lambda customer, margins: [list(range(len(customer)))],
    "by_margin": lambda customer, margins: [
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
    return serve(pool, needs, ALLOCATIONS[rule](customer, margins))


def serve(pool: float, needs: list[float], groups: list[list[int]]) -> list[float]:
    """Kits given to each product out of `pool`, serving `groups` in order (each in proportion to need)."""
    give = [0.0] * len(needs)
    for group in groups:
        total = sum([needs[i] for i in group])
        if total <= 1e-9 or pool <= 0:  # nothing (or a rounding crumb) to serve
            continue
        share = min(1.0, pool / total)
        for i in group:
            give[i] = needs[i] * share
        pool -= total * share
    return give
