"""Tests for sim.experiment.selection: KN's probability of correct selection measured on synthetic
normal candidates, its constants by hand, Clopper-Pearson bounds against closed forms, verdicts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from sim.experiment.selection import (
    Selection,
    chance_feasible,
    clopper_pearson_bound,
    kn_constants,
    mean_feasible,
    select_best,
)
from sim.results.stats import t_quantile

MACRO = 300  # macro-replications per PCS check
K, MAX_REPS = 5, 1000


def tolerance(p: float, n: int) -> float:
    """Three binomial standard errors: a valid procedure fails the check about once in 700 runs."""
    return 3.0 * math.sqrt(p * (1.0 - p) / n)


class Synthetic:
    """k normal candidates, unit variance, with an optional common term shared by replication r.

    Noise is drawn up front per replication index, so a replication's KPI is the same whichever call
    asks for it (as the simulator's seeded streams are); it also checks that KN asks only for the
    next replications of candidates still in contention.
    """

    def __init__(self, mu: np.ndarray, rng: np.random.Generator, common_sd: float = 0.0, sd: float = 1.0) -> None:
        self.mu = mu
        self.noise = sd * rng.standard_normal((mu.size, MAX_REPS)) + common_sd * rng.standard_normal(MAX_REPS)
        self.next = np.zeros(mu.size, dtype=int)

    def __call__(self, candidates: Sequence[int], start: int, stop: int) -> np.ndarray:
        idx = np.asarray(candidates)
        assert (self.next[idx] == start).all(), "a replication asked twice or skipped"
        self.next[idx] = stop
        return self.mu[idx, None] + self.noise[idx, start:stop]


def pcs(delta: float, maximise: bool, common_sd: float, batch: int, seed: int) -> tuple[float, float]:
    """(fraction of correct selections, mean replications per candidate) in the slippage configuration:
    the best (candidate 2) is exactly delta better than the other four, the hardest case for the
    indifference zone."""
    rng = np.random.default_rng(seed)
    mu = np.zeros(K)
    mu[2] = delta if maximise else -delta
    correct, used = 0, 0
    for _ in range(MACRO):
        s = select_best(Synthetic(mu, rng, common_sd), K, delta=delta, maximise=maximise, batch=batch)
        assert s.finished and s.survivors == [s.best]
        correct += s.best == 2
        used += sum(s.replications)
    return correct / MACRO, used / (MACRO * K)


# delta = sigma / 2 keeps KN near its nominal level (it is conservative, more so for larger
# delta / sigma); two cases use delta = sigma, a quarter of the stages, to keep the file fast.
@pytest.mark.parametrize(
    ("delta", "maximise", "common_sd", "batch", "seed"),
    [(1.0, True, 0.0, 1, 2001), (0.5, True, 3.0, 1, 2002), (1.0, False, 3.0, 1, 2003), (0.5, True, 3.0, 5, 2004)],
    ids=["independent", "crn", "minimise-crn", "batch5-crn"],
)
def test_kn_achieves_the_probability_of_correct_selection(
    delta: float, maximise: bool, common_sd: float, batch: int, seed: int
) -> None:
    rate, mean_reps = pcs(delta, maximise, common_sd, batch, seed)
    print(f"PCS {rate:.3f}, mean replications per candidate {mean_reps:.1f}")
    assert rate >= 0.95 - tolerance(0.95, MACRO)
    # Not right merely by brute force: KN decides every pair by r = h2 S2 / delta^2 at the latest
    # (h2 = 11.4 for k = 5, n0 = 10; S2 about 2: 23 for delta = 1, 92 for delta = 0.5), and on
    # average far sooner; the cap is never near.
    _, h2 = kn_constants(K, 10, 0.05)
    assert mean_reps < 0.75 * h2 * 2.0 / delta**2 < 0.1 * MAX_REPS


def test_kn_constants_by_hand() -> None:
    # k = 2, n0 = 10, alpha = 0.05: eta = ((2 * 0.05) ** (-2 / 9) - 1) / 2 = (10 ** (2 / 9) - 1) / 2,
    # with 10 ** (2 / 9) = 1.6681005; h2 = 2 * 9 * eta.
    eta, h2 = kn_constants(2, 10, 0.05)
    assert eta == pytest.approx(0.3340503, abs=1e-7)
    assert h2 == pytest.approx(6.0129048, abs=1e-6)


def test_the_cap_stops_and_reports_the_survivors() -> None:
    rng = np.random.default_rng(7)
    mu = np.array([0.0, 0.05, 0.1])  # far closer than a tiny delta can resolve in 30 replications
    s = select_best(Synthetic(mu, rng), 3, delta=0.01, n0=10, batch=4, max_replications=30)
    assert not s.finished
    assert len(s.survivors) >= 2 and s.best in s.survivors
    assert all(s.replications[i] == 30 for i in s.survivors)
    assert s.best == max(s.survivors, key=lambda i: s.means[i])
    assert "cap of 30 replications" in s.statement()
    assert s.statement().startswith("candidates " + ", ".join(map(str, s.survivors)) + " remain")


def test_one_candidate_needs_only_the_first_stage() -> None:
    calls: list[tuple[list[int], int, int]] = []

    def draw(candidates: Sequence[int], start: int, stop: int) -> np.ndarray:
        calls.append((list(candidates), start, stop))
        return np.ones((len(candidates), stop - start))

    s = select_best(draw, 1, delta=1.0, n0=4)
    assert (s.best, s.survivors, s.replications, s.finished) == (0, [0], [4], True)
    assert calls == [([0], 0, 4)]


def test_identical_candidates_keep_the_lower_index() -> None:
    rng = np.random.default_rng(3)
    row = rng.standard_normal(MAX_REPS)
    s = select_best(lambda c, a, b: np.tile(row[a:b], (len(c), 1)), 4, delta=0.5)
    assert (s.best, s.survivors, s.replications, s.finished) == (0, [0], [10] * 4, True)
    assert s.half_widths[0] == s.half_widths[3] > 0


def test_a_constant_difference_is_decided_at_once() -> None:
    # S2 = 0 for every pair: no division by it, and W = 0 decides by the means after n0.
    rng = np.random.default_rng(4)
    row = rng.standard_normal(MAX_REPS)
    offsets = np.array([0.0, 3.0, 1.0])
    s = select_best(lambda c, a, b: offsets[list(c), None] + row[a:b], 3, delta=5.0)
    assert (s.best, s.replications) == (1, [10, 10, 10])
    s = select_best(lambda c, a, b: offsets[list(c), None] + row[a:b], 3, delta=5.0, maximise=False)
    assert s.best == 0


def test_means_and_half_widths_are_over_each_candidates_replications() -> None:
    rng = np.random.default_rng(5)
    sim = Synthetic(np.array([-10.0, 2.0, 1.5]), rng)  # candidate 0 is out after the first stage
    s = select_best(sim, 3, delta=0.5, n0=5)
    assert s.replications[0] == 5 < s.replications[1]
    for i, n in enumerate(s.replications):
        x = sim.mu[i] + sim.noise[i, :n]
        assert s.means[i] == pytest.approx(x.mean())
        assert s.half_widths[i] == pytest.approx(t_quantile(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    x = sim.mu[0] + sim.noise[0, :5]
    assert s.half_widths[0] == pytest.approx(2.7764451 * x.std(ddof=1) / math.sqrt(5))  # t(0.975, 4) by table


def test_bad_arguments_and_a_bad_draw_are_rejected() -> None:
    def draw(c: Sequence[int], a: int, b: int) -> np.ndarray:
        return np.zeros((len(c), b - a))

    for kwargs in (
        {"delta": 0.0},
        {"delta": 1.0, "n0": 1},
        {"delta": 1.0, "batch": 0},
        {"delta": 1.0, "confidence": 1.0},
    ):
        with pytest.raises(ValueError):
            select_best(draw, 3, **kwargs)
    with pytest.raises(ValueError, match="max_replications"):
        select_best(draw, 3, delta=1.0, max_replications=5)
    with pytest.raises(ValueError, match="shape"):
        select_best(lambda c, a, b: np.zeros((len(c), 1)), 3, delta=1.0)


def test_selection_statement() -> None:
    done = Selection(3, [3], [10] * 12, np.zeros(12), np.zeros(12), 50.0, 0.95, True)
    assert done.statement(unit="RMB M") == "candidate 3 is the best of 12 within 50 RMB M with probability >= 95%"
    assert done.statement(lambda i: f"plan {i}").startswith("plan 3 is the best of 12 within 50 with")
    capped = Selection(3, [3, 5], [1000] * 12, np.zeros(12), np.zeros(12), 50.0, 0.95, False)
    assert capped.statement(unit="RMB M") == (
        "candidates 3, 5 remain: the best of 12 is among them within 50 RMB M with probability >= 95%; "
        "the cap of 1,000 replications per candidate was reached before one was left"
    )


# --- Clopper-Pearson and chance constraints ------------------------------------------------------


def test_clopper_pearson_closed_forms() -> None:
    # All successes: P(B >= n) = p^n = alpha gives p = alpha^(1/n); none: (1 - p)^n = alpha.
    assert clopper_pearson_bound(10, 10, 0.95, "lower") == pytest.approx(0.05**0.1, abs=1e-12)
    assert clopper_pearson_bound(10, 10, 0.95, "lower") == pytest.approx(0.7411344, abs=1e-7)
    assert clopper_pearson_bound(0, 20, 0.95, "upper") == pytest.approx(1 - 0.05 ** (1 / 20), abs=1e-12)
    assert clopper_pearson_bound(0, 20, 0.95, "lower") == 0.0
    assert clopper_pearson_bound(10, 10, 0.95, "upper") == 1.0
    f = chance_feasible(10, 10, 0.5)
    assert f.low == pytest.approx(0.025**0.1, abs=1e-12)  # two-sided: each tail 2.5%
    assert f.high == 1.0


@pytest.mark.parametrize(("x", "n"), [(1, 7), (45, 50), (3, 200), (1990, 2000)])
def test_clopper_pearson_bounds_solve_the_binomial_tail(x: int, n: int) -> None:
    def at_least(j: int, p: float) -> float:  # brute force with exact binomial coefficients
        return math.fsum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(j, n + 1))

    low = clopper_pearson_bound(x, n, 0.95, "lower")
    high = clopper_pearson_bound(x, n, 0.95, "upper")
    assert at_least(x, low) == pytest.approx(0.05, rel=1e-9)
    assert 1 - at_least(x + 1, high) == pytest.approx(0.05, rel=1e-9)
    assert low < x / n < high


def test_chance_verdicts() -> None:
    assert chance_feasible(50, 50, 0.9).verdict == "feasible"  # lower bound 0.05^(1/50) = 0.942
    assert chance_feasible(0, 20, 0.2).verdict == "infeasible"  # upper bound 0.139
    assert chance_feasible(9, 10, 0.8).verdict == "undecided"
    assert chance_feasible(3, 10, 0.0).verdict == "feasible"
    assert chance_feasible(470, 500, 0.95).verdict == "undecided"
    assert chance_feasible(440, 500, 0.95).verdict == "infeasible"
    f = chance_feasible(50, 50, 0.9)
    assert f.statement("SOP on time").startswith(
        "feasible: the probability of SOP on time is >= 0.9 with 95% confidence"
    )
    assert f.statement().endswith("over 50 replications)")


def test_clopper_pearson_covers_a_known_probability() -> None:
    rng = np.random.default_rng(1934)
    p, n, macro = 0.9, 50, 2000
    successes = (rng.random((macro, n)) < p).sum(axis=1)
    low = {x: clopper_pearson_bound(int(x), n, 0.95, "lower") for x in np.unique(successes)}
    high = {x: clopper_pearson_bound(int(x), n, 0.95, "upper") for x in np.unique(successes)}
    cover_low = np.mean([low[x] <= p for x in successes])
    cover_high = np.mean([high[x] >= p for x in successes])
    print(f"one-sided coverage: lower {cover_low:.3f}, upper {cover_high:.3f}")
    assert cover_low >= 0.95 - tolerance(0.95, macro)
    assert cover_high >= 0.95 - tolerance(0.95, macro)


# --- Constraints on a mean ----------------------------------------------------------------------

SAMPLE = [10.0, 11.0, 12.0, 9.0, 8.0]  # mean 10, variance 2.5, n = 5


def test_mean_bounds_by_hand() -> None:
    f = mean_feasible(SAMPLE, 9.0, ">=")
    half1 = 2.1318468 * math.sqrt(2.5 / 5)  # t(0.95, 4) by table
    half2 = 2.7764451 * math.sqrt(2.5 / 5)  # t(0.975, 4)
    assert f.estimate == 10.0
    assert (f.one_sided_low, f.one_sided_high) == pytest.approx((10 - half1, 10 + half1))
    assert (f.low, f.high) == pytest.approx((10 - half2, 10 + half2))


@pytest.mark.parametrize(
    ("bound", "sense", "verdict"),
    [
        (8.0, ">=", "feasible"),  # lower one-sided bound 8.49 clears 8
        (9.0, ">=", "undecided"),
        (12.0, ">=", "infeasible"),  # upper one-sided bound 11.51 < 12
        (12.0, "<=", "feasible"),
        (10.0, "<=", "undecided"),
        (8.0, "<=", "infeasible"),
    ],
)
def test_mean_verdicts(bound: float, sense: str, verdict: str) -> None:
    assert mean_feasible(SAMPLE, bound, sense).verdict == verdict  # type: ignore[arg-type]


def test_mean_without_spread_and_too_few_values() -> None:
    assert mean_feasible([5.0, 5.0, 5.0], 5.0, ">=").verdict == "feasible"
    assert mean_feasible([5.0, 5.0, 5.0], 5.0, "<=").verdict == "feasible"
    assert mean_feasible([5.0, 5.0, 5.0], 5.1, ">=").verdict == "infeasible"
    with pytest.raises(ValueError):
        mean_feasible([5.0], 5.0, ">=")
    with pytest.raises(ValueError):
        mean_feasible(SAMPLE, 5.0, "==")  # type: ignore[arg-type]
    f = mean_feasible(SAMPLE, 12.0, ">=")
    assert f.statement("profit", unit="RMB M").startswith(
        "infeasible: the mean of profit is < 12 RMB M with 95% confidence (estimate 10 RMB M; 95% interval"
    )
