import numpy as np
import pytest

import sim
from sim.results.stats import mean_ci, quantile_ci


def test_kpis_match_a_hand_computation_from_the_arrays(small):
    r = sim.run(small, replications=8)
    k = {x.key: x for x in r.kpis()}
    contract = r.built[:, 1, :].sum(axis=1)
    mean, low, high = mean_ci(contract)
    assert k["contract_units_2022"].value == pytest.approx(mean)
    assert (k["contract_units_2022"].low, k["contract_units_2022"].high) == pytest.approx((low, high))
    assert k["contract_fees_rmb"].value == pytest.approx(8000 * mean)
    assert k["sop_p50"].number == pytest.approx(quantile_ci(r.sop / 24, 0.5)[0])
    on_time = np.mean(r.sop < r.target_hour())
    assert k["sop_on_time"].value == pytest.approx(on_time)
    lost = r.reference["without_contract"][:, 0].sum(axis=1) - r.built[:, 0].sum(axis=1)
    assert k["owner_units_lost"].value == pytest.approx(lost.mean())
    util = r.busy_hours[:, 0].sum(axis=1) / r.open_hours[:, 0].sum(axis=1)
    assert k["utilisation.gwm_test.ga1"].value == pytest.approx(util.mean())


def test_date_kpis_render_as_dates(small):
    r = sim.run(small, replications=5)
    sop = next(k for k in r.kpis() if k.key == "sop_p50")
    value, interval = sop.text(small.meta.start_date)
    assert value.startswith("2022-") and " – " in interval
    assert sop.as_json(small.meta.start_date)["value"].startswith("2022-")


def test_date_kpis_are_dates_from_python_with_their_days_as_numbers(small):
    """A notebook reads SOP as a date (low and high too); arithmetic reads the days behind it."""
    import datetime as dt

    r = sim.run(small, replications=5)
    k = {x.key: x for x in r.kpis()}
    sop = k["sop_p50"]
    assert all(isinstance(v, dt.date) for v in (sop.value, sop.low, sop.high))
    assert sop.low <= sop.value <= sop.high
    assert sop.value == small.meta.start_date + dt.timedelta(days=sop.number)
    assert sop.numbers == (sop.number, sop.number_low, sop.number_high)
    assert sop.as_json()["value"] == sop.value.isoformat()
    assert isinstance(k["sop_on_time"].value, float) and k["owner_units"].value == k["owner_units"].number


def test_a_date_that_never_comes_is_none():
    import datetime as dt

    from sim.results.kpis import Kpi

    never = Kpi("sop_p50", "SOP", "date", float("inf"), 10.0, float("inf"), start=dt.date(2021, 4, 1))
    assert never.value is None and never.low == dt.date(2021, 4, 11) and never.high is None
    assert never.text() == ("after horizon", "2021-04-11 – after horizon")
    assert never.as_json()["value"] is None


def test_an_sop_after_the_horizon_is_late_and_builds_nothing():
    from tests.conftest import build, small_data

    data = small_data()
    data["program"]["milestones"] = [{"id": "slow", "duration_days": {"kind": "uniform", "min": 400, "max": 500}}]
    r = sim.run(build(data), replications=4)
    k = {x.key: x for x in r.kpis()}
    assert k["sop_on_time"].value == 0.0
    assert k["contract_units_2022"].value == 0.0
    assert k["owner_units_lost"].value == 0.0
    assert k["sop_p50"].text(r.scenario.meta.start_date)[0].startswith("2023-")  # drawn SOP beyond the horizon
    assert np.isfinite(r.sop).all()


def test_dynamics_kpis_are_paired_differences_and_horizon_ratios():
    from tests.model.test_dynamics import plant_scenario

    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 30},
        "time_to_repair_hours": {"kind": "fixed", "value": 2},
    }
    chips = {
        "kits_per_week": 4000,
        "disruptions": [{"name": "d", "first_day": "2022-02-01", "last_day": "2022-02-28", "share_lost": 0.5}],
    }
    s = plant_scenario(
        [{"id": "l1", "jph": 60, "products": ["car"], "breakdowns": failures}],
        [{"id": "car", "first_pass_yield": 0.9, "rework_share": 0.0}],
        end="2022-04-30",
        supply={"chips": chips},
    )
    r = sim.run(s, replications=4)
    k = {x.key: x for x in r.kpis()}
    short = (r.reference["without_chip_disruptions"] - r.built).sum(axis=(1, 2))
    assert k["chip_units_lost"].value == pytest.approx(short.mean()) and short.mean() > 0
    assert k["chip_units_lost.Haval"].value == pytest.approx(short.mean())
    assert k["scrapped"].value == pytest.approx(r.scrap.sum(axis=(1, 2)).mean())
    down, open_h = r.down_hours.sum(axis=(1, 2)), r.open_hours.sum(axis=(1, 2))
    assert k["availability.p.l1"].value == pytest.approx(((open_h - down) / open_h).mean())
    assert k["downtime_hours.p.l1"].value == pytest.approx(down.mean())
    assert k["oee.p.l1"].value == pytest.approx((r.line_built.sum(axis=(1, 2)) / (60 * open_h)).mean())


def test_a_difference_that_rounds_to_zero_shows_as_0_not_minus_0():
    import datetime as dt

    from sim.results.kpis import Kpi

    kpi = Kpi("chip_units_lost.Xiaomi", "Xiaomi units lost", "vehicles", -1e-9, -0.0, 0.0)
    assert kpi.text(dt.date(2021, 4, 1)) == ("0", "0 – 0")
    assert Kpi("x", "x", "vehicles", -3.4, -5.6, 1.0).text(dt.date(2021, 4, 1)) == ("-3", "-6 – 1")
