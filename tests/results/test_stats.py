"""Tests for sim.results.stats: quantiles against tables and closed forms, intervals by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.results.stats import mean_ci, normal_quantile, proportion_ci, quantile_ci, t_quantile

T_TABLE = [
    (0.975, 1, 12.7062047),
    (0.975, 2, 4.3026527),
    (0.975, 4, 2.7764451),
    (0.975, 9, 2.2621572),
    (0.975, 29, 2.0452296),
    (0.975, 99, 1.9842169),
    (0.975, 1000, 1.9623391),
    (0.95, 10, 1.8124611),
]


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_t_quantile_matches_table(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("p", [1e-9, 1e-4, 0.01, 0.1, 0.3, 0.45, 0.55, 0.8, 0.99])
def test_t_quantile_matches_closed_forms(p: float) -> None:
    """df 1, 2 and 4 have closed-form quantiles; the exact finite sums should agree to ~1e-12."""
    t1 = -1.0 / math.tan(math.pi * p)  # Cauchy, written to stay precise in the lower tail
    t2 = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    a = 4 * p * (1 - p)
    t4 = math.copysign(2 * math.sqrt(math.cos(math.acos(math.sqrt(a)) / 3) / math.sqrt(a) - 1), p - 0.5)
    for df, expected in ((1, t1), (2, t2), (4, t4)):
        assert t_quantile(p, df) == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize("df", [1, 2, 3, 7, 30, 1000, 1001, 100_000])
@pytest.mark.parametrize("p", [1e-6, 0.025, 0.2, 0.5])
def test_t_quantile_is_antisymmetric(p: float, df: int) -> None:
    assert t_quantile(1 - p, df) == pytest.approx(-t_quantile(p, df), rel=1e-9, abs=1e-12)


def test_t_quantile_large_df_is_continuous_and_tends_to_normal() -> None:
    """Across the switch to the Cornish-Fisher expansion the quantile keeps decreasing smoothly."""
    for p in (0.9, 0.975, 0.999):
        exact, expanded = t_quantile(p, 1000), t_quantile(p, 1001)
        assert 0 < exact - expanded < 1e-5
        assert t_quantile(p, 100_000) == pytest.approx(normal_quantile(p), abs=1e-4)
        assert t_quantile(p, 100_000) > normal_quantile(p)


@pytest.mark.parametrize(("p", "df"), [(0.0, 5), (1.0, 5), (-0.1, 5), (0.5, 0), (0.5, -3), (0.5, 2.5)])
def test_t_quantile_rejects_bad_arguments(p: float, df: int) -> None:
    with pytest.raises(ValueError):
        t_quantile(p, df)


def test_normal_quantile_known_values() -> None:
    assert normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-14)
    assert normal_quantile(0.5) == 0.0
    assert normal_quantile(0.001) == pytest.approx(-3.090232306167813, abs=1e-13)
    assert normal_quantile(1e-10) == pytest.approx(-6.361340902404056, rel=1e-13)
    with pytest.raises(ValueError):
        normal_quantile(1.0)


def test_mean_ci_by_hand() -> None:
    mean, low, high = mean_ci([1, 2, 3, 4, 5])
    half = 2.7764451 * math.sqrt(2.5) / math.sqrt(5)  # s = sqrt(2.5) = 1.5811
    assert mean == 3.0
    assert low == pytest.approx(3 - half, abs=1e-6)
    assert high == pytest.approx(3 + half, abs=1e-6)


def test_mean_ci_degenerate_cases() -> None:
    assert mean_ci([4.2]) == (4.2, 4.2, 4.2)
    assert mean_ci(np.full(10, 7.0)) == (7.0, 7.0, 7.0)
    with pytest.raises(ValueError):
        mean_ci([])
    with pytest.raises(ValueError):
        mean_ci([1.0, 2.0], level=1.0)


def test_mean_ci_narrows_with_lower_level() -> None:
    values = [3.1, 2.7, 4.4, 3.9, 3.3, 2.2]
    _, low95, high95 = mean_ci(values, 0.95)
    _, low80, high80 = mean_ci(values, 0.80)
    assert low95 < low80 < high80 < high95


def test_proportion_ci_wilson_by_hand() -> None:
    p_hat, low, high = proportion_ci(8, 10)
    assert p_hat == 0.8
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_proportion_ci_edges_stay_in_unit_interval() -> None:
    p_hat, low, high = proportion_ci(0, 20)
    assert (p_hat, low) == (0.0, 0.0) and 0 < high < 0.2
    p_hat, low, high = proportion_ci(20, 20)
    assert (p_hat, high) == (1.0, 1.0) and 0.8 < low < 1
    for bad in ((-1, 10), (11, 10), (0, 0)):
        with pytest.raises(ValueError):
            proportion_ci(*bad)


def test_quantile_ci_order_statistics_by_hand() -> None:
    """n = 100, median, 95%: the classic ranks are 40 and 61 (1-based), i.e. values 39 and 60 here."""
    estimate, low, high = quantile_ci(np.arange(100.0), 0.5)
    assert (estimate, low, high) == (49.5, 39.0, 60.0)


def test_quantile_ci_small_n_is_clipped_to_sample_range() -> None:
    assert quantile_ci([5.0, 1.0, 3.0], 0.5) == (3.0, 1.0, 5.0)
    assert quantile_ci([2.5], 0.9) == (2.5, 2.5, 2.5)


def test_quantile_ci_accepts_infinite_never_values() -> None:
    """A milestone some replications never reach is recorded as inf; order statistics still work."""
    values = [*range(1, 19), math.inf, math.inf]  # 20 replications, 2 never reached it
    assert quantile_ci(values, 0.5) == (10.5, 6.0, 15.0)
    assert quantile_ci(values, 0.9) == (math.inf, 15.0, math.inf)
    assert quantile_ci([1.0, math.inf], 0.5)[0] == math.inf
    with pytest.raises(ValueError):
        quantile_ci([1.0, math.nan], 0.5)
    with pytest.raises(ValueError):
        mean_ci([1.0, math.inf])


def test_quantile_ci_covers_true_median_in_simulation() -> None:
    """Exponential(1) samples of 40: the interval is conservative, so coverage of ln 2 is >= ~95%."""
    rng = np.random.default_rng(20240601)
    trials, covered = 400, 0
    for _ in range(trials):
        sample = rng.exponential(1.0, size=40)
        estimate, low, high = quantile_ci(sample, 0.5)
        assert low <= estimate <= high
        covered += low <= math.log(2) <= high
    assert covered / trials >= 0.93


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(finite, min_size=1, max_size=60),
    q=st.floats(min_value=0.0, max_value=1.0),
    level=st.floats(min_value=0.01, max_value=0.999),
)
def test_intervals_bracket_their_estimates(values: list[float], q: float, level: float) -> None:
    mean, low, high = mean_ci(values, level)
    assert low <= mean <= high
    estimate, low, high = quantile_ci(values, q, level)
    assert min(values) <= low <= estimate <= high <= max(values)
