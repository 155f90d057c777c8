"""Monthly demand of each product over the horizon.

A base figure grows by compound annual growth from its first month; explicit months form a
step function. Months cut by the horizon's ends get demand in proportion to their days.
"""

from __future__ import annotations

import numpy as np

from sim.model.calendar import Month
from sim.scenario.products import Demand


def monthly(demand: Demand, months: list[Month]) -> np.ndarray:
    """Vehicles wanted in each month of `months`."""
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
    return out * np.array([m.days / m.days_in_month for m in months])


def _months_between(a: str, b: str) -> int:
    ya, ma = map(int, a.split("-"))
    yb, mb = map(int, b.split("-"))
    return (yb - ya) * 12 + (mb - ma)
