"""The scenario language: pydantic models of each YAML section, loading and validation."""

from sim.scenario.loader import Problem, ScenarioError, load, parse
from sim.scenario.scenario import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "load", "parse"]
