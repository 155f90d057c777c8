"""Sorted, disjoint intervals on a time axis and the running measure they cover.

Two things in the model are such intervals: a plant's shifts on the clock (their running
measure is the open hours so far) and a line's breakdowns on the open-hour axis (the down
hours so far). Both are asked the same two questions many times per replication, how much
is covered up to a point, and where a given amount has been covered, so both are answered
here by bisection on precomputed running sums.
"""

from __future__ import annotations

import bisect
import itertools
import math


class Intervals:
    """Intervals [starts[i], ends[i]) in increasing order, not overlapping."""

    __slots__ = ("before", "ends", "starts", "upto")

    def __init__(self, starts: list[float], ends: list[float]):
        self.starts = starts
        self.ends = ends
        lengths = [b - a for a, b in zip(starts, ends, strict=True)]
        self.upto = list(itertools.accumulate(lengths))  # measure covered up to each interval's end
        self.before = [u - n for u, n in zip(self.upto, lengths, strict=True)]  # ... before each one starts

    @property
    def total(self) -> float:
        return self.upto[-1] if self.upto else 0.0

    def until(self, t: float) -> float:
        """Measure covered from the axis's origin to t."""
        i = bisect.bisect_right(self.starts, t)  # intervals started by t
        if i == 0:
            return 0.0
        end = self.ends[i - 1]
        return self.before[i - 1] + (end if end < t else t) - self.starts[i - 1]  # (min(t, end) without a call)

    def at(self, measure: float) -> float:
        """The point at which `measure` has been covered (the end of an interval, if one ends
        there; inf if never)."""
        i = bisect.bisect_left(self.upto, measure)
        if i == len(self.upto):
            return math.inf
        return self.starts[i] + measure - self.before[i]
