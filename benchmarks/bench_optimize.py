"""Benchmark: the baseline's reserved-share-and-fee study answered with two workers, and what it
cost against a full grid.

Run: python benchmarks/bench_optimize.py [--study scenarios/studies/reserve_and_fee.yaml]
         [--workers 2] [--repeats 3]

Each repeat answers the study from scratch (no result cache) and prints its wall time, the
candidates it evaluated, the simulations and replications it ran, and its answer; the summary
gives the median wall time and compares the replications with a full grid at every variable's
stated resolution giving each candidate as many replications as the chosen terms got (search plus
fresh), with and without money-only terms sharing a simulation. The target is under 60 s with two
workers on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from sim.experiment.optimize import optimize
from sim.experiment.study import load_study

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=str(ROOT / "scenarios" / "studies" / "reserve_and_fee.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    study = load_study(args.study)
    walls = []
    for k in range(args.repeats):
        result = optimize(study, workers=args.workers, cache=False)
        walls.append(result.wall_seconds)
        chosen = result.chosen
        answer = chosen.label() if chosen else f"front of {len(result.front)}"
        print(
            f"repeat {k + 1}: {result.wall_seconds:5.1f} s, {len(result.candidates)} candidates, "
            f"{result.simulated} simulations, {result.replications} replications; {answer}"
        )
    per = result.full_grid_replications // max(result.full_grid_candidates, 1)
    print(f"\nstudy {study.name}, {args.workers} workers, median of {args.repeats}: {statistics.median(walls):.1f} s")
    print(
        f"replications: {result.replications:,} ({result.simulated} simulations, {len(result.candidates)} candidates)"
    )
    print(
        f"full grid at the stated resolutions: {result.full_grid_candidates:,} candidates x {per} replications = "
        f"{result.full_grid_replications:,} ({result.full_grid_replications / result.replications:,.0f}x); "
        f"with money-only terms sharing simulations {result.full_grid_simulated_replications:,} "
        f"({result.full_grid_simulated_replications / result.replications:,.1f}x)"
    )


if __name__ == "__main__":
    main()
