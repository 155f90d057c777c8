"""`sim optimize`: the study directory, the printed answer, bad study files, workers and the cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import DATA

STUDY = f"""scenario: {DATA / "small.yaml"}
decide:
  contract.reserved_share: {{min: 0.1, max: 0.5, resolution: 0.1}}
  contract.fee_rmb_per_unit: {{min: 6000, max: 10000, resolution: 2000}}
maximise: owner_net_contribution_rmb
constraints:
  - owner_units_lost <= 100000
  - P(sop <= 2022-07-31) >= 0.5
budget: {{replications: 3, n0: 3, contenders: 3, max_replications: 6}}
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def write(tmp_path, text: str = STUDY):
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


def test_optimize_prints_the_answer_and_writes_a_study_directory(tmp_path):
    out = tmp_path / "out"
    result = invoke("optimize", str(write(tmp_path)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"study.yaml", "candidates.csv", "chosen.json", "manifest.json",
                                               "report.html"}  # fmt: skip
    assert "Recommended terms (candidate" in result.output
    assert "Kim-Nelson" in result.output and "owner_units_lost <= 100000: met at 95% confidence" in result.output
    lines = result.output.splitlines()
    assert max(map(len, lines[lines.index(next(x for x in lines if x.startswith("#"))) :])) <= 100
    assert "e+" not in result.output  # no scientific notation
    chosen = json.loads((out / "chosen.json").read_text())
    assert chosen["chosen"]["values"]["contract.fee_rmb_per_unit"] == 10000  # money-only: the highest fee wins
    assert [c["verdict"] for c in chosen["chosen"]["constraints"]] == ["feasible", "feasible"]
    rows = (out / "candidates.csv").read_text().splitlines()
    assert rows[0].startswith("candidate,stage,contract.reserved_share,contract.fee_rmb_per_unit,replications")
    assert len(rows) - 1 == chosen["effort"]["candidates"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "optimize" and manifest["seed"] == 7
    # A re-run reuses the cached replications (computes none) and gives the same answer, written elsewhere.
    cached = sorted(Path(os.environ["SIM_CACHE"]).rglob("*.npz"))
    assert len(cached) == chosen["effort"]["replications"]
    again = invoke("optimize", str(write(tmp_path)), "--out", str(tmp_path / "again"), "-q")
    assert again.exit_code == 0, again.output
    assert sorted(Path(os.environ["SIM_CACHE"]).rglob("*.npz")) == cached
    assert json.loads((tmp_path / "again" / "chosen.json").read_text())["chosen"] == chosen["chosen"]
    assert invoke("optimize", str(write(tmp_path)), "--out", str(out)).exit_code == 2  # exists: needs --force


def test_same_seed_same_candidates_with_one_or_two_workers(tmp_path):
    study = write(tmp_path)
    one = invoke("optimize", str(study), "--out", str(tmp_path / "one"), "--no-cache", "--seed", "11")
    two = invoke("optimize", str(study), "--out", str(tmp_path / "two"), "--no-cache", "--seed", "11", "-w", "2")
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert (tmp_path / "one" / "candidates.csv").read_bytes() == (tmp_path / "two" / "candidates.csv").read_bytes()


@pytest.mark.parametrize(
    ("replace", "by", "where"),
    [
        ("contract.reserved_share:", "contract.reserved_shar:", ":3:3: decide.contract.reserved_shar: unknown field"),
        ("{min: 0.1, max: 0.5,", "{min: 0.5, max: 0.5,", ":3:3: decide.contract.reserved_share: empty range"),
        ("maximise: owner_net_contribution_rmb", "maximise: owner_net_contributon_rmb",
         ":5:1: maximise: unknown KPI 'owner_net_contributon_rmb'; did you mean 'owner_net_contribution_rmb'?"),
        ("- owner_units_lost <= 100000", "- owner_units_lost =< 100000", ":7:5: constraints[0]: "),
        ("P(sop <= 2022-07-31) >= 0.5", "P(sop <= 2022-07-31) >= 1.5", ":8:5: constraints[1]: "),
        ("budget: {replications: 3,", "budget: {replicates: 3,", ":9:10: budget.replicates: unknown field"),
    ],
)  # fmt: skip
def test_bad_study_files_exit_2_with_file_line_and_field(tmp_path, replace, by, where):
    assert replace in STUDY
    path = write(tmp_path, STUDY.replace(replace, by))
    out = tmp_path / "out"
    result = invoke("optimize", str(path), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"error: {path}{where}" in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert invoke("validate", str(path)).exit_code == 2


def test_validate_accepts_a_study(tmp_path):
    result = invoke("validate", str(write(tmp_path)))
    assert result.exit_code == 0 and "2 decision variables" in result.output
