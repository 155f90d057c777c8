"""Choosing the best of several simulated candidates, and judging constraints, with a stated confidence.

What this models: a handful of candidate configurations (k of them), each a stochastic simulation
whose KPI is observed one replication at a time, and the question "which has the largest (or
smallest) mean KPI?" answered with a probability of correct selection, plus the question "does a
candidate meet a constraint?" answered feasible / infeasible / undecided at a confidence.

- `select_best` is the fully sequential procedure KN of Kim & Nelson (2001), "A fully sequential
  procedure for indifference-zone selection in simulation", ACM TOMACS 11(3): 251-273. It assumes
  each candidate's KPI is normal (the replication KPIs here are sums over a long horizon, so close
  to it) and that replications are independent of one another; it allows common random numbers
  (replication r of every candidate on the same streams) because it works only on the variances of
  pairwise differences. The guarantee is the indifference-zone one: if the best mean is at least
  ``delta`` better than every other, the best is selected with probability >= ``confidence``; a
  candidate within ``delta`` of the best counts as good enough. Candidates are dropped as soon as
  they are clearly worse, so clear losers cost few replications.
- `mean_feasible` judges a constraint on a KPI's mean with one-sided Student-t bounds (normal
  mean, independent replications, as in `sim.results.stats.mean_ci`).
- `chance_feasible` judges a chance constraint P(event) >= p_min with exact one-sided
  Clopper & Pearson (1934) bounds ("The use of confidence or fiducial limits illustrated in the
  case of the binomial", Biometrika 26(4)); it assumes only independent replications.

No scipy: Student-t quantiles come from `sim.results.stats`, and the beta quantiles
Clopper-Pearson needs are found by bisection on the binomial tail (the identity
P(Beta(x, n - x + 1) <= p) = P(Binomial(n, p) >= x)), summed exactly with log-gamma: cheap and
exact for the few thousand replications a run has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from sim.results.stats import mean_ci, t_quantile

__all__ = [
    "Draw",
    "Feasibility",
    "Selection",
    "chance_feasible",
    "clopper_pearson_bound",
    "kn_constants",
    "mean_feasible",
    "select_best",
]

#: draw(candidates, start, stop) -> array of shape (len(candidates), stop - start): the KPI of
#: replications start..stop-1 of each listed candidate, in the order listed. Replication r of every
#: candidate should use the same random numbers (common random numbers); KN is valid either way.
Draw = Callable[[Sequence[int], int, int], np.ndarray]

Sense = Literal[">=", "<="]
Verdict = Literal["feasible", "infeasible", "undecided"]


def _number(x: float) -> str:
    """A number for a sentence: thousands separated, never scientific notation for big values."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _percent(p: float) -> str:
    return f"{p * 100:g}%"


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


# --- Ranking and selection ---------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The outcome of `select_best`: the chosen candidate and what the evidence supports.

    When ``finished`` is False the replication cap stopped the procedure with several candidates
    still in contention: the supported statement is then weaker, "the best is among
    ``survivors``", and ``best`` is merely the survivor with the best sample mean.
    """

    best: int  # index of the selected candidate
    survivors: list[int]  # candidates never eliminated (== [best] when the procedure finished)
    replications: list[int]  # replications used per candidate (len k)
    means: np.ndarray  # sample mean per candidate over its replications
    half_widths: np.ndarray  # t half-width of each mean at the procedure's confidence
    delta: float
    confidence: float
    finished: bool

    def statement(self, label: Callable[[int], str] | None = None, *, unit: str = "") -> str:
        """One plain sentence of what was shown, e.g. "candidate 3 is the best of 12 within 50 RMB M
        with probability >= 95%". ``label`` names a candidate by index; ``unit`` follows delta."""
        k = len(self.replications)
        within = f"within {_number(self.delta)}{' ' + unit if unit else ''}"
        chance = f"with probability >= {_percent(self.confidence)}"
        if self.finished:
            name = label(self.best) if label else f"candidate {self.best}"
            return f"{name} is the best of {k} {within} {chance}"
        if label:
            names = ", ".join(label(i) for i in self.survivors)
        else:
            names = "candidates " + ", ".join(str(i) for i in self.survivors)
        cap = max(self.replications)
        return (
            f"{names} remain: the best of {k} is among them {within} {chance}; "
            f"the cap of {cap:,} replications per candidate was reached before one was left"
        )


def kn_constants(k: int, n0: int, alpha: float) -> tuple[float, float]:
    """(eta, h2) of procedure KN (Kim & Nelson 2001, with their c = 1).

    eta = ((2 alpha / (k - 1)) ** (-2 / (n0 - 1)) - 1) / 2 and h2 = 2 eta (n0 - 1): the
    triangular continuation region of each pair is sized so that the pairwise chances of
    eliminating the best add up to at most alpha (Bonferroni over the k - 1 rivals).
    """
    if k < 2 or n0 < 2:
        raise ValueError(f"need k >= 2 and n0 >= 2, got k={k!r}, n0={n0!r}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    eta = 0.5 * ((2.0 * alpha / (k - 1)) ** (-2.0 / (n0 - 1)) - 1.0)
    return eta, 2.0 * eta * (n0 - 1)


def _take(draw: Draw, candidates: Sequence[int], start: int, stop: int) -> np.ndarray:
    """Call ``draw`` and check what it returned: a caller's shape bug must not pass as data."""
    x = np.asarray(draw(list(candidates), start, stop), dtype=float)
    if x.shape != (len(candidates), stop - start):
        raise ValueError(f"draw returned shape {x.shape}, expected {(len(candidates), stop - start)}")
    if not np.isfinite(x).all():
        raise ValueError("draw returned a NaN or infinite KPI")
    return x


def _eliminated(score: np.ndarray, w: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Which of the contenders KN's screening drops: i goes if score_i < score_l - W_il for some l.

    ``score`` is each contender's mean on the "larger is better" scale. An exact tie with W = 0
    (a pair whose difference had no variance: identical candidates) would otherwise keep both
    for ever; the higher index goes. The contender with the best score (lowest index among ties)
    is never dropped, so at least one always remains.
    """
    gap = score[:, None] - score[None, :]  # gap[i, l] = score_i - score_l
    beaten = gap < -w
    tied = (gap == 0.0) & (w == 0.0) & (index[None, :] < index[:, None])
    return (beaten | tied).any(axis=1)


def select_best(
    draw: Draw,
    k: int,
    *,
    delta: float,
    confidence: float = 0.95,
    maximise: bool = True,
    n0: int = 10,
    batch: int = 1,
    max_replications: int = 1000,
) -> Selection:
    """Select the candidate with the best mean KPI by Kim & Nelson's fully sequential procedure KN.

    ``delta`` (> 0, in the KPI's units) is the indifference zone: differences smaller than it are
    not worth telling apart. Every candidate gets ``n0`` replications; then, at each stage, every
    survivor gets ``batch`` more and any survivor clearly worse than another is eliminated, until
    one is left or survivors have ``max_replications`` each (``finished`` is then False and the
    statement only says the best is among the survivors).
    """
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    if not (math.isfinite(delta) and delta > 0.0):
        raise ValueError(f"delta must be a positive number, got {delta!r}")
    _check_confidence(confidence)
    if n0 < 2:
        raise ValueError(f"n0 must be at least 2 (a variance needs two replications), got {n0!r}")
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch!r}")
    if max_replications < n0:
        raise ValueError(f"max_replications ({max_replications!r}) must be at least n0 ({n0!r})")
    k = int(k)
    sign = 1.0 if maximise else -1.0  # minimising X is maximising -X
    first = _take(draw, range(k), 0, n0)
    # Every candidate's replications so far, by index; grown by doubling. A candidate's row is
    # filled up to counts[i] (survivors all share the current stage r).
    data = np.empty((k, max(n0, min(4 * n0, max_replications))))
    data[:, :n0] = first
    counts = np.full(k, n0)
    alive = np.arange(k)
    r = n0
    if k > 1:
        _, h2 = kn_constants(k, n0, 1.0 - confidence)
        # S2_il: variance of X_i - X_l over the first stage only. KN fixes it there: updating it
        # later would make the continuation region depend on the data it screens.
        diff = first[:, None, :] - first[None, :, :]
        s2 = diff.var(axis=2, ddof=1)
        sums = sign * first.sum(axis=1)
        while True:
            # W_il(r) = max(0, delta / (2r) (h2 S2_il / delta^2 - r)): the half-width of pair
            # (i, l)'s triangular region at stage r; it reaches 0 at r = h2 S2_il / delta^2, so
            # every pair is decided by then and the procedure ends without the cap.
            sub = s2[alive][:, alive]
            w = np.maximum(0.0, delta / (2.0 * r) * (h2 * sub / delta**2 - r))
            keep = ~_eliminated(sums[alive] / r, w, alive)
            alive = alive[keep]
            if alive.size == 1 or r >= max_replications:
                break
            # A batch b > 1 checks the rule only at r = n0, n0 + b, ... (and at the cap). KN's
            # proof bounds the chance of a wrong elimination for the pair's sums observed at any
            # set of stages (the Brownian-motion argument it borrows from Fabian 1974 and
            # Jennison, Johnstone & Turnbull 1982 covers any subset of times), so checking fewer
            # stages keeps the guarantee; it only spends some replications the rule could have saved.
            step = min(batch, max_replications - r)
            more = _take(draw, alive.tolist(), r, r + step)
            if r + step > data.shape[1]:
                grown = np.empty((k, min(max(2 * data.shape[1], r + step), max_replications)))
                grown[:, :r] = data[:, :r]
                data = grown
            data[alive, r : r + step] = more
            counts[alive] += step
            sums[alive] += sign * more.sum(axis=1)
            r += step
    values = [data[i, : counts[i]] for i in range(k)]
    means = np.array([v.mean() for v in values])
    half_widths = np.array([mean_ci(v, confidence)[2] - v.mean() for v in values])
    survivors = [int(i) for i in alive]
    # Among survivors (only one when finished) the best sample mean, the lower index on a tie.
    best = max(survivors, key=lambda i: (sign * means[i], -i))
    return Selection(
        best=best,
        survivors=survivors,
        replications=[int(n) for n in counts],
        means=means,
        half_widths=half_widths,
        delta=float(delta),
        confidence=float(confidence),
        finished=len(survivors) == 1,
    )


# --- Feasibility ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feasibility:
    """A constraint "quantity sense bound" judged on a sample at a confidence.

    ``low``/``high`` are the two-sided interval at ``confidence``; the verdict uses the one-sided
    bounds ``one_sided_low``/``one_sided_high`` at ``confidence``: feasible when the bound on the
    safe side clears the limit, infeasible when the bound on the other side is beyond it, else
    undecided (more replications would settle it, unless the true value sits on the limit).
    """

    estimate: float
    low: float
    high: float
    verdict: Verdict
    bound: float
    sense: Sense
    confidence: float
    n: int
    quantity: str  # "the mean" or "the probability": what the constraint is on
    one_sided_low: float
    one_sided_high: float

    def statement(self, name: str | None = None, *, unit: str = "") -> str:
        """One plain sentence, e.g. "feasible: the mean of profit is >= 100 RMB M with 95% confidence
        (estimate 130; 95% interval 112 to 148 over 30 replications)"."""
        what = f"{self.quantity} of {name}" if name else self.quantity
        u = f" {unit}" if unit else ""
        level = _percent(self.confidence)
        limit = f"{_number(self.bound)}{u}"
        evidence = (
            f"(estimate {_number(self.estimate)}{u}; {level} interval {_number(self.low)} to {_number(self.high)}{u} "
            f"over {self.n:,} replications)"
        )
        if self.verdict == "feasible":
            return f"feasible: {what} is {self.sense} {limit} with {level} confidence {evidence}"
        if self.verdict == "infeasible":
            opposite = "<" if self.sense == ">=" else ">"
            return f"infeasible: {what} is {opposite} {limit} with {level} confidence {evidence}"
        return f"undecided: {what} may be on either side of {limit} at {level} confidence {evidence}"


def _verdict(low1: float, high1: float, bound: float, sense: Sense) -> Verdict:
    """feasible / infeasible / undecided from the one-sided bounds (low1 <= high1, so never both)."""
    if sense == ">=":
        if low1 >= bound:
            return "feasible"
        return "infeasible" if high1 < bound else "undecided"
    if high1 <= bound:
        return "feasible"
    return "infeasible" if low1 > bound else "undecided"


def mean_feasible(
    values: Sequence[float] | np.ndarray, bound: float, sense: Sense, confidence: float = 0.95
) -> Feasibility:
    """Judge "mean KPI ``sense`` ``bound``" from per-replication ``values`` by one-sided t bounds.

    Each one-sided bound is a one-sided t test at level 1 - ``confidence``. At least two values
    are needed: one replication says nothing of the spread. Values with no spread at all (a
    deterministic KPI) give zero-width bounds, so the verdict is the mean's side of the limit.
    """
    if sense not in (">=", "<="):
        raise ValueError(f"sense must be '>=' or '<=', got {sense!r}")
    _check_confidence(confidence)
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"need a one-dimensional sample of at least 2 values, got shape {x.shape}")
    estimate, low, high = mean_ci(x, confidence)  # also rejects NaN and infinities
    n = x.size
    half1 = t_quantile(confidence, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    low1, high1 = estimate - half1, estimate + half1
    return Feasibility(
        estimate=estimate,
        low=low,
        high=high,
        verdict=_verdict(low1, high1, bound, sense),
        bound=float(bound),
        sense=sense,
        confidence=float(confidence),
        n=n,
        quantity="the mean",
        one_sided_low=low1,
        one_sided_high=high1,
    )


@lru_cache(maxsize=64)
def _log_choose(n: int) -> np.ndarray:
    """log C(n, j) for j = 0..n, once per n: a bisection evaluates the tail some 60 times."""
    return np.array([math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) for j in range(n + 1)])


def _at_least(successes: int, n: int, p: float) -> float:
    """P(Binomial(n, p) >= successes) for 0 < p < 1, summed term by term over the tail itself (not
    1 - the rest), so a tail far below 1 keeps its precision; log-gamma keeps large n finite."""
    j = np.arange(successes, n + 1)
    return float(np.exp(_log_choose(n)[successes:] + j * math.log(p) + (n - j) * math.log1p(-p)).sum())


def _bisect(f: Callable[[float], float], target: float) -> float:
    """The p in [0, 1] where increasing ``f`` crosses ``target``, to about 1e-15."""
    lo, hi = 0.0, 1.0
    for _ in range(60):  # 2^-60 is below double spacing near 1
        mid = 0.5 * (lo + hi)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def clopper_pearson_bound(successes: int, n: int, confidence: float, side: Literal["lower", "upper"]) -> float:
    """The exact one-sided Clopper-Pearson bound on a success probability at ``confidence``.

    lower: the p with P(Binomial(n, p) >= successes) = 1 - confidence (0 with no successes);
    upper: the p with P(Binomial(n, p) <= successes) = 1 - confidence (1 with all successes).
    These are the beta quantiles Beta(alpha; x, n - x + 1) and Beta(1 - alpha; x + 1, n - x), by
    the binomial-beta identity, so coverage is at least ``confidence`` for every p.
    """
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need n >= 1 and 0 <= successes <= n, got successes={successes!r}, n={n!r}")
    _check_confidence(confidence)
    alpha = 1.0 - confidence
    if side == "lower":
        return 0.0 if successes == 0 else _bisect(lambda p: _at_least(successes, n, p), alpha)
    if side == "upper":
        # P(B <= x) = 1 - P(B >= x + 1) falls in p: find where P(B >= x + 1) rises to 1 - alpha.
        return 1.0 if successes == n else _bisect(lambda p: _at_least(successes + 1, n, p), confidence)
    raise ValueError(f"side must be 'lower' or 'upper', got {side!r}")


def chance_feasible(successes: int, n: int, p_min: float, confidence: float = 0.95) -> Feasibility:
    """Judge the chance constraint "P(event) >= ``p_min``" from ``successes`` of ``n`` replications.

    The verdict uses the exact one-sided Clopper-Pearson bounds at ``confidence``; ``low``/``high``
    are the two-sided Clopper-Pearson interval (each tail (1 - confidence) / 2).
    """
    if not 0.0 <= p_min <= 1.0:
        raise ValueError(f"p_min must be between 0 and 1, got {p_min!r}")
    _check_confidence(confidence)
    low1 = clopper_pearson_bound(successes, n, confidence, "lower")
    high1 = clopper_pearson_bound(successes, n, confidence, "upper")
    two = 0.5 + confidence / 2.0
    return Feasibility(
        estimate=successes / n,
        low=clopper_pearson_bound(successes, n, two, "lower"),
        high=clopper_pearson_bound(successes, n, two, "upper"),
        verdict=_verdict(low1, high1, p_min, ">="),
        bound=float(p_min),
        sense=">=",
        confidence=float(confidence),
        n=n,
        quantity="the probability",
        one_sided_low=low1,
        one_sided_high=high1,
    )
