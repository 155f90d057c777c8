"""When each line works, in one replication: its shifts, its life, and the time launch milestones claim.

A line works its plant's shifts, changed by its own shift changes (from a day, or from the
day after a milestone completes), from its commissioning (from the start if it has none) to
its retirement, less the time launch milestones claim from it: a tooling installation shuts
it while the milestone runs, and pilot builds take a number of its working hours from the
milestone's start. A milestone's day is the replication's; without a launch program (the
counterfactual without the contract) nothing tied to a milestone happens: a line commissioned
at a milestone never builds, a change at one never comes.

The plant's open-hour axis is the model's (`Setup.calendars`: open whenever one of its
lines may work); a line's working time is kept there as the open hours it does *not* work
(`closed`), and its failures as the open hours they cover. Failures count the line's own
running time (`breakdowns`): they are drawn on its working time, so a closed line does not
age, then laid on the plant's axis. A line that works every open hour of its plant keeps
the plant's axis for its failures too, as before any of this.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from sim.model import breakdowns
from sim.model.calendar import HOURS_PER_DAY, Calendar
from sim.model.intervals import Intervals
from sim.model.setup import Setup
from sim.scenario import Scenario
from sim.scenario.calendar import PatternChange
from sim.scenario.plant import Line as LineSpec

Spans = list[tuple[float, float]]


@dataclass
class Worktime:
    """A line's working time in one replication, on its plant's open-hour axis."""

    closed: Intervals  # open hours of the plant the line does not work
    claims: list[tuple[Intervals, str]]  # the open hours each launch milestone takes
    calendar: Calendar  # the line's own working time on the clock (its failures count it)
    overtime: Intervals | None  # of the closed hours, those it may work as overtime (None: no overtime)
    key: tuple  # what it was computed from: the same key, the same working time


def claimed(scenario: Scenario) -> set[int]:
    """Indices of the lines some launch milestone claims time from."""
    program = scenario.program
    if program is None:
        return set()
    refs = [r for m in program.milestones for r in (m.shuts_line, m.pilot_build.line if m.pilot_build else None)]
    return {scenario.line_index(r) for r in refs if r is not None}


def plain(setup: Setup, plant: int, spec: LineSpec, claimed: set[int], k: int) -> bool:
    """Whether line k works every open hour of its plant, whatever the launch program does."""
    return not (
        setup.varies[plant]  # its plant is open when one of its lines may work: overtime, own shifts
        or spec.commissioned
        or spec.retired
        or spec.shift_changes
        or k in claimed
    )


def worktime(
    scenario: Scenario,
    setup: Setup,
    plant: int,
    k: int,
    spec: LineSpec,
    started: dict[str, float],
    finished: dict[str, float],
) -> Worktime:
    """Line k's working time given each milestone's start and finish (clock hours; empty without a program)."""
    calendar = setup.calendars[plant]
    start, end = scenario.meta.start_date, scenario.meta.end_date

    # Its shifts: the plant's pattern with its own changes, each from its day (in order).
    changes: list[tuple[dt.date, PatternChange]] = []
    day = start
    for change in spec.shift_changes:
        if change.first_day is not None:
            when = change.first_day
        elif change.milestone in finished:
            when = start + dt.timedelta(days=math.ceil(finished[change.milestone] / HOURS_PER_DAY))
        else:
            continue
        day = max(day, when)
        changes.append((day, change))
    begin = _hour(spec.commissioned, calendar, finished, 0.0)  # its life: from commissioning to retirement
    stop = _hour(spec.retired, calendar, finished, math.inf)
    program = scenario.program
    claiming = []  # (start, finish, milestone, shuts or pilot hours) of the milestones that claim its time
    if program is not None:
        for n, m in enumerate(program.milestones):
            if m.id not in started:
                continue
            if m.shuts_line is not None and scenario.line_index(m.shuts_line) == k:
                claiming.append((started[m.id], n, finished[m.id], m.id, 0.0))
            if m.pilot_build is not None and scenario.line_index(m.pilot_build.line) == k:
                claiming.append((started[m.id], n, finished[m.id], m.id, m.pilot_build.hours))
    claiming.sort()
    key = ("work", k, tuple(d for d, _ in changes), begin, stop, tuple(claiming))
    # A working time no milestone moves is the same in every replication: kept for the run. One
    # a milestone moves is a replication's own (kept, it would grow with the replications).
    moved = bool(claiming) or any(
        c.milestone in finished for c in [*spec.shift_changes, spec.commissioned, spec.retired] if c is not None
    )
    cached = setup.shifts.get(key)
    if isinstance(cached, Worktime):
        return cached

    work = _spans(scenario, setup, plant, changes, None)
    life = [(-math.inf, begin), (stop, math.inf)]
    extra = _spans(scenario, setup, plant, changes, spec.overtime) if spec.overtime else None
    work = _cut(work, life)
    claims: list[tuple[Spans, str]] = []  # time the launch milestones claim, in the order they start
    for t0, _, t1, milestone, pilot in claiming:
        taken = _first_hours(work, t0, pilot) if pilot else _clip(work, t0, t1)
        claims.append((taken, milestone))
        work = _cut(work, taken)
        if not pilot:
            life = sorted([*life, (t0, t1)])  # no overtime while it is shut

    own = Calendar.of_shifts(start, end, [a for a, _ in work], [b for _, b in work])
    closed = _complement(_on_axis(calendar, work), calendar.shifts.total)
    overtime = None
    if extra is not None:
        worked = _on_axis(calendar, _cut(extra, life))
        overtime = Intervals([a for a, _ in worked], [b for _, b in worked])
    out = Worktime(
        Intervals([a for a, _ in closed], [b for _, b in closed]),
        [(Intervals([a for a, _ in on], [b for _, b in on]), m) for on, m in _claimed(calendar, claims)],
        own,
        overtime,
        key,
    )
    if not moved:
        setup.shifts[key] = out
    return out


def _claimed(calendar: Calendar, claims: list[tuple[Spans, str]]) -> list[tuple[Spans, str]]:
    """Each claim's clock intervals as open hours of the calendar (inside the horizon)."""
    horizon = calendar.shifts.total
    return [([(a, b) for a, b in _on_axis(calendar, taken) if b > a and a < horizon], m) for taken, m in claims]


def _spans(scenario: Scenario, setup: Setup, plant: int, changes: list, overtime: PatternChange | None) -> Spans:
    """Clock intervals of the shifts of the plant's pattern with a line's `changes` (or, with
    `overtime`, of the time that pattern adds to them): those of day d from the calendar with the
    changes in force on d applied throughout (one per number of changes in force, kept for the run)."""
    out: Spans = []
    hour = setup.calendars[plant].hour
    for j in range(len(changes) + 1):
        key = (plant, tuple(id(c) for _, c in changes[:j]), id(overtime))
        spans = setup.shifts.get(key)
        if spans is None:
            start, end = scenario.meta.start_date, scenario.meta.end_date
            prefix = [(start, c) for _, c in changes[:j]]
            spec = scenario.plants[plant].calendar
            shifts = Calendar(spec, start, end, prefix).shifts
            spans = list(zip(shifts.starts, shifts.ends, strict=True))
            if overtime is not None:
                more = Calendar(spec, start, end, prefix, then=overtime).shifts
                spans = _cut(list(zip(more.starts, more.ends, strict=True)), spans)
            setup.shifts[key] = spans
        starts = [a for a, _ in spans]
        lo = bisect.bisect_left(starts, hour(changes[j - 1][0])) if j else 0
        hi = bisect.bisect_left(starts, hour(changes[j][0])) if j < len(changes) else len(starts)
        out += spans[lo:hi]
    return out


def _on_axis(calendar: Calendar, spans: Spans) -> Spans:
    """Clock intervals as intervals of the calendar's open hours."""
    if not spans:
        return []
    ends = _until(calendar, np.array(spans).ravel())
    return list(zip(ends[0::2].tolist(), ends[1::2].tolist(), strict=True))


def _until(calendar: Calendar, t: np.ndarray) -> np.ndarray:
    """`calendar.open_until` of every point of t at once."""
    starts, ends, before, _ = _arrays(calendar)
    i = np.searchsorted(starts, t, side="right") - 1
    inside = np.minimum(t, ends[i]) - starts[i] + before[i]
    return np.where(i >= 0, inside, 0.0)


def _arrays(calendar: Calendar) -> tuple[np.ndarray, ...]:
    """(starts, ends, before, upto) of a calendar's shifts as arrays, kept with the calendar."""
    arrays = calendar.__dict__.get("arrays")
    if arrays is None:
        shifts = calendar.shifts
        arrays = calendar.__dict__["arrays"] = tuple(
            np.asarray(x) for x in (shifts.starts, shifts.ends, shifts.before, shifts.upto)
        )
    return arrays


def off(work: Worktime, down: breakdowns.Downtime, plant: Calendar) -> Intervals:
    """The open hours of the plant in which the line does not build: closed, or down with a
    failure drawn on its own working time (`down`, on its open-hour axis)."""
    if down.starts:
        starts, _, before, upto = _arrays(work.calendar)
        points = np.array([down.starts, down.ends]).T.ravel()
        # The clock at each amount of the line's working hours (Intervals.at, at once).
        i = np.minimum(np.searchsorted(upto, points, side="left"), len(upto) - 1)
        clock = starts[i] + points - before[i]
        on = _until(plant, clock)
        failed = list(zip(on[0::2].tolist(), on[1::2].tolist(), strict=True))
    else:
        failed = []
    union = _union([*zip(work.closed.starts, work.closed.ends, strict=True), *failed])
    return Intervals([a for a, _ in union], [b for _, b in union])


def _hour(when: object, calendar: Calendar, finished: dict[str, float], default: float) -> float:
    """Clock hour of a dated event (its day's 00:00, or its milestone's completion); inf if
    its milestone never comes; `default` if there is none."""
    if when is None:
        return default
    if when.first_day is not None:  # type: ignore[attr-defined]
        return calendar.hour(when.first_day)  # type: ignore[attr-defined]
    return finished.get(when.milestone, math.inf)  # type: ignore[attr-defined]


def _clip(spans: Spans, t0: float, t1: float) -> Spans:
    """The parts of `spans` inside [t0, t1]."""
    return [(max(a, t0), min(b, t1)) for a, b in spans if b > t0 and a < t1]


def _first_hours(spans: Spans, t0: float, hours: float) -> Spans:
    """The first `hours` of `spans` from t0 on."""
    out = []
    for a, b in spans:
        if b <= t0 or hours <= 0:
            continue
        a = max(a, t0)
        take = min(b - a, hours)
        out.append((a, a + take))
        hours -= take
    return out


def _cut(spans: Spans, holes: Spans) -> Spans:
    """`spans` less the `holes` (both sorted by start, `spans` not overlapping)."""
    if len(holes) <= 8:  # a few holes: find what each touches by bisection
        for h0, h1 in holes:
            lo = bisect.bisect_right([b for _, b in spans], h0)  # the first span ending after the hole starts
            hi = bisect.bisect_left([a for a, _ in spans], h1)  # ... and the first starting after it ends
            kept = []
            if lo < hi:  # only the first can start before the hole, only the last end after it
                if spans[lo][0] < h0:
                    kept.append((spans[lo][0], h0))
                if spans[hi - 1][1] > h1:
                    kept.append((h1, spans[hi - 1][1]))
            spans = [*spans[:lo], *kept, *spans[hi:]]
        return spans
    # Many holes: walk only the spans between the first hole's start and the last one's end.
    lo = bisect.bisect_right([b for _, b in spans], holes[0][0])
    hi = bisect.bisect_left([a for a, _ in spans], max(h1 for _, h1 in holes))
    out = spans[:lo]
    j = 0
    for a, b in spans[lo:hi]:
        while j < len(holes) and holes[j][1] <= a:
            j += 1
        i = j
        while i < len(holes) and holes[i][0] < b:
            h0, h1 = holes[i]
            if h0 > a:
                out.append((a, h0))
            a = max(a, h1)
            if a >= b:
                break
            i += 1
        if b > a:
            out.append((a, b))
    return out + spans[hi:]


def _complement(spans: Spans, total: float) -> Spans:
    """[0, total] less `spans` (sorted, not overlapping)."""
    out = []
    at = 0.0
    for a, b in spans:
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if total > at:
        out.append((at, total))
    return out


def _union(spans: Spans) -> Spans:
    """The union of `spans`, sorted, touching ones merged."""
    if not spans:
        return []
    a = np.array(spans)
    a = a[a[:, 1] > a[:, 0]]
    if not len(a):
        return []
    a = a[np.argsort(a[:, 0], kind="stable")]
    reach = np.maximum.accumulate(a[:, 1])  # the furthest end so far
    new = np.ones(len(a), dtype=bool)
    new[1:] = a[1:, 0] > reach[:-1]  # a span starts a new run where it begins after all before end
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, len(a) - 1)
    return list(zip(a[first, 0].tolist(), reach[last].tolist(), strict=True))
