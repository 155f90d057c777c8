"""The SimPy processes of a replication: the instants at which what decides production changes.

Demand is released at every month's start (and old demand lost); at SOP the contract's
products get their orders and start to ramp up; each ramp or yield-learning step changes a
rate. Before each change the production model books the batch since the last instant at the
old state. Shift edges and breakdowns are not here: open and down hours are arithmetic on
the calendar and on failures drawn before the run.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Protocol

import simpy

from sim.model import ramp
from sim.model.calendar import HOURS_PER_DAY, Month
from sim.scenario.products import Product


class Production(Protocol):
    """What the processes drive: a model that books batches and takes changes of state."""

    def book(self) -> None:
        """Book production since the last booking instant, up to now."""

    def new_month(self, k: int) -> None:
        """Month k starts: lose demand that waited too long, release the month's demand."""

    def sop(self, k: int, share_left: float) -> None:
        """SOP in month k: the contract products get orders (`share_left` of month k's) and a rate."""

    def set_rate(self, i: int, value: float) -> None:
        """Product i's share of line speed changes."""

    def set_yield(self, i: int, value: float) -> None:
        """Product i's first-pass yield changes."""

    def set_speed(self, k: int, jph: float) -> None:
        """Line k's rated speed changes (book what came before at the old one first)."""


def months(
    env: simpy.Environment, model: Production, months: list[Month], first: int = 0
) -> Generator[simpy.Event, None, None]:
    """At each month's start from month `first`, book the month before, then start the month;
    book at the horizon."""
    for k in range(first, len(months)):
        yield env.timeout(months[k].start_hour - env.now)
        model.book()
        model.new_month(k)
    yield env.timeout(months[-1].end_hour - env.now)
    model.book()


def every(env: simpy.Environment, model: Production, hours: float, end: float) -> Generator[simpy.Event, None, None]:
    """Book every `hours` clock hours as well (results must not depend on it)."""
    while env.now + hours < end:
        yield env.timeout(hours)
        model.book()


def launch(
    env: simpy.Environment,
    model: Production,
    sop_hour: float,
    months: list[Month],
    products: list[Product],
    customer: list[bool],
) -> Generator[simpy.Event, None, None]:
    """At SOP, open the contract products' orders; then step their speed and yield up."""
    yield env.timeout(sop_hour - env.now)
    model.book()
    k, month = next((k, m) for k, m in enumerate(months) if m.start_hour <= sop_hour < m.end_hour)
    model.sop(k, (month.end_hour - sop_hour) / (month.end_hour - month.start_hour))
    changes: list[tuple[float, int, int, float]] = []  # (hour, product, 0 rate / 1 yield, value)
    for i, p in enumerate(products):
        if not customer[i]:
            continue
        if p.ramp:
            changes += [(sop_hour + d * HOURS_PER_DAY, i, 0, v) for d, v in ramp.steps(p.ramp)]
        if p.yield_learning:
            step = p.ramp.step_days if p.ramp else 7
            steps = ramp.yield_steps(p.yield_learning, p.first_pass_yield, step)
            changes += [(sop_hour + d * HOURS_PER_DAY, i, 1, v) for d, v in steps]
    horizon = months[-1].end_hour
    for when, i, what, value in sorted(changes):
        if when >= horizon:
            return
        if when > env.now:
            yield env.timeout(when - env.now)
            model.book()
        if what == 0:
            model.set_rate(i, value)
        else:
            model.set_yield(i, value)


def speeds(
    env: simpy.Environment, model: Production, changes: Sequence[tuple[float, int, float]]
) -> Generator[simpy.Event, None, None]:
    """At each (hour, line, jph) in time order, the line's rated speed changes."""
    for hour, k, jph in changes:
        if hour > env.now:
            yield env.timeout(hour - env.now)
            model.book()
        model.set_speed(k, jph)
