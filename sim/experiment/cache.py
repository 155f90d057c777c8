"""The result cache: finished replications kept on disk, so nothing is computed twice.

A replication's results depend only on the model (the scenario less its name, description,
seed and replication count), the code that can change its arrays, the seed, its index and
the fidelity; that is the key. The code is the package version and every source file of the
scenario layer (its defaults and checks), the model, the results layer (folding records into
arrays) and the experiment modules that seed and run a replication, so an upgraded `sim`, or
an edited default, never serves results of the code it replaced. Reports, the command line
and the packaged scenario templates cannot change a result and are left out. Re-running
a scenario, adding replications or extending a sweep computes only what is new, and an
interrupted run resumes where it stopped. Entries are written atomically (temporary file,
then rename), so a killed run never leaves a broken one. The cache lives in `$SIM_CACHE`, or
`~/.cache/sim`; delete the folder to empty it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from sim.experiment.replication import Replication
from sim.scenario import Scenario
from sim.version import __version__


def default_root() -> Path:
    return Path(os.environ.get("SIM_CACHE") or Path.home() / ".cache" / "sim")


PACKAGE = Path(__file__).resolve().parents[1]
#: The source a cached replication's arrays depend on, subpackages included (relative to PACKAGE).
CODE = ("scenario/**/*.py", "model/**/*.py", "results/**/*.py", "experiment/replication.py", "experiment/seeding.py")


@functools.cache
def code_digest() -> str:
    """A hash of the package version and the source files that decide a replication's cached arrays."""
    digest = hashlib.sha256(__version__.encode())
    for pattern in CODE:
        for path in sorted(PACKAGE.glob(pattern)):
            # The path inside the package too: a module moved into a subpackage is a change.
            digest.update(b"\0" + path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class Cache:
    """Replications of one model, seed and fidelity, stored one file each under `root`."""

    def __init__(self, scenario: Scenario, seed: int, fidelity: str, root: Path | None = None):
        self.folder = (root or default_root()) / f"{scenario.model_digest()}-{code_digest()}-{fidelity}" / str(seed)

    def path(self, index: int) -> Path:
        return self.folder / f"{index}.npz"

    def get(self, index: int) -> Replication | None:
        path = self.path(index)
        if not path.exists():
            return None
        try:
            with np.load(path) as data:
                arrays = {k[2:]: data[k] for k in data.files if k.startswith("a:")}
                reference = {k[2:]: data[k] for k in data.files if k.startswith("r:")}
                return Replication(index, arrays, reference, int(data["events"]))
        except (OSError, ValueError, KeyError):
            return None  # unreadable (an older format, a damaged disk): compute it again

    def put(self, replication: Replication) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {f"a:{k}": v for k, v in replication.arrays.items()}
        payload |= {f"r:{k}": v for k, v in replication.reference.items()}
        handle, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            np.savez(f, events=np.array(replication.events), **payload)
        os.replace(tmp, self.path(replication.index))
