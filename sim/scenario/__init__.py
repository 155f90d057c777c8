"""The scenario language: pydantic models of each YAML section, loading and validation."""

from sim.scenario.loader import Problem, ScenarioError, load, parse
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "apply_overrides", "load", "parse"]
