"""The `owner_priority` section: how the plant owner's own products share its side of a line.

The contract's policy decides how a shared line's hours are split between the owner and the
customer. Within the owner's side the products clear the same share of their open demand by
default (``equal_fill``); a planner who protects the best sellers serves them first instead:
``by_margin`` (higher margin per vehicle first) or ``listed`` (the products or brands in
`order`, first served first, the rest after them). Products of the same level clear the same
share of their open demand.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.model.priority import PRIORITIES
from sim.scenario.base import Section, field_error

#: The rules the model knows (its registry is the one list).
PriorityRule = Literal[tuple(PRIORITIES)]  # type: ignore[valid-type]


class OwnerPriority(Section):
    """The owner's priority among its own products on a shared line."""

    rule: PriorityRule = Field(
        "equal_fill",
        description="equal_fill (every product the same share of its open demand), by_margin (higher margin "
        "per vehicle first) or listed (in the order given).",
    )
    order: list[str] = Field(
        [],
        description="With rule listed: the owner's product ids or brand names, first served first; "
        "products not listed come after them.",
    )

    @model_validator(mode="after")
    def _order(self) -> OwnerPriority:
        if self.rule == "listed" and not self.order:
            field_error(("order",), "rule listed needs an order: product ids or brand names, first served first")
        if self.rule != "listed" and self.order:
            field_error(("order",), f"an order only applies to rule listed (the rule is {self.rule})")
        seen: set[str] = set()
        for k, name in enumerate(self.order):
            if name in seen:
                field_error(("order", k), f"'{name}' is listed twice")
            seen.add(name)
        return self
