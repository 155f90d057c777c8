"""Benchmark: the baseline's wall time per replication, where it goes, and the batch model
against the vehicle-level model.

Run: python benchmarks/bench_baseline.py [--scenario scenarios/baseline.yaml]
         [--replications 100] [--repeats 5] [--vehicle-replications 1]

Prints medians over the repeats, all measured in this one run (so ratios hold on a busy
machine):
- `sim.run` of N replications on one core (each replication with its counterfactuals, records
  folded into arrays): wall time in all and per replication;
- the model alone (`simulate` of the scenario with the contract), per replication: bookings,
  breakdown draws, and the rest (SimPy's event loop, demand and program draws), and the SimPy
  events it schedules;
- the batch model against the vehicle-level model on the scenario's first year, same seeds:
  wall time per replication of each, their ratio, and their mean output;
- the whole commands a planner types, each in a fresh process (start-up included): `sim run`
  of N replications writing its run directory and report, `sim validate`, `sim --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sim
from sim.experiment.seeding import streams
from sim.model import Setup, batch, breakdowns, simulate

ROOT = Path(__file__).resolve().parents[1]


class Stopwatch:
    """Seconds spent inside a function while in the `with` block, by wrapping it (called a few
    hundred times per replication, so the wrapper costs nothing measurable)."""

    def __init__(self, owner: object, name: str):
        self.owner, self.name, self.seconds = owner, name, 0.0

    def __enter__(self) -> Stopwatch:
        self.inner = inner = getattr(self.owner, self.name)

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began

        setattr(self.owner, self.name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.owner, self.name, self.inner)


def model_parts(scenario: sim.Scenario, replications: int) -> tuple[dict[str, float], int]:
    """(ms per replication by part, SimPy events per replication) of the model alone."""
    setup = Setup.of(scenario)
    events = 0
    with Stopwatch(batch.Batch, "book") as booking, Stopwatch(breakdowns, "failures") as drawing:
        began = time.perf_counter()
        for r in range(replications):
            events += simulate(scenario, streams(scenario.meta.seed, r), lambda *record: None, setup)
        wall = time.perf_counter() - began
    parts = {"bookings": booking.seconds, "breakdown draws": drawing.seconds}
    parts["the rest (event loop, draws)"] = wall - sum(parts.values())
    parts["simulate in all"] = wall
    return {k: v / replications * 1e3 for k, v in parts.items()}, events // replications


def first_year(scenario: sim.Scenario) -> sim.Scenario:
    start = scenario.meta.start_date
    end = dt.date(start.year + 1, start.month, start.day) - dt.timedelta(days=1)
    return scenario.model_copy(update={"meta": scenario.meta.model_copy(update={"end_date": end})})


def per_replication(scenario: sim.Scenario, replications: int, fidelity: str) -> tuple[float, float]:
    """(seconds per replication, mean output) of `sim.run`."""
    began = time.perf_counter()
    results = sim.run(scenario, replications=replications, fidelity=fidelity)
    return (time.perf_counter() - began) / replications, results.built.sum(axis=(1, 2)).mean()


def command(*args: str) -> float:
    """Wall seconds of `sim ARGS` in a fresh process."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", *args], check=True, capture_output=True)
    return time.perf_counter() - began


def commands(scenario: str, replications: int, repeats: int) -> dict[str, float]:
    """Median wall seconds of each whole command."""
    with tempfile.TemporaryDirectory() as tmp:
        run = ["run", scenario, "-n", str(replications), "--no-cache", "-q", "--force", "--out", f"{tmp}/run"]
        wanted = {
            f"sim run, {replications} replications": run,
            "sim validate": ["validate", scenario],
            "sim --help": ["--help"],
        }
        return {name: statistics.median(command(*args) for _ in range(repeats)) for name, args in wanted.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"))
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--vehicle-replications", type=int, default=1)
    args = parser.parse_args()
    scenario = sim.load(args.scenario)
    year = first_year(scenario)
    n, nv = args.replications, args.vehicle_replications

    walls: list[float] = []
    parts: dict[str, list[float]] = {}
    batch_year: list[float] = []
    events = 0
    for _ in range(args.repeats):
        began = time.perf_counter()
        sim.run(scenario, replications=n)
        walls.append(time.perf_counter() - began)
        ms, events = model_parts(scenario, n)
        for part, value in ms.items():
            parts.setdefault(part, []).append(value)
        batch_year.append(per_replication(year, 20 * nv, "batch")[0])
    vehicle_wall, vehicle_out = per_replication(year, nv, "vehicle")
    batch_out = sim.run(year, replications=nv).built.sum(axis=(1, 2)).mean()
    med = statistics.median
    print(f"scenario: {args.scenario} ({n} replications, median of {args.repeats} repeats)")
    print(f"sim.run, {n} replications, one core:      {med(walls):>10.2f} s")
    print(f"  per replication (with counterfactuals):  {med(walls) / n * 1e3:>10.2f} ms")
    print(f"the model alone (simulate, with the contract), per replication, {events:,} SimPy events:")
    for part, values in parts.items():
        print(f"  {part + ':':<40} {med(values):>10.2f} ms")
    print(f"first year ({year.meta.start_date} to {year.meta.end_date}), sim.run per replication:")
    print(f"  batch:                                   {med(batch_year) * 1e3:>10.2f} ms")
    print(f"  vehicle level:                           {vehicle_wall * 1e3:>10.2f} ms")
    print(f"  batch is {vehicle_wall / med(batch_year):,.0f}x faster")
    print(
        f"  mean output over {nv}: batch {batch_out:,.0f}, vehicle {vehicle_out:,.0f} ({vehicle_out / batch_out - 1:+.2%})"
    )
    print("whole commands, each in a fresh process (start-up and the run directory included):")
    for name, seconds in commands(args.scenario, n, args.repeats).items():
        print(f"  {name + ':':<40} {seconds:>10.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
