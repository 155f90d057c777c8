"""The contract between the plant's owner and its customer, as the vehicle-level lines apply it.

Two questions: how many of a line's hours each side would get over a period (the kit plan
asks it), and whose vehicle a line takes next when both sides could go (the sequencing asks
it). Both follow docs/model.md, "Allocation between owner and customer" and "The
vehicle-level model", and are written here independently of the batch model's policy code,
so that the cross-check compares two readings of the same page.

- `owner_first` / `customer_first`: the priority side whenever it can go.
- `proportional`: hours in proportion to need; vehicle by vehicle, the side that has cleared
  the smaller share of its need since the last demand release.
- `reserved_share`: the customer's reserve `s` of a line's hours (a share, or units per month
  turned into the share of the month's last-shop line hours they take at today's rate);
  vehicle by vehicle, the customer while its hours on the line this month are below `s` times
  the line's up hours so far this month (in the SOP month: since SOP), else the owner, else
  the customer.

Every rule is work-conserving: a side that cannot go never holds the line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.calendar import Month
from sim.model.recorder import Kind, Sink
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.model.vehicle.lines import Line
    from sim.model.vehicle.orders import Orders


def split(policy: str, hours: float, owner: float, customer: float, share: float) -> tuple[float, float]:
    """(owner hours, customer hours) of `hours` for sides needing `owner` and `customer` hours."""
    if policy == "owner_first":
        h_owner = min(hours, owner)
        return h_owner, min(hours - h_owner, customer)
    if policy == "customer_first":
        h_customer = min(hours, customer)
        return min(hours - h_customer, owner), h_customer
    if policy == "proportional":
        total = owner + customer
        if total <= hours:
            return owner, customer
        return hours * owner / total, hours * customer / total
    if policy == "reserved_share":
        h_customer = min(customer, share * hours)
        h_owner = min(owner, (1.0 - share) * hours)
        # What one side leaves of its part, the other borrows (at most one side has hours left).
        spare = hours - h_owner - h_customer
        more = min(spare, owner - h_owner)
        h_owner += more
        h_customer += min(spare - more, customer - h_customer)
        return h_owner, h_customer
    raise ValueError(f"unknown policy {policy!r}")


class Contract:
    """The contract's policy and the customer's current reserve."""

    def __init__(self, scenario: Scenario, last_lines: list[Line], months: list[Month]):
        c = scenario.contract
        self.policy = c.policy if c is not None else "owner_first"
        self.fixed = c.reserved_share if c is not None and c.policy == "reserved_share" else None
        self.units = c.reserved_units_per_month if c is not None and c.policy == "reserved_share" else None
        self.share = self.fixed or 0.0  # s: the customer's reserved share of a shared line's hours
        self.last_lines = last_lines  # lines of a last shop that build the customer's products
        self.available = [[line.up_at(m.end_hour) - line.up_at(m.start_hour) for m in months] for line in last_lines]
        self.open = [
            [line.open_until(m.end_hour) - line.open_until(m.start_hour) for m in months] for line in last_lines
        ]
        self.month = 0

    def update(self, orders: Orders) -> None:
        """Turn reserved units per month into this month's share at today's rates and yields."""
        if self.units is None:
            return
        capacity = 0.0
        for line, hours in zip(self.last_lines, self.available, strict=True):
            # Good vehicles per line hour of the customer's best product: rate x good share / passes.
            best = max((orders.good_per_pass(p) * orders.rate[p] for p in line.customer), default=0.0)
            capacity += line.jph * hours[self.month] * best
        self.share = min(1.0, self.units / capacity) if capacity > 0 else 0.0

    def promise(self, t0: float, t1: float, orders: Orders, record: Sink) -> None:
        """Record the good vehicles the reserve promises the customer over [t0, t1) (no instant
        changes a rate inside it): the reserved share of the open hours of its last-shop lines,
        at today's rates and yields. Against these the contract counts the owner's shortfall."""
        if self.fixed is None and self.units is None:
            return
        best = [
            max((orders.good_per_pass(p) * orders.rate[p] for p in line.customer), default=0.0)
            for line in self.last_lines
        ]
        share = self.fixed
        if share is None:  # units a month: their share of the month's open hours (not only the up ones)
            capacity = sum(
                line.jph * hours[self.month] * b
                for line, hours, b in zip(self.last_lines, self.open, best, strict=True)
            )
            share = min(1.0, self.units / capacity) if capacity > 0 else 0.0
        for line, b in zip(self.last_lines, best, strict=True):
            promised = share * (line.open_until(t1) - line.open_until(t0)) * line.jph * b
            if promised > 0:
                record((t0, Kind.RESERVED, line.name, "", promised))

    def customer_next(self, line: Line, owner_can: bool, customer_can: bool, orders: Orders) -> bool:
        """Whether `line` takes the customer's vehicle next (given which sides can go)."""
        if not customer_can:
            return False
        if not owner_can:
            return True
        policy = self.policy
        if policy == "owner_first":
            return False
        if policy == "customer_first":
            return True
        if policy == "proportional":
            need0 = orders.need0
            owner_need = sum(need0[p] for p in line.owner)
            customer_need = sum(need0[p] for p in line.customer)
            # Shares after taking one more: the side further behind goes (ties: the owner).
            owner_share = (line.done[0] + 1) / owner_need if owner_need > 0 else float("inf")
            customer_share = (line.done[1] + 1) / customer_need if customer_need > 0 else float("inf")
            return customer_share < owner_share
        # reserved_share: up hours count from the month's start, or from SOP in the SOP month
        # (before SOP the reserve is free for the owner, as in the batch's booking from SOP).
        return line.customer_hours < self.share * (line.u - line.reserve_from)
