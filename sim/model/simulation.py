"""One replication of one scenario: build the plant's state and a fidelity's processes, run
them to the horizon.

The caller hands in the random streams (one numpy Generator per subsystem) and a record
sink; the same streams give the same records, bit for bit. Both fidelities get the same
inputs: the plants' state with each line's failures drawn from its own stream, the demand
factors, and the SOP from the launch program's draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import simpy

from sim.model import breakdowns, program, ramp, state, worktime
from sim.model import demand as demand_model
from sim.model.calendar import HOURS_PER_DAY
from sim.model.recorder import Kind, Sink
from sim.model.setup import Setup
from sim.model.streams import Streams, child
from sim.scenario import Scenario

FIDELITIES = ("batch", "vehicle")


class Fidelity(Protocol):
    """What a fidelity does with a replication's inputs: start its SimPy processes."""

    def start(self, sop_hour: float | None, speeds: list[tuple[float, int, float]]) -> None:
        """Register the processes; `sop_hour` is None when SOP falls after the horizon (or there is no
        program); `speeds` are the lines' speed changes, (clock hour, line index, jph) in time order."""


@dataclass
class Simulation:
    """One replication of one scenario, built and ready to run: its clock, its model (a
    fidelity), its plants' state, its SOP and its lines' speed changes."""

    env: simpy.Environment
    model: Fidelity
    plant: state.State
    sop: float | None  # clock hour; None when SOP falls after the horizon (or there is no program)
    speeds: list[tuple[float, int, float]]

    def run(self) -> int:
        """Run it to the horizon; returns the number of SimPy events processed."""
        self.model.start(self.sop, self.speeds)
        self.env.run()  # every process ends by the horizon; the last booking happens exactly at it
        return next(self.env._eid)  # SimPy's event counter: how many events were scheduled


def simulate(
    scenario: Scenario,
    streams: Streams,
    record: Sink,
    setup: Setup | None = None,
    fidelity: str = "batch",
    book_every_hours: float | None = None,
    drawn: dict[tuple, Any] | None = None,
) -> int:
    """Run one replication, reporting to `record`; returns the number of SimPy events processed.

    `setup` (calendars, forecasts and deliveries, the same for every replication) may be
    passed in to compute it once per run. `fidelity` is ``batch`` (production booked in exact
    batches between events) or ``vehicle`` (one entity per vehicle: the slow cross-check).
    `book_every_hours` adds booking instants at that interval to the batch model (results do
    not depend on it; tests use it to show so). `drawn` keeps the draws (each line's failures
    by name and spec, each product's demand factors, the launch program's durations) for
    simulations on the same streams (a replication's counterfactuals), which would draw the
    very same ones.
    """
    return build(scenario, streams, record, setup, fidelity, book_every_hours, drawn).run()


def build(
    scenario: Scenario,
    streams: Streams,
    record: Sink,
    setup: Setup | None = None,
    fidelity: str = "batch",
    book_every_hours: float | None = None,
    drawn: dict[tuple, Any] | None = None,
    built_only: bool = False,
) -> Simulation:
    """One replication built as `simulate` runs it: every draw made (milestones, failures,
    demand), nothing booked yet. `built_only`: a counterfactual's run, read only for the
    vehicles it builds and its overtime, books no other records (`ledger.BuiltOnly`; the batch
    fidelity)."""
    if fidelity not in FIDELITIES:
        raise ValueError(f"unknown fidelity {fidelity!r}; choose one of {', '.join(FIDELITIES)}")
    setup = setup or Setup.of(scenario)
    env = simpy.Environment()
    plant = state.build(scenario)
    drawn = {} if drawn is None else drawn
    factors = demand_model.factors(scenario.products, len(setup.months), streams.demand, drawn)
    sop: float | None = None
    started: dict[str, float] = {}  # each milestone's start, clock hours
    finished: dict[str, float] = {}  # ... and completion
    if scenario.program is not None:
        # (by identity: a program holds lists, so it has no hash; the counterfactuals share it)
        kept = drawn.get(("program", id(scenario.program)))
        if kept is None or kept[0] is not scenario.program:
            durations = program.draw(scenario.program, streams.program)
            kept = drawn[("program", id(scenario.program))] = (
                scenario.program,
                durations,
                program.schedule(scenario.program, durations),
            )
        _, durations, plan = kept
        origin = setup.calendars[0].hour(scenario.program.start_date)
        for m in scenario.program.milestones:
            started[m.id] = origin + plan.start_days[m.id] * HOURS_PER_DAY
            record((started[m.id], Kind.MILESTONE, "", m.id, durations[m.id] * HOURS_PER_DAY))
            finished[m.id] = started[m.id] + durations[m.id] * HOURS_PER_DAY
        sop = origin + plan.sop_days * HOURS_PER_DAY
        if sop >= setup.months[-1].end_hour:
            record((sop, Kind.SOP, "", "", 0.0))  # after the horizon: no contract production
            sop = None
    claimed = worktime.claimed(scenario)
    for k, (line, spec) in enumerate(zip(plant.lines, scenario.all_lines(), strict=True)):
        calendar = setup.calendars[line.plant]
        if worktime.plain(setup, line.plant, spec, claimed, k):
            if spec.breakdowns is not None:
                key = (line.name, spec.breakdowns)
                if key not in drawn:
                    rng = child(streams.breakdowns, line.name)
                    drawn[key] = breakdowns.failures(spec.breakdowns, calendar, rng)
                line.down = line.off = drawn[key]
            continue
        # A line with a working time of its own: its failures count that time.
        work = worktime.worktime(scenario, setup, line.plant, k, spec, started, finished)
        if spec.breakdowns is not None:
            key = (line.name, spec.breakdowns, work.key)
            if key not in drawn:
                drawn[key] = breakdowns.failures(spec.breakdowns, work.calendar, child(streams.breakdowns, line.name))
            line.down = drawn[key]
        line.off = worktime.off(work, line.down, calendar)
        line.closed = work.closed
        line.claims = work.claims
        line.overtime = work.overtime
    model: Fidelity
    if fidelity == "batch":
        from sim.model.batch import Batch

        model = Batch(env, scenario, setup, plant, factors, record, book_every_hours, built_only)
    else:
        from sim.model.vehicle import VehicleLevel

        model = VehicleLevel(env, scenario, setup, plant, factors, record, streams.quality)
    return Simulation(env, model, plant, sop, speed_changes(scenario, setup, finished))


def speed_changes(scenario: Scenario, setup: Setup, finished: dict[str, float]) -> list[tuple[float, int, float]]:
    """(clock hour, line index, jph) of every line's speed changes inside the horizon, in time
    order: its rated speed's changes, times its ramp-up's share from its commissioning."""
    out = []
    end = setup.months[-1].end_hour
    day = setup.calendars[0].hour
    for k, spec in enumerate(scenario.all_lines()):
        rated: list[tuple[float, float]] = []  # (hour, jph) of the rated speed
        for change in spec.speed_changes:
            if change.first_day is not None:
                rated.append((day(change.first_day), change.jph))
            elif change.milestone in finished:
                rated.append((finished[change.milestone], change.jph))
            # else: no launch program (the counterfactual without the contract): no change
        share: list[tuple[float, float]] = []  # (hour, share of the rated speed) of its ramp-up
        c = spec.commissioned
        if c is not None and c.ramp is not None:
            at = day(c.first_day) if c.first_day is not None else finished.get(c.milestone or "", math.inf)
            share = [(at + d * HOURS_PER_DAY, v) for d, v in ramp.steps(c.ramp)]
        jph, fraction = spec.jph, share[0][1] if share else 1.0
        if share:
            out.append((0.0, k, jph * fraction))
        for hour, what, value in sorted([(h, 0, v) for h, v in rated] + [(h, 1, v) for h, v in share]):
            if what == 0:
                jph = value
            else:
                fraction = value
            if hour < end:
                out.append((hour, k, jph * fraction))
    return sorted(out, key=lambda c: c[0])  # stable: a line's own changes keep their order at a tie
