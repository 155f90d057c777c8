"""The run directory: everything a run produced, written atomically.

Layout: ``scenario.yaml`` (the resolved scenario), ``manifest.json`` (package version,
seed, replications, wall time, scenario hash), one CSV per tidy table, ``kpis.json`` and
``report.html``. The directory is assembled under a temporary name next to its final
place and renamed at the end, so an interrupted or failed run leaves nothing half-written;
an existing directory is replaced only when asked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from sim.results.results import Results


class RunDirExists(Exception):
    """The output directory exists and replacing it was not asked for."""


def default_path(name: str, root: Path = Path("runs")) -> Path:
    """runs/<name>-<timestamp>, made unique with a counter if needed."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = root / f"{name}-{stamp}"
    n = 1
    while path.exists():
        n += 1
        path = root / f"{name}-{stamp}-{n}"
    return path


def atomic(out: Path, force: bool, fill: Callable[[Path], None]) -> Path:
    """Make directory `out` by `fill`ing a temporary one next to it and renaming it at the end."""
    out = Path(out)
    if out.exists() and not force:
        raise RunDirExists(f"{out} already exists; choose another --out or pass --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.replaced")
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def manifest(**fields: object) -> str:
    """The manifest of an output directory: what made it, when, and `fields`."""
    from sim import __version__

    out = {"package": "sim", "version": __version__, **fields}
    out |= {"created": dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version()}
    return json.dumps(out, indent=2) + "\n"


def write(results: Results, out: Path, force: bool = False, source: str | None = None) -> Path:
    """Write the run directory `out`; refuses to replace an existing one unless `force`."""
    from sim.report import write as write_report

    def fill(tmp: Path) -> None:
        scenario = results.scenario
        (tmp / "scenario.yaml").write_text(
            yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)
        )
        tables = [p.name for p in results.to_csv(tmp)]
        start = scenario.meta.start_date
        (tmp / "kpis.json").write_text(json.dumps([k.as_json(start) for k in results.kpis()], indent=2) + "\n")
        write_report(results, tmp / "report.html")
        (tmp / "manifest.json").write_text(
            manifest(
                scenario=scenario.meta.name,
                scenario_file=source,
                scenario_hash=scenario.digest(),
                seed=results.seed,
                replications=results.replications,
                first_replication=results.first,
                fidelity=results.fidelity,
                wall_seconds=round(results.wall_seconds, 3),
                events=results.events,
                tables=tables,
            )
        )

    return atomic(out, force, fill)
