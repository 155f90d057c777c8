"""The vehicle-level fidelity: one SimPy entity per vehicle, the cross-check of the batch model.

It shares with the batch model only the scenario, the plants' state (lines, shops, routes
and each line's drawn failures), the calendars, the demand factors and SOP; its rules are
its own, written from docs/model.md ("The vehicle-level model"), so that a mistake in one
fidelity's rules shows up as a disagreement between them. Its parts:

- `orders`: open demand, vehicles in flight, equal fill within a side, ramp and learning;
- `lines`: a line building one vehicle at a time on its axis of up hours, and its records;
- `starts`: what the first shop starts (campaigns, the contract's side, equal fill);
- `contract`: the owner/customer policies, as hours (for plans) and as turns (for lines);
- `kits`: the chip pool shared out at each delivery, and kits held by product;
- `buffers`: lanes between shops, blocking and starving, merging in campaigns;
- `quality`: the tests at every shop (pass, rework, scrap) on the quality stream;
- `timeline`: month starts, SOP, ramp steps, lane sizes and deliveries, in order.

SimPy events come only where a vehicle's state changes (a pass ends, a vehicle waits for
input or space) and at the instants of the timeline; shift ends and failures are arithmetic
on the lines' up-hour axes. Slow next to the batch model all the same: for short horizons.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator, Sequence

import numpy as np
import simpy

from sim.model.recorder import Sink
from sim.model.setup import Setup
from sim.model.state import State
from sim.model.vehicle.buffers import Buffer, Intake, Lane
from sim.model.vehicle.contract import Contract
from sim.model.vehicle.kits import Kits
from sim.model.vehicle.lines import Line
from sim.model.vehicle.orders import Orders
from sim.model.vehicle.quality import Inspection
from sim.model.vehicle.starts import Starts
from sim.model.vehicle.timeline import Timeline
from sim.scenario import Scenario

__all__ = ["VehicleLevel"]


class VehicleLevel:
    """The plants of one replication, vehicle by vehicle."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        setup: Setup,
        plant: State,
        demand_factors: np.ndarray,
        record: Sink,
        quality: np.random.Generator,
    ):
        self.env = env
        self.orders = Orders(scenario, plant, (setup.forecast * demand_factors).tolist(), record)
        inspection = Inspection(quality)
        self.lines = [
            Line(env, s, setup.calendars[s.plant], setup.months, self.orders, inspection) for s in plant.lines
        ]
        by_name = {line.name: line for line in self.lines}
        self.contract = Contract(scenario, [line for line in self.lines if line.last and line.customer], setup.months)
        first = [line for line in self.lines if line.stage == 0]
        self.kits = Kits(scenario, self.orders, first, self.contract, record) if scenario.supply is not None else None
        self.starts = Starts(env, self.orders, self.kits, self.contract)
        intake = Intake(self.orders, self.contract)
        self.buffers: list[Buffer] = []
        for line in self.lines:
            line.on_scrap = self.starts.scrapped  # a scrapped vehicle's demand wants another start
            if line.stage == 0:
                line.source = self.starts
                # Release in campaigns as long as the longest of a line with changeovers on its routes,
                # so that families reach every shop downstream in runs.
                routes = [plant.plants[line.spec.plant].routes.get(p, [line.spec]) for p in line.products]
                on_routes = {ln.name: ln for route in routes for ln in route} | {line.name: line.spec}
                line.campaign = max((ln.campaign for ln in on_routes.values() if ln.switch_hours > 0), default=0.0)
            else:
                line.source = intake
                line.campaign = line.spec.campaign if line.switch > 0 else 0.0
        for k in plant.plants:
            if not k.series:
                continue
            order = itertools.count()
            for s, size in enumerate(k.buffers):
                lanes = []
                for group in k.groups:
                    route = k.routes[group[0]]
                    lane = Lane(by_name[route[s + 1].name], order, group)
                    lanes.append(lane)
                    by_name[route[s + 1].name].lanes_in.append(lane)
                    lane.feeder = by_name[route[s].name]
                    for p in group:
                        by_name[route[s].name].lanes_out[p] = lane
                self.buffers.append(Buffer(size, lanes))
        self.timeline = Timeline(
            env, scenario, setup, self.orders, self.lines, self.starts, self.contract, self.kits, self.buffers, record
        )

    def start(self, sop_hour: float | None, speeds: Sequence[tuple[float, int, float]] = ()) -> None:
        """Register the processes: every line, the timeline (which reports at the horizon) and
        the lines' speed changes."""
        for line in self.lines:
            self.env.process(line.run())
        self.env.process(self.timeline.process(sop_hour))
        if speeds:
            self.env.process(self._speeds(speeds))

    def _speeds(self, speeds: Sequence[tuple[float, int, float]]) -> Generator[simpy.Event, None, None]:
        """A line's new speed holds for the passes it starts from then on."""
        for hour, k, jph in speeds:
            if hour > self.env.now:
                yield self.env.timeout(hour - self.env.now)
            self.lines[k].jph = jph
