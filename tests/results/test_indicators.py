"""The registry of indicators: keys from the scenario alone, values from hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model.calendar import months
from sim.results.indicators import INDICATORS, keys, measures
from sim.results.kpis import kpis
from sim.results.results import Results
from tests.conftest import DATA

DYNAMICS_LINES = [
    "utilisation.gwm_test.ga1",
    "availability.gwm_test.ga1",
    "downtime_hours.gwm_test.ga1",
    "changeover_hours.gwm_test.ga1",
    "oee.gwm_test.ga1",
    "utilisation.gwm_other.ga1",
    "oee.gwm_other.ga1",
]


def hand_results(scenario) -> Results:
    """Two replications of tests/data/small.yaml (one line, Haval and the contract's Xiaomi) made by hand."""
    horizon = months(scenario.meta.start_date, scenario.meta.end_date)
    shape = (2, 2, len(horizon))  # (replication, product, month)
    built = np.zeros(shape)
    built[0, 0], built[1, 0] = 1000, 2000  # Haval every month
    built[:, 1, 5:] = 500  # Xiaomi from June: 7 months
    line = built.sum(axis=1, keepdims=True)  # the one line built everything
    hours = np.full((2, 1, len(horizon)), 300.0)
    reference = built.copy()
    reference[:, 0] += 100  # Haval without the contract: 100 more a month
    return Results(
        scenario=scenario,
        seed=0,
        months_=horizon,
        built=built,
        demand=built,
        lost=np.zeros(shape),
        scrap=np.zeros(shape),
        open_hours=hours,
        down_hours=np.zeros_like(hours),
        busy_hours=hours / 2,
        changeover_hours=np.zeros_like(hours),
        starved_hours=np.zeros_like(hours),
        blocked_hours=np.zeros_like(hours),
        closed_hours=np.zeros_like(hours),
        overtime_hours=np.zeros_like(hours),
        line_built=line,
        line_scrap=np.zeros_like(hours),
        milestone_start=np.zeros((2, 2)),
        milestone_finish=np.zeros((2, 2)),
        sop=np.array([100.0, 200.0]) * 24,  # days 100 and 200; the target 2022-06-30 is day 178
        reserved=np.zeros((2, len(horizon))),
        reference={"without_contract": reference},
    )


def test_measures_by_hand(small):
    m = {key: x.values.tolist() for key, x in measures(hand_results(small)).items()}
    assert m == {
        "sop_day": [100, 200],
        "sop_on_time": [1, 0],
        "contract_units_2022": [3500, 3500],
        "contract_fees_rmb": [28e6, 28e6],  # 3,500 x RMB 8,000
        "owner_units": [12_000, 24_000],
        "owner_units_lost": [1200, 1200],
        "reserve_shortfall_units": [0, 0],  # no reserve recorded
        "owner_margin_lost_rmb": [0, 0],  # small.yaml gives Haval no margin
        "owner_net_contribution_rmb": [28e6, 28e6],  # the fees, less no margin
        "customer_fill_rate": [1, 1],  # every vehicle wanted was built
        "customer_units_short": [0, 0],
        "owner_net_contribution_rmb_2022": [28e6, 28e6],
        "units_built.Haval": [12_000, 24_000],
        "owner_units_lost.Haval": [1200, 1200],
        "owner_margin_lost_rmb.Haval": [0, 0],
        "units_built.Xiaomi": [3500, 3500],
        "utilisation.gwm_test.ga1": [0.5, 0.5],
        # Good vehicles / (3,600 open hours x 60 JPH).
        "oee.gwm_test.ga1": [15_500 / 216_000, 27_500 / 216_000],
    }


def test_labels_units_and_kpis_follow_the_registry(small):
    results = hand_results(small)
    m = measures(results)
    assert m["sop_on_time"].label == "P(SOP on or before 2022-06-30)"
    assert (m["contract_units_2022"].label, m["contract_units_2022"].unit) == (
        "Contract units built in 2022",
        "vehicles",
    )
    assert m["contract_units_2022"].indicator is INDICATORS["contract_units_{year}"]
    k = {x.key: x for x in kpis(results)}
    assert [key for key in k if key.startswith("sop_p")] == ["sop_p10", "sop_p50", "sop_p90"]
    assert k["sop_p50"].label == "SOP date, P50" and k["sop_p50"].number == 150
    assert k["sop_on_time"].value == 0.5 and 0 < k["sop_on_time"].low < 0.5 < k["sop_on_time"].high < 1  # Wilson
    assert k["owner_units"].value == 18_000


def test_keys_come_from_the_scenario_each_line_together():
    dynamics = sim.load(DATA / "dynamics.yaml")
    got = keys(dynamics)
    assert got[: got.index("owner_units") + 1] == [
        "sop_day",
        "sop_on_time",
        "contract_units_2022",
        "contract_fees_rmb",
        "owner_units",
    ]
    assert got[-len(DYNAMICS_LINES) :] == DYNAMICS_LINES  # breakdowns and changeovers only where the line has them
    assert {"owner_units_lost", "chip_units_lost", "chip_units_lost.Haval", "lost_sales", "scrapped"} <= set(got)


def test_a_horizon_over_two_years_has_contract_units_for_each(small):
    longer = small.model_copy(
        update={"meta": small.meta.model_copy(update={"end_date": small.meta.end_date.replace(2023)})}
    )
    assert [k for k in keys(longer) if k.startswith("contract_units_")] == [
        "contract_units_2022",
        "contract_units_2023",
    ]


@pytest.mark.parametrize("name", ["small.yaml", "dynamics.yaml"])
def test_keys_are_those_a_run_has(name):
    # Which indicators apply follows from the scenario, so the keys are known before any run.
    scenario = sim.load(DATA / name)
    assert keys(scenario) == list(measures(sim.run(scenario, replications=2)))


def test_headline_indicators():
    headline = [ind.key for ind in INDICATORS.values() if ind.headline]
    assert headline == [
        "sop_day",
        "sop_on_time",
        "contract_units_{year}",
        "contract_fees_rmb",
        "owner_units_lost",
        "owner_margin_lost_rmb",
        "owner_net_contribution_rmb",
        "chip_units_lost",
        "lost_sales",
    ]
