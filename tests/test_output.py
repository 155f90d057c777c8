"""Output folders: claimed before the work, never clobbering, nothing left half-written."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import output
from sim.cli import main
from sim.output import Output, OutputError, OutputExists
from tests.conftest import DATA

SMALL = str(DATA / "small.yaml")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def sim_folder(path, **extra) -> None:
    path.mkdir()
    (path / "manifest.json").write_text(json.dumps({"package": "sim", **extra}))


def no_simulation(monkeypatch) -> None:
    """Fail the test if anything is simulated: output problems must show before the work."""
    import sim.experiment.replication as replication

    def never(*args, **kwargs):
        raise AssertionError("simulated although the output folder is unusable")

    monkeypatch.setattr(replication, "build", never)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -- replacing ----------------------------------------------------------------------------------------
def test_force_never_replaces_a_folder_sim_did_not_write(tmp_path, monkeypatch):
    # A planner's folder holding the scenario itself and notes: --force must leave it alone.
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(Path(SMALL).read_text())
    (folder / "notes.txt").write_text("keep me")
    no_simulation(monkeypatch)
    result = invoke("run", str(folder / "scenario.yaml"), "-n", "1", "--out", str(folder), "--force")
    assert result.exit_code == 2 and "not written by sim" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "scenario.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_force_replaces_a_folder_sim_wrote(tmp_path):
    sim_folder(tmp_path / "run", command="sweep")
    result = invoke("run", SMALL, "-n", "1", "--out", str(tmp_path / "run"), "--force", "-q")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["replications"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_the_current_folder_is_never_an_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    no_simulation(monkeypatch)
    assert "already exists" in invoke("run", SMALL, "--out", ".").output
    sim_folder(tmp_path / "old")
    monkeypatch.chdir(tmp_path / "old")
    result = invoke("run", SMALL, "--out", ".", "--force")
    assert result.exit_code == 2 and "holds the current folder" in result.output


# -- two commands, one folder ---------------------------------------------------------------------------
def test_a_folder_another_live_command_is_writing_is_refused(tmp_path, monkeypatch):
    # A live process holds the lock (as a `sim run` still simulating does): the second run is refused.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / ".run.lock").write_text(f"{sleeper.pid}\n")
        no_simulation(monkeypatch)
        result = invoke("run", SMALL, "--out", str(tmp_path / "run"))
        assert result.exit_code == 2
        assert f"another sim command (process {sleeper.pid}) is writing" in result.output
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not (tmp_path / "run").exists()


def test_a_claim_excludes_a_second_claim_until_released(tmp_path):
    first = Output(tmp_path / "run")
    with pytest.raises(OutputExists, match="is writing"):
        # Same process id here, so the holder is alive by definition.
        Output(tmp_path / "run")
    first.release()
    second = Output(tmp_path / "run")
    second.fill(lambda tmp: (tmp / "manifest.json").write_text('{"package": "sim"}'))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    with pytest.raises(OutputExists, match="already exists"):
        Output(tmp_path / "run")


def test_what_a_killed_command_left_is_cleaned_by_the_next(tmp_path):
    gone = dead_pid()
    (tmp_path / f".run.partial-{gone}-abc123").mkdir()
    (tmp_path / f".run.partial-{gone}-abc123" / "products.csv").write_text("half")
    (tmp_path / ".run.lock").write_text(f"{gone}\n")
    (tmp_path / ".other.lock").write_text(f"{gone}\n")
    alive = tmp_path / f".x.partial-{os.getpid()}-keep"  # a live process's work is kept
    alive.mkdir()
    Output(tmp_path / "run").fill(lambda tmp: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "run"]


# -- where it cannot write ----------------------------------------------------------------------------
def test_an_output_under_a_file_is_refused_before_simulating(tmp_path, monkeypatch):
    (tmp_path / "file.txt").write_text("x")
    no_simulation(monkeypatch)
    result = invoke("run", SMALL, "--out", str(tmp_path / "file.txt" / "run"))
    assert result.exit_code == 2 and "file.txt is a file, not a folder" in result.output
    result = invoke("run", SMALL, "--out", str(tmp_path / "file.txt"), "--force")
    assert result.exit_code == 2 and "file.txt' is a file" in result.output  # click's own check
    with pytest.raises(OutputError, match="exists and is not a folder"):
        Output(tmp_path / "file.txt", force=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_place_is_refused_before_simulating(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    no_simulation(monkeypatch)
    result = invoke("run", SMALL, "--out", str(locked / "run"))
    assert result.exit_code == 2 and "is not writable" in result.output


def test_a_full_disk_names_the_folder_and_leaves_nothing(tmp_path, monkeypatch):
    import sim.report

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x"))

    monkeypatch.setattr(sim.report, "write", full)
    result = invoke("run", SMALL, "-n", "1", "-q", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert f"cannot write {tmp_path / 'run'}: No space left on device" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_exit_code_says_whose_problem_a_failed_write_is(tmp_path):
    assert output._failed(tmp_path, OSError(errno.EACCES, "Permission denied")).exit_code == 2
    assert output._failed(tmp_path, OSError(errno.ENOSPC, "No space left on device")).exit_code == 1
    with pytest.raises(OutputError) as raised:
        Output(tmp_path / "run").fill(lambda tmp: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    assert raised.value.exit_code == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("how", ["plain", "hidden"])
def test_ctrl_c_while_the_run_directory_is_written_leaves_nothing_and_exits_130(tmp_path, monkeypatch, how):
    # Ctrl-C in the middle of writing the folder; "hidden": it lands inside a zip writer, whose
    # cleanup then fails with an error of its own (numpy's savez), which must not pass for an
    # internal error.
    import sim.rundir as rundir

    def interrupted(results, folder):
        try:
            raise KeyboardInterrupt
        finally:
            if how == "hidden":
                raise ValueError("Can't close the ZIP file while there is an open writing handle on it.")

    monkeypatch.setattr(rundir, "_save_arrays", interrupted)
    result = invoke("run", SMALL, "-n", "2", "--no-cache", "--out", str(tmp_path / "run"))
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output and "internal error" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_leaves_neither_folder_nor_lock(tmp_path, monkeypatch):
    import sim.experiment.replication as replication

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(replication, "build", interrupted)
    result = invoke("run", SMALL, "-n", "2", "--out", str(tmp_path / "run"))
    assert result.exit_code == 130
    assert list(tmp_path.iterdir()) == []
