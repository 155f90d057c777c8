"""Breakdowns, changeovers, yield, chips, uncertain demand and several plants, each against
an answer computed by hand or by theory."""

import numpy as np
import pytest

import sim
from sim.scenario import Scenario
from tests.conftest import owner_products

ALWAYS_OPEN = {
    "shifts_per_day": 3,
    "hours_per_shift": 8,
    "first_shift_start_hour": 0,
    "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
}
TWO_SHIFTS = {"shifts_per_day": 2, "hours_per_shift": 8}


def plant_scenario(
    lines: list[dict],
    products: list[dict],
    calendar: dict = TWO_SHIFTS,
    end: str = "2022-01-09",
    **extra,
) -> Scenario:
    """Owner-only scenario from 2022-01-03 (a Monday); products default to endless demand."""
    return Scenario.model_validate(
        {
            "meta": {"name": "t", "start_date": "2022-01-03", "end_date": end, "seed": 3},
            "plants": [{"name": "p", "owner": "gwm", "calendar": calendar, "lines": lines}],
            "products": owner_products(products),
            **extra,
        }
    )


# -- breakdowns ---------------------------------------------------------------------------------
def test_long_run_availability_is_mtbf_over_mtbf_plus_mttr():
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 20},
        "time_to_repair_hours": {"kind": "lognormal", "mean": 2, "cv": 0.7},
    }
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"], "breakdowns": failures}],
        [{"id": "car"}],
        calendar=ALWAYS_OPEN,
        end="2031-12-31",
    )
    r = sim.run(s, replications=8)
    availability = 1 - r.down_hours.sum() / r.open_hours.sum()
    assert availability == pytest.approx(20 / 22, rel=0.01)
    # With endless demand every available hour builds at the rated speed.
    assert r.built.sum() == pytest.approx(60 * (r.open_hours.sum() - r.down_hours.sum()), rel=1e-9)


def test_failures_count_only_open_time_and_repairs_run_into_closed_time():
    # A fixed 16 open hours between failures on a 2x8 h calendar: a failure at the end of every
    # working day's second shift; a 10 h repair then runs through the night (closed time) and
    # costs no production at all.
    fixed = {
        "time_between_failures_hours": {"kind": "fixed", "value": 15.5},
        "time_to_repair_hours": {"kind": "fixed", "value": 1.0},
    }
    s = plant_scenario([{"id": "l1", "jph": 60, "products": ["car"], "breakdowns": fixed}], [{"id": "car"}])
    r = sim.run(s, replications=1)
    # Each day: fail at 21:30 (15.5 open hours after 06:00), repaired at 22:30: 0.5 open hours lost.
    # Running time restarts at the repair, so the next failure is 15.5 open hours later: day two at 21:30 again.
    assert r.down_hours.sum() == pytest.approx(5 * 0.5)
    assert r.built.sum() == pytest.approx(60 * (80 - 2.5))


# -- changeovers --------------------------------------------------------------------------------
def test_changeovers_cost_their_share_per_campaign():
    # Two families with endless demand: every 100 vehicles the line loses 2 h changing over, so
    # each vehicle takes 1/60 h + 2/100 h; a 80 h week builds 80 / (1/60 + 0.02) vehicles.
    line = {"id": "l1", "jph": 60, "products": ["suv", "pickup"], "changeover_hours": 2, "campaign_units": 100}
    s = plant_scenario([line], [{"id": "suv"}, {"id": "pickup", "brand": "Pickup"}])
    r = sim.run(s, replications=1)
    per_vehicle = 1 / 60 + 2 / 100
    assert r.built.sum() == pytest.approx(80 / per_vehicle)
    assert r.changeover_hours.sum() == pytest.approx(80 / per_vehicle * 0.02)
    # The same family never changes over.
    same = plant_scenario([line], [{"id": "suv", "family": "suvs"}, {"id": "pickup", "family": "suvs"}])
    assert sim.run(same, replications=1).built.sum() == pytest.approx(4800)


def test_longer_campaigns_lose_fewer_hours():
    built = []
    for campaign in (50, 100, 400):
        line = {"id": "l1", "jph": 60, "products": ["a", "b"], "changeover_hours": 2, "campaign_units": campaign}
        built.append(sim.run(plant_scenario([line], [{"id": "a"}, {"id": "b"}]), replications=1).built.sum())
    assert built[0] < built[1] < built[2] < 4800


# -- yield and rework ---------------------------------------------------------------------------
def test_rework_consumes_capacity_and_scrap_is_counted():
    # Yield 0.9, half the failures reworked: per vehicle started 0.95 end good, 0.05 scrapped,
    # and 1.05 passes are spent; the week's 4,800 passes start 4,800 / 1.05 vehicles.
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"]}], [{"id": "car", "first_pass_yield": 0.9, "rework_share": 0.5}]
    )
    r = sim.run(s, replications=1)
    started = 4800 / 1.05
    assert r.built.sum() == pytest.approx(started * 0.95)
    assert r.scrap.sum() == pytest.approx(started * 0.05)
    assert r.built.sum() + r.scrap.sum() == pytest.approx(started)  # started = finished + scrapped
    assert r.busy_hours.sum() == pytest.approx(80)
    m = {k: v.sum() for k, v in r.line_metrics().items() if k in ("quality",)}
    assert m["quality"] == pytest.approx(0.95)


def test_oee_is_availability_times_performance_times_quality():
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 10},
        "time_to_repair_hours": {"kind": "fixed", "value": 1},
    }
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"], "breakdowns": failures}],
        [{"id": "car", "first_pass_yield": 0.8, "demand": {"units_per_month": 15000}}],
        end="2022-03-31",
    )
    m = sim.run(s, replications=2).line_metrics()
    has = m["open_hours"] > 0
    assert np.allclose((m["availability"] * m["performance"] * m["quality"])[has], m["oee"][has])
    assert (m["oee"] <= 1 + 1e-12).all()


def test_new_product_yield_learns_from_its_start_to_maturity():
    from sim.model import ramp
    from sim.scenario.products import YieldLearning

    steps = ramp.yield_steps(YieldLearning(start_first_pass_yield=0.6, months_to_mature=3), 0.95)
    values = [v for _, v in steps]
    assert values[0] > 0.6 and values[-1] == 0.95 and values == sorted(values)


# -- demand -------------------------------------------------------------------------------------
def test_uncertain_demand_has_mean_one_and_the_given_cv():
    from sim.model import demand
    from sim.scenario.products import Product

    p = Product.model_validate({"id": "a", "brand": "A", "owner": "o", "demand": {"units_per_month": 1, "cv": 0.3}})
    f = demand.factors([p], 200_000, np.random.default_rng(1))[0]
    assert f.mean() == pytest.approx(1, abs=0.005)
    assert f.std() == pytest.approx(0.3, rel=0.02)


def test_seasonality_multiplies_the_forecast():
    import datetime as dt

    from sim.model import demand
    from sim.model.calendar import Calendar
    from sim.scenario.calendar import Calendar as Spec
    from sim.scenario.products import Demand

    months = Calendar(Spec(), dt.date(2022, 1, 1), dt.date(2022, 12, 31)).months
    season = [0.5, 1.5] + [1.0] * 10
    out = demand.monthly(Demand(units_per_month=100, seasonality=season), months)
    assert list(out[:3]) == pytest.approx([50, 150, 100])


def test_demand_waiting_too_long_is_lost_and_conservation_holds():
    # 20,000 wanted a month, about 20,160 x 0.5 buildable: demand not built within its own
    # month (lost_after_months 0) is lost at the next month's start.
    s = plant_scenario(
        [{"id": "l1", "jph": 30, "products": ["car"]}],
        [{"id": "car", "demand": {"units_per_month": 20000, "lost_after_months": 0, "cv": 0.2}}],
        end="2022-06-30",
    )
    r = sim.run(s, replications=3)
    assert (r.lost[:, :, 1:] > 0).all()
    assert np.allclose(np.cumsum(r.built + r.lost, axis=2) + r.backlog, np.cumsum(r.demand, axis=2))
    # Nothing older than a month is ever open: the backlog never exceeds one month's demand.
    assert (r.backlog <= r.demand + 1e-6).all()


# -- several plants -----------------------------------------------------------------------------
def test_two_plants_with_their_own_calendars_add_up():
    s = Scenario.model_validate(
        {
            "meta": {"name": "two", "start_date": "2022-01-03", "end_date": "2022-01-09"},
            "plants": [
                {
                    "name": "a",
                    "owner": "gwm",
                    "calendar": TWO_SHIFTS,
                    "lines": [{"id": "l", "jph": 60, "products": ["car"]}],
                },
                {
                    "name": "b",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 1, "hours_per_shift": 8, "working_weekdays": ["mon", "tue", "wed"]},
                    "lines": [{"id": "l", "jph": 30, "products": ["car"]}],
                },
            ],
            "products": [{"id": "car", "brand": "Haval", "owner": "gwm", "demand": {"units_per_month": 1e7}}],
        }
    )
    r = sim.run(s, replications=1)
    assert r.line_names == ["a.l", "b.l"]
    assert r.line_built[0, :, 0] == pytest.approx([60 * 80, 30 * 24])
