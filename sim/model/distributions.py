"""One factory that turns a YAML distribution into its quantile function, and samplers on top.

Every kind is drawn by inversion: one uniform in, one value out. The quantile functions take
numpy arrays of uniforms, so a caller that needs many draws (a line's failures over the
horizon) transforms a block of uniforms at once; `sampler` draws a single value. Both consume
the caller's numpy Generator, so the caller decides which random stream is used (common
random numbers), and n draws consume exactly n uniforms whichever way they are taken.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

from sim.scenario.distributions import Duration, Exponential, Fixed, Lognormal, Pert, Triangular, Uniform, Weibull

Quantile = Callable[[np.ndarray], np.ndarray]
Sampler = Callable[[np.random.Generator], float]
_STANDARD_NORMAL = NormalDist()


@functools.cache  # specs are frozen: build each quantile function (a PERT table) once
def quantile(spec: Duration) -> Quantile:
    """The inverse CDF of `spec`, applied elementwise to an array of uniforms in [0, 1)."""
    # Inversion consumes the same randomness (one uniform) for every kind, so switching one
    # milestone's kind does not shift the draws of the milestones after it.
    match spec:
        case Fixed(value=v):
            return lambda u: np.full(np.shape(u), float(v))
        case Uniform(min=a, max=b):
            return lambda u: a + (b - a) * u
        case Triangular(min=a, mode=c, max=b):
            return functools.partial(_triangular, a=a, c=c, b=b)
        case Pert(min=a, mode=c, max=b):
            return _pert(a, c, b)
        case Exponential(mean=m):
            return lambda u: -m * np.log1p(-u)
        case Lognormal(mean=m, cv=cv):
            sigma = math.sqrt(math.log1p(cv * cv))
            mu = math.log(m) - sigma * sigma / 2
            # The clip keeps the normal quantile away from exactly 0 and 1.
            return lambda u: np.exp(mu + sigma * normal_quantile(np.clip(u, 1e-16, 1 - 1e-16)))
        case Weibull(shape=k, scale=lam):
            return lambda u: lam * (-np.log1p(-u)) ** (1 / k)
    raise TypeError(f"unknown distribution {spec!r}")


def sampler(spec: Duration) -> Sampler:
    """A function drawing one value of `spec` from a Generator (exactly one uniform)."""
    inverse = quantile(spec)
    return lambda rng: float(inverse(np.asarray(rng.random())))


def _triangular(u: np.ndarray, a: float, c: float, b: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution."""
    if b == a:
        return np.full(np.shape(u), float(a))
    cut = (c - a) / (b - a)
    low = a + np.sqrt(u * (b - a) * (c - a))
    high = b - np.sqrt((1 - u) * (b - a) * (b - c))
    return np.where(u < cut, low, high)


def _pert(a: float, c: float, b: float) -> Quantile:
    """Beta-PERT by inverting the Beta CDF tabulated once on a fine grid."""
    if b == a:
        return lambda u: np.full(np.shape(u), float(a))
    alpha = 1 + 4 * (c - a) / (b - a)
    beta = 1 + 4 * (b - c) / (b - a)
    x = np.linspace(0.0, 1.0, 4001)
    # Beta density up to a constant (finite at an end that is the mode: 0 ** 0 is 1), summed
    # in trapezoids to a CDF, which is monotone; their common factor cancels in the normalisation.
    pdf = x ** (alpha - 1) * (1 - x) ** (beta - 1)
    cdf = np.concatenate(([0.0], np.cumsum(pdf[1:] + pdf[:-1])))
    cdf /= cdf[-1]
    return lambda u: a + (b - a) * np.interp(u, cdf, x)


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """Standard normal quantile of probabilities strictly inside (0, 1), elementwise."""
    p = np.asarray(p)
    # The standard library's inverse CDF, one Python call per value: a list comprehension is
    # as fast as any numpy wrapper around it (np.frompyfunc, np.vectorize are slower).
    return np.array([_STANDARD_NORMAL.inv_cdf(x) for x in p.ravel().tolist()]).reshape(p.shape)
