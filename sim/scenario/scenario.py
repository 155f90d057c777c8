"""The whole scenario: its sections and the checks that span several of them."""

from __future__ import annotations

import hashlib
import json

from pydantic import Field, model_validator

from sim.scenario.base import Section, field_error, unique_ids
from sim.scenario.calendar import Calendar
from sim.scenario.contract import Contract
from sim.scenario.meta import Meta
from sim.scenario.plant import Plant
from sim.scenario.products import Product, month_start
from sim.scenario.program import Program, _suggest


class Scenario(Section):
    """A plant shared between its owner's brands and a contract customer's new product."""

    meta: Meta = Field(description="Name, horizon, seed and replications.")
    calendar: Calendar = Field(description="Working days, shifts and shutdowns.")
    plant: Plant = Field(description="The plant and its lines.")
    products: list[Product] = Field(min_length=1, description="Products built in the plant.")
    program: Program | None = Field(None, description="The contract product's launch program (needs a contract).")
    contract: Contract | None = Field(None, description="Contract terms with the customer (needs a program).")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        unique_ids(self.products, "product", "products")
        ids = {p.id for p in self.products}
        buildable = set()
        for i, line in enumerate(self.plant.lines):
            for j, pid in enumerate(line.products):
                if pid not in ids:
                    field_error(("plant", "lines", i, "products", j), f"unknown product '{pid}'{_suggest(pid, ids)}")
            buildable |= set(line.products)
        owners = {self.plant.owner} | ({self.contract.customer} if self.contract else set())
        for i, p in enumerate(self.products):
            if p.id not in buildable:
                field_error(("products", i, "id"), f"product '{p.id}' is on no line of plant {self.plant.name}")
            if p.owner not in owners:
                field_error(
                    ("products", i, "owner"),
                    f"owner '{p.owner}' is neither the plant owner nor the contract customer ({', '.join(sorted(owners))})",
                )
            if p.ramp is not None and self.contract and p.owner != self.contract.customer:
                field_error(("products", i, "ramp"), "only the contract customer's products have a ramp-up after SOP")
            if p.ramp is not None and not self.contract:
                field_error(("products", i, "ramp"), "a ramp-up needs a contract and a launch program")
            first = p.demand.first_month or min(p.demand.units_by_month or {"0001-01": 0})
            if month_start(first) > self.meta.end_date:
                field_error(("products", i, "demand"), f"demand starts in {first}, after the horizon ends")
        if (self.contract is None) != (self.program is None):
            missing = "program" if self.program is None else "contract"
            field_error(
                (missing,),
                f"a scenario with a {'contract' if self.contract else 'program'} needs a {missing} section",
            )
        if self.contract is not None and self.program is not None:
            if not self.customer_products:
                field_error(("contract", "customer"), f"no product is owned by customer '{self.contract.customer}'")
            if not self.meta.start_date <= self.program.start_date <= self.meta.end_date:
                field_error(("program", "start_date"), "program start_date must lie inside the scenario horizon")
        return self

    @property
    def customer_products(self) -> list[Product]:
        """Products owned by the contract customer (gated by SOP)."""
        if self.contract is None:
            return []
        return [p for p in self.products if p.owner == self.contract.customer]

    def without_contract(self) -> Scenario:
        """The same plant and owner products with no contract: the counterfactual for 'units lost'."""
        if self.contract is None:
            return self
        customer = {p.id for p in self.customer_products}
        lines = [
            line.model_copy(update={"products": [p for p in line.products if p not in customer]})
            for line in self.plant.lines
        ]
        return self.model_copy(
            update={
                "plant": self.plant.model_copy(update={"lines": [ln for ln in lines if ln.products]}),
                "products": [p for p in self.products if p.id not in customer],
                "program": None,
                "contract": None,
            }
        )

    def digest(self) -> str:
        """A stable hash of the scenario's content (not of its file's formatting)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
