"""Monthly demand of each product over the horizon.

The forecast is a base figure growing by compound annual growth from its first month, or
explicit months as a step function, times the seasonal factor of the calendar month.
Months cut by the horizon's ends get demand in proportion to their days. An uncertain
forecast is multiplied, month by month, by a lognormal factor of mean 1 and the product's
coefficient of variation, drawn from the demand stream.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.calendar import Month
from sim.model.streams import child
from sim.scenario.products import Demand, Product


def monthly(demand: Demand, months: list[Month]) -> np.ndarray:
    """Forecast vehicles wanted in each month of `months`."""
    out = np.zeros(len(months))
    if demand.units_by_month is not None:
        listed = sorted(demand.units_by_month.items())
        for i, m in enumerate(months):
            current = [v for label, v in listed if label <= m.label]
            out[i] = current[-1] if current else 0.0
    else:
        first = demand.first_month or months[0].label
        for i, m in enumerate(months):
            age = _months_between(first, m.label)
            out[i] = 0.0 if age < 0 else demand.units_per_month * (1 + demand.growth_per_year) ** (age / 12)
    if demand.seasonality is not None:
        out *= np.array([demand.seasonality[int(m.label[5:]) - 1] for m in months])
    return out * np.array([m.days / m.days_in_month for m in months])


def factors(products: list[Product], n_months: int, rng: np.random.Generator, drawn: dict | None = None) -> np.ndarray:
    """Lognormal demand factors (product, month) of mean 1; exactly 1 where cv is 0.

    Each uncertain product draws from its own child stream, keyed by its id, so that adding
    a product or changing one's cv leaves the others' draws untouched. `drawn` keeps each
    product's draws for simulations on the same streams (a replication's counterfactuals).
    """
    drawn = {} if drawn is None else drawn
    out = np.ones((len(products), n_months))
    for i, p in enumerate(products):
        if p.demand.cv > 0:
            key = ("demand", p.id, p.demand.cv, n_months)
            if key not in drawn:
                sigma = math.sqrt(math.log1p(p.demand.cv**2))
                drawn[key] = np.exp(sigma * child(rng, p.id).standard_normal(n_months) - sigma**2 / 2)
            out[i] = drawn[key]
    return out


def _months_between(a: str, b: str) -> int:
    ya, ma = map(int, a.split("-"))
    yb, mb = map(int, b.split("-"))
    return (yb - ya) * 12 + (mb - ma)
