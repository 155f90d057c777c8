"""Random streams handed to the model: one numpy Generator per subsystem, children by name.

A part of the model that needs its own randomness (a line's failures, a product's demand)
takes a child stream keyed by its *name*, not its position, so that adding, removing or
changing one line or product leaves every other one's draws untouched (common random
numbers across scenarios and their counterfactuals).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Streams:
    """Independent random streams of one replication, one per subsystem."""

    program: np.random.Generator
    breakdowns: np.random.Generator
    demand: np.random.Generator
    supply: np.random.Generator
    quality: np.random.Generator  # pass/fail draws of the vehicle-level model


def child(rng: np.random.Generator, name: str) -> np.random.Generator:
    """A stream derived from `rng`'s seed and `name` alone (not from `rng`'s state)."""
    seq = rng.bit_generator.seed_seq
    return np.random.default_rng(
        np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, zlib.crc32(name.encode())))
    )
