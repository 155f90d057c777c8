"""Every shipped scenario validates and runs, so examples never rot."""

from pathlib import Path

import numpy as np
import pytest

import sim
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_there_is_a_baseline():
    assert ROOT / "scenarios" / "baseline.yaml" in SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_runs_briefly_and_keeps_its_invariants(path: Path):
    results = sim.run(sim.load(path), replications=2)
    assert np.allclose(
        np.cumsum(results.built + results.lost, axis=2) + results.backlog, np.cumsum(results.demand, axis=2)
    )
    assert (results.busy_hours <= results.open_hours + 1e-9).all()
    assert results.kpis()


def test_baseline_targets_a_2023_launch_for_a_contract_customer():
    s = sim.load(ROOT / "scenarios" / "baseline.yaml")
    assert s.program.target_launch.isoformat() == "2023-12-31"
    assert s.contract.customer == "xiaomi" and s.owner == "gwm"
    assert {p.brand for p in s.products} >= {"Haval", "WEY", "ORA", "Tank", "Xiaomi"}
