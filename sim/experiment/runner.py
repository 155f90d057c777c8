"""Running replications of a scenario and folding their records into Results.

Each replication runs twice on the same random streams: with the contract, and without it
(the owner's products alone), which is the reference for own-brand units lost to sharing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from sim.experiment.seeding import streams
from sim.model import Setup, simulate
from sim.model.calendar import Calendar
from sim.model.recorder import Recorder
from sim.results.results import Results, fold
from sim.scenario import Scenario


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """Run `replications` replications (default: the scenario's) from `seed` (default: the scenario's)."""
    n = scenario.meta.replications if replications is None else replications
    seed = scenario.meta.seed if seed is None else seed
    if n < 1:
        raise ValueError("replications must be at least 1")
    calendar = Calendar(scenario.calendar, scenario.meta.start_date, scenario.meta.end_date)
    baseline = scenario.without_contract()
    setup, base_setup = Setup.of(scenario, calendar), Setup.of(baseline, calendar)
    folded: list[dict[str, np.ndarray]] = []
    base_built: list[np.ndarray] = []
    events = 0
    began = time.perf_counter()
    for r in range(n):
        rec = Recorder()
        events += simulate(scenario, streams(seed, r), rec, setup)
        folded.append(fold(rec.records, scenario, calendar))
        if baseline is scenario:
            base_built.append(folded[-1]["built"])
        else:
            ref = Recorder()
            events += simulate(baseline, streams(seed, r), ref, base_setup)
            base_built.append(fold(ref.records, scenario, calendar)["built"])
        if progress is not None:
            progress(1)
    stack = {key: np.stack([f[key] for f in folded]) for key in folded[0]}
    return Results(
        scenario=scenario,
        seed=seed,
        calendar=calendar,
        base_built=np.stack(base_built),
        events=events,
        wall_seconds=time.perf_counter() - began,
        **stack,
    )
