"""Chip kits: deliveries, the allocation rules, and kits that cut the policy's plan, each
against a hand-computed answer."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.experiment.seeding import streams
from sim.model import Setup, chips, simulate
from sim.model.recorder import Kind, Recorder
from sim.results.results import fold
from sim.scenario import Scenario
from tests.conftest import build, small_data
from tests.model.test_dynamics import plant_scenario

NEEDS, CUSTOMER, MARGINS = [600.0, 300.0, 500.0], [False, False, True], [10.0, 30.0, 20.0]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("owner_first", [600, 300, 100]),
        ("customer_first", [500 * 600 / 900, 500 * 300 / 900, 500]),
        ("proportional", [1000 * 600 / 1400, 1000 * 300 / 1400, 1000 * 500 / 1400]),
        ("by_margin", [200, 300, 500]),
    ],
)
def test_a_scarce_week_of_kits_under_each_rule(policy, expected):
    # 1,000 kits for needs of 600 and 300 (owner) and 500 (customer); margins 10, 30, 20.
    assert chips.allocate(policy, 1000.0, NEEDS, CUSTOMER, MARGINS) == pytest.approx(expected)


def test_plenty_of_kits_serves_every_need_and_keeps_the_rest():
    assert chips.allocate("by_margin", 5000.0, NEEDS, CUSTOMER, MARGINS) == pytest.approx(NEEDS)


def test_the_schema_offers_exactly_the_registered_rules():
    from sim.scenario.supply import ChipPolicy

    assert set(ChipPolicy.__args__) == set(chips.ALLOCATIONS)


def test_production_is_limited_by_kits_and_a_disruption_cuts_deliveries():
    supply = {
        "kits_per_week": 3000,
        "disruptions": [{"name": "d", "first_day": "2022-01-10", "last_day": "2022-01-16", "share_lost": 0.5}],
    }
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"]}],
        [{"id": "car", "chips_per_vehicle": 2}],
        end="2022-01-23",
        supply={"chips": supply},
    )
    r = sim.run(s, replications=1)
    # Deliveries on Jan 3, 10 (halved) and 17: 7,500 kits = 3,750 vehicles at 2 kits each.
    assert r.built.sum() == pytest.approx((3000 + 1500 + 3000) / 2)
    # Without the disruption 4,500 vehicles: the counterfactual measures the shortage's cost.
    assert r.reference["without_chip_disruptions"].sum() == pytest.approx(4500)


def shared_line_scenario(kits_per_week: float, end: str = "2022-07-03", **chips_extra) -> Scenario:
    """Products a and b share l1, c is alone on l2 (both 60 JPH, 2 x 8 h, Mon-Fri); demand
    above capacity. 2022-01-03 to 2022-07-03 is 26 weeks: 26 x 80 h x 60 = 124,800 a line."""
    return plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["a", "b"]}, {"id": "l2", "jph": 60, "products": ["c"]}],
        [{"id": p, "demand": {"units_per_month": 30_000}} for p in "abc"],
        end=end,
        supply={"chips": {"kits_per_week": kits_per_week, **chips_extra}},
    )


def test_kits_that_cover_both_lines_build_both_lines_full():
    # 9,600 kits a week = 2 lines x 80 h x 60 JPH. A shared line's products together need one
    # line's worth of kits, so c gets its own line's worth and nothing idles.
    r = sim.run(shared_line_scenario(9600), replications=1)
    built = r.built[0].sum(axis=1)
    assert built == pytest.approx([62_400, 62_400, 124_800])
    assert built.sum() == pytest.approx(2 * 124_800)


def test_scarce_kits_are_shared_by_the_plan_not_by_demand():
    # 4,800 kits a week, proportional to need: the plan starts 4,800 on l1 (2,400 each for a and
    # b) and 4,800 on l2, so each line gets half its plan: 2,400 a week on l1 and on l2.
    r = sim.run(shared_line_scenario(4800), replications=1)
    assert r.built[0].sum(axis=1) == pytest.approx([31_200, 31_200, 62_400])


def monthly_output(scenario: Scenario, book_every_hours: float | None) -> np.ndarray:
    rec = Recorder()
    setup = Setup.of(scenario)
    simulate(scenario, streams(scenario.meta.seed, 0), rec, setup, book_every_hours=book_every_hours)
    return fold(rec.records, scenario, setup.months)["built"].sum(axis=0)


@pytest.mark.parametrize("allocation", ["proportional", "owner_first", "customer_first", "by_margin"])
def test_output_does_not_depend_on_how_often_the_model_books(allocation):
    # Chips bind (4,500 kits a week for 9,600 of capacity, halved for three weeks), on lines with
    # breakdowns, a changeover, a ramp and lost sales: weekly and monthly bookings build the same.
    data = small_data()
    data["meta"]["end_date"] = "2022-06-30"
    data["plants"][0]["lines"] = [
        {
            "id": "l1",
            "jph": 60,
            "products": ["haval", "xiaomi_ev"],
            "changeover_hours": 1,
            "campaign_units": 300,
            "breakdowns": {
                "time_between_failures_hours": {"kind": "exponential", "mean": 20},
                "time_to_repair_hours": {"kind": "exponential", "mean": 2},
            },
        },
        {"id": "l2", "jph": 60, "products": ["ora"]},
    ]
    data["products"].append(
        {"id": "ora", "brand": "ORA", "owner": "gwm", "demand": {"units_per_month": 9000}, "margin_rmb_per_unit": 10}
    )
    data["products"][0]["demand"]["lost_after_months"] = 1
    data["products"][1]["demand"] = {"units_per_month": 4000}
    disruption = {"name": "d", "first_day": "2022-03-07", "last_day": "2022-03-27", "share_lost": 0.5}
    data["supply"] = {"chips": {"kits_per_week": 4500, "allocation": allocation, "disruptions": [disruption]}}
    s = Scenario.model_validate(data)
    monthly = monthly_output(s, None)
    assert monthly_output(s, 7 * 24) == pytest.approx(monthly, rel=0.005)
    # Kits bind: with plenty the plant builds more.
    plenty = s.model_copy(update={"supply": None})
    assert monthly.sum() < 0.9 * monthly_output(plenty, None).sum()


def test_a_delivery_at_a_booking_instant_is_counted_once():
    # Weekly bookings fall on Mondays at 00:00, exactly when the kits arrive: each delivery
    # joins the pool once, in the batch that starts at it (3 x 3,000 kits = 4,500 vehicles).
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"]}],
        [{"id": "car", "chips_per_vehicle": 2}],
        end="2022-01-23",
        supply={"chips": {"kits_per_week": 3000}},
    )
    for every in (None, 7 * 24):
        rec = Recorder()
        simulate(s, streams(1, 0), rec, Setup.of(s), book_every_hours=every)
        kits = [r for r in rec.named() if r.kind == Kind.KITS]
        assert [r.time for r in kits] == [0, 7 * 24, 14 * 24] and sum(r.quantity for r in kits) == 9000
        assert sum(r.quantity for r in rec.named() if r.kind == Kind.BUILT) == pytest.approx(4500)


def test_kits_never_move_hours_the_policy_gave_the_other_side():
    # owner_first saturates the shared line with the owner's demand, so the plan starts no
    # customer vehicle; customer_first chips cannot change that: the customer builds nothing.
    data = small_data()
    data["products"][1].pop("ramp")
    data["products"][1]["demand"] = {"units_per_month": 5000}
    data["products"][0]["demand"] = {"units_per_month": 50_000}
    data["supply"] = {"chips": {"kits_per_week": 2000, "allocation": "customer_first"}}
    s = build(data, contract__policy="owner_first", contract__reserved_share=None)
    r = sim.run(s, replications=1)
    assert r.built[0, 1].sum() == 0
    # The owner builds every kit delivered (2,000 a week), never the line's 4,800.
    weeks = len([d for d in Setup.of(s).deliveries])
    assert r.built[0, 0].sum() == pytest.approx(2000 * weeks)


@pytest.mark.parametrize("scenario", ["baseline.yaml", "chip_shortage_2021.yaml"])
def test_a_customer_without_demand_costs_the_owner_nothing(scenario):
    from tests.conftest import ROOT

    s = sim.load(ROOT / "scenarios" / scenario)
    customer = s.customer_products[0]
    idle = customer.model_copy(
        update={"demand": customer.demand.model_copy(update={"units_by_month": {"2021-01": 0.0}})}
    )
    s = s.model_copy(update={"products": [idle if p.id == customer.id else p for p in s.products]})
    r = sim.run(s, replications=2)
    lost = next(k for k in r.kpis() if k.key == "owner_units_lost")
    assert abs(lost.value) < 1e-6 and abs(lost.low) < 1e-6 and abs(lost.high) < 1e-6


def test_deliveries_come_at_the_start_and_every_monday_less_the_worst_disruption():
    from sim.scenario.supply import Chips

    # From Wednesday 5 January to Monday 24 January 2022: kits at the start (day 0) and on the
    # Mondays 10, 17 and 24 January (days 5, 12, 19; the last day counts). A 50% disruption
    # from 10 to 17 January and a 30% one from 17 to 24 January, both ends included: the 10th
    # loses 50%, the 17th the larger 50%, the 24th 30%.
    chips_ = Chips(
        kits_per_week=1000,
        disruptions=[
            {"name": "a", "first_day": "2022-01-10", "last_day": "2022-01-17", "share_lost": 0.5},
            {"name": "b", "first_day": "2022-01-17", "last_day": "2022-01-24", "share_lost": 0.3},
        ],
    )
    start = dt.date(2022, 1, 5)
    assert chips.arrivals(chips_, start, dt.date(2022, 1, 24)) == [(0, 1000), (5, 500), (12, 500), (19, 700)]
    # Ending on Sunday the 23rd: no delivery on the Monday after the horizon.
    assert chips.arrivals(chips_, start, dt.date(2022, 1, 23)) == [(0, 1000), (5, 500), (12, 500)]
    # Starting on a Monday: one delivery that day, not two.
    assert chips.arrivals(chips_, dt.date(2022, 1, 3), dt.date(2022, 1, 9)) == [(0, 1000)]


def test_a_side_with_no_need_is_skipped_and_the_next_served():
    # owner_first with the owner needing nothing: the customer is served from the whole pool;
    # the owner's products get nothing (not a share of an empty need).
    assert chips.allocate("owner_first", 300.0, [0.0, 0.0, 500.0], CUSTOMER, MARGINS) == [0.0, 0.0, 300.0]


def test_small_needs_and_a_small_pool_are_served():
    # Needs of 1 and 0.5 kits out of 10: both in full. Half a kit for a need of 2: all of it.
    assert chips.allocate("proportional", 10.0, [1.0, 0.5, 0.0], CUSTOMER, MARGINS) == [1.0, 0.5, 0.0]
    assert chips.allocate("proportional", 0.5, [2.0, 0.0, 0.0], CUSTOMER, MARGINS) == [0.5, 0.0, 0.0]
    # Needs of less than one kit in all (a quarter and half a vehicle's kit): served in full.
    assert chips.allocate("proportional", 10.0, [0.25, 0.5, 0.0], CUSTOMER, MARGINS) == [0.25, 0.5, 0.0]
    assert chips.allocate("owner_first", 10.0, [0.25, 0.5, 0.0], CUSTOMER, MARGINS) == [0.25, 0.5, 0.0]
    # A need of 1e-9 kits (a rounding crumb) is not served; nor anything from an empty pool.
    assert chips.allocate("proportional", 10.0, [1e-9, 0.0, 0.0], CUSTOMER, MARGINS) == [0.0, 0.0, 0.0]
    assert chips.allocate("proportional", 0.0, NEEDS, CUSTOMER, MARGINS) == [0.0, 0.0, 0.0]


def test_a_side_served_in_full_leaves_the_rest_to_the_next():
    # customer_first, 1,000 kits: the customer's 500 in full, then the owner's 900 get the other
    # 500 in proportion (333.3 and 166.7); margins play no part.
    given = chips.allocate("customer_first", 1000.0, NEEDS, CUSTOMER, [0.0, 0.0, 0.0])
    assert given == pytest.approx([500 * 600 / 900, 500 * 300 / 900, 500])


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(chips.ALLOCATIONS)),
    st.floats(0, 5000),
    st.lists(st.tuples(st.floats(0, 2000), st.booleans(), st.sampled_from([1.0, 2.0, 3.0])), min_size=1, max_size=5),
)
def test_kits_are_never_over_given_and_never_left_while_needed(rule, pool, products):
    needs = [n for n, _, _ in products]
    given = chips.allocate(rule, pool, needs, [c for _, c, _ in products], [m for _, _, m in products])
    # No product gets more than it needs, nor less than nothing; the pool is not overdrawn.
    assert all(-1e-9 <= g <= n * (1 + 1e-12) for g, n in zip(given, needs, strict=True))
    assert sum(given) <= pool * (1 + 1e-12) + 1e-9
    # Work-conserving: kits are left over only when every need is met.
    assert sum(given) == pytest.approx(min(pool, sum(n for n in needs if n > 1e-9)), rel=1e-9, abs=1e-6)
