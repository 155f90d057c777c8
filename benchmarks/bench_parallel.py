"""Benchmark: replications in parallel, locally and on a Dask cluster, and memory per run.

Run: python benchmarks/bench_parallel.py [--replications 200] [--repeats 3] [--memory 1000]

Prints, medians over the repeats measured in this one run: the wall time of the baseline on
one process, on a local pool of 2 workers, and on a Dask LocalCluster of 2 single-threaded
worker processes on loopback (if the `dask` extra is installed); then the peak resident
memory of a run of `--memory` replications in a fresh process, next to the size of its
arrays and of the same run with a tenth of the replications.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"

MEMORY_PROBE = """
import resource, sys, sim
results = sim.run(sim.load(sys.argv[1]), replications=int(sys.argv[2]))
arrays = sum(a.nbytes for a in vars(results).values() if hasattr(a, "nbytes"))
arrays += sum(a.nbytes for a in results.reference.values())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, arrays)
"""


def wall(repeats: int, **kwargs) -> float:
    scenario = sim.load(BASELINE)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        sim.run(scenario, **kwargs)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def memory(replications: int) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(BASELINE), str(replications)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, arrays = out.stdout.split()
    return int(peak), int(arrays)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory", type=int, default=1000)
    args = parser.parse_args()
    n = args.replications
    one = wall(args.repeats, replications=n)
    two = wall(args.repeats, replications=n, workers=2)
    print(f"baseline, {n} replications, median of {args.repeats}:")
    print(f"  1 process:           {one:7.2f} s")
    print(f"  local pool, 2:       {two:7.2f} s   speed-up {one / two:.2f}x")
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  dask: not installed (pip install 'sim[dask]')")
    else:
        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
            dask = wall(args.repeats, replications=n, workers=2, executor="dask", scheduler=cluster.scheduler_address)
        print(f"  dask LocalCluster, 2: {dask:6.2f} s   {dask / two - 1:+.0%} against the local pool")
    small_peak, small_arrays = memory(args.memory // 10)
    peak, arrays = memory(args.memory)
    mib = 1024 * 1024
    print(
        f"peak memory, {args.memory // 10} replications: {small_peak / mib:7.1f} MiB (arrays {small_arrays / mib:.1f} MiB)"
    )
    print(f"peak memory, {args.memory} replications: {peak / mib:7.1f} MiB (arrays {arrays / mib:.1f} MiB)")
    print(f"growth: {(peak - small_peak) / mib:.1f} MiB for {(arrays - small_arrays) / mib:.1f} MiB more arrays")
    return 0


if __name__ == "__main__":
    sys.exit(main())
