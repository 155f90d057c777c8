"""Study files: what they accept, and messages naming file, line and field for what they do not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.experiment.study import StudyError, load_study, parse_constraint
from tests.conftest import ROOT, small_data

KNOWN = ["sop_day", "owner_units_lost", "contract_units_2025", "owner_net_contribution_rmb"]
UNITS = {"sop_day": "date", "owner_units_lost": "vehicles", "contract_units_2025": "vehicles"}
START = dt.date(2021, 4, 1)


def study(tmp_path, text: str):
    import yaml

    (tmp_path / "small.yaml").write_text(yaml.safe_dump(small_data()))
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


GOOD = """scenario: small.yaml
decide:
  contract.reserved_share: {min: 0.1, max: 0.5}
  contract.fee_rmb_per_unit: {min: 5000, max: 9000, resolution: 500}
  contract.minimum_units_per_year: {min: 0, max: 3000, integer: true, resolution: 1000}
  contract.policy: [reserved_share, proportional]
maximise: {kpi: owner_net_contribution_rmb, statistic: quantile, q: 0.1}
constraints:
  - mean(owner_units_lost) <= 100_000
  - P(contract_units_2022 >= 6000) >= 0.9
  - P(sop <= 2022-06-30) >= 0.5
selection: {delta: 1000000}
"""


def test_a_study_reads_every_kind_of_variable_objective_and_constraint(tmp_path):
    s = load_study(study(tmp_path, GOOD))
    share, fee, minimum, policy = s.variables
    assert share.resolution == pytest.approx(0.004)  # range / 100 by default
    assert (fee.low, fee.high, fee.resolution, fee.grid_size) == (5000, 9000, 500, 9)
    assert minimum.integer and minimum.grid_size == 4 and minimum.text(2000.0) == "2000"
    assert policy.choices == ("reserved_share", "proportional")
    assert s.full_grid() == 101 * 9 * 4 * 2
    (objective,) = s.objectives
    assert objective.maximise and objective.statistic == "quantile" and objective.q == 0.1
    units, chance, sop = s.constraints
    assert (units.kpi, units.op, units.bound, units.chance) == ("owner_units_lost", "<=", 100_000, False)
    assert (chance.kpi, chance.p_min) == ("contract_units_2022", 0.9)
    # On or before 30 June is before the end of that day, in days since the start (3 Jan 2022).
    assert sop.kpi == "sop_day" and sop.op == "<" and sop.bound == (dt.date(2022, 6, 30) - dt.date(2022, 1, 3)).days + 1
    assert s.delta == 1e6 and s.confidence == 0.95
    assert s.scenario_at({"contract.reserved_share": "0.2"}).contract.reserved_share == 0.2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("owner_units_lost <= 1e5", ("owner_units_lost", "<=", 1e5, None)),
        ("mean(contract_units_2025) >= 60,000", ("contract_units_2025", ">=", 60000, None)),
        ("P(contract_units_2025 >= 60000) >= 0.9", ("contract_units_2025", ">=", 60000, 0.9)),
        # P(A) <= 0.2 is P(not A) >= 0.8.
        ("P(contract_units_2025 < 1000) <= 0.2", ("contract_units_2025", ">=", 1000, pytest.approx(0.8))),
        ("P(sop > 2023-12-31) <= 0.3", ("sop_day", "<", (dt.date(2024, 1, 1) - START).days, pytest.approx(0.7))),
    ],
)
def test_constraint_grammar(text, expected):
    c = parse_constraint(text, KNOWN, UNITS, START)
    assert (c.kpi, c.op, c.bound, c.p_min) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("owner_units_los <= 5", "did you mean 'owner_units_lost'"),
        ("P(owner_units_lost <= 5) >= 1.2", "strictly between 0 and 1"),
        ("P(owner_units_lost <= 5) >= 0", "strictly between 0 and 1"),
        ("owner_units_lost == 5", "bound a mean with <= or >="),
        ("owner units lost <= 5", "is not a constraint"),
        ("P(sop <= 100) >= 0.5", "compare it with a date"),
        ("owner_units_lost <= many", "should be a number"),
    ],
)
def test_bad_constraints_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_constraint(text, KNOWN, UNITS, START)


def test_a_chance_constraint_counts_replications():
    c = parse_constraint("P(sop <= 2021-04-10) >= 0.5", KNOWN, UNITS, START)
    assert c.holds(np.array([8.0, 9.99, 10.0, np.inf])).tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    ("replace", "by", "where", "message"),
    [
        ("contract.reserved_share: {min: 0.1, max: 0.5}", "contract.reserved_shar: {min: 0.1, max: 0.5}",
         ":3:3: decide.contract.reserved_shar:", "did you mean 'reserved_share'"),
        ("{min: 0.1, max: 0.5}", "{min: 0.5, max: 0.5}", ":3:", "empty range"),
        ("{min: 0.1, max: 0.5}", "{min: 0.1, max: 0.5, resoltion: 1}", ":3:", "did you mean 'resolution'"),
        ("{min: 0.1, max: 0.5}", "{min: 0.1, max: 1.5}", ":3:3: decide.contract.reserved_share:",
         "less than or equal to 1"),
        ("kpi: owner_net_contribution_rmb,", "kpi: owner_net_contributon,", ":7:", "unknown KPI"),
        ("mean(owner_units_lost) <= 100_000", "mean(owner_units_lost) <= = 100", ":9:5: constraints[0]:",
         "should be a number"),
        ("P(contract_units_2022 >= 6000) >= 0.9", "P(contract_units_2022 >= 6000) >= 90", ":10:5: constraints[1]",
         "between 0 and 1"),
        ("selection: {delta: 1000000}", "selection: {delt: 1000000}", ":12:", "did you mean 'delta'"),
        ("scenario: small.yaml", "scenario: nowhere.yaml", ":1:1: scenario:", "no scenario file"),
    ],
)  # fmt: skip
def test_bad_study_files_name_file_line_and_field(tmp_path, replace, by, where, message):
    assert replace in GOOD
    path = study(tmp_path, GOOD.replace(replace, by))
    with pytest.raises(StudyError) as info:
        load_study(path)
    text = str(info.value)
    assert f"{path}{where}" in text and message in text, text


def test_an_objective_is_required_and_at_most_two(tmp_path):
    with pytest.raises(StudyError, match="give one objective"):
        load_study(study(tmp_path, "scenario: small.yaml\ndecide: {contract.policy: [a, b]}\n"))
    text = "scenario: small.yaml\ndecide: {contract.fee_rmb_per_unit: {min: 1, max: 2}}\nmaximise: [a, b, c]\n"
    with pytest.raises(StudyError, match="at most two"):
        load_study(study(tmp_path, text))


def test_shipped_studies_validate():
    studies = sorted((ROOT / "scenarios" / "studies").glob("*.yaml"))
    assert len(studies) >= 2
    for path in studies:
        s = load_study(path)
        assert s.variables and s.objectives
