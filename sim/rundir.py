"""The run directory: everything a run produced, written atomically.

Layout: ``scenario.yaml`` (the resolved scenario), ``manifest.json`` (package version,
seed, replications, wall time, scenario hash), one CSV per tidy table and ``kpis.csv`` (at the
precision files keep, `Results.file_table`), optionally the same as Parquet and an Excel
workbook (`sim.results.workbook`), ``kpis.json``,
``report.html`` and ``results.npz`` (the per-replication arrays, from which `read` rebuilds
the Results to draw the report again without simulating). The directory is claimed and
written whole by `sim.output` (nothing half-written, nothing clobbered).
It sits above the library's layers, next to the command line, because it writes both the
results and their report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import platform
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from sim.experiment.compare import Comparison
from sim.model.calendar import months
from sim.output import Output
from sim.results.kpis import Kpi
from sim.results.results import Results
from sim.scenario import Scenario, ScenarioError, parse
from sim.version import __version__

if TYPE_CHECKING:  # (a sweep's module loads only for sweeps)
    from sim.experiment.sweep import SweepResults

#: Version of the run directory's layout; `read` refuses directories of another.
FORMAT = 2  # 2: the customer's reserve in vehicles per month
ARRAYS = "results.npz"


class NotARunDir(Exception):
    """A folder that is not a run directory this version of sim can read."""


def default_path(name: str, root: Path = Path("runs")) -> Path:
    """runs/<name>-<timestamp>, made unique with a counter if needed."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = root / f"{name}-{stamp}"
    n = 1
    while path.exists():
        n += 1
        path = root / f"{name}-{stamp}-{n}"
    return path


def manifest(**fields: object) -> str:
    """The manifest of an output directory: what made it, when, and `fields`."""
    out = {"package": "sim", "version": __version__, **fields}
    out |= {"created": dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version()}
    return json.dumps(out, indent=2) + "\n"


#: libyaml's emitter when PyYAML has it (the same text, several times faster), else PyYAML's own.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def scenario_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML, its sections in the schema's order."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    return yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True)


def write(
    results: Results,
    out: Path | Output,
    force: bool = False,
    source: str | None = None,
    parquet: bool = False,
    xlsx: bool = False,
    plotly_js: str | None = None,
    kpis: list[Kpi] | None = None,
) -> Path:
    """Write the run directory `out` (a path, or one claimed before simulating); an existing
    folder is replaced only with `force`, and only when sim wrote it (`sim.output`). `parquet`
    adds each table as Parquet (needs pyarrow), `xlsx` the workbook ``NAME.xlsx`` (needs openpyxl);
    the report loads plotly.js from the relative URL `plotly_js` if given (`sim.report.style`);
    `kpis` are the run's KPIs if already computed."""
    from sim.report import write as write_report  # plotly loads only when a report is written

    def fill(tmp: Path) -> None:
        scenario = results.scenario
        (tmp / "scenario.yaml").write_text(scenario_yaml(scenario))
        tables = [p.name for p in results.to_csv(tmp)]
        if parquet:
            tables += [p.name for p in results.to_parquet(tmp)]
        if xlsx:
            from sim.results import workbook

            tables.append(workbook.write(results, tmp / f"{scenario.meta.name}.xlsx").name)
        _save_arrays(results, tmp)
        start = scenario.meta.start_date
        computed = results.kpis() if kpis is None else kpis
        (tmp / "kpis.json").write_text(json.dumps([k.as_json(start) for k in computed], indent=2) + "\n")
        write_report(results, tmp / "report.html", source, plotly_js, computed)
        (tmp / "manifest.json").write_text(
            manifest(
                format=FORMAT,
                scenario=scenario.meta.name,
                scenario_file=source,
                scenario_hash=scenario.digest(),
                seed=results.seed,
                replications=results.replications,
                first_replication=results.first,
                fidelity=results.fidelity,
                wall_seconds=round(results.wall_seconds, 3),
                from_cache=results.cached,
                events=results.events,
                tables=tables,
            )
        )

    return (out if isinstance(out, Output) else Output(out, force)).fill(fill)


def read(folder: str | Path) -> Results:
    """The Results saved in run directory `folder` (to draw its report again, say)."""
    folder = Path(folder)
    try:
        info = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        raise NotARunDir(f"{folder} is not a run directory (no readable manifest.json)") from None
    if not isinstance(info, dict) or info.get("package") != "sim" or "scenario_hash" not in info:
        raise NotARunDir(f"{folder} is not a run directory (its manifest.json is not a run's)")
    if info.get("format") != FORMAT or not (folder / ARRAYS).exists():
        raise NotARunDir(
            f"{folder} was written by sim {info.get('version', '?')} in a run directory format this version "
            f"({FORMAT}) cannot read; run the scenario again"
        )
    return _results(folder, info)


#: What `save` keeps of a run beside its arrays, to rebuild its Results.
RUN_FIELDS = ("seed", "first", "fidelity", "events", "wall_seconds", "cached")


def save(results: Results, folder: Path) -> None:
    """Keep what redraws a report of `results` in `folder`: the resolved scenario, the arrays and
    ``run.json`` (seed, first replication, fidelity...): a compare or sweep folder holds one per
    scenario or point, so that `sim report` draws it again without simulating (`load`)."""
    folder.mkdir(parents=True, exist_ok=True)
    scenario = results.scenario
    (folder / "scenario.yaml").write_text(scenario_yaml(scenario))
    _save_arrays(results, folder)
    info = {k: getattr(results, k) for k in RUN_FIELDS}
    (folder / "run.json").write_text(json.dumps(info | {"wall_seconds": round(results.wall_seconds, 3)}) + "\n")


def _save_arrays(results: Results, folder: Path) -> None:
    """The per-replication arrays of `results` (its dataclass fields only: a cached property such as
    `rated_jph` is derived again on reading) and its counterfactuals, in one file. Not compressed:
    the doubles shrink by a third only, and deflating them took 0.15 s of 100 replications' writing."""
    names = [f.name for f in dataclasses.fields(results)]
    arrays = {k: getattr(results, k) for k in names if isinstance(getattr(results, k), np.ndarray)}
    np.savez(folder / ARRAYS, **arrays, **{f"reference:{k}": v for k, v in results.reference.items()})


def load(folder: str | Path) -> Results:
    """The Results `save` kept in `folder`."""
    folder = Path(folder)
    try:
        info = json.loads((folder / "run.json").read_text())
    except (OSError, ValueError):
        raise NotARunDir(f"{folder} holds no saved results (no readable run.json)") from None
    return _results(folder, {"first_replication": info["first"], "from_cache": info["cached"], **info})


def _results(folder: Path, info: dict) -> Results:
    """Results from `folder`'s scenario.yaml and arrays, with the run's facts in `info` (a manifest)."""
    try:
        scenario = parse((folder / "scenario.yaml").read_text(), str(folder / "scenario.yaml"))
        with np.load(folder / ARRAYS) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, ScenarioError) as exc:
        raise NotARunDir(f"{folder} is a damaged run directory ({exc})") from None
    reference = {k.removeprefix("reference:"): arrays.pop(k) for k in list(arrays) if k.startswith("reference:")}
    for key in ("closed_hours", "overtime_hours"):
        if key not in arrays and "open_hours" in arrays:  # saved before lines had a working time of their own
            arrays[key] = np.zeros_like(arrays["open_hours"])
    return Results(
        scenario=scenario,
        seed=info["seed"],
        months_=months(scenario.meta.start_date, scenario.meta.end_date),
        reference=reference,
        fidelity=info.get("fidelity", "batch"),
        first=info.get("first_replication", 0),
        events=info.get("events", 0),
        wall_seconds=info.get("wall_seconds", 0.0),
        cached=info.get("from_cache", 0),
        **arrays,
    )


# -- comparisons and sweeps: what redraws their reports ---------------------------------------------
DATA = "data"


def save_comparison(comparison: Comparison, folder: Path) -> None:
    """Keep each scenario's results under ``data/scenario-N`` and their names in ``data/comparison.json``."""
    for n, results in enumerate(comparison.results, start=1):
        save(results, folder / DATA / f"scenario-{n}")
    (folder / DATA / "comparison.json").write_text(json.dumps({"names": comparison.names}, indent=2) + "\n")


def load_comparison(folder: Path) -> Comparison:
    """The Comparison `save_comparison` kept in `folder`."""
    info = _data(folder, "comparison.json")
    results = [load(folder / DATA / f"scenario-{n}") for n in range(1, len(info["names"]) + 1)]
    return Comparison(results, info["names"])


def save_sweep(sweep: SweepResults, folder: Path) -> None:
    """Keep each point's results under ``data/point-N`` and the design in ``data/sweep.json``."""
    for n, results in enumerate(sweep.results, start=1):
        save(results, folder / DATA / f"point-{n}")
    design = sweep.design
    info = {
        "base": str(sweep.base),
        "points": design.points,
        "params": design.params,
        "kind": design.kind,
        "settings": sweep.settings,
        "extra_overrides": list(sweep.extra_overrides),
        "kpi": sweep.kpi,
        "description": sweep.description,
    }
    (folder / DATA / "sweep.json").write_text(json.dumps(info, indent=2) + "\n")


def load_sweep(folder: Path) -> SweepResults:
    """The SweepResults `save_sweep` kept in `folder`."""
    from sim.experiment.sweep import Design, SweepResults

    info = _data(folder, "sweep.json")
    results = [load(folder / DATA / f"point-{n}") for n in range(1, len(info["points"]) + 1)]
    design = Design(info["points"], info["params"], info["kind"])
    return SweepResults(
        Path(info["base"]),
        design,
        results,
        info["settings"],
        tuple(info["extra_overrides"]),
        info["kpi"],
        info["description"],
    )


def _data(folder: Path, name: str) -> dict:
    try:
        return json.loads((folder / DATA / name).read_text())
    except (OSError, ValueError):
        raise NotARunDir(
            f"{folder} holds no saved results to draw its report from (written by an older sim?); run it again"
        ) from None


def redraw(folder: str | Path, out: Path | None = None, plotly_js: str | None = None) -> Path:
    """Draw the report of the output folder `folder` again (a run, a comparison or a sweep), from its
    saved results, without simulating; to `out` (default: where the command wrote it)."""
    folder = Path(folder)
    try:
        info = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        raise NotARunDir(f"{folder} is not a run directory (no readable manifest.json)") from None
    command = info.get("command", "run") if isinstance(info, dict) else "run"
    if command == "compare":
        from sim.report.compare import write as write_compare

        return write_compare(load_comparison(folder), out or folder / "compare.html", plotly_js)
    if command == "sweep":
        from sim.report.sweep import write as write_sweep

        sweep = load_sweep(folder)
        return write_sweep(sweep, out or folder / "sweep.html", sweep.kpi, plotly_js)
    if command != "run":
        raise NotARunDir(f"{folder} holds the output of sim {command}, which has no report to redraw")
    from sim.report import write as write_report

    source = info.get("scenario_file")  # for the sources, if still there
    return write_report(read(folder), out or folder / "report.html", source, plotly_js)
