"""Overall equipment effectiveness (OEE) of a line and its three factors, defined once.

Over any period, from the line's open hours, its hours down (breakdowns), the good vehicles
it built, the vehicles it scrapped and its rated speed (jobs per hour):

- availability = (open - down) / open hours;
- performance = started / ((open - down) x rated JPH), started = good + scrapped: the speed
  lost while up, to changeovers, ramp-up, rework and idling for want of demand, chips or input;
- quality = good / started vehicles;
- OEE = good / (open hours x rated JPH) = availability x performance x quality.

A ratio whose denominator is 0 (a line never open, nothing started) is 0. Arrays of any
shape broadcast against each other, so the same function serves a month of one replication
and a horizon pooled over replications: sum the hours and vehicles first, then take ratios.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike


class Oee(NamedTuple):
    """Availability, performance, quality and their product, OEE (shares, same shape as the inputs)."""

    availability: np.ndarray
    performance: np.ndarray
    quality: np.ndarray
    oee: np.ndarray


def oee(open_hours: ArrayLike, down_hours: ArrayLike, good: ArrayLike, scrapped: ArrayLike, jph: ArrayLike) -> Oee:
    """The OEE split of lines from their open and down hours, good and scrapped vehicles and rated JPH."""
    open_hours, down_hours, good, scrapped, jph = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (open_hours, down_hours, good, scrapped, jph))
    )
    up = open_hours - down_hours
    started = good + scrapped
    return Oee(
        availability=ratio(up, open_hours),
        performance=ratio(started, up * jph),
        quality=ratio(good, started),
        oee=ratio(good, open_hours * jph),
    )


def ratio(num: ArrayLike, den: ArrayLike) -> np.ndarray:
    """num / den elementwise (broadcast), 0 where den is 0."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    return np.divide(num, den, out=np.zeros(num.shape), where=den > 0)
