"""Allocation policies: how a shared line's hours are split between owner and customer.

Needs are in line-hours: the hours it would take to clear each side's open demand at its
current rate. A policy never gives a side more than it needs, and never leaves hours idle
that a side with open demand could use (a reserve is protected, not wasted: what the
customer leaves of it is borrowed by the owner). The owner alone (the customer needs nothing)
gets `min(hours, need)` under every policy, to the last bit: the run without the contract
then plans the owner's products exactly as the full run does until the customer needs hours
(`sim.model.fork`). `POLICIES` is the one registry: the scenario's `contract.policy`
choices are its keys.
"""

from __future__ import annotations

from collections.abc import Callable

#: (hours, owner need, customer need, customer's reserved share) -> (owner hours, customer hours)
Split = Callable[[float, float, float, float], tuple[float, float]]

POLICIES: dict[str, Split] = {}


def _policy(name: str) -> Callable[[Split], Split]:
    def register(split: Split) -> Split:
        POLICIES[name] = split
        return split

    return register


@_policy("owner_first")
def owner_first(hours: float, owner: float, customer: float, reserve: float) -> tuple[float, float]:
    """The owner's need first; the customer gets what is left."""
    h_owner = min(hours, owner)
    return h_owner, min(hours - h_owner, customer)


@_policy("customer_first")
def customer_first(hours: float, owner: float, customer: float, reserve: float) -> tuple[float, float]:
    """The customer's need first; the owner gets what is left."""
    h_customer = min(hours, customer)
    return min(hours - h_customer, owner), h_customer


@_policy("reserved_share")
def reserved_share(hours: float, owner: float, customer: float, reserve: float) -> tuple[float, float]:
    """The customer's reserve (a share of the hours) is protected; each side borrows what the other leaves."""
    if not customer:  # (h - r*h) + r*h below may round off h
        return min(hours, owner), 0.0
    reserved = reserve * hours
    h_customer = min(customer, reserved)
    h_owner = min(owner, hours - reserved)
    # At most one side has hours left over; the other may take them.
    h_owner += min(hours - h_owner - h_customer, owner - h_owner)
    h_customer += min(hours - h_owner - h_customer, customer - h_customer)
    return h_owner, h_customer


@_policy("proportional")
def proportional(hours: float, owner: float, customer: float, reserve: float) -> tuple[float, float]:
    """Hours in proportion to each side's need: both clear the same share of their open demand."""
    if not customer:  # h * o / o may round off h
        return min(hours, owner), 0.0
    return by_need(hours, owner, customer, reserve)


def by_need(hours: float, owner: float, customer: float, reserve: float = 0.0) -> tuple[float, float]:
    """Hours in proportion to need, the two sides alike: the lines before a plant's last shop,
    where no contract applies (not a contract policy)."""
    total = owner + customer
    if total <= hours:
        return owner, customer
    return hours * owner / total, hours * customer / total


def split(policy: str, hours: float, owner_need: float, customer_need: float, reserve: float) -> tuple[float, float]:
    """(owner hours, customer hours) out of `hours` by `policy`; `reserve` is the customer's share."""
    try:
        rule = POLICIES[policy]
    except KeyError:
        raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}") from None
    return rule(hours, owner_need, customer_need, reserve)
