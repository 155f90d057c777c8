"""The discrete-event model: Scenario in, records out. No files, plots or printing here."""

from sim.model.production import Setup
from sim.model.simulate import simulate
from sim.model.streams import Streams

__all__ = ["Setup", "Streams", "simulate"]
