"""Results of a run: per-replication arrays by month, the tidy tables derived from them.

Each replication's records are folded once into arrays indexed (replication, product or
line, month); everything else (tables, KPIs, CSV, the report) is derived from those arrays,
and nothing re-simulates. `base_built` holds the owner's products built in the same
replication without the contract (same random streams), the reference for units lost.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.model.calendar import HOURS_PER_DAY, Calendar
from sim.model.recorder import Record
from sim.results.table import Table
from sim.scenario import Scenario

TABLES = ("products", "lines", "program", "replications")


@dataclass
class Results:
    """Outputs of `replications` replications of `scenario` from `seed`."""

    scenario: Scenario
    seed: int
    calendar: Calendar
    built: np.ndarray  # (replication, product, month) vehicles
    demand: np.ndarray  # (replication, product, month) vehicles released
    base_built: np.ndarray  # (replication, product, month) without the contract
    open_hours: np.ndarray  # (replication, line, month)
    busy_hours: np.ndarray  # (replication, line, month)
    milestone_start: np.ndarray  # (replication, milestone) clock hours
    milestone_finish: np.ndarray  # (replication, milestone) clock hours
    sop: np.ndarray  # (replication,) clock hours; inf without a program
    events: int = 0  # SimPy events processed in all replications, counterfactual included
    wall_seconds: float = 0.0
    meta: dict = field(default_factory=dict)

    # -- shape -------------------------------------------------------------------------------
    @property
    def replications(self) -> int:
        return self.built.shape[0]

    @property
    def months(self) -> list[str]:
        return [m.label for m in self.calendar.months]

    @property
    def product_ids(self) -> list[str]:
        return [p.id for p in self.scenario.products]

    @property
    def line_names(self) -> list[str]:
        return [f"{self.scenario.plant.name}.{ln.id}" for ln in self.scenario.plant.lines]

    @property
    def milestone_ids(self) -> list[str]:
        return [m.id for m in self.scenario.program.milestones] if self.scenario.program else []

    @property
    def backlog(self) -> np.ndarray:
        """Open demand at each month's end: cumulative demand minus cumulative output."""
        return np.cumsum(self.demand - self.built, axis=2).clip(min=0.0)

    def date(self, hour: float) -> dt.date | None:
        """Calendar day of a clock hour (None for an SOP that never comes)."""
        if not np.isfinite(hour):
            return None
        return self.scenario.meta.start_date + dt.timedelta(days=float(hour) / HOURS_PER_DAY)

    def customer_mask(self) -> np.ndarray:
        customer = self.scenario.contract.customer if self.scenario.contract else None
        return np.array([p.owner == customer for p in self.scenario.products])

    # -- tables ------------------------------------------------------------------------------
    def table(self, name: str) -> Table:
        """A tidy table: products, lines, program or replications."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables are {', '.join(TABLES)}")
        return getattr(self, f"_{name}_table")()

    def _products_table(self) -> Table:
        r, p, m = np.indices(self.built.shape)
        brand = np.array([x.brand for x in self.scenario.products])
        owner = np.array([x.owner for x in self.scenario.products])
        products = np.array(self.product_ids)
        months = np.array(self.months)
        metrics = {"built": self.built, "demand": self.demand, "backlog": self.backlog}
        if self.scenario.contract is not None:
            metrics["built_without_contract"] = self.base_built
        n = len(metrics)
        return Table(
            {
                "replication": np.tile(r.ravel(), n),
                "month": np.tile(months[m.ravel()], n),
                "product": np.tile(products[p.ravel()], n),
                "brand": np.tile(brand[p.ravel()], n),
                "owner": np.tile(owner[p.ravel()], n),
                "metric": np.repeat(list(metrics), r.size),
                "value": np.concatenate([v.ravel() for v in metrics.values()]),
            }
        )

    def _lines_table(self) -> Table:
        r, ln, m = np.indices(self.open_hours.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            utilisation = np.where(self.open_hours > 0, self.busy_hours / self.open_hours, 0.0)
        metrics = {"open_hours": self.open_hours, "busy_hours": self.busy_hours, "utilisation": utilisation}
        return Table(
            {
                "replication": np.tile(r.ravel(), 3),
                "month": np.tile(np.array(self.months)[m.ravel()], 3),
                "line": np.tile(np.array(self.line_names)[ln.ravel()], 3),
                "metric": np.repeat(list(metrics), r.size),
                "value": np.concatenate([v.ravel() for v in metrics.values()]),
            }
        )

    def _program_table(self) -> Table:
        r, k = np.indices(self.milestone_start.shape)
        start, finish = self.milestone_start.ravel(), self.milestone_finish.ravel()
        return Table(
            {
                "replication": r.ravel(),
                "milestone": np.array(self.milestone_ids, dtype=str)[k.ravel()] if k.size else np.array([], str),
                "start": [str(self.date(h)) for h in start],
                "finish": [str(self.date(h)) for h in finish],
                "duration_days": (finish - start) / HOURS_PER_DAY,
            }
        )

    def _replications_table(self) -> Table:
        target = self.target_hour()
        return Table(
            {
                "replication": np.arange(self.replications),
                "sop": [str(self.date(h)) if np.isfinite(h) else "" for h in self.sop],
                "sop_day": self.sop / HOURS_PER_DAY,
                "on_time": self.sop < target,
            }
        )

    def target_hour(self) -> float:
        """Clock hour at the end of the target launch day (SOP before it is on time)."""
        program = self.scenario.program
        return self.calendar.hour(program.target_launch) + HOURS_PER_DAY if program else np.inf

    # -- outputs -----------------------------------------------------------------------------
    def kpis(self) -> list:
        from sim.results.kpis import kpis

        return kpis(self)

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write every table as `<name>.csv` in `directory`; returns the paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in TABLES:
            path = directory / f"{name}.csv"
            self.table(name).to_csv(path)
            paths.append(path)
        return paths


def fold(records: list[Record], scenario: Scenario, calendar: Calendar) -> dict[str, np.ndarray]:
    """Per-month arrays of one replication from its records."""
    products = {p.id: i for i, p in enumerate(scenario.products)}
    lines = {f"{scenario.plant.name}.{ln.id}": i for i, ln in enumerate(scenario.plant.lines)}
    milestones = {m.id: i for i, m in enumerate(scenario.program.milestones)} if scenario.program else {}
    starts = [m.start_hour for m in calendar.months]
    n_months = len(starts)
    out = {
        "built": np.zeros((len(products), n_months)),
        "demand": np.zeros((len(products), n_months)),
        "open_hours": np.zeros((len(lines), n_months)),
        "busy_hours": np.zeros((len(lines), n_months)),
        "milestone_start": np.full(len(milestones), np.inf),
        "milestone_finish": np.full(len(milestones), np.inf),
        "sop": np.array(np.inf),
    }
    for time, kind, where, what, quantity in records:
        month = bisect.bisect_right(starts, time) - 1
        if kind == "built":
            out["built"][products[what], month] += quantity
        elif kind == "demand":
            out["demand"][products[what], month] += quantity
        elif kind == "open":
            out["open_hours"][lines[where], month] += quantity
        elif kind == "busy":
            out["busy_hours"][lines[where], month] += quantity
        elif kind == "milestone":
            out["milestone_start"][milestones[what]] = time
            out["milestone_finish"][milestones[what]] = time + quantity
        elif kind == "sop":
            out["sop"] = np.array(time)
    return out
