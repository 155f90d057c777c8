"""sim: a contract-manufacturing scenario simulator.

A plant's capacity shared between its owner's brands and a contract customer's new EV
line, modelled as a discrete-event simulation (SimPy) driven by YAML scenarios.

    import sim
    scenario = sim.load("scenarios/baseline.yaml")
    results = sim.run(scenario, replications=100)
    results.kpis()
"""

from sim.experiment.compare import compare
from sim.experiment.runner import run
from sim.experiment.sweep import sweep
from sim.scenario import Scenario, ScenarioError, load
from sim.version import __version__

__all__ = ["Scenario", "ScenarioError", "__version__", "compare", "load", "run", "sweep"]
