"""The plant's state built from a scenario: lines, where they stand, their products and
families, shop yields, buffers, routes and the lines each product starts and ends on."""

import math

from sim.model import breakdowns, state
from sim.scenario import Scenario

CALENDAR = {"shifts_per_day": 2, "hours_per_shift": 8}


def two_plants(contract: bool = True) -> Scenario:
    """Plant p, one shop: l1 (ev, car; changing over) and l2 (van). Plant q, three shops: body
    b1 (car, van) and b2 (ev), a buffer of 50; paint p1 (all), an unlimited buffer; assembly
    a1 (car, van) and a2 (ev). The van passes 95% at body and 90% at paint."""
    products = [
        {"id": "car", "brand": "Haval", "owner": "gwm", "family": "suv", "demand": {"units_per_month": 1}},
        {
            "id": "van",
            "brand": "Haval",
            "owner": "gwm",
            "shop_yields": {"body": 0.95, "paint": 0.9},
            "demand": {"units_per_month": 1},
        },
        {"id": "ev", "brand": "Xiaomi", "owner": "x" if contract else "gwm", "demand": {"units_per_month": 1}},
    ]
    shops = [
        {
            "id": "body",
            "buffer_after_units": 50,
            "lines": [{"id": "b1", "jph": 60, "products": ["car", "van"]}, {"id": "b2", "jph": 30, "products": ["ev"]}],
        },
        {"id": "paint", "lines": [{"id": "p1", "jph": 90, "products": ["car", "van", "ev"]}]},
        {
            "id": "assembly",
            "lines": [{"id": "a1", "jph": 60, "products": ["car", "van"]}, {"id": "a2", "jph": 30, "products": ["ev"]}],
        },
    ]
    lines = [
        {"id": "l1", "jph": 60, "products": ["ev", "car"], "changeover_hours": 2, "campaign_units": 100},
        {"id": "l2", "jph": 40, "products": ["van"]},
    ]
    data = {
        "meta": {"name": "s", "start_date": "2022-01-03", "end_date": "2022-01-09", "seed": 1},
        "plants": [
            {"name": "p", "owner": "gwm", "calendar": CALENDAR, "lines": lines},
            {"name": "q", "owner": "gwm", "calendar": CALENDAR, "shops": shops},
        ],
        "products": products,
    }
    if contract:
        data["contract"] = {"customer": "x", "policy": "owner_first"}
        milestone = {"id": "go", "duration_days": {"kind": "fixed", "value": 1}}
        data["program"] = {"start_date": "2022-01-03", "target_launch": "2022-01-09", "milestones": [milestone]}
    return Scenario.model_validate(data)


def test_lines_are_named_placed_and_know_their_products():
    st = state.build(two_plants())
    assert st.customer == [False, False, True]
    names = ["p.l1", "p.l2", "q.body.b1", "q.body.b2", "q.paint.p1", "q.assembly.a1", "q.assembly.a2"]
    assert [ln.name for ln in st.lines] == names
    assert [(ln.plant, ln.stage) for ln in st.lines] == [(0, 0), (0, 0), (1, 0), (1, 0), (1, 1), (1, 2), (1, 2)]
    assert [ln.jph for ln in st.lines] == [60, 40, 60, 30, 90, 60, 30]
    l1 = st.lines[0]
    # The owner's products first, then the customer's, whatever order the line lists them in.
    assert (l1.owner, l1.customer, l1.products) == ([0], [2], [0, 2])
    assert st.lines[4].products == [0, 1, 2] and st.lines[4].owner == [0, 1] and st.lines[4].customer == [2]
    assert l1.families == {0: "suv", 2: "ev"}  # a product without a family is its own
    assert all(ln.down is breakdowns.NONE for ln in st.lines)
    assert repr(l1) == "Line(p.l1)"


def test_changeovers_per_vehicle_are_a_switch_over_a_campaign():
    l1, l2 = state.build(two_plants()).lines[:2]
    # 2 h per campaign of 100: 0.02 h a vehicle (the plan doubles it for the switch back).
    assert (l1.switch_hours, l1.campaign, l1.changeover) == (2, 100, 0.02)
    assert (l2.switch_hours, l2.campaign, l2.changeover) == (0, math.inf, 0.0)


def test_only_the_last_shop_builds_and_earlier_shops_have_their_yields():
    st = state.build(two_plants())
    assert [ln.last for ln in st.lines] == [True, True, False, False, False, True, True]
    b1, b2, p1 = st.lines[2:5]
    assert b1.yields == {0: 1.0, 1: 0.95} and b2.yields == {2: 1.0}
    assert p1.yields == {0: 1.0, 1: 0.9, 2: 1.0}
    assert st.lines[5].yields == {} and st.lines[0].yields == {}


def test_a_plant_of_shops_has_buffers_routes_and_groups():
    p, q = state.build(two_plants()).plants
    assert (p.index, p.series, p.buffers, p.routes, p.groups) == (0, False, [], {}, [])
    assert [[ln.name for ln in stage] for stage in p.stages] == [["p.l1", "p.l2"]]
    assert (q.index, q.series, q.buffers) == (1, True, [50, math.inf])
    assert {i: [ln.name for ln in route] for i, route in q.routes.items()} == {
        0: ["q.body.b1", "q.paint.p1", "q.assembly.a1"],
        1: ["q.body.b1", "q.paint.p1", "q.assembly.a1"],
        2: ["q.body.b2", "q.paint.p1", "q.assembly.a2"],
    }
    assert q.groups == [[0, 1], [2]]  # car and van share a route


def test_each_product_starts_on_its_first_shops_lines_and_ends_on_its_last_shops():
    st = state.build(two_plants())
    assert [[ln.name for ln in lines] for lines in st.first_lines] == [
        ["p.l1", "q.body.b1"],
        ["p.l2", "q.body.b1"],
        ["p.l1", "q.body.b2"],
    ]
    assert [[ln.name for ln in lines] for lines in st.last_lines] == [
        ["p.l1", "q.assembly.a1"],
        ["p.l2", "q.assembly.a1"],
        ["p.l1", "q.assembly.a2"],
    ]


def test_without_a_contract_every_product_is_the_owners():
    st = state.build(two_plants(contract=False))
    assert st.customer == [False, False, False]
    assert st.lines[0].products == [2, 0]  # the line's own order
