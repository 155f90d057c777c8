import math

import numpy as np
import pytest
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
