"""Allocation policies: how a shared line's open hours are split between owner and customer.

Needs are in line-hours: the hours it would take to clear each side's open demand at its
current rate. A policy never gives a side more than it needs, and never leaves hours idle
that a side with open demand could use (the reserve is protected, not wasted: unused
reserve is borrowed by the other side).
"""

from __future__ import annotations


def split(policy: str, hours: float, owner_need: float, customer_need: float, reserve: float) -> tuple[float, float]:
    """(owner hours, customer hours) out of `hours`; `reserve` is the customer's share for reserved_share."""
    if policy == "owner_first":
        owner = min(hours, owner_need)
        return owner, min(hours - owner, customer_need)
    if policy == "customer_first":
        customer = min(hours, customer_need)
        return min(hours - customer, owner_need), customer
    if policy == "proportional":
        total = owner_need + customer_need
        if total <= hours:
            return owner_need, customer_need
        return hours * owner_need / total, hours * customer_need / total
    if policy == "reserved_share":
        reserved = reserve * hours
        customer = min(customer_need, reserved)
        owner = min(owner_need, hours - reserved)
        # Each side borrows what the other leaves unused; at most one side has any left over.
        spare = hours - owner - customer
        owner += min(spare, owner_need - owner)
        spare = hours - owner - customer
        customer += min(spare, customer_need - customer)
        return owner, customer
    raise ValueError(f"unknown policy {policy!r}")
