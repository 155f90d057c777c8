"""sim: a contract-manufacturing scenario simulator.

A plant's capacity shared between its owner's brands and a contract customer's new EV
line, modelled as a discrete-event simulation (SimPy) driven by YAML scenarios.

    import sim
    scenario = sim.load("scenarios/baseline.yaml")
    results = sim.run(scenario, replications=100)
    results.kpis()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.experiment.compare import compare
    from sim.experiment.runner import run
    from sim.experiment.sweep import sweep
    from sim.scenario import Scenario, ScenarioError, load
    from sim.version import __version__

__all__ = ["Scenario", "ScenarioError", "__version__", "compare", "load", "run", "sweep"]

# The public names, imported on first use: `sim --help` and `sim validate` need neither numpy
# nor the model, and importing them all costs most of a command's start-up.
_WHERE = {
    "compare": "sim.experiment.compare",
    "run": "sim.experiment.runner",
    "sweep": "sim.experiment.sweep",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load": "sim.scenario",
    "__version__": "sim.version",
}


_SUBPACKAGES = {"experiment", "model", "report", "results", "rundir", "scenario"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    elif name in _SUBPACKAGES:  # `import sim; sim.report.write(...)` as before
        value = importlib.import_module(f"sim.{name}")
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value
