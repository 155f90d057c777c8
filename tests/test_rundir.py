"""The run directory: what `write` puts there, `read` gives back, without simulating again."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim import rundir
from sim.output import OutputExists


def test_a_written_run_reads_back_the_same(small, tmp_path):
    results = sim.run(small, replications=2)
    out = rundir.write(results, tmp_path / "run")
    again = rundir.read(out)
    for name, array in vars(results).items():
        if isinstance(array, np.ndarray):
            assert np.array_equal(getattr(again, name), array), name
    assert again.reference.keys() == results.reference.keys()
    assert [k.as_json(small.meta.start_date) for k in again.kpis()] == json.loads((out / "kpis.json").read_text())
    assert json.loads((out / "manifest.json").read_text())["version"] == sim.__version__


def test_an_existing_directory_is_kept_unless_forced(small, tmp_path):
    results = sim.run(small, replications=1)
    out = rundir.write(results, tmp_path / "run")
    with pytest.raises(OutputExists):
        rundir.write(results, out)
    with pytest.raises(rundir.NotARunDir):
        rundir.read(tmp_path)


def test_files_keep_the_precision_of_their_units_and_the_kpis_as_csv(small, tmp_path):
    import csv

    results = sim.run(small, replications=2)
    out = rundir.write(results, tmp_path / "run")
    for row in csv.DictReader((out / "products.csv").open()):
        assert len(row["value"].partition(".")[2]) <= 1, row  # vehicles to a tenth
    shares = [r["value"] for r in csv.DictReader((out / "lines.csv").open()) if r["metric"] == "oee"]
    assert shares and all(len(v.lstrip("0.").replace(".", "")) <= 4 for v in shares), shares
    kpis = {r["key"]: r for r in csv.DictReader((out / "kpis.csv").open())}
    sop = {k.key: k for k in results.kpis()}["sop_p50"]
    assert kpis["sop_p50"]["value"] == sop.value.isoformat() and kpis["sop_p50"]["unit"] == "date"
    assert float(kpis["owner_units"]["value"]) == pytest.approx(results.built[:, 0].sum(axis=1).mean(), abs=0.05)
    assert "kpis.csv" in json.loads((out / "manifest.json").read_text())["tables"]


def test_parquet_holds_the_same_tables_when_pyarrow_is_installed(small, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is optional (pip install 'sim[parquet]')")
    results = sim.run(small, replications=2)
    out = rundir.write(results, tmp_path / "run", parquet=True)
    products = pq.read_table(out / "products.parquet")
    assert products.num_rows == len(results.table("products"))
    assert products.column_names == list(results.table("products").columns)
    assert (out / "kpis.parquet").exists()


def test_a_comparison_and_a_sweep_read_back_the_same(small, tmp_path):
    from sim.experiment.compare import compare
    from sim.experiment.sweep import grid, sweep
    from tests.conftest import DATA

    comparison = compare([small, small], replications=2, names=["a", "b"])
    rundir.save_comparison(comparison, tmp_path / "cmp")
    again = rundir.load_comparison(tmp_path / "cmp")
    assert again.names == ["a", "b"] and again.differences() == comparison.differences()
    swept = sweep(DATA / "small.yaml", grid({"contract.reserved_share": ["0.2", "0.4"]}), replications=1)
    swept.description = "why"
    rundir.save_sweep(swept, tmp_path / "sw")
    back = rundir.load_sweep(tmp_path / "sw")
    assert (back.design, back.settings, back.description, back.kpi) == (
        swept.design,
        swept.settings,
        "why",
        swept.kpi,
    )
    assert [k.as_json() for k in back.results[1].kpis()] == [k.as_json() for k in swept.results[1].kpis()]


def test_a_derived_array_cached_on_the_results_is_not_saved_as_one_of_its_fields(small, tmp_path):
    """A cached property (rated_jph) lives in the object's dict once computed; the run directory keeps
    only the fields, so reading it back works."""
    results = sim.run(small, replications=1)
    assert results.rated_jph.shape[0] == 1  # computed and cached, as the report does
    again = rundir.read(rundir.write(results, tmp_path / "run"))
    assert np.array_equal(again.rated_jph, results.rated_jph)
    rundir.save(results, tmp_path / "saved")
    assert np.array_equal(rundir.load(tmp_path / "saved").built, results.built)


def test_a_run_whose_tables_were_read_writes_and_reads_back(small, tmp_path):
    # Derived arrays (the month's rated speeds, the OEE split) are not results to save.
    results = sim.run(small, replications=1)
    results.line_metrics()
    again = rundir.read(rundir.write(results, tmp_path / "run"))
    assert np.array_equal(again.rated_jph, results.rated_jph)


def test_the_resolved_scenario_is_the_same_yaml_with_or_without_libyaml(small):
    import yaml

    from sim.scenario import parse

    text = rundir.scenario_yaml(small)
    data = small.model_dump(mode="json", exclude_none=True)
    assert text == yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    assert parse(text, "scenario.yaml").digest() == small.digest()
