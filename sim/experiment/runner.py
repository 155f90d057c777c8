"""Running replications of a scenario and folding their records into Results.

Each replication also runs its counterfactuals on the same random streams: without the
contract (the owner's products alone: the reference for own-brand units lost to sharing)
and, when the scenario has chip disruptions, with the nominal chip supply (the reference
for units lost to the shortage). A replication depends only on (scenario, seed, index), so
replications may run in any order, in any process: `workers` > 1 spreads them over a pool
of local processes, and the results are merged in index order, identical whatever the pool.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.experiment.executors import completed
from sim.experiment.seeding import streams
from sim.model import Setup, simulate
from sim.model.recorder import Recorder
from sim.results.results import Results, fold, fold_built
from sim.scenario import Scenario


def counterfactuals(scenario: Scenario) -> dict[str, Scenario]:
    """The scenarios whose output, on the same streams, measures what the real one costs."""
    out = {}
    if scenario.contract is not None:
        out["without_contract"] = scenario.without_contract()
    if scenario.without_chip_disruptions() is not scenario:
        out["without_chip_disruptions"] = scenario.without_chip_disruptions()
    return out


@dataclass
class Replication:
    """The folded arrays of one replication, its counterfactuals' output and its event count."""

    index: int
    arrays: dict[str, np.ndarray]
    reference: dict[str, np.ndarray]
    events: int


def replicate(
    scenario: Scenario,
    seed: int,
    indices: list[int],
    fidelity: str = "batch",
    progress: Callable[[int], None] | None = None,
) -> list[Replication]:
    """Run the replications `indices` of `scenario` (the unit of work a worker gets)."""
    setup = Setup.of(scenario)
    others = {name: (s, Setup.of(s)) for name, s in counterfactuals(scenario).items()}
    out = []
    for r in indices:
        rec = Recorder()
        events = simulate(scenario, streams(seed, r), rec, setup, fidelity)
        reference = {}
        for name, (other, other_setup) in others.items():
            ref = Recorder()
            events += simulate(other, streams(seed, r), ref, other_setup, fidelity)
            # Folded with the full scenario's indices, so products missing there stay zero.
            reference[name] = fold_built(ref.records, scenario, setup.months)
        out.append(Replication(r, fold(rec.records, scenario, setup.months), reference, events))
        if progress is not None:
            progress(1)
    return out


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    fidelity: str = "batch",
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
) -> Results:
    """Run `replications` replications (default: the scenario's) from `seed` (default: the scenario's).

    `fidelity` "vehicle" runs the vehicle-level model instead of the batch model (slow; for
    checks). `workers` > 1 runs the replications in that many local processes; `executor`
    "dask" runs them on the Dask cluster whose scheduler is at `scheduler`.
    """
    n = scenario.meta.replications if replications is None else replications
    seed = scenario.meta.seed if seed is None else seed
    if n < 1:
        raise ValueError("replications must be at least 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    began = time.perf_counter()
    done: list[Replication] = []
    if workers == 1 and executor == "local" and scheduler is None:
        done = replicate(scenario, seed, list(range(n)), fidelity, progress)
    else:
        # Chunks of a few replications each: large enough to amortise sending the scenario,
        # small enough to keep every worker busy to the end and the progress bar moving.
        size = max(1, math.ceil(n / (workers * 8)))
        chunks = [list(range(a, min(a + size, n))) for a in range(0, n, size)]
        work = functools.partial(replicate, fidelity=fidelity)
        for part in completed(work, chunks, (scenario, seed), workers, executor, scheduler):
            done += part
            if progress is not None:
                progress(len(part))
    done.sort(key=lambda rep: rep.index)
    first = done[0]
    return Results(
        scenario=scenario,
        seed=seed,
        months_=Setup.of(scenario).months,
        reference={name: np.stack([rep.reference[name] for rep in done]) for name in first.reference},
        fidelity=fidelity,
        events=sum(rep.events for rep in done),
        wall_seconds=time.perf_counter() - began,
        **{key: np.stack([rep.arrays[key] for rep in done]) for key in first.arrays},
    )
