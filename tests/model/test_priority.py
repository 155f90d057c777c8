"""The owner's priority rule, by hand, at both fidelities."""

import pytest

import sim
from sim.model.priority import PRIORITIES, levels
from sim.scenario import Scenario
from tests.model.test_dynamics import plant_scenario

MARGINS, BRANDS, IDS = (
    [5000.0, 30000.0, 20000.0, 5000.0],
    ["Haval", "Tank", "WEY", "Haval"],
    ["big", "small", "mid", "jolion"],
)


@pytest.mark.parametrize(
    ("rule", "order", "expected"),
    [
        ("equal_fill", [], [0, 0, 0, 0]),
        ("by_margin", [], [2, 0, 1, 2]),  # 30,000 first, then 20,000, then the two at 5,000
        ("listed", ["WEY", "big"], [1, 2, 0, 2]),  # a brand or a product id; the rest after the list
    ],
)
def test_each_rule_gives_the_levels_by_hand(rule, order, expected):
    assert levels(rule, MARGINS, BRANDS, IDS, order) == expected


def test_the_schema_offers_exactly_the_registered_rules():
    from sim.scenario.priority import PriorityRule

    assert set(PriorityRule.__args__) == set(PRIORITIES)


def three_products(priority: dict | None) -> Scenario:
    """One 60 JPH line, 2022-01-03 to 01-30: 20 working days x 16 h x 60 = 19,200 vehicles for
    demand of 30,000 (big, RMB 5,000), 2,000 (small, 30,000) and 6,000 (mid, 20,000) a month,
    released pro rata for 28 of January's 31 days."""
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["big", "small", "mid"]}],
        [
            {"id": "big", "demand": {"units_per_month": 30_000}, "margin_rmb_per_unit": 5000},
            {"id": "small", "brand": "Tank", "demand": {"units_per_month": 2000}, "margin_rmb_per_unit": 30_000},
            {"id": "mid", "brand": "WEY", "demand": {"units_per_month": 6000}, "margin_rmb_per_unit": 20_000},
        ],
        end="2022-01-30",
    )
    return Scenario.model_validate({**s.model_dump(mode="json"), "owner_priority": priority})


SHARE = 28 / 31
BIG, SMALL, MID = 30_000 * SHARE, 2000 * SHARE, 6000 * SHARE


@pytest.mark.parametrize("fidelity", ["batch", "vehicle"])
@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        # Equal fill: 19,200 of 34,323 wanted, 55.94% of each.
        (None, [b * 19_200 / (BIG + SMALL + MID) for b in (BIG, SMALL, MID)]),
        # By margin: small and mid in full, big the rest.
        ({"rule": "by_margin"}, [19_200 - SMALL - MID, SMALL, MID]),
        # WEY first in full, then big and small share the rest by equal fill.
        ({"rule": "listed", "order": ["WEY"]}, [b * (19_200 - MID) / (BIG + SMALL) for b in (BIG, SMALL)] + [MID]),
    ],
)
def test_the_owner_serves_its_products_level_by_level(priority, expected, fidelity):
    built = sim.run(three_products(priority), replications=1, fidelity=fidelity).built[0].sum(axis=1)
    assert built == pytest.approx(expected, abs=1.0 if fidelity == "batch" else 2.0)  # whole vehicles at vehicle level


@pytest.mark.parametrize(
    ("priority", "message"),
    [
        ({"rule": "listed"}, "rule listed needs an order"),
        ({"rule": "by_margin", "order": ["big"]}, "an order only applies to rule listed"),
        ({"rule": "listed", "order": ["mid", "mid"]}, "'mid' is listed twice"),
        ({"rule": "listed", "order": ["WEYY"]}, "did you mean 'WEY'"),
    ],
)
def test_a_bad_priority_is_refused_with_its_reason(priority, message):
    with pytest.raises(Exception, match=message):
        three_products(priority)
