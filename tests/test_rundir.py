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
