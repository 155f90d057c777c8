"""One factory that turns a YAML distribution into a sampler.

A sampler takes the numpy Generator of its subsystem and returns one draw, so that the
caller decides which random stream it consumes (common random numbers).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

from sim.scenario.distributions import Duration, Exponential, Fixed, Lognormal, Pert, Triangular, Uniform, Weibull

Sampler = Callable[[np.random.Generator], float]


@functools.cache  # specs are frozen: build each sampler (a PERT table) once
def sampler(spec: Duration) -> Sampler:
    """A function drawing one value of `spec` from a Generator; every kind draws exactly one uniform."""
    # Each kind consumes the same amount of randomness (one uniform), so switching one milestone's
    # kind does not shift the draws of the milestones after it.
    match spec:
        case Fixed(value=v):
            return lambda rng: (rng.random(), v)[1]
        case Uniform(min=a, max=b):
            return lambda rng: a + (b - a) * rng.random()
        case Triangular(min=a, mode=c, max=b):
            return lambda rng: float(_triangular(rng.random(), a, c, b))
        case Pert(min=a, mode=c, max=b):
            return _pert(a, c, b)
        case Exponential(mean=m):
            return lambda rng: -m * math.log1p(-rng.random())
        case Lognormal(mean=m, cv=cv):
            sigma = math.sqrt(math.log1p(cv * cv))
            mu = math.log(m) - sigma * sigma / 2
            inv = _STANDARD_NORMAL.inv_cdf
            # 1 - u lies in (0, 1]; the max keeps inv_cdf away from exactly 0 and 1.
            return lambda rng: math.exp(mu + sigma * inv(min(max(rng.random(), 1e-16), 1 - 1e-16)))
        case Weibull(shape=k, scale=lam):
            return lambda rng: lam * (-math.log1p(-rng.random())) ** (1 / k)
    raise TypeError(f"unknown distribution {spec!r}")


_STANDARD_NORMAL = NormalDist()


def _triangular(u: float, a: float, c: float, b: float) -> float:
    """Inverse CDF of the triangular distribution."""
    if b == a:
        return a
    cut = (c - a) / (b - a)
    if u < cut:
        return a + math.sqrt(u * (b - a) * (c - a))
    return b - math.sqrt((1 - u) * (b - a) * (b - c))


def _pert(a: float, c: float, b: float) -> Sampler:
    """Beta-PERT by inverting the Beta CDF tabulated once on a fine grid."""
    if b == a:
        return lambda rng: (rng.random(), a)[1]
    alpha = 1 + 4 * (c - a) / (b - a)
    beta = 1 + 4 * (b - c) / (b - a)
    x = np.linspace(0.0, 1.0, 4001)
    # Beta density up to a constant; trapezoid-integrated to a CDF, which is monotone.
    with np.errstate(divide="ignore", invalid="ignore"):
        logpdf = (alpha - 1) * np.log(x) + (beta - 1) * np.log1p(-x)
    pdf = np.exp(np.nan_to_num(logpdf, nan=-np.inf, neginf=-np.inf))
    cdf = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)))
    cdf /= cdf[-1]
    return lambda rng: a + (b - a) * float(np.interp(rng.random(), cdf, x))
