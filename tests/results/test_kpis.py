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
    assert k["sop_p50"].value == pytest.approx(quantile_ci(r.sop / 24, 0.5)[0])
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
