"""Key performance indicators: each indicator of a run estimated with a 95% confidence interval.

The indicators and how each is summarised come from their registry (`sim.results.indicators`):
a mean with its Student-t interval, a proportion (SOP on time) with its Wilson interval, or a
date's P10, P50 and P90 with distribution-free intervals from order statistics. Dates are
carried as days since the scenario's start and shown as dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.results.indicators import Measure, measures
from sim.results.results import Results
from sim.results.stats import mean_ci, proportion_ci, quantile_ci
from sim.results.table import Table, rounded


@dataclass(frozen=True)
class Kpi:
    """One indicator: its estimate and 95% confidence interval.

    `value`, `low` and `high` are what a person (or a notebook) reads: numbers in the KPI's
    unit, and for a date KPI (`unit` "date") `datetime.date`s, None where the date never comes
    (no SOP in the horizon) or is undefined. The numbers behind them, a date as days since the
    scenario's start, are `number`, `number_low` and `number_high`: arithmetic (ranking,
    charts, differences) reads those.
    """

    key: str
    label: str
    unit: str  # "date" (days since start), "vehicles", "share", "RMB", "hours"
    number: float
    number_low: float
    number_high: float
    over: str | None = None  # "year", "brand" or "line" for one of a family of indicators
    item: str = ""  # which year, brand or line
    start: dt.date | None = None  # the scenario's start: day 0 of a date KPI

    @property
    def value(self) -> float | dt.date | None:
        """The estimate: a number, or a `datetime.date` for a date KPI."""
        return self._shown(self.number)

    @property
    def low(self) -> float | dt.date | None:
        """The 95% interval's lower end, like `value`."""
        return self._shown(self.number_low)

    @property
    def high(self) -> float | dt.date | None:
        """The 95% interval's upper end, like `value`."""
        return self._shown(self.number_high)

    @property
    def numbers(self) -> tuple[float, float, float]:
        """(estimate, low, high) as numbers (a date as days since the start)."""
        return self.number, self.number_low, self.number_high

    def _shown(self, number: float) -> float | dt.date | None:
        if self.unit != "date":
            return number
        if self.start is None:
            raise ValueError(f"KPI {self.key} is a date but knows no start date to count its days from")
        return _day(self.start, number)

    def text(self, start: dt.date | None = None) -> tuple[str, str]:
        """(value, interval) formatted for people (`start`: day 0 of a date, default the KPI's own)."""
        fmt = _formatter(self.unit, start or self.start)
        return fmt(self.number), f"{fmt(self.number_low)} – {fmt(self.number_high)}"

    def as_json(self, start: dt.date | None = None) -> dict:
        """The KPI as JSON data: a date as an ISO date (null when it never comes)."""
        start = start or self.start
        out = {"key": self.key, "label": self.label, "unit": self.unit}
        if self.unit == "date":
            out |= {k: _date(start, v) for k, v in zip(("value", "low", "high"), self.numbers, strict=True)}
        else:
            out |= {"value": self.number, "low": self.number_low, "high": self.number_high}
        return out


def kpis(results: Results) -> list[Kpi]:
    """All KPIs of a run with their 95% intervals, one per indicator (P10, P50 and P90 of a date)."""
    out: list[Kpi] = []
    start = results.scenario.meta.start_date
    for key, m in measures(results).items():
        if m.indicator.statistic == "percentiles":
            for q in (10, 50, 90):
                v, lo, hi = quantile_ci(m.values, q / 100)
                # sop_day -> sop_p10, sop_p50, sop_p90
                name = f"{key.rsplit('_', 1)[0]}_p{q}"
                out.append(Kpi(name, f"{m.label}, P{q}", m.unit, v, lo, hi, start=start))
        else:
            out.append(Kpi(key, m.label, m.unit, *estimate(m)[1:], m.indicator.over, item_of(key, m), start))
    return out


def kpi_table(results: Results) -> Table:
    """Every KPI as a table for files: key, label, unit, over, item, value, low, high; a date as
    an ISO date ("" when it never comes), a number at the precision of its unit."""
    rows = kpis(results)
    columns: dict[str, list] = {name: [] for name in ("key", "label", "unit", "over", "item", "value", "low", "high")}
    for k in rows:
        for name in ("key", "label", "unit", "item"):
            columns[name].append(getattr(k, name))
        columns["over"].append(k.over or "")
        shown = k.as_json()
        for name, number in zip(("value", "low", "high"), k.numbers, strict=True):
            columns[name].append(shown[name] or "" if k.unit == "date" else float(rounded(number, k.unit)))
    return Table({n: np.array(v, dtype=object if n in ("value", "low", "high") else str) for n, v in columns.items()})


def item_of(key: str, m: Measure) -> str:
    """The year, brand or line a measure's key names ("" for a lone indicator)."""
    pattern = m.indicator.key
    if m.indicator.over is None:
        return ""
    head, _, tail = pattern.partition("{" + m.indicator.over + "}")
    return key[len(head) : len(key) - len(tail)]


#: The columns of the table by brand, in order: indicator key pattern -> heading.
BRAND_COLUMNS = {
    "units_built.{brand}": "built",
    "owner_units_lost.{brand}": "lost to sharing",
    "chip_units_lost.{brand}": "lost to chips",
    "lost_sales.{brand}": "lost sales",
    "owner_margin_lost_rmb.{brand}": "margin lost (RMB M)",
}


def by_brand(results: Results, computed: list[Kpi] | None = None) -> dict[str, dict[str, Kpi]]:
    """brand -> {column heading -> its KPI} for the columns that apply (a brand that gains from
    the contract shows a negative loss); `computed`: the run's KPIs if at hand (not computed again)."""
    out: dict[str, dict[str, Kpi]] = {}
    patterns = {f"{k.rsplit('.', 1)[0]}.": heading for k, heading in BRAND_COLUMNS.items()}
    for k in kpis(results) if computed is None else computed:
        if k.over == "brand":
            heading = patterns.get(k.key[: len(k.key) - len(k.item)])
            if heading:
                out.setdefault(k.item, {})[heading] = k
    return out


def estimate(m: Measure) -> tuple[str, float, float, float]:
    """(statistic, estimate, low, high) of a measure over replications, with its 95% interval.

    A mean with its t interval; a proportion with its Wilson interval; a date by its median
    (replications without SOP are infinite); NaN where a value is missing (a sweep point the
    indicator does not apply to).
    """
    statistic = {"percentiles": "median", "proportion": "mean", "mean": "mean"}[m.indicator.statistic]
    if np.isnan(m.values).any():
        return statistic, np.nan, np.nan, np.nan
    if m.indicator.statistic == "percentiles":
        return (statistic, *quantile_ci(m.values, 0.5))
    if m.indicator.statistic == "proportion":
        return (statistic, *proportion_ci(int(m.values.sum()), len(m.values)))
    return (statistic, *mean_ci(m.values))


def _day(start: dt.date, days: float) -> dt.date | None:
    """The date `days` after `start` (None when it never comes or is undefined)."""
    if not np.isfinite(days):
        return None
    return start + dt.timedelta(days=float(days))


def _date(start: dt.date, days: float) -> str | None:
    day = _day(start, days)
    return None if day is None else str(day)


def iso(start: dt.date, days: float) -> str:
    """A date carried as days since `start`, as an ISO date for a table ("" when it never comes)."""
    return _date(start, days) or ""


def _formatter(unit: str, start: dt.date):
    if unit == "date":
        return lambda v: _date(start, v) or "after horizon"
    if unit == "share":
        return lambda v: f"{100 * v + 0.0:.1f}%"
    if unit == "RMB":
        return lambda v: f"RMB {_unsigned_zero(v / 1e6, 0.05):,.1f} M"
    if unit == "hours":
        return lambda v: f"{_unsigned_zero(v, 0.5):,.0f} h"
    return lambda v: f"{_unsigned_zero(v, 0.5):,.0f}"


def _unsigned_zero(v: float, half: float) -> float:
    """`v`, with what rounds to zero shown as 0, not -0 (a paired difference of identical runs)."""
    return 0.0 if abs(v) < half else v
