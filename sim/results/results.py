"""Results of a run: per-replication arrays by month, the tidy tables derived from them.

Each replication's records are folded once into arrays indexed (replication, product or
line, month); everything else (tables, KPIs, CSV, the report) is derived from those arrays,
and nothing re-simulates. `reference` holds, for each counterfactual (the same replication
without the contract, or without the chip disruptions, on the same random streams), the
vehicles built per product and month: the baseline of "units lost to sharing" and "units
lost to the chip shortage".
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.model.calendar import HOURS_PER_DAY, Calendar, Month
from sim.model.recorder import Kind, Record
from sim.results.oee import oee, ratio
from sim.results.table import Table, long_csv, optional, rounded
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.results.money import Flows

TABLES = ("products", "lines", "program", "replications")
#: The tables with a row per (replication, product or line, month, metric).
LONG_TABLES = ("products", "lines")
PRODUCT_ARRAYS = ("built", "demand", "lost", "scrap")
LINE_ARRAYS = (
    "open_hours",
    "down_hours",
    "busy_hours",
    "changeover_hours",
    "starved_hours",
    "blocked_hours",
    "closed_hours",
    "overtime_hours",
    "line_built",
    "line_scrap",
)


@dataclass
class Results:
    """Outputs of the replications of `scenario` from `seed`."""

    scenario: Scenario
    seed: int
    months_: list[Month]
    built: np.ndarray  # (replication, product, month) good vehicles
    demand: np.ndarray  # (replication, product, month) vehicles released as demand
    lost: np.ndarray  # (replication, product, month) demand lost after waiting too long
    scrap: np.ndarray  # (replication, product, month) vehicles scrapped
    open_hours: np.ndarray  # (replication, line, month) hours the line worked (its plant's open hours it works)
    down_hours: np.ndarray  # (replication, line, month) open hours lost to breakdowns
    busy_hours: np.ndarray  # (replication, line, month) hours building (rework included)
    changeover_hours: np.ndarray  # (replication, line, month)
    starved_hours: np.ndarray  # (replication, line, month) up hours idle for want of input (shops in series)
    blocked_hours: np.ndarray  # (replication, line, month) up hours idle for want of buffer space
    closed_hours: np.ndarray  # (replication, line, month) working hours launch milestones took (tooling, pilots)
    overtime_hours: np.ndarray  # (replication, line, month) hours worked as overtime (in open_hours)
    line_built: np.ndarray  # (replication, line, month) good vehicles (vehicles through, before the last shop)
    line_scrap: np.ndarray  # (replication, line, month) vehicles scrapped
    milestone_start: np.ndarray  # (replication, milestone) clock hours
    milestone_finish: np.ndarray  # (replication, milestone) clock hours
    sop: np.ndarray  # (replication,) clock hours; inf without a program
    reserved: np.ndarray  # (replication, month) good vehicles the customer's reserve promised
    # counterfactual -> built; "<counterfactual>.overtime_hours" -> its (replication, line, month) overtime
    reference: dict[str, np.ndarray] = field(default_factory=dict)
    fidelity: str = "batch"  # "batch" or "vehicle"
    first: int = 0  # index of the first replication (tables number replications from it)
    events: int = 0  # SimPy events processed in all replications, counterfactuals included
    wall_seconds: float = 0.0
    cached: int = 0  # replications read from the result cache rather than simulated

    # -- shape -------------------------------------------------------------------------------
    @property
    def replications(self) -> int:
        return self.built.shape[0]

    @property
    def months(self) -> list[str]:
        return [m.label for m in self.months_]

    @property
    def product_ids(self) -> list[str]:
        return [p.id for p in self.scenario.products]

    @property
    def line_names(self) -> list[str]:
        return self.scenario.line_names()

    @property
    def jph(self) -> np.ndarray:
        """Rated jobs per hour of each line, in line order."""
        return np.array([ln.jph for ln in self.scenario.all_lines()])

    @property
    def rated_jph(self) -> np.ndarray:
        """Rated jobs per hour per (replication, line, month) (`line_rated_jph` of every line)."""
        return np.stack([self.line_rated_jph(j) for j in range(len(self.line_names))], axis=1)

    def line_rated_jph(self, j: int) -> np.ndarray:
        """Line j's rated jobs per hour per (replication, month): with speed changes, the month's
        mean over its open hours (a change at a milestone comes when it did in that replication)."""
        k, line = [(k, line) for k, plant in enumerate(self.scenario.plants) for line in plant.all_lines()][j]
        out = np.full((self.replications, len(self.months_)), line.jph)
        if not line.speed_changes:
            return out
        cal = Calendar(self.scenario.plants[k].calendar, self.scenario.meta.start_date, self.scenario.meta.end_date)
        for r in range(self.replications):
            changes = sorted(
                (
                    cal.hour(c.first_day)
                    if c.first_day is not None
                    else float(self.milestone_finish[r, self.milestone_ids.index(c.milestone)]),
                    c.jph,
                )
                for c in line.speed_changes
            )
            edges = [0.0, *(h for h, _ in changes)]
            speeds = [line.jph, *(v for _, v in changes)]
            for m, month in enumerate(self.months_):
                spans = [
                    (max(a, month.start_hour), min(b, month.end_hour))
                    for a, b in zip(edges, [*edges[1:], math.inf], strict=True)
                ]
                weights = [cal.open_hours(a, b) if b > a else 0.0 for a, b in spans]
                total = sum(weights)
                if total > 0:
                    out[r, m] = sum(w * v for w, v in zip(weights, speeds, strict=True)) / total
                else:  # a month without open hours: the speed in force at its start
                    out[r, m] = speeds[sum(e <= month.start_hour for e in edges) - 1]
        return out

    @property
    def milestone_ids(self) -> list[str]:
        return [m.id for m in self.scenario.program.milestones] if self.scenario.program else []

    @property
    def backlog(self) -> np.ndarray:
        """Open demand at each month's end: cumulative demand minus output and lost sales."""
        return self.backlog_of(slice(None))

    def backlog_of(self, products: slice | np.ndarray) -> np.ndarray:
        """`backlog` of the products selected, worked out in one array (a long run's product
        arrays are tens of MB each: no temporaries)."""
        out = self.demand[:, products] - self.built[:, products]
        out -= self.lost[:, products]
        np.cumsum(out, axis=2, out=out)
        return out.clip(min=0.0, out=out)

    @property
    def horizon_hours(self) -> float:
        return self.months_[-1].end_hour

    def date(self, hour: float) -> dt.date | None:
        """Calendar day of a clock hour (None for an SOP that never comes)."""
        if not np.isfinite(hour):
            return None
        return self.scenario.meta.start_date + dt.timedelta(days=float(hour) / HOURS_PER_DAY)

    @property
    def money(self) -> Flows:
        """The deal's cash flows to the owner, by replication and month (`sim.results.money`)."""
        from sim.results.money import flows

        return flows(self)

    def customer_mask(self) -> np.ndarray:
        customer = self.scenario.contract.customer if self.scenario.contract else None
        return np.array([p.owner == customer for p in self.scenario.products])

    def target_hour(self) -> float:
        """Clock hour at the end of the target launch day (SOP before it is on time)."""
        program = self.scenario.program
        if program is None:
            return np.inf
        return (program.target_launch - self.scenario.meta.start_date).days * HOURS_PER_DAY + HOURS_PER_DAY

    # -- tables ------------------------------------------------------------------------------
    def table(self, name: str) -> Table:
        """A tidy table: products, lines, program or replications."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables are {', '.join(TABLES)}")
        return getattr(self, f"_{name}_table")()

    def _products_table(self) -> Table:
        return self._long_table("products", self._product_metrics())

    def _product_metrics(self) -> dict[str, np.ndarray]:
        """Per (replication, product, month): the products table's metrics, in its order."""
        return {
            "built": self.built,
            "demand": self.demand,
            "backlog": self.backlog,
            "lost_sales": self.lost,
            "scrapped": self.scrap,
        } | {f"built_{name}": built for name, built in self.reference.items() if "." not in name}

    def line_metrics(self) -> dict[str, np.ndarray]:
        """Per (replication, line, month): hours, utilisation and the OEE split."""
        split = oee(self.open_hours, self.down_hours, self.line_built, self.line_scrap, self.rated_jph)
        return {
            "open_hours": self.open_hours,
            "down_hours": self.down_hours,
            "changeover_hours": self.changeover_hours,
            "busy_hours": self.busy_hours,
            "starved_hours": self.starved_hours,
            "blocked_hours": self.blocked_hours,
            "utilisation": ratio(self.busy_hours + self.changeover_hours, self.open_hours),
            **split._asdict(),
        }

    def _lines_table(self) -> Table:
        return self._long_table("lines", self.line_metrics())

    def _items(self, name: str) -> dict[str, list[str]]:
        """The columns that name the items of long table `name`: products (with brand and owner) or lines."""
        if name == "products":
            products = self.scenario.products
            return {
                "product": [p.id for p in products],
                "brand": [p.brand for p in products],
                "owner": [p.owner for p in products],
            }
        return {"line": self.line_names}

    def _long_table(self, name: str, metrics: dict[str, np.ndarray]) -> Table:
        """Long table `name` of `metrics` (each (replication, item, month)): a row per metric, replication,
        item and month, in that order."""
        r, i, m = np.indices(next(iter(metrics.values())).shape)
        n = len(metrics)
        return Table(
            {
                "replication": np.tile(r.ravel() + self.first, n),
                "month": np.tile(np.array(self.months)[m.ravel()], n),
                **{column: np.tile(np.array(names)[i.ravel()], n) for column, names in self._items(name).items()},
                "metric": np.repeat(list(metrics), r.size),
                "value": np.concatenate([v.ravel() for v in metrics.values()]),
            }
        )

    def _file_metrics(self, name: str) -> Iterator[tuple[str, np.ndarray, str]]:
        """(metric, values, unit) of long table `name`: files keep each at its unit's precision (`rounded`)."""
        metrics = self._product_metrics() if name == "products" else self.line_metrics()
        for metric, values in metrics.items():
            yield (
                metric,
                values,
                "vehicles" if name == "products" else "hours" if metric.endswith("_hours") else "share",
            )

    def _program_table(self) -> Table:
        r, k = np.indices(self.milestone_start.shape)
        start, finish = self.milestone_start.ravel(), self.milestone_finish.ravel()
        return Table(
            {
                "replication": r.ravel() + self.first,
                "milestone": np.array(self.milestone_ids, dtype=str)[k.ravel()] if k.size else np.array([], str),
                "start": [str(self.date(h)) for h in start],
                "finish": [str(self.date(h)) for h in finish],
                "duration_days": (finish - start) / HOURS_PER_DAY,
            }
        )

    def _replications_table(self) -> Table:
        return Table(
            {
                "replication": np.arange(self.replications) + self.first,
                "sop": [str(self.date(h)) if np.isfinite(h) else "" for h in self.sop],
                "on_time": self.sop < self.target_hour(),
            }
        )

    # -- outputs -----------------------------------------------------------------------------
    def kpis(self) -> list:
        from sim.results.kpis import kpis

        return kpis(self)

    def file_table(self, name: str) -> Table:
        """Table `name` (or "kpis") as files keep it: values at the precision their unit means
        (`sim.results.table.rounded`); `table` keeps full precision."""
        if name == "kpis":
            from sim.results.kpis import kpi_table

            return kpi_table(self)
        if name in LONG_TABLES:
            return self._long_table(name, {m: rounded(v, unit) for m, v, unit in self._file_metrics(name)})
        table = self.table(name)
        if name != "program":
            return table
        return Table(table.columns | {"duration_days": rounded(table.columns["duration_days"], "days")})

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write every table as `<name>.csv` in `directory`, and the KPIs as ``kpis.csv`` (dates as
        ISO dates), at the precision files keep (`file_table`); returns the paths. The long tables
        are written a block of replications at a time (`long_csv`), never whole."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in (*TABLES, "kpis"):
            path = directory / f"{name}.csv"
            if name in LONG_TABLES:
                long_csv(path, self.first, self.months, self._items(name), self._file_metrics(name))
            else:
                self.file_table(name).to_csv(path)
            paths.append(path)
        return paths

    def to_parquet(self, directory: str | Path) -> list[Path]:
        """Write every table and the KPIs as `<name>.parquet` in `directory` (needs pyarrow:
        ``pip install 'sim[parquet]'``); returns the paths."""
        optional("pyarrow", "writing Parquet")  # before any file is written
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in (*TABLES, "kpis"):
            path = directory / f"{name}.parquet"
            self.file_table(name).to_parquet(path)
            paths.append(path)
        return paths


def fold_built(records: list[Record], scenario: Scenario, months: list[Month]) -> np.ndarray:
    """Vehicles built per (product, month) of one replication: all a counterfactual needs."""
    return _fold_one(records, Kind.BUILT, {p.id: i for i, p in enumerate(scenario.products)}, months, 3)


def fold_overtime(records: list[Record], scenario: Scenario, months: list[Month]) -> np.ndarray:
    """Overtime hours per (line, month) of one replication (a counterfactual's, for its cost)."""
    return _fold_one(records, Kind.OVERTIME, {name: i for i, name in enumerate(scenario.line_names())}, months, 2)


def _fold_one(records: list[Record], kind: Kind, index: dict[str, int], months: list[Month], by: int) -> np.ndarray:
    """The quantities of the records of one `kind` per (row, month), the row named by the
    record's field `by` (2: where, 3: what)."""
    starts = [m.start_hour for m in months]
    # Plain lists while adding: a numpy element's += costs ten times a list's; the sums (in
    # record order, from 0.0) are the same floats.
    out = [[0.0] * len(months) for _ in index]
    right = bisect.bisect_right
    last, month = None, 0  # a batch's records share its time: its month is looked up once
    for record in records:
        if record[1] == kind:
            if record[0] != last:
                last = record[0]
                month = right(starts, last) - 1
            out[index[record[by]]][month] += record[4]
    return np.array(out).reshape(len(index), len(months))


def fold(records: list[Record], scenario: Scenario, months: list[Month]) -> dict[str, np.ndarray]:
    """Per-month arrays of one replication from its records."""
    products = {p.id: i for i, p in enumerate(scenario.products)}
    lines = {name: i for i, name in enumerate(scenario.line_names())}
    milestones = {m.id: i for i, m in enumerate(scenario.program.milestones)} if scenario.program else {}
    starts = [m.start_hour for m in months]
    n = len(months)
    # Plain lists while adding (see _fold_one), made arrays at the end.
    sums = {name: [[0.0] * n for _ in products] for name in PRODUCT_ARRAYS}
    sums |= {name: [[0.0] * n for _ in lines] for name in LINE_ARRAYS}
    # Record kind -> (rows, index of `where` (line) or `what` (product), whether `what` names the
    # row, and the line's rows it also adds to).
    line_rows: dict[Kind, str] = {
        Kind.OPEN: "open_hours",
        Kind.DOWN: "down_hours",
        Kind.BUSY: "busy_hours",
        Kind.CHANGEOVER: "changeover_hours",
        Kind.STARVED: "starved_hours",
        Kind.BLOCKED: "blocked_hours",
        Kind.CLOSED: "closed_hours",
        Kind.OVERTIME: "overtime_hours",
        Kind.THROUGH: "line_built",
    }
    routes: dict[Kind, tuple[list[list[float]], dict[str, int], bool, list[list[float]] | None]] = {
        kind: (sums[name], lines, False, None) for kind, name in line_rows.items()
    }
    routes |= {
        Kind.BUILT: (sums["built"], products, True, sums["line_built"]),
        Kind.DEMAND: (sums["demand"], products, True, None),
        Kind.LOST: (sums["lost"], products, True, None),
        Kind.SCRAP: (sums["scrap"], products, True, sums["line_scrap"]),
    }
    milestone_start = np.full(len(milestones), np.inf)
    milestone_finish = np.full(len(milestones), np.inf)
    sop = np.inf
    reserved = [0.0] * n
    right = bisect.bisect_right
    milestone, sop_kind, reserved_kind = Kind.MILESTONE, Kind.SOP, Kind.RESERVED  # (read once: see fold_built)
    last, month = None, 0  # a batch's records share its time: its month is looked up once
    for time, kind, where, what, quantity in records:  # (unpacked: one step, not an index each)
        if time != last:
            last = time
            month = right(starts, time) - 1
        route = routes.get(kind)
        if route is not None:
            rows, index, by_what, also = route
            rows[index[what if by_what else where]][month] += quantity
            if also is not None:
                also[lines[where]][month] += quantity
        elif kind == milestone:
            milestone_start[milestones[what]] = time
            milestone_finish[milestones[what]] = time + quantity
        elif kind == sop_kind:
            sop = time
        elif kind == reserved_kind:
            reserved[month] += quantity
    out = {name: np.array(rows).reshape(len(rows), n) for name, rows in sums.items()}
    out |= {
        "milestone_start": milestone_start,
        "milestone_finish": milestone_finish,
        "sop": np.array(sop),
        "reserved": np.array(reserved),
    }
    return out
