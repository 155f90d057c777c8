"""The `sim` command line: a thin layer that parses options, calls the library and prints.

Exit codes: 0 success, 2 invalid input (scenario or options, one clear message, no
traceback), 1 internal error (traceback only with --debug).
"""

from __future__ import annotations

import functools
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import sim
from sim.experiment import rundir
from sim.experiment.cache import Cache
from sim.experiment.executors import ExecutorError
from sim.experiment.replication import ReplicationFailed
from sim.scenario import Scenario, ScenarioError


class InvalidInput(click.ClickException):
    """Bad input from the user: exit code 2, message only."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def guarded(command: Callable) -> Callable:
    """Turn scenario errors into exit 2 and unexpected ones into exit 1 (traceback with --debug)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ScenarioError, rundir.RunDirExists, ExecutorError) as exc:
            raise InvalidInput(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if click.get_current_context().find_root().params.get("debug"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(sim.__version__, prog_name="sim")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def main(debug: bool) -> None:
    """Contract-manufacturing scenario simulator: write a scenario, run it, read the report."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@guarded
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario FILES; exit 2 if any is invalid."""
    bad = 0
    for path in files:
        try:
            scenario = sim.load(path)
            click.echo(f"ok: {path} ({scenario.meta.name})")
        except ScenarioError as exc:
            bad += 1
            click.echo(str(exc), err=True)
    if bad:
        raise InvalidInput(f"{bad} of {len(files)} scenario file(s) invalid")


@main.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editor autocompletion)."""
    click.echo(json.dumps(json_schema(), indent=2))


def json_schema() -> dict:
    """The scenario's JSON Schema, with the loader's `extends` key that the model never sees."""
    out = Scenario.model_json_schema()
    out["properties"] = {
        "extends": {"type": "string", "description": "Scenario file this one builds on (deep merge; lists replace)."},
        **out["properties"],
    }
    return out


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-n", "--replications", type=click.IntRange(1, 100_000), help="Replications (default: the scenario's).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Random seed (default: the scenario's).")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Run directory (default: runs/NAME-TIME)."
)
@click.option("--force", is_flag=True, help="Replace the run directory if it exists.")
@click.option(
    "--fidelity",
    type=click.Choice(["batch", "vehicle"]),
    default="batch",
    show_default=True,
    help="batch: exact batches between events; vehicle: one entity per vehicle (slow, for checks).",
)
@click.option(
    "-w", "--workers", type=click.IntRange(1, 256), default=1, show_default=True, help="Local worker processes."
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this machine's processes; dask: a Dask cluster (needs --scheduler).",
)
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Address of the Dask scheduler.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a scenario value, e.g. --set contract.reserved_share=0.4 (repeatable).",
)
@click.option("--first", type=click.IntRange(0), default=0, help="Index of the first replication (to rerun one alone).")
@click.option("--no-cache", is_flag=True, help="Neither reuse nor keep finished replications.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@guarded
def run(
    file: Path,
    replications: int | None,
    seed: int | None,
    out: Path | None,
    force: bool,
    fidelity: str,
    workers: int,
    executor: str,
    scheduler: str | None,
    overrides: tuple[str, ...],
    first: int,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Run scenario FILE and write a run directory with tables, KPIs and report.html."""
    scenario = sim.load(file, overrides)
    if out is not None and out.exists() and not force:
        raise InvalidInput(f"{out} already exists; choose another --out or pass --force to replace it")
    n = replications or scenario.meta.replications
    seed = scenario.meta.seed if seed is None else seed
    cache = False if no_cache else Cache(scenario, seed, fidelity)
    how = {"fidelity": fidelity, "workers": workers, "executor": executor, "scheduler": scheduler, "first": first}
    finished = [0]

    def count(k: int) -> None:
        finished[0] += k

    try:
        if quiet or not sys.stderr.isatty():
            results = sim.run(scenario, n, seed, count, cache=cache, **how)
        else:
            with click.progressbar(length=n, label=f"{scenario.meta.name}: {n} replications", file=sys.stderr) as bar:

                def both(k: int) -> None:
                    count(k)
                    bar.update(k)

                results = sim.run(scenario, n, seed, both, cache=cache, **how)
    except KeyboardInterrupt:
        kept = (
            f"they are cached in {cache.folder}: run the same command again to resume"
            if cache
            else "nothing kept (--no-cache)"
        )
        click.echo(f"\ninterrupted after {finished[0]} of {n} replications; {kept}", err=True)
        sys.exit(130)
    except ReplicationFailed as exc:
        again = f"sim --debug run {file} --seed {exc.seed} --first {exc.index} -n 1 --no-cache"
        click.echo(f"error: {exc}\nrerun it alone with: {again}", err=True)
        sys.exit(1)
    path = rundir.write(results, out or rundir.default_path(results), force=force, source=str(file))
    click.echo(format_kpis(results))
    click.echo(f"\n{n} replications in {results.wall_seconds:.2f} s; run directory: {path}")
    click.echo(f"report: {path / 'report.html'}")


def format_kpis(results: sim.results.Results) -> str:
    """The KPI table as aligned text."""
    start = results.scenario.meta.start_date
    rows = [(k.label, *k.text(start)) for k in results.kpis()]
    widths = [max(len(r[i]) for r in [("KPI", "estimate", "95% CI"), *rows]) for i in range(3)]
    lines = [f"{'KPI':<{widths[0]}}  {'estimate':>{widths[1]}}  95% CI", "-" * (sum(widths) + 4)]
    lines += [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}" for a, b, c in rows]
    return "\n".join(lines)
