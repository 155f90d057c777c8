"""The discrete-event model: Scenario in, records out. No files, plots or printing here.

Names are imported lazily: the scenario layer reads the model's registries (policies, chip
allocations) while it is itself being imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.setup import Setup
    from sim.model.simulation import simulate
    from sim.model.streams import Streams

__all__ = ["Setup", "Streams", "simulate"]


def __getattr__(name: str) -> Any:
    if name == "Setup":
        from sim.model.setup import Setup

        return Setup
    if name == "simulate":
        from sim.model.simulation import simulate

        return simulate
    if name == "Streams":
        from sim.model.streams import Streams

        return Streams
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
