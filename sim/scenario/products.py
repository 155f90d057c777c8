"""The `products` section: what the plant builds, for whom, how much is wanted, how a new one ramps.

Demand is a monthly figure in vehicles, released at the start of each month; what is not
built stays as backlog, and is lost once older than `lost_after_months`. A forecast may be
uncertain: each month's demand is then the forecast times a lognormal factor of mean 1 and
coefficient of variation `cv`, times a seasonal factor. It is given either as a base with compound annual growth or as
explicit months (a step function: each listed month's figure holds until the next one).
A contract product's demand is released only from its start of production (SOP): a car
that is not yet built has no orders to fill. A new product's rate after SOP follows its
ramp-up curve, as a fraction of the line's rated speed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from sim.scenario.base import Ident, Section, field_error

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Demand(Section):
    """Monthly demand for one product: a base with growth, or explicit months."""

    units_per_month: float | None = Field(
        None, ge=0, le=1e7, description="Base demand in vehicles per month (with growth_per_year)."
    )
    growth_per_year: float = Field(
        0.0,
        ge=-0.9,
        le=10,
        description="Compound annual growth of the base demand, as a share (0.15 = +15%/yr).",
    )
    first_month: Month | None = Field(
        None,
        description="Month (YYYY-MM) of the base figure and first demand; default: the scenario's start.",
    )
    units_by_month: dict[Month, Annotated[float, Field(ge=0, le=1e7)]] | None = Field(
        None,
        description="Explicit vehicles per month keyed by YYYY-MM; each figure holds until the next listed month.",
    )
    cv: float = Field(
        0.0, ge=0, le=3, description="Coefficient of variation of each month's demand around the forecast (lognormal)."
    )
    seasonality: list[Annotated[float, Field(ge=0, le=10)]] | None = Field(
        None,
        min_length=12,
        max_length=12,
        description="Twelve factors, January to December, multiplying the forecast (they should average 1).",
    )
    lost_after_months: int | None = Field(
        None, ge=0, le=120, description="Open demand older than this many months is lost; absent: it waits forever."
    )

    @model_validator(mode="after")
    def _one_form(self) -> Demand:
        if (self.units_per_month is None) == (self.units_by_month is None):
            field_error((), "give either units_per_month (with growth_per_year) or units_by_month, not both")
        if self.units_by_month is not None and not self.units_by_month:
            field_error(("units_by_month",), "units_by_month lists no month")
        if self.units_by_month is not None and (self.first_month or self.growth_per_year):
            field_error(("units_by_month",), "first_month and growth_per_year only apply to units_per_month")
        return self


class Ramp(Section):
    """Ramp-up of a speed from a start: a new product's after its SOP, a new line's after its commissioning."""

    months_to_full_rate: float = Field(gt=0, le=60, description="Months from the start until full rate.")
    start_fraction: float = Field(
        gt=0,
        le=1,
        description="Share of full rate at the start (0.1 = a tenth of the line's speed).",
    )
    curve: Literal["s_curve", "linear"] = Field(
        "s_curve", description="Shape of the ramp: s_curve (slow, fast, slow) or linear."
    )
    step_days: int = Field(
        7, ge=1, le=31, description="The rate is held constant for this many days between ramp steps."
    )


class YieldLearning(Section):
    """How a new product's first-pass yield improves after SOP."""

    start_first_pass_yield: float = Field(gt=0, le=1, description="First-pass yield at SOP.")
    months_to_mature: float = Field(
        gt=0, le=60, description="Months from SOP until the yield reaches first_pass_yield."
    )


class Product(Section):
    """A vehicle model built in the plant."""

    id: Ident = Field(description="Product id, unique in the scenario (for example haval_h6).")
    brand: str = Field(min_length=1, max_length=40, description="Brand shown in reports (Haval, WEY, ORA, Tank, ...).")
    owner: Ident = Field(description="Whose product it is: the plant owner or the contract customer.")
    demand: Demand = Field(description="Monthly demand in vehicles.")
    ramp: Ramp | None = Field(
        None,
        description="Ramp-up after SOP; only for the contract customer's products. Absent: full rate at SOP.",
    )
    family: Ident | None = Field(
        None, description="Product family for changeovers: switching between families costs a line's changeover."
    )
    first_pass_yield: float = Field(
        1.0, gt=0, le=1, description="Share of vehicles that pass end-of-line checks the first time."
    )
    shop_yields: dict[Ident, Annotated[float, Field(gt=0, le=1)]] | None = Field(
        None,
        description="First-pass yield at shops before the last, by shop id (paint: 0.88); the last shop's is first_pass_yield.",
    )
    rework_share: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of failed vehicles reworked (one more pass on the line); the rest are scrapped.",
    )
    yield_learning: YieldLearning | None = Field(
        None, description="First-pass yield rising after SOP; only for the contract customer's products."
    )
    chips_per_vehicle: float = Field(
        1.0, gt=0, le=100, description="Semiconductor kits one vehicle needs (when the scenario has a chip supply)."
    )
    margin_rmb_per_unit: float = Field(
        0.0, ge=0, le=1e7, description="Contribution margin per vehicle in RMB, for chip allocation by margin."
    )

    @property
    def family_id(self) -> str:
        """The product's changeover family (its own id when none is given)."""
        return self.family or self.id
