"""Comparing scenarios: each KPI's difference from the first scenario, paired over replications.

Every scenario runs the same replication indices from the same seed. A replication's random
streams depend only on (seed, index), one stream per subsystem, so replication i of every
scenario draws the same launch-program durations, breakdowns, demand and supply wherever the
scenarios agree on them (common random numbers). The difference of a KPI is then estimated
replication by replication: d_i = x_i(scenario) - x_i(first), and its 95% interval is the
Student-t interval of the d_i (`mean_ci`). The noise the scenarios share cancels in each d_i,
so the interval is much narrower than one from two independent samples, and a scenario
compared with itself differs by exactly zero with a zero-width interval. The interval assumes,
as every KPI interval here does, that replications are independent of one another.

Dates stay days since the scenario's start, so a date's difference is in days; a share's
(e.g. the 0/1 "SOP on time" per replication) is a difference of proportions. KPIs that exist
in only one scenario of a pair (contract units when one has no contract, a line one lacks)
are left out of that pair (`Comparison.unpaired` lists those only other scenarios have).
Finished runs (read from their folders) compare with each other and with scenarios run beside
them when they share seed, replication count and first replication (`compare_with`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiment.runner import run
from sim.results.indicators import Measure, measures
from sim.results.kpis import estimate, iso
from sim.results.results import Results
from sim.results.stats import mean_ci, quantile_ci
from sim.results.table import Table, rounded
from sim.scenario import Scenario


@dataclass(frozen=True)
class Difference:
    """One KPI of `scenario` against the first scenario: both means and the paired difference with its 95% CI."""

    key: str
    label: str
    unit: str  # as the KPI's: "date" (days), "share", "vehicles", "RMB", "hours"
    scenario: str
    base_value: float  # mean over replications in the first scenario (median for a date)
    value: float  # mean over replications in `scenario` (median for a date)
    difference: float  # mean of the per-replication differences (median for a date)
    low: float
    high: float
    statistic: str = "mean"  # "mean", or "median" for a date (SOP): the same statistic as a run's


@dataclass
class Comparison:
    """Results of several scenarios run on common random numbers; the first is the base."""

    results: list[Results]
    names: list[str] = field(default_factory=list)  # unique; default: the scenarios' meta.name

    def __post_init__(self) -> None:
        if len(self.results) < 2:
            raise ValueError("a comparison needs at least two scenarios")
        if len({(r.replications, r.seed, r.first) for r in self.results}) > 1:
            raise ValueError("paired differences need every scenario run with the same seed and replications")
        if not self.names:
            self.names = unique_names([r.scenario.meta.name for r in self.results])
        if len(self.names) != len(self.results) or len(set(self.names)) != len(self.names):
            raise ValueError(f"need one unique name per scenario, got {self.names}")

    @property
    def seed(self) -> int:
        return self.results[0].seed

    @property
    def replications(self) -> int:
        return self.results[0].replications

    @property
    def scenarios(self) -> list[Scenario]:
        return [r.scenario for r in self.results]

    @cached_property
    def measures(self) -> list[dict[str, Measure]]:
        """Each scenario's per-replication KPI values."""
        return [measures(r) for r in self.results]

    def differences(self) -> list[Difference]:
        """Every KPI of the first scenario against each other scenario that has it, in KPI order."""
        base = self.measures[0]
        out = []
        for name, other in zip(self.names[1:], self.measures[1:], strict=True):
            for key, m0 in base.items():
                if key in other:
                    out.append(paired(key, m0, other[key], name))
        return out

    def unpaired(self) -> list[Difference]:
        """Every KPI some scenario has and the base has not (a line only one scenario builds, say): its
        estimate in that scenario, with the base's value and the difference NaN (nothing to pair with)."""
        base = self.measures[0]
        out = []
        for name, other in zip(self.names[1:], self.measures[1:], strict=True):
            for key, m in other.items():
                if key not in base:
                    statistic, value, _, _ = estimate(m)
                    out.append(Difference(key, m.label, m.unit, name, np.nan, value, np.nan, np.nan, np.nan, statistic))
        return out

    def kpis(self) -> list[Difference]:
        """The differences (what a comparison reports, as `Results.kpis` is what a run reports)."""
        return self.differences()

    def table(self, name: str = "differences") -> Table:
        """The differences as a tidy table, one row per (scenario, KPI); a date's differences in days."""
        if name != "differences":
            raise KeyError(f"no table {name!r}; a comparison has one table, differences")
        diffs = self.differences()
        columns = {
            "scenario": [d.scenario for d in diffs],
            "kpi": [d.key for d in diffs],
            "label": [d.label for d in diffs],
            "unit": [d.unit for d in diffs],
            "statistic": [d.statistic for d in diffs],
            "base": [d.base_value for d in diffs],
            "value": [d.value for d in diffs],
            "difference": [d.difference for d in diffs],
            "low": [d.low for d in diffs],
            "high": [d.high for d in diffs],
        }
        # Typed empty columns, so a table of nothing still writes its header.
        return Table(
            {
                k: np.asarray(v, dtype=str if k in ("scenario", "kpi", "label", "unit", "statistic") else float)
                for k, v in columns.items()
            }
        )

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write the differences as `differences.csv` in `directory`; returns the paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "differences.csv"
        table = self.table()
        start = self.scenarios[0].meta.start_date
        units = table.col("unit")
        for column in ("base", "value", "difference", "low", "high"):  # at the precision of their unit
            values = table.col(column).astype(float)
            for unit in set(units.tolist()):
                values[units == unit] = rounded(values[units == unit], "days" if unit == "date" else unit)
            table.columns[column] = values
        dates = units == "date"
        for column in ("base", "value"):  # dates as ISO dates; their differences stay in days
            table.columns[column] = np.array(
                [iso(start, v) if is_date else v for v, is_date in zip(table.col(column), dates, strict=True)],
                dtype=object,
            )
        table.to_csv(path)
        return [path]


def compare(
    scenarios: list[Scenario],
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    names: list[str] | None = None,
    **run_options: Any,
) -> Comparison:
    """Run every scenario on the same replications and seed (default: the first scenario's).

    `run_options` (fidelity, workers, executor, scheduler) go to `sim.experiment.runner.run`;
    `progress` is called with the number of replications finished, len(scenarios) x
    replications in all. `names` (e.g. the files' stems) label the scenarios instead of
    their meta.name; repeats get a suffix either way.
    """
    if len(scenarios) < 2:
        raise ValueError("a comparison needs at least two scenarios")
    first = scenarios[0].meta
    n = first.replications if replications is None else replications
    seed = first.seed if seed is None else seed
    labels = unique_names(names if names is not None else [s.meta.name for s in scenarios])
    return Comparison([run(s, n, seed, progress, **run_options) for s in scenarios], labels)


class PairingError(Exception):
    """Finished runs (and the scenarios to run beside them) that cannot be paired replication by
    replication: different seeds, replication counts or first replications."""


def compare_with(
    items: list[Scenario | Results],
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    names: list[str] | None = None,
    **run_options: Any,
) -> Comparison:
    """Compare scenarios and finished runs (`Results`, e.g. read from run folders) on common random
    numbers: the runs are used as they are and the scenarios run the same replications from the
    same seed. The runs must agree with each other (and with `replications` and `seed` if given);
    otherwise `PairingError` says how they differ. Without runs, as `compare`."""
    done = [x for x in items if isinstance(x, Results)]
    if not done:
        return compare(list(items), replications, seed, progress, names, **run_options)  # type: ignore[arg-type]
    labels = names or [x.scenario.meta.name if isinstance(x, Results) else x.meta.name for x in items]
    terms = {(r.seed, r.replications, r.first) for r in done}
    if len(terms) > 1:
        each = "; ".join(
            f"{n}: seed {r.seed}, {r.replications} replications from {r.first}"
            for n, r in zip(labels, items, strict=True)
            if isinstance(r, Results)
        )
        raise PairingError(f"finished runs can only be compared when they share seed and replications ({each})")
    (s, n, first) = terms.pop()
    for asked, have, what in ((seed, s, "--seed"), (replications, n, "-n")):
        if asked is not None and asked != have:
            raise PairingError(
                f"{what} {asked} differs from the finished runs' ({have}): their replications are what is paired; "
                f"leave {what} out or run them again"
            )
    results = [x if isinstance(x, Results) else run(x, n, s, progress, first=first, **run_options) for x in items]
    return Comparison(results, unique_names(labels))


def paired(key: str, base: Measure, other: Measure, scenario: str) -> Difference:
    """The paired difference of one KPI: mean of other - base per replication, with its t interval.

    Replications where both values are equal (including both infinite, e.g. no SOP in
    either) differ by zero; when some difference is not finite the interval is undefined (NaN).
    """
    with np.errstate(invalid="ignore"):  # inf - inf, replaced by 0 where the values are equal
        d = np.where(other.values == base.values, 0.0, other.values - base.values)
    if base.indicator.statistic == "percentiles":
        # A date (SOP) is read by its median everywhere: the median paired difference, with its
        # distribution-free interval (a difference of infinite SOPs sorts as infinite).
        diff, low, high = quantile_ci(d, 0.5)
        values = float(np.median(base.values)), float(np.median(other.values))
        return Difference(key, f"{base.label}, median", base.unit, scenario, *values, diff, low, high, "median")
    if np.isfinite(d).all():
        diff, low, high = mean_ci(d)
    else:
        diff, low, high = float(np.mean(d)), np.nan, np.nan
    return Difference(
        key, base.label, base.unit, scenario, float(np.mean(base.values)), float(np.mean(other.values)), diff, low, high
    )


def unique_names(names: list[str]) -> list[str]:
    """`names` with repeats suffixed -2, -3, ... (skipping suffixes already taken)."""
    out: list[str] = []
    for name in names:
        candidate, k = name, 1
        while candidate in out or (candidate != name and candidate in names):
            k += 1
            candidate = f"{name}-{k}"
        out.append(candidate)
    return out
