"""Calendar maths: when the plant is open, in hours since the scenario's start.

The simulation clock counts hours from 00:00 on `meta.start_date`; dates appear only here
and at the report's edges. The days on which shifts start, each with its pattern, come from
the scenario's calendar (`sim.scenario.calendar`: weekdays, shutdowns, make-up days, dated
periods); a day's shifts follow one another from its first shift's hour.
Everything is precomputed once per scenario as sorted arrays, so that the open hours in
any window are a lookup, not a loop.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.model.intervals import Intervals
from sim.scenario.calendar import Calendar as CalendarSpec
from sim.scenario.calendar import Pattern, PatternChange

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class Month:
    """One calendar month of the horizon, clipped to the horizon's ends."""

    label: str  # YYYY-MM
    start_hour: float
    end_hour: float
    days: int  # days of the month inside the horizon
    days_in_month: int


class Calendar:
    """Open shifts and months of one scenario horizon.

    `changes` are a line's own changes of the pattern ((first day, change) in order: the line's
    working shifts), `then` a change on top of them every day (its overtime pattern);
    `variants` are (changes, then) whose shifts are added to the plant's (a plant whose lines
    change their own patterns is open whenever one of them may work).
    """

    def __init__(
        self,
        spec: CalendarSpec,
        start: dt.date,
        end: dt.date,
        changes: Sequence[tuple[dt.date, PatternChange]] = (),
        variants: Sequence[tuple[Sequence[tuple[dt.date, PatternChange]], PatternChange | None]] = (),
        then: PatternChange | None = None,
    ):
        starts, lengths = _shifts(spec.days(start, end, changes, then), start)
        for variant, last in variants:
            more, more_lengths = _shifts(spec.days(start, end, variant, last), start)
            starts, lengths = [*starts, *more], [*lengths, *more_lengths]
        begin = np.array(starts)  # floats: shifts start at k x 24.0 + the first shift's hour
        finish = begin + np.array(lengths)
        if variants:  # the union of the shifts: overlapping ones merged
            begin, finish = _merge(begin, finish)
        self._set(start, end, begin, finish)

    @classmethod
    def of_shifts(cls, start: dt.date, end: dt.date, begin: list[float], finish: list[float]) -> Calendar:
        """The calendar open in the given clock intervals (sorted, not overlapping)."""
        calendar = cls.__new__(cls)
        calendar._set(start, end, np.array(begin, dtype=float), np.array(finish, dtype=float))
        return calendar

    def _set(self, start: dt.date, end: dt.date, begin: np.ndarray, finish: np.ndarray) -> None:
        self.start = start
        self.end = end
        self.horizon_hours = ((end - start).days + 1) * HOURS_PER_DAY
        finish = np.minimum(finish, self.horizon_hours)
        keep = begin < self.horizon_hours
        # Plain lists: bisect on lists is the fastest scalar lookup.
        self.shifts = Intervals(begin[keep].tolist(), finish[keep].tolist())
        self.open_until = self.shifts.until  # open hours from the horizon's start to a clock hour
        self.time_at = self.shifts.at  # clock hour at which some open hours have passed (inf if never)
        # Open hours at the end of each run of back-to-back shifts (the plant closes there).
        starts, ends, upto = self.shifts.starts, self.shifts.ends, self.shifts.upto
        self.closing = [
            u for u, e, nxt in zip(upto, ends, [*starts[1:], math.inf][: len(ends)], strict=True) if nxt > e
        ]
        self.months = months(start, end)

    def open_hours(self, t0: float, t1: float) -> float:
        """Open (shift) hours between clock hours t0 and t1."""
        return self.open_until(t1) - self.open_until(t0)

    def window(self, t: float) -> tuple[bool, float]:
        """(open at t, when that changes): the end of the current shift, or the start of the next."""
        starts, ends = self.shifts.starts, self.shifts.ends
        i = bisect.bisect_right(starts, t) - 1
        if i >= 0 and t < ends[i] - 1e-9:
            return True, ends[i]
        return False, starts[i + 1] if i + 1 < len(starts) else math.inf

    def hour(self, day: dt.date) -> float:
        """Clock hour at 00:00 of `day`."""
        return (day - self.start).days * HOURS_PER_DAY

    def date(self, hour: float) -> dt.date:
        """The day containing clock hour `hour`."""
        return self.start + dt.timedelta(days=int(hour // HOURS_PER_DAY))


def _shifts(days: list[tuple[dt.date, Pattern]], start: dt.date) -> tuple[list[float], list[float]]:
    """Clock start and length of every shift of the given days."""
    starts: list[float] = []
    lengths: list[float] = []
    for day, pattern in days:
        base = (day - start).days * HOURS_PER_DAY
        starts += [base + h for h in pattern.starts()]
        lengths += [pattern.hours] * pattern.shifts
    return starts, lengths


def _merge(begin: np.ndarray, finish: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted intervals with the overlapping ones merged (back-to-back ones stay apart)."""
    order = np.lexsort((finish, begin))
    out_b: list[float] = []
    out_f: list[float] = []
    for b, f in zip(begin[order].tolist(), finish[order].tolist(), strict=True):
        if out_f and b < out_f[-1]:
            out_f[-1] = max(out_f[-1], f)
        else:
            out_b.append(b)
            out_f.append(f)
    return np.array(out_b, dtype=float), np.array(out_f, dtype=float)


def months(start: dt.date, end: dt.date) -> list[Month]:
    """The calendar months of the horizon [start, end], clipped to it."""
    out = []
    first = start
    while first <= end:
        nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = min(nxt - dt.timedelta(days=1), end)
        month_days = (nxt - dt.date(first.year, first.month, 1)).days
        out.append(
            Month(
                label=f"{first.year:04d}-{first.month:02d}",
                start_hour=(first - start).days * HOURS_PER_DAY,
                end_hour=((last - start).days + 1) * HOURS_PER_DAY,
                days=(last - first).days + 1,
                days_in_month=month_days,
            )
        )
        first = nxt
    return out
