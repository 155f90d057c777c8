"""Plants with shops in series against hand-computed answers, and conservation of vehicles."""

import math

import numpy as np
import pytest

import sim
from sim.experiment.seeding import streams
from sim.model import Setup, simulate
from sim.model.breakdowns import Downtime
from sim.model.plan import Item, Want
from sim.model.shops import Shops, tails, within
from sim.model.state import Line, Plant
from sim.scenario import Scenario
from sim.scenario.plant import Line as LineSpec
from tests.conftest import owner_products


def shops_scenario(
    body: dict, paint: dict, assembly: dict, products: list[dict], buffers=(50, 50), end="2022-01-09", **extra
) -> Scenario:
    return Scenario.model_validate(
        {
            "meta": {"name": "shops", "start_date": "2022-01-03", "end_date": end, "seed": 5},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8},
                    "shops": [
                        {"id": "body", "lines": [body], "buffer_after_units": buffers[0]},
                        {"id": "paint", "lines": [paint], "buffer_after_units": buffers[1]},
                        {"id": "assembly", "lines": [assembly]},
                    ],
                }
            ],
            "products": owner_products(products),
            **extra,
        }
    )


def test_without_losses_the_slowest_shop_sets_the_pace():
    s = shops_scenario(
        {"id": "b1", "jph": 70, "products": ["car"]},
        {"id": "p1", "jph": 50, "products": ["car"]},
        {"id": "a1", "jph": 60, "products": ["car"]},
        [{"id": "car"}],
    )
    r = sim.run(s, replications=1)
    assert s.line_names() == ["p.body.b1", "p.paint.p1", "p.assembly.a1"]
    assert r.built.sum() == pytest.approx(50 * 80)  # paint, 50 JPH x 80 h
    # Body plans what paint takes plus filling its buffer (50); it runs at its full 70 JPH until
    # the buffer is full (50 / (70 - 50) = 2.5 h), then is held to paint's 50: blocked for
    # (80 - 2.5) x (1 - 50/70) hours. Assembly, planned at its own 60 JPH, waits for paint's 50.
    assert r.line_built[0, 0].sum() == pytest.approx(50 * 80 + 50)
    assert r.blocked_hours[0, 0].sum() == pytest.approx((80 - 2.5) * (1 - 50 / 70))
    assert r.starved_hours[0, 2].sum() == pytest.approx(80 * (1 - 50 / 60))


def test_a_paint_breakdown_is_absorbed_by_a_big_enough_buffer():
    # Paint (70 JPH) down 1 h a day; assembly (60 JPH) is the bottleneck. The painted-body
    # buffer in front of assembly keeps it working if it holds the 60 vehicles an hour needs.
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
        built[size] = sim.run(s, replications=1).built.sum()
    assert built[0] < built[30] < built[200] <= 60 * 80 + 1e-6
    assert built[200] == pytest.approx(60 * 80)


def test_conservation_started_equals_finished_plus_buffers_plus_scrapped():
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
            {"id": "car", "first_pass_yield": 0.9, "rework_share": 0.6, "demand": {"units_per_month": 6000, "cv": 0.2}},
            {"id": "ev", "brand": "ORA"},
        ],
        buffers=(40, 25),
        end="2022-03-31",
    )
    records = []
    simulate(s, streams(5, 0), records.append, Setup.of(s))
    started = sum(q for _, kind, where, _, q in records if kind == "through" and where == "p.body.b1")
    built = sum(q for _, kind, *_, q in records if kind == "built")
    scrap = sum(q for _, kind, *_, q in records if kind == "scrap")
    assert scrap > 0 and built > 0
    # Vehicles still in the two buffers at the end close the balance (each between 0 and its size).
    in_buffers = started - built - scrap
    assert 0 <= in_buffers <= 40 + 25 + 1e-6


def test_a_dedicated_body_line_for_the_customer_shares_paint_and_assembly():
    s = Scenario.model_validate(
        {
            "meta": {"name": "dedicated", "start_date": "2022-01-03", "end_date": "2022-06-30", "seed": 2},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8},
                    "shops": [
                        {
                            "id": "body",
                            "buffer_after_units": 100,
                            "lines": [
                                {"id": "b1", "jph": 60, "products": ["car"]},
                                {"id": "bx", "jph": 30, "products": ["ev"]},
                            ],
                        },
                        {
                            "id": "paint",
                            "buffer_after_units": 100,
                            "lines": [{"id": "p1", "jph": 70, "products": ["car", "ev"]}],
                        },
                        {"id": "assembly", "lines": [{"id": "a1", "jph": 60, "products": ["car", "ev"]}]},
                    ],
                }
            ],
            "products": [
                {"id": "car", "brand": "Haval", "owner": "gwm", "demand": {"units_per_month": 7000}},
                {"id": "ev", "brand": "Xiaomi", "owner": "xiaomi", "demand": {"units_per_month": 4000}},
            ],
            "program": {
                "start_date": "2022-01-03",
                "target_launch": "2022-03-31",
                "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": 30}}],
            },
            "contract": {"customer": "xiaomi", "policy": "reserved_share", "reserved_share": 0.3},
        }
    )
    r = sim.run(s, replications=2)
    assert r.built[:, 1].sum() > 0
    assert np.allclose(np.cumsum(r.built + r.lost, axis=2) + r.backlog, np.cumsum(r.demand, axis=2))
    # The customer's body line builds only its product; the shared lines never exceed capacity.
    assert (r.busy_hours <= r.open_hours + 1e-6).all()


def test_a_product_must_follow_one_line_per_shop():
    with pytest.raises(Exception, match="exactly one line of shop body"):
        shops_scenario(
            {"id": "b1", "jph": 70, "products": ["car"]},
            {"id": "p1", "jph": 50, "products": ["van"]},
            {"id": "a1", "jph": 60, "products": ["car", "van"]},
            [{"id": "car"}, {"id": "van"}],
        )


def test_a_shop_yield_scraps_vehicles_before_the_last_shop():
    # Body 60 JPH, paint 70 with half its vehicles scrapped (no rework), assembly 40: assembly
    # receives 30 an hour, so 30 x 80 h are built, and paint scraps as many as it passes.
    s = shops_scenario(
        {"id": "b1", "jph": 60, "products": ["car"]},
        {"id": "p1", "jph": 70, "products": ["car"]},
        {"id": "a1", "jph": 40, "products": ["car"]},
        [{"id": "car", "shop_yields": {"paint": 0.5}, "rework_share": 0.0}],
        buffers=(None, None),
    )
    r = sim.run(s, replications=1)
    assert r.built.sum() == pytest.approx(30 * 80)
    assert r.line_scrap[0, 1].sum() == pytest.approx(r.line_built[0, 1].sum())  # paint: as many scrapped as passed
    assert r.line_built[0, 1].sum() == pytest.approx(30 * 80)


def test_shop_yields_must_name_an_earlier_shop():
    with pytest.raises(Exception, match="'assembly' is not a shop before the last"):
        shops_scenario(
            {"id": "b1", "jph": 60, "products": ["car"]},
            {"id": "p1", "jph": 70, "products": ["car"]},
            {"id": "a1", "jph": 40, "products": ["car"]},
            [{"id": "car", "shop_yields": {"assembly": 0.9}}],
        )


def tandem(buffer: float | None, end: str = "2024-12-31") -> Scenario:
    """Body and assembly at 60 JPH, open around the clock, both failing (MTBF 20 h, MTTR 2 h)."""
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 20},
        "time_to_repair_hours": {"kind": "exponential", "mean": 2},
    }
    always = {
        "shifts_per_day": 3,
        "hours_per_shift": 8,
        "first_shift_start_hour": 0,
        "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    line = {"jph": 60, "products": ["car"], "breakdowns": failures}
    return Scenario.model_validate(
        {
            "meta": {"name": "tandem", "start_date": "2022-01-01", "end_date": end, "seed": 11},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": always,
                    "shops": [
                        {"id": "body", "lines": [{"id": "b", **line}], "buffer_after_units": buffer},
                        {"id": "assembly", "lines": [{"id": "a", **line}]},
                    ],
                }
            ],
            "products": owner_products([{"id": "car"}]),
        }
    )


def test_without_a_buffer_two_shops_build_while_both_are_up():
    # With no buffer a stage builds only while the other is up too: output = 60 x the hours
    # both lines are up, exactly, for the failures drawn; over three years that is close to the
    # theory for independent failures, 60 x open x A^2 with A = 20 / 22.
    from sim.model import breakdowns
    from sim.model.calendar import Calendar
    from sim.model.intervals import Intervals
    from sim.model.streams import child

    s = tandem(0)
    r = sim.run(s, replications=1)
    cal = Calendar(s.plants[0].calendar, s.meta.start_date, s.meta.end_date)
    rng = streams(s.meta.seed, 0).breakdowns
    body, assembly = (
        breakdowns.failures(s.plants[0].shops[k].lines[0].breakdowns, cal, child(rng, name))
        for k, name in enumerate(s.line_names())
    )
    # Down hours of either line = down(body) + down(assembly) - both down at once.
    both_down = sum(
        max(0.0, min(b1, b2) - max(a1, a2))
        for a1, b1 in zip(body.starts, body.ends, strict=True)
        for a2, b2 in zip(assembly.starts, assembly.ends, strict=True)
        if a2 < b1 and a1 < b2
    )
    either_down = body.total + assembly.total - both_down
    assert isinstance(body, Intervals)
    assert r.built.sum() == pytest.approx(60 * (cal.shifts.total - either_down), rel=1e-9)
    assert r.built.sum() == pytest.approx(60 * cal.shifts.total * (20 / 22) ** 2, rel=0.01)
    # A buffer lets one shop work through the other's repairs.
    assert sim.run(tandem(120), replications=1).built.sum() > r.built.sum() * 1.02


# -- the Shops class by hand: lanes, the plan shop by shop, each route's flow --------------------
def shop_line(shop: str, name: str, stage: int, products: list[int], jph: float = 60.0) -> Line:
    spec = LineSpec(id=name, jph=jph, products=["a", "b", "c"][: len(products)])
    return Line(f"p.{shop}.{name}", 0, stage, spec, products, [False] * 3)


def one_route() -> Plant:
    """Body b1 (60 JPH) then assembly a1 (40 JPH), both building products 0 and 1; a buffer of 100."""
    b1, a1 = shop_line("body", "b1", 0, [0, 1]), shop_line("assembly", "a1", 1, [0, 1], 40.0)
    return Plant(0, [[b1], [a1]], [100.0], {0: [b1, a1], 1: [b1, a1]}, [[0, 1]])


def two_routes(buffer: float = 100.0) -> Plant:
    """Body b1 (60 JPH, product 0) and b2 (40 JPH, product 1) both feed assembly a1 (60 JPH)."""
    b1, b2 = shop_line("body", "b1", 0, [0]), shop_line("body", "b2", 0, [1], 40.0)
    a1 = shop_line("assembly", "a1", 1, [0, 1])
    return Plant(0, [[b1, b2], [a1]], [buffer], {0: [b1, a1], 1: [b2, a1]}, [[0], [1]])


def test_lanes_follow_each_routes_demand_this_month():
    shops = Shops(two_routes())
    assert shops.lane == [[50.0, 50.0]]  # no demand yet: equal shares
    shops.resize([600.0, 200.0])  # 3 to 1
    assert shops.lane == [[75.0, 25.0]]
    shops.resize([0.3, 0.1])  # small demands count the same way
    assert shops.lane == [[pytest.approx(75.0), pytest.approx(25.0)]]
    shops.resize([0.0, 0.0])
    assert shops.lane == [[50.0, 50.0]]
    # Products on one route pool their demand: 300 + 100 against 400 is half each.
    three = Plant(0, [[], []], [100.0, math.inf], {0: [], 1: [], 2: []}, [[0, 1], [2]])
    shops = Shops(three)
    assert shops.lane == [[50.0, 50.0], [math.inf, math.inf]]  # equal shares per route, not per product
    shops.resize([300.0, 100.0, 400.0])
    assert shops.lane == [[50.0, 50.0], [math.inf, math.inf]]  # an unlimited buffer stays unlimited
    assert shops.wip == {0: [0.0, 0.0], 1: [0.0, 0.0], 2: [0.0, 0.0]}


def test_the_pipeline_counts_good_vehicles_still_to_come_out():
    # Three shops with good shares 0.9, 0.8, 0.5; 10 vehicles after the first shop, 20 after the
    # second. From the first shop on: 10 x 0.8 x 0.5 + 20 x 0.5 = 14; from the second, 10; the
    # last shop has nothing after it.
    plant = Plant(0, [[], [], []], [50.0, 50.0], {0: []}, [[0]])
    shops = Shops(plant)
    shops.wip[0] = [10.0, 20.0]
    good = [0.9, 0.8, 0.5]
    assert [shops.pipeline(0, s, tails(good)) for s in range(3)] == pytest.approx([14.0, 10.0, 0.0])


class Planner:
    """Plans `fill` of each want on a line (none of the (line, product) pairs in `skip`) and remembers what it was asked."""

    def __init__(self, fill: dict[str, float], skip: set[tuple[str, int]] = frozenset()):
        self.fill, self.skip, self.calls = fill, skip, []

    def __call__(self, line, hours, wants, last):
        self.calls.append((line.name, hours, wants, last))
        fill = self.fill[line.name]
        return [
            Item(w.product, w.vehicles * fill, w.each, 0.0, w.good)
            for w in wants
            if fill and (line.name, w.product) not in self.skip
        ]


GOOD = [0.9, 0.8]  # body, assembly: each product's good share at each shop


def want(line: Line, i: int, vehicles: float) -> Want:
    return Want(i, vehicles, 1 / line.jph, GOOD[line.stage])


def test_the_last_shop_plans_the_open_demand_and_the_first_what_it_takes_plus_the_lane():
    shops = Shops(one_route())  # one route: the whole lane of 100
    shops.wip = {0: [20.0], 1: [0.0]}
    planner = Planner({"p.assembly.a1": 0.6, "p.body.b1": 1.0})
    plans = shops.plan({"p.body.b1": 70.0, "p.assembly.a1": 80.0}, [400.0, 100.0], want, lambda i: GOOD, planner)
    # Assembly first: 400 / 0.8 = 500 and 100 / 0.8 = 125 wanted, of which the planner gives 60%.
    # Body: the lane's parts follow what assembly takes (300 : 75 = 80 : 20). Product 0 wants
    # (400 - 20 x 0.8) / 0.72 = 533.3, capped at (300 + 80 - 20) / 0.9 = 400; product 1 wants
    # 100 / 0.72 = 138.9, capped at (75 + 20) / 0.9 = 105.6.
    assert [(c[0], c[1], c[3]) for c in planner.calls] == [("p.assembly.a1", 80.0, True), ("p.body.b1", 70.0, False)]
    assert planner.calls[0][2] == [Want(0, 500.0, 1 / 40, 0.8), Want(1, 125.0, 1 / 40, 0.8)]
    assert planner.calls[1][2] == [
        Want(0, pytest.approx(400.0), 1 / 60, 0.9),
        Want(1, pytest.approx(95 / 0.9), 1 / 60, 0.9),
    ]
    assert [it.started for it in plans["p.assembly.a1"]] == pytest.approx([300.0, 75.0])
    assert [it.started for it in plans["p.body.b1"]] == pytest.approx([400.0, 95 / 0.9])


def test_with_nothing_taken_downstream_the_first_shop_refills_equal_parts_of_the_lane():
    # Assembly plans nothing (no hours): body refills each product's half of the lane (50),
    # less what it holds: (50 - 20) / 0.9 = 33.3 and 50 / 0.9 = 55.6.
    shops = Shops(one_route())
    shops.wip = {0: [20.0], 1: [0.0]}
    planner = Planner({"p.assembly.a1": 0.0, "p.body.b1": 1.0})
    plans = shops.plan({"p.body.b1": 70.0, "p.assembly.a1": 0.0}, [400.0, 100.0], want, lambda i: GOOD, planner)
    assert plans["p.assembly.a1"] == []
    assert [it.started for it in plans["p.body.b1"]] == pytest.approx([30 / 0.9, 50 / 0.9])


def test_a_product_whose_lane_already_covers_its_demand_is_not_started():
    # Assembly gets a tenth of what it wants: 50 of product 0 (500 wanted) and 1.25 of product 1
    # (12.5). Product 0 holds 200 in the lane, more than the 50 taken plus its part of the lane
    # (100 x 50 / 51.25 = 97.6); product 1 has 10 open and 20 in the lane (16 good to come).
    # Body starts neither.
    shops = Shops(one_route())
    shops.wip = {0: [200.0], 1: [20.0]}
    planner = Planner({"p.assembly.a1": 0.1, "p.body.b1": 1.0})
    plans = shops.plan({"p.body.b1": 70.0, "p.assembly.a1": 80.0}, [400.0, 10.0], want, lambda i: GOOD, planner)
    assert [it.started for it in plans["p.assembly.a1"]] == pytest.approx([50.0, 1.25])
    assert plans["p.body.b1"] == [] and len(planner.calls) == 1  # no want, no call


def test_a_product_left_out_downstream_gets_no_lane():
    # Assembly's planner gives product 1 nothing and product 0 a tenth of its 5,000: 500. The
    # whole lane of 100 is product 0's: body plans (500 + 100) / 0.9 = 666.7 of it, and none of
    # product 1 although it has 100 open.
    shops = Shops(one_route())
    planner = Planner({"p.assembly.a1": 0.1, "p.body.b1": 1.0}, skip={("p.assembly.a1", 1)})
    plans = shops.plan({"p.body.b1": 70.0, "p.assembly.a1": 80.0}, [4000.0, 100.0], want, lambda i: GOOD, planner)
    assert [(it.product, it.started) for it in plans["p.assembly.a1"]] == [(0, pytest.approx(500.0))]
    assert [(it.product, it.started) for it in plans["p.body.b1"]] == [(0, pytest.approx(600 / 0.9))]


def test_crumbs_of_demand_are_not_planned_but_half_a_vehicle_is():
    shops = Shops(one_route())
    planner = Planner({"p.assembly.a1": 1.0, "p.body.b1": 1.0})
    # Good shares of 1: 1e-12 open is a rounding crumb; 0.5 is half a vehicle to start.
    plans = shops.plan({"p.body.b1": 1.0, "p.assembly.a1": 1.0}, [1e-12, 0.5], want, lambda i: [1.0, 1.0], planner)
    assert [(it.product, it.started) for it in plans["p.assembly.a1"]] == [(1, 0.5)]


def test_a_route_through_two_shops_flows_by_its_plans():
    # Body plans 300 + 100 at 60 JPH (6.7 h), assembly 240 + 80 at 40 JPH (8 h) over 10 h.
    # The lane of 100 fills at 20 an hour: full at 5 h (300 through body); body then runs at 40
    # and ends its 400 at 7.5 h (blocked 2.5 h x 1/3); assembly ends its 320 at 8 h, leaving 80.
    shops = Shops(one_route())
    plans = {
        "p.body.b1": [Item(0, 300.0, 1 / 60, 0.0, 1.0), Item(1, 100.0, 1 / 60, 0.0, 1.0)],
        "p.assembly.a1": [Item(0, 240.0, 1 / 40, 0.0, 1.0), Item(1, 80.0, 1 / 40, 0.0, 1.0)],
    }
    out = shops.run(plans, None, {"p.body.b1": [], "p.assembly.a1": []}, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert {k: v[0] for k, v in out.items()} == {
        ("p.body.b1", 0): 300.0,
        ("p.body.b1", 1): 100.0,
        ("p.assembly.a1", 0): 240.0,
        ("p.assembly.a1", 1): 80.0,
    }
    assert out[("p.assembly.a1", 1)][1] is plans["p.assembly.a1"][1]
    assert shops.idle == {
        "p.body.b1": [pytest.approx(400 / 60), 0.0, pytest.approx(2.5 / 3)],
        "p.assembly.a1": [8.0, 0.0, 0.0],
    }
    assert shops.wip == {0: [60.0], 1: [20.0]}  # 300 - 240 and 100 - 80


TWO_ROUTE_PLANS = {
    "p.body.b1": [Item(0, 330.0, 1 / 60, 0.0, 1.0)],
    "p.body.b2": [Item(1, 200.0, 1 / 40, 0.0, 1.0)],
    "p.assembly.a1": [Item(0, 300.0, 1 / 60, 0.0, 1.0), Item(1, 150.0, 1 / 60, 0.0, 1.0)],
}
NO_DOWNS = {"p.body.b1": [], "p.body.b2": [], "p.assembly.a1": []}


def test_a_shared_line_gives_each_route_its_planned_share_of_its_time():
    # Assembly plans 300 of route 1 and 150 of route 2 in 7.5 h: while up, route 1 runs at 40 an
    # hour and route 2 at 20 (2/3 and 1/3 of its 60 JPH). Lanes of 50 each.
    # Route 1: body at 60 fills its lane by 2.5 h, then runs at 40: its 330 by 7 h (blocked
    # 4.5 h x 1/3); assembly's 300 by 7.5 h; 30 stay. Route 2: b2 at 40 fills its lane by 2.5 h,
    # then runs at 20: 200 by 7.5 h (blocked 5 h x 1/2), as assembly ends its 150; 50 stay.
    shops = Shops(two_routes())
    out = shops.run(TWO_ROUTE_PLANS, None, NO_DOWNS, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert {k: v[0] for k, v in out.items()} == pytest.approx(
        {("p.body.b1", 0): 330.0, ("p.assembly.a1", 0): 300.0, ("p.body.b2", 1): 200.0, ("p.assembly.a1", 1): 150.0}
    )
    assert shops.idle == {
        "p.body.b1": [pytest.approx(5.5), 0.0, pytest.approx(1.5)],
        "p.body.b2": [5.0, 0.0, 2.5],
        "p.assembly.a1": [pytest.approx(7.5), 0.0, 0.0],
    }
    assert shops.wip == {0: [pytest.approx(30.0)], 1: [pytest.approx(50.0)]}


def test_kits_cut_only_the_first_shop_and_the_shared_line_starves_for_its_share():
    # Kits for half of route 1's 330: body stops at 165 (blocked 0.375 h x 1/3 after its lane
    # fills at 2.5 h); assembly drains the lane by 4.125 h and then waits 5.875 h for input, on
    # 2/3 of its time: 3.92 h starved. Route 2 as before.
    shops = Shops(two_routes())
    out = shops.run(TWO_ROUTE_PLANS, [0.5, 1.0], NO_DOWNS, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert out[("p.body.b1", 0)][0] == pytest.approx(165.0) and out[("p.assembly.a1", 0)][0] == pytest.approx(165.0)
    assert out[("p.body.b2", 1)][0] == 200.0 and out[("p.assembly.a1", 1)][0] == pytest.approx(150.0)
    assert shops.idle["p.body.b1"] == [pytest.approx(2.75), 0.0, pytest.approx(0.125)]
    assert shops.idle["p.assembly.a1"] == [pytest.approx(165 / 60 + 150 / 60), pytest.approx(5.875 * 2 / 3), 0.0]


def test_a_route_with_no_plan_is_skipped_and_the_others_still_flow():
    # Route 1 has nothing planned anywhere; route 2 still runs: 200 through b2 and 150 through a1.
    plans = {
        "p.body.b1": [],
        "p.body.b2": TWO_ROUTE_PLANS["p.body.b2"],
        "p.assembly.a1": TWO_ROUTE_PLANS["p.assembly.a1"][1:],
    }
    shops = Shops(two_routes())
    out = shops.run(plans, None, NO_DOWNS, lambda i: [1.0, 1.0], 0.0, 10.0)
    # a1 now gives route 2 all its time: 60 an hour, 150 by 2.5 h (b2 at 40 plus its lane).
    assert {k: v[0] for k, v in out.items()} == pytest.approx({("p.body.b2", 1): 200.0, ("p.assembly.a1", 1): 150.0})
    assert shops.idle["p.body.b1"] == [0.0, 0.0, 0.0]


def test_a_lane_holding_more_than_its_part_keeps_it_and_scrap_leaves_it():
    # Route 1's lane holds 80 where its part is 50 (resized since): assembly at 40 an hour with a
    # plan of 100 drains the 80 in 2 h, then waits for the body, which has no plan: starved 8 h
    # on 100/60 of its 100/60 h, i.e. all of them. Body scraps a tenth of nothing: nothing.
    shops = Shops(two_routes())
    shops.wip = {0: [80.0], 1: [0.0]}
    plans = {"p.body.b1": [], "p.body.b2": [], "p.assembly.a1": [Item(0, 100.0, 1 / 60, 0.0, 1.0)]}
    out = shops.run(plans, None, NO_DOWNS, lambda i: [0.9, 1.0], 0.0, 10.0)
    assert out == {("p.assembly.a1", 0): (80.0, plans["p.assembly.a1"][0])}
    assert shops.idle["p.assembly.a1"] == [pytest.approx(80 / 60), pytest.approx(10 - 80 / 60), 0.0]
    assert shops.wip == {0: [0.0], 1: [0.0]}


def test_a_shops_yield_and_changeover_in_a_routes_flow():
    # Body at 60 with 0.9 good, 0.02 h of changeover a vehicle (each 1/60 + 0.02): 100 planned
    # take 3.67 h; 90 reach the lane; assembly takes 90 at 60 an hour (1.5 h). Body's busy hours
    # leave the changeover out: 100 / 60.
    b1, a1 = shop_line("body", "b1", 0, [0]), shop_line("assembly", "a1", 1, [0])
    plant = Plant(0, [[b1], [a1]], [math.inf], {0: [b1, a1]}, [[0]])
    shops = Shops(plant)
    plans = {
        "p.body.b1": [Item(0, 100.0, 1 / 60 + 0.02, 0.02, 0.9)],
        "p.assembly.a1": [Item(0, 90.0, 1 / 60, 0.0, 1.0)],
    }
    out = shops.run(plans, None, {"p.body.b1": [], "p.assembly.a1": []}, lambda i: [0.9, 1.0], 0.0, 10.0)
    assert out[("p.body.b1", 0)][0] == pytest.approx(100.0) and out[("p.assembly.a1", 0)][0] == pytest.approx(90.0)
    assert shops.idle["p.body.b1"][0] == pytest.approx(100 / 60)
    assert shops.wip == {0: [pytest.approx(0.0, abs=1e-9)]}


def test_breakdowns_between_two_open_hours_are_clipped_to_them():
    down = Downtime([2.0, 5.0, 9.0, 14.0], [3.0, 7.0, 12.0, 15.0], [1.0, 2.0, 3.0, 1.0])
    assert within(down, 6.0, 10.0) == [(6.0, 7.0), (9.0, 10.0)]
    assert within(down, 3.0, 5.0) == []  # one ends at 3, the next starts at 5
    assert within(down, 0.0, 20.0) == [(2.0, 3.0), (5.0, 7.0), (9.0, 12.0), (14.0, 15.0)]
    assert within(down, 2.5, 14.0) == [(2.5, 3.0), (5.0, 7.0), (9.0, 12.0)]
    assert within(down, 5.5, 6.5) == [(5.5, 6.5)]  # one breakdown over both ends
    assert within(down, 15.0, 20.0) == []


def test_a_stage_that_meets_its_plan_as_its_lane_empties_is_not_starved():
    # 60 then 40 JPH, a lane of 50, both planned 300: body is done at 6.25 h, assembly takes its
    # 300th vehicle at 7.5 h as the lane empties. Its plan is done: it idles for want of
    # demand, not input, like a stage that finishes with vehicles left in its lane. (The code
    # books 2.5 h starved: the lane's emptying wins the tie with the finish, and a stage at
    # rate 0 is never checked for a finished plan.)
    from sim.model.flow import flow

    f = flow([60, 40], [[], []], [0], [50], 0, 10, targets=[300, 300])
    assert f.processed == [300.0, 300.0] and f.starved == [0.0, 0.0]


def test_with_an_unlimited_buffer_the_first_shop_starts_the_open_demand_less_its_lane():
    # No lane limit: body plans (400 - 20 x 0.8) / 0.72 = 533.3 of product 0 (20 already in the
    # lane, 16 of them good at the end) and 100 / 0.72 = 138.9 of product 1.
    b1, a1 = shop_line("body", "b1", 0, [0, 1]), shop_line("assembly", "a1", 1, [0, 1], 40.0)
    shops = Shops(Plant(0, [[b1], [a1]], [math.inf], {0: [b1, a1], 1: [b1, a1]}, [[0, 1]]))
    shops.wip = {0: [20.0], 1: [0.0]}
    planner = Planner({"p.assembly.a1": 0.6, "p.body.b1": 1.0})
    plans = shops.plan({"p.body.b1": 70.0, "p.assembly.a1": 80.0}, [400.0, 100.0], want, lambda i: GOOD, planner)
    assert [it.started for it in plans["p.body.b1"]] == pytest.approx([384 / 0.72, 100 / 0.72])


def test_an_unlimited_buffers_lanes_stay_unlimited_for_a_route_without_demand():
    shops = Shops(Plant(0, [[], []], [100.0, math.inf], {0: [], 1: [], 2: []}, [[0, 1], [2]]))
    shops.resize([1.0, 0.0, 0.0])
    assert shops.lane == [[100.0, 0.0], [math.inf, math.inf]]


def test_a_lane_is_shared_by_what_the_next_shop_takes_even_fractions_of_a_vehicle():
    # A lane of 1; assembly takes a thousandth of 500 and 125 wanted: 0.5 and 0.125, so the lane
    # splits 0.8 / 0.2 and body plans (0.5 + 0.8) / 0.9 and (0.125 + 0.2) / 0.9.
    b1, a1 = shop_line("body", "b1", 0, [0, 1]), shop_line("assembly", "a1", 1, [0, 1], 40.0)
    shops = Shops(Plant(0, [[b1], [a1]], [1.0], {0: [b1, a1], 1: [b1, a1]}, [[0, 1]]))
    planner = Planner({"p.assembly.a1": 0.001, "p.body.b1": 1.0})
    plans = shops.plan({"p.body.b1": 70.0, "p.assembly.a1": 80.0}, [400.0, 100.0], want, lambda i: GOOD, planner)
    assert [it.started for it in plans["p.body.b1"]] == pytest.approx([1.3 / 0.9, 0.325 / 0.9])


def test_half_a_vehicle_planned_in_under_an_hour_flows():
    # Route 2 alone: b2 (40 JPH) starts half a vehicle, a1 takes it at b2's pace (0.0125 h).
    plans = {
        "p.body.b1": [],
        "p.body.b2": [Item(1, 0.5, 1 / 40, 0.0, 1.0)],
        "p.assembly.a1": [Item(1, 0.5, 1 / 60, 0.0, 1.0)],
    }
    shops = Shops(two_routes())
    out = shops.run(plans, None, NO_DOWNS, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert {k: v[0] for k, v in out.items()} == pytest.approx({("p.body.b2", 1): 0.5, ("p.assembly.a1", 1): 0.5})
    assert shops.wip == {0: [0.0], 1: [pytest.approx(0.0, abs=1e-12)]}


def test_a_product_cut_to_nothing_starves_its_share_of_the_shared_line():
    # No kits for route 1: body b1 starts nothing and a1 waits all 10 h on its 2/3 share of time.
    shops = Shops(two_routes())
    out = shops.run(TWO_ROUTE_PLANS, [0.0, 1.0], NO_DOWNS, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert out[("p.assembly.a1", 0)][0] == 0.0 and ("p.body.b1", 0) not in out
    assert shops.idle["p.assembly.a1"] == [pytest.approx(2.5), pytest.approx(10 * 2 / 3), 0.0]


def test_a_line_blocked_on_two_routes_adds_up_both():
    # b1 (60 JPH) starts 300 of each product for a1 and a2 (20 JPH each), half its time each:
    # 30 an hour per route into lanes of 20 (a buffer of 40 in equal parts), full after 2 h,
    # then 20 an hour: blocked 8 h x 1/3 on each route, half the line's time: 2.67 h in all.
    b1 = shop_line("body", "b1", 0, [0, 1])
    a1, a2 = shop_line("assembly", "a1", 1, [0], 20.0), shop_line("assembly", "a2", 1, [1], 20.0)
    shops = Shops(Plant(0, [[b1], [a1, a2]], [40.0], {0: [b1, a1], 1: [b1, a2]}, [[0], [1]]))
    plans = {
        "p.body.b1": [Item(0, 300.0, 1 / 60, 0.0, 1.0), Item(1, 300.0, 1 / 60, 0.0, 1.0)],
        "p.assembly.a1": [Item(0, 200.0, 1 / 20, 0.0, 1.0)],
        "p.assembly.a2": [Item(1, 200.0, 1 / 20, 0.0, 1.0)],
    }
    out = shops.run(
        plans, None, {"p.body.b1": [], "p.assembly.a1": [], "p.assembly.a2": []}, lambda i: [1.0, 1.0], 0.0, 10.0
    )
    assert out[("p.body.b1", 0)][0] == pytest.approx(220.0) and out[("p.body.b1", 1)][0] == pytest.approx(220.0)
    assert shops.idle["p.body.b1"] == [pytest.approx(440 / 60), 0.0, pytest.approx(2 * 8 / 3 / 2)]
    assert shops.wip == {0: [pytest.approx(20.0)], 1: [pytest.approx(20.0)]}


def test_each_products_lanes_gain_what_it_passed_good_and_lose_what_the_next_shop_took():
    # Body, paint and assembly at 60 JPH on one route of products 0 and 1; good shares 0.5 at
    # body, 0.8 at paint. Lanes: body's 20 + 10 (products 0, 1), paint's 10 + 20, both far
    # from their 100. Plans of 40 vehicles a shop (body 20 + 20, paint 30 + 10, assembly 20 +
    # 20): every stage runs at 60 for 2/3 h, no lane reaching a bound (body's drains at
    # 60 x 0.5 - 60 = 30 an hour, to 10; paint's at 60 x 0.8 - 60 = 12, to 22). Per product:
    # body's lane 20 + 20 x 0.5 - 30 = 0 and 10 + 20 x 0.5 - 10 = 10; paint's 10 + 30 x 0.8 - 20
    # = 14 and 20 + 10 x 0.8 - 20 = 8.
    b1, p1 = shop_line("body", "b1", 0, [0, 1]), shop_line("paint", "p1", 1, [0, 1])
    a1 = shop_line("assembly", "a1", 2, [0, 1])
    shops = Shops(Plant(0, [[b1], [p1], [a1]], [100.0, 100.0], {0: [b1, p1, a1], 1: [b1, p1, a1]}, [[0, 1]]))
    shops.wip = {0: [20.0, 10.0], 1: [10.0, 20.0]}
    plans = {
        "p.body.b1": [Item(0, 20.0, 1 / 60, 0.0, 0.5), Item(1, 20.0, 1 / 60, 0.0, 0.5)],
        "p.paint.p1": [Item(0, 30.0, 1 / 60, 0.0, 0.8), Item(1, 10.0, 1 / 60, 0.0, 0.8)],
        "p.assembly.a1": [Item(0, 20.0, 1 / 60, 0.0, 1.0), Item(1, 20.0, 1 / 60, 0.0, 1.0)],
    }
    downs = {"p.body.b1": [], "p.paint.p1": [], "p.assembly.a1": []}
    out = shops.run(plans, None, downs, lambda i: [0.5, 0.8, 1.0], 0.0, 10.0)
    assert {k: v[0] for k, v in out.items()} == pytest.approx(
        {
            ("p.body.b1", 0): 20.0,
            ("p.body.b1", 1): 20.0,
            ("p.paint.p1", 0): 30.0,
            ("p.paint.p1", 1): 10.0,
            ("p.assembly.a1", 0): 20.0,
            ("p.assembly.a1", 1): 20.0,
        }
    )
    assert shops.wip == {
        0: [pytest.approx(0.0, abs=1e-9), pytest.approx(14.0)],
        1: [pytest.approx(10.0), pytest.approx(8.0)],
    }


def test_a_product_taken_beyond_what_its_lane_held_leaves_it_empty_and_the_rest_to_the_others():
    # Products on a route flow as one mix: assembly (40 JPH) takes 10 of product 0 and 20 of
    # product 1 from a lane holding 30 of product 0 only, while body (60 JPH) adds 10 of product
    # 1 (done at 1/6 h). The route's lane ends at 30 + 10 - 30 = 10; by product, 30 - 10 = 20
    # and 10 - 20 = -10: product 1 holds none and product 0 the lane's 10.
    shops = Shops(one_route())
    shops.wip = {0: [30.0], 1: [0.0]}
    plans = {
        "p.body.b1": [Item(1, 10.0, 1 / 60, 0.0, 1.0)],
        "p.assembly.a1": [Item(0, 10.0, 1 / 40, 0.0, 1.0), Item(1, 20.0, 1 / 40, 0.0, 1.0)],
    }
    out = shops.run(plans, None, {"p.body.b1": [], "p.assembly.a1": []}, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert {k: v[0] for k, v in out.items()} == pytest.approx(
        {("p.body.b1", 1): 10.0, ("p.assembly.a1", 0): 10.0, ("p.assembly.a1", 1): 20.0}
    )
    assert shops.wip == {0: [pytest.approx(10.0)], 1: [0.0]}


def test_a_lane_holding_under_one_vehicle_keeps_it():
    # Body starts 0.75 of product 0 and assembly takes 0.5 (both done at 0.0125 h): 0.25 stay.
    shops = Shops(one_route())
    plans = {"p.body.b1": [Item(0, 0.75, 1 / 60, 0.0, 1.0)], "p.assembly.a1": [Item(0, 0.5, 1 / 40, 0.0, 1.0)]}
    shops.run(plans, None, {"p.body.b1": [], "p.assembly.a1": []}, lambda i: [1.0, 1.0], 0.0, 10.0)
    assert shops.wip == {0: [pytest.approx(0.25)], 1: [0.0]}
