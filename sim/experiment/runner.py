"""Running replications of a scenario and folding their records into Results.

Each replication also runs its counterfactuals on the same random streams: without the
contract (the owner's products alone: the reference for own-brand units lost to sharing)
and, when the scenario has chip disruptions, with the nominal chip supply (the reference
for units lost to the shortage).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

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


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    fidelity: str = "batch",
) -> Results:
    """Run `replications` replications (default: the scenario's) from `seed` (default: the scenario's).

    `fidelity` "vehicle" runs the vehicle-level model instead of the batch model (slow; for checks).
    """
    n = scenario.meta.replications if replications is None else replications
    seed = scenario.meta.seed if seed is None else seed
    if n < 1:
        raise ValueError("replications must be at least 1")
    setup = Setup.of(scenario)
    others = {name: (s, Setup.of(s)) for name, s in counterfactuals(scenario).items()}
    folded: list[dict[str, np.ndarray]] = []
    reference: dict[str, list[np.ndarray]] = {name: [] for name in others}
    events = 0
    began = time.perf_counter()
    for r in range(n):
        rec = Recorder()
        events += simulate(scenario, streams(seed, r), rec, setup, fidelity)
        folded.append(fold(rec.records, scenario, setup.months))
        for name, (other, other_setup) in others.items():
            ref = Recorder()
            events += simulate(other, streams(seed, r), ref, other_setup, fidelity)
            # Folded with the full scenario's indices, so products missing there stay zero.
            reference[name].append(fold_built(ref.records, scenario, setup.months))
        if progress is not None:
            progress(1)
    stack = {key: np.stack([f[key] for f in folded]) for key in folded[0]}
    return Results(
        scenario=scenario,
        seed=seed,
        months_=setup.months,
        reference={name: np.stack(arrays) for name, arrays in reference.items()},
        fidelity=fidelity,
        events=events,
        wall_seconds=time.perf_counter() - began,
        **stack,
    )
