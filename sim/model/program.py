"""The launch program: milestone durations drawn for one replication, and their schedule.

Every milestone starts when all the milestones it comes after have finished (as soon as
the program starts if it has none) and lasts its drawn duration, shortened by the owner's
engineering assistance where it applies. SOP is when the last milestone finishes. Draws
are made in the order milestones are listed, one uniform each, so that changing one
milestone's parameters or the assist factor leaves the others' draws untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.distributions import sampler
from sim.scenario.program import Program


@dataclass(frozen=True)
class Schedule:
    """Start and finish of every milestone, in days from the program's start."""

    start_days: dict[str, float]
    finish_days: dict[str, float]

    @property
    def sop_days(self) -> float:
        return max(self.finish_days.values())


def draw(program: Program, rng: np.random.Generator) -> dict[str, float]:
    """Duration in days of every milestone for one replication (assist applied)."""
    return {
        m.id: sampler(m.duration_days)(rng) * (program.engineering_assist if m.assisted else 1.0)
        for m in program.milestones
    }


def schedule(program: Program, durations: dict[str, float]) -> Schedule:
    """Earliest start and finish of each milestone given its duration (the critical path method)."""
    start: dict[str, float] = {}
    finish: dict[str, float] = {}
    for m in program.order():
        start[m.id] = max((finish[d] for d in m.after), default=0.0)
        finish[m.id] = start[m.id] + durations[m.id]
    return Schedule(start, finish)
