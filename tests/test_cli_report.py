"""sim report on every output folder that has a report, through the real command line: runs,
comparisons and sweeps are drawn again from their saved results, without simulating."""

from __future__ import annotations

import json

import yaml

from tests.test_cli import SMALL, invoke


def _no_simulation(monkeypatch) -> None:
    import sim.experiment.replication as replication

    monkeypatch.setattr(replication, "build", lambda *a, **k: 1 / 0)  # any simulation would fail


def test_report_redraws_a_comparison_without_simulating(tmp_path, monkeypatch):
    out = tmp_path / "cmp"
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {SMALL}\ncontract:\n  policy: owner_first\n")
    result = invoke("compare", SMALL, str(other), "-n", "2", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    first = (out / "compare.html").read_text()
    (out / "compare.html").unlink()
    _no_simulation(monkeypatch)
    again = invoke("report", str(out))
    assert again.exit_code == 0, again.output
    assert (out / "compare.html").read_text() == first  # the same report from the saved results


def test_report_redraws_a_sweep_with_its_file_s_description(tmp_path, monkeypatch):
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text(
        yaml.safe_dump(
            {
                "description": "How much reserve the customer needs",
                "scenario": str(SMALL),
                "replications": 2,
                "grid": {"contract.reserved_share": [0.2, 0.4]},
            }
        )
    )
    out = tmp_path / "sw"
    result = invoke("sweep", str(sweep_file), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    first = (out / "sweep.html").read_text()
    assert "How much reserve the customer needs" in first  # the sweep file's own description
    _no_simulation(monkeypatch)
    (out / "sweep.html").unlink()
    again = invoke("report", str(out))
    assert again.exit_code == 0, again.output
    assert (out / "sweep.html").read_text() == first


def test_report_says_what_it_cannot_redraw(tmp_path):
    old = tmp_path / "old-compare"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"package": "sim", "command": "compare"}))
    result = invoke("report", str(old))
    assert result.exit_code == 2 and "no saved results" in result.output and "Traceback" not in result.output
    study = tmp_path / "study"
    study.mkdir()
    (study / "manifest.json").write_text(json.dumps({"package": "sim", "command": "optimize"}))
    result = invoke("report", str(study))
    assert result.exit_code == 2 and "sim optimize" in result.output
