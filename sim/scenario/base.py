"""Shared pieces of the scenario language: the section base class and cross-field errors.

Every YAML section is a pydantic model that forbids unknown keys, so a misspelt key is an
error, never a silently ignored setting. Cross-field checks raise `field_error`, which
carries the offending field's path relative to the model that checks it, so the loader
can point at the exact line of the YAML file.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, NoReturn

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

#: Identifiers used in dotted names (``gwm_baoding.ga1``): lower-case, digits, underscore.
Ident = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
]


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _no_yes_for_numbers(cls, data: object) -> object:
        """YAML reads yes/no/true/false as booleans, which pydantic would take as 1 and 0."""
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                if isinstance(data.get(name), bool) and _numeric(field.annotation):
                    field_error(
                        (name,), f"should be a number, not {str(data[name]).lower()} (a YAML yes/no/true/false)"
                    )
        return data


def _numeric(annotation: object) -> bool:
    """Whether a field's type takes numbers (int or float, possibly optional or constrained)."""
    if annotation in (int, float):
        return True
    return any(_numeric(arg) for arg in typing.get_args(annotation))


def field_error(path: tuple[str | int, ...], message: str) -> NoReturn:
    """Raise a validation error about the field at `path` below the model being validated."""
    raise PydanticCustomError("cross_field", message.replace("{", "(").replace("}", ")"), {"path": path})


def unique_ids(items: list, what: str, at: str) -> None:
    """Fail on the second occurrence of any ``id`` in `items`, the list held by field `at`."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            field_error((at, i, "id"), f"duplicate {what} id '{item.id}'; each {what} needs its own id")
        seen.add(item.id)


class Days(Section):
    """A named range of whole days, both ends included."""

    name: str = Field(description="What the period is (for example 'Spring Festival 2022').")
    first_day: dt.date = Field(description="First day (YYYY-MM-DD).")
    last_day: dt.date = Field(description="Last day (YYYY-MM-DD), included.")

    @model_validator(mode="after")
    def _ordered(self) -> Days:
        if self.last_day < self.first_day:
            field_error(("last_day",), f"last_day {self.last_day} is before first_day {self.first_day}")
        return self
