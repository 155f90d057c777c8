"""A run without the contract, started from the full run's state where the two are still one.

Until the contract first changes anything in a replication, the run without it books what
the full run books, number for number: the same failures, the same demand for the owner's
products, the same calendars, and a plan that gives the owner's products the same hours
(every policy gives the owner alone `min(hours, need)` to the last bit, and the customer
needs nothing before SOP). So that stretch need not be simulated twice: the full run keeps
its state at the last month start before the contract can matter (`Batch.snapshot`), and the
run without the contract starts there (`Batch.resume`), after the full run's records before it.

What can make the two differ, and so ends the shared stretch: the SOP (the customer's orders
and rate), the first open hour at which a line's failures, closed, overtime or claimed hours
part between them (a launch milestone claiming its hours, moving its working time,
commissioning or retiring it), and a speed change one has and the other has not (a
milestone's). Plants of shops in series and runs booked at extra instants are not shared.
The full run's own check at the instant (no orders, kits or rate for the customer yet)
refuses a state that is not the owner's alone; the run without the contract then simulates
from the start, as it would anyway.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator

import simpy

from sim.model.batch import Batch
from sim.model.intervals import Intervals
from sim.model.simulation import Simulation


def shared_until(full: Simulation, other: Simulation) -> float:
    """The month start up to which `other` (the scenario without the contract) books exactly
    what `full` books (0.0: none but the first, nothing to share)."""
    a, b = full.model, other.model
    if not (isinstance(a, Batch) and isinstance(b, Batch)) or a.book_every or b.book_every or a.shops or b.shops:
        return 0.0
    if a.setup.calendars != b.setup.calendars or a.setup.deliveries != b.setup.deliveries:
        return 0.0  # (the same plants and chip supply: built once and shared, so never here)
    index = {pid: i for i, pid in enumerate(a.ledger.products)}
    if any(a.demand[index[pid]] != b.demand[j] for j, pid in enumerate(b.ledger.products)):
        return 0.0
    months = a.setup.months
    until = months[-1].end_hour if full.sop is None else full.sop
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


def start_from(full: Simulation, records: list[tuple], start: int, other: Simulation, into: list[tuple]) -> None:
    """After the full run: start `other` from the state it kept, with its `records` before
    then (from index `start`: those made before it ran, its launch milestones, are its own)
    put `into` other's; nothing if it kept none."""
    kept = full.model.kept if isinstance(full.model, Batch) else None
    model = other.model
    if kept is None or not isinstance(model, Batch):
        return
    # The full run's records are those before the kept instant, then the others: the first at
    # or after it ends them.
    into.extend(records[start : bisect.bisect_left(records, kept.hour, lo=start, key=operator.itemgetter(0))])
    other.env = model.env = simpy.Environment(initial_time=kept.hour)
    model.resume(kept)
    other.speeds = [c for c in other.speeds if c[0] > kept.hour]  # the earlier ones are in its speeds


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
