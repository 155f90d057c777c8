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

The rates of a segment depend only on which stages run and which lanes are at a bound (and
only the bounds that can hold a running stage), so each such *regime* is worked out once per
call and reused: a booking's route sees about five segments per regime. No stage can meet its
plan before it could running flat out, so until then segments do not look for the instant it
does. A route of three stages (body, paint, assembly) has its regimes worked out by code
written out for three. None of this changes the arithmetic: the results are those of the rule
stepped segment by segment, to the bit.
"""

from __future__ import annotations

import functools
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
# the stages that move (stage, rate); the hours lost (stage, share of capacity lost, starved
# or blocked list); the lanes that move (lane, net rate in).
_Regime = tuple[
    list[float],
    list[tuple[int, bool, float]],
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
    full_at = [c - EPS for c in caps]
    # Bits n + 2s and n + 2s + 1 of a regime's key: lane s is empty, full.
    status = 0
    for s, level in enumerate(levels):
        status |= (level <= EPS) << (n + 2 * s) | (level >= full_at[s]) << (n + 2 * s + 1)
    regimes: dict[int, _Regime] = {}
    # No plan can be met before `horizon` (every stage flat out from t0): until then the
    # segments need not look for one.
    horizon = _horizon(t0, rates, processed, targets, near, done)
    # A stopped stage is not held by its lanes: their bits that bear only on it are dropped,
    # so regimes that differ only in them are one.
    relevant = _relevant(n)
    regime_of = _regime3 if n == 3 else _regime
    t = t0
    for edge, stage, up in toggles:
        while t < edge - EPS:
            key = on | status & relevant[on]
            regime = regimes.get(key)
            if regime is None:
                regime = regimes[key] = regime_of(key, rates, caps, good, starved, blocked)
            x, bounds, moving, losses, drift = regime
            dt = edge - t
            hit = -1  # the first lane to empty or fill, or stage to finish, ends the segment early
            for s, draining, speed in bounds:
                tau = levels[s] / speed if draining else (caps[s] - levels[s]) / speed
                if tau < dt:
                    dt, hit = tau, s
            finish = -1
            careful = t + dt >= horizon
            if careful:
                for s, xs in moving:
                    tau = (targets[s] - processed[s]) / xs
                    if xs > EPS and tau < dt:
                        dt, finish, hit = (tau if tau > 0.0 else 0.0), s, -1
            if dt <= EPS and hit >= 0:
                # A lane within rounding of its bound: put it there, so the rates see it.
                level = levels[hit] = 0.0 if x[hit] * good[hit] < x[hit + 1] else caps[hit]
                b = n + 2 * hit
                status = status & ~(3 << b) | (level <= EPS) << b | (level >= full_at[hit]) << (b + 1)
                continue
            for s, xs in moving:
                processed[s] += xs * dt
            for s, lost, into in losses:
                into[s] += dt * lost
            for s, d in drift:
                level = levels[s] + d * dt
                if level < 0.0:
                    level = 0.0
                elif level > caps[s]:
                    level = caps[s]
                levels[s] = level
                b = n + 2 * s
                status = status & ~(3 << b) | (level <= EPS) << b | (level >= full_at[s]) << (b + 1)
            t += dt
            if careful:
                if finish >= 0:
                    processed[finish] = targets[finish]
                for s, _ in moving:
                    # A stage whose plan is done stops for good, also when it finishes at the very
                    # instant a lane reaches its bound (that instant ended the segment instead).
                    if targets[s] - processed[s] <= near[s]:
                        processed[s], done[s] = targets[s], True
                        on &= ~(1 << s)
                horizon = _horizon(t, rates, processed, targets, near, done)
        if t < edge:
            t = edge
        if stage >= 0 and not done[stage]:
            on = on | (1 << stage) if up else on & ~(1 << stage)
    return Flow(processed, starved, blocked, levels)


def _horizon(
    t: float, rates: list[float], processed: list[float], targets: list[float], near: list[float], done: list[bool]
) -> float:
    """The earliest a stage could come within `near` of its plan running flat out from t,
    less a margin for rounding."""
    h = math.inf
    for s, r in enumerate(rates):
        if not done[s] and r > 0.0:
            at = t + (targets[s] - near[s] - processed[s]) / r - EPS
            if at < h:  # (min(h, at) without a builtin's call)
                h = at
    return h


@functools.cache
def _relevant(n: int) -> list[int]:
    """For each set of running stages (bit s: stage s), the lane bits that matter: a stopped
    stage is not held by its lane out being full nor its lane in being empty."""
    masks = []
    for on in range(1 << n):
        mask = 0
        for s in range(n - 1):
            if on >> s & 1:
                mask |= 2 << (n + 2 * s)  # lane s full holds stage s
            if on >> (s + 1) & 1:
                mask |= 1 << (n + 2 * s)  # lane s empty holds stage s + 1
        masks.append(mask)
    return masks


def _regime(
    key: int,
    rates: list[float],
    caps: list[float],
    good: list[float],
    starved: list[float],
    blocked: list[float],
) -> _Regime:
    """The rates of a segment and what they do, from `key`: bit s says stage s runs; bits
    n + 2s and n + 2s + 1 say lane s is empty and full."""
    n = len(rates)
    cap = [r if key >> s & 1 else 0.0 for s, r in enumerate(rates)]
    bounded = key >> n  # bit 2s: lane s empty, bit 2s + 1: full
    x = _rates(cap, bounded, good) if bounded else cap
    bounds, moving, losses, drift = [], [], [], []
    for s, xs in enumerate(x):
        if xs != 0.0:
            moving.append((s, xs))
        if xs < cap[s] - EPS:
            # Below capacity for want of input rather than of space: its empty lane in allows
            # less than its full lane out (a tie counts as starved).
            inflow = x[s - 1] * good[s - 1] if s > 0 and bounded >> (2 * s - 2) & 1 else math.inf
            outflow = x[s + 1] / good[s] if s < n - 1 and bounded >> (2 * s + 1) & 1 else math.inf
            losses.append((s, 1 - xs / cap[s], starved if inflow < math.inf and inflow <= outflow else blocked))
        if s < n - 1:
            d = xs * good[s] - x[s + 1]
            if d < -EPS:
                bounds.append((s, True, -d))
            elif d > EPS and caps[s] < math.inf:
                bounds.append((s, False, d))
            if d != 0.0:
                drift.append((s, d))
    return x, bounds, moving, losses, drift


def _regime3(
    key: int,
    rates: list[float],
    caps: list[float],
    good: list[float],
    starved: list[float],
    blocked: list[float],
) -> _Regime:
    """`_regime` of a route of three stages (body, paint, assembly: the common plant) written
    out: regimes take half the time of a call, and this works them out in about half the
    time. The same arithmetic in the same order, so the same regime to the bit."""
    g0, g1 = good[0], good[1]
    x0 = c0 = rates[0] if key & 1 else 0.0
    x1 = c1 = rates[1] if key & 2 else 0.0
    x2 = c2 = rates[2] if key & 4 else 0.0
    empty0, full0, empty1, full1 = key & 8, key & 16, key & 32, key & 64
    if key & 120:  # `_rates`
        for _ in range(4):
            changed = False
            if empty0:
                inflow = x0 * g0
                if x1 > inflow + EPS:
                    x1, changed = inflow, True
            if empty1:
                inflow = x1 * g1
                if x2 > inflow + EPS:
                    x2, changed = inflow, True
            if full1 and x1 * g1 > x2 + EPS:
                x1, changed = x2 / g1, True
            if full0 and x0 * g0 > x1 + EPS:
                x0, changed = x1 / g0, True
            if not changed:
                break
    moving = []
    if x0 != 0.0:
        moving.append((0, x0))
    if x1 != 0.0:
        moving.append((1, x1))
    if x2 != 0.0:
        moving.append((2, x2))
    losses = []
    if x0 < c0 - EPS:
        losses.append((0, 1 - x0 / c0, blocked))  # no lane in
    if x1 < c1 - EPS:
        # Starved if its empty lane in allows less than its full lane out (a tie: starved).
        losses.append((1, 1 - x1 / c1, starved if empty0 and (not full1 or x0 * g0 <= x2 / g1) else blocked))
    if x2 < c2 - EPS:
        losses.append((2, 1 - x2 / c2, starved if empty1 else blocked))  # no lane out
    bounds = []
    drift = []
    d = x0 * g0 - x1
    if d != 0.0:
        drift.append((0, d))
        if d < -EPS:
            bounds.append((0, True, -d))
        elif d > EPS and caps[0] < math.inf:
            bounds.append((0, False, d))
    d = x1 * g1 - x2
    if d != 0.0:
        drift.append((1, d))
        if d < -EPS:
            bounds.append((1, True, -d))
        elif d > EPS and caps[1] < math.inf:
            bounds.append((1, False, d))
    return [x0, x1, x2], bounds, moving, losses, drift


def _rates(cap: list[float], bounded: int, good: list[float]) -> list[float]:
    """Actual rates: capacity, less what an empty lane upstream (bit 2s of `bounded` for lane s)
    or a full one downstream (bit 2s + 1) allows."""
    x = list(cap)
    n = len(x)
    for _ in range(n + 1):
        changed = False
        for s in range(1, n):
            inflow = x[s - 1] * good[s - 1]
            if bounded >> (2 * s - 2) & 1 and x[s] > inflow + EPS:
                x[s] = inflow
                changed = True
        for s in range(n - 2, -1, -1):
            if bounded >> (2 * s + 1) & 1 and x[s] * good[s] > x[s + 1] + EPS:
                x[s] = x[s + 1] / good[s]
                changed = True
        if not changed:
            break
    return x
