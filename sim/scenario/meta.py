"""The `meta` section: what the scenario is called, the simulated horizon and its randomness."""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.base import IsoDate, Section, field_error


class Meta(Section):
    """Name, horizon, seed and default replication count of a scenario."""

    name: str = Field(
        description="Short name of the scenario, used in run directory names and report titles.",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=80,
    )
    description: str = Field("", description="One paragraph saying what question the scenario asks.")
    start_date: IsoDate = Field(description="First simulated day (YYYY-MM-DD); the clock's zero hour.")
    end_date: IsoDate = Field(description="Last simulated day (YYYY-MM-DD), included in the horizon.")
    seed: int = Field(
        20210326,
        ge=0,
        lt=2**63,
        description="Seed of all random streams; the same seed gives the same results.",
    )
    replications: int = Field(
        20, ge=1, le=100_000, description="Monte Carlo replications run when the command line does not say."
    )

    @model_validator(mode="after")
    def _horizon(self) -> Meta:
        if self.end_date <= self.start_date:
            field_error(("end_date",), f"end_date {self.end_date} must come after start_date {self.start_date}")
        if (self.end_date - self.start_date).days > 366 * 30:
            field_error(("end_date",), "the horizon may span at most 30 years")
        return self
