"""One replication and its counterfactuals: what it leaves of the interpreter's state."""

import gc

import pytest

import sim
from sim.experiment import replication
from sim.experiment.replication import Prepared, ReplicationFailed, replicate
from tests.conftest import DATA

SMALL = DATA / "small.yaml"


@pytest.fixture
def collector():
    """Restore the garbage collector's state after the test, whatever it did."""
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_while_a_replication_runs_and_on_after(collector, monkeypatch):
    seen = []
    real = replication.build

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(replication, "build", spy)
    gc.enable()
    replicate(Prepared.of(sim.load(SMALL)), 1, [0, 1])
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_failing_replication(collector, monkeypatch):
    monkeypatch.setattr(replication, "build", lambda *a, **k: 1 / 0)
    gc.enable()
    with pytest.raises(ReplicationFailed):
        replicate(Prepared.of(sim.load(SMALL)), 1, [0])
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(collector):
    gc.disable()
    replicate(Prepared.of(sim.load(SMALL)), 1, [0])
    assert not gc.isenabled()
