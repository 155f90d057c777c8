"""Executors: the local pool and a real Dask cluster give the same results as one process."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.executors import ExecutorError
from tests.conftest import DATA, ROOT

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


# -- interrupts and lost workers, through the real command line -------------------------------------------
def children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def started_with_workers(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    """`sim run` of many baseline replications on 2 workers, once both workers are busy."""
    env = os.environ | {"SIM_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "sim", "run", str(ROOT / "scenarios" / "baseline.yaml"), "-n", "200"]
    command += ["--workers", "2", "-q", "--out", str(tmp_path / "run")]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    assert until(lambda: len(list((tmp_path / "cache").rglob("*.npz"))) >= 1, 60), "no replication finished"
    return process, children(process.pid)


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs Linux /proc")
def test_ctrl_c_with_two_workers_stops_at_once_and_keeps_what_finished(tmp_path):
    process, workers = started_with_workers(tmp_path)
    assert len(workers) >= 2
    began = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    output, _ = process.communicate(timeout=30)
    stopped = time.monotonic() - began
    assert process.returncode == 130, output
    assert stopped < 2.0, f"took {stopped:.1f} s to stop"
    assert b"interrupted after" in output and b"Traceback" not in output
    assert len(list((tmp_path / "cache").rglob("*.npz"))) >= 1  # finished replications are kept
    assert until(lambda: not alive(workers), 2.0)
    assert not (tmp_path / "run").exists() and not list(tmp_path.glob(".run*"))


#: A pool whose workers spend their time sending large results, interrupted by Ctrl-C.
SENDING = """
import os, signal, sys, threading
from sim.experiment import executors

def work(chunk):
    return bytes(50_000_000)  # a result that takes a while to send: Ctrl-C finds a worker sending

if __name__ == "__main__":
    threading.Timer(0.8, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    try:
        for _ in executors._local(work, [[i] for i in range(100)], (), 2):
            pass
    except KeyboardInterrupt:
        sys.exit(130)
"""


def test_ctrl_c_while_a_worker_sends_its_result_still_exits_at_once(tmp_path):
    # A worker ended halfway through sending left the pool's manager thread waiting for the rest
    # of the result, and Python's exit waiting for that thread: for ever (seen once in CI).
    script = tmp_path / "sending.py"
    script.write_text(SENDING)
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script)], env=os.environ | {"PYTHONPATH": str(ROOT)}, capture_output=True, timeout=30
    )
    assert done.returncode == 130, done.stderr.decode()[-2000:]
    assert time.monotonic() - began < 15


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs Linux /proc")
def test_workers_die_with_their_parent(tmp_path):
    process, workers = started_with_workers(tmp_path)
    assert len(workers) >= 2
    process.kill()  # only the parent, outright
    process.wait(timeout=10)
    assert until(lambda: not alive(workers), 3.0), f"workers still alive: {alive(workers)}"


def test_a_dask_cluster_without_workers_is_given_up_after_the_wait(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed")
    from click.testing import CliRunner

    from sim.cli import main

    monkeypatch.setenv("SIM_DASK_WAIT", "1")
    monkeypatch.setenv("SIM_CACHE", str(tmp_path / "cache"))
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as cluster:
        began = time.monotonic()
        args = ["run", str(DATA / "small.yaml"), "-n", "2", "-q", "--out", str(tmp_path / "run")]
        result = CliRunner().invoke(main, [*args, "--executor", "dask", "--scheduler", cluster.scheduler_address])
        waited = time.monotonic() - began
    assert result.exit_code == 1, result.output
    assert f"no Dask worker at {cluster.scheduler_address} for 1 s" in result.output
    assert "0 of 2 replications finished" in result.output and "Traceback" not in result.output
    assert waited < 15
    assert not (tmp_path / "run").exists()
