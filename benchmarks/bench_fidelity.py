"""Benchmark: the batch model against the vehicle-level model on the same one-year scenario.

Run: python benchmarks/bench_fidelity.py [--scenario scenarios/baseline.yaml] [--replications 3]

Cuts the scenario to its first year, runs both fidelities on the same seeds, and prints the
wall time per replication of each (medians), their ratio, the SimPy events per replication
and the mean output of each (the cross-check: they should agree within 2%).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[1]


def one_year(scenario: sim.Scenario) -> sim.Scenario:
    start = scenario.meta.start_date
    end = dt.date(start.year + 1, start.month, start.day) - dt.timedelta(days=1)
    return scenario.model_copy(update={"meta": scenario.meta.model_copy(update={"end_date": end})})


def timed(scenario: sim.Scenario, fidelity: str, replications: int, repeats: int) -> tuple[float, sim.results.Results]:
    walls = []
    for _ in range(repeats):
        began = time.perf_counter()
        results = sim.run(scenario, replications=replications, fidelity=fidelity)
        walls.append((time.perf_counter() - began) / replications)
    return statistics.median(walls), results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"))
    parser.add_argument("--replications", type=int, default=3)
    args = parser.parse_args()
    scenario = one_year(sim.load(args.scenario))
    batch_wall, batch = timed(scenario, "batch", 20 * args.replications, 5)
    vehicle_wall, vehicle = timed(scenario, "vehicle", args.replications, 1)
    n = args.replications
    out_b = batch.built[:n].sum(axis=(1, 2)).mean()
    out_v = vehicle.built.sum(axis=(1, 2)).mean()
    print(f"scenario: {args.scenario}, {scenario.meta.start_date} to {scenario.meta.end_date}")
    print(f"batch:   {batch_wall * 1000:10.2f} ms per replication, {batch.events // batch.replications:>9,} events")
    print(
        f"vehicle: {vehicle_wall * 1000:10.2f} ms per replication, {vehicle.events // vehicle.replications:>9,} events"
    )
    print(f"speed-up of batch over vehicle: {vehicle_wall / batch_wall:,.0f}x")
    print(f"mean output over {n} replications: batch {out_b:,.0f}, vehicle {out_v:,.0f} ({out_v / out_b - 1:+.2%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
