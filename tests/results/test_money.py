"""The deal in money against a hand-computed year: fees, one-off payments, take-or-pay, margin
lost, net contribution by year and its present value."""

import datetime as dt

import pytest

import sim
from sim.scenario import Scenario

MONTH_STARTS = [dt.date(2022, m, 1) for m in range(1, 13)]


def deal(sop_days: float = 0, **contract) -> Scenario:
    """2022 on one 60 JPH line: the owner's car (margin RMB 10,000) wants all it can get, the
    customer's EV 2,000 a month from SOP (on day `sop_days`), within half the line's hours."""
    return Scenario.model_validate(
        {
            "meta": {"name": "deal", "start_date": "2022-01-01", "end_date": "2022-12-31", "seed": 1},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8},
                    "lines": [{"id": "l1", "jph": 60, "products": ["car", "ev"]}],
                }
            ],
            "products": [
                {
                    "id": "car",
                    "brand": "Haval",
                    "owner": "gwm",
                    "demand": {"units_per_month": 1e6},
                    "margin_rmb_per_unit": 10_000,
                },
                {"id": "ev", "brand": "Xiaomi", "owner": "xiaomi", "demand": {"units_per_month": 2000}},
            ],
            "program": {
                "start_date": "2022-01-01",
                "target_launch": "2022-06-30",
                "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": sop_days}}],
            },
            "contract": {"customer": "xiaomi", "policy": "reserved_share", "reserved_share": 0.5, **contract},
        }
    )


def kpis(scenario: Scenario) -> dict[str, float]:
    return {k.key: k.value for k in sim.run(scenario, replications=1).kpis()}


def test_fees_payments_take_or_pay_and_margin_lost_add_up_to_the_net_contribution():
    # 24,000 EVs a year (2,000 a month) at RMB 8,000: fees 192 M. Each displaces a car of the same
    # speed: 24,000 x 10,000 = 240 M of margin lost. A 50 M tooling fee when milestone go is
    # done (day 0) and 10 M on 15 July. Take-or-pay on 36,000 a year: 12,000 not ordered x 8,000
    # = 96 M. Net: 192 + 60 + 96 - 240 = 108 M.
    k = kpis(
        deal(
            fee_rmb_per_unit=8000,
            minimum_units_per_year=36_000,
            payments=[
                {"name": "tooling", "amount_rmb": 50e6, "milestone": "go"},
                {"name": "pilot builds", "amount_rmb": 10e6, "date": "2022-07-15"},
            ],
        )
    )
    assert k["contract_units_2022"] == pytest.approx(24_000)
    assert k["contract_fees_rmb"] == pytest.approx(192e6)
    assert k["owner_units_lost"] == pytest.approx(24_000)
    assert k["owner_margin_lost_rmb"] == pytest.approx(240e6)
    assert k["owner_margin_lost_rmb.Haval"] == pytest.approx(240e6)
    assert k["one_off_payments_rmb"] == pytest.approx(60e6)
    assert k["take_or_pay_rmb"] == pytest.approx(96e6)
    assert k["owner_net_contribution_rmb"] == pytest.approx(108e6)
    assert k["owner_net_contribution_rmb_2022"] == pytest.approx(108e6)
    assert k["customer_fill_rate"] == pytest.approx(1.0)
    assert k["customer_units_short"] == pytest.approx(0, abs=1e-6)
    assert k["customer_units_short_of_minimum"] == pytest.approx(12_000)


def test_present_value_discounts_each_months_flows_from_its_first_day():
    # At 10% a year: each month -4 M (fees 16 M less margin 20 M), the tooling fee in January,
    # take-or-pay (96 M) in December, each discounted by 1.1 ^ -(days since 1 January / 365.25).
    k = kpis(
        deal(
            fee_rmb_per_unit=8000,
            minimum_units_per_year=36_000,
            discount_rate_per_year=0.1,
            payments=[{"name": "tooling", "amount_rmb": 50e6, "milestone": "go"}],
        )
    )
    factor = [1.1 ** -((d - dt.date(2022, 1, 1)).days / 365.25) for d in MONTH_STARTS]
    expected = sum(-4e6 * f for f in factor) + 50e6 * factor[0] + 96e6 * factor[11]
    assert k["owner_net_contribution_npv_rmb"] == pytest.approx(expected)
    assert k["owner_net_contribution_rmb"] == pytest.approx(-48e6 + 50e6 + 96e6)


def test_take_or_pay_counts_from_sop_pro_rata_and_a_late_milestone_pays_nothing():
    # SOP on day 73 (15 March 00:00): the customer commits to 36,000 x (365 - 73) / 365 = 28,800;
    # it orders its demand from SOP: 2,000 x 17/31 in March, then 2,000 a month for nine months.
    k = kpis(deal(sop_days=73, fee_rmb_per_unit=8000, minimum_units_per_year=36_000))
    ordered = 2000 * 17 / 31 + 2000 * 9
    assert k["take_or_pay_rmb"] == pytest.approx((36_000 * 292 / 365 - ordered) * 8000)
    late = deal(payments=[{"name": "tooling", "amount_rmb": 50e6, "date": "2023-02-01"}])
    assert kpis(late)["one_off_payments_rmb"] == 0.0


def test_the_reserves_shortfall_is_what_breakdowns_take_from_it_and_is_paid_per_vehicle():
    # Around the clock, a failure every 15 open hours, 1 h to repair: the customer (orders always
    # open) gets 25% of the up hours, the reserve promised 25% of the open hours: short by
    # 0.25 x 60 x the down hours, at RMB 1,000 a vehicle.
    data = deal(shortfall_penalty_rmb_per_unit=1000, reserved_share=0.25).model_dump(mode="json")
    data["plants"][0]["calendar"] = {
        "shifts_per_day": 3,
        "hours_per_shift": 8,
        "first_shift_start_hour": 0,
        "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    data["plants"][0]["lines"][0]["breakdowns"] = {
        "time_between_failures_hours": {"kind": "fixed", "value": 15},
        "time_to_repair_hours": {"kind": "fixed", "value": 1},
    }
    data["products"][1]["demand"] = {"units_per_month": 1e6}
    r = sim.run(Scenario.model_validate(data), replications=1)
    k = {x.key: x.value for x in r.kpis()}
    down = r.down_hours.sum()
    assert down > 500  # a year of 15 h up, 1 h down: 547 h
    assert k["reserve_shortfall_units"] == pytest.approx(0.25 * 60 * down)
    assert k["shortfall_penalties_rmb"] == pytest.approx(0.25 * 60 * down * 1000)
    # A reserve in units promises the units whatever fails: nothing short, nothing to pay.
    data["contract"] |= {"reserved_share": None, "reserved_units_per_month": 3000}
    k = kpis(Scenario.model_validate(data))
    assert k["reserve_shortfall_units"] == pytest.approx(0, abs=1e-6)
    assert k["shortfall_penalties_rmb"] == pytest.approx(0, abs=1e-3)
