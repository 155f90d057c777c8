"""Benchmark: shops in series against the baseline, per replication (issue 14: at most 3x).

Run: python benchmarks/bench_shops.py [--replications 10] [--repeats 5]

`sim.run` of N replications (each with its counterfactuals) of scenarios/shops.yaml and of 10N
of scenarios/baseline.yaml, in turn, on one core; prints the median CPU milliseconds per
replication of each, the median of their ratio taken pair by pair (so it holds on a busy
machine), and the share of the shops run spent in the fluid flow of its routes (`flow`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import sim
from sim.model import shops

ROOT = Path(__file__).resolve().parents[1]


def per_replication(scenario: sim.Scenario, replications: int) -> tuple[float, float]:
    """(CPU ms per replication of `sim.run`, of it in `flow`)."""
    inner = shops.flow
    spent = 0.0

    def timed(*args, **kwargs):
        nonlocal spent
        began = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent += time.process_time() - began

    shops.flow = timed
    try:
        began = time.process_time()
        sim.run(scenario, replications, None)
        return (time.process_time() - began) / replications * 1e3, spent / replications * 1e3
    finally:
        shops.flow = inner


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    series, base = sim.load(ROOT / "scenarios" / "shops.yaml"), sim.load(ROOT / "scenarios" / "baseline.yaml")
    sim.run(series, 1, None), sim.run(base, 1, None)  # warm up: imports, caches
    # The baseline is about ten times cheaper: ten times its replications take about as long.
    runs = [
        (per_replication(series, args.replications), per_replication(base, 10 * args.replications)[0])
        for _ in range(args.repeats)
    ]
    median = statistics.median
    print(
        f"shops     {median(s for (s, _), _ in runs):7.1f} ms/replication ({median(f for (_, f), _ in runs):.1f} in flow)"
    )
    print(f"baseline  {median(b for _, b in runs):7.1f} ms/replication")
    print(
        f"ratio     {median(s / b for (s, _), b in runs):7.2f} (median of {len(runs)} pairs; issue 14 asks for 3 or less)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
