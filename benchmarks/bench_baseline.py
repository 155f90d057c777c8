"""Benchmark: the baseline scenario's Monte Carlo speed next to bare SimPy's event rate.

Run: python benchmarks/bench_baseline.py [--replications 100] [--repeats 5]

Prints, as medians over the repeats (all measured in this one run, so the ratios hold on a
busy machine):
- bare SimPy: timeouts per second of one process yielding `env.timeout(1)` in a loop;
- the model alone: SimPy events per second inside `simulate` (the event loop plus booking),
  and where its time goes: bookings, drawing the breakdowns, and the rest (the event loop with
  its shift, month and launch processes, demand and program draws);
- the whole run: `sim.run` wall time for N replications (model with and without the
  contract, folding records into arrays), events per replication and events per second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import simpy

import sim
from sim.experiment.seeding import streams
from sim.model import Setup, breakdowns, production, simulate

ROOT = Path(__file__).resolve().parents[1]


def bare_simpy_rate(n: int = 1_000_000) -> float:
    """Timeouts per second of the simplest SimPy process."""

    def ticker(env: simpy.Environment):
        for _ in range(n):
            yield env.timeout(1)

    env = simpy.Environment()
    env.process(ticker(env))
    began = time.perf_counter()
    env.run()
    return n / (time.perf_counter() - began)


class Stopwatch:
    """Seconds spent inside a function while in the `with` block, by wrapping it (called a few
    times per replication, so the wrapper costs nothing measurable)."""

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


def model_rate(scenario: sim.Scenario, replications: int) -> tuple[float, int, dict[str, float]]:
    """(events per second, events per replication, ms per replication by part) of the model alone."""
    setup = Setup.of(scenario)
    events = 0
    with Stopwatch(production.Production, "_book_lines") as booking, Stopwatch(breakdowns, "failures") as drawing:
        began = time.perf_counter()
        for r in range(replications):
            events += simulate(scenario, streams(scenario.meta.seed, r), lambda *record: None, setup)
        wall = time.perf_counter() - began
    seconds = {"bookings": booking.seconds, "breakdown draws": drawing.seconds}
    seconds["the rest (event loop, draws, months)"] = wall - sum(seconds.values())
    return events / wall, events // replications, {k: v / replications * 1e3 for k, v in seconds.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"))
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scenario = sim.load(args.scenario)

    bare, model, run_wall, run_rate = [], [], [], []
    parts: dict[str, list[float]] = {}
    per_rep = 0
    for _ in range(args.repeats):
        bare.append(bare_simpy_rate())
        rate, per_rep, ms = model_rate(scenario, args.replications)
        model.append(rate)
        for part, value in ms.items():
            parts.setdefault(part, []).append(value)
        began = time.perf_counter()
        results = sim.run(scenario, replications=args.replications)
        run_wall.append(time.perf_counter() - began)
        run_rate.append(results.events / run_wall[-1])
    med = statistics.median
    print(f"scenario: {args.scenario} ({args.replications} replications, median of {args.repeats} repeats)")
    print(f"bare SimPy timeouts/s:                   {med(bare):>12,.0f}")
    print(f"model events/s (simulate only):          {med(model):>12,.0f}  ({med(model) / med(bare):.0%} of bare)")
    print(f"events per replication (with contract):  {per_rep:>12,}")
    print(f"  the same events in bare SimPy:           {per_rep / med(bare) * 1e3:>12.2f} ms per replication")
    for part, values in parts.items():
        print(f"  {part + ':':<39} {med(values):>12.2f} ms per replication")
    print(f"events per replication (sim.run, both):  {results.events // args.replications:>12,}")
    print(
        f"sim.run events/s (incl. folding):        {med(run_rate):>12,.0f}  ({med(run_rate) / med(bare):.0%} of bare)"
    )
    print(f"sim.run wall time, {args.replications} replications:      {med(run_wall):>12.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
