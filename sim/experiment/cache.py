"""The result cache: finished replications kept on disk, so nothing is computed twice.

A replication's results depend only on the model (the scenario less its name, description,
seed and replication count), the code that can change its arrays, the seed, its index and
the fidelity; that is the key. The code is the package version and every source file of the
scenario layer (its defaults and checks), the model, the results layer (folding records into
arrays) and the experiment modules that seed and run a replication, so an upgraded `sim`, or
an edited default, never serves results of the code it replaced. Reports, the command line
and the packaged scenario templates cannot change a result and are left out. Re-running
a scenario, adding replications or extending a sweep computes only what is new, and an
interrupted run resumes where it stopped. Entries are written durably and atomically
(temporary file, fsync, rename), so a killed run never leaves a broken one; each carries its
key and a checksum, so a damaged or misplaced one is recomputed, never used. The cache lives in `$SIM_CACHE`, or
`~/.cache/sim`; delete the folder to empty it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
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
    """Replications of one model, seed and fidelity, stored one file each under `root`.

    Each entry records the key it was written for (model, code, fidelity, seed, replication)
    and a checksum of its arrays; an entry that is damaged, or that belongs to another key
    (copied into place), is discarded with a one-line warning and computed again. A cache that
    cannot be written (a full disk, no permission) is switched off for the rest of the run with
    a warning: the run itself goes on.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        fidelity: str,
        root: Path | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        self.name = f"{scenario.model_digest()}-{code_digest()}-{fidelity}"
        self.seed = seed
        self.folder = (root or default_root()) / self.name / str(seed)
        self.warn = warn or _warn
        self.writable = True

    def path(self, index: int) -> Path:
        return self.folder / f"{index}.npz"

    def key(self, index: int) -> str:
        return f"{self.name}/{self.seed}/{index}"

    def get(self, index: int) -> Replication | None:
        path = self.path(index)
        if not path.exists():
            return None
        try:
            with np.load(path) as data:
                stored = {k: data[k] for k in data.files}
            key, checksum = str(stored.pop("key")), str(stored.pop("checksum"))
            if key != self.key(index):
                problem = f"it was written for {key}"
            elif checksum != _checksum(stored):
                problem = "its checksum does not match"
            else:
                arrays = {k[2:]: v for k, v in stored.items() if k.startswith("a:")}
                reference = {k[2:]: v for k, v in stored.items() if k.startswith("r:")}
                return Replication(index, arrays, reference, int(stored["events"]), cached=True)
        except Exception as exc:  # a truncated or damaged file fails in many ways (zip, zlib, format)
            problem = f"it cannot be read: {type(exc).__name__}"
        self.warn(f"discarded the damaged cache entry {path} ({problem}); computing it again")
        path.unlink(missing_ok=True)
        return None

    def put(self, replication: Replication) -> None:
        if not self.writable:
            return
        payload = {f"a:{k}": v for k, v in replication.arrays.items()}
        payload |= {f"r:{k}": v for k, v in replication.reference.items()}
        payload["events"] = np.array(replication.events)
        tmp = None
        try:
            with _uninterrupted():
                self.folder.mkdir(parents=True, exist_ok=True)
                # Made in memory, then written at once: the zip writer seeks back to every
                # member's header, a system call each on a file.
                entry = io.BytesIO()
                key, checksum = np.array(self.key(replication.index)), np.array(_checksum(payload))
                np.savez(entry, key=key, checksum=checksum, **payload)
                handle, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
                with os.fdopen(handle, "wb") as f:
                    f.write(entry.getbuffer())
                    f.flush()
                    os.fsync(f.fileno())  # durable before it is visible under its name
                os.replace(tmp, self.path(replication.index))
                tmp = None
        except OSError as exc:
            self.writable = False
            self.warn(
                f"the result cache is off for this run: cannot write {exc.filename or self.folder} ({exc.strerror})"
            )
        finally:
            if tmp is not None:  # (not written whole: nothing of it is left)
                Path(tmp).unlink(missing_ok=True)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits until the block is done, then interrupts as it would have: an entry is
    written whole or not at all, and an interrupt never lands inside the zip writer, whose
    cleanup would then fail with an error of its own and hide it. (Only the main thread takes
    signals; elsewhere the block just runs.)"""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is None:
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            signal.raise_signal(signal.SIGINT)  # to the handler it was meant for


def _checksum(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of the arrays' names, types, shapes and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
