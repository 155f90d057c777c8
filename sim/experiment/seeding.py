"""Random streams: one SeedSequence per scenario seed, one child per (replication, subsystem).

A replication's streams depend only on (seed, replication index), never on how many
replications run or on which worker, so results are identical whatever the parallelism.
Each subsystem has its own stream, so changing breakdown parameters cannot change the
drawn launch-program durations (common random numbers across scenarios).
"""

from __future__ import annotations

import numpy as np

from sim.model import Streams

SUBSYSTEMS = ("program", "breakdowns", "demand", "supply", "quality")


def streams(seed: int, replication: int) -> Streams:
    """The random streams of one replication."""
    return Streams(
        *(
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, k)))
            for k in range(len(SUBSYSTEMS))
        )
    )
