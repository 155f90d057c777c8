"""The `plants` section: the plants, their owner, calendar and final-assembly lines.

A line has a rated speed in jobs (vehicles) per hour while it is open and up, the products
it is tooled for, and optionally its breakdowns (time between failures counted in open
hours, time to repair in clock hours, which may run into closed time) and the changeover
it loses when it switches between product families.
"""

from __future__ import annotations

import itertools

from pydantic import Field, model_validator

from sim.scenario.base import Ident, IsoDate, Section, field_error, unique_ids
from sim.scenario.calendar import Calendar, PatternChange
from sim.scenario.distributions import Duration
from sim.scenario.products import Ramp

MIN_MEAN_HOURS_BETWEEN_FAILURES = 1.0


class Breakdowns(Section):
    """Random failures of a line."""

    time_between_failures_hours: Duration = Field(
        description="Open (running) hours from a repair to the next failure, as a distribution."
    )
    time_to_repair_hours: Duration = Field(
        description="Clock hours a failure keeps the line down, as a distribution; may run into closed time."
    )

    @model_validator(mode="after")
    def _fails_at_a_plausible_rate(self) -> Breakdowns:
        # Below an hour between failures on average a line is never really up; near zero the
        # failures of a horizon would be countless (and a run endless).
        if self.time_between_failures_hours.mean < MIN_MEAN_HOURS_BETWEEN_FAILURES:
            field_error(
                ("time_between_failures_hours",),
                f"mean time between failures is {self.time_between_failures_hours.mean:g} open hours; "
                f"it must be at least {MIN_MEAN_HOURS_BETWEEN_FAILURES:g} (a line failing more often is never up)",
            )
        return self


class Dated(Section):
    """Something that happens on a day, or when a launch-program milestone completes."""

    first_day: IsoDate | None = Field(None, description="Day on which it happens (YYYY-MM-DD); give it or milestone.")
    milestone: Ident | None = Field(
        None, description="Or: the launch-program milestone on whose completion it happens."
    )

    @model_validator(mode="after")
    def _when(self) -> Dated:
        if (self.first_day is None) == (self.milestone is None):
            field_error(("first_day",), "give its first_day or its milestone, not both")
        return self


class SpeedChange(Dated):
    """From a day, or from a launch-program milestone's completion, the line runs at `jph`."""

    jph: float = Field(gt=0, le=300, description="The line's rated speed from then on, in jobs per hour.")
    name: str = Field("", max_length=80, description="What changes (for example 'takt upgrade to 76 s').")
    capex_rmb: float = Field(0.0, ge=0, le=1e12, description="What the owner invests in it, RMB, paid when it happens.")


class ShiftChange(Dated, PatternChange):
    """From a day, or from the day after a milestone completes, the line's own shift pattern
    overrides the plant's in what this change gives (a third shift on the shared line from SOP)."""


class Overtime(PatternChange):
    """Extra working time a line switches on while its orders run ahead of it: the pattern it
    works then (Saturdays: working_weekdays with sat; longer shifts: hours_per_shift), decided at
    every booking instant on the open demand of the line's products."""

    on_weeks: float = Field(
        gt=0,
        le=52,
        description="Switch on when the open demand of the line's products exceeds this many weeks of its output.",
    )
    off_weeks: float = Field(
        ge=0, le=52, description="Switch off when it falls below this many weeks (at most on_weeks)."
    )
    max_hours_per_month: float = Field(gt=0, le=744, description="Overtime hours a month, at most.")
    cost_rmb_per_hour: float = Field(0.0, ge=0, le=1e8, description="What an hour of overtime costs the owner, RMB.")

    @model_validator(mode="after")
    def _hysteresis(self) -> Overtime:
        if self.off_weeks > self.on_weeks:
            field_error(("off_weeks",), f"off_weeks {self.off_weeks:g} is above on_weeks {self.on_weeks:g}")
        return self


class Commissioning(Dated):
    """When a new line starts building (before it, it builds nothing), its cost and its ramp-up."""

    capex_rmb: float = Field(0.0, ge=0, le=1e12, description="What the owner invests in the line, RMB, paid then.")
    ramp: Ramp | None = Field(
        None, description="Ramp-up of the line's speed from commissioning (months from then); absent: full speed."
    )


class Retirement(Dated):
    """When a line stops building for good."""


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
    speed_changes: list[SpeedChange] = Field(
        [], description="Changes of the rated speed over the horizon, each from a day or a milestone on."
    )
    shift_changes: list[ShiftChange] = Field(
        [],
        description="The line's own changes of its plant's shift pattern, in the order they come, each from a day "
        "or a milestone on (the plant's shutdowns and make-up days still hold).",
    )
    commissioned: Commissioning | None = Field(
        None, description="When the line starts building (a new line, a plant's phase 2); absent: from the start."
    )
    retired: Retirement | None = Field(None, description="When the line stops building for good; absent: never.")
    overtime: Overtime | None = Field(
        None, description="Extra working time switched on by a rule while orders run ahead (lines of one-shop plants)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Line:
        if len(set(self.products)) != len(self.products):
            field_error(("products",), "a product is listed twice on the same line")
        if self.changeover_hours > 0 and self.campaign_units is None:
            field_error(("campaign_units",), "a line with changeover_hours needs campaign_units (its run length)")
        for field in ("speed_changes", "shift_changes"):
            changes = getattr(self, field)
            days = [(k, c.first_day) for k, c in enumerate(changes) if c.first_day is not None]
            for (_, before), (k, day) in itertools.pairwise(days):
                if day <= before:  # type: ignore[operator]
                    field_error((field, k, "first_day"), f"dated changes in date order: {day} after {before}")
        c, r = self.commissioned, self.retired
        dated = c is not None and r is not None and c.first_day is not None and r.first_day is not None
        if dated and r.first_day <= c.first_day:  # type: ignore[operator,union-attr]
            field_error(
                ("retired", "first_day"),
                f"the line retires on {r.first_day}, not after its commissioning on {c.first_day}",
            )
        if c is not None and c.milestone is not None and r is not None and r.milestone == c.milestone:
            field_error(
                ("retired", "milestone"), f"the line is commissioned and retired at the same milestone '{c.milestone}'"
            )
        return self


class Shop(Section):
    """One shop of a plant (body, paint, assembly, ...): its lines and the buffer after it."""

    id: Ident = Field(description="Shop id, unique in the plant; reports name lines plant.shop.line.")
    lines: list[Line] = Field(min_length=1, description="The shop's lines.")
    buffer_after_units: float | None = Field(
        None, ge=0, le=1e6, description="Vehicles the buffer to the next shop holds; absent: unlimited."
    )

    @model_validator(mode="after")
    def _unique(self) -> Shop:
        unique_ids(self.lines, "line", "lines")
        return self


class Plant(Section):
    """One plant: who owns it, when it works, its lines (or its shops in series)."""

    name: Ident = Field(description="Plant id, the first part of every dotted name (for example gwm_baoding).")
    owner: Ident = Field(description="Company that owns the plant and builds its own brands there (for example gwm).")
    calendar: Calendar = Field(description="Working days, shifts and shutdowns of this plant.")
    lines: list[Line] | None = Field(
        None, min_length=1, description="The plant's assembly lines, when it is modelled as a single shop."
    )
    shops: list[Shop] | None = Field(
        None,
        min_length=2,
        description="Shops in series in flow order (body, paint, assembly, ...), with buffers between them.",
    )

    @model_validator(mode="after")
    def _lines_or_shops(self) -> Plant:
        if (self.lines is None) == (self.shops is None):
            field_error(("lines",), "give either lines (one shop) or shops (several in series), not both")
        if self.lines is not None:
            unique_ids(self.lines, "line", "lines")
        else:
            unique_ids(self.shops, "shop", "shops")
            if self.shops[-1].buffer_after_units is not None:
                field_error(
                    ("shops", len(self.shops) - 1, "buffer_after_units"), "the last shop has no buffer after it"
                )
        return self

    def stages(self) -> list[tuple[str | None, list[Line]]]:
        """(shop id, lines) in flow order; one unnamed stage for a single-shop plant."""
        if self.shops is None:
            return [(None, self.lines)]
        return [(shop.id, shop.lines) for shop in self.shops]

    def line_names(self) -> list[str]:
        """Dotted names of the plant's lines in flow order: plant.line, or plant.shop.line with shops."""
        return [f"{self.name}.{shop + '.' if shop else ''}{line.id}" for shop, lines in self.stages() for line in lines]

    def all_lines(self) -> list[Line]:
        return [line for _, lines in self.stages() for line in lines]

    def without_products(self, products: set[str]) -> Plant:
        """The same plant with `products` taken off every line (lines left empty stay, idle)."""

        def strip(lines: list[Line]) -> list[Line]:
            return [ln.model_copy(update={"products": [p for p in ln.products if p not in products]}) for ln in lines]

        if self.shops is None:
            return self.model_copy(update={"lines": strip(self.lines)})
        return self.model_copy(update={"shops": [s.model_copy(update={"lines": strip(s.lines)}) for s in self.shops]})
