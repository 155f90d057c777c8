"""Probability distributions as they are written in YAML: a fixed set of kinds.

A distribution is a mapping with a ``kind`` and that kind's parameters, for example
``{kind: triangular, min: 60, mode: 90, max: 150}``. Milestones take the three-point kinds;
failure and repair times also take exponential, lognormal and Weibull. The model turns each into a sampler
through one factory (`sim.model.distributions.sampler`); no code strings are ever read.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Section, field_error

NonNegative = Annotated[float, Field(ge=0, le=1e6)]


class Fixed(Section):
    """Always the same value."""

    kind: Literal["fixed"] = Field(description="Distribution kind: a constant.")
    value: NonNegative = Field(description="The constant value.")

    @property
    def mean(self) -> float:
        return self.value


class Uniform(Section):
    """Any value between min and max equally likely."""

    kind: Literal["uniform"] = Field(description="Distribution kind: uniform between min and max.")
    min: NonNegative = Field(description="Smallest value.")
    max: NonNegative = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.min > self.max:
            field_error(("max",), f"max ({self.max:g}) must be at least min ({self.min:g})")
        return self

    @property
    def mean(self) -> float:
        return (self.min + self.max) / 2


class _ThreePoint(Section):
    min: NonNegative = Field(description="Optimistic (smallest) value.")
    mode: NonNegative = Field(description="Most likely value.")
    max: NonNegative = Field(description="Pessimistic (largest) value.")

    @model_validator(mode="after")
    def _ordered(self) -> _ThreePoint:
        if self.min > self.mode:
            field_error(("mode",), f"mode ({self.mode:g}) must be at least min ({self.min:g})")
        if self.mode > self.max:
            field_error(("max",), f"max ({self.max:g}) must be at least mode ({self.mode:g})")
        return self


class Triangular(_ThreePoint):
    """Triangular distribution from min through mode to max."""

    kind: Literal["triangular"] = Field(description="Distribution kind: triangular (min, mode, max).")

    @property
    def mean(self) -> float:
        return (self.min + self.mode + self.max) / 3


class Pert(_ThreePoint):
    """Beta-PERT: a smooth three-point estimate that weights the mode four times."""

    kind: Literal["pert"] = Field(description="Distribution kind: Beta-PERT (min, mode, max).")

    @property
    def mean(self) -> float:
        return (self.min + 4 * self.mode + self.max) / 6


class Exponential(Section):
    """Memoryless: the usual model of time between failures."""

    kind: Literal["exponential"] = Field(description="Distribution kind: exponential with the given mean.")
    mean: Annotated[float, Field(gt=0, le=1e6)] = Field(description="Mean value.")


class Lognormal(Section):
    """Right-skewed, positive: the usual model of repair times."""

    kind: Literal["lognormal"] = Field(
        description="Distribution kind: lognormal by its mean and coefficient of variation."
    )
    mean: Annotated[float, Field(gt=0, le=1e6)] = Field(description="Mean value.")
    cv: Annotated[float, Field(gt=0, le=10)] = Field(description="Coefficient of variation: standard deviation / mean.")


class Weibull(Section):
    """Wear-out (shape > 1) or infant mortality (shape < 1) failures."""

    kind: Literal["weibull"] = Field(description="Distribution kind: Weibull by shape and scale.")
    shape: Annotated[float, Field(gt=0.05, le=50)] = Field(description="Shape k: 1 is exponential, above 1 wear-out.")
    scale: Annotated[float, Field(gt=0, le=1e6)] = Field(description="Scale (about the 63rd percentile).")

    @property
    def mean(self) -> float:
        import math

        return self.scale * math.gamma(1 + 1 / self.shape)


Distribution = Annotated[Fixed | Uniform | Triangular | Pert, Field(discriminator="kind")]
#: Durations of failures and repairs may also use the reliability kinds.
Duration = Annotated[
    Fixed | Uniform | Triangular | Pert | Exponential | Lognormal | Weibull, Field(discriminator="kind")
]
