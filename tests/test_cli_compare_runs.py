"""sim compare on finished run folders, through the real command line: paired when they can be."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import SMALL, invoke


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Run folders: a and b (another policy) with seed 5 and 2 replications, c with seed 6 and 1."""
    root = tmp_path_factory.mktemp("runs")
    other = root / "owner_first.yaml"
    other.write_text(f"extends: {SMALL}\ncontract:\n  policy: owner_first\n")
    for name, file, n, seed in (("a", SMALL, "2", "5"), ("b", str(other), "2", "5"), ("c", SMALL, "1", "6")):
        assert invoke("run", file, "-n", n, "--seed", seed, "--out", str(root / name), "-q").exit_code == 0
    return {"a": root / "a", "b": root / "b", "c": root / "c", "other": other}


def test_compare_pairs_run_folders_without_simulating_them_again(runs, tmp_path, monkeypatch):
    a, b, other = runs["a"], runs["b"], runs["other"]
    # A folder and a scenario: the scenario runs the folder's replications (seed 5, 2 of them).
    mixed = invoke("compare", str(a), str(other), "--out", str(tmp_path / "mixed"), "-q")
    assert mixed.exit_code == 0, mixed.output
    import sim.experiment.replication as replication

    monkeypatch.setattr(replication, "build", lambda *a, **k: 1 / 0)  # any simulation would fail
    both = invoke("compare", str(a), str(b), "--out", str(tmp_path / "both"), "-q")
    assert both.exit_code == 0, both.output
    manifest = json.loads((tmp_path / "both" / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["replications"] == 2
    assert [s["run"] for s in manifest["scenarios"]] == [str(a), str(b)]
    # The same paired differences whether the second was a folder or simulated beside the first.
    mixed_csv = (tmp_path / "mixed" / "differences.csv").read_text().replace("owner_first,", "b,")
    assert (tmp_path / "both" / "differences.csv").read_text() == mixed_csv


def test_runs_that_cannot_be_paired_are_refused_with_why(runs, tmp_path):
    a, c = runs["a"], runs["c"]
    out = ["--out", str(tmp_path / "cmp"), "-q"]
    result = invoke("compare", str(a), str(c), *out)
    assert (
        result.exit_code == 2
        and "seed 5, 2 replications" in result.output
        and "seed 6, 1 replications" in result.output
    )
    asked = invoke("compare", str(a), SMALL, "-n", "4", *out)
    assert asked.exit_code == 2 and "-n 4 differs from the finished runs' (2)" in asked.output
    changed = invoke("compare", str(a), SMALL, "--set", "contract.policy=owner_first", *out)
    assert changed.exit_code == 2 and "--set changes scenario files, not finished runs" in changed.output
    assert not (tmp_path / "cmp").exists() and "Traceback" not in result.output
