"""Inspection at every shop: pass, rework (one more pass, then good) or scrap, from the quality stream."""

import numpy as np
import pytest

from sim.model.vehicle.quality import PASSED, REWORKED, SCRAPPED, Inspection
from tests.model.test_dynamics import plant_scenario
from tests.model.vehicle.conftest import run


def test_outcomes_follow_the_yield_and_the_rework_share():
    inspection = Inspection(np.random.default_rng(3))
    outcomes = np.array([inspection.outcome(0.9, 0.5) for _ in range(200_000)])
    assert (outcomes == PASSED).mean() == pytest.approx(0.9, abs=0.003)
    assert (outcomes == REWORKED).mean() == pytest.approx(0.05, abs=0.002)
    assert (outcomes == SCRAPPED).mean() == pytest.approx(0.05, abs=0.002)


def test_a_perfect_yield_draws_nothing():
    inspection = Inspection(np.random.default_rng(3))
    assert all(inspection.outcome(1.0, 0.5) == PASSED for _ in range(10))
    assert inspection.uniforms == []


def test_rework_takes_line_time_and_scrap_is_counted():
    # y = 0.9, half the failures reworked: the week's 4,800 passes start 4,800 / 1.05 vehicles,
    # 0.95 of them good; every started vehicle ends good or scrapped.
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"]}], [{"id": "car", "first_pass_yield": 0.9, "rework_share": 0.5}]
    )
    r = run(s)
    built, scrap = r.total("built"), r.total("scrap")
    started = r.model.orders.started[0]
    assert started == built + scrap + r.model.orders.inflight[0]
    reworked = 4800 - started  # every pass beyond one per vehicle is a rework
    assert started == pytest.approx(4800 / 1.05, rel=0.01)  # binomial: sd about 0.3%
    assert reworked == pytest.approx(0.05 * started, abs=4 * np.sqrt(0.05 * started))
    assert scrap == pytest.approx(0.05 * started, abs=4 * np.sqrt(0.05 * started))
    assert r.total("busy") == pytest.approx(80)


def test_a_scrapped_vehicles_demand_is_started_again():
    # 1,000 wanted (prorated to 900 in January's 28 days here), a yield of 0.5 without rework:
    # vehicles start until 900 are good, about 1,800 in all.
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"]}],
        [{"id": "car", "first_pass_yield": 0.5, "rework_share": 0.0, "demand": {"units_per_month": 1000 * 31 / 28}}],
        end="2022-01-30",
    )
    r = run(s)
    assert r.total("built") == pytest.approx(1000, abs=1)
    assert r.total("scrap") == pytest.approx(1000, rel=0.1)
