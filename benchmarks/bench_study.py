"""Benchmark: a study's replications on one process, a local pool and a Dask cluster.

Run: python benchmarks/bench_study.py [--candidates 40] [--replications 10] [--years 1] [--repeats 3]

A study (`sim optimize`, a sweep) runs many scenarios a few replications each. This times
`run_many` on the same work, medians of the repeats measured in this one run:

- in this process (the work itself: what no executor can beat);
- on a local pool of 2 workers: its wall time, and its CPU time (this process's and its
  workers') against this process's alone: the excess is the executor's overhead (sending
  scenarios and results, setting each scenario up, starting the pool), which the CPU time
  shows even when the machine is too busy for a clean speed-up;
- on a Dask LocalCluster of 2 single-threaded workers (wall time).

The candidates are the baseline with its reserved share stepped from 0.20, over a horizon of
`--years` from its start (one year: replications of about 5 ms, where per-chunk costs show).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
from pathlib import Path

import sim
from sim.experiment.runner import run_many
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def candidates(count: int, years: int) -> list[Scenario]:
    """The baseline over `years`, with `count` reserved shares from 0.20 in steps of 0.01."""
    base = sim.load(ROOT / "scenarios" / "baseline.yaml")
    start = base.meta.start_date
    end = dt.date(start.year + years, start.month, start.day) - dt.timedelta(days=1)
    out = []
    for k in range(count):
        meta = base.meta.model_copy(update={"end_date": min(end, base.meta.end_date)})
        contract = base.contract.model_copy(update={"reserved_share": round(0.20 + 0.01 * k, 2)})
        out.append(base.model_copy(update={"meta": meta, "contract": contract}))
    return out


def timed(repeats: int, jobs: list, **options: object) -> tuple[float, float]:
    """Median wall and CPU seconds (this process and the workers it waited for) of `run_many`."""
    walls, cpus = [], []
    for _ in range(repeats):
        began, cpu = time.perf_counter(), _cpu()
        run_many(jobs, 1, **options)
        walls.append(time.perf_counter() - began)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    jobs = [(s, range(args.replications)) for s in candidates(args.candidates, args.years)]
    total = args.candidates * args.replications
    run_many(jobs[:1], 1)  # warm up this process (imports, first set-up)
    here, here_cpu = timed(args.repeats, jobs)
    pool, pool_cpu = timed(args.repeats, jobs, workers=2)
    print(
        f"{args.candidates} candidates x {args.replications} replications, {args.years} year(s), median of {args.repeats}:"
    )
    print(f"  this process:          {here:7.2f} s   {here / total * 1000:6.2f} ms a replication")
    print(f"  local pool, 2 workers: {pool:7.2f} s   speed-up {here / pool:.2f}x")
    print(
        f"    CPU: {pool_cpu:.2f} s against {here_cpu:.2f} s in this process: overhead {pool_cpu / here_cpu - 1:+.1%}"
    )
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  dask: not installed (pip install 'sim[dask]')")
        return 0
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        dask, _ = timed(args.repeats, jobs, workers=2, executor="dask", scheduler=cluster.scheduler_address)
    print(f"  dask LocalCluster, 2:  {dask:7.2f} s   {dask / pool - 1:+.1%} against the local pool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
