"""Shops in series at vehicle level: lanes, blocking and starving, merging in campaigns."""

import itertools

import pytest

from sim.model.intervals import Intervals
from sim.model.vehicle.buffers import Buffer, Lane
from sim.scenario import Scenario
from tests.conftest import owner_products
from tests.model.test_dynamics import ALWAYS_OPEN
from tests.model.test_shops import shops_scenario
from tests.model.vehicle.conftest import run


def in_series(shops: list[tuple[str, list[dict], float | None]], products: list[dict], **meta) -> Scenario:
    """An owner plant of shops (id, lines, buffer after) on two shifts from 2022-01-03 (a Monday)."""
    calendar = meta.pop("calendar", {"shifts_per_day": 2, "hours_per_shift": 8})
    return Scenario.model_validate(
        {
            "meta": {"name": "shops", "start_date": "2022-01-03", "end_date": "2022-01-09", "seed": 11, **meta},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": calendar,
                    "shops": [
                        {"id": shop, "lines": lines} | ({"buffer_after_units": after} if k < len(shops) - 1 else {})
                        for k, (shop, lines, after) in enumerate(shops)
                    ],
                }
            ],
            "products": owner_products(products),
        }
    )


def test_without_losses_the_slowest_shop_sets_the_pace():
    s = shops_scenario(
        {"id": "b1", "jph": 70, "products": ["car"]},
        {"id": "p1", "jph": 50, "products": ["car"]},
        {"id": "a1", "jph": 60, "products": ["car"]},
        [{"id": "car"}],
    )
    r = run(s)
    # Paint paints 50 an hour; the first body and the last assembly pass fall outside its 80 h.
    assert 50 * 80 - 2 <= r.total("built") <= 50 * 80
    assert r.total("starved", "p.assembly.a1") == pytest.approx(80 * (1 - 50 / 60), abs=0.1)
    assert r.total("blocked", "p.body.b1") == pytest.approx(80 - 50 * 80 / 70 - 50 / 70, abs=0.1)


def test_a_big_enough_buffer_hides_a_paint_breakdown():
    # Paint (70 JPH) stops 1 h after every 7; assembly (60 JPH) needs 60 painted bodies an hour.
    failures = {
        "time_between_failures_hours": {"kind": "fixed", "value": 7},
        "time_to_repair_hours": {"kind": "fixed", "value": 1},
    }
    built = {}
    for size in (0, 30, 200):
        s = shops_scenario(
            {"id": "b1", "jph": 80, "products": ["car"]},
            {"id": "p1", "jph": 70, "products": ["car"], "breakdowns": failures},
            {"id": "a1", "jph": 60, "products": ["car"]},
            [{"id": "car"}],
            buffers=(None, size),
        )
        built[size] = run(s).total("built")
    assert built[0] < built[30] < built[200]
    assert 60 * 80 - 3 <= built[200] <= 60 * 80


def overlap(a: Intervals, b: Intervals) -> float:
    """Hours in both sets of intervals."""
    total, i, j = 0.0, 0, 0
    while i < len(a.starts) and j < len(b.starts):
        total += max(0.0, min(a.ends[i], b.ends[j]) - max(a.starts[i], b.starts[j]))
        if a.ends[i] < b.ends[j]:
            i += 1
        else:
            j += 1
    return total


def test_two_equal_shops_without_a_buffer_build_jph_times_both_availabilities():
    # Independent failures (MTBF 20 h, MTTR 2 h: A = 0.909 each): with no buffer the pair works
    # only while both are up, jph x A1 x A2 of the open hours.
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 20},
        "time_to_repair_hours": {"kind": "exponential", "mean": 2},
    }
    s = in_series(
        [
            ("body", [{"id": "b", "jph": 10, "products": ["car"], "breakdowns": failures}], 0),
            ("assembly", [{"id": "a", "jph": 10, "products": ["car"], "breakdowns": failures}], None),
        ],
        [{"id": "car"}],
        end_date="2022-06-30",
        calendar=ALWAYS_OPEN,
    )
    r = run(s)
    body, assembly = r.model.lines
    assert r.total("built") == pytest.approx(10 * overlap(body.up, assembly.up), rel=0.002)  # time both are up
    a = [1 - r.total("down", line) / r.total("open", line) for line in ("p.body.b", "p.assembly.a")]
    assert a[0] == pytest.approx(20 / 22, abs=0.015) and a[1] == pytest.approx(20 / 22, abs=0.015)
    assert r.total("built") == pytest.approx(10 * r.total("open", "p.assembly.a") * a[0] * a[1], rel=0.005)


def test_two_body_lines_merge_into_paint_in_campaigns():
    # Body lines for two families (40 JPH each) feed one paint line of 70 JPH that loses 0.5 h at
    # every family switch, with campaigns of 100. Bodies pile up faster than paint can take them,
    # so paint always has both families waiting: it paints campaigns of 100 and changes over
    # once per campaign, 100 / 70 + 0.5 h per 100 vehicles: 80 h make 4,148 (first-in first-out
    # would change over at almost every vehicle and make about 150).
    s = in_series(
        [
            (
                "body",
                [{"id": "b1", "jph": 40, "products": ["suv"]}, {"id": "b2", "jph": 40, "products": ["pickup"]}],
                300,
            ),
            (
                "paint",
                [
                    {
                        "id": "p1",
                        "jph": 70,
                        "products": ["suv", "pickup"],
                        "changeover_hours": 0.5,
                        "campaign_units": 100,
                    }
                ],
                None,
            ),
            ("assembly", [{"id": "a1", "jph": 80, "products": ["suv", "pickup"]}], None),
        ],
        [{"id": "suv"}, {"id": "pickup", "brand": "Pickup"}],
    )
    r = run(s)
    capacity = 80 / (1 / 70 + 0.5 / 100)
    assert r.total("built") == pytest.approx(capacity, rel=0.015)
    assert r.total("changeover", "p.paint.p1") == pytest.approx(r.total("built") / 100 * 0.5, abs=1.0)
    assert abs(r.by("built")["suv"] - r.by("built")["pickup"]) <= 100


def test_a_shop_yield_scraps_vehicles_before_the_last_shop():
    # Paint scraps half its vehicles (no rework): assembly (40 JPH) gets about 30 an hour of body's 60.
    s = shops_scenario(
        {"id": "b1", "jph": 60, "products": ["car"]},
        {"id": "p1", "jph": 70, "products": ["car"]},
        {"id": "a1", "jph": 40, "products": ["car"]},
        [{"id": "car", "shop_yields": {"paint": 0.5}, "rework_share": 0.0}],
        buffers=(None, None),
    )
    r = run(s)
    assert r.total("built") == pytest.approx(30 * 80, rel=0.03)  # binomial: sd about 1%
    painted = r.total("scrap", "p.paint.p1") + r.total("through", "p.paint.p1")
    assert painted <= r.total("through", "p.body.b1") <= painted + 1  # one may be in paint at the horizon


def test_conservation_started_equals_built_plus_buffers_plus_scrapped():
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 12},
        "time_to_repair_hours": {"kind": "exponential", "mean": 1.5},
    }
    s = shops_scenario(
        {"id": "b1", "jph": 62, "products": ["car", "ev"], "breakdowns": failures},
        {
            "id": "p1",
            "jph": 60,
            "products": ["car", "ev"],
            "breakdowns": failures,
            "changeover_hours": 0.5,
            "campaign_units": 60,
        },
        {"id": "a1", "jph": 58, "products": ["car", "ev"], "breakdowns": failures},
        [
            {
                "id": "car",
                "first_pass_yield": 0.9,
                "rework_share": 0.6,
                "shop_yields": {"body": 0.95, "paint": 0.9},
                "demand": {"units_per_month": 6000, "cv": 0.2},
            },
            {"id": "ev", "brand": "ORA"},
        ],
        buffers=(40, 25),
        end="2022-03-31",
    )
    r = run(s)
    m = r.model
    started = sum(m.orders.started)
    built, scrap = r.total("built"), r.total("scrap")
    in_buffers = sum(len(lane) for b in m.buffers for lane in b.lanes)
    on_lines = sum(m.orders.inflight) - in_buffers
    assert scrap > 0 and built > 0
    assert started == built + scrap + sum(m.orders.inflight)
    assert 0 <= in_buffers <= 40 + 25 + 2  # a full lane also has its feeder's blocked vehicle
    assert 0 <= on_lines <= 3  # at most one vehicle on each line when the horizon falls
    # The records tell the same: started in body = through body + scrapped in body (+ one on it).
    body = r.total("through", "p.body.b1") + r.total("scrap", "p.body.b1")
    assert body <= started <= body + 1


def test_lanes_follow_the_months_demand_in_whole_vehicles():
    # Three routes of products (0), (1, 2) and (3): 110 places shared by demand 3,000 : 1,000 :
    # 0 are 82.5, 27.5 and 0, in whole vehicles 83, 27, 0 (the leftover place to the largest
    # remainder); equal shares, 37, 37, 36, while no route has demand.
    lanes = [Lane(None, itertools.count(), products) for products in ([0], [1, 2], [3])]  # type: ignore[arg-type]
    buffer = Buffer(110, lanes)
    assert [lane.cap for lane in lanes] == [37, 37, 36]
    buffer.resize([3000.0, 600.0, 400.0, 0.0])
    assert [lane.cap for lane in lanes] == [83, 27, 0]
    buffer.resize([0.0, 0.0, 0.0, 0.0])
    assert [lane.cap for lane in lanes] == [37, 37, 36]
