"""The vehicle-level model, one entity per vehicle, cross-checks the batch model."""

import numpy as np
import pytest

import sim
from tests.model.test_dynamics import plant_scenario
from tests.model.test_shops import shops_scenario

FAILURES = {
    "time_between_failures_hours": {"kind": "exponential", "mean": 15},
    "time_to_repair_hours": {"kind": "lognormal", "mean": 1.0, "cv": 0.7},
}


def weekly_output(scenario, fidelity: str, replications: int) -> float:
    r = sim.run(scenario, replications=replications, fidelity=fidelity)
    weeks = r.horizon_hours / (7 * 24)
    return r.built.sum(axis=(1, 2)).mean() / weeks


def test_batch_and_vehicle_agree_on_shops_with_breakdowns_buffers_changeovers_and_yield():
    s = shops_scenario(
        {"id": "b1", "jph": 66, "products": ["suv", "pickup"], "breakdowns": FAILURES},
        {
            "id": "p1",
            "jph": 64,
            "products": ["suv", "pickup"],
            "breakdowns": FAILURES,
            "changeover_hours": 0.5,
            "campaign_units": 100,
        },
        {"id": "a1", "jph": 60, "products": ["suv", "pickup"], "breakdowns": FAILURES},
        [
            {"id": "suv", "first_pass_yield": 0.92, "rework_share": 0.8, "shop_yields": {"paint": 0.85}},
            {"id": "pickup", "brand": "Pickup"},
        ],
        buffers=(40, 40),
        end="2022-03-13",
    )
    batch, vehicle = weekly_output(s, "batch", 3), weekly_output(s, "vehicle", 3)
    assert vehicle == pytest.approx(batch, rel=0.02)


def test_batch_and_vehicle_agree_on_a_demand_limited_shared_line():
    line = {
        "id": "l1",
        "jph": 60,
        "products": ["suv", "pickup"],
        "changeover_hours": 1,
        "campaign_units": 200,
        "breakdowns": FAILURES,
    }
    products = [
        {"id": "suv", "first_pass_yield": 0.9, "rework_share": 0.7, "demand": {"units_per_month": 8000}},
        {"id": "pickup", "brand": "Pickup", "demand": {"units_per_month": 4000}},
    ]
    s = plant_scenario([line], products, end="2022-03-27")
    assert weekly_output(s, "vehicle", 2) == pytest.approx(weekly_output(s, "batch", 2), rel=0.02)


def test_vehicles_are_whole_and_breakdowns_identical_in_both_modes(small):
    line = {"id": "l1", "jph": 60, "products": ["car"], "breakdowns": FAILURES}
    s = plant_scenario([line], [{"id": "car"}], end="2022-01-23")
    batch = sim.run(s, replications=2)
    vehicle = sim.run(s, replications=2, fidelity="vehicle")
    assert np.array_equal(batch.down_hours, vehicle.down_hours)  # the same failures, drawn from the same streams
    assert np.array_equal(vehicle.built, np.round(vehicle.built))


def test_unknown_fidelity_is_an_error(small):
    with pytest.raises(ValueError, match="fidelity"):
        sim.run(small, replications=1, fidelity="atoms")


@pytest.mark.parametrize("policy", ["owner_first", "customer_first", "reserved_share", "proportional"])
def test_every_allocation_policy_gives_the_same_split_at_vehicle_level(policy):
    from tests.conftest import build, small_data

    data = small_data()
    data["meta"]["end_date"] = "2022-04-30"
    data["products"][0]["demand"] = {"units_per_month": 15000}
    data["products"][1]["demand"] = {"units_per_month": 8000}
    data["products"][1].pop("ramp")
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 10}}]
    s = build(data, contract__policy=policy)
    batch = sim.run(s, replications=1).built[0].sum(axis=1)
    vehicle = sim.run(s, replications=1, fidelity="vehicle").built[0].sum(axis=1)
    assert vehicle == pytest.approx(batch, rel=0.01)
