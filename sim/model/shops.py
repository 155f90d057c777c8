"""Shops in series in the batch model: each batch's plan shop by shop, then each route's flow.

The last shop plans by the contract's policy (it decides what is built for whom); each shop
before it plans, in proportion between the sides, what the next shop will take plus what
refills the product's part of its lane, less what the lane holds, within the open demand the
buffers downstream do not already cover. Each route's lane of a buffer is sized in
proportion to its products' demand this month. A line serving several routes gives each a
share of its time in proportion to the hours planned for it, and a route's stage runs at that
share of the line's full speed until it has done its plan (`flow`).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable

from sim.model.breakdowns import Downtime
from sim.model.flow import flow
from sim.model.plan import Item, Want
from sim.model.state import Line, Plant

#: (line, available hours, wants, last shop?) -> the line's plan
Planner = Callable[[Line, float, list[Want], bool], list[Item]]


class Shops:
    """One plant's shops in series: its routes and the vehicles in each product's lanes."""

    def __init__(self, plant: Plant):
        self.plant = plant
        self.wip = {i: [0.0] * len(plant.buffers) for i in plant.routes}  # vehicles in each lane, per product
        self.lane: list[list[float]] = []  # (buffer, route) lane sizes
        self.resize([0.0] * (max(plant.routes, default=-1) + 1))

    def pipeline(self, i: int, stage: int, tail: list[float]) -> float:
        """Good vehicles product i's lanes after `stage` will still deliver (`tail`: `tails` of
        the good shares at each stage of its route)."""
        total = 0.0
        wip = self.wip[i]
        for s in range(stage, len(tail) - 2):  # lane s lies after stage s
            total += wip[s] * tail[s + 1]
        return total

    def plan(
        self,
        available: dict[str, float],
        open_demand: list[float],
        want: Callable[[Line, int, float], Want],
        good: Callable[[int], list[float]],
        planner: Planner,
    ) -> dict[str, list[Item]]:
        """Every line's plan, last shop first. `open_demand[i]` is product i's open demand
        (good vehicles); `want(line, i, vehicles)` a product's want of `vehicles` on a line;
        `good(i)` the good share at each stage of its route."""
        plant = self.plant
        plans: dict[str, list[Item]] = {}
        started: dict[tuple[int, int], float] = {}  # (stage, product) -> planned starts
        last = len(plant.stages) - 1
        goods = {i: good(i) for i in plant.routes}
        tail_of = {i: tails(g) for i, g in goods.items()}
        for s in range(last, -1, -1):
            lanes = self._lanes(s, started) if s < last else {}
            for line in plant.stages[s]:
                wants = []
                for i in line.products:
                    tail = tail_of[i]
                    # (the conditionals are max(0.0, x) and min(vehicles, y) without builtins' calls)
                    x = open_demand[i] - self.pipeline(i, s, tail)
                    vehicles = (x if x > 0.0 else 0.0) / tail[s]
                    if s < last and lanes[i] < math.inf:
                        x = started.get((s + 1, i), 0.0) + lanes[i] - self.wip[i][s]
                        y = (x if x > 0.0 else 0.0) / goods[i][s]
                        if y < vehicles:
                            vehicles = y
                    if vehicles > 1e-12:
                        wants.append(want(line, i, vehicles))
                items = planner(line, available[line.name], wants, s == last) if wants else []
                plans[line.name] = items
                for item in items:
                    started[(s, item.product)] = item.started
        return plans

    def resize(self, demand: list[float]) -> None:
        """Size each route's lane of every buffer in proportion to its products' `demand` this
        month (equal shares while no route has any)."""
        groups = self.plant.groups
        weights = [sum(demand[i] for i in g) for g in groups]
        total = sum(weights)
        shares = [w / total for w in weights] if total > 0 else [1 / len(groups)] * len(groups)
        self.lane = [[size * share if size < math.inf else math.inf for share in shares] for size in self.plant.buffers]

    def _lanes(self, s: int, started: dict[tuple[int, int], float]) -> dict[int, float]:
        """Each product's part of its route's lane of the buffer after stage s, in proportion to
        what the stage after it plans to take of it."""
        out = {}
        for g, lane in zip(self.plant.groups, self.lane[s], strict=True):
            taken = [started.get((s + 1, i), 0.0) for i in g]
            total = sum(taken)
            for i, t in zip(g, taken, strict=True):
                out[i] = lane * (t / total if total > 0 else 1 / len(g))
        return out

    def run(
        self,
        plans: dict[str, list[Item]],
        cut: list[float] | None,
        downs: dict[str, list[tuple[float, float]]],
        good: Callable[[int], list[float]],
        o0: float,
        o1: float,
    ) -> dict[tuple[str, int], tuple[float, Item]]:
        """Let every route flow over the open hours [o0, o1]; returns (line, product) -> (vehicles
        through, its plan item), and fills `self.idle[line] = [busy, starved, blocked]` hours."""
        plant = self.plant
        self.idle = {line.name: [0.0, 0.0, 0.0] for stage in plant.stages for line in stage}
        hours = {name: sum([it.started * it.each for it in plans[name]]) for name in self.idle}
        out: dict[tuple[str, int], tuple[float, Item]] = {}
        for r, g in enumerate(plant.groups):
            route = plant.routes[g[0]]
            rows = [{it.product: it for it in plans[ln.name] if it.product in g} for ln in route]
            if not any(rows):
                continue
            n = len(route)
            goods = {i: good(i) for i in g}
            rates, targets, mixes, stage_good = [], [], [], []
            for s, (ln, row) in enumerate(zip(route, rows, strict=True)):
                started = [it.started for it in row.values()]
                # While up, a stage runs at its route's share of the line's time at full speed.
                h = hours[ln.name]
                rates.append(sum(started) / h if h > 0 else 0.0)
                if s == 0 and cut is not None:
                    started = [v * cut[i] for i, v in zip(row, started, strict=True)]
                target = sum(started)
                targets.append(target)
                mix = [v / target for v in started] if target > 0 else []  # nothing to split
                mixes.append(mix)
                stage_good.append(sum([m * goods[i][s] for i, m in zip(row, mix, strict=False)]) or 1.0)
            levels = [sum([self.wip[i][s] for i in g]) for s in range(n - 1)]
            caps = [level if level > self.lane[s][r] else self.lane[s][r] for s, level in enumerate(levels)]  # (max)
            result = flow(rates, [downs[ln.name] for ln in route], levels, caps, o0, o1, stage_good, targets)
            for s, (ln, row, mix) in enumerate(zip(route, rows, mixes, strict=True)):
                h = hours[ln.name]
                share = sum([it.started * it.each for it in row.values()]) / h if h else 0.0
                idle = self.idle[ln.name]
                idle[1] += result.starved[s] * share
                idle[2] += result.blocked[s] * share
                through = result.processed[s]
                for (i, it), m in zip(row.items(), mix, strict=False):
                    done = through * m
                    idle[0] += done * (it.each - it.changeover)
                    out[(ln.name, i)] = (done, it)
                    if s < n - 1:
                        self.wip[i][s] += done * goods[i][s]
                    if s > 0:
                        self.wip[i][s - 1] -= done
            # Rounding in the split back: the products' lanes add up to the route's exactly.
            # (w if not w < 0.0 else 0.0 is max(w, 0.0) without a builtin's call)
            for s in range(n - 1):
                kept = [w if not (w := self.wip[i][s]) < 0.0 else 0.0 for i in g]
                held = sum(kept)
                for i, w in zip(g, kept, strict=True):
                    self.wip[i][s] = w * (result.levels[s] / held) if held > 0 else 0.0
        return out


def tails(good: list[float]) -> list[float]:
    """The share of a vehicle started at each stage of a route that ends good (`good`: the good
    share at each stage; 1 after the last)."""
    return [math.prod(good[s:]) for s in range(len(good) + 1)]


def within(down: Downtime, o0: float, o1: float) -> list[tuple[float, float]]:
    """A line's breakdowns between open hours o0 and o1, clipped to them."""
    first = bisect.bisect_right(down.ends, o0)  # the first one not over by o0
    last = bisect.bisect_left(down.starts, o1, first)  # ... and the first one not begun by o1
    out = list(zip(down.starts[first:last], down.ends[first:last], strict=True))
    if out:  # only the first can begin before o0 and only the last end after o1
        a, b = out[0]
        if a < o0:
            out[0] = (o0, b)
        a, b = out[-1]
        if b > o1:
            out[-1] = (a, o1)
    return out
