"""The flow of one route through shops in series: stages with on/off capacity, a plan per
stage, finite lanes between them.

Between two booking instants each stage of a route runs, while its line is up, at its
capacity (the route's share of the line's full speed) until it has done its planned
vehicles. A stage whose lane in is empty can go no faster than the stage feeding it
(starved); a stage whose lane out is full can go no faster than the stage draining it
(blocked). Between breakdown edges, the instants a lane fills or empties and the instants a
stage finishes its plan, all rates are constant, so lane levels change linearly and the
integration is exact. Time here is the plant's *open-hour axis*: closed time freezes
everything, so shift edges are not breakpoints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EPS = 1e-9


@dataclass
class Flow:
    """What a route did over an interval."""

    processed: list[float]  # vehicles through each stage
    starved: list[float]  # hours each stage ran below its capacity for want of input
    blocked: list[float]  # hours each stage ran below its capacity for want of space
    levels: list[float]  # lane levels at the end (len = stages - 1)


def flow(
    rates: list[float],
    downs: list[list[tuple[float, float]]],
    levels: list[float],
    caps: list[float],
    t0: float,
    t1: float,
    good: list[float] | None = None,
    targets: list[float] | None = None,
) -> Flow:
    """Integrate a route over [t0, t1]: capacity `rates` per stage while up, `downs` per stage
    (non-overlapping intervals), lane `levels` at t0 and their `caps` (math.inf: unlimited).
    `good` is the share of each stage's vehicles that go on to the next (the rest scrapped);
    `targets` the vehicles each stage stops at (default: no limit)."""
    n = len(rates)
    good = good or [1.0] * n
    targets = targets or [math.inf] * n
    levels = list(levels)
    processed = [0.0] * n
    starved = [0.0] * n
    blocked = [0.0] * n
    done = [t <= EPS for t in targets]
    # Walk the stages' down and up edges in time order, keeping each stage's capacity current.
    cap = [0.0 if d else r for r, d in zip(rates, done, strict=True)]
    toggles: list[tuple[float, int, float]] = []
    for s, intervals in enumerate(downs):
        for a, b in intervals:
            if b <= t0 or a >= t1:
                continue
            if a <= t0:
                cap[s] = 0.0
            else:
                toggles.append((a, s, 0.0))
            if b < t1:
                toggles.append((b, s, rates[s]))
    toggles.sort()
    toggles.append((t1, -1, 0.0))
    bounded = [c < math.inf for c in caps]
    t = t0
    for edge, stage, value in toggles:
        while t < edge - EPS:
            x = _rates(cap, levels, caps, good)
            dt = edge - t
            hit = -1  # the first lane to empty or fill, or stage to finish, ends the segment early
            for s in range(n - 1):
                d = x[s] * good[s] - x[s + 1]
                if d < -EPS and levels[s] / -d < dt:
                    dt, hit = levels[s] / -d, s
                elif d > EPS and bounded[s] and (caps[s] - levels[s]) / d < dt:
                    dt, hit = (caps[s] - levels[s]) / d, s
            finish = -1
            for s in range(n):
                if x[s] > EPS and (targets[s] - processed[s]) / x[s] < dt:
                    dt, finish, hit = max(0.0, (targets[s] - processed[s]) / x[s]), s, -1
            if dt <= EPS and hit >= 0:
                # A lane within rounding of its bound: put it there, so the rates see it.
                levels[hit] = 0.0 if x[hit] * good[hit] < x[hit + 1] else caps[hit]
                continue
            for s in range(n):
                processed[s] += x[s] * dt
                if x[s] < cap[s] - EPS:
                    lost = dt * (1 - x[s] / cap[s])
                    if _starved(s, x, levels, caps, good):
                        starved[s] += lost
                    else:
                        blocked[s] += lost
            for s in range(n - 1):
                level = levels[s] + (x[s] * good[s] - x[s + 1]) * dt
                levels[s] = min(max(level, 0.0), caps[s])
            if finish >= 0:
                processed[finish] = targets[finish]
            for s in range(n):
                # A stage whose plan is done stops for good, also when it finishes at the very
                # instant a lane reaches its bound (that instant ended the segment instead).
                if not done[s] and targets[s] < math.inf and targets[s] - processed[s] <= EPS * max(1.0, targets[s]):
                    processed[s], done[s], cap[s] = targets[s], True, 0.0
            t += dt
        t = max(t, edge)
        if stage >= 0 and not done[stage]:
            cap[stage] = value
    return Flow(processed, starved, blocked, levels)


def _starved(s: int, x: list[float], levels: list[float], caps: list[float], good: list[float]) -> bool:
    """Whether stage s runs below capacity for want of input rather than of space: its empty
    lane in allows less than its full lane out (a tie counts as starved)."""
    n = len(x)
    inflow = x[s - 1] * good[s - 1] if s > 0 and levels[s - 1] <= EPS else math.inf
    outflow = x[s + 1] / good[s] if s < n - 1 and levels[s] >= caps[s] - EPS else math.inf
    return inflow < math.inf and inflow <= outflow


def _rates(cap: list[float], levels: list[float], caps: list[float], good: list[float]) -> list[float]:
    """Actual rates: capacity, less what an empty lane upstream or a full one downstream allows."""
    x = list(cap)
    n = len(x)
    if all(EPS < level < c - EPS for level, c in zip(levels, caps, strict=True)):
        return x  # no lane at a bound: every stage runs at its capacity
    for _ in range(n + 1):
        changed = False
        for s in range(1, n):
            inflow = x[s - 1] * good[s - 1]
            if levels[s - 1] <= EPS and x[s] > inflow + EPS:
                x[s] = inflow
                changed = True
        for s in range(n - 2, -1, -1):
            if levels[s] >= caps[s] - EPS and x[s] * good[s] > x[s + 1] + EPS:
                x[s] = x[s + 1] / good[s]
                changed = True
        if not changed:
            break
    return x
