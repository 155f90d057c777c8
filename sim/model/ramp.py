"""Learning after SOP: a new product's share of line speed and its first-pass yield.

Both rise along the same kind of curve from a starting value to their mature value: the
S-curve is the smoothstep 3x^2 - 2x^3 (slow start, fast middle, slow finish); `linear` is a
straight line. The model holds each value constant for `step_days` at a time, at the
curve's value in the middle of the step, so output over a step matches the curve's average
to second order (exactly for a straight line).
"""

from __future__ import annotations

from sim.scenario.products import Ramp, YieldLearning

DAYS_PER_MONTH = 365.25 / 12


def curve(start: float, end: float, months: float, days: float, shape: str = "s_curve") -> float:
    """Value `days` after SOP of a curve from `start` to `end` over `months`."""
    x = min(max(days, 0.0) / (months * DAYS_PER_MONTH), 1.0)
    g = x if shape == "linear" else x * x * (3 - 2 * x)
    return start + (end - start) * g


def fraction(ramp: Ramp, days_since_sop: float) -> float:
    """Share of full rate `days_since_sop` days after SOP."""
    return curve(ramp.start_fraction, 1.0, ramp.months_to_full_rate, days_since_sop, ramp.curve)


def held(start: float, end: float, months: float, step_days: int, shape: str = "s_curve") -> list[tuple[float, float]]:
    """(days after SOP, value) at which the held value changes, ending at `end`."""
    length = months * DAYS_PER_MONTH
    out = []
    day = 0.0
    while day < length:
        mid = (day + min(day + step_days, length)) / 2  # the last step may be short
        out.append((day, curve(start, end, months, mid, shape)))
        day += step_days
    out.append((length, end))
    return out


def steps(ramp: Ramp) -> list[tuple[float, float]]:
    """(days after SOP, share of full rate) steps of a ramp-up."""
    return held(ramp.start_fraction, 1.0, ramp.months_to_full_rate, ramp.step_days, ramp.curve)


def yield_steps(learning: YieldLearning, mature: float, step_days: int = 7) -> list[tuple[float, float]]:
    """(days after SOP, first-pass yield) steps of yield learning towards `mature`."""
    return held(learning.start_first_pass_yield, mature, learning.months_to_mature, step_days)
