"""The deal in money: what the contract pays the owner and what it costs the owner, by month.

Everything follows from a run's arrays and the contract's terms, per replication:
- fees: the customer's vehicles built in a month x the fee per vehicle;
- one-off payments: in the month of their date, or of their milestone's completion (not at
  all when that falls after the horizon);
- take-or-pay: in each calendar year the customer commits to `minimum_units_per_year` x the
  share of the year's days from SOP inside the horizon; it pays the fee on the committed
  vehicles it did not order (demand released that year), in the year's last month;
- margin lost: for each owner product, (built in the same replication without the contract
  - built with it) x its margin per vehicle; negative where the contract lets it build more;
- shortfall penalties: in a month, the vehicles the customer's reserve promised (its share of
  its last-shop lines' open hours at its rate and yield, as the model reports them) less the
  vehicles built for it, counted only up to the orders it still had open at the month's end,
  x the penalty per vehicle;
- capacity costs the contract brings: the capex of the owner's capacity changes tied to a
  launch-program milestone (a takt upgrade, a line commissioned at one), in the month the
  milestone completes (dated ones come with or without the contract, so they are not its
  cost); and the overtime it makes the owner work: overtime cost with the contract less
  without it (negative where the contract saves overtime);
- net contribution = fees + one-offs + take-or-pay - margin lost - shortfall penalties -
  capacity costs;
- present values discount a month's flows to the horizon's start at the yearly rate, from the
  month's first day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.model.calendar import HOURS_PER_DAY
from sim.results.results import Results
from sim.scenario import Scenario
from sim.scenario.plant import Commissioning, SpeedChange

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Flows:
    """Cash flows of the deal to the owner, in RMB, per (replication, month)."""

    fees: np.ndarray
    payments: np.ndarray
    take_or_pay: np.ndarray
    penalties: np.ndarray
    margin_lost: np.ndarray  # (replication, product, month); 0 for the customer's products
    capacity: np.ndarray  # capacity costs the contract brings (capex tied to its milestones)

    @property
    def net(self) -> np.ndarray:
        """The owner's net contribution of the contract, per (replication, month)."""
        return (
            self.fees + self.payments + self.take_or_pay - self.penalties - self.margin_lost.sum(axis=1) - self.capacity
        )


def flows(r: Results) -> Flows:
    """The deal's cash flows in a run (zeros without a contract)."""
    shape = (r.replications, len(r.months))
    contract = r.scenario.contract
    if contract is None:
        zero = np.zeros(shape)
        return Flows(zero, zero, zero, zero, np.zeros(r.built.shape), zero)
    customer = r.customer_mask()
    fees = r.built[:, customer].sum(axis=1) * contract.fee_rmb_per_unit
    penalties = shortfall(r) * contract.shortfall_penalty_rmb_per_unit
    capacity = capex(r, dated=False)
    if "without_contract.overtime_hours" in r.reference:
        capacity = capacity + overtime_cost(r) - overtime_cost(r, r.reference["without_contract.overtime_hours"])
    return Flows(fees, _payments(r), _take_or_pay(r), penalties, margin_lost(r), capacity)


def overtime_cost(r: Results, hours: np.ndarray | None = None) -> np.ndarray:
    """(replication, month) what the lines' overtime costs the owner (`hours`: (replication, line,
    month) overtime hours, the run's by default)."""
    rates = np.array([line.overtime.cost_rmb_per_hour if line.overtime else 0.0 for line in r.scenario.all_lines()])
    hours = r.overtime_hours if hours is None else hours
    return (hours * rates[None, :, None]).sum(axis=1)


def capex(r: Results, dated: bool = True) -> np.ndarray:
    """(replication, month) the owner's capacity investment (takt upgrades, commissioned lines) in
    the month it happens inside the horizon: all of it, or (`dated=False`) only what a
    launch-program milestone brings."""
    out = np.zeros((r.replications, len(r.months)))
    for change in capacity_changes(r.scenario):
        if change.capex_rmb and (dated or change.milestone is not None):
            _pay(r, out, change.first_day, change.milestone, change.capex_rmb)
    return out


def capacity_changes(scenario: Scenario) -> list[SpeedChange | Commissioning]:
    """Every speed change and commissioning of the scenario's lines: what may carry capex."""
    return [
        c
        for line in scenario.all_lines()
        for c in [*line.speed_changes, *([line.commissioned] if line.commissioned else [])]
    ]


def shortfall(r: Results) -> np.ndarray:
    """(replication, month) vehicles the reserve promised the customer and it did not get while it
    had orders open: min(promised - built, open at the month's end), never below 0."""
    customer = r.customer_mask()
    built = r.built[:, customer].sum(axis=1)
    open_orders = r.backlog_of(customer).sum(axis=1)
    return np.clip(np.minimum(r.reserved - built, open_orders), 0.0, None)


def margin_lost(r: Results) -> np.ndarray:
    """(replication, product, month) margin of the owner's vehicles the contract displaced."""
    margins = np.array(
        [0.0 if c else p.margin_rmb_per_unit for p, c in zip(r.scenario.products, r.customer_mask(), strict=True)]
    )
    lost = r.reference["without_contract"] - r.built
    lost *= margins[None, :, None]  # in place: a long run's product arrays are tens of MB
    return lost


def present_value(r: Results, values: np.ndarray) -> np.ndarray:
    """(replication,) present value of (replication, month) flows at the contract's discount rate."""
    rate = r.scenario.contract.discount_rate_per_year if r.scenario.contract else 0.0
    years = np.array([m.start_hour / HOURS_PER_DAY / DAYS_PER_YEAR for m in r.months_])
    return (values * (1 + rate) ** -years).sum(axis=1)


def committed(r: Results) -> np.ndarray:
    """(replication, year) vehicles the customer committed to take in each calendar year: the
    minimum a year x the share of the year's hours from SOP that lie inside the horizon."""
    contract = r.scenario.contract
    years = _years(r)
    out = np.zeros((r.replications, len(years)))
    if contract is None or contract.minimum_units_per_year is None:
        return out
    start, horizon = r.scenario.meta.start_date, r.horizon_hours
    for k, year in enumerate(years):
        y0 = (dt.date(year, 1, 1) - start).days * HOURS_PER_DAY
        y1 = (dt.date(year + 1, 1, 1) - start).days * HOURS_PER_DAY
        inside = np.clip(min(y1, horizon) - np.maximum(max(y0, 0.0), r.sop), 0.0, None)  # inf SOP: none
        out[:, k] = contract.minimum_units_per_year * inside / (y1 - y0)
    return out


def customer_per_year(r: Results, array: np.ndarray) -> np.ndarray:
    """(replication, year) sums of a (replication, product, month) array over the customer's products."""
    monthly = array[:, r.customer_mask()].sum(axis=1)
    return np.stack([monthly[:, _months_of(r, year)].sum(axis=1) for year in _years(r)], axis=1)


def _take_or_pay(r: Results) -> np.ndarray:
    contract = r.scenario.contract
    out = np.zeros((r.replications, len(r.months)))
    if contract.minimum_units_per_year is None:
        return out
    unordered = np.maximum(committed(r) - customer_per_year(r, r.demand), 0.0)
    for k, year in enumerate(_years(r)):
        out[:, _months_of(r, year)[-1]] += unordered[:, k] * contract.fee_rmb_per_unit
    return out


def _payments(r: Results) -> np.ndarray:
    out = np.zeros((r.replications, len(r.months)))
    for payment in r.scenario.contract.payments:
        _pay(r, out, payment.date, payment.milestone, payment.amount_rmb)
    return out


def _pay(r: Results, out: np.ndarray, day: dt.date | None, milestone: str | None, amount: float) -> None:
    """Add `amount` to `out` (replication, month) in the month of `day`, or of `milestone`'s
    completion in each replication (nothing when that is outside the horizon)."""
    starts = np.array([m.start_hour for m in r.months_])
    horizon = r.months_[-1].end_hour
    if day is not None:
        when = np.full(r.replications, (day - r.scenario.meta.start_date).days * HOURS_PER_DAY)
    else:
        when = r.milestone_finish[:, r.milestone_ids.index(milestone)]
    for j, hour in enumerate(when):
        if 0 <= hour < horizon:
            out[j, np.searchsorted(starts, hour, side="right") - 1] += amount


def _years(r: Results) -> list[int]:
    return sorted({int(m[:4]) for m in r.months})


def _months_of(r: Results, year: int) -> list[int]:
    return [i for i, m in enumerate(r.months) if int(m[:4]) == year]
