"""The registry of indicators: every per-replication measure a run reports, declared once.

KPIs (`sim.results.kpis`), comparisons, sweeps and their reports all read this table. An
indicator declares its key, label and unit; whether it is a headline one (what the
comparison and sweep reports lead with); how it is estimated over replications (a mean, a
proportion, or date percentiles); whether it applies, decided from the scenario alone (so
every run of a scenario, every point of a sweep and every scenario of a comparison has the
same keys, whatever its draws); and how its value in each replication follows from a run's
`Results`.

A key holding ``{year}``, ``{brand}`` or ``{line}`` stands for one indicator per calendar
year of the horizon, per brand, or per line (its dotted name). Consecutive indicators over
the same dimension are listed item by item, so each line's indicators come together.
``{target}`` in a label is the program's target launch. Hours and vehicles are summed over
the horizon before any ratio is taken.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

import numpy as np

from sim.model.calendar import HOURS_PER_DAY
from sim.results import money
from sim.results.oee import Oee, oee, ratio
from sim.results.results import Results
from sim.scenario import Scenario
from sim.scenario.plant import Line

Unit = Literal["date", "share", "vehicles", "RMB", "hours"]
#: How replications are summarised: the mean (t interval), a proportion of 0/1 values (Wilson
#: interval), or percentiles of a date (order-statistic intervals; P10, P50 and P90 as KPIs).
Statistic = Literal["mean", "proportion", "percentiles"]
Dimension = Literal["year", "brand", "line"]


@dataclass(frozen=True)
class Indicator:
    """One indicator, or one per year, brand or line when its key holds ``{year}``, ``{brand}`` or ``{line}``."""

    key: str
    label: str
    unit: Unit
    values: Callable[[Results, str], np.ndarray]  # (run, year/brand/line or "") -> (replication,)
    applies: Callable[[Scenario, str], bool] = lambda scenario, item: True
    headline: bool = False
    statistic: Statistic = "mean"

    @property
    def over(self) -> Dimension | None:
        """The dimension the key ranges over, if any."""
        fields = [name for _, name, _, _ in string.Formatter().parse(self.key) if name]
        return fields[0] if fields else None  # type: ignore[return-value]

    def key_of(self, item: str) -> str:
        return self.key.format_map({self.over: item}) if self.over else self.key

    def label_of(self, scenario: Scenario, item: str) -> str:
        target = scenario.program.target_launch if scenario.program else None
        return self.label.format_map({self.over: item, "target": target})


@dataclass(frozen=True)
class Measure:
    """One indicator's value in every replication: what KPIs, comparisons and sweeps start from."""

    label: str
    unit: Unit
    values: np.ndarray  # (replication,)
    indicator: Indicator


# -- how values follow from a run ----------------------------------------------------------------
def _contract(r: Results) -> np.ndarray:
    """Contract vehicles built per (replication, month)."""
    return r.built[:, r.customer_mask(), :].sum(axis=1)


def _contract_units(r: Results, year: str) -> np.ndarray:
    return _contract(r)[:, [i for i, m in enumerate(r.months) if m.startswith(year)]].sum(axis=1)


def _brand(r: Results, brand: str) -> np.ndarray:
    """Which products are `brand`'s."""
    return np.array([p.brand == brand for p in r.scenario.products])


def _owner_units_lost(r: Results, brand: str = "") -> np.ndarray:
    """Own-brand vehicles the same replication builds without the contract, less with it (paired)."""
    mask = ~r.customer_mask() & (_brand(r, brand) if brand else True)
    return (r.reference["without_contract"] - r.built)[:, mask].sum(axis=(1, 2))


def _margin_lost(r: Results, brand: str = "") -> np.ndarray:
    lost = r.money.margin_lost
    return (lost[:, _brand(r, brand)] if brand else lost).sum(axis=(1, 2))


def _net_in(r: Results, year: str) -> np.ndarray:
    return r.money.net[:, [i for i, m in enumerate(r.months) if m.startswith(year)]].sum(axis=1)


def _customer_fill(r: Results, _: str) -> np.ndarray:
    """Customer vehicles built over the demand released to it (1 where it wanted none)."""
    customer = r.customer_mask()
    demand = r.demand[:, customer].sum(axis=(1, 2))
    return np.divide(r.built[:, customer].sum(axis=(1, 2)), demand, out=np.ones(len(demand)), where=demand > 0)


def _short_of_minimum(r: Results, _: str) -> np.ndarray:
    return np.maximum(money.committed(r) - money.customer_per_year(r, r.built), 0.0).sum(axis=1)


def _owner_units(r: Results) -> np.ndarray:
    return r.built[:, ~r.customer_mask(), :].sum(axis=(1, 2))


def _chip_units_lost(r: Results, brand: str = "") -> np.ndarray:
    short = r.reference["without_chip_disruptions"] - r.built  # (replication, product, month)
    mask = np.array([not brand or p.brand == brand for p in r.scenario.products])
    return short[:, mask].sum(axis=(1, 2))


def _horizon(r: Results, array: str, line: str) -> np.ndarray:
    """A line's total of one of its arrays (hours, vehicles) over the horizon, per replication."""
    return getattr(r, array)[:, r.line_names.index(line)].sum(axis=1)


def _utilisation(r: Results, line: str) -> np.ndarray:
    """(Building + changeover hours) / open hours: a changeover occupies the line as building does."""
    busy = _horizon(r, "busy_hours", line) + _horizon(r, "changeover_hours", line)
    return ratio(busy, _horizon(r, "open_hours", line))


def _line_oee(r: Results, line: str) -> Oee:
    """The OEE split of a line over the horizon, per replication."""
    totals = [_horizon(r, a, line) for a in ("open_hours", "down_hours", "line_built", "line_scrap")]
    # With speed changes, the horizon's rated speed is the months' weighted by their open hours.
    k = r.line_names.index(line)
    jph = ratio((r.open_hours[:, k] * r.line_rated_jph(k)).sum(axis=1), totals[0])
    return oee(*totals, np.where(totals[0] > 0, jph, r.jph[k]))


# -- when an indicator applies -------------------------------------------------------------------
def _has_program(s: Scenario, _: str) -> bool:
    return s.program is not None


def _has_contract(s: Scenario, _: str) -> bool:
    return s.contract is not None


def _has_chip_disruptions(s: Scenario, _: str) -> bool:
    return s.without_chip_disruptions() is not s


def _owners_brand(s: Scenario, brand: str) -> bool:
    """Whether `brand` has a product of the plants' owner."""
    return any(p.brand == brand and p.owner == s.owner for p in s.products)


def _line(s: Scenario, name: str) -> Line:
    return s.all_lines()[s.line_names().index(name)]


INDICATORS: dict[str, Indicator] = {
    ind.key: ind
    for ind in (
        Indicator(
            "sop_day",
            "SOP date",
            "date",
            lambda r, _: r.sop / HOURS_PER_DAY,
            _has_program,
            headline=True,
            statistic="percentiles",
        ),
        Indicator(
            "sop_on_time",
            "P(SOP on or before {target})",
            "share",
            lambda r, _: (r.sop < r.target_hour()) * 1.0,
            _has_program,
            headline=True,
            statistic="proportion",
        ),
        Indicator(
            "contract_units_{year}",
            "Contract units built in {year}",
            "vehicles",
            _contract_units,
            _has_contract,
            headline=True,
        ),
        Indicator(
            "contract_fees_rmb",
            "Contract fees earned over the horizon",
            "RMB",
            lambda r, _: _contract(r).sum(axis=1) * r.scenario.contract.fee_rmb_per_unit,
            _has_contract,
            headline=True,
        ),
        Indicator("owner_units", "Own-brand units built over the horizon", "vehicles", lambda r, _: _owner_units(r)),
        Indicator(
            "owner_units_lost",
            "Own-brand units lost to sharing",
            "vehicles",
            # The same replication without the contract minus with it: paired, on the same draws.
            lambda r, _: _owner_units_lost(r),
            _has_contract,
            headline=True,
        ),
        Indicator(
            "one_off_payments_rmb",
            "One-off payments to the owner",
            "RMB",
            lambda r, _: r.money.payments.sum(axis=1),
            lambda s, _: s.contract is not None and bool(s.contract.payments),
        ),
        Indicator(
            "take_or_pay_rmb",
            "Take-or-pay (fees on committed, unordered vehicles)",
            "RMB",
            lambda r, _: r.money.take_or_pay.sum(axis=1),
            lambda s, _: s.contract is not None and s.contract.minimum_units_per_year is not None,
        ),
        Indicator(
            "reserve_shortfall_units",
            "Reserve shortfall (promised, not built, orders open)",
            "vehicles",
            lambda r, _: money.shortfall(r).sum(axis=1),
            _has_contract,  # 0 where the policy reserves nothing, so every policy compares
        ),
        Indicator(
            "shortfall_penalties_rmb",
            "Shortfall penalties the owner pays",
            "RMB",
            lambda r, _: r.money.penalties.sum(axis=1),
            lambda s, _: s.contract is not None and s.contract.shortfall_penalty_rmb_per_unit > 0,
        ),
        Indicator(
            "owner_margin_lost_rmb",
            "Own-brand margin lost to sharing",
            "RMB",
            lambda r, _: _margin_lost(r),
            _has_contract,
            headline=True,
        ),
        Indicator(
            "contract_capacity_costs_rmb",
            "Capacity costs the contract brings (capex, overtime)",
            "RMB",
            lambda r, _: r.money.capacity.sum(axis=1),
            lambda s, _: s.contract is not None and (_milestone_capex(s) or _priced_overtime(s)),
        ),
        Indicator(
            "capex_rmb",
            "Capacity investment over the horizon (takt upgrades, new lines)",
            "RMB",
            lambda r, _: money.capex(r).sum(axis=1),
            lambda s, _: any(c.capex_rmb for c in money.capacity_changes(s)),
        ),
        Indicator(
            "overtime_hours",
            "Overtime hours worked",
            "hours",
            lambda r, _: r.overtime_hours.sum(axis=(1, 2)),
            lambda s, _: any(line.overtime for line in s.all_lines()),
        ),
        Indicator(
            "overtime_cost_rmb",
            "Overtime cost to the owner",
            "RMB",
            lambda r, _: money.overtime_cost(r).sum(axis=1),
            lambda s, _: _priced_overtime(s),
        ),
        Indicator(
            "owner_net_contribution_rmb",
            "Owner's net contribution of the contract",
            "RMB",
            lambda r, _: r.money.net.sum(axis=1),
            _has_contract,
            headline=True,
        ),
        Indicator(
            "owner_net_contribution_npv_rmb",
            "Owner's net contribution, present value",
            "RMB",
            lambda r, _: money.present_value(r, r.money.net),
            lambda s, _: s.contract is not None and s.contract.discount_rate_per_year > 0,
        ),
        Indicator(
            "customer_fill_rate",
            "Customer's fill rate (built / demand)",
            "share",
            _customer_fill,
            _has_contract,
        ),
        Indicator(
            "customer_units_short",
            "Customer's demand not built over the horizon",
            "vehicles",
            lambda r, _: (r.demand[:, r.customer_mask()] - r.built[:, r.customer_mask()]).sum(axis=(1, 2)),
            _has_contract,
        ),
        Indicator(
            "customer_units_short_of_minimum",
            "Customer's committed minimum not built",
            "vehicles",
            _short_of_minimum,
            lambda s, _: s.contract is not None and s.contract.minimum_units_per_year is not None,
        ),
        Indicator(
            "owner_net_contribution_rmb_{year}",
            "Owner's net contribution in {year}",
            "RMB",
            _net_in,
            _has_contract,
        ),
        Indicator(
            "chip_units_lost",
            "Units lost to the chip shortage",
            "vehicles",
            lambda r, _: _chip_units_lost(r),
            _has_chip_disruptions,
            headline=True,
        ),
        Indicator(
            "lost_sales",
            "Lost sales (demand that waited too long)",
            "vehicles",
            lambda r, _: r.lost.sum(axis=(1, 2)),
            lambda s, _: any(p.demand.lost_after_months is not None for p in s.products),
            headline=True,
        ),
        # By brand, brand after brand (the by-brand table reads them in this order).
        Indicator(
            "units_built.{brand}",
            "{brand} units built",
            "vehicles",
            lambda r, b: r.built[:, _brand(r, b)].sum(axis=(1, 2)),
        ),
        Indicator(
            "owner_units_lost.{brand}",
            "{brand} units lost to sharing (negative: gained)",
            "vehicles",
            _owner_units_lost,
            lambda s, b: s.contract is not None and _owners_brand(s, b),
        ),
        Indicator(
            "chip_units_lost.{brand}",
            "{brand} units lost to the chip shortage",
            "vehicles",
            _chip_units_lost,
            _has_chip_disruptions,
        ),
        Indicator(
            "lost_sales.{brand}",
            "{brand} lost sales",
            "vehicles",
            lambda r, b: r.lost[:, _brand(r, b)].sum(axis=(1, 2)),
            lambda s, b: any(p.brand == b and p.demand.lost_after_months is not None for p in s.products),
        ),
        Indicator(
            "owner_margin_lost_rmb.{brand}",
            "{brand} margin lost to sharing (negative: gained)",
            "RMB",
            _margin_lost,
            lambda s, b: s.contract is not None and _owners_brand(s, b),
        ),
        Indicator(
            "scrapped",
            "Vehicles scrapped",
            "vehicles",
            lambda r, _: r.scrap.sum(axis=(1, 2)),
            # Scrap is possible where a yield below 1 is not all reworked.
            lambda s, _: any(
                p.rework_share < 1 and (p.first_pass_yield < 1 or p.shop_yields or p.yield_learning) for p in s.products
            ),
        ),
        Indicator("utilisation.{line}", "Utilisation of {line}", "share", _utilisation),
        Indicator(
            "availability.{line}",
            "Availability of {line} (up / open hours)",
            "share",
            lambda r, line: _line_oee(r, line).availability,
            lambda s, line: _line(s, line).breakdowns is not None,
        ),
        Indicator(
            "downtime_hours.{line}",
            "Downtime of {line}",
            "hours",
            lambda r, line: _horizon(r, "down_hours", line),
            lambda s, line: _line(s, line).breakdowns is not None,
        ),
        Indicator(
            "changeover_hours.{line}",
            "Changeover hours of {line}",
            "hours",
            lambda r, line: _horizon(r, "changeover_hours", line),
            lambda s, line: _line(s, line).changeover_hours > 0,
        ),
        Indicator("oee.{line}", "OEE of {line}", "share", lambda r, line: _line_oee(r, line).oee),
    )
}


def items(scenario: Scenario, over: Dimension | None) -> list[str]:
    """The years, brands or lines of `scenario` an indicator ranges over ([""] for none)."""
    if over == "year":
        return [str(y) for y in range(scenario.meta.start_date.year, scenario.meta.end_date.year + 1)]
    if over == "brand":
        return list(dict.fromkeys(p.brand for p in scenario.products))
    if over == "line":
        return scenario.line_names()
    return [""]


def applicable(scenario: Scenario) -> Iterator[tuple[str, Indicator, str]]:
    """(key, indicator, item) of every indicator that applies to `scenario`, in the registry's order."""
    for over, group in groupby(INDICATORS.values(), key=lambda ind: ind.over):
        run = list(group)
        for item in items(scenario, over):
            for ind in run:
                if ind.applies(scenario, item):
                    yield ind.key_of(item), ind, item


def keys(scenario: Scenario) -> list[str]:
    """Every indicator key a run of `scenario` has, without running it."""
    return [key for key, _, _ in applicable(scenario)]


def measures(results: Results) -> dict[str, Measure]:
    """Every indicator of a run, per replication, by key, in the order a planner reads them."""
    s = results.scenario
    return {
        key: Measure(ind.label_of(s, item), ind.unit, ind.values(results, item), ind)
        for key, ind, item in applicable(s)
    }


def _milestone_capex(s: Scenario) -> bool:
    return any(c.capex_rmb and c.milestone is not None for c in money.capacity_changes(s))


def _priced_overtime(s: Scenario) -> bool:
    return any(line.overtime and line.overtime.cost_rmb_per_hour for line in s.all_lines())
