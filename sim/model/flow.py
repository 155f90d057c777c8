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

The rates of a segment depend only on which stages run and which lanes are at a bound, so
each such *regime* is worked out once per call and reused (a route sees a few dozen
segments per regime).
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


# A regime: the rates x; the lanes that may reach a bound (lane, draining?, speed towards it);
# the stages that may meet a finite plan (stage, rate); the stages that move (stage, rate);
# the hours lost (stage, share of capacity lost, starved or blocked list); the lanes that move
# (lane, net rate in).
_Regime = tuple[
    list[float],
    list[tuple[int, bool, float]],
    list[tuple[int, float]],
    list[tuple[int, float]],
    list[tuple[int, float, list[float]]],
    list[tuple[int, float]],
]


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
    (non-overlapping intervals), lane `levels` at t0 (within [0, cap]) and their `caps`
    (math.inf: unlimited). `good` is the share of each stage's vehicles that go on to the next
    (the rest scrapped); `targets` the vehicles each stage stops at (default: no limit)."""
    n = len(rates)
    good = good or [1.0] * n
    targets = targets or [math.inf] * n
    levels = list(levels)
    processed = [0.0] * n
    starved = [0.0] * n
    blocked = [0.0] * n
    done = [t <= EPS for t in targets]
    # A plan within this of done is done (never: no plan).
    near = [EPS * max(1.0, t) if t < math.inf else -math.inf for t in targets]
    # Bit s of `on`: stage s is up and not done. Walk the down and up edges in time order.
    on = sum(1 << s for s in range(n) if not done[s])
    toggles: list[tuple[float, int, bool]] = []
    for s, intervals in enumerate(downs):
        for a, b in intervals:
            if b <= t0 or a >= t1:
                continue
            if a <= t0:
                on &= ~(1 << s)
            else:
                toggles.append((a, s, False))
            if b < t1:
                toggles.append((b, s, True))
    toggles.sort()
    toggles.append((t1, -1, False))
    lanes = range(n - 1)
    full_at = [c - EPS for c in caps]
    regimes: dict[int, _Regime] = {}
    t = t0
    for edge, stage, up in toggles:
        while t < edge - EPS:
            key = on
            for s in lanes:
                if levels[s] <= EPS:
                    key |= 1 << (n + 2 * s)
                if levels[s] >= full_at[s]:
                    key |= 2 << (n + 2 * s)
            regime = regimes.get(key)
            if regime is None:
                regime = regimes[key] = _regime(key, rates, caps, good, targets, starved, blocked)
            x, bounds, plans, moving, losses, drift = regime
            dt = edge - t
            hit = -1  # the first lane to empty or fill, or stage to finish, ends the segment early
            for s, draining, speed in bounds:
                tau = levels[s] / speed if draining else (caps[s] - levels[s]) / speed
                if tau < dt:
                    dt, hit = tau, s
            finish = -1
            for s, xs in plans:
                if (targets[s] - processed[s]) / xs < dt:
                    dt, finish, hit = max(0.0, (targets[s] - processed[s]) / xs), s, -1
            if dt <= EPS and hit >= 0:
                # A lane within rounding of its bound: put it there, so the rates see it.
                levels[hit] = 0.0 if x[hit] * good[hit] < x[hit + 1] else caps[hit]
                continue
            for s, xs in moving:
                processed[s] += xs * dt
            for s, lost, into in losses:
                into[s] += dt * lost
            for s, d in drift:
                level = levels[s] + d * dt
                levels[s] = min(max(level, 0.0), caps[s])
            if finish >= 0:
                processed[finish] = targets[finish]
            for s, _ in moving:
                # A stage whose plan is done stops for good, also when it finishes at the very
                # instant a lane reaches its bound (that instant ended the segment instead).
                if not done[s] and targets[s] - processed[s] <= near[s]:
                    processed[s], done[s] = targets[s], True
                    on &= ~(1 << s)
            t += dt
        t = max(t, edge)
        if stage >= 0 and not done[stage]:
            on = on | (1 << stage) if up else on & ~(1 << stage)
    return Flow(processed, starved, blocked, levels)


def _regime(
    key: int,
    rates: list[float],
    caps: list[float],
    good: list[float],
    targets: list[float],
    starved: list[float],
    blocked: list[float],
) -> _Regime:
    """The rates of a segment and what they do, from `key`: bit s says stage s runs; bits
    n + 2s and n + 2s + 1 say lane s is empty and full."""
    n = len(rates)
    cap = [r if key >> s & 1 else 0.0 for s, r in enumerate(rates)]
    empty = [bool(key >> (n + 2 * s) & 1) for s in range(n - 1)]
    full = [bool(key >> (n + 2 * s + 1) & 1) for s in range(n - 1)]
    x = _rates(cap, empty, full, good)
    bounds, drift = [], []
    for s in range(n - 1):
        d = x[s] * good[s] - x[s + 1]
        if d < -EPS:
            bounds.append((s, True, -d))
        elif d > EPS and caps[s] < math.inf:
            bounds.append((s, False, d))
        if d != 0.0:
            drift.append((s, d))
    plans = [(s, xs) for s, xs in enumerate(x) if xs > EPS and targets[s] < math.inf]
    moving = [(s, xs) for s, xs in enumerate(x) if xs != 0.0]
    losses = [
        (s, 1 - x[s] / cap[s], starved if _starved(s, x, empty, full, good) else blocked)
        for s in range(n)
        if x[s] < cap[s] - EPS
    ]
    return x, bounds, plans, moving, losses, drift


def _starved(s: int, x: list[float], empty: list[bool], full: list[bool], good: list[float]) -> bool:
    """Whether stage s runs below capacity for want of input rather than of space: its empty
    lane in allows less than its full lane out (a tie counts as starved)."""
    n = len(x)
    inflow = x[s - 1] * good[s - 1] if s > 0 and empty[s - 1] else math.inf
    outflow = x[s + 1] / good[s] if s < n - 1 and full[s] else math.inf
    return inflow < math.inf and inflow <= outflow


def _rates(cap: list[float], empty: list[bool], full: list[bool], good: list[float]) -> list[float]:
    """Actual rates: capacity, less what an empty lane upstream or a full one downstream allows."""
    x = list(cap)
    n = len(x)
    if not any(empty) and not any(full):
        return x  # no lane at a bound: every stage runs at its capacity
    for _ in range(n + 1):
        changed = False
        for s in range(1, n):
            inflow = x[s - 1] * good[s - 1]
            if empty[s - 1] and x[s] > inflow + EPS:
                x[s] = inflow
                changed = True
        for s in range(n - 2, -1, -1):
            if full[s] and x[s] * good[s] > x[s + 1] + EPS:
                x[s] = x[s + 1] / good[s]
                changed = True
        if not changed:
            break
    return x
