"""The plant model against hand-computed answers."""

import numpy as np
import pytest

import sim
from sim.experiment.seeding import streams
from sim.model import simulate
from sim.model.recorder import Recorder
from tests.conftest import build, deterministic, small_data


def totals(scenario, replication=0):
    rec = Recorder()
    simulate(scenario, streams(scenario.meta.seed, replication), rec)
    out: dict = {}
    for r in rec.named():
        out[(r.kind, r.what)] = out.get((r.kind, r.what), 0.0) + r.quantity
    return out, rec.named()


def test_one_week_at_60_jph_two_shifts_builds_4800():
    s = deterministic(jph=60)
    one_week = s.model_copy(update={"meta": s.meta.model_copy(update={"end_date": s.meta.start_date.replace(day=9)})})
    out, _ = totals(one_week)
    assert out[("built", "car")] == 60 * 2 * 8 * 5 == 4800


def test_four_weeks_build_four_times_4800_and_a_holiday_costs_its_hours():
    out, _ = totals(deterministic(jph=60))
    assert out[("built", "car")] == 4 * 4800
    holiday = {"shutdowns": [{"name": "h", "first_day": "2022-01-10", "last_day": "2022-01-11"}]}
    out, _ = totals(deterministic(jph=60, **holiday))
    assert out[("built", "car")] == 4 * 4800 - 2 * 16 * 60


def test_output_is_capped_by_demand_and_the_rest_is_idle():
    # 10,000 a month prorated to 28 of January's 31 days; the line could build 19,200.
    out, _ = totals(deterministic(jph=60, demand=10_000))
    assert out[("built", "car")] == pytest.approx(10_000 * 28 / 31)
    assert out[("busy", "")] == pytest.approx(10_000 * 28 / 31 / 60)


def test_conservation_built_plus_backlog_is_cumulative_demand():
    for policy in ["owner_first", "customer_first", "reserved_share", "proportional"]:
        s = build(small_data(), contract__policy=policy, plants__0__lines__0__jph=40)
        r = sim.run(s, replications=4)
        cum_demand = np.cumsum(r.demand, axis=2)
        assert np.allclose(np.cumsum(r.built, axis=2) + r.backlog, cum_demand, rtol=1e-9, atol=1e-6)
        assert (r.backlog >= 0).all()


def test_no_contract_units_before_sop():
    s = build(small_data())
    for rep in range(5):
        _, records = totals(s, rep)
        sop = next(r.time for r in records if r.kind == "sop")
        built = [r for r in records if r.kind == "built" and r.what == "xiaomi_ev"]
        demand = [r for r in records if r.kind == "demand" and r.what == "xiaomi_ev"]
        assert built and all(r.time >= sop for r in built)
        assert all(r.time >= sop for r in demand)


def test_ramp_output_matches_the_integral_of_a_linear_ramp():
    # A customer-only line open 24/7, SOP fixed at day 10, linear ramp 0.2 -> 1 over 2 months:
    # output over the ramp = jph * 24 h * days * (0.2 + 1) / 2, exactly (midpoint rule).
    data = small_data()
    data["plants"][0]["calendar"] = {
        "shifts_per_day": 3,
        "hours_per_shift": 8,
        "first_shift_start_hour": 0,
        "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    data["plants"][0]["lines"] = [
        {"id": "ga1", "jph": 60, "products": ["haval"]},
        {"id": "x", "jph": 40, "products": ["xiaomi_ev"]},
    ]
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 10}}]
    data["program"]["engineering_assist"] = 1.0
    data["products"][1]["demand"] = {"units_per_month": 1e7}
    data["products"][1]["ramp"] = {"months_to_full_rate": 2, "start_fraction": 0.2, "curve": "linear", "step_days": 7}
    s = build(data, contract__policy="customer_first")
    r = sim.run(s, replications=1)
    days = 2 * 365.25 / 12
    per_day = r.built[0, 1] / np.array([m.days for m in r.months_])
    ramp_units = 40 * 24 * days * (0.2 + 1) / 2
    after = 40 * 24 * (r.horizon_hours / 24 - 10 - days)
    assert r.built[0, 1].sum() == pytest.approx(ramp_units + after, rel=1e-9)
    assert per_day[-1] == pytest.approx(40 * 24)  # full rate at the end


def test_customer_first_on_a_saturated_line_costs_the_owner_what_the_customer_builds():
    data = small_data()
    data["products"][0]["demand"] = {"units_per_month": 1e6}  # the owner alone would fill the line
    data["products"][1].pop("ramp")
    s = build(data, contract__policy="customer_first")
    r = sim.run(s, replications=3)
    lost = (r.reference["without_contract"][:, 0] - r.built[:, 0]).sum(axis=1)
    assert lost == pytest.approx(r.built[:, 1].sum(axis=1), rel=1e-9)


def test_owner_first_with_spare_capacity_loses_nothing():
    r = sim.run(build(small_data(), contract__policy="owner_first"), replications=3)
    assert np.allclose(r.reference["without_contract"][:, 0], r.built[:, 0])


def test_reserved_share_gives_the_customer_its_share_of_a_saturated_line():
    # Both sides have endless demand, no ramp: the customer gets exactly 25% of hours after SOP.
    data = small_data()
    data["products"][0]["demand"] = {"units_per_month": 1e6}
    data["products"][1]["demand"] = {"units_per_month": 1e6}
    data["products"][1].pop("ramp")
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 0}}]
    r = sim.run(build(data), replications=1)
    assert r.built[0, 1].sum() / r.built[0].sum() == pytest.approx(0.25)
    assert r.busy_hours.sum() == pytest.approx(r.open_hours.sum())


def test_reserved_units_per_month_become_a_share_of_the_month():
    data = small_data()
    data["products"][0]["demand"] = {"units_per_month": 1e6}
    data["products"][1]["demand"] = {"units_per_month": 1e6}
    data["products"][1].pop("ramp")
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 0}}]
    data["contract"] = {"customer": "xiaomi", "policy": "reserved_share", "reserved_units_per_month": 3000}
    r = sim.run(build(data), replications=1)
    # 3,000 a month whatever the month's open hours (the line could build ~20,000).
    assert r.built[0, 1, 1:] == pytest.approx(3000.0)


def test_a_plant_building_only_the_customers_product_runs():
    # The counterfactual without the contract then has no product at all.
    data = small_data()
    data["products"] = [data["products"][1]]
    data["plants"][0]["lines"][0]["products"] = ["xiaomi_ev"]
    r = sim.run(build(data), replications=2)
    assert r.built.sum() > 0
    assert r.reference["without_contract"].sum() == 0


def saturated_reserve(**changes) -> dict:
    """small.yaml with endless demand on both sides, SOP on day 0 and a reserve in units."""
    data = small_data()
    data["products"][0]["demand"] = {"units_per_month": 1e6}
    data["products"][1]["demand"] = {"units_per_month": 1e6}
    data["products"][1].pop("ramp")
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 0}}]
    data["contract"] = {"customer": "xiaomi", "policy": "reserved_share", "reserved_units_per_month": 5000}
    for key, value in changes.items():
        data["products"][1][key] = value
    return data


def test_reserved_units_are_good_vehicles_not_line_passes():
    # Yield 0.8 with every failure reworked: 1.2 passes per good vehicle. 5,000 reserved units
    # are 5,000 good vehicles a month (their 6,000 passes take 100 of the line's ~330 h), not
    # the 5,000 / 1.2 = 4,167 that 5,000 passes would give.
    r = sim.run(build(saturated_reserve(first_pass_yield=0.8, rework_share=1.0)), replications=1)
    assert r.built[0, 1, 1:] == pytest.approx(5000.0)
    # With half the failures scrapped (0.9 good of 1.1 passes per start), still 5,000 good.
    r = sim.run(build(saturated_reserve(first_pass_yield=0.8, rework_share=0.5)), replications=1)
    assert r.built[0, 1, 1:] == pytest.approx(5000.0)


def test_reserved_units_hold_through_breakdowns():
    # The reserve is a share of the month's available hours (open less breakdowns), so the
    # customer still gets its 5,000 good vehicles in a month with failures.
    data = saturated_reserve()
    data["plants"][0]["lines"][0]["breakdowns"] = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 20},
        "time_to_repair_hours": {"kind": "exponential", "mean": 3},
    }
    r = sim.run(build(data), replications=1)
    assert r.down_hours[0, 0, 1:].min() > 0
    assert r.built[0, 1, 1:] == pytest.approx(5000.0)


def test_reserved_units_in_a_plant_with_shops_count_the_last_shop_only():
    # Body, paint and assembly at 60 JPH, 6,000 a month reserved: the customer gets 6,000 a month
    # (the reserve is taken on the assembly line, where finished vehicles leave), not 6,000 / 3.
    from tests.model.test_shops import shops_scenario

    line = {"jph": 60, "products": ["car", "ev"]}
    s = shops_scenario(
        {"id": "b1", **line},
        {"id": "p1", **line},
        {"id": "a1", **line},
        [{"id": "car"}, {"id": "ev", "brand": "Xiaomi", "owner": "xiaomi", "demand": {"units_per_month": 1e6}}],
        end="2022-04-30",
        program={
            "start_date": "2022-01-03",
            "target_launch": "2022-06-30",
            "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": 0}}],
        },
        contract={"customer": "xiaomi", "policy": "reserved_share", "reserved_units_per_month": 6000},
    )
    r = sim.run(s, replications=1)
    assert r.built[0, 1, 1:] == pytest.approx(6000.0, rel=1e-6)
