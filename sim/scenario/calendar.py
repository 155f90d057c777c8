"""The `calendar` section: when the plant works, and how that changes over the horizon.

Shifts run back to back from `first_shift_start_hour` on every working weekday; a shift
belongs to the day it starts on, so a night shift may run past midnight. Shutdowns
(holidays, the Spring Festival, National Day week, retooling) close whole days; working days
(the make-up Saturdays and Sundays around those holidays) open days that are not working
weekdays. `periods` change the pattern from a date on (a second shift from June 2024,
Saturdays from 2025): each period gives only what changes, the rest carries over from the
pattern before it, and it holds until the next period. A day's pattern is the one in force
on that day, so hours are exact at a period's edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, NamedTuple

from pydantic import Field, model_validator

from sim.scenario.base import Days, IsoDate, Section, field_error

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Shutdown(Days):
    """A range of whole days on which no shift starts (a holiday, a planned shutdown)."""


class WorkingDays(Days):
    """A range of whole days worked although not working weekdays (make-up days around a holiday)."""


class Pattern(NamedTuple):
    """The shifts of a working day."""

    weekdays: frozenset[int]  # 0 = Monday
    shifts: int
    hours: float
    first_hour: float

    def starts(self) -> list[float]:
        """Hours after the day's 00:00 at which its shifts start."""
        return [self.first_hour + n * self.hours for n in range(self.shifts)]

    def spill(self) -> float:
        """Hours the day's last shift runs into the next day (0 when it ends by midnight)."""
        return max(0.0, self.first_hour + self.shifts * self.hours - 24.0)


class PatternChange(Section):
    """What a change of the shift pattern gives; what it leaves out carries over."""

    name: str = Field("", description="What changes (for example 'second shift').")
    working_weekdays: list[Weekday] | None = Field(None, min_length=1, description="Weekdays on which shifts run.")
    shifts_per_day: int | None = Field(None, ge=1, le=4, description="Number of shifts on a working day.")
    hours_per_shift: float | None = Field(None, gt=0, le=24, description="Productive hours in one shift.")
    first_shift_start_hour: float | None = Field(
        None, ge=0, lt=24, description="Hour of the day (0-24) at which the first shift starts."
    )

    @model_validator(mode="after")
    def _changes_something(self) -> PatternChange:
        if all(getattr(self, f) is None for f in _PATTERN_FIELDS):
            field_error((), f"a change of the shift pattern gives at least one of {', '.join(_PATTERN_FIELDS)}")
        if self.working_weekdays is not None and len(set(self.working_weekdays)) != len(self.working_weekdays):
            field_error(("working_weekdays",), "a weekday is listed twice")
        return self

    def apply(self, pattern: Pattern) -> Pattern:
        """`pattern` with what this change gives."""
        return Pattern(
            pattern.weekdays
            if self.working_weekdays is None
            else frozenset(WEEKDAYS.index(d) for d in self.working_weekdays),
            pattern.shifts if self.shifts_per_day is None else self.shifts_per_day,
            pattern.hours if self.hours_per_shift is None else self.hours_per_shift,
            pattern.first_hour if self.first_shift_start_hour is None else self.first_shift_start_hour,
        )


class Period(PatternChange):
    """From `first_day` on, the calendar's shift pattern changes in what this period gives."""

    first_day: IsoDate = Field(description="First day of the new pattern (YYYY-MM-DD); it holds until the next period.")


_PATTERN_FIELDS = ("working_weekdays", "shifts_per_day", "hours_per_shift", "first_shift_start_hour")


class Calendar(Section):
    """Working days, shift pattern and its dated changes, shutdowns and make-up days of the plant."""

    working_weekdays: list[Weekday] = Field(
        ["mon", "tue", "wed", "thu", "fri"],
        min_length=1,
        description="Weekdays on which shifts run, as mon, tue, wed, thu, fri, sat, sun.",
    )
    shifts_per_day: int = Field(2, ge=1, le=4, description="Number of shifts on a working day.")
    hours_per_shift: float = Field(8.0, gt=0, le=24, description="Productive hours in one shift.")
    first_shift_start_hour: float = Field(
        6.0, ge=0, lt=24, description="Hour of the day (0-24) at which the first shift starts."
    )
    shutdowns: list[Shutdown] = Field(
        [], description="Holidays and planned shutdowns: whole days on which no shift starts."
    )
    working_days: list[WorkingDays] = Field(
        [],
        description="Make-up working days: whole days worked with the day's pattern although not working weekdays.",
    )
    periods: list[Period] = Field(
        [],
        description="Dated changes of the shift pattern, in date order: each from its first_day to the next one's.",
    )

    @model_validator(mode="after")
    def _fits_in_a_day(self) -> Calendar:
        if len(set(self.working_weekdays)) != len(self.working_weekdays):
            field_error(("working_weekdays",), "a weekday is listed twice")
        patterns = self.patterns()
        for k, (_, pattern) in enumerate(patterns):
            if pattern.shifts * pattern.hours > 24:
                at = ("hours_per_shift",) if k == 0 else ("periods", k - 1, "hours_per_shift")
                field_error(at, f"{pattern.shifts} shifts of {pattern.hours:g} h do not fit in 24 hours")
        for k in range(1, len(patterns)):
            (before, old), (day, new) = patterns[k - 1], patterns[k]
            if before is not None and day <= before:
                field_error(
                    ("periods", k - 1, "first_day"),
                    f"periods must be in date order, one per day: {day} comes after {before}",
                )
            if old.spill() > new.first_hour:
                field_error(
                    ("periods", k - 1, "first_shift_start_hour"),
                    f"the last shift of the day before {day} runs to {_clock(old.spill())} on {day}, past this "
                    f"period's first shift at {_clock(new.first_hour)}",
                )
        for i, worked in enumerate(self.working_days):
            for shut in self.shutdowns:
                if worked.first_day <= shut.last_day and shut.first_day <= worked.last_day:
                    field_error(
                        ("working_days", i),
                        f"{worked.name} overlaps the shutdown {shut.name}: a day is worked or closed",
                    )
        return self

    def patterns(self) -> list[tuple[dt.date | None, Pattern]]:
        """The base pattern (from None: the horizon's start) and each period's, as (first day, pattern)."""
        pattern = Pattern(
            frozenset(WEEKDAYS.index(d) for d in self.working_weekdays),
            self.shifts_per_day,
            self.hours_per_shift,
            self.first_shift_start_hour,
        )
        out: list[tuple[dt.date | None, Pattern]] = [(None, pattern)]
        for period in self.periods:
            pattern = period.apply(pattern)
            out.append((period.first_day, pattern))
        return out

    def days(
        self,
        start: dt.date,
        end: dt.date,
        changes: Sequence[tuple[dt.date, PatternChange]] = (),
        then: PatternChange | None = None,
    ) -> list[tuple[dt.date, Pattern]]:
        """The days from `start` to `end` on which shifts start, each with its pattern.

        `changes` are a line's own changes of the pattern, (first day, change) in the order they
        apply: from its first day each overrides what it gives of the plant's pattern, whatever
        the plant's periods change later (a line's third shift stays while the plant's other
        lines go to two). `then` applies on top of them every day (a line's overtime pattern)."""
        closed = _dates(self.shutdowns)
        worked = _dates(self.working_days)
        patterns = self.patterns()
        out = []
        k = j = 0
        memo: dict[tuple[int, int], Pattern] = {}  # the pattern of (period, changes in force)
        for n in range((end - start).days + 1):
            day = start + dt.timedelta(days=n)
            while k + 1 < len(patterns) and patterns[k + 1][0] <= day:  # type: ignore[operator]
                k += 1
            pattern = patterns[k][1]
            if changes or then is not None:  # a line's own pattern
                while j < len(changes) and changes[j][0] <= day:
                    j += 1
                own = memo.get((k, j))
                if own is None:
                    own = pattern
                    for _, change in changes[:j]:
                        own = change.apply(own)
                    if then is not None:
                        own = then.apply(own)
                    memo[k, j] = own
                pattern = own
            if day not in closed and (day.weekday() in pattern.weekdays or day in worked):
                out.append((day, pattern))
        return out


def _dates(ranges: list[Shutdown] | list[WorkingDays]) -> set[dt.date]:
    return {r.first_day + dt.timedelta(days=k) for r in ranges for k in range((r.last_day - r.first_day).days + 1)}


def _clock(hour: float) -> str:
    return f"{int(hour):02d}:{round(hour % 1 * 60):02d}"
