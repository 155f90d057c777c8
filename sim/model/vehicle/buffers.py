"""Buffers between shops, their lanes, and how a line after the first shop takes its input.

Between two shops each route (the products that follow the same line in every shop) has a
*lane* of the buffer, first in first out, like the lanes of a painted-body store. Lanes are
sized in proportion to each route's products' demand this month (equal shares while no route
has any), in whole vehicles that add up to the buffer's size, at every release of demand. A line that
finishes a vehicle puts it into its lane of the next buffer; while the lane is full the line
*blocks* holding the vehicle (with no buffer at all, until the next line takes it from its
hands). A line *starves* while no vehicle routed to it waits at the head of any of its
lanes in. A line fed by several lanes (a paint shop after two body lines) takes the head of
the lane of its current family while its campaign lasts, else the oldest head: it merges in
campaigns, as the first shop releases them. Two choices the page leaves open are made here:
a merge line never takes a vehicle that cannot move on (its lane out is full): it waits,
blocked, for room or another vehicle (else it would block holding it while the line after
another route starves); and where the heads
belong to both sides of the contract (a shared line fed by a customer's own line), the
contract chooses the side first, since no first-shop line sees the other side there.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable

import simpy

from sim.model.vehicle.contract import Contract
from sim.model.vehicle.lines import Line
from sim.model.vehicle.orders import Orders


class Lane:
    """One route's lane of one buffer: vehicles stored, and one held by the line feeding it."""

    __slots__ = ("cap", "feeder", "held", "line", "order", "products", "stored")

    def __init__(self, line: Line, order: itertools.count, products: list[int]):
        self.line = line  # the line it feeds
        self.products = products  # its route's
        self.feeder: Line | None = None  # the line that feeds it
        self.order = order  # arrival numbers, shared by the plant's lanes: "oldest" across lanes
        self.cap = math.inf  # vehicles it stores
        self.stored: deque[tuple[int, int]] = deque()  # (arrival, product)
        self.held: tuple[int, int, simpy.Event] | None = None  # (arrival, product, unblocks the feeder)

    def __len__(self) -> int:
        return len(self.stored) + (self.held is not None)

    def put(self, p: int) -> simpy.Event | None:
        """A finished vehicle of p arrives; returns the event that unblocks its line if the lane is full."""
        n = next(self.order)
        blocked: simpy.Event | None = None
        if len(self.stored) < self.cap:
            self.stored.append((n, p))
        else:
            blocked = self.line.env.event()
            self.held = (n, p, blocked)
        arrival = self.line.arrival
        if arrival is not None:  # the line it feeds is waiting for input
            self.line.arrival = None
            arrival.succeed()
        return blocked

    def take(self) -> int:
        """Remove the head; a held vehicle moves up (or is taken from its line's hands)."""
        if self.stored:
            p = self.stored.popleft()[1]
            self._admit()
            feeder = self.feeder
            if feeder is not None and feeder.arrival is not None:  # waiting for room to move on
                arrival, feeder.arrival = feeder.arrival, None
                arrival.succeed()
            return p
        assert self.held is not None
        p = self.held[1]
        unblock = self.held[2]
        self.held = None
        unblock.succeed()
        return p

    def _admit(self) -> None:
        if self.held is not None and len(self.stored) < self.cap:
            n, p, unblock = self.held
            self.stored.append((n, p))
            self.held = None
            unblock.succeed()


class Buffer:
    """The buffer after one shop: its size and a lane per route."""

    def __init__(self, size: float, lanes: list[Lane]):
        self.size = size
        self.lanes = lanes
        self.resize([0.0] * (1 + max(p for lane in lanes for p in lane.products)))

    def resize(self, demand: list[float]) -> None:
        """Lanes in proportion to their routes' `demand` (equal while none), whole vehicles summing to the size."""
        if math.isinf(self.size):
            return
        weights = [sum(demand[p] for p in lane.products) for lane in self.lanes]
        total = sum(weights)
        weights = [w / total for w in weights] if total > 0 else [1 / len(weights)] * len(weights)
        whole = int(self.size + 1e-9)
        exact = [whole * w for w in weights]
        caps = [int(x) for x in exact]
        # The vehicles rounding leaves over go to the largest remainders.
        for i in sorted(range(len(caps)), key=lambda i: caps[i] - exact[i])[: whole - sum(caps)]:
            caps[i] += 1
        for lane, cap in zip(self.lanes, caps, strict=True):
            lane.cap = cap
            lane._admit()


class Intake:
    """The source of a line after the first shop: the heads of its lanes in."""

    def __init__(self, orders: Orders, contract: Contract):
        self.orders = orders
        self.contract = contract

    def wait(self, line: Line) -> simpy.Event:
        line.arrival = line.env.event()
        return line.arrival

    def picker(self, line: Line) -> Callable[[], int]:
        """The function that takes `line`'s next vehicle from its lanes in (its product, or -1)."""
        lanes = line.lanes_in
        if len(lanes) == 1:  # one route in: first in, first out
            lane = lanes[0]
            return lambda: lane.take() if lane.stored or lane.held is not None else -1
        orders, contract = self.orders, self.contract
        customer, families, out, last = orders.customer, line.families, line.lanes_out, line.last
        later = 1 << 40  # arrival numbers stay far below this

        def merge() -> int:
            # Preferences in order: a vehicle that can move on (its lane out has room; none that
            # cannot is taken), then one of the current family while the campaign lasts, then the contract's side if both sides
            # are left, then the oldest. One pass ranks each lane's head by the first two and its
            # arrival, keeping the best of each side.
            campaign = line.campaign and line.family is not None and line.run_length < line.campaign
            family = line.family
            best: list[Lane | None] = [None, None]
            key = [0, 0]
            for lane in lanes:
                if lane.stored:
                    n, p = lane.stored[0]
                elif lane.held is not None:
                    n, p = lane.held[0], lane.held[1]
                else:
                    continue
                rank = n
                if not last:
                    ahead = out[p]
                    if ahead.held is not None or len(ahead.stored) >= ahead.cap:
                        rank += 2 * later
                if campaign and families[p] != family:
                    rank += later
                side = customer[p]
                if best[side] is None or rank < key[side]:
                    best[side], key[side] = lane, rank
            owner, client = best
            # Nothing waiting can move on: wait for room (or another vehicle) rather than take one
            # and block holding it while the other route's next line starves.
            waiting = [k for b, k in zip(best, key, strict=True) if b is not None]
            line.stuck = not last and bool(waiting) and min(waiting) >= 2 * later
            if line.stuck:
                return -1
            if owner is None:
                return client.take() if client is not None else -1
            if client is None:
                return owner.take()
            if key[0] // later == key[1] // later:  # both sides are left after the first two: the contract
                return (client if contract.customer_next(line, True, True, orders) else owner).take()
            return (owner if key[0] < key[1] else client).take()

        return merge
