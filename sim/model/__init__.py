"""The discrete-event model: Scenario in, records out. No files, plots or printing here."""

from sim.model.plant import Setup
from sim.model.simulate import Streams, simulate

__all__ = ["Setup", "Streams", "simulate"]
