"""Temporary adapter: the previous vehicle-level model until its independent rewrite lands."""

from __future__ import annotations

import numpy as np
import simpy

from sim.model import _legacy_production as legacy
from sim.model._legacy_vehicles import VehicleProduction
from sim.model.recorder import Sink
from sim.model.setup import Setup
from sim.model.state import State
from sim.scenario import Scenario


class VehicleLevel:
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
        self.production = VehicleProduction(env, scenario, legacy.Setup.of(scenario), demand_factors, record, quality)
        for line, new in zip(self.production.lines, plant.lines, strict=True):
            line.down = new.down

    def start(self, sop_hour: float | None) -> None:
        p = self.production
        for k in range(len(p.setup.calendars)):
            self.env.process(p.shifts(k))
        self.env.process(p.months())
        p.start()
        if sop_hour is not None:
            self.env.process(p.launch(sop_hour))
