"""Ramp-up of a new product after SOP: the share of full line speed it runs at.

The S-curve is the smoothstep 3x^2 - 2x^3 (slow start, fast middle, slow finish) lifted
from `start_fraction` to 1 over `months_to_full_rate`; `linear` is a straight line. The
model holds the rate constant for `step_days` at a time, at the curve's value in the middle
of the step, so output over a step matches the curve's average to second order.
"""

from __future__ import annotations

from sim.scenario.products import Ramp

DAYS_PER_MONTH = 365.25 / 12


def fraction(ramp: Ramp, days_since_sop: float) -> float:
    """Share of full rate `days_since_sop` days after SOP."""
    if days_since_sop <= 0:
        return ramp.start_fraction
    x = min(days_since_sop / (ramp.months_to_full_rate * DAYS_PER_MONTH), 1.0)
    shape = x if ramp.curve == "linear" else x * x * (3 - 2 * x)
    return ramp.start_fraction + (1 - ramp.start_fraction) * shape


def steps(ramp: Ramp) -> list[tuple[float, float]]:
    """(days after SOP, share of full rate) at which the held rate changes, ending at full rate."""
    length = ramp.months_to_full_rate * DAYS_PER_MONTH
    out = []
    day = 0.0
    while day < length:
        mid = (day + min(day + ramp.step_days, length)) / 2  # the last step may be short
        out.append((day, fraction(ramp, mid)))
        day += ramp.step_days
    out.append((length, 1.0))
    return out
