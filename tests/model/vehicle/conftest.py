"""Helpers for the vehicle-level tests: run one replication and keep the model and its records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pytest

import sim.model.vehicle as vehicle
from sim.experiment.seeding import streams
from sim.model import Setup, simulate
from sim.model.recorder import Recorder
from sim.scenario import Scenario


@dataclass
class Run:
    """One vehicle-level replication: the model as the horizon left it, and its records."""

    model: vehicle.VehicleLevel
    records: list[tuple]

    def total(self, kind: str, where: str | None = None, what: str | None = None) -> float:
        return sum(
            q
            for _, k, w, p, q in self.records
            if k == kind and (where is None or w == where) and (what is None or p == what)
        )

    def by(self, kind: str) -> dict[str, float]:
        """Totals of `kind` by product (or by line for hour kinds)."""
        out: dict[str, float] = defaultdict(float)
        for _, k, w, p, q in self.records:
            if k == kind:
                out[p or w] += q
        return dict(out)


def run(scenario: Scenario, replication: int = 0, seed: int | None = None) -> Run:
    """Run one replication of `scenario` at vehicle level."""
    made: list[vehicle.VehicleLevel] = []

    class Kept(vehicle.VehicleLevel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    rec = Recorder()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vehicle, "VehicleLevel", Kept)
        simulate(
            scenario,
            streams(scenario.meta.seed if seed is None else seed, replication),
            rec,
            Setup.of(scenario),
            "vehicle",
        )
    return Run(made[0], rec.records)
