"""The `calendar` section: when the plant works.

Shifts run back to back from `first_shift_start_hour` on every working weekday; a shift
belongs to the day it starts on, so a night shift may run past midnight. Shutdowns
(holidays, the Spring Festival, National Day week, retooling) close whole days.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Days, Section, field_error

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Shutdown(Days):
    """A range of whole days on which no shift starts (a holiday, a planned shutdown)."""


class Calendar(Section):
    """Working days, shift pattern and shutdowns of the plant."""

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

    @model_validator(mode="after")
    def _fits_in_a_day(self) -> Calendar:
        if len(set(self.working_weekdays)) != len(self.working_weekdays):
            field_error(("working_weekdays",), "a weekday is listed twice")
        if self.shifts_per_day * self.hours_per_shift > 24:
            field_error(
                ("hours_per_shift",),
                f"{self.shifts_per_day} shifts of {self.hours_per_shift:g} h do not fit in 24 hours",
            )
        return self
