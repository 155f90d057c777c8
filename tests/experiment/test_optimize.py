"""The optimiser: a known optimum, money-only candidates sharing a simulation, chance constraints
against brute force, the search's geometry, and the same answer whatever the workers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml

import sim
from sim.experiment import search
from sim.experiment.optimize import MONEY_ONLY, money_only, optimize
from sim.experiment.study import Variable, load_study
from sim.results.indicators import measures
from tests.conftest import DATA, small_data

# One line of 10 JPH, one 8-hour shift on weekdays, both sides with endless demand, SOP on day 0:
# the customer builds exactly its reserved share of the open hours and the owner loses as many.
ONE_LINE = {
    "meta": {"name": "one_line", "start_date": "2022-01-03", "end_date": "2022-06-30", "seed": 3, "replications": 3},
    "plants": [
        {
            "name": "p",
            "owner": "gwm",
            "calendar": {"working_weekdays": ["mon", "tue", "wed", "thu", "fri"], "shifts_per_day": 1,
                         "hours_per_shift": 8},
            "lines": [{"id": "l1", "jph": 10, "products": ["car", "ev"]}],
        }
    ],
    "products": [
        {"id": "car", "brand": "Haval", "owner": "gwm", "margin_rmb_per_unit": 10000,
         "demand": {"units_per_month": 1_000_000}},
        {"id": "ev", "brand": "Xiaomi", "owner": "xiaomi", "demand": {"units_per_month": 1_000_000}},
    ],
    "program": {
        "start_date": "2022-01-03",
        "target_launch": "2022-01-31",
        "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": 0}}],
    },
    "contract": {"customer": "xiaomi", "policy": "reserved_share", "reserved_share": 0.3, "fee_rmb_per_unit": 15000},
}  # fmt: skip


def write(folder: Path, name: str, data: dict | str) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def weekdays(first: dt.date, last: dt.date) -> int:
    return sum((first + dt.timedelta(days=k)).weekday() < 5 for k in range((last - first).days + 1))


def test_finds_the_optimum_at_the_kink_computed_by_hand(tmp_path):
    # Every reserved vehicle earns a fee of 15,000 and costs the owner a margin of 10,000, so the
    # net contribution is 5,000 x share x capacity: it rises linearly until the cap on the owner's
    # units lost binds (share x capacity = 5,000), and beyond that the terms are infeasible. The
    # optimum is the kink share* = 5,000 / capacity, on the 0.01 grid: the largest share below it.
    capacity = weekdays(dt.date(2022, 1, 3), dt.date(2022, 6, 30)) * 8 * 10  # 129 days -> 10,320 vehicles
    kink = 5000 / capacity  # 0.4845
    write(tmp_path, "one_line.yaml", ONE_LINE)
    study = write(
        tmp_path,
        "study.yaml",
        """
scenario: one_line.yaml
decide:
  contract.reserved_share: {min: 0, max: 0.8, resolution: 0.01}
maximise: owner_net_contribution_rmb
constraints: [owner_units_lost <= 5000]
budget: {replications: 3, n0: 3, contenders: 3, max_replications: 6}
""",
    )
    result = optimize(load_study(study))
    share = result.chosen.values["contract.reserved_share"]
    assert kink - 0.01 < share <= kink
    assert share == pytest.approx(0.48)
    assert result.chosen.objective(0).value == pytest.approx(5000 * share * capacity)
    assert [f.verdict for f in result.feasibility] == ["feasible"]
    # Never a full grid: far fewer candidates than the 81 of the grid at 0.01.
    assert len(result.candidates) < 30 and result.full_grid_candidates == 81
    stages = {c.stage for c in result.candidates}
    assert {"coarse", "refine"} <= stages
    # The sensitivity one step up crosses the cap; one step down earns 0.01 x capacity x 5,000 less.
    down = next(s for s in result.sensitivity if s.value == pytest.approx(share - 0.01))
    assert down.difference == pytest.approx(-0.01 * capacity * 5000)


def test_a_quantile_objective_is_ranked_by_its_estimate(tmp_path):
    write(tmp_path, "one_line.yaml", ONE_LINE)
    study = write(
        tmp_path,
        "study.yaml",
        """
scenario: one_line.yaml
decide:
  contract.reserved_share: {min: 0, max: 0.8, resolution: 0.05}
maximise: {kpi: owner_net_contribution_rmb, statistic: quantile, q: 0.1}
constraints: [owner_units_lost <= 5000]
budget: {replications: 3, n0: 3, contenders: 3, max_replications: 6}
""",
    )
    result = optimize(load_study(study))
    assert result.selection is None and any("quantile" in note for note in result.notes)
    assert result.chosen.values["contract.reserved_share"] == pytest.approx(0.45)
    assert result.chosen.objective(0).statistic == "P10"


def test_nothing_is_recommended_when_no_candidate_meets_the_constraints(tmp_path):
    write(tmp_path, "one_line.yaml", ONE_LINE)
    study = write(
        tmp_path,
        "study.yaml",
        """
scenario: one_line.yaml
decide:
  contract.reserved_share: {min: 0.1, max: 0.8, resolution: 0.1}
minimise: {kpi: sop_day, statistic: quantile, q: 0.5}
constraints: ["owner_units_lost <= 10", "mean(sop) <= 2022-01-10"]
budget: {replications: 3, n0: 3, contenders: 3, max_replications: 3}
""",
    )
    result = optimize(load_study(study))
    assert result.chosen is None and result.selection is None and not result.contenders
    assert any("nothing is recommended" in note for note in result.notes)
    result.to_csv(tmp_path)
    rows = (tmp_path / "candidates.csv").read_text().splitlines()
    assert rows[1].split(",")[rows[0].split(",").index("objective1_sop_day")] == "2022-01-03"  # SOP as a date
    assert all(",infeasible," in row for row in rows[1:])


def test_money_only_terms_leave_every_array_bit_identical():
    base = sim.load(DATA / "small.yaml")
    money = {
        "fee_rmb_per_unit": 12345.0,
        "payments": [{"name": "tooling", "amount_rmb": 5e7, "milestone": "tooling"}],
        "minimum_units_per_year": 30000.0,
        "shortfall_penalty_rmb_per_unit": 777.0,
        "discount_rate_per_year": 0.08,
    }
    assert set(money) == set(MONEY_ONLY)  # the one list, every field of it changed here
    changed = base.model_copy(update={"contract": base.contract.model_validate(base.contract.model_dump() | money)})
    a, b = sim.run(base, 3), sim.run(changed, 3)
    arrays = [k for k, v in vars(a).items() if isinstance(v, np.ndarray)]
    assert arrays
    for k in arrays:
        assert np.array_equal(getattr(a, k), getattr(b, k)), k
    for k in a.reference:
        assert np.array_equal(a.reference[k], b.reference[k]), k
    # Revalued with the other terms, the shared run gives the other run's numbers exactly.
    revalued = measures(dataclasses.replace(a, scenario=changed))
    separate = measures(b)
    assert revalued.keys() == separate.keys()
    for k in separate:
        assert np.array_equal(revalued[k].values, separate[k].values), k
    assert money_only("contract.fee_rmb_per_unit") and not money_only("contract.reserved_share")


def test_every_contract_term_is_either_read_by_the_model_or_money_only():
    # A new contract field must be classified: the model reads it (candidates differing in it need
    # their own simulation) or it is money-only (listed in MONEY_ONLY and never named in sim/model).
    from sim.scenario.contract import Contract

    read_by_the_model = {"customer", "policy", "reserved_share", "reserved_units_per_month"}
    assert set(Contract.model_fields) == read_by_the_model | set(MONEY_ONLY)
    model = Path(sim.__file__).parent / "model"
    for path in model.rglob("*.py"):
        text = path.read_text()
        assert not [name for name in MONEY_ONLY if name in text], path


def test_money_only_candidates_share_one_simulation(tmp_path):
    data = small_data()
    write(tmp_path, "small.yaml", data)
    study = write(
        tmp_path,
        "study.yaml",
        """
scenario: small.yaml
decide:
  contract.fee_rmb_per_unit: {min: 4000, max: 12000, resolution: 2000}
maximise: owner_net_contribution_rmb
budget: {replications: 3, n0: 3, contenders: 2, max_replications: 3}
""",
    )
    result = optimize(load_study(study))
    assert result.simulated == 1
    assert result.replications == 6  # 3 for the search, 3 fresh: every fee revalues the same runs
    assert all(c.simulation == 1 for c in result.candidates)
    assert result.chosen.values["contract.fee_rmb_per_unit"] == 12000
    # Identical to a separate simulation of the chosen fee.
    separate = measures(sim.run(sim.load(tmp_path / "small.yaml", ["contract.fee_rmb_per_unit=12000"]), 3))
    values = separate["owner_net_contribution_rmb"].values
    assert result.chosen.objectives[0].value == pytest.approx(values.mean(), rel=0, abs=1e-6)


def test_chance_constraint_agrees_with_brute_force(tmp_path):
    write(tmp_path, "small.yaml", small_data())
    study = write(
        tmp_path,
        "study.yaml",
        """
scenario: small.yaml
decide:
  contract.policy: [reserved_share, proportional]
maximise: owner_net_contribution_rmb
constraints: ["P(sop <= 2022-05-15) >= 0.3"]
budget: {replications: 20, n0: 20, contenders: 2, max_replications: 20}
""",
    )
    result = optimize(load_study(study))
    scenario = sim.load(tmp_path / "small.yaml")
    # Brute force: the share of 400 replications with SOP on or before 15 May, from the SOP hours.
    brute = sim.run(scenario, 400)
    end_of_day = (dt.date(2022, 5, 15) - scenario.meta.start_date).days * 24 + 24
    p = float((brute.sop < end_of_day).mean())
    for c in result.candidates:
        verdict = c.verdicts[0]
        search_reps = brute.sop[:20]  # the search's replications are the first 20 of the same seed
        assert verdict.estimate == pytest.approx(float((search_reps < end_of_day).mean()))
        assert verdict.low <= p <= verdict.high
        assert verdict.verdict == ("feasible" if verdict.one_sided_low >= 0.3 else verdict.verdict)
    assert (p > 0.3) == (result.feasibility[0].estimate > 0.3) or result.feasibility[0].verdict == "undecided"


def test_same_seed_same_answer_whatever_the_workers(tmp_path):
    write(tmp_path, "small.yaml", small_data())
    study = load_study(
        write(
            tmp_path,
            "study.yaml",
            """
scenario: small.yaml
decide:
  contract.reserved_share: {min: 0.1, max: 0.5, resolution: 0.1}
maximise: owner_net_contribution_rmb
budget: {replications: 3, n0: 3, contenders: 2, max_replications: 6}
""",
        )
    )
    one, two = optimize(study), optimize(study, workers=2)
    assert [c.values for c in one.candidates] == [c.values for c in two.candidates]
    assert [c.objectives[0].value for c in one.candidates] == [c.objectives[0].value for c in two.candidates]
    assert one.chosen.id == two.chosen.id


def test_two_objectives_give_a_front_of_non_dominated_candidates(tmp_path):
    write(tmp_path, "one_line.yaml", ONE_LINE)
    study = write(
        tmp_path,
        "study.yaml",
        """
scenario: one_line.yaml
decide:
  contract.reserved_share: {min: 0, max: 0.8, resolution: 0.2}
maximise: [owner_net_contribution_rmb]
minimise: owner_units_lost
budget: {replications: 3, n0: 3, contenders: 10}
""",
    )
    result = optimize(load_study(study))
    assert result.chosen is None and result.selection is None
    # Net contribution and units lost both grow with the share: every share is on the front.
    shares = sorted(result.candidate(i).values["contract.reserved_share"] for i in result.front)
    assert shares == [0.0, 0.2, 0.4, 0.6, 0.8]
    assert all(result.candidate(i).fresh_replications == 3 for i in result.front)


# -- the search's geometry ---------------------------------------------------------------------
SHARE = Variable("contract.reserved_share", 0.0, 0.6, 0.01)
POLICY = Variable("contract.policy", choices=("reserved_share", "proportional"))


def test_coarse_design_is_five_levels_times_every_choice():
    points, spacing = search.coarse([SHARE, POLICY], candidates=60, seed=1)
    assert len(points) == 10
    assert sorted({p["contract.reserved_share"] for p in points}) == [0.0, 0.15, 0.3, 0.45, 0.6]
    assert spacing == {"contract.reserved_share": pytest.approx(0.15)}


def test_many_variables_get_a_latin_hypercube():
    many = [Variable(f"x{i}", 0.0, 1.0, 0.01) for i in range(4)]
    points, _ = search.coarse(many, candidates=20, seed=1)
    assert len(points) == 10
    for v in many:  # one value in each tenth of every range
        strata = sorted(int(p[v.path] * 10 - 1e-9) if p[v.path] < 1 else 9 for p in points)
        assert strata == list(range(10))


def test_neighbours_step_each_range_and_try_each_other_choice():
    point = {"contract.reserved_share": 0.3, "contract.policy": "reserved_share"}
    out = search.neighbours(point, [SHARE, POLICY], {"contract.reserved_share": 0.04})
    assert {(p["contract.reserved_share"], p["contract.policy"]) for p in out} == {
        (0.26, "reserved_share"),
        (0.34, "reserved_share"),
        (0.3, "proportional"),
    }
    steps = search.halve({"contract.reserved_share": 0.015}, [SHARE])
    assert steps == {"contract.reserved_share": 0.01} and search.finest(steps, [SHARE])


def test_integer_variables_stay_whole_on_their_grid():
    v = Variable("contract.minimum_units_per_year", 0.0, 40000.0, 1000.0, integer=True)
    assert v.snap(12345.6) == 12000.0 and v.snap(-5) == 0.0 and v.snap(1e9) == 40000.0
    assert v.text(12000.0) == "12000" and v.grid_size == 41
    points, _ = search.coarse([v], candidates=60, seed=1)
    assert [p[v.path] for p in points] == [0.0, 10000.0, 20000.0, 30000.0, 40000.0]


def test_money_grid_spans_money_only_terms_at_one_simulation():
    fee = Variable("contract.fee_rmb_per_unit", 5000.0, 9000.0, 1000.0)
    point = {"contract.reserved_share": 0.3, "contract.fee_rmb_per_unit": 7000.0}
    out = search.money_grid(point, [SHARE, fee], frozenset({fee.path}))
    assert [p["contract.fee_rmb_per_unit"] for p in out] == [5000.0, 6000.0, 7000.0, 8000.0, 9000.0]
    assert {p["contract.reserved_share"] for p in out} == {0.3}
    assert len(search.money_grid(point, [SHARE, fee], frozenset({fee.path}), most=3)) <= 3


def test_front_keeps_the_non_dominated():
    scores = [[1, 5], [2, 4], [1, 4], [3, 1], [2, 4]]
    assert search.front(scores) == [0, 1, 3]


def test_run_many_on_a_dask_cluster_gives_the_local_replications():
    distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed")
    from sim.experiment.runner import run_many

    a = sim.load(DATA / "small.yaml")
    b = sim.load(DATA / "small.yaml", ["contract.reserved_share=0.4"])
    jobs = [(a, [0, 1, 2]), (b, [2, 3])]
    local = run_many(jobs, seed=5)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        remote = run_many(jobs, seed=5, executor="dask", scheduler=cluster.scheduler_address)
    assert [sorted(d) for d in remote] == [[0, 1, 2], [2, 3]]
    for here, there in zip(local, remote, strict=True):
        for i, rep in here.items():
            for k, v in rep.arrays.items():
                assert np.array_equal(v, there[i].arrays[k]), k
