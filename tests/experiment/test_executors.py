"""Executors: the local pool and a real Dask cluster give the same results as one process."""

import re

import numpy as np
import pytest

import sim
from sim.experiment.executors import ExecutorError
from tests.conftest import DATA

ARRAYS = ["built", "demand", "lost", "scrap", "down_hours", "changeover_hours", "sop"]


def same(a, b) -> None:
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in a.reference:
        assert np.array_equal(a.reference[name], b.reference[name]), name


def test_dask_local_cluster_gives_the_local_results():
    distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed")
    s = sim.load(DATA / "dynamics.yaml")
    local = sim.run(s, replications=5)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        remote = sim.run(s, replications=5, executor="dask", scheduler=cluster.scheduler_address)
    same(local, remote)


def test_unreachable_scheduler_is_a_clear_error_within_a_short_timeout(monkeypatch):
    pytest.importorskip("distributed", reason="the Dask extra is not installed")
    from sim.experiment import executors

    monkeypatch.setattr(executors, "CONNECT_SECONDS", 1)
    s = sim.load(DATA / "small.yaml")
    with pytest.raises(ExecutorError, match=re.escape("tcp://127.0.0.1:9")):
        sim.run(s, replications=2, executor="dask", scheduler="tcp://127.0.0.1:9")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"executor": "cloud"}, "unknown executor 'cloud'"),
        ({"executor": "dask"}, "needs --scheduler"),
        ({"scheduler": "tcp://127.0.0.1:8786"}, "needs --executor dask"),
    ],
)
def test_bad_executor_options(kwargs, words):
    s = sim.load(DATA / "small.yaml")
    with pytest.raises(ExecutorError, match=words):
        sim.run(s, replications=2, **kwargs)
