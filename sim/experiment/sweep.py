"""Sweeps: one base scenario run at many points of a design of overrides, on common random numbers.

A point is a set of ``dotted.path=value`` overrides (`sim.scenario.overrides`), kept as a dict of
path -> YAML value text. Two designs:

- ``grid``: the full factorial of each parameter's values, the last parameter varying fastest;
- ``sensitivity``: one at a time: the base point first, then each parameter at its low value and
  at its high value (points ``1 + 2i`` and ``2 + 2i`` for parameter ``i``), the others at base.

Every point is loaded and validated before any work starts; problems name the point and why
(``sweep point 3 (contract.reserved_share=1.5): ...``), each distinct problem once. Every point
runs from the same seed, so replication ``r`` of each point draws the same random numbers:
differences between points are the parameters', not the dice's. Points are numbered from 1.

A sweep file (YAML; read like a scenario, its errors name the file, line and field; documented for
planners in docs/sweeps.md)::

    description: Reserve share against engineering help   # optional, shown in the report
    scenario: ../baseline.yaml      # the base scenario, relative to this file (required)
    replications: 50                # per point (default: the scenario's)
    seed: 20210326                  # the seed of every point (default: the scenario's)
    kpi: owner_units_lost           # the KPI of the heatmap / tornado (default: see `default_kpi`)
    set:                            # overrides every point gets (optional)
      contract.fee_rmb_per_unit: 9000
    grid:                           # full factorial; give grid or sensitivity, not both
      contract.reserved_share: [0.1, 0.2, 0.3, 0.4]
      program.engineering_assist: [0.8, 1.0]
    # sensitivity:                  # one at a time, [low, high] per parameter
    #   program.engineering_assist: [0.7, 1.0]
    #   contract.reserved_share: [0.2, 0.4]

Values are YAML scalars (numbers, text, dates, true/false), as they would be written in the
scenario at that path. Results come as one tidy table (point, one column per swept path,
replication, kpi, value) from the per-replication `measures` of each point's run.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.experiment.replication import Replication
from sim.experiment.runner import assemble, run_many
from sim.results.indicators import Measure, keys, measures
from sim.results.kpis import estimate, iso
from sim.results.results import Results
from sim.results.table import Table, rounded
from sim.scenario import Scenario, ScenarioError, load
from sim.scenario.base import field_error
from sim.scenario.loader import (
    SET,
    Problem,
    _data_loc,
    _dotted,
    _nearest_mark,
    _show,
    read_text,
    read_yaml,
)
from sim.scenario.overrides import _PART

Point = dict[str, str]
_EXAMPLE = "for example contract.reserved_share=0.1,0.2,0.3"
_MAX_POINTS_NAMED = 10
#: The most points a grid may have unless asked for more (`--max-points`).
MAX_POINTS = 10_000


class SweepError(Exception):
    """A sweep that cannot run (bad options, sweep file or points); `problems` says which and why."""

    def __init__(self, problems: list[str], summary: str = ""):
        self.problems = problems
        super().__init__("\n".join([summary, *problems] if summary else problems))


@dataclass(frozen=True)
class Design:
    """The points of a sweep: each maps dotted paths to YAML value text; `params` are the swept paths."""

    points: list[Point]
    params: list[str]
    kind: Literal["grid", "sensitivity"] = "grid"

    def describe(self) -> str:
        """The design in a line, for reports."""
        n = len(self.points)
        if self.kind == "sensitivity":
            each = "the parameter" if len(self.params) == 1 else f"each of {len(self.params)} parameters"
            return f"one at a time: the base point, then {each} at its low and high value ({n} points)"
        if len(self.params) == 1:
            return f"{self.params[0]} at {n} values"
        sizes = " x ".join(f"{len({p[k] for p in self.points})}" for k in self.params)
        return f"full factorial of {', '.join(self.params)} ({sizes} = {n} points)"


def grid(axes: Mapping[str, Sequence[str]], max_points: int | None = None) -> Design:
    """The full factorial of `axes` (path -> values), in axis order with the last axis varying fastest.

    Refused when it has more than `max_points` points (default `MAX_POINTS`): each point is a
    scenario to load and run, so a typo in a range should not start hours of work."""
    problems = _check_axes({path: list(values) for path, values in axes.items()})
    if not axes:
        problems.append(f"a sweep needs at least one parameter with values ({_EXAMPLE})")
    size = math.prod(len(values) for values in axes.values())
    cap = MAX_POINTS if max_points is None else max_points
    if axes and size > cap:
        sizes = " x ".join(f"{len(values):,}" for values in axes.values())
        problems.append(
            f"the grid has {size:,} points ({sizes}), more than the cap of {cap:,}; "
            f"pass --max-points {size} to run it anyway"
        )
    if problems:
        raise SweepError(problems)
    paths = list(axes)
    points = [dict(zip(paths, values, strict=True)) for values in itertools.product(*axes.values())]
    return Design(points, paths, "grid")


def sensitivity(params: Mapping[str, tuple[str, str]], base: Mapping[str, str] | None = None) -> Design:
    """One-at-a-time design: the `base` point, then per parameter its low point and its high point.

    `base` overrides (path -> value) hold at every point unless the point varies that path.
    """
    problems = _check_axes({path: list(pair) for path, pair in params.items()})
    problems += [
        f"{path}: give [low, high], two values (got {len(pair)})" for path, pair in params.items() if len(pair) != 2
    ]
    if not params:
        problems.append("a sensitivity design needs at least one parameter with [low, high] values")
    if problems:
        raise SweepError(problems)
    base = dict(base or {})
    points = [dict(base)]
    for path, (low, high) in params.items():
        points += [{**base, path: low}, {**base, path: high}]
    return Design(points, list(params), "sensitivity")


def parse_axis(option: str) -> tuple[str, list[str]]:
    """The path and values of a command-line axis ``path=v1,v2,v3`` (values are YAML scalars)."""
    path, eq, text = option.partition("=")
    path = path.strip()
    if not eq or not path:
        raise SweepError([f"'{option}' should be dotted.path=value1,value2,... ({_EXAMPLE})"])
    values = [v.strip() for v in text.split(",")]
    if not text.strip():
        raise SweepError([f"{path}: no values to sweep; give one or more comma-separated values ({_EXAMPLE})"])
    problems = _check_axes({path: values})
    if problems:
        raise SweepError(problems)
    return path, values


def axes(options: Sequence[str]) -> dict[str, list[str]]:
    """Command-line axes ``path=v1,v2`` by path; every malformed or repeated one is reported at once."""
    out: dict[str, list[str]] = {}
    problems: list[str] = []
    for option in options:
        try:
            path, values = parse_axis(option)
        except SweepError as exc:
            problems += exc.problems
            continue
        if path in out:
            problems.append(f"{path}: given twice; put all its values in one option ({path}=v1,v2,...)")
        out[path] = values
    if problems:
        raise SweepError(problems)
    return out


def _check_axes(axes: Mapping[str, list[str]]) -> list[str]:
    """Problems of axes' values: empty ones and repeats."""
    problems = []
    for path, values in axes.items():
        if not values:
            problems.append(f"{path}: no values to sweep")
        elif any(not v.strip() for v in values):
            problems.append(f"{path}: an empty value in {', '.join(values)!r}; separate values with single commas")
        elif len(set(values)) < len(values):
            twice = next(v for v in values if values.count(v) > 1)
            problems.append(f"{path}: value {twice} is given twice; each point should differ")
    return problems


# -- preparing and running ----------------------------------------------------------------------
def prepare(
    base_path: str | Path, design: Design, extra_overrides: Sequence[str] = (), kpi: str | None = None
) -> list[tuple[Point, Scenario]]:
    """Every point of `design` loaded and validated (``extra_overrides`` first, then the point's).

    Raises `SweepError` naming each invalid point and its problem before any work, and when
    `kpi` is not a KPI of any point.
    """
    read_text(Path(base_path))  # an unreadable base is one ScenarioError, not one per point
    out: list[tuple[Point, Scenario]] = []
    failed: dict[str, list[int]] = {}  # problem -> points that have it
    labels: dict[str, str] = {}
    for n, point in enumerate(design.points, start=1):
        try:
            out.append((point, load(base_path, [*extra_overrides, *(f"{k}={v}" for k, v in point.items())])))
        except ScenarioError as exc:
            for p in exc.problems:
                text = f"{p.path}: {p.message}" if p.file == SET and p.path else str(p)
                failed.setdefault(text, []).append(n)
                labels.setdefault(text, _label(n, point))
    if failed:
        bad = len({n for ns in failed.values() for n in ns})
        problems = [f"{labels[text]}: {text}{_also(ns[1:])}" for text, ns in failed.items()]
        raise SweepError(problems, f"{bad} of {len(design.points)} sweep points are invalid; nothing was run:")
    if kpi is not None:
        check_kpi(kpi, [key for _, s in out for key in keys(s)])  # known from the scenarios, before any run
    return out


def sweep(
    base_path: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    extra_overrides: Sequence[str] = (),
    kpi: str | None = None,
    **run_options: Any,
) -> SweepResults:
    """Run every point of `design` from the same `seed` (common random numbers), all points'
    replications in one pool (`run_many`: it starts once and stays busy to the last point).

    `replications` and `seed` default to each point's scenario's (the same unless the design
    varies ``meta``). `progress` is called with the number of replications just finished, over
    all points; `run_options` (fidelity, workers, executor, scheduler, cache) go to `run_many`.
    """
    prepared = prepare(base_path, design, extra_overrides, kpi)
    counts = [s.meta.replications if replications is None else replications for _, s in prepared]
    seeds = [s.meta.seed if seed is None else seed for _, s in prepared]
    began = time.perf_counter()
    done: list[dict[int, Replication]] = [{} for _ in prepared]
    for common in dict.fromkeys(seeds):  # one pool per seed (one, unless the design varies meta.seed)
        points = [k for k, own in enumerate(seeds) if own == common]
        ran = run_many([(prepared[k][1], range(counts[k])) for k in points], common, progress, **run_options)
        for k, replications_of in zip(points, ran, strict=True):
            done[k] = replications_of
    wall = time.perf_counter() - began
    results = []
    for k, (_, s) in enumerate(prepared):
        # Taken out as the point is stacked, so the replications go as their arrays are made: at
        # most one point's are held twice (not every point's).
        ordered = [done[k].pop(i) for i in range(counts[k])]
        # The pool's time, shared by the points in proportion to their replications.
        point = assemble(s, seeds[k], ordered, run_options.get("fidelity", "batch"), wall * counts[k] / sum(counts))
        point.cached = sum(r.cached for r in ordered)
        results.append(point)
        del ordered
    settings = [{path: point.get(path, value_at(s, path)) for path in design.params} for point, s in prepared]
    return SweepResults(Path(base_path), design, results, settings, tuple(extra_overrides), kpi)


def _label(n: int, point: Point) -> str:
    return f"sweep point {n} ({', '.join(f'{k}={v}' for k, v in point.items()) or 'the base scenario'})"


def _also(points: list[int]) -> str:
    if not points:
        return ""
    named = ", ".join(map(str, points[:_MAX_POINTS_NAMED]))
    more = f" and {len(points) - _MAX_POINTS_NAMED} more" if len(points) > _MAX_POINTS_NAMED else ""
    return f" (same problem at point{'s' if len(points) > 1 else ''} {named}{more})"


def value_at(scenario: Scenario, path: str) -> str:
    """The scenario's value at a dotted override path, as text ('' when it has none)."""
    node: Any = scenario.model_dump(mode="json")
    for m in _PART.finditer(path):
        key = (m["key"] or m["item"]).strip()
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list):
            ids = [item.get("id", item.get("name")) if isinstance(item, dict) else None for item in node]
            node = (
                node[int(key)] if key.isdigit() and int(key) < len(node) else dict(zip(ids, node, strict=True)).get(key)
            )
        else:
            return ""
    if node is None:
        return ""
    if isinstance(node, bool | dict | list):
        return json.dumps(node)
    return str(node)


# -- KPI names ----------------------------------------------------------------------------------
def check_kpi(kpi: str, known: Sequence[str]) -> None:
    """Raise `SweepError` when `kpi` is not one of `known`, with the closest one."""
    known = list(dict.fromkeys(known))
    if kpi in known:
        return
    close = difflib.get_close_matches(kpi, known, n=1, cutoff=0.6)
    guess = f"; did you mean '{close[0]}'?" if close else "."
    raise SweepError([f"unknown KPI '{kpi}'{guess} Expected one of: {', '.join(known)}."])


def default_kpi(keys: Sequence[str]) -> str:
    """The KPI a sweep plots when none is chosen: own-brand units lost, else SOP, else own-brand units."""
    return next((k for k in ("owner_units_lost", "sop_day", "owner_units") if k in keys), keys[0])


# -- results -------------------------------------------------------------------------------------
@dataclass
class SweepResults:
    """The runs of a sweep: `results[i]` is the run of `design.points[i]` (point ``i + 1``).

    `settings[i]` holds the point's value of every swept path as text: the value the point sets,
    or the scenario's own (a sensitivity design's base point).
    """

    base: Path
    design: Design
    results: list[Results]
    settings: list[dict[str, str]]
    extra_overrides: tuple[str, ...] = ()
    kpi: str | None = None
    description: str = ""

    @property
    def points(self) -> list[Point]:
        return self.design.points

    @property
    def params(self) -> list[str]:
        return self.design.params

    @functools.cached_property
    def measures(self) -> list[dict[str, Measure]]:
        """Each point's measures; a KPI that only other points have (a point without breakdowns in a
        sweep over them, say) is NaN there."""
        each = [measures(r) for r in self.results]
        like = {k: m[k] for m in reversed(each) for k in m}  # any point's measure, for label and unit
        union = list(dict.fromkeys(k for m in each for k in m))
        return [
            {k: m[k] if k in m else replace(like[k], values=np.full(r.replications, np.nan)) for k in union}
            for m, r in zip(each, self.results, strict=True)
        ]

    def kpi_keys(self) -> list[str]:
        return list(self.measures[0]) if self.measures else []

    def chosen_kpi(self, kpi: str | None = None) -> str:
        """`kpi`, else the sweep's, else `default_kpi`; checked against the KPIs the runs have."""
        kpi = kpi or self.kpi or default_kpi(self.kpi_keys())
        check_kpi(kpi, self.kpi_keys())
        return kpi

    def kpis(self) -> list[list]:
        """Every point's KPIs with their 95% intervals (`Results.kpis` of each point's run)."""
        return [results.kpis() for results in self.results]

    def table(self, name: str = "sweep") -> Table:
        """Tidy: one row per (point, replication, KPI) with columns point, <swept paths>, replication,
        kpi, value; `name` "summary" gives `summary()` instead."""
        if name == "summary":
            return self.summary()
        if name != "sweep":
            raise KeyError(f"no table {name!r}; tables are sweep, summary")
        cols: dict[str, list] = {"point": [], **{p: [] for p in self.params}, "replication": [], "kpi": [], "value": []}
        for n, (m, setting) in enumerate(zip(self.measures, self.settings, strict=True), start=1):
            for key, measure in m.items():
                size = len(measure.values)
                cols["point"] += [n] * size
                for p in self.params:
                    cols[p] += [setting[p]] * size
                cols["replication"] += range(size)
                cols["kpi"] += [key] * size
                cols["value"] += measure.values.tolist()
        return Table(
            {
                name: np.array(values, dtype=int if name in ("point", "replication") else None)
                for name, values in cols.items()
            }
        )

    def summary(self, kpi: str | None = None) -> Table:
        """Per point and KPI (or only `kpi`): statistic (mean, or median for SOP), value and 95% CI."""
        keys = [self.chosen_kpi(kpi)] if kpi else self.kpi_keys()
        cols: dict[str, list] = {"point": [], **{p: [] for p in self.params}}
        cols |= {"kpi": [], "unit": [], "statistic": [], "value": [], "low": [], "high": []}
        for n, (m, setting) in enumerate(zip(self.measures, self.settings, strict=True), start=1):
            for key in keys:
                stat, value, low, high = estimate(m[key])
                row = {"point": n, **setting, "kpi": key, "unit": m[key].unit, "statistic": stat}
                row |= {"value": value, "low": low, "high": high}
                for name, v in row.items():
                    cols[name].append(v)
        return Table(cols)

    def tornado(self, kpi: str | None = None) -> list[tuple[str, float, float]]:
        """(parameter, low point minus base, high point minus base) of a sensitivity design's KPI estimate,
        the widest range first."""
        if self.design.kind != "sensitivity":
            raise SweepError(["a tornado needs a sensitivity design (base, then low and high per parameter)"])
        key = self.chosen_kpi(kpi)
        est = [estimate(m[key])[1] for m in self.measures]
        bars = [(p, est[1 + 2 * i] - est[0], est[2 + 2 * i] - est[0]) for i, p in enumerate(self.params)]
        return sorted(bars, key=lambda b: -abs(b[2] - b[1]) if np.isfinite(b[2] - b[1]) else np.inf)

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write ``sweep.csv`` (the tidy table) and ``summary.csv`` (every point's KPIs) in `directory`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = [directory / "sweep.csv", directory / "summary.csv"]
        start = self.results[0].scenario.meta.start_date
        for path, table, columns in (
            (paths[0], self.table(), ("value",)),
            (paths[1], self.summary(), ("value", "low", "high")),
        ):
            # Dates as ISO dates, not days since the start; numbers at the precision of their unit.
            units = np.array([self.measures[0][k].unit for k in table.col("kpi").tolist()], dtype=str)
            for column in columns:
                values = table.col(column).astype(float)
                for unit in set(units.tolist()) - {"date"}:
                    values[units == unit] = rounded(values[units == unit], unit)
                table.columns[column] = np.array(
                    [iso(start, v) if u == "date" else v for v, u in zip(values.tolist(), units, strict=True)],
                    dtype=object,
                )
            table.to_csv(path)
        return paths


# -- sweep files ---------------------------------------------------------------------------------
def _scalar(value: Any) -> str:
    """A YAML scalar of the sweep file as the override text that reads back as the same value."""
    if value is None or isinstance(value, dict | list):
        raise ValueError("should be one value (a number, text, date or true/false), not a list, mapping or nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and (not text.strip() or _reads_as(text) != value):
        return json.dumps(value)  # quoted, so 'yes' or '0.10' stay text
    return text


def _reads_as(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _distinct(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("no values to sweep")
    if len(set(values)) < len(values):
        raise ValueError(
            f"value {next(v for v in values if values.count(v) > 1)} is given twice; each point should differ"
        )
    return values


def _pair(values: list[str]) -> list[str]:
    if len(values) != 2:
        raise ValueError(f"should be [low, high], two values (got {len(values)})")
    return _distinct(values)


Value = Annotated[Any, AfterValidator(_scalar)]
Axis = Annotated[list[Value], AfterValidator(_distinct)]
Pair = Annotated[list[Value], AfterValidator(_pair)]


class SweepFile(BaseModel):
    """A sweep file: the base scenario, fixed overrides, one design, and how to run it."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field("", description="What the sweep asks, for the report.")
    scenario: str = Field(min_length=1, description="The base scenario file, relative to the sweep file.")
    replications: int | None = Field(None, ge=1, le=100_000, description="Replications per point.")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="Seed of every point.")
    kpi: str | None = Field(None, description="KPI of the heatmap and tornado.")
    set: dict[str, Value] = Field({}, description="Overrides every point gets.")
    grid: dict[str, Axis] | None = Field(None, description="Full factorial: values per dotted path.")
    sensitivity: dict[str, Pair] | None = Field(None, description="One at a time: [low, high] per dotted path.")

    @model_validator(mode="after")
    def _one_design(self) -> SweepFile:
        if (self.grid is None) == (self.sensitivity is None):
            where = ("sensitivity",) if self.grid is not None else ()
            field_error(where, "give exactly one of grid: (full factorial) or sensitivity: (one at a time)")
        if not (self.grid if self.grid is not None else self.sensitivity):
            field_error(
                ("grid" if self.grid is not None else "sensitivity",),
                "no parameters; give dotted.path: [values] under it",
            )
        return self

    def design(self, max_points: int | None = None) -> Design:
        if self.grid is not None:
            return grid(self.grid, max_points)
        assert self.sensitivity is not None
        return sensitivity({path: (low, high) for path, (low, high) in self.sensitivity.items()})


@dataclass(frozen=True)
class SweepSpec:
    """A sweep file read: what to run and how."""

    scenario: Path
    design: Design
    overrides: tuple[str, ...] = ()
    replications: int | None = None
    seed: int | None = None
    kpi: str | None = None
    description: str = ""


def load_sweep(path: str | Path, max_points: int | None = None) -> SweepSpec:
    """Read and check a sweep file; problems (`SweepError`) name the file, line and field.

    A grid of more than `max_points` points (default `MAX_POINTS`) is refused."""
    path = Path(path)
    source = str(path)
    try:
        text = read_text(path)
    except ScenarioError as exc:
        raise SweepError([str(p).replace("scenario", "sweep") for p in exc.problems]) from None
    if not any(line.strip() and not line.lstrip().startswith(("#", "---")) for line in text.splitlines()):
        raise SweepError([f"{source}: is empty; a sweep file needs scenario: and grid: or sensitivity:"])
    try:
        data, marks = read_yaml(text, source)
    except ScenarioError as exc:
        msgs = [str(p) for p in exc.problems]
        raise SweepError([re.sub(r"sections \(meta:.*\)$", "keys (scenario:, grid:, ...)", m) for m in msgs]) from None
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise SweepError([str(p) for p in _problems(exc, data, marks, source)]) from None
    scenario = Path(os.path.normpath(path.parent / spec.scenario))
    if not scenario.is_file():
        file, line, col = marks[("scenario",)]
        message = f"no scenario file {spec.scenario} (looked for {scenario}: the path is relative to the sweep file)"
        raise SweepError([str(Problem(file, line, col, "scenario", message))])
    return SweepSpec(
        scenario=scenario,
        design=spec.design(max_points),
        overrides=tuple(f"{k}={v}" for k, v in spec.set.items()),
        replications=spec.replications,
        seed=spec.seed,
        kpi=spec.kpi,
        description=spec.description,
    )


def run_file(
    path: str | Path,
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    **run_options: Any,
) -> SweepResults:
    """Run the sweep file at `path`; `replications` and `seed` override the file's."""
    spec = load_sweep(path)
    out = sweep(
        spec.scenario,
        spec.design,
        replications or spec.replications,
        spec.seed if seed is None else seed,
        progress,
        spec.overrides,
        spec.kpi,
        **run_options,
    )
    out.description = spec.description
    return out


def _problems(
    exc: ValidationError, data: Any, marks: dict, source: str, known: Callable[[tuple], list[str]] | None = None
) -> list[Problem]:
    """Sweep-file (or study-file) validation errors placed at their lines; `known` gives the fields
    allowed at a location (default: the sweep file's top-level fields)."""
    out = []
    for err in exc.errors():
        loc = _data_loc(data, tuple(err["loc"]))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "cross_field":
            loc = _data_loc(data, loc + tuple(err["ctx"]["path"]))
        elif err["type"] == "extra_forbidden":
            fields = known(loc[:-1]) if known else list(SweepFile.model_fields)
            close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
            message = f"unknown field '{loc[-1]}'" + (f"; did you mean '{close[0]}'?" if close else ".")
            message += f" Expected one of: {', '.join(fields)}."
        elif err["type"] == "missing":
            message = f"missing required field '{loc[-1]}'"
        elif not isinstance(err.get("input"), dict | list):
            message += f" (got {_show(err.get('input'))})"
        mark = marks.get((*loc, "<key>")) if err["type"] == "extra_forbidden" else _nearest_mark(marks, loc)
        file, line, col = mark or (source, 0, 0)
        out.append(Problem(file, line, col, _dotted(loc), message))
    return sorted(out, key=lambda p: (p.line, p.column))
