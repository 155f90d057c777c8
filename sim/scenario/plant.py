"""The `plant` section: the plant, its owner and its final-assembly lines.

A line has a rated speed in jobs (vehicles) per hour while it is open and a list of the
products it is tooled for. Output between two events is rate x open hours.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.base import Ident, Section, field_error, unique_ids


class Line(Section):
    """One assembly line and the products it can build."""

    id: Ident = Field(description="Line id, unique in the plant; reports name it plant.line.")
    jph: float = Field(gt=0, le=300, description="Rated speed in jobs (vehicles) per hour while open.")
    products: list[Ident] = Field(min_length=1, description="Ids of the products this line is tooled to build.")

    @model_validator(mode="after")
    def _distinct(self) -> Line:
        if len(set(self.products)) != len(self.products):
            field_error(("products",), "a product is listed twice on the same line")
        return self


class Plant(Section):
    """The shared plant."""

    name: Ident = Field(description="Plant id, the first part of every dotted name (for example gwm_baoding).")
    owner: Ident = Field(description="Company that owns the plant and builds its own brands there (for example gwm).")
    lines: list[Line] = Field(min_length=1, description="The plant's assembly lines.")

    @model_validator(mode="after")
    def _unique(self) -> Plant:
        unique_ids(self.lines, "line", "lines")
        return self
