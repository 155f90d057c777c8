"""The `program` section: the contract product's launch program.

Milestones form a network (each starts when all the milestones it comes `after` are done);
their durations are drawn per replication. SOP is the completion of the whole program.
The plant owner's engineering assistance multiplies the duration of every assisted
milestone by `engineering_assist` (0.8 = 20% faster), drawn from the same random numbers
so that an assisted and an unassisted scenario differ only by the assist.
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from pydantic import Field, model_validator

from sim.scenario.base import Ident, IsoDate, Section, field_error, unique_ids
from sim.scenario.distributions import Distribution


class PilotBuild(Section):
    """Line time a milestone's pilot builds take from a line, from the milestone's start."""

    line: str = Field(
        min_length=1, max_length=200, description="The line: its id, or plant.line (plant.shop.line) if ids repeat."
    )
    line_hours: float | None = Field(
        None, gt=0, le=1e5, description="Working hours of the line the pilot builds take; or vehicles and jph."
    )
    vehicles: float | None = Field(None, gt=0, le=1e6, description="Pilot vehicles built (with jph).")
    jph: float | None = Field(None, gt=0, le=300, description="The low rate at which they are built, jobs per hour.")

    @model_validator(mode="after")
    def _hours(self) -> PilotBuild:
        if (self.line_hours is None) == (self.vehicles is None or self.jph is None):
            field_error(("line_hours",), "give the pilot builds' line_hours, or their vehicles and jph (not both)")
        return self

    @property
    def hours(self) -> float:
        """Working hours of the line taken."""
        return self.line_hours if self.line_hours is not None else self.vehicles / self.jph  # type: ignore[operator]


class Milestone(Section):
    """One step of the launch program."""

    id: Ident = Field(description="Milestone id, unique in the program.")
    name: str = Field("", max_length=80, description="Readable name for reports (default: the id).")
    after: list[Ident] = Field([], description="Ids of the milestones that must finish before this one starts.")
    duration_days: Distribution = Field(description="Duration in calendar days, as a distribution.")
    assisted: bool = Field(True, description="Whether the plant owner's engineering assistance shortens it.")
    shuts_line: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="A line the milestone shuts while it runs (tooling installation): its id, or plant.line.",
    )
    pilot_build: PilotBuild | None = Field(None, description="Line time the milestone's pilot builds take.")


class Program(Section):
    """The contract product's launch program, from go-ahead to start of production."""

    start_date: IsoDate = Field(description="Date the program starts (YYYY-MM-DD).")
    target_launch: IsoDate = Field(description="Date by which SOP is wanted (YYYY-MM-DD); on time means on or before.")
    engineering_assist: float = Field(
        1.0,
        gt=0,
        le=2,
        description="Factor on assisted milestones' durations: 1 = no assist, 0.8 = 20% faster.",
    )
    milestones: list[Milestone] = Field(min_length=1, description="The program's milestones.")

    @model_validator(mode="after")
    def _network(self) -> Program:
        unique_ids(self.milestones, "milestone", "milestones")
        known = {m.id for m in self.milestones}
        for i, m in enumerate(self.milestones):
            for j, dep in enumerate(m.after):
                if dep not in known:
                    field_error(("milestones", i, "after", j), f"unknown milestone '{dep}'{_suggest(dep, known)}")
        try:
            self._graph().prepare()
        except CycleError as exc:
            # graphlib lists each milestone before the one that comes after it; reversed, each
            # is followed by one in its `after`, and the cycle starts at its first-listed milestone.
            ids = [m.id for m in self.milestones]
            cycle = exc.args[1][:0:-1]
            first = min(range(len(cycle)), key=lambda k: ids.index(cycle[k]))
            cycle = cycle[first:] + cycle[: first + 1]
            field_error(
                ("milestones", ids.index(cycle[0]), "after"),
                "milestone dependencies form a cycle: " + " -> ".join(cycle),
            )
        if self.target_launch <= self.start_date:
            field_error(("target_launch",), f"target_launch {self.target_launch} is not after start_date")
        return self

    def order(self) -> list[Milestone]:
        """Milestones in an order where every milestone follows all of its predecessors."""
        by_id = {m.id: m for m in self.milestones}
        return [by_id[i] for i in self._graph().static_order()]

    def _graph(self) -> TopologicalSorter:
        return TopologicalSorter({m.id: m.after for m in self.milestones})


def _suggest(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
