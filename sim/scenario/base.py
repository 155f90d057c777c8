"""Shared pieces of the scenario language: the section base class and cross-field errors.

Every YAML section is a pydantic model that forbids unknown keys, so a misspelt key is an
error, never a silently ignored setting. Cross-field checks raise `field_error`, which
carries the offending field's path relative to the model that checks it, so the loader
can point at the exact line of the YAML file.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Annotated, NoReturn

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

#: Identifiers used in dotted names (``gwm_baoding.ga1``): lower-case, digits, underscore.
Ident = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
]


def _iso_date(value: object) -> object:
    """Take a day only as YAML's date (2023-06-30) or the same text quoted.

    Pydantic alone also takes 1672444800 (a Unix timestamp) and a time at midnight as a date:
    a planner who wrote those did not mean the day they would get.
    """
    expected = "should be a date written YYYY-MM-DD"
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("iso_date", f"{expected}, without a time of day")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "iso_date", f"{expected}, for example 2023-06-30, not a number such as a Unix timestamp"
        )
    if not (isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))):
        raise PydanticCustomError("iso_date", f"{expected}, for example 2023-06-30")
    return value


#: A day, written YYYY-MM-DD: every date of the scenario language is one.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, defer_build=True)

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
    first_day: IsoDate = Field(description="First day (YYYY-MM-DD).")
    last_day: IsoDate = Field(description="Last day (YYYY-MM-DD), included.")

    @model_validator(mode="after")
    def _ordered(self) -> Days:
        if self.last_day < self.first_day:
            field_error(("last_day",), f"last_day {self.last_day} is before first_day {self.first_day}")
        return self
