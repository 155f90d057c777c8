"""Chip kits at vehicle level: shared out at each delivery by need, used as vehicles start."""

import pytest

import sim
from sim.model.vehicle.kits import allocate
from tests.model.test_dynamics import plant_scenario
from tests.model.vehicle.conftest import run

NEEDS, CUSTOMER, MARGINS = [600.0, 300.0, 500.0], [False, False, True], [10.0, 30.0, 20.0]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("owner_first", [600, 300, 100]),
        ("customer_first", [500 * 600 / 900, 500 * 300 / 900, 500]),
        ("proportional", [1000 * 600 / 1400, 1000 * 300 / 1400, 1000 * 500 / 1400]),
        ("by_margin", [200, 300, 500]),
    ],
)
def test_a_scarce_pool_under_each_rule(rule, expected):
    # 1,000 kits for needs of 600 and 300 (owner) and 500 (customer); margins 10, 30, 20.
    assert allocate(rule, 1000.0, NEEDS, CUSTOMER, MARGINS) == pytest.approx(expected)


def test_plenty_serves_every_need_and_nothing_more():
    assert allocate("by_margin", 5000.0, NEEDS, CUSTOMER, MARGINS) == pytest.approx(NEEDS)


def week_of_kits(rule: str, kits: float):
    """One week from SOP at the start: the owner's car (30,000 a month, 1 kit, margin 10) and
    the customer's EV (10,000 a month, 2 kits, margin 20) on a 60 JPH line, proportional."""
    return plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car", "ev"]}],
        [
            {"id": "car", "demand": {"units_per_month": 30000}, "margin_rmb_per_unit": 10},
            {
                "id": "ev",
                "brand": "Xiaomi",
                "owner": "xiaomi",
                "demand": {"units_per_month": 10000},
                "chips_per_vehicle": 2,
                "margin_rmb_per_unit": 20,
            },
        ],
        program={
            "start_date": "2022-01-03",
            "target_launch": "2022-06-30",
            "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": 0}}],
        },
        contract={"customer": "xiaomi", "policy": "proportional"},
        supply={"chips": {"kits_per_week": kits, "allocation": rule}},
    )


# With unlimited kits the week's 80 h would start 4,800 vehicles split 3:1 by the policy
# (needs in proportion to demand): 3,600 cars (3,600 kits) and 1,200 EVs (2,400 kits).
# 3,000 kits delivered on Monday are shared by those needs.
@pytest.mark.parametrize(
    ("rule", "car", "ev"),
    [
        ("proportional", 3000 * 3600 / 6000, 3000 * 2400 / 6000 / 2),
        ("owner_first", 3000, 0),
        ("customer_first", 600, 1200),
        ("by_margin", 600, 1200),  # the EV's margin is the higher
    ],
)
def test_a_scarce_week_is_shared_by_the_allocation_rule(rule, car, ev):
    r = run(week_of_kits(rule, 3000))
    assert r.total("kits") == 3000
    built = r.by("built")
    assert (built.get("car", 0), built.get("ev", 0)) == (car, ev)


def test_kits_enough_for_the_plan_leave_the_rest_in_the_pool():
    r = run(week_of_kits("proportional", 10000))
    assert r.by("built") == {"car": 3600, "ev": 1200}
    assert r.model.kits.pool == pytest.approx(10000 - 3600 - 2400)


def test_a_disruption_cuts_deliveries_and_the_counterfactual_measures_it():
    chips = {
        "kits_per_week": 3000,
        "disruptions": [{"name": "d", "first_day": "2022-01-10", "last_day": "2022-01-16", "share_lost": 0.5}],
    }
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"]}],
        [{"id": "car", "chips_per_vehicle": 2}],
        end="2022-01-23",
        supply={"chips": chips},
    )
    r = sim.run(s, replications=1, fidelity="vehicle")
    # Deliveries on Jan 3, 10 (halved) and 17: 7,500 kits = 3,750 vehicles at 2 kits each.
    assert r.built.sum() == 3750
    assert r.reference["without_chip_disruptions"].sum() == 4500
