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

What the deal is worth to the owner: the fee per vehicle built, one-off payments (an
engineering or tooling fee, paid at a date or when a launch milestone is done), take-or-pay
on a minimum volume a year (the customer pays the fee on committed vehicles it did not
order), less a penalty per vehicle the owner fails to build inside the customer's reserve
while the customer has open orders, and less the margin of the owner's own vehicles the
contract displaces; cash flows are discounted at a yearly rate to the horizon's start.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.model.policy import POLICIES
from sim.scenario.base import Ident, IsoDate, Section, field_error

#: The policies the model knows (its registry is the one list).
Policy = Literal[tuple(POLICIES)]  # type: ignore[valid-type]


class Payment(Section):
    """A one-off payment from the customer to the owner."""

    name: str = Field(min_length=1, max_length=80, description="What it pays for (for example 'tooling fee').")
    amount_rmb: float = Field(ge=0, le=1e12, description="Amount in RMB.")
    date: IsoDate | None = Field(None, description="Day it is paid (YYYY-MM-DD); give date or milestone.")
    milestone: Ident | None = Field(
        None, description="Or: the launch-program milestone whose completion triggers it (paid when it finishes)."
    )

    @model_validator(mode="after")
    def _when(self) -> Payment:
        if (self.date is None) == (self.milestone is None):
            field_error(("date",), "give the payment's date or its milestone, not both")
        return self


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
    payments: list[Payment] = Field(
        [], description="One-off payments to the owner (engineering or tooling fees), at a date or a milestone."
    )
    minimum_units_per_year: float | None = Field(
        None,
        ge=0,
        le=1e7,
        description="Take-or-pay: vehicles a year the customer commits to from SOP (pro rata for part years); "
        "it pays the fee on committed vehicles it did not order.",
    )
    shortfall_penalty_rmb_per_unit: float = Field(
        0.0,
        ge=0,
        le=1e7,
        description="RMB the owner pays per vehicle it fails to build inside the customer's reserve while the "
        "customer has open orders (reserved_share policy).",
    )
    discount_rate_per_year: float = Field(
        0.0, ge=0, le=1, description="Yearly rate discounting the deal's cash flows to the horizon's start (NPV)."
    )

    @model_validator(mode="after")
    def _reserve(self) -> Contract:
        if self.reserved_share is not None and self.reserved_units_per_month is not None:
            field_error(("reserved_units_per_month",), "give reserved_share or reserved_units_per_month, not both")
        if self.policy == "reserved_share" and self.reserved_share is None and self.reserved_units_per_month is None:
            field_error(("policy",), "policy reserved_share needs reserved_share or reserved_units_per_month")
        if self.shortfall_penalty_rmb_per_unit > 0 and self.policy != "reserved_share":
            field_error(
                ("shortfall_penalty_rmb_per_unit",),
                f"a shortfall penalty applies to a reserve; policy {self.policy} reserves nothing",
            )
        return self
