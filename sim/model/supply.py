"""Chip supply: weekly kits, disruptions, and how scarce kits are allocated.

Kits arrive at the start of the horizon and every Monday after it, reduced by the share
lost in any disruption covering that day. Kits are allocated to products by their *need*:
the kits that would cover their open demand, but no more than their lines could start in
the coming week, less the kits they already hold. Policies:
``owner_first`` and ``customer_first`` serve one side fully before the other (the products
of a side in proportion to need), ``proportional`` serves every product in proportion to
need, ``by_margin`` serves products in order of margin per vehicle (ties in proportion).
Kits nobody needs stay in the pool for later.
"""

from __future__ import annotations

import datetime as dt

from sim.scenario.supply import Chips


def arrivals(chips: Chips, start: dt.date, end: dt.date) -> list[tuple[int, float]]:
    """(day index from start, kits) of every delivery in the horizon."""
    out = []
    for k in range((end - start).days + 1):
        day = start + dt.timedelta(days=k)
        if k == 0 or day.weekday() == 0:
            lost = max((d.share_lost for d in chips.disruptions if d.first_day <= day <= d.last_day), default=0.0)
            out.append((k, chips.kits_per_week * (1 - lost)))
    return out


def allocate(policy: str, pool: float, needs: list[float], customer: list[bool], margins: list[float]) -> list[float]:
    """Kits given to each product out of `pool` (never more than it needs)."""
    give = [0.0] * len(needs)
    if policy == "proportional":
        groups = [list(range(len(needs)))]
    elif policy in ("owner_first", "customer_first"):
        first = policy == "customer_first"
        groups = [[i for i, c in enumerate(customer) if c == first], [i for i, c in enumerate(customer) if c != first]]
    elif policy == "by_margin":
        levels = sorted(set(margins), reverse=True)
        groups = [[i for i, m in enumerate(margins) if m == level] for level in levels]
    else:
        raise ValueError(f"unknown chip policy {policy!r}")
    for group in groups:
        total = sum(needs[i] for i in group)
        if total <= 1e-9 or pool <= 0:  # nothing (or a rounding crumb) to serve
            continue
        share = min(1.0, pool / total)
        for i in group:
            give[i] = needs[i] * share
        pool -= total * share
    return give
