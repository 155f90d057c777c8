"""The `program` section: the contract product's launch program.

Milestones form a network (each starts when all the milestones it comes `after` are done);
their durations are drawn per replication. SOP is the completion of the whole program.
The plant owner's engineering assistance multiplies the duration of every assisted
milestone by `engineering_assist` (0.8 = 20% faster), drawn from the same random numbers
so that an assisted and an unassisted scenario differ only by the assist.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from sim.scenario.base import Ident, Section, field_error, unique_ids
from sim.scenario.distributions import Distribution


class Milestone(Section):
    """One step of the launch program."""

    id: Ident = Field(description="Milestone id, unique in the program.")
    name: str = Field("", max_length=80, description="Readable name for reports (default: the id).")
    after: list[Ident] = Field([], description="Ids of the milestones that must finish before this one starts.")
    duration_days: Distribution = Field(description="Duration in calendar days, as a distribution.")
    assisted: bool = Field(True, description="Whether the plant owner's engineering assistance shortens it.")


class Program(Section):
    """The contract product's launch program, from go-ahead to start of production."""

    start_date: dt.date = Field(description="Date the program starts (YYYY-MM-DD).")
    target_launch: dt.date = Field(description="Date by which SOP is wanted (YYYY-MM-DD); on time means on or before.")
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
        cycle = _find_cycle({m.id: m.after for m in self.milestones})
        if cycle:
            i = next(i for i, m in enumerate(self.milestones) if m.id == cycle[0])
            field_error(("milestones", i, "after"), "milestone dependencies form a cycle: " + " -> ".join(cycle))
        if self.target_launch <= self.start_date:
            field_error(("target_launch",), f"target_launch {self.target_launch} is not after start_date")
        return self

    def order(self) -> list[Milestone]:
        """Milestones in an order where every milestone follows all of its predecessors."""
        done: set[str] = set()
        out: list[Milestone] = []
        pending = list(self.milestones)
        while pending:
            ready = [m for m in pending if set(m.after) <= done]
            out += ready
            done |= {m.id for m in ready}
            pending = [m for m in pending if m.id not in done]
        return out


def _suggest(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _find_cycle(after: dict[str, list[str]]) -> list[str]:
    """A dependency cycle as a list of ids (first id repeated at the end), or [] if none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for dep in after.get(node, []):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep in after and dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in after:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []
