"""The `supply` section: semiconductor kits, the constraint of 2021-2023.

Kits arrive every Monday; a disruption cuts a share of the kits arriving in its window.
Arriving kits are allocated among products with open demand by the scenario's policy and
kept by the product until used; a vehicle needs its product's `chips_per_vehicle` kits.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Section, field_error

ChipPolicy = Literal["owner_first", "customer_first", "proportional", "by_margin"]


class Disruption(Section):
    """A window in which part of the chip supply is lost."""

    name: str = Field(description="What the disruption is (for example '2021 chip shortage').")
    first_day: dt.date = Field(description="First day of the disruption (YYYY-MM-DD).")
    last_day: dt.date = Field(description="Last day of the disruption (YYYY-MM-DD), included.")
    share_lost: float = Field(ge=0, le=1, description="Share of the weekly kits lost during the window (0.3 = 30%).")

    @model_validator(mode="after")
    def _ordered(self) -> Disruption:
        if self.last_day < self.first_day:
            field_error(("last_day",), f"last_day {self.last_day} is before first_day {self.first_day}")
        return self


class Chips(Section):
    """Weekly supply of chip kits and how scarce kits are shared."""

    kits_per_week: float = Field(gt=0, le=1e8, description="Kits arriving each Monday when nothing is disrupted.")
    disruptions: list[Disruption] = Field([], description="Windows in which part of the supply is lost.")
    allocation: ChipPolicy = Field(
        "proportional",
        description="Who gets scarce kits: owner_first, customer_first, proportional (to need) or by_margin.",
    )


class Supply(Section):
    """Material supply constraints."""

    chips: Chips = Field(description="Semiconductor kit supply.")
