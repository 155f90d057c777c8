"""Orders at vehicle level: demand released monthly and from SOP, served oldest first, lost when
too old; vehicles are whole."""

import numpy as np
import pytest

import sim
from tests.conftest import build, small_data
from tests.model.test_dynamics import plant_scenario
from tests.model.vehicle.conftest import run


@pytest.mark.parametrize("policy", ["owner_first", "customer_first", "reserved_share", "proportional"])
def test_built_plus_backlog_plus_lost_is_cumulative_demand(policy):
    data = small_data()
    data["meta"]["end_date"] = "2022-05-31"
    data["products"][0]["demand"] = {"units_per_month": 12000, "cv": 0.2, "lost_after_months": 1}
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 45}}]
    s = build(data, contract__policy=policy, plants__0__lines__0__jph=30)
    r = sim.run(s, replications=1, fidelity="vehicle")
    assert np.array_equal(r.built, np.round(r.built))  # whole vehicles
    assert np.allclose(np.cumsum(r.built + r.lost, axis=2) + r.backlog, np.cumsum(r.demand, axis=2), atol=1.0)
    assert r.lost[:, 0].sum() > 0
    assert policy == "owner_first" or r.built[:, 1].sum() > 0  # SOP came (owner_first leaves the EV nothing)


def test_the_customer_has_no_demand_and_no_vehicle_before_sop():
    data = small_data()
    data["meta"]["end_date"] = "2022-07-31"
    s = build(data)
    for rep in range(2):
        r = run(s, rep)
        sop = next(t for t, kind, *_ in r.records if kind == "sop")
        month = r.model.timeline.setup.months
        k = max(i for i, m in enumerate(month) if m.start_hour <= sop)
        ev = [(t, kind, q) for t, kind, _, what, q in r.records if what == "xiaomi_ev" and kind in ("built", "demand")]
        assert ev and all(t >= month[k].start_hour for t, _, _ in ev)
        # The SOP month's demand is released at SOP, pro rata for the clock hours left in it.
        first = next(q for t, kind, q in ev if kind == "demand")
        left = (month[k].end_hour - sop) / (month[k].end_hour - month[k].start_hour)
        assert first == pytest.approx(3000 * left * month[k].days / month[k].days_in_month)


def test_demand_waiting_too_long_is_lost():
    # 20,000 wanted a month on a 30 JPH line (about 10,000 buildable): what is not built in its
    # own month (lost_after_months 0) is lost at the next month's start.
    s = plant_scenario(
        [{"id": "l1", "jph": 30, "products": ["car"]}],
        [{"id": "car", "demand": {"units_per_month": 20000, "lost_after_months": 0}}],
        end="2022-03-31",
    )
    r = sim.run(s, replications=1, fidelity="vehicle")
    assert r.lost[0, 0, 0] == 0
    assert r.lost[0, 0, 1:] == pytest.approx(r.demand[0, 0, :-1] - r.built[0, 0, :-1], abs=1.0)


def test_a_linear_ramp_builds_the_integral_of_its_held_steps():
    # A customer-only line open 24/7, SOP at day 10, linear ramp 0.2 -> 1 over 2 months held
    # weekly at mid-step values: jph x 24 h x days x (0.2 + 1) / 2 over the ramp, then full rate.
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
    data["meta"]["end_date"] = "2022-04-30"
    data["program"]["milestones"] = [{"id": "go", "duration_days": {"kind": "fixed", "value": 10}}]
    data["program"]["engineering_assist"] = 1.0
    data["products"][1]["demand"] = {"units_per_month": 1e7}
    data["products"][1]["ramp"] = {"months_to_full_rate": 2, "start_fraction": 0.2, "curve": "linear", "step_days": 7}
    s = build(data, contract__policy="customer_first")
    r = sim.run(s, replications=1, fidelity="vehicle")
    days = 2 * 365.25 / 12
    ramp_units = 40 * 24 * days * (0.2 + 1) / 2
    after = 40 * 24 * (r.horizon_hours / 24 - 10 - days)
    assert r.built[0, 1].sum() == pytest.approx(ramp_units + after, abs=2)
