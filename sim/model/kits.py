"""The plant's chip kits in one replication of the batch model: the pool of kits delivered and
not yet allocated, and the kits each product holds.

At a booking, each product's need is the kits for what the plan starts (with unlimited kits),
less what it holds; the pool is shared by the scenario's allocation rule (`chips`), and each
product starts at most what its kits allow. Unallocated kits stay in the pool; held kits stay
with their product until used.
"""

from __future__ import annotations

from sim.model.chips import ALLOCATIONS, serve
from sim.model.recorder import Kind, Sink


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
        self.groups = ALLOCATIONS[rule](customer, margins)  # products served in turn, by the rule
        self.deliveries = deliveries  # (clock hour, kits)
        self.per_vehicle = per_vehicle
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
            self.record((when, Kind.KITS, "", "", kits))
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

    def delivered(self, when: float) -> float:
        """Kits of the delivery at clock hour `when` (not yet received)."""
        deliveries, k = self.deliveries, self.received
        while deliveries[k][0] != when:  # (no slice: this is asked for every delivery in a batch)
            k += 1
        return deliveries[k][1]

    def covers(self, planned: list[float], more: float = 0.0) -> bool:
        """Whether the kits in hand (the pool and those held), and `more` in the pool, cover
        every product's `planned` starts."""
        # (x if x > 0.0 else 0.0 is max(0.0, x) without a builtin's call: these run at every booking)
        short = sum(
            x if (x := v * c - h) > 0.0 else 0.0 for v, c, h in zip(planned, self.per_vehicle, self.held, strict=True)
        )
        return short <= self.pool + more

    def cut(self, planned: list[float]) -> list[float]:
        """Share the pool by the kits each product's `planned` starts need, less what it holds;
        returns the share of its plan each product can start (1 where kits do not bind, or
        bind by less than a billionth of the plan)."""
        per_vehicle, held = self.per_vehicle, self.held
        if not any(held):
            # Nothing held, the common case: each product needs its plan's kits. A pool that
            # covers them all, with a margin for the rounding of serving them group by group,
            # gives each its own whole, and every plan is started whole: what the rule below
            # does then, to the bit, in a third of the time. (A need within 1e-9 of nothing,
            # which the rule leaves unserved, is left to the rule.)
            needs = [v * c for v, c in zip(planned, per_vehicle, strict=True)]
            total = sum(needs)
            if total == 0.0:
                return [1.0] * len(needs)
            if self.pool >= total * (1 + 1e-9) and not [n for n in needs if 0.0 < n <= 1e-9]:
                held[:] = needs
                self.pool = max(0.0, self.pool - total)
                return [1.0] * len(needs)
        needs = [x if (x := v * c - h) > 0.0 else 0.0 for v, c, h in zip(planned, per_vehicle, held, strict=True)]
        if self.pool > 0 and any(needs):
            given = serve(self.pool, needs, self.groups)
            for i, kits in enumerate(given):
                held[i] += kits
            self.pool = max(0.0, self.pool - sum(given))
        # A share within a billionth of the whole is the whole: held kits that cover a plan
        # but for rounding (the crumbs of kits held and spent) do not cut it, nor make the
        # model book delivery by delivery as if kits were short.
        return [
            (s if (s := h / (v * c)) < 1.0 - 1e-9 else 1.0) if v > 0 else 1.0
            for v, c, h in zip(planned, per_vehicle, held, strict=True)
        ]

    def use(self, i: int, vehicles: float) -> None:
        """Product i started `vehicles`: their kits are spent."""
        left = self.held[i] - vehicles * self.per_vehicle[i]
        self.held[i] = left if left > 0.0 else 0.0
