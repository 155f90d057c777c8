"""What the first shop starts: campaigns and changeovers, equal fill within a side."""

import pytest

from tests.model.test_dynamics import plant_scenario
from tests.model.vehicle.conftest import run

TWO_FAMILIES = {"id": "l1", "jph": 60, "products": ["suv", "pickup"], "changeover_hours": 2, "campaign_units": 100}


def test_two_families_change_over_once_per_campaign():
    # Equal endless demand: campaigns of 100 alternate, each costing 2 h, so a vehicle takes
    # 1/60 + 2/100 h. Eleven 80-hour weeks hold exactly 240 such cycles: 880 / (1/60 + 0.02) =
    # 24,000 vehicles, 12,000 of each family (the first campaign changes over from nothing,
    # and the last changeover ends at the horizon).
    s = plant_scenario([TWO_FAMILIES], [{"id": "suv"}, {"id": "pickup", "brand": "Pickup"}], end="2022-03-20")
    r = run(s)
    assert r.total("built") == pytest.approx(880 / (1 / 60 + 0.02), abs=2)
    assert r.by("built") == {"suv": 12000, "pickup": 12000}
    assert r.total("changeover") == pytest.approx(240 * 2)
    assert r.total("busy") == pytest.approx(24000 / 60)


def test_one_week_of_two_families_is_the_long_run_rate_within_a_campaign():
    # 80 / (1/60 + 0.02) = 2,182 a week in the long run; one week cuts the cycle: 22 campaigns.
    r = run(plant_scenario([TWO_FAMILIES], [{"id": "suv"}, {"id": "pickup", "brand": "Pickup"}]))
    assert r.total("built") == 2200
    assert r.total("built") == pytest.approx(80 / (1 / 60 + 0.02), abs=50)


def test_one_family_never_changes_over():
    products = [{"id": "suv", "family": "suvs"}, {"id": "pickup", "family": "suvs"}]
    r = run(plant_scenario([TWO_FAMILIES], products))
    assert r.total("built") == 4800
    assert r.total("changeover") == 0


def test_longer_campaigns_lose_fewer_hours():
    built = []
    for campaign in (50, 100, 400):
        line = {**TWO_FAMILIES, "products": ["a", "b"], "campaign_units": campaign}
        built.append(run(plant_scenario([line], [{"id": "a"}, {"id": "b"}], end="2022-01-23")).total("built"))
    assert built[0] < built[1] < built[2] < 3 * 4800


def test_equal_fill_shares_a_saturated_line_in_proportion_to_open_demand():
    # 30,000 and 10,000 a month (January prorated to 29 of 31 days): both clear the same share
    # of their demand, 4,800 vehicles split 3:1.
    products = [{"id": "a", "demand": {"units_per_month": 30000}}, {"id": "b", "demand": {"units_per_month": 10000}}]
    r = run(plant_scenario([{"id": "l1", "jph": 60, "products": ["a", "b"]}], products))
    assert r.by("built")["a"] == pytest.approx(3600, abs=1)
    assert r.by("built")["b"] == pytest.approx(1200, abs=1)


def test_campaigns_keep_equal_fill_within_a_campaign():
    # The same 3:1 demand as two families with campaigns of 200: each family runs its campaign,
    # then the one further behind goes; the split stays 3:1 within one campaign.
    products = [
        {"id": "a", "demand": {"units_per_month": 30000}},
        {"id": "b", "demand": {"units_per_month": 10000}},
    ]
    line = {"id": "l1", "jph": 60, "products": ["a", "b"], "changeover_hours": 0.5, "campaign_units": 200}
    r = run(plant_scenario([line], products, end="2022-01-23"))
    built = r.by("built")
    total = built["a"] + built["b"]
    assert built["b"] == pytest.approx(total / 4, abs=200)
    # A changeover in and one back for every campaign of b: b's vehicles carry 2 x 0.5 / 200 h.
    assert r.total("changeover") == pytest.approx(built["b"] / 200 * 2 * 0.5, abs=1.0)
