"""One replication of a scenario, with its counterfactuals: the unit every executor runs.

Each replication also runs its counterfactuals on the same random streams: without the
contract (the owner's products alone: the reference for own-brand units lost to sharing)
and, when the scenario has chip disruptions, with the nominal chip supply (the reference
for units lost to the shortage). The run without the contract starts from the full run's
state where the two are still one (`sim.model.fork`). A replication depends only on
(scenario, seed, index).
"""

from __future__ import annotations

import bisect
import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from sim.experiment.seeding import streams
from sim.model import Setup, fork
from sim.model.recorder import Recorder
from sim.model.simulation import build
from sim.results.results import fold, fold_built, fold_overtime
from sim.scenario import Scenario


@dataclass
class Replication:
    """The folded arrays of one replication, its counterfactuals' output and its event count."""

    index: int
    arrays: dict[str, np.ndarray]
    reference: dict[str, np.ndarray]
    events: int
    cached: bool = False  # read from the result cache rather than simulated


class ReplicationFailed(Exception):
    """A replication raised: its index and seed let it be rerun alone."""

    def __init__(self, index: int, seed: int, cause: BaseException):
        self.index, self.seed = index, seed
        super().__init__(f"replication {index} (seed {seed}) failed: {type(cause).__name__}: {cause}")


def counterfactuals(scenario: Scenario) -> dict[str, Scenario]:
    """The scenarios whose output, on the same streams, measures what the real one costs."""
    out = {}
    if scenario.contract is not None:
        out["without_contract"] = scenario.without_contract()
    if scenario.without_chip_disruptions() is not scenario:
        out["without_chip_disruptions"] = scenario.without_chip_disruptions()
    return out


@dataclass
class Prepared:
    """What every replication of a scenario shares: its set-up and its counterfactuals' (built once)."""

    scenario: Scenario
    setup: Setup
    others: dict[str, tuple[Scenario, Setup]]  # counterfactual name -> (its scenario, its set-up)
    overtime: bool  # whether a line has an overtime rule (then the counterfactuals' overtime is kept)

    @classmethod
    def of(cls, scenario: Scenario) -> Prepared:
        calendars: dict = {}  # the counterfactuals' plants have the same calendars: built once
        setup = Setup.of(scenario, calendars)
        others = {name: (s, Setup.of(s, calendars)) for name, s in counterfactuals(scenario).items()}
        overtime = any(line.overtime for line in scenario.all_lines())
        return cls(scenario, setup, others, overtime)


def replicate(
    scenario: Scenario | Prepared,
    seed: int,
    indices: list[int],
    fidelity: str = "batch",
    done: Callable[[Replication], None] | None = None,
) -> list[Replication]:
    """Run the replications `indices` of `scenario` (or of one prepared): hand each to `done` as it
    finishes, or return them all."""
    prepared = scenario if isinstance(scenario, Prepared) else Prepared.of(scenario)
    out = []
    for r in indices:
        try:
            with _uncollected():
                replication = _replicate(prepared, seed, r, fidelity)
        except Exception as exc:
            raise ReplicationFailed(r, seed, exc) from exc
        if done is not None:
            done(replication)
        else:
            out.append(replication)
    return out


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a replication runs: it would scan the
    records and plans a replication makes by the thousand (8% of a replication of the baseline
    under callgrind) to find the few dozen objects in cycles a replication leaves (a few
    thousand at the vehicle level), collected as soon as it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _replicate(prepared: Prepared, seed: int, r: int, fidelity: str) -> Replication:
    """Replication `r` of a prepared scenario, with its counterfactuals."""
    scenario, setup = prepared.scenario, prepared.setup
    rec = Recorder()
    drawn: dict = {}  # the counterfactuals run on the same streams: the same draws, made once
    # The sink is the bound append: calling the Recorder itself goes through its type's
    # __call__ slot, ~6 times the cost, for thousands of records a replication.
    full = build(scenario, streams(seed, r), rec.append, setup, fidelity, drawn=drawn)
    others = {}
    for name, (other, other_setup) in prepared.others.items():
        ref = Recorder()
        # (read only for what it builds: it books nothing else)
        simulation = build(other, streams(seed, r), ref.append, other_setup, fidelity, drawn=drawn, built_only=True)
        others[name] = (simulation, ref)
    # The run without the contract starts from the full run's state where the two are still one.
    shared = "without_contract" in others and fork.share(full, others["without_contract"][0])
    events = full.run()
    arrays = fold(rec, scenario, setup.months)
    starts = [m.start_hour for m in setup.months]
    reference = {}
    for name, (simulation, ref) in others.items():
        hour = fork.start_from(full, simulation) if shared and name == "without_contract" else 0.0
        events += simulation.run()
        # Folded with the full scenario's indices, so products missing there stay zero.
        reference[name] = fold_built(ref, scenario, setup.months)
        # What the counterfactual's overtime costs: the contract's share is the difference.
        if prepared.overtime:
            reference[f"{name}.overtime_hours"] = fold_overtime(ref, scenario, setup.months)
        # The months before it started are the full run's: the same records, so the same sums.
        first = bisect.bisect_left(starts, hour)
        reference[name][:, :first] = arrays["built"][:, :first]
        if prepared.overtime:
            reference[f"{name}.overtime_hours"][:, :first] = arrays["overtime_hours"][:, :first]
    return Replication(r, arrays, reference, events)
