"""One replication of one scenario: build the SimPy processes, run them to the horizon.

The caller hands in the random streams (one numpy Generator per subsystem) and a recorder;
the same streams give the same records, bit for bit.
"""

from __future__ import annotations

import simpy

from sim.model import breakdowns, program
from sim.model import demand as demand_model
from sim.model.calendar import HOURS_PER_DAY
from sim.model.production import Production, Record, Setup
from sim.model.streams import Streams, child
from sim.model.vehicles import VehicleProduction
from sim.scenario import Scenario

FIDELITIES = ("batch", "vehicle")


def simulate(
    scenario: Scenario, streams: Streams, record: Record, setup: Setup | None = None, fidelity: str = "batch"
) -> int:
    """Run one replication, reporting to `record`; returns the number of SimPy events processed.

    `setup` (calendars and forecasts, the same for every replication) may be passed in to
    compute it once per run. `fidelity` is ``batch`` (production booked in exact batches between
    events) or ``vehicle`` (one entity per vehicle: the slow cross-check).
    """
    setup = setup or Setup.of(scenario)
    env = simpy.Environment()
    factors = demand_model.factors(scenario.products, len(setup.months), streams.demand)
    if fidelity == "vehicle":
        production = VehicleProduction(env, scenario, setup, factors, record, streams.quality)
    elif fidelity == "batch":
        production = Production(env, scenario, setup, factors, record)
    else:
        raise ValueError(f"unknown fidelity {fidelity!r}; choose one of {', '.join(FIDELITIES)}")
    for k in range(len(scenario.plants)):
        env.process(production.shifts(k))
    env.process(production.months())
    for line, spec in zip(production.lines, scenario.all_lines(), strict=True):
        if spec.breakdowns is not None:
            rng = child(streams.breakdowns, line.name)
            line.down = breakdowns.failures(spec.breakdowns, setup.calendars[line.plant], rng)
    if isinstance(production, VehicleProduction):
        production.start()
    if scenario.program is not None:
        durations = program.draw(scenario.program, streams.program)
        plan = program.schedule(scenario.program, durations)
        origin = setup.calendars[0].hour(scenario.program.start_date)
        for m in scenario.program.milestones:
            record(
                origin + plan.start_days[m.id] * HOURS_PER_DAY, "milestone", "", m.id, durations[m.id] * HOURS_PER_DAY
            )
        sop = origin + plan.sop_days * HOURS_PER_DAY
        if sop < setup.months[-1].end_hour:
            env.process(production.launch(sop))
        else:
            record(sop, "sop", "", "", 0.0)  # after the horizon: no contract production
    env.run()  # every process ends by the horizon; the last booking happens exactly at it
    return next(env._eid)  # SimPy's event counter: how many events were scheduled
