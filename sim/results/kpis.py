"""Key performance indicators over replications, each with a 95% confidence interval.

- SOP date P10/P50/P90, with distribution-free intervals from order statistics;
- the probability that SOP is on or before the target launch (Wilson interval);
- contract units built per calendar year and the fees they earn (t intervals);
- own-brand units built, and own-brand units lost to sharing: the same replication run
  without the contract minus with it (paired, so the interval is on the difference);
- line utilisation over the horizon: busy hours / open hours.
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


def kpis(results: Results) -> list[Kpi]:
    """All KPIs of a run, in the order a planner reads them."""
    out: list[Kpi] = []
    customer = results.customer_mask()
    if results.scenario.program is not None:
        sop_days = results.sop / HOURS_PER_DAY
        for q in (10, 50, 90):
            v, lo, hi = quantile_ci(sop_days, q / 100)
            out.append(Kpi(f"sop_p{q}", f"SOP date, P{q}", "date", v, lo, hi))
        on_time = int(np.sum(results.sop < results.target_hour()))
        v, lo, hi = proportion_ci(on_time, results.replications)
        target = results.scenario.program.target_launch
        out.append(Kpi("sop_on_time", f"P(SOP on or before {target})", "share", v, lo, hi))
        years = sorted({m[:4] for m in results.months})
        contract = results.built[:, customer, :].sum(axis=1)  # (replication, month)
        for year in years:
            cols = [i for i, m in enumerate(results.months) if m.startswith(year)]
            v, lo, hi = mean_ci(contract[:, cols].sum(axis=1))
            out.append(Kpi(f"contract_units_{year}", f"Contract units built in {year}", "vehicles", v, lo, hi))
        fee = results.scenario.contract.fee_rmb_per_unit
        v, lo, hi = mean_ci(contract.sum(axis=1) * fee)
        out.append(Kpi("contract_fees_rmb", "Contract fees earned over the horizon", "RMB", v, lo, hi))
    owner = ~customer
    built = results.built[:, owner, :].sum(axis=(1, 2))
    v, lo, hi = mean_ci(built)
    out.append(Kpi("owner_units", "Own-brand units built over the horizon", "vehicles", v, lo, hi))
    if results.scenario.contract is not None:
        lost = results.reference["without_contract"][:, owner, :].sum(axis=(1, 2)) - built
        v, lo, hi = mean_ci(lost)
        out.append(Kpi("owner_units_lost", "Own-brand units lost to sharing", "vehicles", v, lo, hi))
    open_h = results.open_hours.sum(axis=2)
    busy_h = results.busy_hours.sum(axis=2)
    for i, name in enumerate(results.line_names):
        share = np.divide(busy_h[:, i], open_h[:, i], out=np.zeros(results.replications), where=open_h[:, i] > 0)
        v, lo, hi = mean_ci(share)
        out.append(Kpi(f"utilisation.{name}", f"Utilisation of {name}", "share", v, lo, hi))
    return out


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
    return lambda v: f"{v:,.0f}"
