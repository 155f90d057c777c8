"""Confidence intervals for KPIs estimated from independent Monte Carlo replications.

Each function takes one KPI's per-replication values (or a success count) and returns a point
estimate with a two-sided interval at confidence ``level``:

- `mean_ci`: Student-t interval for the mean. Assumes the replications are independent and the
  mean is close to normal (the central limit theorem; fine for a few dozen replications of
  KPIs that are sums over a simulated horizon).
- `proportion_ci`: Wilson score interval for a probability, e.g. "share of replications that
  meet the contract volume". Unlike the textbook Wald interval it stays inside [0, 1] and
  keeps its coverage near 0 and 1.
- `quantile_ci`: distribution-free interval for a quantile from order statistics; assumes only
  independent draws from a continuous distribution.

The quantiles these need come without scipy: `normal_quantile` is the standard library's
(`statistics.NormalDist`), and `t_quantile` is computed here (the exact finite
sum for the Student-t distribution function with integer degrees of freedom, inverted by
safeguarded Newton; a Cornish-Fisher expansion for more than 1000 degrees of freedom).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

__all__ = ["mean_ci", "normal_quantile", "proportion_ci", "quantile_ci", "t_quantile"]

_EXACT_DF_MAX = 1000  # above this, t_quantile uses the Cornish-Fisher expansion (error < 1e-9)
_TAIL_SWITCH = 1e-3  # below this upper-tail probability, sum the series remainder instead

#: The standard normal quantile (inverse CDF) at p; a ValueError unless 0 < p < 1.
normal_quantile = NormalDist().inv_cdf


def _check_probability(p: float, name: str = "p") -> None:
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {p!r}")


def _two_sided(level: float) -> float:
    """The upper quantile probability of a two-sided interval at ``level``, e.g. 0.975 for 0.95."""
    _check_probability(level, "level")
    return 0.5 + level / 2.0


def _t_upper_tail(t: float, df: int) -> float:
    """P(T > t) for t >= 0 and integer ``df``, from Abramowitz & Stegun 26.7.3/26.7.4.

    With theta = atan(t / sqrt(df)), s = sin theta, c = cos theta, the finite sums give
    A = P(|T| < t). Far in the tail 1 - A cancels, so there the upper tail is taken instead as
    the (all positive) remainder of the infinite series whose partial sum is A:
    sum c^(2k) (2k-1)!!/(2k)!! = 1/s for even df, and s c sum c^(2k) (2k)!!/(2k+1)!! = pi/2 - theta
    for odd df.
    """
    root = math.sqrt(df)
    r = math.hypot(t, root)
    s, c = t / r, root / r  # computed directly: cos(atan(...)) would lose the tail
    y = c * c
    odd = df % 2 == 1
    terms: list[float] = []
    coef, power = 1.0, 1.0
    for k in range((df - 1) // 2 if odd else df // 2):
        terms.append(coef * power)
        coef *= (2 * k + 2) / (2 * k + 3) if odd else (2 * k + 1) / (2 * k + 2)
        power *= y
    a = 2.0 / math.pi * (math.atan2(t, root) + s * c * math.fsum(terms)) if odd else s * math.fsum(terms)
    upper = (1.0 - a) / 2.0
    if upper >= _TAIL_SWITCH or y >= 1.0:
        return upper
    k = (df - 1) // 2 if odd else df // 2
    rest: list[float] = []
    total = 0.0
    while True:
        term = coef * power
        rest.append(term)
        total += term
        if term <= 1e-17 * total * (1.0 - y) or len(rest) > 1_000_000:
            break
        coef *= (2 * k + 2) / (2 * k + 3) if odd else (2 * k + 1) / (2 * k + 2)
        power *= y
        k += 1
    return s * c * math.fsum(rest) / math.pi if odd else s * math.fsum(rest) / 2.0


def _t_log_density(t: float, df: int) -> float:
    """Log of the Student-t density at ``t``; written with hypot so huge ``t`` does not overflow."""
    norm = math.lgamma((df + 1) / 2.0) - math.lgamma(df / 2.0) - 0.5 * math.log(df * math.pi)
    return norm - (df + 1) * math.log(math.hypot(1.0, t / math.sqrt(df)))


def _cornish_fisher(z: float, df: int) -> float:
    """The t quantile as a series in 1/df around the normal quantile ``z`` (A&S 26.7.5)."""
    z2 = z * z
    g1 = (z2 + 1.0) * z / 4.0
    g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0
    g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0
    g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0
    v = 1.0 / df
    return z + v * (g1 + v * (g2 + v * (g3 + v * g4)))


@functools.lru_cache(maxsize=256)  # a run's KPIs ask for the same few (level, df) dozens of times
def _t_upper_quantile(q: float, df: int) -> float:
    """The t >= 0 with P(T > t) = q, for 0 < q <= 0.5: Newton on log P(T > t), kept in a bracket."""
    guess = max(_cornish_fisher(-normal_quantile(q), df), 0.0)
    lo, hi = 0.0, max(guess, 1.0)
    while _t_upper_tail(hi, df) > q:  # the expansion can undershoot for small df: grow the bracket
        lo, hi = hi, hi * 8.0
    t = min(max(guess, lo), hi)
    for _ in range(200):
        tail = _t_upper_tail(t, df)
        if tail > q:
            lo = t
        else:
            hi = t
        # Newton on g(t) = log tail(t) - log q, with g'(t) = -density / tail.
        step = (
            (math.log(tail) - math.log(q)) * math.exp(math.log(tail) - _t_log_density(t, df)) if tail > 0 else -math.inf
        )
        new = t + step
        if not lo < new < hi:  # outside the bracket: bisect (geometrically when it spans decades)
            new = math.sqrt(lo * hi) if lo > 0 and hi > 4 * lo else (lo + hi) / 2.0
        if abs(new - t) <= 1e-14 * max(abs(new), 1e-300) or hi - lo <= 1e-15 * hi:
            return new
        t = new
    return t


def t_quantile(p: float, df: int) -> float:
    """The Student-t quantile at probability ``p`` with ``df`` (integer) degrees of freedom.

    For ``df <= 1000`` the exact finite-sum distribution function is inverted to about 1e-13
    relative; above that the Cornish-Fisher expansion in 1/df is used (error below 1e-9 for any
    p in [1e-10, 1 - 1e-10], far less for everyday levels), so any ``df`` is fast.
    """
    _check_probability(p)
    if isinstance(df, bool) or int(df) != df or df < 1:
        raise ValueError(f"df must be an integer >= 1, got {df!r}")
    df = int(df)
    if p == 0.5:
        return 0.0
    if df > _EXACT_DF_MAX:
        return _cornish_fisher(normal_quantile(p), df)
    return -_t_upper_quantile(p, df) if p < 0.5 else _t_upper_quantile(1.0 - p, df)


def _as_values(values: Sequence[float] | np.ndarray, allow_infinite: bool = False) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {x.shape}")
    if x.size == 0:
        raise ValueError("values must not be empty")
    if np.isnan(x).any():
        raise ValueError("values must not contain NaN")
    if not allow_infinite and not np.isfinite(x).all():
        raise ValueError("values must be finite")
    return x


def mean_ci(values: Sequence[float] | np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the Student-t confidence interval for the mean of the replications.

    With a single value, or no spread at all, the interval collapses to the mean: there is no
    information about the variance, and a zero-width interval is what identical replications
    (e.g. a deterministic scenario) honestly show.
    """
    x = _as_values(values)
    upper = _two_sided(level)
    mean = float(x.mean())
    n = x.size
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    if sd == 0.0:
        return mean, mean, mean
    half = t_quantile(upper, n - 1) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def proportion_ci(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """(p_hat, low, high): the Wilson score interval for a success probability.

    Chosen over the Wald interval p_hat +- z sqrt(p_hat (1 - p_hat) / n) because that one
    collapses to zero width at 0 or n successes, which is exactly where KPIs like "share of
    replications meeting the contract" often sit.
    """
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need n >= 1 and 0 <= successes <= n, got successes={successes!r}, n={n!r}")
    z = normal_quantile(_two_sided(level))
    p_hat = successes / n
    z2n = z * z / n
    centre = (p_hat + z2n / 2.0) / (1.0 + z2n)
    half = z * math.sqrt(p_hat * (1.0 - p_hat) / n + z2n / (4.0 * n)) / (1.0 + z2n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return p_hat, low, high


def _binomial_pmf(n: int, q: float) -> np.ndarray:
    """P(B = k) for k = 0..n, B ~ Binomial(n, q), through log-gamma so large n cannot overflow."""
    if q in (0.0, 1.0):
        pmf = np.zeros(n + 1)
        pmf[0 if q == 0.0 else n] = 1.0
        return pmf
    lq, l1q, lgn = math.log(q), math.log1p(-q), math.lgamma(n + 1)
    return np.array(
        [math.exp(lgn - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lq + (n - k) * l1q) for k in range(n + 1)]
    )


def _sample_quantile(x: np.ndarray, q: float) -> float:
    """numpy's default (linear) quantile of sorted ``x``, also defined when ``x`` holds infinities.

    numpy returns NaN when it interpolates towards an infinity (inf - inf); here a quantile
    interpolated towards +inf is +inf, as for a KPI whose "never happened" replications are inf.
    """
    if np.isfinite(x).all():
        return float(np.quantile(x, q))
    h = (x.size - 1) * q
    i = math.floor(h)
    a, b, g = float(x[i]), float(x[min(i + 1, x.size - 1)]), h - i
    if g == 0.0 or a == b:
        return a
    if math.isinf(a) or math.isinf(b):  # -inf to finite stays -inf; finite to +inf is +inf
        return a if math.isinf(a) and (not math.isinf(b) or g < 0.5) else b
    return a + g * (b - a)


def quantile_ci(values: Sequence[float] | np.ndarray, q: float, level: float = 0.95) -> tuple[float, float, float]:
    """(estimate, low, high) for the ``q``-quantile, with a distribution-free interval.

    The estimate is numpy's default (linear interpolation) sample quantile. Infinite values are
    allowed (e.g. a milestone a replication never reached, recorded as inf): order statistics
    need only an ordering, so the estimate or a bound may then be infinite. The interval is
    [x_(r), x_(s)] between order statistics: the number of replications at or below the true
    quantile is Binomial(n, q), so the ranks are the innermost with P(B <= r - 1) <= alpha / 2 and
    P(B >= s) <= alpha / 2, which gives coverage of at least ``level`` for any continuous
    distribution. Caveats:

    - With too few replications no rank reaches the level (e.g. n < 6 for the median at 95%);
      that side is then clipped to the sample minimum or maximum and the coverage is below
      ``level``.
    - For tiny n at low levels the ranks can miss the interpolated estimate; the interval is
      then widened to include it (only ever raising coverage).
    """
    x = np.sort(_as_values(values, allow_infinite=True))
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q!r}")
    _check_probability(level, "level")
    tail = (1.0 - level) / 2.0
    estimate = _sample_quantile(x, q)
    n = x.size
    pmf = _binomial_pmf(n, q)
    at_most = np.cumsum(pmf)  # at_most[j] = P(B <= j)
    at_least = np.cumsum(pmf[::-1])[::-1]  # at_least[j] = P(B >= j), summed from the small end
    lower_ok = np.flatnonzero(at_most[:n] <= tail)  # j = r - 1 for ranks r = 1..n
    upper_ok = np.flatnonzero(at_least[1:] <= tail)  # j = s - 1 for ranks s = 1..n
    low = float(x[lower_ok[-1]]) if lower_ok.size else float(x[0])
    high = float(x[upper_ok[0]]) if upper_ok.size else float(x[-1])
    return estimate, min(low, estimate), max(high, estimate)
