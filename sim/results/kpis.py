"""Key performance indicators over replications, each with a 95% confidence interval.

- SOP date P10/P50/P90, with distribution-free intervals from order statistics;
- the probability that SOP is on or before the target launch (Wilson interval);
- contract units built per calendar year and the fees they earn (t intervals);
- own-brand units built, and own-brand units lost to sharing: the same replication run
  without the contract minus with it (paired, so the interval is on the difference);
- units lost to the chip shortage (in total and by brand): the same replication with the
  nominal chip supply minus with the disruptions (paired);
- lost sales and scrapped vehicles;
- per line over the horizon: utilisation ((building + changeover hours) / open hours),
  availability (up / open hours), downtime and changeover hours, and OEE (good vehicles /
  (open hours x rated speed), the product of availability, performance and quality).
Dates are carried as days since the scenario's start and shown as dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.model.calendar import HOURS_PER_DAY
from sim.results.results import Results
from sim.results.stats import mean_ci, proportion_ci, quantile_ci


@dataclass(frozen=True)
class Kpi:
    """One indicator: its estimate and 95% confidence interval."""

    key: str
    label: str
    unit: str  # "date" (days since start), "vehicles", "share", "RMB"
    value: float
    low: float
    high: float

    def text(self, start: dt.date) -> tuple[str, str]:
        """(value, interval) formatted for people."""
        fmt = _formatter(self.unit, start)
        return fmt(self.value), f"{fmt(self.low)} – {fmt(self.high)}"

    def as_json(self, start: dt.date) -> dict:
        out = {"key": self.key, "label": self.label, "unit": self.unit}
        if self.unit == "date":
            out |= {k: _date(start, v) for k, v in (("value", self.value), ("low", self.low), ("high", self.high))}
        else:
            out |= {"value": self.value, "low": self.low, "high": self.high}
        return out


@dataclass(frozen=True)
class Measure:
    """One indicator's value in every replication: what KPIs, comparisons and sweeps start from."""

    label: str
    unit: str
    values: np.ndarray  # (replication,)


def measures(results: Results) -> dict[str, Measure]:
    """Every per-replication indicator of a run, by KPI key, in the order a planner reads them."""
    out: dict[str, Measure] = {}
    customer = results.customer_mask()
    if results.scenario.program is not None:
        target = results.scenario.program.target_launch
        out["sop_day"] = Measure("SOP date", "date", results.sop / HOURS_PER_DAY)
        out["sop_on_time"] = Measure(
            f"P(SOP on or before {target})", "share", (results.sop < results.target_hour()) * 1.0
        )
        contract = results.built[:, customer, :].sum(axis=1)  # (replication, month)
        for year in sorted({m[:4] for m in results.months}):
            cols = [i for i, m in enumerate(results.months) if m.startswith(year)]
            out[f"contract_units_{year}"] = Measure(
                f"Contract units built in {year}", "vehicles", contract[:, cols].sum(axis=1)
            )
        fee = results.scenario.contract.fee_rmb_per_unit
        out["contract_fees_rmb"] = Measure("Contract fees earned over the horizon", "RMB", contract.sum(axis=1) * fee)
    owner = ~customer
    built = results.built[:, owner, :].sum(axis=(1, 2))
    out["owner_units"] = Measure("Own-brand units built over the horizon", "vehicles", built)
    if "without_contract" in results.reference:
        lost = results.reference["without_contract"][:, owner, :].sum(axis=(1, 2)) - built
        out["owner_units_lost"] = Measure("Own-brand units lost to sharing", "vehicles", lost)
    if "without_chip_disruptions" in results.reference:
        short = results.reference["without_chip_disruptions"] - results.built  # (replication, product, month)
        out["chip_units_lost"] = Measure("Units lost to the chip shortage", "vehicles", short.sum(axis=(1, 2)))
        brands = [p.brand for p in results.scenario.products]
        for brand in dict.fromkeys(brands):
            mask = np.array([b == brand for b in brands])
            out[f"chip_units_lost.{brand}"] = Measure(
                f"{brand} units lost to the chip shortage", "vehicles", short[:, mask].sum(axis=(1, 2))
            )
    # Which indicators apply follows from the scenario, not from what a run happened to draw,
    # so every run (and every point of a sweep, every scenario of a comparison) has the same keys.
    products = results.scenario.products
    if any(p.demand.lost_after_months is not None for p in products):
        out["lost_sales"] = Measure(
            "Lost sales (demand that waited too long)", "vehicles", results.lost.sum(axis=(1, 2))
        )
    if any(p.rework_share < 1 and (p.first_pass_yield < 1 or p.shop_yields or p.yield_learning) for p in products):
        out["scrapped"] = Measure("Vehicles scrapped", "vehicles", results.scrap.sum(axis=(1, 2)))
    # Line indicators over the whole horizon: sums of hours, then ratios per replication.
    open_all, down_all = results.open_hours.sum(axis=2), results.down_hours.sum(axis=2)
    change_all, busy_all = results.changeover_hours.sum(axis=2), results.busy_hours.sum(axis=2)
    built_all = results.line_built.sum(axis=2)
    jph = np.array([ln.jph for ln in results.scenario.all_lines()])
    specs = results.scenario.all_lines()
    for i, name in enumerate(results.line_names):
        open_h, down, change = open_all[:, i], down_all[:, i], change_all[:, i]
        out[f"utilisation.{name}"] = Measure(f"Utilisation of {name}", "share", _ratio(busy_all[:, i] + change, open_h))
        if specs[i].breakdowns is not None:
            out[f"availability.{name}"] = Measure(
                f"Availability of {name} (up / open hours)", "share", _ratio(open_h - down, open_h)
            )
            out[f"downtime_hours.{name}"] = Measure(f"Downtime of {name}", "hours", down)
        if specs[i].changeover_hours > 0:
            out[f"changeover_hours.{name}"] = Measure(f"Changeover hours of {name}", "hours", change)
        out[f"oee.{name}"] = Measure(f"OEE of {name}", "share", _ratio(built_all[:, i], open_h * jph[i]))
    return out


def kpis(results: Results) -> list[Kpi]:
    """All KPIs of a run with their 95% intervals: SOP percentiles and on-time probability, then means."""
    out: list[Kpi] = []
    for key, m in measures(results).items():
        if key == "sop_day":
            for q in (10, 50, 90):
                v, lo, hi = quantile_ci(m.values, q / 100)
                out.append(Kpi(f"sop_p{q}", f"SOP date, P{q}", "date", v, lo, hi))
        elif key == "sop_on_time":
            v, lo, hi = proportion_ci(int(m.values.sum()), len(m.values))
            out.append(Kpi(key, m.label, m.unit, v, lo, hi))
        else:
            v, lo, hi = mean_ci(m.values)
            out.append(Kpi(key, m.label, m.unit, v, lo, hi))
    return out


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=float), where=b > 0)


def _date(start: dt.date, days: float) -> str | None:
    if not np.isfinite(days):
        return None
    return str(start + dt.timedelta(days=float(days)))


def _formatter(unit: str, start: dt.date):
    if unit == "date":
        return lambda v: _date(start, v) or "after horizon"
    if unit == "share":
        return lambda v: f"{100 * v:.1f}%"
    if unit == "RMB":
        return lambda v: f"RMB {v / 1e6:,.1f} M"
    if unit == "hours":
        return lambda v: f"{v:,.0f} h"
    return lambda v: f"{v:,.0f}"
