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

import numpy as np

from sim.scenario.distributions import Duration, Exponential, Fixed, Lognormal, Pert, Triangular, Uniform, Weibull

Quantile = Callable[[np.ndarray], np.ndarray]
Sampler = Callable[[np.random.Generator], float]


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
    # Beta density up to a constant; trapezoid-integrated to a CDF, which is monotone.
    with np.errstate(divide="ignore", invalid="ignore"):
        logpdf = (alpha - 1) * np.log(x) + (beta - 1) * np.log1p(-x)
    pdf = np.exp(np.nan_to_num(logpdf, nan=-np.inf, neginf=-np.inf))
    cdf = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)))
    cdf /= cdf[-1]
    return lambda u: a + (b - a) * np.interp(u, cdf, x)


# Wichura's algorithm AS 241 (Applied Statistics 37, 1988), accurate to about 1e-16: rational
# approximations in the centre, the near tails and the far tails. Coefficients highest power first.
_CENTRE = (
    (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
     13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608),
    (5226.495278852545925, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
     5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0),
)  # fmt: skip
_NEAR = (
    (7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
     3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734),
    (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
     0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0),
)  # fmt: skip
_FAR = (
    (2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
     0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772),
    (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
     0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0),
)  # fmt: skip


def _horner(coefficients: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        out *= x
        out += c
    return out


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """Standard normal quantile of probabilities strictly inside (0, 1), elementwise."""
    p = np.asarray(p, dtype=float)
    shape = p.shape
    p = p.reshape(-1)
    q = p - 0.5
    # The centre's formula for all (85% of uniforms fall there), then the tails redone.
    r = 0.180625 - q * q
    out = q * _horner(_CENTRE[0], r) / _horner(_CENTRE[1], r)
    tail = np.abs(q) > 0.425
    if tail.any():
        pt = p[tail]
        r = np.sqrt(-np.log(np.minimum(pt, 1 - pt)))
        x = _horner(_NEAR[0], r - 1.6) / _horner(_NEAR[1], r - 1.6)
        far = r > 5.0  # p below about 1e-11
        if far.any():
            x[far] = _horner(_FAR[0], r[far] - 5.0) / _horner(_FAR[1], r[far] - 5.0)
        out[tail] = np.copysign(x, pt - 0.5)
    return out.reshape(shape)
