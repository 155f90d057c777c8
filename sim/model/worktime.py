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

import datetime as dt
import math
from dataclasses import dataclass

from sim.model import breakdowns
from sim.model.calendar import HOURS_PER_DAY, Calendar
from sim.model.intervals import Intervals
from sim.model.setup import Setup
from sim.scenario import Scenario
from sim.scenario.plant import Line as LineSpec

Spans = list[tuple[float, float]]


@dataclass
class Worktime:
    """A line's working time in one replication, on its plant's open-hour axis."""

    closed: Intervals  # open hours of the plant the line does not work
    claims: list[tuple[float, float, str]]  # (from, to, milestone) open hours launch milestones take
    calendar: Calendar  # the line's own working time on the clock (its failures count it)
    overtime: Intervals | None  # of the closed hours, those it may work as overtime (None: no overtime)


def claimed(scenario: Scenario) -> set[int]:
    """Indices of the lines some launch milestone claims time from."""
    program = scenario.program
    if program is None:
        return set()
    refs = [r for m in program.milestones for r in (m.shuts_line, m.pilot_build.line if m.pilot_build else None)]
    return {scenario.line_index(r) for r in refs if r is not None}


def plain(setup: Setup, plant: int, spec: LineSpec, claimed: set[int], k: int) -> bool:
    """Whether line k works every open hour of its plant, whatever the launch program does."""
    return not (setup.varies[plant] or spec.commissioned or spec.retired or spec.shift_changes or k in claimed)


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
    horizon = calendar.horizon_hours

    # Its shifts: the plant's pattern with its own changes, each from its day (in order).
    changes: list[tuple[dt.date, object]] = []
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
    work = _spans(scenario, setup, plant, changes, None)

    # Its life: from commissioning to retirement.
    begin = _hour(spec.commissioned, calendar, finished, 0.0)
    stop = _hour(spec.retired, calendar, finished, math.inf)
    life = [(-math.inf, begin), (stop, math.inf)]
    extra = _cut(_spans(scenario, setup, plant, changes, spec.overtime), work) if spec.overtime else None
    work = _cut(work, life)

    # Time the launch milestones claim, in the order they start.
    claims: list[tuple[Spans, str]] = []
    program = scenario.program
    if program is not None:
        ordered = sorted((started[m.id], n, m) for n, m in enumerate(program.milestones) if m.id in started)
        for t0, _, m in ordered:
            if m.shuts_line is not None and scenario.line_index(m.shuts_line) == k:
                taken = _clip(work, t0, finished[m.id])
                claims.append((taken, m.id))
                work = _cut(work, taken)
                life = sorted([*life, (t0, finished[m.id])])  # no overtime while it is shut
            if m.pilot_build is not None and scenario.line_index(m.pilot_build.line) == k:
                taken = _first_hours(work, t0, m.pilot_build.hours)
                claims.append((taken, m.id))
                work = _cut(work, taken)

    own = Calendar.of_shifts(start, end, [a for a, _ in work], [b for _, b in work])
    on_axis = [(calendar.open_until(a), calendar.open_until(b)) for a, b in work]
    closed = _complement(on_axis, calendar.shifts.total)
    overtime = None
    if extra is not None:
        extra = [(calendar.open_until(a), calendar.open_until(b)) for a, b in _cut(extra, life)]
        overtime = Intervals([a for a, _ in extra], [b for _, b in extra])
    return Worktime(
        Intervals([a for a, _ in closed], [b for _, b in closed]),
        [
            (calendar.open_until(a), calendar.open_until(b), m)
            for taken, m in claims
            for a, b in taken
            if b > a and a < horizon
        ],
        own,
        overtime,
    )


def _spans(scenario: Scenario, setup: Setup, plant: int, changes: list, then: object) -> Spans:
    """Clock intervals of the shifts of the plant's pattern with a line's `changes` (and `then` on top)."""
    key = (plant, tuple((d, id(c)) for d, c in changes), id(then))
    shifts = setup.shifts.get(key)
    if shifts is None:
        start, end = scenario.meta.start_date, scenario.meta.end_date
        shifts = setup.shifts[key] = Calendar(scenario.plants[plant].calendar, start, end, changes, then=then)  # type: ignore[arg-type]
    return list(zip(shifts.shifts.starts, shifts.shifts.ends, strict=True))


def off(work: Worktime, down: breakdowns.Downtime, plant: Calendar) -> Intervals:
    """The open hours of the plant in which the line does not build: closed, or down with a
    failure drawn on its own working time (`down`, on its open-hour axis)."""
    own = work.calendar
    failed = [
        (plant.open_until(own.time_at(a)), plant.open_until(own.time_at(b)))
        for a, b in zip(down.starts, down.ends, strict=True)
    ]
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
    out = []
    j = 0
    for a, b in spans:
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
    return out


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
    out: Spans = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
