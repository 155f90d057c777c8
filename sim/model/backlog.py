"""Open demand of one product, kept by the month it was released in.

Building serves the oldest demand first. Demand still open `lost_after_months` months after
its release month is lost: the customer has bought elsewhere.
"""

from __future__ import annotations

from collections import deque


class Backlog:
    """FIFO cohorts of open demand: [release month index, vehicles]."""

    __slots__ = ("cohorts", "total")

    def __init__(self) -> None:
        self.cohorts: deque[list[float]] = deque()
        self.total = 0.0

    def add(self, month: int, quantity: float) -> None:
        if self.cohorts and self.cohorts[-1][0] == month:
            self.cohorts[-1][1] += quantity
        else:
            self.cohorts.append([month, quantity])
        self.total += quantity

    def take(self, quantity: float) -> None:
        """Serve `quantity` vehicles of the oldest demand (all of it if quantity >= total)."""
        if quantity >= self.total:
            self.cohorts.clear()
            self.total = 0.0
            return
        self.total -= quantity
        while quantity > 0 and self.cohorts:
            first = self.cohorts[0]
            if first[1] > quantity:
                first[1] -= quantity
                return
            quantity -= first[1]
            self.cohorts.popleft()

    def expire(self, oldest_kept: int) -> float:
        """Drop demand released before month `oldest_kept`; returns the vehicles lost."""
        lost = 0.0
        while self.cohorts and self.cohorts[0][0] < oldest_kept:
            lost += self.cohorts.popleft()[1]
        self.total = max(self.total - lost, 0.0) if self.cohorts else 0.0
        return lost
