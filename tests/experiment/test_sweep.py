"""Sweeps: designs, validation of every point before work, common random numbers, tidy results, sweep files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment import sweep as sweep_module
from sim.experiment.sweep import (
    SweepError,
    axes,
    grid,
    load_sweep,
    parse_axis,
    prepare,
    run_file,
    sensitivity,
    sweep,
    value_at,
)
from sim.results.indicators import measures
from sim.scenario.loader import is_sweep_file
from tests.conftest import DATA, ROOT

SMALL = DATA / "small.yaml"
EXAMPLE = ROOT / "scenarios" / "sweeps" / "reserve_and_assist.yaml"


# -- designs ----------------------------------------------------------------------------------
def test_grid_is_the_full_factorial_with_the_last_axis_fastest():
    design = grid({"contract.reserved_share": ["0.1", "0.2", "0.3"], "program.engineering_assist": ["0.8", "1.0"]})
    assert design.kind == "grid"
    assert design.params == ["contract.reserved_share", "program.engineering_assist"]
    assert len(design.points) == 3 * 2
    assert [tuple(p.values()) for p in design.points] == [
        ("0.1", "0.8"),
        ("0.1", "1.0"),
        ("0.2", "0.8"),
        ("0.2", "1.0"),
        ("0.3", "0.8"),
        ("0.3", "1.0"),
    ]
    assert "3 x 2 = 6 points" in design.describe()


def test_parse_axis_reads_comma_separated_values():
    assert parse_axis("contract.reserved_share=0.1, 0.2,0.3") == ("contract.reserved_share", ["0.1", "0.2", "0.3"])
    assert parse_axis("contract.policy=owner_first") == ("contract.policy", ["owner_first"])


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("contract.reserved_share=", "contract.reserved_share: no values to sweep"),
        ("contract.reserved_share= ", "contract.reserved_share: no values to sweep"),
        ("contract.reserved_share=0.1,,0.3", "contract.reserved_share: an empty value"),
        ("contract.reserved_share=0.1,", "contract.reserved_share: an empty value"),
        ("contract.reserved_share=0.1,0.1", "value 0.1 is given twice"),
        ("contract.reserved_share", "should be dotted.path=value1,value2"),
        ("=0.1,0.2", "should be dotted.path=value1,value2"),
    ],
)
def test_parse_axis_rejects_empty_and_malformed_axes(option, expected):
    with pytest.raises(SweepError, match=expected.replace(".", r"\.")):
        parse_axis(option)


def test_axes_reports_every_bad_option_and_a_repeated_path():
    with pytest.raises(SweepError) as exc:
        axes(["contract.reserved_share=0.1", "program.engineering_assist=", "contract.reserved_share=0.2"])
    assert len(exc.value.problems) == 2
    assert "program.engineering_assist: no values" in str(exc.value)
    assert "contract.reserved_share: given twice" in str(exc.value)


def test_an_empty_grid_is_rejected():
    with pytest.raises(SweepError, match="at least one parameter"):
        grid({})
    with pytest.raises(SweepError, match="at least one parameter"):
        sensitivity({})


def test_sensitivity_is_the_base_then_low_and_high_per_parameter():
    design = sensitivity(
        {"program.engineering_assist": ("0.8", "1.0"), "contract.reserved_share": ("0.1", "0.5")},
        base={"contract.fee_rmb_per_unit": "9000"},
    )
    fee = {"contract.fee_rmb_per_unit": "9000"}
    assert design.kind == "sensitivity"
    assert design.points == [
        fee,
        {**fee, "program.engineering_assist": "0.8"},
        {**fee, "program.engineering_assist": "1.0"},
        {**fee, "contract.reserved_share": "0.1"},
        {**fee, "contract.reserved_share": "0.5"},
    ]
    assert len(design.points) == 1 + 2 * 2
    assert design.params == ["program.engineering_assist", "contract.reserved_share"]


# -- every point is checked before any work ---------------------------------------------------
@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if a sweep starts running anything."""

    def refuse(*args, **kwargs):
        raise AssertionError("a replication ran before every point was checked")

    monkeypatch.setattr(sweep_module, "run_many", refuse)


def test_an_invalid_point_fails_before_anything_runs_naming_the_point_and_why(no_runs):
    design = grid({"contract.reserved_share": ["0.2", "1.5"], "program.engineering_assist": ["0.8", "abc"]})
    with pytest.raises(SweepError) as exc:
        sweep(SMALL, design, replications=2)
    text = str(exc.value)
    assert text.startswith("3 of 4 sweep points are invalid; nothing was run:")
    assert (
        "sweep point 2 (contract.reserved_share=0.2, program.engineering_assist=abc): program.engineering_assist: "
        "Input should be a valid number, unable to parse string as a number (got 'abc') (same problem at point 4)"
    ) in text
    assert (
        "sweep point 3 (contract.reserved_share=1.5, program.engineering_assist=0.8): contract.reserved_share: "
        "Input should be less than or equal to 1 (got 1.5)"
    ) in text
    assert text.endswith("(got 1.5) (same problem at point 4)")  # point 4 has both problems
    assert len(exc.value.problems) == 2  # each distinct problem once
    assert "Traceback" not in text


def test_a_wrong_path_gets_did_you_mean(no_runs):
    with pytest.raises(SweepError) as exc:
        prepare(SMALL, grid({"contract.reserved_shares": ["0.1", "0.2"]}))
    (problem,) = exc.value.problems
    assert problem.startswith("sweep point 1 (contract.reserved_shares=0.1): contract.reserved_shares: ")
    assert "did you mean 'reserved_share'?" in problem
    assert problem.endswith("(same problem at point 2)")


def test_fixed_overrides_apply_to_every_point_and_are_checked_too(no_runs):
    prepared = prepare(SMALL, grid({"contract.reserved_share": ["0.1", "0.2"]}), ["contract.fee_rmb_per_unit=9000"])
    assert [s.contract.fee_rmb_per_unit for _, s in prepared] == [9000, 9000]
    assert [s.contract.reserved_share for _, s in prepared] == [0.1, 0.2]
    with pytest.raises(SweepError, match="fee_rmb_per_unit: Input should be greater than or equal to 0"):
        prepare(SMALL, grid({"contract.reserved_share": ["0.1"]}), ["contract.fee_rmb_per_unit=-1"])


def test_a_missing_base_scenario_is_one_scenario_error(no_runs):
    with pytest.raises(sim.ScenarioError, match="no such file"):
        prepare(DATA / "nope.yaml", grid({"contract.reserved_share": ["0.1", "0.2"]}))


def test_an_unknown_kpi_is_rejected_before_work(no_runs):
    with pytest.raises(SweepError, match="unknown KPI 'owner_unit_lost'; did you mean 'owner_units_lost'"):
        sweep(SMALL, grid({"contract.reserved_share": ["0.1"]}), kpi="owner_unit_lost")


# -- running ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def contract_sweep():
    # Haval's demand is raised so that the line is full and the contract terms matter.
    return sweep(
        SMALL,
        grid({"contract.reserved_share": ["0.1", "0.4"], "contract.policy": ["reserved_share", "proportional"]}),
        replications=4,
        extra_overrides=["products.haval.demand.units_per_month=25000"],
    )


def test_points_share_random_numbers_when_only_contract_terms_change(contract_sweep):
    first = contract_sweep.results[0]
    assert len(contract_sweep.results) == 4
    for r in contract_sweep.results[1:]:
        assert np.array_equal(r.sop, first.sop)  # the launch program draws the same durations
        assert np.array_equal(r.milestone_finish, first.milestone_finish)
        assert r.seed == first.seed
    lost = contract_sweep.summary("owner_units_lost").col("value")
    assert lost[2] > lost[0] > 0  # the terms themselves do change output: a larger reserve costs GWM more


def test_the_tidy_table_has_one_row_per_point_replication_and_kpi(contract_sweep):
    table = contract_sweep.table()
    keys = contract_sweep.kpi_keys()
    assert list(table.columns) == ["point", "contract.reserved_share", "contract.policy", "replication", "kpi", "value"]
    assert len(table) == 4 * 4 * len(keys)
    assert sorted(set(table.col("point").tolist())) == [1, 2, 3, 4]
    rows = table.where(point=3, kpi="contract_fees_rmb")
    assert rows.col("contract.reserved_share").tolist() == ["0.4"] * 4
    assert rows.col("contract.policy").tolist() == ["reserved_share"] * 4
    assert rows.col("replication").tolist() == [0, 1, 2, 3]
    assert np.array_equal(rows.col("value"), measures(contract_sweep.results[2])["contract_fees_rmb"].values)


def test_summary_gives_the_estimate_and_interval_per_point(contract_sweep):
    summary = contract_sweep.summary("contract_fees_rmb")
    assert len(summary) == 4
    for row, r in zip(summary.rows(), contract_sweep.results, strict=True):
        values = measures(r)["contract_fees_rmb"].values
        assert row["statistic"] == "mean" and row["unit"] == "RMB"
        assert row["value"] == pytest.approx(values.mean())
        assert row["low"] <= row["value"] <= row["high"]
    sop = contract_sweep.summary("sop_day")
    assert set(sop.col("statistic").tolist()) == {"median"}
    assert len(contract_sweep.summary()) == 4 * len(contract_sweep.kpi_keys())


def test_to_csv_writes_the_tidy_table_and_the_summary(contract_sweep, tmp_path):
    paths = contract_sweep.to_csv(tmp_path / "sweep")
    assert [p.name for p in paths] == ["sweep.csv", "summary.csv"]
    lines = paths[0].read_text().splitlines()
    assert lines[0] == "point,contract.reserved_share,contract.policy,replication,kpi,value"
    assert len(lines) == 1 + len(contract_sweep.table())
    # SOP as an ISO date (20XX-MM-DD), not a count of days, in both files.
    sop = [line.rsplit(",", 1)[1] for line in lines if ",sop_day," in line]
    assert sop and all(len(v) == 10 and v[4] == "-" for v in sop if v)
    summary = [line for line in paths[1].read_text().splitlines() if ",sop_day," in line]
    assert summary and all(",median," in line and "-" in line.split(",median,")[1] for line in summary)


def test_a_kpi_that_does_not_happen_at_a_point_is_zero_there():
    # Lost sales happen only when Haval's demand exceeds what the line can build.
    design = grid({"products.haval.demand.units_per_month": ["5000", "40000"]})
    sr = sweep(SMALL, design, replications=2, extra_overrides=["products.haval.demand.lost_after_months=1"])
    lost = sr.table().where(kpi="lost_sales")
    assert lost.where(point=1).col("value").tolist() == [0.0, 0.0]
    assert (lost.where(point=2).col("value") > 0).all()


def test_a_kpi_that_does_not_apply_at_a_point_is_missing_there():
    # Without lost_after_months, demand waits forever: lost sales do not apply to point 1.
    design = grid({"products.haval.demand.lost_after_months": ["null", "1"]})
    sr = sweep(SMALL, design, replications=2)
    assert "lost_sales" not in measures(sr.results[0]) and "lost_sales" in measures(sr.results[1])
    lost = sr.table().where(kpi="lost_sales")
    assert np.isnan(lost.where(point=1).col("value")).all()


def test_a_sensitivity_tornado_follows_the_engineering_assist():
    # small.yaml: assist 0.9 on every milestone, program starting on the first day, so with the
    # same draws SOP (days from start) scales exactly with the assist: median x 0.8 / 0.9 and x 1.0 / 0.9.
    design = sensitivity({"contract.reserved_share": ("0.1", "0.5"), "program.engineering_assist": ("0.8", "1.0")})
    sr = sweep(SMALL, design, replications=5)
    assert sr.settings[0] == {"contract.reserved_share": "0.25", "program.engineering_assist": "0.9"}
    assert sr.settings[3] == {"contract.reserved_share": "0.25", "program.engineering_assist": "0.8"}
    base = float(np.median(sr.results[0].sop)) / 24
    (first, low, high), (second, *rest) = sr.tornado("sop_day")
    assert first == "program.engineering_assist"  # the widest range first
    assert low == pytest.approx(base * (0.8 / 0.9 - 1))
    assert high == pytest.approx(base * (1.0 / 0.9 - 1))
    assert low < 0 < high  # more help, earlier SOP
    assert second == "contract.reserved_share" and rest == [0.0, 0.0]  # the reserve does not move SOP


def test_a_tornado_needs_a_sensitivity_design(contract_sweep):
    with pytest.raises(SweepError, match="needs a sensitivity design"):
        contract_sweep.tornado("sop_day")


def test_value_at_reads_the_scenario_along_an_override_path(small):
    assert value_at(small, "contract.reserved_share") == "0.25"
    assert value_at(small, "products.xiaomi_ev.ramp.months_to_full_rate") == "3.0"  # as the model holds it
    assert value_at(small, "plants[0].lines.ga1.jph") == "60.0"
    assert value_at(small, "program.target_launch") == "2022-06-30"
    assert value_at(small, "contract.nope") == ""


# -- sweep files ------------------------------------------------------------------------------
def write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text.replace("BASE", str(SMALL)))
    return path


def test_a_sweep_file_declares_the_design_and_how_to_run_it(tmp_path):
    path = write(
        tmp_path,
        "description: test\nscenario: BASE\nreplications: 2\nseed: 3\nkpi: sop_day\n"
        "set: {contract.fee_rmb_per_unit: 9000, meta.name: 'yes'}\n"
        "grid:\n  program.engineering_assist: [0.8, 1]\n  program.target_launch: [2022-06-30]\n",
    )
    spec = load_sweep(path)
    assert spec.scenario == SMALL and spec.replications == 2 and spec.seed == 3 and spec.kpi == "sop_day"
    assert spec.overrides == ("contract.fee_rmb_per_unit=9000", 'meta.name="yes"')  # quoted: stays text
    assert spec.design.points == [
        {"program.engineering_assist": "0.8", "program.target_launch": "2022-06-30"},
        {"program.engineering_assist": "1", "program.target_launch": "2022-06-30"},
    ]
    sr = run_file(path)
    assert [r.replications for r in sr.results] == [2, 2] and {r.seed for r in sr.results} == {3}
    assert sr.results[0].scenario.meta.name == "yes" and sr.results[0].scenario.contract.fee_rmb_per_unit == 9000
    assert sr.kpi == "sop_day" and sr.description == "test"
    assert [r.replications for r in run_file(path, replications=1).results] == [1, 1]


def test_a_sensitivity_sweep_file(tmp_path):
    path = write(tmp_path, "scenario: BASE\nsensitivity:\n  program.engineering_assist: [0.8, 1.0]\n")
    spec = load_sweep(path)
    assert spec.design.kind == "sensitivity" and len(spec.design.points) == 3


def test_the_scenario_is_relative_to_the_sweep_file(tmp_path):
    (tmp_path / "base.yaml").write_text(SMALL.read_text())
    (tmp_path / "sweeps").mkdir()
    path = write(tmp_path, "scenario: ../base.yaml\ngrid: {contract.reserved_share: [0.1]}\n", "sweeps/s.yaml")
    assert load_sweep(path).scenario == tmp_path / "base.yaml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scenario: BASE\ngird: {a: [1]}\n", ":2:1: gird: unknown field 'gird'; did you mean 'grid'?"),
        ("scenario: BASE\n", ":1:1: give exactly one of grid: (full factorial) or sensitivity: (one at a time)"),
        ("scenario: BASE\ngrid: {a: [1]}\nsensitivity: {a: [1, 2]}\n", ":3:14: sensitivity: give exactly one of"),
        ("scenario: BASE\ngrid: {}\n", ":2:7: grid: no parameters"),
        ("scenario: BASE\ngrid:\n  a: []\n", ":3:6: grid.a: no values to sweep"),
        ("scenario: BASE\ngrid:\n  a: [1, 2, 1]\n", ":3:6: grid.a: value 1 is given twice"),
        ("scenario: BASE\ngrid:\n  a: [1, [2, 3]]\n", ":3:10: grid.a[1]: should be one value"),
        (
            "scenario: BASE\nsensitivity:\n  a: [1, 2, 3]\n",
            ":3:6: sensitivity.a: should be [low, high], two values (got 3)",
        ),
        (
            "scenario: BASE\nreplications: 0\ngrid: {a: [1]}\n",
            ":2:15: replications: Input should be greater than or equal to 1 (got 0)",
        ),
        ("scenario: nope.yaml\ngrid: {a: [1]}\n", ":1:11: scenario: no scenario file nope.yaml"),
        ("scenario: [1\n", ":2:1: YAML syntax error"),
        ("grid: {a: [1]}\n", ":1:1: scenario: missing required field 'scenario'"),
        ("- scenario\n", ":1:1: the top level must be a mapping"),
        ("# nothing\n", ": is empty; a sweep file needs scenario:"),
    ],
)
def test_sweep_file_errors_name_the_file_line_and_field(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(SweepError) as exc:
        load_sweep(path)
    assert str(exc.value).startswith(str(path) + expected), str(exc.value)


def test_sweep_files_are_told_from_scenarios(tmp_path):
    assert is_sweep_file(EXAMPLE)
    assert not is_sweep_file(SMALL)
    assert not is_sweep_file(tmp_path / "missing.yaml")


def test_the_example_sweep_file_loads_and_runs():
    spec = load_sweep(EXAMPLE)
    assert spec.scenario == ROOT / "scenarios" / "baseline.yaml"
    assert spec.design.kind == "grid" and len(spec.design.points) == 4 * 3
    assert len(prepare(spec.scenario, spec.design, spec.overrides, spec.kpi)) == 12
    sr = run_file(EXAMPLE, replications=1)
    lost = sr.summary("owner_units_lost").col("value")
    assert lost[-3] > lost[0]  # reserving half the line costs GWM more than a fifth
