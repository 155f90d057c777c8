"""The `contract` section: who the customer is, how line time is shared, what it pays.

Policies decide how a shared line's open hours are split between the owner's products and
the customer's, each side's products then sharing their part in proportion to their open
demand (same fill rate):
- ``owner_first``: the owner's open demand is served first, the customer gets what is left;
- ``customer_first``: the reverse;
- ``reserved_share``: from SOP the customer has a protected reserve (a share of line hours,
  or units per month turned into hours at the current rate); each side may borrow what
  the other leaves unused;
- ``proportional``: hours in proportion to the hours each side needs to clear its open demand.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.model.policy import POLICIES
from sim.scenario.base import Ident, Section, field_error

#: The policies the model knows (its registry is the one list).
Policy = Literal[tuple(POLICIES)]  # type: ignore[valid-type]


class Contract(Section):
    """Contract manufacturing terms between the plant owner and the customer."""

    customer: Ident = Field(description="The contract customer (for example xiaomi); owns the contract products.")
    policy: Policy = Field(
        "reserved_share",
        description="How shared line hours are allocated: owner_first, customer_first, reserved_share, proportional.",
    )
    reserved_share: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Share of each shared line's open hours reserved for the customer from SOP.",
    )
    reserved_units_per_month: float | None = Field(
        None,
        ge=0,
        le=1e6,
        description="Alternatively, vehicles per month of line time reserved for the customer.",
    )
    fee_rmb_per_unit: float = Field(
        0.0, ge=0, le=1e6, description="Processing fee the customer pays the owner per vehicle built, in RMB."
    )

    @model_validator(mode="after")
    def _reserve(self) -> Contract:
        if self.reserved_share is not None and self.reserved_units_per_month is not None:
            field_error(("reserved_units_per_month",), "give reserved_share or reserved_units_per_month, not both")
        if self.policy == "reserved_share" and self.reserved_share is None and self.reserved_units_per_month is None:
            field_error(("policy",), "policy reserved_share needs reserved_share or reserved_units_per_month")
        return self
