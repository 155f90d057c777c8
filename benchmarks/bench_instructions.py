"""Benchmark: instructions a replication, counted by valgrind's callgrind (needs valgrind).

Run: python benchmarks/bench_instructions.py [scenarios/baseline.yaml ...] [--few 1] [--many 13]

On a shared machine, seconds move with the neighbours' load; the instructions a program
executes do not. For each scenario this counts the instructions of a fresh process that
replicates `--few` and one that replicates `--many` replications (each with its
counterfactuals), and prints their difference per replication: start-up and set-up cancel
out. Before counting, the package's bytecode is compiled (a first run after an edit would
otherwise count the compiling), and hash randomisation is fixed (PYTHONHASHSEED=0), so the
same code gives the same count to about 1%. It counts the checkout it lies in: compare two
versions of the code by running each one's copy of this file; the ratio of the counts is the
ratio of the model's work.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What each counted process runs: `replicate` of N replications of a scenario, in process.
CHILD = """
import sys
from sim import load
from sim.experiment.replication import Prepared, replicate
replicate(Prepared.of(load(sys.argv[1])), 1, list(range(int(sys.argv[2]))))
"""


def instructions(scenario: Path, replications: int) -> int:
    """Instructions of a fresh Python process replicating `replications` of `scenario`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = os.environ | {"PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
        done = subprocess.run(  # in ROOT: `python -c` puts the working folder first on the path
            [*command, "-c", CHILD, str(scenario.resolve()), str(replications)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"valgrind failed on {scenario}:\n{done.stderr[-2000:]}")
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            sys.exit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=[ROOT / "scenarios" / "baseline.yaml"])
    parser.add_argument("--few", type=int, default=1, help="replications of the first count")
    parser.add_argument("--many", type=int, default=13, help="replications of the second count")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    if args.many <= args.few:
        sys.exit("--many must be more than --few")
    compileall.compile_dir(ROOT / "sim", quiet=1)
    for scenario in args.scenarios:
        few, many = instructions(scenario, args.few), instructions(scenario, args.many)
        per = (many - few) / (args.many - args.few)
        print(f"{scenario}: {per / 1e6:,.1f} M instructions a replication ({args.few} and {args.many} counted)")


if __name__ == "__main__":
    main()
