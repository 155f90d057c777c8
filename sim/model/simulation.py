"""One replication of one scenario: build the plant's state and a fidelity's processes, run
them to the horizon.

The caller hands in the random streams (one numpy Generator per subsystem) and a record
sink; the same streams give the same records, bit for bit. Both fidelities get the same
inputs: the plants' state with each line's failures drawn from its own stream, the demand
factors, and the SOP from the launch program's draws.
"""

from __future__ import annotations

from typing import Protocol

import simpy

from sim.model import breakdowns, program, state
from sim.model import demand as demand_model
from sim.model.calendar import HOURS_PER_DAY
from sim.model.recorder import Kind, Sink
from sim.model.setup import Setup
from sim.model.streams import Streams, child
from sim.scenario import Scenario
from sim.scenario.plant import Breakdowns

FIDELITIES = ("batch", "vehicle")


class Fidelity(Protocol):
    """What a fidelity does with a replication's inputs: start its SimPy processes."""

    def start(self, sop_hour: float | None, speeds: list[tuple[float, int, float]]) -> None:
        """Register the processes; `sop_hour` is None when SOP falls after the horizon (or there is no
        program); `speeds` are the lines' speed changes, (clock hour, line index, jph) in time order."""


def simulate(
    scenario: Scenario,
    streams: Streams,
    record: Sink,
    setup: Setup | None = None,
    fidelity: str = "batch",
    book_every_hours: float | None = None,
    drawn: dict[tuple[str, Breakdowns], breakdowns.Downtime] | None = None,
) -> int:
    """Run one replication, reporting to `record`; returns the number of SimPy events processed.

    `setup` (calendars, forecasts and deliveries, the same for every replication) may be
    passed in to compute it once per run. `fidelity` is ``batch`` (production booked in exact
    batches between events) or ``vehicle`` (one entity per vehicle: the slow cross-check).
    `book_every_hours` adds booking instants at that interval to the batch model (results do
    not depend on it; tests use it to show so). `drawn` keeps each line's failures by (name,
    spec) for simulations on the same streams (a replication's counterfactuals), which would
    draw the very same ones.
    """
    if fidelity not in FIDELITIES:
        raise ValueError(f"unknown fidelity {fidelity!r}; choose one of {', '.join(FIDELITIES)}")
    setup = setup or Setup.of(scenario)
    env = simpy.Environment()
    plant = state.build(scenario)
    drawn = {} if drawn is None else drawn
    for line, spec in zip(plant.lines, scenario.all_lines(), strict=True):
        if spec.breakdowns is not None:
            key = (line.name, spec.breakdowns)
            if key not in drawn:
                rng = child(streams.breakdowns, line.name)
                drawn[key] = breakdowns.failures(spec.breakdowns, setup.calendars[line.plant], rng)
            line.down = drawn[key]
    factors = demand_model.factors(scenario.products, len(setup.months), streams.demand)
    sop: float | None = None
    finished: dict[str, float] = {}  # each milestone's completion, clock hours
    if scenario.program is not None:
        durations = program.draw(scenario.program, streams.program)
        plan = program.schedule(scenario.program, durations)
        origin = setup.calendars[0].hour(scenario.program.start_date)
        for m in scenario.program.milestones:
            start = origin + plan.start_days[m.id] * HOURS_PER_DAY
            record(start, Kind.MILESTONE, "", m.id, durations[m.id] * HOURS_PER_DAY)
            finished[m.id] = start + durations[m.id] * HOURS_PER_DAY
        sop = origin + plan.sop_days * HOURS_PER_DAY
        if sop >= setup.months[-1].end_hour:
            record(sop, Kind.SOP, "", "", 0.0)  # after the horizon: no contract production
            sop = None
    model: Fidelity
    if fidelity == "batch":
        from sim.model.batch import Batch

        model = Batch(env, scenario, setup, plant, factors, record, book_every_hours)
    else:
        from sim.model.vehicle import VehicleLevel

        model = VehicleLevel(env, scenario, setup, plant, factors, record, streams.quality)
    model.start(sop, speed_changes(scenario, setup, finished))
    env.run()  # every process ends by the horizon; the last booking happens exactly at it
    return next(env._eid)  # SimPy's event counter: how many events were scheduled


def speed_changes(scenario: Scenario, setup: Setup, finished: dict[str, float]) -> list[tuple[float, int, float]]:
    """(clock hour, line index, jph) of every line's speed changes inside the horizon, in time order."""
    out = []
    end = setup.months[-1].end_hour
    for k, spec in enumerate(scenario.all_lines()):
        for change in spec.speed_changes:
            if change.first_day is not None:
                hour = setup.calendars[0].hour(change.first_day)
            elif change.milestone in finished:
                hour = finished[change.milestone]
            else:
                continue  # no launch program (the counterfactual without the contract): no change
            if hour < end:
                out.append((hour, k, change.jph))
    return sorted(out, key=lambda c: c[0])  # stable: a line's own changes keep their order at a tie
