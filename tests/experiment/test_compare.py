"""Comparing scenarios: paired differences on common random numbers, checked by hand."""

from __future__ import annotations

import csv
import datetime as dt
import math

import numpy as np
import pytest

import sim
import sim.experiment.compare as compare_module
from sim.experiment.compare import Comparison, Difference, compare, paired, unique_names
from sim.results.indicators import INDICATORS, Measure
from sim.results.stats import t_quantile
from sim.scenario import Scenario
from tests.conftest import DATA, small_data

SMALL = DATA / "small.yaml"
# Own-brand demand above what the shared line leaves: the allocation policy then matters.
BUSY = ["products.0.demand.units_per_month=20000"]


def no_contract() -> Scenario:
    data = small_data()
    del data["program"], data["contract"]
    data["products"] = [p for p in data["products"] if p["owner"] != "xiaomi"]
    data["plants"][0]["lines"][0]["products"] = ["haval"]
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def policies() -> Comparison:
    """The busy small scenario (reserved share) against owner_first and customer_first."""
    policies = ("reserved_share", "owner_first", "customer_first")
    scenarios = [sim.load(SMALL, [*BUSY, f"contract.policy={p}"]) for p in policies]
    return compare(scenarios, replications=6, names=list(policies))


@pytest.mark.parametrize("path", [DATA / "small.yaml", DATA / "dynamics.yaml"])
def test_a_scenario_against_itself_differs_by_exactly_zero(path) -> None:
    scenario = sim.load(path)
    comparison = compare([scenario, scenario], replications=4)
    diffs = comparison.differences()
    assert {d.key for d in diffs} == set(comparison.measures[0])
    for d in diffs:
        assert d.difference == 0.0 and d.low == 0.0 and d.high == 0.0, d
        assert d.value == d.base_value
    assert comparison.names == [scenario.meta.name, f"{scenario.meta.name}-2"]


def test_difference_and_interval_match_a_hand_computation() -> None:
    a, b = sim.load(SMALL, BUSY), sim.load(SMALL, [*BUSY, "contract.policy=customer_first"])
    n = 5
    runs = [sim.run(a, replications=n, seed=3), sim.run(b, replications=n, seed=3)]
    comparison = Comparison(runs)

    # Own-brand units lost per replication, straight from the arrays: without minus with contract.
    def lost(r):
        owner = ~r.customer_mask()
        return r.reference["without_contract"][:, owner, :].sum(axis=(1, 2)) - r.built[:, owner, :].sum(axis=(1, 2))

    d = lost(runs[1]) - lost(runs[0])
    mean = d.mean()
    half = t_quantile(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
    got = next(x for x in comparison.differences() if x.key == "owner_units_lost")
    assert half > 0
    assert got.difference == pytest.approx(mean, rel=1e-12)
    assert (got.low, got.high) == pytest.approx((mean - half, mean + half), rel=1e-12)
    assert got.base_value == pytest.approx(lost(runs[0]).mean(), rel=1e-12)
    assert got.value == pytest.approx(lost(runs[1]).mean(), rel=1e-12)
    assert got.value - got.base_value == pytest.approx(got.difference, rel=1e-9)
    assert (got.scenario, got.unit, got.label) == ("small-2", "vehicles", "Own-brand units lost to sharing")


def test_policy_moves_owner_losses_the_expected_way_on_the_same_sop_draws(policies: Comparison) -> None:
    base = policies.results[0]
    for r in policies.results[1:]:
        assert np.array_equal(r.sop, base.sop)  # common random numbers: the program draws are shared
    diffs = {(d.scenario, d.key): d for d in policies.differences()}
    for name in ("owner_first", "customer_first"):
        sop = diffs[name, "sop_day"]
        assert sop.difference == sop.low == sop.high == 0.0
    owner_first, customer_first = diffs["owner_first", "owner_units_lost"], diffs["customer_first", "owner_units_lost"]
    assert owner_first.high < 0 < customer_first.low
    assert diffs["owner_first", "contract_units_2022"].high < 0


def test_kpis_missing_from_a_scenario_are_skipped() -> None:
    comparison = compare([sim.load(SMALL), no_contract()], replications=2)
    keys = {d.key for d in comparison.differences()}
    assert "owner_units" in keys and "utilisation.gwm_test.ga1" in keys
    assert not keys & {"sop_day", "sop_on_time", "contract_units_2022", "contract_fees_rmb", "owner_units_lost"}


def test_seed_and_replications_default_to_the_first_scenarios() -> None:
    first = sim.load(SMALL)
    other = sim.load(SMALL, ["meta.seed=99", "meta.replications=2", "meta.name=other"])
    comparison = compare([first, other])
    assert comparison.seed == first.meta.seed and comparison.replications == first.meta.replications
    assert [r.seed for r in comparison.results] == [first.meta.seed] * 2
    assert comparison.names == ["small", "other"]


def test_run_options_are_passed_to_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake(scenario, replications, seed, progress, **options):
        calls.append((replications, seed, options))
        return sim.run(scenario, replications, seed)

    monkeypatch.setattr(compare_module, "run", fake)
    scenario = sim.load(SMALL)
    compare([scenario, scenario], replications=2, seed=5, workers=3, executor="local")
    assert calls == [(2, 5, {"workers": 3, "executor": "local"})] * 2


def test_table_and_csv(policies: Comparison, tmp_path) -> None:
    table = policies.table()
    diffs = policies.kpis()
    assert list(table.columns) == [
        "scenario",
        "kpi",
        "label",
        "unit",
        "statistic",
        "base",
        "value",
        "difference",
        "low",
        "high",
    ]
    assert len(table) == len(diffs) == 2 * len(policies.measures[0])
    row = next(table.where(scenario="owner_first", kpi="owner_units_lost").rows())
    d = next(d for d in diffs if (d.scenario, d.key) == ("owner_first", "owner_units_lost"))
    assert (row["base"], row["value"], row["difference"], row["low"], row["high"]) == (
        d.base_value,
        d.value,
        d.difference,
        d.low,
        d.high,
    )
    (path,) = policies.to_csv(tmp_path / "out")
    assert path == tmp_path / "out" / "differences.csv"
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(diffs)
    assert float(rows[0]["difference"]) == diffs[0].difference
    assert {r["scenario"] for r in rows} == {"owner_first", "customer_first"}


def test_invalid_comparisons_are_refused() -> None:
    scenario = sim.load(SMALL)
    with pytest.raises(ValueError, match="at least two"):
        compare([scenario], replications=2)
    a, b = sim.run(scenario, replications=2), sim.run(scenario, replications=3)
    with pytest.raises(ValueError, match="same seed and replications"):
        Comparison([a, b])
    with pytest.raises(ValueError, match="unique name"):
        Comparison([a, a], ["x", "x"])


def test_paired_handles_infinite_values() -> None:
    sop = INDICATORS["sop_day"]
    never = Measure("SOP date", "date", np.array([np.inf, np.inf, 10.0]), sop)
    same = paired("sop_day", never, never, "b")
    assert (same.difference, same.low, same.high) == (0.0, 0.0, 0.0)
    later = paired("sop_day", never, Measure("SOP date", "date", np.array([np.inf, 5.0, 12.0]), sop), "b")
    # SOP is read by its median, as in a run: medians inf and 12; the paired differences 0 (both
    # never), -inf (5 instead of never) and 2 have the median 0.
    assert (later.base_value, later.value, later.difference) == (np.inf, 12.0, 0.0)
    assert (later.statistic, later.label) == ("median", "SOP date, median")
    assert later.low == -np.inf and later.high == 2.0
    assert isinstance(later, Difference)
    units = Measure("units", "vehicles", np.array([1.0, 2.0, 3.0]), INDICATORS["owner_units"])
    assert (
        paired(
            "owner_units", units, Measure("units", "vehicles", np.array([2.0, 3.0, 4.0]), units.indicator), "b"
        ).statistic
        == "mean"
    )


def test_unique_names() -> None:
    assert unique_names(["a", "b"]) == ["a", "b"]
    assert unique_names(["a", "a", "a"]) == ["a", "a-2", "a-3"]
    assert unique_names(["a", "a", "a-2"]) == ["a", "a-3", "a-2"]


def test_sop_reads_as_a_median_date_in_the_csv(policies: Comparison, tmp_path) -> None:
    policies.to_csv(tmp_path)
    with open(tmp_path / "differences.csv", newline="") as f:
        sop = next(r for r in csv.DictReader(f) if r["kpi"] == "sop_day")
    start = policies.scenarios[0].meta.start_date
    base = np.median(policies.measures[0]["sop_day"].values)
    assert (sop["statistic"], sop["label"]) == ("median", "SOP date, median")
    assert sop["base"] == str(start + dt.timedelta(days=float(base)))  # an ISO date, not a day count
    assert float(sop["difference"]) == 0.0  # the same launch draws in every policy
