"""Input that would hang the command line or exhaust its memory, and inputs it must refuse, tried
through the real command line (issue 12).

Each must exit 2 within seconds, name the file and never show a traceback. The subprocesses run
under a timeout and an address-space limit, so that a regression fails the test instead of
hanging the suite or eating the machine's memory.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError
from sim.scenario.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, top_level_keys
from tests.conftest import DATA, ROOT

SMALL = (DATA / "small.yaml").read_text()
BAD = ROOT / "tests" / "data" / "bad"
#: The address space a `sim` subprocess may use: ample for sim, small enough that a runaway read stops.
MEMORY_LIMIT = 3 * 2**30

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def sim_cli(*args: str | Path, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`sim ARGS` in a subprocess, bounded in time and memory."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def assert_refused(proc: subprocess.CompletedProcess, file: str | Path, *words: str) -> str:
    """Exit 2, no traceback, a message naming `file` and saying `words`; returns stderr."""
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert str(file) in proc.stderr, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    return proc.stderr


def run_refused(tmp_path: Path, scenario: Path, *args: str) -> subprocess.CompletedProcess:
    """`sim run` that must be refused before anything is written."""
    out = tmp_path / "run"
    proc = sim_cli("run", scenario, "--out", out, "-n", "1", "--no-cache", *args, cwd=tmp_path)
    assert not out.exists()
    return proc


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


# --- files that are not regular files ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "run", "sweep"])
def test_fifo_as_the_scenario_is_refused_without_waiting(tmp_path: Path, fifo: Path, command: str):
    args = ["--out", tmp_path / "run", "-n", "1"] if command != "validate" else []
    args += ["--set", "contract.reserved_share=0.1,0.2"] if command == "sweep" else []
    proc = sim_cli(command, fifo, *args, cwd=tmp_path, timeout=15)
    assert_refused(proc, fifo, "FIFO", "not a regular file")


def test_fifo_as_the_extends_target_is_refused_without_waiting(tmp_path: Path, fifo: Path):
    child = tmp_path / "child.yaml"
    child.write_text("meta: {seed: 1}\nextends: pipe.yaml\n")
    proc = sim_cli("validate", child, cwd=tmp_path, timeout=30)
    assert_refused(proc, f"{child}:2:1: extends: cannot read the parent scenario", "FIFO", str(fifo))


@pytest.mark.parametrize("command", ["validate", "run"])
def test_dev_zero_as_the_scenario_is_refused(tmp_path: Path, command: str):
    args = ["--out", tmp_path / "run", "-n", "1"] if command == "run" else []
    proc = sim_cli(command, "/dev/zero", *args, cwd=tmp_path, timeout=30)
    assert_refused(proc, "/dev/zero", "is a device, not a regular file")


def test_a_yaml_name_for_dev_zero_is_refused_as_scenario_and_as_extends_target(tmp_path: Path):
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    child = tmp_path / "child.yaml"
    child.write_text("extends: zero.yaml\n")
    assert_refused(run_refused(tmp_path, zero), f"{zero}: is a device")
    proc = sim_cli("validate", child, cwd=tmp_path, timeout=30)
    assert_refused(proc, f"{child}:1:1: extends: cannot read the parent scenario {zero}: is a device")


def test_extends_names_only_yaml_files(tmp_path: Path):
    child = tmp_path / "child.yaml"
    child.write_text("extends: /dev/zero\n")
    assert_refused(sim_cli("validate", child, cwd=tmp_path, timeout=30), f"{child}:1:1: extends:", ".yaml or .yml")


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path):
    big = tmp_path / "big.yaml"
    with big.open("w") as f:
        f.write(SMALL)
        f.write(("# padding\n" * 1000) * (MAX_FILE_BYTES // 10_000 + 1))
    assert big.stat().st_size > MAX_FILE_BYTES
    assert_refused(run_refused(tmp_path, big), big, f"a scenario file may be at most {MAX_FILE_BYTES / 1e6:g} MB")


# --- YAML that would expand or nest without end ---------------------------------------------------------------


def test_alias_bomb_is_refused_fast_and_small():
    """A billion values in 12 lines: refused before one is built, in well under a second."""
    bomb = BAD / "alias_bomb.yaml"
    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(ScenarioError, match=f"more than {MAX_NODES:,} values"):
        sim.load(bomb)
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 0.5
    assert peak < 20e6  # built, it would be a billion values


def test_alias_bomb_through_the_command_line(tmp_path: Path):
    bomb = BAD / "alias_bomb.yaml"
    for proc in (sim_cli("validate", bomb, cwd=tmp_path, timeout=60), run_refused(tmp_path, bomb)):
        assert_refused(proc, f"{bomb}:6:5:", "aliases are expanded")


def test_recursive_alias_is_refused(tmp_path: Path):
    me = tmp_path / "me.yaml"
    me.write_text(SMALL.replace("  seed: 7\n", "  seed: 7\n  again: &again [1, *again]\n"))
    proc = sim_cli("validate", me, cwd=tmp_path)
    assert_refused(proc, f"{me}:6:10:", "alias of itself")


@pytest.mark.parametrize("command", ["validate", "run", "sweep"])
def test_deep_nesting_is_refused(tmp_path: Path, command: str):
    deep = BAD / "nesting_3000_deep.yaml"
    if command == "sweep":
        proc = sim_cli("sweep", deep, "--set", "meta.seed=1,2", "--out", tmp_path / "s", cwd=tmp_path)
    else:
        proc = sim_cli("validate", deep, cwd=tmp_path) if command == "validate" else run_refused(tmp_path, deep)
    assert_refused(proc, f"{deep}:3:", f"nests deeper than {MAX_DEPTH} levels")


def test_deep_set_value_is_refused(tmp_path: Path):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    proc = run_refused(tmp_path, scenario, "--set", "meta.name=" + "[" * 3000 + "]" * 3000)
    assert_refused(proc, "--set meta.name:", f"nests deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize("extra", [0, 1])
def test_nesting_up_to_the_cap_still_reads(extra: int):
    """The document, meta and the lists in seed: exactly `MAX_DEPTH` levels are read, one more is refused."""
    lists = MAX_DEPTH - 2 + extra
    with pytest.raises(ScenarioError) as info:
        sim.scenario.parse(SMALL.replace("  seed: 7", f"  seed: {'[' * lists}{']' * lists}"), "f.yaml")
    message = str(info.value)
    if extra:
        assert message.startswith(f"f.yaml:5:{8 + lists}: nests deeper than {MAX_DEPTH} levels"), message
    else:
        assert message.startswith("f.yaml:5:9: meta.seed: Input should be a valid integer"), message


def test_top_level_keys_never_hangs_nor_raises(tmp_path: Path, fifo: Path):
    for path in (fifo, Path("/dev/zero"), BAD / "alias_bomb.yaml", BAD / "nesting_3000_deep.yaml", tmp_path):
        assert top_level_keys(path) == set()
    assert top_level_keys(DATA / "small.yaml") == {"meta", "plants", "products", "program", "contract"}


# --- YAML merge keys -----------------------------------------------------------------------------------------

MERGED = SMALL.replace(
    "    lines:\n      - {id: ga1, jph: 60, products: [haval, xiaomi_ev]}\n",
    "    lines:\n"
    "      - &line {id: ga1, jph: 60, products: [haval, xiaomi_ev], changeover_hours: 2, campaign_units: 500}\n"
    "      - <<: *line\n"
    "        id: ga2\n"
    "        jph: 45\n",
)


def test_merge_key_with_an_override_validates(tmp_path: Path):
    path = tmp_path / "merged.yaml"
    path.write_text(MERGED)
    proc = sim_cli("validate", path, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"ok: {path}" in proc.stdout
    ga1, ga2 = sim.load(path).plants[0].lines
    assert (ga2.id, ga2.jph) == ("ga2", 45)  # the mapping's own keys win
    assert (ga2.products, ga2.changeover_hours, ga2.campaign_units) == (ga1.products, 2, 500)  # the rest merged


def test_a_real_duplicate_key_next_to_a_merge_key_is_refused(tmp_path: Path):
    path = tmp_path / "dup.yaml"
    path.write_text(MERGED.replace("        jph: 45\n", "        jph: 45\n        jph: 50\n"))
    assert_refused(sim_cli("validate", path, cwd=tmp_path), f"{path}:21:9: plants[0].lines[1].jph: duplicate key")


# --- values the schema refuses --------------------------------------------------------------------------------


REFUSED = {
    "date_unix_timestamp": (":4:13: meta.end_date:", ["YYYY-MM-DD", "Unix timestamp", "1672444800"]),
    "plant_never_open_shutdowns": (":15:9: plants[0].calendar.shutdowns:", ["gwm_test never opens"]),
    "plant_never_open_weekdays": (":11:25: plants[0].calendar.working_weekdays:", ["gwm_test never opens"]),
    "customer_is_owner": (":39:13: contract.customer:", ["'gwm' is the plants' owner"]),
}


def test_validate_refuses_each(tmp_path: Path):
    paths = {stem: BAD / f"{stem}.yaml" for stem in REFUSED}
    proc = sim_cli("validate", *paths.values(), cwd=tmp_path)
    for stem, (where, words) in REFUSED.items():
        assert_refused(proc, f"{paths[stem]}{where}", *words)


@pytest.mark.parametrize("stem", REFUSED)
def test_run_refuses_before_simulating(tmp_path: Path, stem: str):
    """Before these were refused, a run crashed (exit 1) or counted every product as contract output."""
    where, words = REFUSED[stem]
    path = BAD / f"{stem}.yaml"
    assert_refused(run_refused(tmp_path, path), f"{path}{where}", *words)


def test_a_timestamp_given_with_set_is_refused(tmp_path: Path):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    proc = run_refused(tmp_path, scenario, "--set", "meta.end_date=1672444800")
    assert_refused(proc, "--set meta.end_date:", "YYYY-MM-DD", "1672444800")
