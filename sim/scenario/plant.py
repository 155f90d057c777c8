"""The `plants` section: the plants, their owner, calendar and final-assembly lines.

A line has a rated speed in jobs (vehicles) per hour while it is open and up, the products
it is tooled for, and optionally its breakdowns (time between failures counted in open
hours, time to repair in clock hours, which may run into closed time) and the changeover
it loses when it switches between product families.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.base import Ident, Section, field_error, unique_ids
from sim.scenario.calendar import Calendar
from sim.scenario.distributions import Duration


class Breakdowns(Section):
    """Random failures of a line."""

    time_between_failures_hours: Duration = Field(
        description="Open (running) hours from a repair to the next failure, as a distribution."
    )
    time_to_repair_hours: Duration = Field(
        description="Clock hours a failure keeps the line down, as a distribution; may run into closed time."
    )


class Line(Section):
    """One assembly line and the products it can build."""

    id: Ident = Field(description="Line id, unique in the plant; reports name it plant.line.")
    jph: float = Field(gt=0, le=300, description="Rated speed in jobs (vehicles) per hour while open and up.")
    products: list[Ident] = Field(min_length=1, description="Ids of the products this line is tooled to build.")
    breakdowns: Breakdowns | None = Field(None, description="Random failures; absent: the line never fails.")
    changeover_hours: float = Field(
        0.0, ge=0, le=500, description="Hours lost each time the line switches to another product family."
    )
    campaign_units: float | None = Field(
        None, gt=0, le=1e6, description="Vehicles of one family built in a run before the line changes over."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Line:
        if len(set(self.products)) != len(self.products):
            field_error(("products",), "a product is listed twice on the same line")
        if self.changeover_hours > 0 and self.campaign_units is None:
            field_error(("campaign_units",), "a line with changeover_hours needs campaign_units (its run length)")
        return self


class Plant(Section):
    """One plant: who owns it, when it works, its lines."""

    name: Ident = Field(description="Plant id, the first part of every dotted name (for example gwm_baoding).")
    owner: Ident = Field(description="Company that owns the plant and builds its own brands there (for example gwm).")
    calendar: Calendar = Field(description="Working days, shifts and shutdowns of this plant.")
    lines: list[Line] = Field(min_length=1, description="The plant's assembly lines.")

    @model_validator(mode="after")
    def _unique(self) -> Plant:
        unique_ids(self.lines, "line", "lines")
        return self
