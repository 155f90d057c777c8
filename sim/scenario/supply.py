"""The `supply` section: semiconductor kits, the constraint of 2021-2023.

Kits arrive every Monday; a disruption cuts a share of the kits arriving in its window.
Arriving kits are allocated among products with open demand by the scenario's policy and
kept by the product until used; a vehicle needs its product's `chips_per_vehicle` kits.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.model.chips import ALLOCATIONS
from sim.scenario.base import Days, Section

#: The allocation rules the model knows (its registry is the one list).
ChipPolicy = Literal[tuple(ALLOCATIONS)]  # type: ignore[valid-type]


class Disruption(Days):
    """A window in which part of the chip supply is lost."""

    share_lost: float = Field(ge=0, le=1, description="Share of the weekly kits lost during the window (0.3 = 30%).")


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
