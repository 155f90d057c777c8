"""One replication and its counterfactuals: what they book, and what they leave of the
interpreter's state."""

import gc

import numpy as np
import pytest

import sim
from sim.experiment import replication
from sim.experiment.replication import Prepared, ReplicationFailed, replicate
from tests.conftest import DATA, ROOT

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


@pytest.mark.parametrize("name", ["baseline", "shops"])
def test_counterfactuals_that_book_only_what_they_build_give_the_same_references(name, monkeypatch):
    prepared = Prepared.of(sim.load(ROOT / "scenarios" / f"{name}.yaml"))
    lean = replicate(prepared, 4, [0, 1])
    real = replication.build
    monkeypatch.setattr(replication, "build", lambda *args, **kwargs: real(*args, **(kwargs | {"built_only": False})))
    whole = replicate(prepared, 4, [0, 1])
    for a, b in zip(lean, whole, strict=True):
        assert a.reference.keys() == b.reference.keys() == {"without_contract", "without_chip_disruptions"}
        for key in a.reference:
            assert np.array_equal(a.reference[key], b.reference[key]), key
