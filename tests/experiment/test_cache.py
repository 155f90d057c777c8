"""The result cache, interrupted runs and failing replications."""

import shutil
import signal
import threading
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment import cache, replication
from sim.experiment.cache import Cache
from sim.experiment.replication import ReplicationFailed
from tests.conftest import DATA


def invoke(*args: str):
    from click.testing import CliRunner

    from sim.cli import main

    return CliRunner().invoke(main, list(args))


ARRAYS = ["built", "demand", "lost", "down_hours", "sop"]


def counting(monkeypatch) -> list[int]:
    """Count the replications actually simulated (by their main run, not their counterfactuals)."""
    calls: list[int] = []
    real = replication.build

    def wrapped(scenario, streams, record, setup, fidelity, **options):
        if scenario.contract is not None and scenario.without_chip_disruptions() is not scenario:
            calls.append(1)  # the main run: it has both the contract and the disruptions
        elif scenario.contract is not None and scenario.supply is None:
            calls.append(1)  # the main run of a scenario without chips
        return real(scenario, streams, record, setup, fidelity, **options)

    monkeypatch.setattr(replication, "build", wrapped)
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
    real = replication.build

    def broken(scenario, streams, record, setup, fidelity, **options):
        if streams.program.bit_generator.seed_seq.spawn_key[0] == 3:
            raise ZeroDivisionError("boom")
        return real(scenario, streams, record, setup, fidelity, **options)

    monkeypatch.setattr(replication, "build", broken)
    with pytest.raises(ReplicationFailed, match=r"replication 3 \(seed 7\) failed: ZeroDivisionError: boom"):
        sim.run(s, replications=5)
    # It can be rerun alone, with the same streams as in the full run.
    monkeypatch.setattr(replication, "build", real)
    alone = sim.run(s, replications=1, first=3)
    assert np.array_equal(alone.sop, sim.run(s, replications=5).sop[3:4])
    assert list(alone.table("replications").col("replication")) == [3]


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flipped":  # one byte in the middle of the arrays
        i = len(data) // 2
        path.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :])
    else:
        path.write_bytes(b"not a numpy file")


@pytest.mark.parametrize("how", ["truncated", "empty", "flipped", "garbage"])
def test_a_damaged_cache_entry_is_discarded_with_a_warning_and_computed_again(how, tmp_path, monkeypatch, capsys):
    # Through the command line: the run succeeds, says so in one line, and the entry is healed.
    monkeypatch.setenv("SIM_CACHE", str(tmp_path / "cache"))
    small = str(DATA / "small.yaml")
    assert invoke("run", small, "-n", "2", "-q", "--out", str(tmp_path / "a")).exit_code == 0
    s = sim.load(small)
    damage(Cache(s, s.meta.seed, "batch").path(1), how)
    result = invoke("run", small, "-n", "2", "-q", "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "discarded the damaged cache entry" in warnings[0] and "1.npz" in warnings[0]
    assert (tmp_path / "a" / "kpis.json").read_text() == (tmp_path / "b" / "kpis.json").read_text()
    again = invoke("run", small, "-n", "2", "-q", "--out", str(tmp_path / "c"))
    assert "warning" not in again.output  # recomputed and stored again
    assert "2 replications, 2 from the cache, in" in again.output


def test_an_entry_of_another_replication_copied_into_place_is_not_used(tmp_path):
    s = sim.load(DATA / "small.yaml")
    store = Cache(s, s.meta.seed, "batch", root=tmp_path)
    first = sim.run(s, replications=3, cache=store)
    shutil.copyfile(store.path(0), store.path(2))
    warned: list[str] = []
    store = Cache(s, s.meta.seed, "batch", root=tmp_path, warn=warned.append)
    again = sim.run(s, replications=3, cache=store)
    assert np.array_equal(again.built, first.built)
    assert len(warned) == 1 and f"written for {store.key(0)}" in warned[0]


def test_a_cache_that_cannot_be_written_is_switched_off_and_the_run_goes_on(tmp_path, monkeypatch):
    import errno
    import os

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    monkeypatch.setenv("SIM_CACHE", str(tmp_path / "cache"))
    result = invoke("run", str(DATA / "small.yaml"), "-n", "3", "-q", "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1  # once, not once per replication
    assert warnings[0].startswith(f"warning: the result cache is off for this run: cannot write {tmp_path / 'cache'}")
    assert warnings[0].endswith("(No space left on device)")
    assert not list((tmp_path / "cache").rglob("*.npz")) and not list((tmp_path / "cache").rglob("*.tmp"))


def test_ctrl_c_while_an_entry_is_written_waits_until_it_is_whole(tmp_path, monkeypatch):
    # Ctrl-C halfway through writing an entry: the entry is finished, then the run is
    # interrupted (not failed by the zip writer's cleanup), and no temporary file is left.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    s = sim.load(DATA / "small.yaml")
    store = Cache(s, s.meta.seed, "batch", root=tmp_path)
    [rep] = replication.replicate(s, s.meta.seed, [0])
    real = np.savez

    def interrupted(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)  # as a terminal's Ctrl-C, delivered here
        real(*args, **kwargs)

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.put(rep)
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C's own handler again
    kept = store.get(0)
    assert kept is not None and np.array_equal(kept.arrays["built"], rep.arrays["built"])
    assert not list(tmp_path.rglob("*.tmp"))


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
