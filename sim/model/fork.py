"""A run without the contract, started from the full run's state where the two are still one.

Until the contract first changes anything in a replication, the run without it books what
the full run books, number for number: the same failures, the same demand for the owner's
products, the same calendars, and a plan that gives the owner's products the same hours
(every policy gives the owner alone `min(hours, need)` to the last bit, and the customer
needs nothing before SOP). So that stretch need not be simulated twice: the full run keeps
its state at the last month start before the contract can matter (`Batch.snapshot`), and the
run without the contract starts there (`Batch.resume`): its months before then are the full
run's.

What can make the two differ, and so ends the shared stretch: the SOP (the customer's orders
and rate), the first open hour at which a line's failures, closed, overtime or claimed hours
part between them (a launch milestone claiming its hours, moving its working time,
commissioning or retiring it), a speed change one has and the other has not (a
milestone's), and in a plant of shops in series a month the owner has no demand in it (its
buffers are then split equally among its routes, one more of them in the full run). Such a
plant where the customer's products share a route with the owner's is not shared, nor are
runs booked at extra instants.
The full run's own check at the instant (no orders, kits or rate for the customer yet)
refuses a state that is not the owner's alone; the run without the contract then simulates
from the start, as it would anyway.
"""

from __future__ import annotations

import itertools
import math

import simpy

from sim.model.batch import Batch
from sim.model.calendar import Month
from sim.model.intervals import Intervals
from sim.model.simulation import Simulation


def shared_until(full: Simulation, other: Simulation) -> float:
    """The month start up to which `other` (the scenario without the contract) books exactly
    what `full` books (0.0: none but the first, nothing to share)."""
    a, b = full.model, other.model
    if not (isinstance(a, Batch) and isinstance(b, Batch)) or a.book_every or b.book_every:
        return 0.0
    if a.setup.calendars != b.setup.calendars or a.setup.deliveries != b.setup.deliveries:
        return 0.0  # (the same plants and chip supply: built once and shared, so never here)
    index = {pid: i for i, pid in enumerate(a.ledger.products)}
    if any(a.demand[index[pid]] != b.demand[j] for j, pid in enumerate(b.ledger.products)):
        return 0.0
    months = a.setup.months
    until = months[-1].end_hour if full.sop is None else full.sop
    for shops in a.shops.values():
        until = min(until, _lanes_apart(a, shops.plant.groups, months))
    for x, y in zip(a.state.lines, b.state.lines, strict=True):  # (the same lines, in the same places)
        # From the open hour where the hours it loses (down, closed, overtime, claimed) part.
        o = min(_apart(x.off, y.off), _apart(x.closed, y.closed), _apart(x.overtime, y.overtime))
        for taken, _ in x.claims + y.claims:
            o = min(o, taken.starts[0]) if taken.starts else o
        if o < math.inf:
            until = min(until, a.setup.calendars[x.plant].time_at(o))
    for x, y in itertools.zip_longest(full.speeds, other.speeds):
        if x != y:  # the first speed change only one of them has
            until = min(until, *(c[0] for c in (x, y) if c is not None))
            break
    # A month start with a speed change at it too is left out: which of the two the full run
    # took first at that instant is SimPy's order, which a resumed run would not repeat.
    changes = {c[0] for c in other.speeds}
    return max((m.start_hour for m in months[1:] if m.start_hour <= until and m.start_hour not in changes), default=0.0)


def share(full: Simulation, other: Simulation) -> bool:
    """Have the full run keep its state where what it shares with `other` ends (if it shares
    anything: returns whether)."""
    hour = shared_until(full, other)
    if hour:
        assert isinstance(full.model, Batch)  # (`shared_until` shares only batch runs)
        full.model.keep_at = hour
    return bool(hour)


def start_from(full: Simulation, other: Simulation) -> float:
    """After the full run: start `other` from the state it kept; returns the hour it starts
    at (0.0: from the start, where it kept none). Before that hour, `other`'s records would be
    the full run's, one for one."""
    kept = full.model.kept if isinstance(full.model, Batch) else None
    model = other.model
    if kept is None or not isinstance(model, Batch):
        return 0.0
    other.env = model.env = simpy.Environment(initial_time=kept.hour)
    model.resume(kept)
    other.speeds = [c for c in other.speeds if c[0] > kept.hour]  # the earlier ones are in its speeds
    return kept.hour


def _lanes_apart(a: Batch, groups: list[list[int]], months: list[Month]) -> float:
    """The first month start from which a plant of shops in series may share its buffers out
    otherwise without the contract (0.0: from the start; inf: not before SOP).

    Its buffers go to routes in proportion to their products' demand, and a route's lane to its
    products in proportion to what the next shop takes. The customer's products, with neither
    before SOP, change neither split, but where a split falls back on equal shares because no
    one has any: the routes' in a month the owner has no demand in the plant, and a route's
    products' where the next shop takes none of them, which matters only on a route the
    customer shares with the owner."""
    customer = a.customer
    if not any(customer[i] for g in groups for i in g):
        return math.inf  # the same routes in both runs
    if any(customer[i] for g in groups for i in g if not all(customer[j] for j in g)):
        return 0.0
    owner = [i for g in groups for i in g if not customer[i]]
    return next((m.start_hour for k, m in enumerate(months) if not sum(a.demand[i][k] for i in owner)), math.inf)


def _apart(x: Intervals | None, y: Intervals | None) -> float:
    """The point from which two intervals' measures may differ (inf: they are the same ones,
    drawn once and shared, or equal; None is none at all)."""
    if x is y:
        return math.inf
    xs, xe = (x.starts, x.ends) if x is not None else ([], [])
    ys, ye = (y.starts, y.ends) if y is not None else ([], [])
    if xs == ys and xe == ye:
        return math.inf
    # The first interval that is not in both: up to its start both measure the same.
    pairs = zip(zip(xs, xe, strict=True), zip(ys, ye, strict=True), strict=False)
    k = next((k for k, (p, q) in enumerate(pairs) if p != q), min(len(xs), len(ys)))
    return min(s[k] for s in (xs, ys) if k < len(s))
