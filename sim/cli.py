"""The `sim` command line: a thin layer that parses options, calls the library and prints.

Exit codes: 0 success, 2 invalid input (scenario or options, one clear message, no
traceback), 1 internal error (traceback only with --debug).
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import sim

if TYPE_CHECKING:
    from sim.output import Output
    from sim.scenario import Scenario

#: Errors in what the user gave (scenario, options, files, a missing optional extra): exit 2, message
#: only. Filled, with the names the commands use, by `_load` when a command runs: `sim --help`
#: imports none of the model, numpy or pydantic.
USER_ERRORS: tuple[type[Exception], ...] = ()


def _load() -> None:
    """Import what the commands use (once, when the first one runs)."""
    global USER_ERRORS, rundir, PairingError, ClusterLost, ExecutorError, ReplicationFailed
    global Output, OutputError, OutputExists, MissingExtra, optional, Scenario, ScenarioError
    if USER_ERRORS:
        return
    # The garbage collector off while importing: the modules, classes and schemas made here
    # (~0.3 s of a command's start) are never garbage, and its passes over them cost ~15% of
    # the start; then they are frozen, so that later passes do not scan them again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from sim import rundir
        from sim.experiment.compare import PairingError
        from sim.experiment.executors import ClusterLost, ExecutorError
        from sim.experiment.replication import ReplicationFailed
        from sim.output import Output, OutputError, OutputExists
        from sim.results.table import MissingExtra, optional
        from sim.scenario import Scenario, ScenarioError
    finally:
        if enabled:
            gc.enable()
    gc.freeze()

    USER_ERRORS = (ScenarioError, OutputExists, rundir.NotARunDir, ExecutorError, MissingExtra, PairingError)


def _user_error(exc: Exception) -> bool:
    """Whether `exc` is the user's (exit 2). A sweep's or a study's errors (`SweepError` and its
    subclass `StudyError`) can only be raised once their module is imported: it is not imported
    to ask, so that the commands that need neither do not pay for it."""
    sweep = sys.modules.get("sim.experiment.sweep")
    return isinstance(exc, USER_ERRORS) or (sweep is not None and isinstance(exc, sweep.SweepError))


def _interrupted() -> None:
    """Ctrl-C: say so and exit 130 (what was being written is not left half-written)."""
    click.echo("\ninterrupted", err=True)
    sys.exit(130)


class InvalidInput(click.ClickException):
    """Bad input from the user: exit code 2, message only."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        say(f"error: {self.format_message()}", err=True)


def say(text: str, err: bool = False) -> None:
    """click.echo that outlives its reader: a stream whose reader went away (`sim validate *.yaml
    2>&1 | head`) is pointed at /dev/null, so that a command still finishes its work and gives its
    exit code (invalid input stays 2)."""
    try:
        click.echo(text, err=err)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), (sys.stderr if err else sys.stdout).fileno())


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: read from the package's metadata only when asked (importlib.metadata is slow to import)."""
    if not value or ctx.resilient_parsing:
        return
    from sim.version import __version__

    click.echo(f"sim, version {__version__}")
    ctx.exit()


def guarded(command: Callable) -> Callable:
    """Turn scenario errors into exit 2 and unexpected ones into exit 1 (traceback with --debug)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`sim run ... | head`): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            for stream in (sys.stdout, sys.stderr):  # nothing left to flush at exit, whichever pipe broke
                os.dup2(devnull, stream.fileno())
            sys.exit(0)
        except KeyboardInterrupt:  # Ctrl-C outside the replications (those say how far they got)
            _interrupted()
        except Exception as exc:
            if isinstance(exc.__context__, KeyboardInterrupt):
                _interrupted()  # a cleanup that failed as Ctrl-C unwound it (a zip writer's): the Ctrl-C's
            _load()
            if _user_error(exc):
                raise InvalidInput(str(exc)) from None
            if isinstance(exc, OutputError):
                if exc.exit_code == 2:
                    raise InvalidInput(str(exc)) from None
                click.echo(f"error: {exc}", err=True)
                sys.exit(exc.exit_code)
            if click.get_current_context().find_root().params.get("debug"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, help="Show the version and exit."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def main(debug: bool) -> None:
    """Contract-manufacturing scenario simulator: write a scenario, run it, read the report."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@guarded
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario, study or sweep FILES; exit 2 if any is invalid."""
    from sim.scenario import ScenarioError
    from sim.scenario.loader import is_study_file, is_sweep_file

    bad = 0
    refused: tuple[type[Exception], ...] = (ScenarioError,)  # a study's or sweep's errors too, once one is read
    for path in files:
        try:
            try:
                say(f"ok: {path} ({sim.load(path).meta.name})")
            except ScenarioError:
                # Asked only now: a scenario's YAML is read once. numpy and the indicators load only here.
                if is_study_file(path):
                    from sim.experiment.study import StudyError, load_study

                    refused += (StudyError,) if StudyError not in refused else ()
                    study = load_study(path)
                    say(f"ok: {path} (study of {study.scenario.name}, {len(study.variables)} decision variables)")
                    continue
                if not is_sweep_file(path):
                    raise
                from sim.experiment import sweep as sweeps

                refused += (sweeps.SweepError,) if sweeps.SweepError not in refused else ()
                spec = sweeps.load_sweep(path)
                # Every point loaded and validated, as `sim sweep` does before any work.
                points = sweeps.prepare(spec.scenario, spec.design, spec.overrides, spec.kpi)
                say(f"ok: {path} (sweep of {spec.scenario.name}, {len(points)} points)")
        except refused as exc:
            bad += 1
            message = str(exc)
            if not isinstance(exc, ScenarioError) and not message.startswith(str(path)):
                message = f"{path}: {message}"  # a sweep's points, its KPI: problems that do not name the file
            say(message, err=True)
    if bad:
        raise InvalidInput(f"{bad} of {len(files)} scenario file(s) invalid")


@main.command()
@guarded
def schema() -> None:
    """Print the scenario JSON Schema (for editor autocompletion)."""
    click.echo(json.dumps(json_schema(), indent=2))


def json_schema() -> dict:
    """The scenario's JSON Schema, with the loader's `extends` key that the model never sees."""
    from sim.scenario import Scenario

    out = Scenario.model_json_schema()
    out["properties"] = {
        "extends": {"type": "string", "description": "Scenario file this one builds on (deep merge; lists replace)."},
        **out["properties"],
    }
    return out


def experiment_options(command: Callable) -> Callable:
    """The options every simulating command shares: how many, from which seed, where, how."""
    options = [
        click.option(
            "-n", "--replications", type=click.IntRange(1, 100_000), help="Replications (default: the scenario's)."
        ),
        click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Random seed (default: the scenario's)."),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="PATH=VALUE",
            help="Override a scenario value, e.g. --set contract.reserved_share=0.4 (repeatable).",
        ),
        click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            help="Output directory (default: runs/NAME-TIME).",
        ),
        click.option("--force", is_flag=True, help="Replace the output directory if it exists."),
        click.option(
            "-w", "--workers", type=click.IntRange(1, 256), default=1, show_default=True, help="Local worker processes."
        ),
        click.option(
            "--executor",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="local: this machine's processes; dask: a Dask cluster (needs --scheduler).",
        ),
        click.option("--scheduler", metavar="tcp://HOST:PORT", help="Address of the Dask scheduler."),
        click.option("--no-cache", is_flag=True, help="Neither reuse nor keep finished replications."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def plotly_option(command: Callable) -> Callable:
    """--plotly: each report embeds plotly.js (inline), or loads one shared copy beside the output folder."""
    return click.option(
        "--plotly",
        type=click.Choice(["inline", "directory"]),
        default="inline",
        show_default=True,
        help="inline: each report holds plotly.js (4.8 MB); directory: one shared plotly-VERSION.min.js "
        "beside the output folder (e.g. in runs/), loaded offline by a relative path.",
    )(command)


def plotly_js(mode: str, page: Path) -> str | None:
    """For --plotly directory, write the shared plotly.js into the folder holding `page`'s folder and
    return its URL relative to `page`; None (inline) otherwise."""
    if mode == "inline":
        return None
    from sim.report.style import plotly_src, shared_plotly

    return plotly_src(page, shared_plotly(page.parent.parent))


class Progress:
    """A progress bar on a terminal (quiet when piped or asked), counting finished replications."""

    def __init__(self, total: int, label: str, quiet: bool):
        self.done = 0
        self.bar = (
            None if quiet or not sys.stderr.isatty() else click.progressbar(length=total, label=label, file=sys.stderr)
        )

    def __enter__(self) -> Progress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, k: int) -> None:
        self.done += k
        if self.bar is not None:
            self.bar.update(k)


def simulating(
    total: int, label: str, quiet: bool, cache_note: str, rerun: str, work: Callable[[Progress], Any]
) -> Any:
    """Run `work` with a progress bar; Ctrl-C and failing replications end it with a clear message."""
    progress = Progress(total, label, quiet)
    try:
        with progress:
            return work(progress)
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted after {progress.done} of {total} replications; {cache_note}", err=True)
        sys.exit(130)
    except ReplicationFailed as exc:
        click.echo(f"error: {exc}\nrerun it alone with: {rerun.format(seed=exc.seed, index=exc.index)}", err=True)
        sys.exit(1)
    except ClusterLost as exc:
        click.echo(f"error: {exc}; {progress.done} of {total} replications finished; {cache_note}", err=True)
        sys.exit(1)


def _how(workers: int, executor: str, scheduler: str | None, no_cache: bool) -> dict[str, Any]:
    return {"workers": workers, "executor": executor, "scheduler": scheduler, "cache": not no_cache}


def _cache_note(no_cache: bool) -> str:
    return "nothing kept (--no-cache)" if no_cache else "they are cached: run the same command again to resume"


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@experiment_options
@click.option(
    "--fidelity",
    type=click.Choice(["batch", "vehicle"]),
    default="batch",
    show_default=True,
    help="batch: exact batches between events; vehicle: one entity per vehicle (slow, for checks).",
)
@click.option(
    "--first", type=click.IntRange(0, 2**40), default=0, help="Index of the first replication (to rerun one alone)."
)
@click.option("--parquet", is_flag=True, help="Also write the tables as Parquet (needs pyarrow: sim[parquet]).")
@click.option("--xlsx", is_flag=True, help="Also write one Excel workbook: KPIs, by brand, monthly (sim[excel]).")
@plotly_option
@guarded
def run(file: Path, replications: int | None, seed: int | None, overrides: tuple[str, ...], out: Path | None,
        force: bool, workers: int, executor: str, scheduler: str | None, no_cache: bool, quiet: bool,
        fidelity: str, first: int, parquet: bool, xlsx: bool, plotly: str) -> None:  # fmt: skip
    """Run scenario FILE and write a run directory with tables, KPIs and report.html."""
    _load()
    for wanted, module, what in ((parquet, "pyarrow", "--parquet"), (xlsx, "openpyxl", "--xlsx (an Excel workbook)")):
        if wanted:
            optional(module, what)  # before any work
    scenario = sim.load(file, overrides)
    target = claim(out or rundir.default_path(scenario.meta.name), force)
    n = replications or scenario.meta.replications
    how = _how(workers, executor, scheduler, no_cache) | {"fidelity": fidelity, "first": first}
    rerun = f"sim --debug run {file} --seed {{seed}} --first {{index}} -n 1 --no-cache"
    results = simulating(
        n, f"{scenario.meta.name}: {n} replications", quiet, _cache_note(no_cache), rerun,
        lambda progress: sim.run(scenario, n, seed, progress, **how),
    )  # fmt: skip
    js = plotly_js(plotly, target.out / "report.html")
    computed = results.kpis()  # once, for the files and the text
    path = rundir.write(results, target, source=str(file), parquet=parquet, xlsx=xlsx, plotly_js=js, kpis=computed)
    from sim.report import summary, text

    click.echo(summary.text(summary.run_summary(results, computed)) + "\n")
    click.echo(text.kpi_table(results, computed))
    if brands := text.brand_table(results, computed):
        click.echo(f"\nBy brand, over the horizon:\n{brands}")
    cached = f", {results.cached:,} from the cache," if results.cached else ""
    click.echo(f"\n{n:,} replications{cached} in {results.wall_seconds:.2f} s; run directory: {path}")
    click.echo(f"report: {path / 'report.html'}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@experiment_options
@plotly_option
@guarded
def compare(files: tuple[Path, ...], replications: int | None, seed: int | None, overrides: tuple[str, ...],
            out: Path | None, force: bool, workers: int, executor: str, scheduler: str | None, no_cache: bool,
            quiet: bool, plotly: str) -> None:  # fmt: skip
    """Compare scenario FILES on common random numbers: each KPI against the first, with paired 95% CIs.

    A FILE may also be a run folder (of `sim run`): its replications are used as they are, and the
    scenarios run the same ones (same seed, count and first replication) beside them.
    """
    _load()
    from sim.experiment.compare import compare_with
    from sim.report.compare import write as write_report

    if len(files) < 2:
        raise InvalidInput("compare needs at least two scenario files or run folders (the first is the base)")
    if overrides and (done := [str(f) for f in files if f.is_dir()]):
        raise InvalidInput(f"--set changes scenario files, not finished runs ({', '.join(done)})")
    items = [rundir.read(f) if f.is_dir() else sim.load(f, overrides) for f in files]
    scenarios = [getattr(x, "scenario", x) for x in items]
    runs = [x for x in items if not isinstance(x, Scenario)]
    target = claim(out or rundir.default_path("compare"), force)
    n = runs[0].replications if runs else replications or scenarios[0].meta.replications
    names = [f.name if f.is_dir() else f.stem for f in files]
    comparison = simulating(
        n * (len(files) - len(runs)), f"compare: {len(files)} x {n} replications", quiet, _cache_note(no_cache),
        "sim --debug run SCENARIO.yaml --seed {seed} --first {index} -n 1 --no-cache (with the failing scenario)",
        lambda progress: compare_with(items, replications if runs else n, seed, progress, names, **_how(workers, executor, scheduler, no_cache)),
    )  # fmt: skip

    js = plotly_js(plotly, target.out / "compare.html")

    def fill(tmp: Path) -> None:
        comparison.to_csv(tmp)
        rundir.save_comparison(comparison, tmp)  # so that `sim report` can draw it again
        write_report(comparison, tmp / "compare.html", js)
        (tmp / "manifest.json").write_text(
            rundir.manifest(
                command="compare",
                scenarios=[
                    {"run" if f.is_dir() else "file": str(f), "hash": s.digest()}
                    for f, s in zip(files, scenarios, strict=True)
                ],
                seed=comparison.seed,
                replications=comparison.replications,
            )
        )

    path = target.fill(fill)
    from sim.report import summary, text

    click.echo(summary.text(summary.compare_summary(comparison)) + "\n")
    click.echo(text.differences_table(comparison))
    click.echo(f"\noutput: {path}\nreport: {path / 'compare.html'}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@experiment_options
@click.option("--kpi", help="KPI of the heatmap or tornado (default: own-brand units lost, else the SOP date).")
@click.option(
    "--max-points", type=click.IntRange(1), default=None, help="Allow a grid of more points than 10,000 (the cap)."
)
@plotly_option
@guarded
def sweep(file: Path, replications: int | None, seed: int | None, overrides: tuple[str, ...], out: Path | None,
          force: bool, workers: int, executor: str, scheduler: str | None, no_cache: bool, quiet: bool,
          kpi: str | None, max_points: int | None, plotly: str) -> None:  # fmt: skip
    """Sweep FILE over a grid: a scenario with --set PATH=V1,V2,... (repeatable), or a sweep file."""
    _load()
    from sim.experiment import sweep as sweeps
    from sim.report.sweep import write as write_report
    from sim.scenario.loader import is_sweep_file

    if is_sweep_file(file):
        if overrides:
            raise InvalidInput(f"{file} is a sweep file: put the values to sweep in it, not in --set")
        spec = sweeps.load_sweep(file, max_points)
        base, design, fixed, kpi = spec.scenario, spec.design, spec.overrides, kpi or spec.kpi
        description = spec.description
        n = replications or spec.replications
        seed = spec.seed if seed is None else seed
    else:
        if not overrides:
            sim.load(file)  # a study's file, or a broken scenario, says so first
            raise InvalidInput("a sweep needs --set PATH=V1,V2,... (repeatable) or a sweep file")
        base, design, fixed, description = file, sweeps.grid(sweeps.axes(overrides), max_points), (), ""
        n = replications
    points = sweeps.prepare(base, design, fixed, kpi)  # every point valid before any work
    target = claim(out or rundir.default_path("sweep"), force)
    total = len(points) * (n or points[0][1].meta.replications)
    click.echo(
        f"sweep: {len(points):,} points x {total // len(points):,} replications = {total:,} replications", err=True
    )
    results = simulating(
        total, f"sweep: {len(points)} points", quiet, _cache_note(no_cache),
        "sim --debug run SCENARIO.yaml --seed {seed} --first {index} -n 1 --no-cache (with the failing point's --set)",
        lambda progress: sweeps.sweep(base, design, n, seed, progress, fixed, kpi, **_how(workers, executor, scheduler, no_cache)),
    )  # fmt: skip
    results.description = description  # the sweep file's, for the report
    js = plotly_js(plotly, target.out / "sweep.html")

    def fill(tmp: Path) -> None:
        results.to_csv(tmp)
        rundir.save_sweep(results, tmp)  # so that `sim report` can draw it again
        write_report(results, tmp / "sweep.html", kpi, js)
        (tmp / "manifest.json").write_text(
            rundir.manifest(
                command="sweep", scenario=str(base), design=design.describe(), points=len(points), seed=seed
            )
        )

    path = target.fill(fill)
    from sim.report import summary, text

    click.echo(summary.text(summary.sweep_summary(results, kpi)) + "\n")
    click.echo(text.sweep_table(results, kpi))
    click.echo(f"\noutput: {path}\nreport: {path / 'sweep.html'}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@experiment_options
@plotly_option
@guarded
def optimize(file: Path, replications: int | None, seed: int | None, overrides: tuple[str, ...], out: Path | None,
             force: bool, workers: int, executor: str, scheduler: str | None, no_cache: bool,
             quiet: bool, plotly: str) -> None:  # fmt: skip
    """Find the best contract terms of study FILE (docs/optimize.md): search, rank, state feasibility.

    -n sets the replications per candidate in the search; --set overrides every candidate.
    """
    _load()
    import dataclasses

    import yaml

    from sim.experiment.optimize import optimize as answer
    from sim.experiment.optimize import planned_replications
    from sim.experiment.study import load_study
    from sim.report import study as study_text
    from sim.report.optimize import write as write_report

    study = load_study(file, overrides)  # every problem of the file before any work
    if replications:
        study = dataclasses.replace(study, budget=dataclasses.replace(study.budget, replications=replications))
    target = claim(out or rundir.default_path(study.name), force)
    result = simulating(
        planned_replications(study), f"optimize {study.name}", quiet, _cache_note(no_cache),
        "sim --debug run SCENARIO.yaml --seed {seed} --first {index} -n 1 --no-cache (with the failing candidate's --set)",
        lambda progress: _full(progress, answer(study, seed, _growing(progress), **_how(workers, executor, scheduler, no_cache))),
    )  # fmt: skip
    js = plotly_js(plotly, target.out / "report.html")

    def fill(tmp: Path) -> None:
        resolved = study.as_yaml_data() | {"seed": result.seed}
        (tmp / "study.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True))
        result.to_csv(tmp)
        (tmp / "chosen.json").write_text(json.dumps(result.as_json(), indent=2, default=str) + "\n")
        write_report(result, tmp / "report.html", js)
        (tmp / "manifest.json").write_text(
            rundir.manifest(
                command="optimize", study=str(file), scenario=str(study.scenario), seed=result.seed,
                candidates=len(result.candidates), simulations=result.simulated, replications=result.replications,
                wall_seconds=round(result.wall_seconds, 3),
            )
        )  # fmt: skip

    path = target.fill(fill)
    click.echo(study_text.text(study_text.summary(result)) + "\n")
    click.echo(study_text.candidates_table(result))
    click.echo(f"\noutput: {path}\nreport: {path / 'report.html'}")


def _growing(progress: Progress) -> Callable[[int], None]:
    """`progress`, its bar lengthened as it nears the end: how many replications a study needs is
    known only as the search goes."""

    def step(k: int) -> None:
        progress(k)
        if progress.bar is not None and progress.done >= 0.9 * progress.bar.length:
            progress.bar.length = int(progress.bar.length * 1.5) + 1

    return step


def _full(progress: Progress, result: Any) -> Any:
    """`result`, once `progress`'s bar shows the work done (the search may need less than planned)."""
    if progress.bar is not None:
        progress.bar.update(max(progress.bar.length - progress.bar.pos, 0))
    return result


@main.command()
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Report file (default: its place in RUN_DIR)."
)
@plotly_option
@guarded
def report(run_dir: Path, out: Path | None, plotly: str) -> None:
    """Draw the report of RUN_DIR (a run, comparison or sweep folder) again from its saved results."""
    _load()
    click.echo(f"report: {rundir.redraw(run_dir, out, plotly_js(plotly, out or run_dir / 'report.html'))}")


@main.command()
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
@guarded
def new(name: str, folder: Path) -> None:
    """Write NAME.yaml: a fully commented starter scenario (the baseline) that validates as written."""
    _load()
    from sim.scenario.starter import write as write_starter

    path = write_starter(name, folder)
    schema_file = folder / "scenario.schema.json"
    if not schema_file.exists():  # the starter points editors at it for autocompletion
        schema_file.write_text(json.dumps(json_schema(), indent=2) + "\n")
    click.echo(f"wrote {path}; edit it, then: sim validate {path} && sim run {path}")


def claim(out: Path, force: bool) -> Output:
    """Claim the output folder before any work (`sim.output`); the claim ends with the command."""
    target = Output(out, force)
    click.get_current_context().call_on_close(target.release)
    return target
