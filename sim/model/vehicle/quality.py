"""The test every shop makes on every vehicle: it passes with the shop's first-pass yield; a
failure is reworked (one more pass on the line, then good) with the product's rework share,
else scrapped.

Draws come from the replication's `quality` stream and from nothing else, in the order the
vehicles are tested, so a replication is reproducible bit for bit. Uniforms are drawn in
blocks (one numpy call per few thousand vehicles instead of one per vehicle); the unused
end of a block is never read by anything else.
"""

from __future__ import annotations

import numpy as np

BLOCK = 8192

PASSED, REWORKED, SCRAPPED = 1, 2, 0  # outcome of a test: the passes it costs, 0 for scrap (one pass)


class Inspection:
    """Pass, rework or scrap, one vehicle at a time."""

    __slots__ = ("i", "rng", "uniforms")

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.uniforms: list[float] = []
        self.i = 0

    def outcome(self, first_pass_yield: float, rework_share: float) -> int:
        """PASSED, REWORKED (two passes, then good) or SCRAPPED (after one pass)."""
        if first_pass_yield >= 1.0:
            return PASSED
        if self.i >= len(self.uniforms) - 1:  # room for two draws (the rest of a block is left unread)
            self.uniforms = self.rng.random(BLOCK).tolist()
            self.i = 0
        u = self.uniforms[self.i]
        if u < first_pass_yield:
            self.i += 1
            return PASSED
        # The rework decision is a second draw, made only for a failed vehicle.
        v = self.uniforms[self.i + 1]
        self.i += 2
        return REWORKED if v < rework_share else SCRAPPED
