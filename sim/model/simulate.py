"""One replication of one scenario: build the SimPy processes, run them to the horizon.

The caller hands in the random streams (one numpy Generator per subsystem) and a recorder;
the same streams give the same records, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.model import program
from sim.model.calendar import HOURS_PER_DAY
from sim.model.plant import Plant, Record, Setup
from sim.scenario import Scenario


@dataclass(frozen=True)
class Streams:
    """Independent random streams of one replication, one per subsystem."""

    program: np.random.Generator
    breakdowns: np.random.Generator
    demand: np.random.Generator
    supply: np.random.Generator


def simulate(scenario: Scenario, streams: Streams, record: Record, setup: Setup | None = None) -> int:
    """Run one replication, reporting to `record`; returns the number of SimPy events processed.

    `setup` (the calendar and demand, the same for every replication) may be passed in to
    compute it once per run.
    """
    setup = setup or Setup.of(scenario)
    calendar = setup.calendar
    env = simpy.Environment()
    plant = Plant(env, scenario, setup, record)
    env.process(plant.shifts())
    env.process(plant.months())
    if scenario.program is not None:
        durations = program.draw(scenario.program, streams.program)
        plan = program.schedule(scenario.program, durations)
        origin = calendar.hour(scenario.program.start_date)
        for m in scenario.program.milestones:
            record(
                origin + plan.start_days[m.id] * HOURS_PER_DAY, "milestone", "", m.id, durations[m.id] * HOURS_PER_DAY
            )
        sop = origin + plan.sop_days * HOURS_PER_DAY
        if sop < calendar.horizon_hours:
            env.process(plant.launch(sop))
        else:
            record(sop, "sop", "", "", 0.0)  # after the horizon: no contract production
    env.run()  # every process ends by the horizon; the last booking happens exactly at it
    return next(env._eid)  # SimPy's event counter: how many events were scheduled
