"""Running the replications of a scenario and merging them into Results.

Replications are looked up in the result cache first; only the missing ones run, in this
process or spread over an executor (a local process pool, a Dask cluster), and each is
cached as soon as it finishes, so an interrupted run keeps its work and resumes on the next
call. Results are merged in index order: identical whatever ran them.

A scenario goes to the workers pickled once, with its digest: a worker prepares it (its
set-up and its counterfactuals') the first time it sees it and keeps the last few, so the
chunks after the first cost only their replications.
"""

from __future__ import annotations

import functools
import math
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from sim.experiment.cache import Cache
from sim.experiment.executors import completed
from sim.experiment.replication import Prepared, Replication, counterfactuals, replicate
from sim.model.calendar import months
from sim.model.simulation import FIDELITIES
from sim.results.results import Results
from sim.scenario import Scenario

__all__ = ["assemble", "counterfactuals", "run", "run_many"]


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    fidelity: str = "batch",
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    cache: Cache | bool = False,
    first: int = 0,
) -> Results:
    """Run replications `first` .. `first + replications - 1` of `scenario` from `seed`.

    Defaults are the scenario's replications and seed. `fidelity` "vehicle" runs the
    vehicle-level model (slow; for checks). `workers` > 1 runs the replications in that many
    local processes; `executor` "dask" on the Dask cluster whose scheduler is at `scheduler`.
    `cache` True uses the default result cache (a Cache object, that one).
    """
    n = scenario.meta.replications if replications is None else replications
    seed = scenario.meta.seed if seed is None else seed
    if n < 1:
        raise ValueError("replications must be at least 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if fidelity not in FIDELITIES:
        raise ValueError(f"unknown fidelity {fidelity!r}; choose one of {', '.join(FIDELITIES)}")
    if cache is True:
        cache = Cache(scenario, seed, fidelity)
    began = time.perf_counter()
    indices = range(first, first + n)
    # Each replication is copied into the run's arrays as it arrives and then let go, so a
    # long run holds its arrays once (not also every replication's until the end).
    stack = Stack(indices)
    missing = []
    for i in indices:
        hit = cache.get(i) if cache else None
        if hit is None:
            missing.append(i)
        else:
            stack.add(hit)
    cached = n - len(missing)
    if progress is not None and cached:
        progress(cached)

    def finished(replication: Replication) -> None:
        stack.add(replication)
        if cache:
            cache.put(replication)
        if progress is not None:
            progress(1)

    if missing and workers == 1 and executor == "local" and scheduler is None:
        replicate(scenario, seed, missing, fidelity, finished)
    elif missing:
        # Chunks of a few replications each: large enough to amortise sending the scenario,
        # small enough to keep every worker busy to the end and the progress bar moving.
        size = chunk_size(len(missing), workers)
        chunks = [missing[a : a + size] for a in range(0, len(missing), size)]
        for part in completed(_chunk, chunks, (ship(scenario), seed, fidelity), workers, executor, scheduler):
            for replication in part:
                finished(replication)
    results = stack.results(scenario, seed, fidelity, time.perf_counter() - began)
    results.cached = cached
    return results


class Stack:
    """The arrays of replications `indices` (rows in that order), each filled in as its
    replication arrives, in any order."""

    def __init__(self, indices: Sequence[int]):
        self.indices = indices
        self.row = {index: row for row, index in enumerate(indices)}
        self.arrays: dict[str, np.ndarray] = {}
        self.reference: dict[str, np.ndarray] = {}
        self.events = 0
        self.filled = 0

    def add(self, replication: Replication) -> None:
        row = self.row[replication.index]
        for into, arrays in ((self.arrays, replication.arrays), (self.reference, replication.reference)):
            for key, values in arrays.items():
                if key not in into:
                    into[key] = np.empty((len(self.indices), *np.shape(values)), np.result_type(values))
                into[key][row] = values
        self.events += replication.events
        self.filled += 1

    def results(self, scenario: Scenario, seed: int, fidelity: str = "batch", wall_seconds: float = 0.0) -> Results:
        if self.filled != len(self.indices):
            raise RuntimeError(f"{self.filled} of {len(self.indices)} replications arrived")
        return Results(
            scenario=scenario,
            seed=seed,
            months_=months(scenario.meta.start_date, scenario.meta.end_date),
            reference=self.reference,
            fidelity=fidelity,
            first=self.indices[0],
            events=self.events,
            wall_seconds=wall_seconds,
            **self.arrays,
        )


def assemble(
    scenario: Scenario, seed: int, ordered: Sequence[Replication], fidelity: str = "batch", wall_seconds: float = 0.0
) -> Results:
    """The Results of replications of `scenario`, stacked in the order given (the first's index is `first`)."""
    stack = Stack([replication.index for replication in ordered])
    for replication in ordered:
        stack.add(replication)
    return stack.results(scenario, seed, fidelity, wall_seconds)


def run_many(
    jobs: Sequence[tuple[Scenario, Sequence[int]]],
    seed: int,
    progress: Callable[[int], None] | None = None,
    fidelity: str = "batch",
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    cache: bool = False,
) -> list[dict[int, Replication]]:
    """Replications `indices` of each (scenario, indices) job from `seed`, all in one pool.

    A study's stage runs many scenarios a few replications each: one pool for them all starts
    the workers once and keeps them busy to the end. Cached replications are read, missing
    ones run and are cached (`cache` True: the default cache). Returns, per job, its
    replications by index; what ran where never changes them.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if fidelity not in FIDELITIES:
        raise ValueError(f"unknown fidelity {fidelity!r}; choose one of {', '.join(FIDELITIES)}")
    caches = [Cache(s, seed, fidelity) if cache else None for s, _ in jobs]
    done: list[dict[int, Replication]] = [{} for _ in jobs]
    missing: list[list[int]] = []
    for j, ((_, indices), store) in enumerate(zip(jobs, caches, strict=True)):
        if store is not None:
            done[j] = {i: hit for i in indices if (hit := store.get(i)) is not None}
            if progress is not None and done[j]:
                progress(len(done[j]))
        missing.append([i for i in indices if i not in done[j]])

    def finished(j: int, replication: Replication) -> None:
        done[j][replication.index] = replication
        if caches[j] is not None:
            caches[j].put(replication)
        if progress is not None:
            progress(1)

    total = sum(map(len, missing))
    if total and workers == 1 and executor == "local" and scheduler is None:
        for j, ((scenario, _), indices) in enumerate(zip(jobs, missing, strict=True)):
            if indices:
                replicate(scenario, seed, indices, fidelity, functools.partial(finished, j))
    elif total:
        # As `run`: a few chunks per worker, each of about `size` replications, packed from the
        # jobs in order (a chunk may end one job and start the next): a stage of many small
        # jobs does not pay a task's round trip for every job.
        size = chunk_size(total, workers)
        chunks: list[list[tuple[int, Shipment, list[int]]]] = [[]]
        room = size
        for j, ((scenario, _), indices) in enumerate(zip(jobs, missing, strict=True)):
            if not indices:
                continue
            shipment = ship(scenario)
            while indices:
                if room == 0:
                    chunks.append([])
                    room = size
                piece, indices = indices[:room], indices[room:]
                chunks[-1].append((j, shipment, piece))
                room -= len(piece)
        for part in completed(_job, chunks, (seed, fidelity), workers, executor, scheduler):
            for j, replications in part:
                for replication in replications:
                    finished(j, replication)
    return done


#: Replications in a chunk at most: a chunk's results come back whole (a baseline replication's
#: arrays are ~30 KB, pickled and unpickled), so a long run keeps few in flight; 64 replications
#: of even 5 ms are ~0.3 s of work against ~1 ms of sending.
MOST_PER_CHUNK = 64


def chunk_size(replications: int, workers: int) -> int:
    """Replications per chunk: about eight chunks per worker, at most `MOST_PER_CHUNK`."""
    return max(1, min(math.ceil(replications / (workers * 8)), MOST_PER_CHUNK))


class Shipment(NamedTuple):
    """A scenario on its way to a worker: pickled once, and named by its content's digest."""

    key: str
    scenario: bytes


def ship(scenario: Scenario) -> Shipment:
    return Shipment(scenario.digest(), pickle.dumps(scenario))


_KEEP = 8  # scenarios a worker keeps prepared (a study's stage sends many, each in a few chunks)
_received: dict[str, Prepared] = {}  # in a worker: the scenarios prepared, the most recent last
_lock = threading.Lock()  # a Dask worker may run chunks in several threads


def receive(shipment: Shipment) -> Prepared:
    """The shipped scenario, prepared: kept from an earlier chunk, or prepared now."""
    with _lock:
        prepared = _received.pop(shipment.key, None)
    if prepared is None:
        prepared = Prepared.of(pickle.loads(shipment.scenario))
    with _lock:
        _received[shipment.key] = prepared
        while len(_received) > _KEEP:
            del _received[next(iter(_received))]
    return prepared


def _chunk(shipment: Shipment, seed: int, fidelity: str, indices: list[int]) -> list[Replication]:
    """One chunk of `run` (module level, so a process pool can send it)."""
    return replicate(receive(shipment), seed, indices, fidelity)


def _job(
    seed: int, fidelity: str, pieces: list[tuple[int, Shipment, list[int]]]
) -> list[tuple[int, list[Replication]]]:
    """One chunk of `run_many`: (job, replications) of each of its pieces."""
    return [(j, replicate(receive(shipment), seed, indices, fidelity)) for j, shipment, indices in pieces]
