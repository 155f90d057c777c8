"""The command line: exit codes, files written, nothing written on bad input."""

import ast
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import DATA, ROOT

SMALL = str(DATA / "small.yaml")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_ok_and_bad(tmp_path):
    assert invoke("validate", SMALL).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "small.yaml").read_text().replace("jph: 60", "jhp: 60"))
    result = invoke("validate", SMALL, str(bad))
    assert result.exit_code == 2
    assert f"{bad}:17:" in result.output and "did you mean 'jph'" in result.output
    assert "Traceback" not in result.output


def test_validate_a_sweep_file_checks_every_point(tmp_path):
    shipped = str(ROOT / "scenarios" / "sweeps" / "reserve_and_assist.yaml")
    result = invoke("validate", shipped)
    assert result.exit_code == 0, result.output
    assert "sweep of baseline.yaml, 12 points" in result.output
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"scenario: {DATA / 'small.yaml'}\ngrid:\n  contract.reserved_share: [0.2, 1.5]\n")
    result = invoke("validate", str(sweep))
    assert result.exit_code == 2
    assert f"{sweep}: 1 of 2 sweep points are invalid" in result.output
    assert "sweep point 2 (contract.reserved_share=1.5)" in result.output
    sweep.write_text(f"scenario: {DATA / 'small.yaml'}\ngrdi:\n  contract.reserved_share: [0.2]\n")
    result = invoke("validate", str(sweep))
    assert result.exit_code == 2
    assert f"{sweep}:2:1: grdi: unknown field 'grdi'; did you mean 'grid'?" in result.output
    assert "Traceback" not in result.output


def test_a_study_file_given_to_run_or_sweep_says_which_command_runs_it(tmp_path):
    study = str(ROOT / "scenarios" / "studies" / "net_vs_units.yaml")
    for args in (["run", study, "--out", str(tmp_path / "run")], ["sweep", study]):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert "this is a study file, not a scenario: run it with `sim optimize" in result.output
    assert not (tmp_path / "run").exists()


def test_schema_is_json_with_every_section():
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert set(schema["properties"]) == {
        "extends",
        "meta",
        "plants",
        "products",
        "program",
        "contract",
        "supply",
        "owner_priority",
    }


def test_schema_file_in_docs_is_up_to_date():
    # Scenario files point editors at docs/scenario.schema.json; regenerate with `sim schema`.
    assert json.loads((ROOT / "docs" / "scenario.schema.json").read_text()) == json.loads(invoke("schema").output)


def test_run_writes_a_complete_run_directory(tmp_path):
    out = tmp_path / "run"
    result = invoke("run", SMALL, "-n", "3", "--seed", "11", "--workers", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert names == {
        "scenario.yaml",
        "manifest.json",
        "kpis.json",
        "results.npz",
        "report.html",
        "products.csv",
        "lines.csv",
        "program.csv",
        "replications.csv",
        "kpis.csv",
    }
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["replications"] == 3 and len(manifest["scenario_hash"]) == 16
    assert "SOP date, P50" in result.output and str(out / "report.html") in result.output
    kpis = {k["key"]: k for k in json.loads((out / "kpis.json").read_text())}
    assert kpis["sop_p50"]["value"].startswith("2022-")
    # The resolved scenario is itself a valid scenario with the same content.
    assert invoke("validate", str(out / "scenario.yaml")).exit_code == 0


def test_run_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "run"
    assert invoke("run", SMALL, "-n", "1", "--out", str(out)).exit_code == 0
    stamp = (out / "manifest.json").read_text()
    again = invoke("run", SMALL, "-n", "1", "--out", str(out))
    assert again.exit_code == 2 and "--force" in again.output
    assert (out / "manifest.json").read_text() == stamp
    assert invoke("run", SMALL, "-n", "2", "--out", str(out), "--force").exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["replications"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary leftovers


@pytest.mark.parametrize(
    "args",
    [
        ["run", "missing.yaml"],
        ["run", SMALL, "-n", "0"],
        ["run", SMALL, "-n", "many"],
        ["run", SMALL, "--seed", "-1"],
        ["run", SMALL, "--first", "99999999999999999999"],
        ["run", SMALL, "--workers", "0"],
        ["run", SMALL, "--executor", "cloud"],
        ["run", SMALL, "--executor", "dask"],
        ["run", SMALL, "--scheduler", "tcp://127.0.0.1:8786"],
        ["run", SMALL, "--bogus"],
        ["validate"],
        ["frobnicate"],
    ],
)
def test_bad_input_exits_2_without_traceback_or_files(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_invalid_scenario_leaves_no_run_directory(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "small.yaml").read_text().replace("seed: 7", "seed: seven"))
    out = tmp_path / "out"
    result = invoke("run", str(bad), "--out", str(out))
    assert result.exit_code == 2
    assert "bad.yaml:5:" in result.output and "meta.seed" in result.output
    assert not out.exists()


def test_python_dash_m_sim_works():
    done = subprocess.run([sys.executable, "-m", "sim", "validate", SMALL], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_run_at_vehicle_fidelity_records_it(tmp_path):
    out = tmp_path / "v"
    data = (DATA / "small.yaml").read_text().replace("end_date: 2022-12-31", "end_date: 2022-02-28")
    scenario = tmp_path / "short.yaml"
    scenario.write_text(data)
    result = invoke("run", str(scenario), "-n", "1", "--fidelity", "vehicle", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["fidelity"] == "vehicle"
    assert invoke("run", str(scenario), "--fidelity", "atoms").exit_code == 2


def test_run_takes_overrides_and_rejects_a_wrong_path(tmp_path):
    out = tmp_path / "o"
    result = invoke("run", SMALL, "-n", "1", "--set", "contract.reserved_share=0.5", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "reserved_share: 0.5" in (out / "scenario.yaml").read_text()
    bad = invoke("run", SMALL, "-n", "1", "--set", "contract.reserved_shar=0.5", "--out", str(tmp_path / "b"))
    assert bad.exit_code == 2 and "did you mean 'reserved_share'" in bad.output
    assert not (tmp_path / "b").exists()


def test_ctrl_c_keeps_finished_replications_and_says_how_to_resume(monkeypatch, tmp_path):
    import sim.experiment.replication as replication

    real, calls = replication.build, []

    def interrupted(scenario, streams, record, setup, fidelity, **options):
        calls.append(1)
        if len(calls) > 4:  # two replications (with their counterfactual) finish first
            raise KeyboardInterrupt
        return real(scenario, streams, record, setup, fidelity, **options)

    monkeypatch.setattr(replication, "build", interrupted)
    result = invoke("run", SMALL, "-n", "5", "--out", str(tmp_path / "run"))
    assert result.exit_code == 130
    assert "interrupted after 2 of 5 replications" in result.output and "run the same command again" in result.output
    assert not (tmp_path / "run").exists()
    monkeypatch.setattr(replication, "build", real)
    calls.clear()
    assert invoke("run", SMALL, "-n", "5", "--out", str(tmp_path / "run")).exit_code == 0


def test_a_failing_replication_prints_how_to_rerun_it(monkeypatch, tmp_path):
    import sim.experiment.replication as replication

    def broken(*args, **options):
        raise RuntimeError("model bug")

    monkeypatch.setattr(replication, "build", broken)
    result = invoke("run", SMALL, "-n", "3", "--no-cache", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert "replication 0 (seed 7) failed: RuntimeError: model bug" in result.output
    assert "--seed 7 --first 0 -n 1" in result.output


def test_compare_writes_differences_and_a_report(tmp_path):
    out = tmp_path / "cmp"
    other = tmp_path / "owner_first.yaml"
    other.write_text(f"extends: {DATA / 'small.yaml'}\ncontract:\n  customer: xiaomi\n  policy: owner_first\n")
    result = invoke("compare", SMALL, str(other), "-n", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"differences.csv", "compare.html", "manifest.json", "data"}
    assert "Own-brand units lost to sharing" in result.output and "owner_first" in result.output
    assert invoke("compare", SMALL).exit_code == 2  # one scenario is no comparison


def test_sweep_runs_a_grid_and_rejects_bad_points_before_work(tmp_path):
    out = tmp_path / "sw"
    result = invoke("sweep", SMALL, "--set", "contract.reserved_share=0.1,0.3", "-n", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"sweep.csv", "summary.csv", "sweep.html", "manifest.json", "data"}
    bad = invoke("sweep", SMALL, "--set", "contract.reserved_share=0.1,1.5", "-n", "2", "--out", str(tmp_path / "b"))
    assert bad.exit_code == 2 and "sweep point 2 (contract.reserved_share=1.5)" in bad.output
    assert not (tmp_path / "b").exists()
    assert invoke("sweep", SMALL, "-n", "2").exit_code == 2  # nothing to sweep


def test_a_huge_grid_is_refused_at_once_unless_allowed(tmp_path):
    import time

    values = ",".join(f"0.{i:03d}" for i in range(1, 51))  # 50 x 50 x 50 = 125,000 points
    axes = [f"contract.reserved_share={values}", f"program.engineering_assist={values}", f"meta.seed={values}"]
    began = time.monotonic()
    result = invoke("sweep", SMALL, *(a for axis in axes for a in ("--set", axis)), "--out", str(tmp_path / "s"))
    assert time.monotonic() - began < 5
    assert result.exit_code == 2
    assert "the grid has 125,000 points (50 x 50 x 50), more than the cap of 10,000" in result.output
    assert "--max-points 125000" in result.output and not (tmp_path / "s").exists()
    three = ["--set", "contract.reserved_share=0.1,0.2,0.3"]
    assert "more than the cap of 2" in invoke("sweep", SMALL, *three, "--max-points", "2").output
    result = invoke("sweep", SMALL, *three, "--max-points", "3", "-n", "2", "--out", str(tmp_path / "ok"))
    assert result.exit_code == 0, result.output
    assert "sweep: 3 points x 2 replications = 6 replications" in result.output


def test_sweep_file_runs(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        f"scenario: {DATA / 'small.yaml'}\nreplications: 2\nsensitivity:\n  program.engineering_assist: [0.8, 1.0]\n"
    )
    result = invoke("sweep", str(spec), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output


def test_a_horizon_ending_before_the_first_demand_runs_and_sweeps(tmp_path):
    # Both products' demand starts in 2023, after the 2022 horizon: nothing is wanted, so nothing is built.
    late = tmp_path / "late.yaml"
    text = (DATA / "small.yaml").read_text()
    text = text.replace('{"2022-01": 3000}', '{"2023-03": 3000}')
    late.write_text(text.replace("{units_per_month: 12000}", '{units_per_month: 12000, first_month: "2023-02"}'))
    out = tmp_path / "run"
    result = invoke("run", str(late), "-n", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "report.html").stat().st_size > 100_000
    kpis = {k["key"]: k["value"] for k in json.loads((out / "kpis.json").read_text())}
    assert kpis["contract_units_2022"] == kpis["contract_fees_rmb"] == kpis["owner_units"] == 0
    # A sweep over the horizon's end: the first point ends before the first demand month.
    swept = tmp_path / "sw"
    result = invoke("sweep", str(late), "--set", "meta.end_date=2022-06-30,2023-06-30", "-n", "2", "--out", str(swept))
    assert result.exit_code == 0, result.output
    summary = (swept / "summary.csv").read_text().splitlines()
    assert "1,2022-06-30,contract_units_2022,vehicles,mean,0,0,0" in summary
    units_2023 = next(row for row in summary if row.startswith("2,2023-06-30,contract_units_2023,"))
    assert float(units_2023.split(",")[5]) > 0


def test_report_redraws_a_run_directory_without_simulating(tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert invoke("run", SMALL, "-n", "2", "--out", str(out)).exit_code == 0
    (out / "report.html").unlink()
    import sim.experiment.replication as replication

    monkeypatch.setattr(replication, "build", lambda *a, **k: 1 / 0)  # any simulation would fail
    result = invoke("report", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "report.html").stat().st_size > 100_000
    elsewhere = invoke("report", str(out), "--out", str(tmp_path / "again.html"))
    assert elsewhere.exit_code == 0 and (tmp_path / "again.html").exists()


def test_report_refuses_what_is_not_a_run_directory(tmp_path):
    assert invoke("report", str(tmp_path)).exit_code == 2
    assert "not a run directory" in invoke("report", str(tmp_path)).output
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text('{"package": "sim", "version": "0.0.1", "scenario_hash": "x"}')
    result = invoke("report", str(old))
    assert result.exit_code == 2 and "cannot read" in result.output and "Traceback" not in result.output


def test_new_writes_a_valid_starter_and_never_overwrites(tmp_path):
    result = invoke("new", "my_plant", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "my_plant.yaml"
    assert "name: my_plant" in path.read_text() and "# facts:" in path.read_text()
    assert (tmp_path / "scenario.schema.json").exists()
    assert invoke("validate", str(path)).exit_code == 0
    again = invoke("new", "my_plant", "--dir", str(tmp_path))
    assert again.exit_code == 2 and "already exists" in again.output
    assert invoke("new", "bad name", "--dir", str(tmp_path)).exit_code == 2


def test_the_starter_template_is_the_baseline():
    from sim.scenario.starter import template

    assert template() == (ROOT / "scenarios" / "baseline.yaml").read_text()


def test_docs_cli_reference_is_up_to_date():
    from sim.cli_reference import markdown

    # Regenerate with: python -m sim.cli_reference > docs/cli.md
    assert (ROOT / "docs" / "cli.md").read_text() == markdown()


def _imports_of(*commands: list[str], heavy: tuple[str, ...]) -> tuple[list[str], str]:
    """(the `heavy` modules imported, the output) of running `commands` in a fresh interpreter."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from sim.cli import main\n"
        f"out = ''.join(CliRunner().invoke(main, args).output for args in {list(commands)!r})\n"
        f"print(repr(([m for m in {heavy!r} if m in sys.modules], out)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(done.stdout)


def test_help_and_version_import_neither_the_model_nor_pydantic():
    # Start-up (issue 14): `sim --help` must not pay for numpy, pydantic, plotly or the model.
    heavy = ("numpy", "pydantic", "plotly", "simpy", "sim.model", "sim.scenario")
    imported, out = _imports_of(["--help"], ["--version"], heavy=heavy)
    assert imported == [] and "Usage" in out and "sim, version" in out


@pytest.mark.parametrize("off", [False, True])
def test_the_collector_is_off_while_the_commands_import_and_their_modules_are_frozen(off):
    # Start-up (issue 14): the collector's passes over the objects imports make cost ~15% of it.
    code = (
        "import gc, sys\n"
        "seen = []\n"
        "class Spy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        seen.append(gc.isenabled()) if name == 'sim.rundir' else None\n"
        "sys.meta_path.insert(0, Spy())\n"
        f"{'gc.disable()' if off else ''}\n"
        "import sim.cli\n"
        "sim.cli._load()\n"
        "print(seen, gc.isenabled(), gc.get_freeze_count() > 1000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[False]", str(not off), "True"]  # the caller's setting kept


def test_validate_imports_neither_numpy_plotly_simpy_nor_the_simulation():
    # Start-up (issue 14): checking a scenario needs the scenario layer only.
    heavy = ("numpy", "plotly", "simpy", "sim.experiment", "sim.results", "sim.report", "sim.model.batch")
    imported, out = _imports_of(["validate", str(SMALL)], heavy=heavy)
    assert imported == [] and out.startswith("ok:")


def test_invalid_input_still_exits_2_when_the_reader_of_its_messages_is_gone(tmp_path):
    # `sim validate *.yaml 2>&1 | head`: stderr's reader may be gone before the messages are
    # written; the verdict stays exit 2 (not an internal error's 1), with no traceback.
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "small.yaml").read_text().replace("jph: 60", "jhp: 60"))
    read, write = os.pipe()
    os.close(read)  # every write to stderr now fails with a broken pipe
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sim", "validate", str(bad)], stdout=subprocess.DEVNULL, stderr=write
        )
    finally:
        os.close(write)
    assert done.returncode == 2


def test_output_cut_short_by_its_reader_ends_quietly():
    # `sim run ... | head`: the reader goes away mid-output (more than a pipe's buffer); a guarded
    # command ends with exit 0, no traceback and no "internal error".
    code = (
        "import click\n"
        "from sim.cli import guarded\n"
        "@click.command()\n"
        "@guarded\n"
        "def big():\n"
        "    for _ in range(20_000):\n"
        "        click.echo('x' * 100)\n"
        "big()\n"
    )
    done = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -c \"$0\" | head -c 10 > /dev/null", code],
        capture_output=True,
        text=True,
    )
    assert done.stderr == ""
