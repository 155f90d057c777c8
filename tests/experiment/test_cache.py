"""The result cache, interrupted runs and failing replications."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment import cache, replication
from sim.experiment.cache import Cache
from sim.experiment.replication import ReplicationFailed
from tests.conftest import DATA

ARRAYS = ["built", "demand", "lost", "down_hours", "sop"]


def counting(monkeypatch) -> list[int]:
    """Count the replications actually simulated (by their main run, not their counterfactuals)."""
    calls: list[int] = []
    real = replication.simulate

    def wrapped(scenario, streams, record, setup, fidelity, **options):
        if scenario.contract is not None and scenario.without_chip_disruptions() is not scenario:
            calls.append(1)  # the main run: it has both the contract and the disruptions
        elif scenario.contract is not None and scenario.supply is None:
            calls.append(1)  # the main run of a scenario without chips
        return real(scenario, streams, record, setup, fidelity, **options)

    monkeypatch.setattr(replication, "simulate", wrapped)
    return calls


def test_the_cache_computes_only_what_is_missing(monkeypatch):
    s = sim.load(DATA / "dynamics.yaml")
    plain = sim.run(s, replications=5)
    calls = counting(monkeypatch)
    sim.run(s, replications=3, cache=True)
    assert len(calls) == 3
    more = sim.run(s, replications=5, cache=True)
    assert len(calls) == 5  # only replications 3 and 4 were new
    again = sim.run(
        s.model_copy(update={"meta": s.meta.model_copy(update={"name": "renamed"})}), replications=5, cache=True
    )
    assert len(calls) == 5  # a new name is the same model
    for name in ARRAYS:
        assert np.array_equal(getattr(plain, name), getattr(more, name)), name
        assert np.array_equal(getattr(plain, name), getattr(again, name)), name


def test_another_seed_or_model_is_another_cache_entry(monkeypatch):
    s = sim.load(DATA / "small.yaml")
    calls = counting(monkeypatch)
    sim.run(s, replications=2, cache=True)
    sim.run(s, replications=2, seed=99, cache=True)
    sim.run(sim.load(DATA / "small.yaml", ["contract.reserved_share=0.5"]), replications=2, cache=True)
    assert len(calls) == 6


def test_an_interrupted_run_resumes_to_the_same_results(monkeypatch):
    s = sim.load(DATA / "dynamics.yaml")
    whole = sim.run(s, replications=6)
    seen = []

    def stop_after_two(k: int) -> None:
        seen.append(k)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(s, replications=6, cache=True, progress=stop_after_two)
    calls = counting(monkeypatch)
    resumed = sim.run(s, replications=6, cache=True)
    assert len(calls) == 4  # the two finished before the interrupt were kept
    for name in ARRAYS:
        assert np.array_equal(getattr(whole, name), getattr(resumed, name)), name


def test_a_failing_replication_names_its_index_and_seed(monkeypatch):
    s = sim.load(DATA / "small.yaml")
    real = replication.simulate

    def broken(scenario, streams, record, setup, fidelity, **options):
        if streams.program.bit_generator.seed_seq.spawn_key[0] == 3:
            raise ZeroDivisionError("boom")
        return real(scenario, streams, record, setup, fidelity, **options)

    monkeypatch.setattr(replication, "simulate", broken)
    with pytest.raises(ReplicationFailed, match=r"replication 3 \(seed 7\) failed: ZeroDivisionError: boom"):
        sim.run(s, replications=5)
    # It can be rerun alone, with the same streams as in the full run.
    monkeypatch.setattr(replication, "simulate", real)
    alone = sim.run(s, replications=1, first=3)
    assert np.array_equal(alone.sop, sim.run(s, replications=5).sop[3:4])
    assert list(alone.table("replications").col("replication")) == [3]


def test_a_damaged_cache_entry_is_computed_again():
    s = sim.load(DATA / "small.yaml")
    sim.run(s, replications=2, cache=True)
    cache = Cache(s, s.meta.seed, "batch")
    cache.path(1).write_bytes(b"not a numpy file")
    assert np.array_equal(sim.run(s, replications=2, cache=True).sop, sim.run(s, replications=2).sop)


@pytest.fixture
def fresh_digest():
    """The code digest computed anew in the test (as in a new process) and after it."""
    cache.code_digest.cache_clear()
    yield
    cache.code_digest.cache_clear()


@pytest.fixture
def package_copy(tmp_path, monkeypatch, fresh_digest):
    """A copy of the package's source, which the cache key is read from: edit it to upgrade the code."""
    copy = tmp_path / "sim"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    cache.code_digest.cache_clear()  # as a new process would


def test_changed_code_never_reuses_the_old_codes_results(monkeypatch, package_copy):
    s = sim.load(DATA / "small.yaml")
    sim.run(s, replications=2, cache=True)
    calls = counting(monkeypatch)
    sim.run(s, replications=2, cache=True)
    assert calls == []  # same code: both served from the cache
    # A default of the scenario layer: demand's coefficient of variation.
    edit(
        package_copy / "scenario" / "products.py",
        '0.0, ge=0, le=3, description="Coefficient',
        '0.1, ge=0, le=3, description="Coefficient',
    )
    sim.run(s, replications=2, cache=True)
    assert len(calls) == 2  # computed again
    # A module in a subpackage of the model.
    (package_copy / "model" / "vehicle").mkdir(exist_ok=True)
    (package_copy / "model" / "vehicle" / "new_rule.py").write_text('"""A new rule."""\n')
    cache.code_digest.cache_clear()
    sim.run(s, replications=2, cache=True)
    assert len(calls) == 4
    # A packaged template cannot change a result: still served from the cache.
    edit(package_copy / "scenario" / "templates" / "starter.yaml", "meta:", "# edited\nmeta:")
    sim.run(s, replications=2, cache=True)
    assert len(calls) == 4


def test_another_package_version_never_reuses_old_results(monkeypatch, fresh_digest):
    s = sim.load(DATA / "small.yaml")
    sim.run(s, replications=2, cache=True)
    calls = counting(monkeypatch)
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    cache.code_digest.cache_clear()
    sim.run(s, replications=2, cache=True)
    assert len(calls) == 2
