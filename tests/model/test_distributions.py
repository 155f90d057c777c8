import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from sim.model.distributions import normal_quantile, quantile, sampler
from sim.scenario.distributions import Duration, Fixed, Lognormal, Pert, Triangular, Uniform

SPECS = [
    Fixed(kind="fixed", value=30),
    Uniform(kind="uniform", min=10, max=50),
    Triangular(kind="triangular", min=60, mode=90, max=180),
    Pert(kind="pert", min=60, mode=90, max=180),
    Pert(kind="pert", min=10, mode=10, max=20),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.kind)
def test_sample_mean_matches_the_analytic_mean(spec):
    draw = sampler(spec)
    rng = np.random.default_rng(42)
    values = np.array([draw(rng) for _ in range(40_000)])
    lo = getattr(spec, "min", getattr(spec, "value", None))
    hi = getattr(spec, "max", lo)
    assert values.min() >= lo and values.max() <= hi
    assert values.mean() == pytest.approx(spec.mean, rel=0.005)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.kind)
def test_every_kind_draws_exactly_one_uniform(spec):
    rng = np.random.default_rng(5)
    sampler(spec)(rng)
    after = rng.random()
    ref = np.random.default_rng(5)
    ref.random()
    assert after == ref.random()


def test_pert_variance_matches_the_beta_formula():
    spec = Pert(kind="pert", min=0, mode=1, max=4)
    alpha, beta = 1 + 4 * 1 / 4, 1 + 4 * 3 / 4
    var = 16 * alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))
    rng = np.random.default_rng(1)
    draw = sampler(spec)
    values = np.array([draw(rng) for _ in range(60_000)])
    assert values.var() == pytest.approx(var, rel=0.02)


@pytest.mark.parametrize(
    ("spec", "mean", "cv"),
    [
        ({"kind": "exponential", "mean": 20}, 20, 1.0),
        ({"kind": "lognormal", "mean": 1.5, "cv": 0.8}, 1.5, 0.8),
        ({"kind": "weibull", "shape": 2, "scale": 10}, 10 * 0.886226925, 0.5227232),
    ],
    ids=lambda v: v["kind"] if isinstance(v, dict) else "",
)
def test_reliability_kinds_match_their_mean_and_cv(spec, mean, cv):
    draw = sampler(TypeAdapter(Duration).validate_python(spec))
    rng = np.random.default_rng(9)
    values = np.array([draw(rng) for _ in range(100_000)])
    assert values.mean() == pytest.approx(mean, rel=0.01)
    assert values.std() / values.mean() == pytest.approx(cv, rel=0.02)


# Lognormal(mean 1.5, cv 1) quantiles at these uniforms, as drawn by the hand-written AS 241
# normal quantile this module used before the standard library's (commit 76526ca).
AS241_UNIFORMS = [0.0, 1e-300, 1e-16, 1e-12, 1e-6, 0.02425, 0.075, 0.3, 0.5, 0.7, 0.925, 0.97575, 1 - 1e-6, 1 - 1e-12]
AS241_LOGNORMAL = [
    0.0011289797338254613, 0.0011289797338254613, 0.0011289797338254613, 0.0030345248364155642,
    0.020270395456290634, 0.20521310502591855, 0.3199479200720972, 0.6854357256385908, 1.0606601717798214,
    1.6412917475987794, 3.5161972603119045, 5.48210602757515, 55.49965724252463, 370.7344476969869,
]  # fmt: skip


def test_lognormal_draws_are_unchanged_by_the_standard_library_normal_quantile():
    q = quantile(Lognormal(kind="lognormal", mean=1.5, cv=1.0))
    assert np.allclose(q(np.array(AS241_UNIFORMS)), AS241_LOGNORMAL, rtol=1e-12, atol=0)
    # The median is exp(mu) = mean / sqrt(1 + cv^2) = 1.5 / sqrt(2) = 1.06066.
    assert q(np.asarray(0.5)) == pytest.approx(1.5 / math.sqrt(2), rel=1e-15)


def test_normal_quantile_keeps_the_shape_of_its_argument():
    assert normal_quantile(np.asarray(0.5)).shape == ()
    assert normal_quantile(np.full((2, 3), 0.975)) == pytest.approx(np.full((2, 3), 1.959963984540054))
    assert normal_quantile(np.array([])).shape == (0,)


def test_drawing_one_value_or_a_block_uses_the_same_uniforms():
    d = Lognormal(kind="lognormal", mean=1.5, cv=1.0)
    rng = np.random.default_rng(4)
    one = [sampler(d)(rng) for _ in range(50)]
    block = quantile(d)(np.random.default_rng(4).random(50))
    assert np.allclose(one, block, rtol=1e-15)


def beta_cdf(x: float, a: float, b: float, n: int = 4000) -> float:
    """Regularised incomplete Beta I_x(a, b), independently of the model's table: Simpson's
    rule on the density after x = t^2 (smooth in t for a >= 1), over B(a, b) from math.gamma."""
    t = np.linspace(0.0, math.sqrt(x), n + 1)
    weights = np.where(np.arange(n + 1) % 2, 4.0, 2.0)
    weights[0] = weights[-1] = 1.0
    f = 2 * t ** (2 * a - 1) * (1 - t * t) ** (b - 1)
    return float(weights @ f) * (t[1] - t[0]) / 3 / (math.gamma(a) * math.gamma(b) / math.gamma(a + b))


def beta_quantile(u: float, a: float, b: float) -> float:
    lo, hi = 0.0, 1.0
    for _ in range(50):  # bisection to 1e-15
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if beta_cdf(mid, a, b) < u else (lo, mid)
    return (lo + hi) / 2


def test_pert_median_is_the_beta_median():
    # PERT(1, 2, 9): alpha = 1 + 4 x 1/8 = 1.5, beta = 1 + 4 x 7/8 = 4.5; the median of
    # Beta(1.5, 4.5) is 0.22112, so the PERT median is 1 + 8 x 0.22112 = 2.76896.
    q = quantile(Pert(kind="pert", min=1, mode=2, max=9))
    assert beta_quantile(0.5, 1.5, 4.5) == pytest.approx(0.22112, abs=1e-5)
    assert q(np.asarray(0.5)) == pytest.approx(1 + 8 * beta_quantile(0.5, 1.5, 4.5), rel=1e-5)


@pytest.mark.parametrize(("a", "c", "b"), [(1, 2, 9), (60, 90, 180), (10, 20, 60)])
def test_pert_quantiles_of_a_block_are_the_beta_quantiles(a, c, b):
    # The table is exact to about 1e-4 relative at u = 0.01 (the density rises like sqrt(x)
    # from the end when alpha = 1.5) and better elsewhere.
    alpha, beta = 1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a)
    u = np.array([0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
    expected = [a + (b - a) * beta_quantile(p, alpha, beta) for p in u]
    assert quantile(Pert(kind="pert", min=a, mode=c, max=b))(u) == pytest.approx(expected, rel=1e-4)


def test_pert_with_the_mode_at_an_end_has_a_closed_form():
    # Mode at min: alpha = 1, beta = 5, CDF 1 - (1 - x)^5, quantile 1 - (1 - u)^(1/5); mode at
    # max: Beta(5, 1), CDF x^5, quantile u^(1/5). The density at the mode's end is finite, not 0.
    u = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    at_min = quantile(Pert(kind="pert", min=10, mode=10, max=20))(u)
    assert at_min == pytest.approx(10 + 10 * (1 - (1 - u) ** 0.2), rel=1e-5)
    at_max = quantile(Pert(kind="pert", min=0, mode=4, max=4))(u)
    assert at_max == pytest.approx(4 * u**0.2, rel=1e-5)


def test_pert_tails_are_the_beta_tails():
    # PERT(0, 1, 2) is 2 x Beta(3, 3), whose CDF is 10x^3 - 15x^4 + 6x^5: its quantiles by
    # bisection. The lowest draws (u below 1 / 267, the table's first step) are not the minimum.
    def cdf(x: float) -> float:
        return 10 * x**3 - 15 * x**4 + 6 * x**5

    def beta33_quantile(p: float) -> float:
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
        return (lo + hi) / 2

    u = np.array([0.0005, 0.001, 0.002, 0.998, 0.999, 0.9995])
    expected = [2 * beta33_quantile(p) for p in u]  # 0.0751, 0.0951, 0.1206, 1.8794, 1.9049, 1.9249
    assert quantile(Pert(kind="pert", min=0, mode=1, max=2))(u) == pytest.approx(expected, rel=1e-4)


def test_pert_mean_over_10000_draws_as_a_block():
    # (min + 4 mode + max) / 6 = (1 + 8 + 9) / 6 = 3; sd 8 x sqrt(1.5 x 4.5 / (36 x 7)) = 1.31,
    # so the mean of 10,000 draws is within 0.013 of 3 (one standard error).
    draws = quantile(Pert(kind="pert", min=1, mode=2, max=9))(np.random.default_rng(8).random(10_000))
    assert draws.mean() == pytest.approx(3.0, abs=0.05)
    assert draws.std() == pytest.approx(8 * math.sqrt(1.5 * 4.5 / (36 * 7)), rel=0.03)
    assert draws.min() >= 1 and draws.max() <= 9


@pytest.mark.parametrize(
    ("spec", "u", "expected"),
    [
        ({"kind": "uniform", "min": 10, "max": 50}, [0.0, 0.25], [10.0, 20.0]),
        # Triangular(0, 1, 4): the mode splits the CDF at (1 - 0) / 4 = 0.25; below it
        # sqrt(u x 4 x 1), above it 4 - sqrt((1 - u) x 4 x 3).
        ({"kind": "triangular", "min": 0, "mode": 1, "max": 4}, [0.0625, 0.25, 0.9375], [0.5, 1.0, 4 - 0.75**0.5]),
        # Triangular(10, 20, 50): split at 10 / 40 = 0.25; 10 + sqrt(0.2 x 40 x 10) = 18.944 just below
        # it, 50 - sqrt(0.5 x 40 x 30) = 25.505 above.
        (
            {"kind": "triangular", "min": 10, "mode": 20, "max": 50},
            [0.2, 0.25, 0.5],
            [10 + 80**0.5, 20.0, 50 - 600**0.5],
        ),
        ({"kind": "triangular", "min": 2, "mode": 2, "max": 6}, [0.75], [6 - (0.25 * 16) ** 0.5]),
        ({"kind": "triangular", "min": 2, "mode": 6, "max": 6}, [0.25], [2 + (0.25 * 16) ** 0.5]),
        # Exponential: -mean ln(1 - u); Weibull: scale (-ln(1 - u))^(1 / shape).
        ({"kind": "exponential", "mean": 20}, [1 - math.exp(-1), 1 - math.exp(-2)], [20.0, 40.0]),
        ({"kind": "weibull", "shape": 2, "scale": 10}, [1 - math.exp(-1), 1 - math.exp(-4)], [10.0, 20.0]),
        # Lognormal(mean 2, cv 0.5): sigma = sqrt(ln 1.25) = 0.47238, median e^mu = 2 / sqrt(1.25) = 1.78885;
        # one sigma up (u = Phi(1) = 0.84134) it is 1.78885 x e^0.47238 = 1.78885 x 1.60381 = 2.86898.
        ({"kind": "lognormal", "mean": 2, "cv": 0.5}, [0.5, 0.8413447460685429], [1.7888544, 2.8689788]),
    ],
    ids=lambda v: v["kind"] if isinstance(v, dict) else "",
)
def test_quantiles_by_hand(spec, u, expected):
    q = quantile(TypeAdapter(Duration).validate_python(spec))
    assert q(np.array(u)) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "fixed", "value": 5},
        {"kind": "pert", "min": 5, "mode": 5, "max": 5},
        {"kind": "triangular", "min": 5, "mode": 5, "max": 5},
    ],
    ids=lambda v: v["kind"],
)
def test_a_point_distribution_fills_the_shape_of_its_uniforms(spec):
    q = quantile(TypeAdapter(Duration).validate_python(spec))
    assert q(np.full((2, 3), 0.4)).tolist() == [[5.0] * 3] * 2
    assert sampler(TypeAdapter(Duration).validate_python(spec))(np.random.default_rng(0)) == 5.0


def test_an_unknown_distribution_is_refused():
    with pytest.raises(TypeError, match="unknown distribution"):
        quantile("gamma")


@given(
    st.lists(st.floats(0, 1000), min_size=3, max_size=3).map(sorted),
    st.sampled_from(["uniform", "triangular", "pert"]),
    st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=20).map(sorted),
)
def test_three_point_quantiles_rise_with_u_and_stay_in_range(points, kind, u):
    a, c, b = points
    spec = {"kind": kind, "min": a, "max": b} | ({"mode": c} if kind != "uniform" else {})
    x = quantile(TypeAdapter(Duration).validate_python(spec))(np.array(u))
    assert (np.diff(x) >= -1e-9 * max(b, 1)).all()
    assert (x >= a - 1e-9 * max(b, 1)).all() and (x <= b + 1e-9 * max(b, 1)).all()
