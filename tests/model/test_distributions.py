import numpy as np
import pytest

from sim.model.distributions import sampler
from sim.scenario.distributions import Fixed, Pert, Triangular, Uniform

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
    from pydantic import TypeAdapter

    from sim.scenario.distributions import Duration

    draw = sampler(TypeAdapter(Duration).validate_python(spec))
    rng = np.random.default_rng(9)
    values = np.array([draw(rng) for _ in range(100_000)])
    assert values.mean() == pytest.approx(mean, rel=0.01)
    assert values.std() / values.mean() == pytest.approx(cv, rel=0.02)


def test_normal_quantile_matches_the_standard_library_into_the_far_tails():
    from statistics import NormalDist

    from sim.model.distributions import normal_quantile

    p = np.concatenate([np.random.default_rng(3).random(5000), [1e-300, 1e-16, 1e-12, 0.075, 0.5, 0.925, 1 - 1e-16]])
    expected = np.array([NormalDist().inv_cdf(x) for x in p])
    assert np.allclose(normal_quantile(p), expected, rtol=1e-15, atol=1e-15)
    assert normal_quantile(np.asarray(0.3)).shape == ()


def test_drawing_one_value_or_a_block_uses_the_same_uniforms():
    from sim.model.distributions import quantile

    spec = {"kind": "lognormal", "mean": 1.5, "cv": 1.0}
    from pydantic import TypeAdapter

    from sim.scenario.distributions import Duration

    d = TypeAdapter(Duration).validate_python(spec)
    rng = np.random.default_rng(4)
    one = [sampler(d)(rng) for _ in range(50)]
    block = quantile(d)(np.random.default_rng(4).random(50))
    assert np.allclose(one, block, rtol=1e-15)
