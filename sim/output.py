"""Output directories: claimed before any work, written whole or not at all, never clobbering.

Every command that writes a folder (a run, a comparison, a sweep, a study) claims it first,
before simulating: the location must be writable, an existing folder is replaced only with
`force` and only when sim wrote it (its ``manifest.json`` says so), and a lock file next to it
(``.NAME.lock``, holding the process id) refuses a second command writing the same folder at
the same time. The folder is then filled under a hidden temporary name beside it
(``.NAME.partial-PID-XXXX``) and renamed into place at the end, so an interrupted or failed
command leaves nothing half-written; the claim is released whatever happens. A command killed
outright cannot clean up: its partial folder and lock hold its dead process id, and the next
command writing into the same parent removes them.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MANIFEST = "manifest.json"
_PARTIAL = re.compile(r"^\..+\.partial-(\d+)-[^/]+$")
_LOCK = re.compile(r"^\..+\.lock$")
#: Failures to write that are the user's choice of place (exit 2), not the machine's state (exit 1).
_USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST}


class OutputExists(Exception):
    """The output folder exists (or another command is writing it) and may not be replaced."""


class OutputError(Exception):
    """The output folder cannot be written; `exit_code` 2 when the place is wrong, 1 otherwise."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def written_by_sim(folder: Path) -> bool:
    """Whether `folder` holds an output of sim: a readable manifest.json of package sim."""
    try:
        info = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("package") == "sim"


class Output:
    """An output folder claimed for one command: `fill` it once, or `release` the claim."""

    def __init__(self, out: Path, force: bool = False):
        self.out = Path(out)
        self.force = force
        self.tmp: Path | None = None
        self.lock: Path | None = None
        self.made: list[Path] = []
        _check(self.out, force)
        parent = self.out.parent
        # The folders made for it are removed again if the command ends without writing.
        self.made = [p for p in [parent, *parent.parents] if not p.exists()]
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _failed(self.out, exc) from None
        _clean_stale(parent)
        self.lock = _lock(self.out)
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.partial-{os.getpid()}-", dir=parent))
        except OSError as exc:
            self.release()
            raise _failed(self.out, exc) from None

    def fill(self, fill: Callable[[Path], None]) -> Path:
        """Write the folder with `fill(temporary folder)`, then move it into place; release the claim."""
        if self.tmp is None:
            raise RuntimeError(f"{self.out}: this claim was released")
        try:
            fill(self.tmp)
            os.chmod(self.tmp, 0o755)
            if self.out.exists():
                _check(self.out, self.force)  # it may have appeared meanwhile
                old = self.out.with_name(f".{self.out.name}.partial-{os.getpid()}-replaced")
                self.out.rename(old)
                self.tmp.rename(self.out)
                shutil.rmtree(old, ignore_errors=True)
            else:
                self.tmp.rename(self.out)
            self.tmp = None
            self.made = []
        except OSError as exc:
            raise _failed(self.out, exc) from None
        finally:
            self.release()
        return self.out

    def release(self) -> None:
        """Drop the claim: the temporary folder (unless filled) and the lock. Safe to call twice."""
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if self.lock is not None:
            self.lock.unlink(missing_ok=True)
            self.lock = None
        for folder in self.made:  # deepest first; only if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        self.made = []


def atomic(out: Path, force: bool, fill: Callable[[Path], None]) -> Path:
    """Claim `out` and fill it at once (for writing results already in hand)."""
    return Output(out, force).fill(fill)


def _check(out: Path, force: bool) -> None:
    """Refuse an `out` that exists (unless forced and written by sim) or that cannot be written."""
    if out.is_symlink() or out.exists():
        if not out.is_dir() or out.is_symlink():
            raise OutputError(f"{out} exists and is not a folder; choose another --out")
        if not force:
            raise OutputExists(f"{out} already exists; choose another --out or pass --force to replace it")
        if not written_by_sim(out):
            raise OutputExists(
                f"{out} was not written by sim (it has no sim {MANIFEST}); --force replaces only sim's own "
                "output folders: choose another --out"
            )
        if Path.cwd().resolve().is_relative_to(out.resolve()):
            raise OutputExists(f"{out} holds the current folder; --force will not replace it: choose another --out")
    ancestor = out.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"cannot write {out}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {out}: {ancestor} is not writable")


def _lock(out: Path) -> Path:
    """Create `out`'s lock file holding this process's id; refuse while a live process holds it."""
    lock = out.with_name(f".{out.name}.lock")
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _pid(lock)
            if holder is None and _age(lock) < 10:
                holder = -1  # its process has not written its id yet
            if holder is not None and _alive(holder):
                who = f" (process {holder})" if holder > 0 else ""
                raise OutputExists(f"another sim command{who} is writing {out}; wait for it") from None
            lock.unlink(missing_ok=True)  # its process is gone: a stale lock
            continue
        except OSError as exc:
            raise _failed(out, exc) from None
        with os.fdopen(handle, "w") as f:
            f.write(f"{os.getpid()}\n")
        return lock
    raise OutputExists(f"another sim command is writing {out}; wait for it")


def _clean_stale(parent: Path) -> None:
    """Remove partial folders and locks that processes no longer running left in `parent`."""
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        if match := _PARTIAL.match(entry.name):
            if not _alive(int(match.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
        elif _LOCK.match(entry.name):
            holder = _pid(Path(entry.path))
            if holder is not None and not _alive(holder):
                Path(entry.path).unlink(missing_ok=True)


def _pid(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _alive(pid: int) -> bool:
    if pid == os.getpid() or pid < 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    except OverflowError:
        return False
    return True


def _failed(out: Path, exc: OSError) -> OutputError:
    where = exc.filename or out
    return OutputError(f"cannot write {out}: {exc.strerror or exc} ({where})", 2 if exc.errno in _USER_ERRNOS else 1)
