"""Monthly forecasts (growth, explicit months, seasonality, proration) and demand factors."""

import datetime as dt
import math

import numpy as np
import pytest

from sim.model import demand
from sim.model.calendar import months
from sim.scenario.products import Demand, Product

YEAR_2022 = months(dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def test_compound_growth_multiplies_by_one_plus_g_to_the_years():
    # 1,000 a month growing 20% a year: month k (from 0) wants 1,000 x 1.2^(k/12);
    # July 2022 (k = 6) is 1,000 x 1.2^0.5 = 1,095.45, January 2023 (k = 12) 1,200.
    horizon = months(dt.date(2022, 1, 1), dt.date(2023, 1, 31))
    out = demand.monthly(Demand(units_per_month=1000, growth_per_year=0.2), horizon)
    assert out[0] == 1000.0
    assert out[6] == pytest.approx(1095.445, abs=1e-3)
    assert out[12] == pytest.approx(1200.0, rel=1e-12)
    assert out == pytest.approx([1000 * 1.2 ** (k / 12) for k in range(13)], rel=1e-12)


def test_demand_starts_at_its_first_month_and_grows_from_there():
    # 500 a month from March 2022, +10% a year: nothing in January and February, 500 in
    # March, 500 x 1.1^(1/12) = 500 x e^(0.0953/12) = 503.99 in April.
    out = demand.monthly(Demand(units_per_month=500, growth_per_year=0.1, first_month="2022-03"), YEAR_2022)
    assert out[:3].tolist() == [0.0, 0.0, 500.0]
    assert out[3] == pytest.approx(503.987, abs=1e-3)


def test_growth_counts_the_months_since_a_first_month_before_the_horizon():
    # First month November 2020, horizon from January 2022: 14 months old, so 100 x 2^(14/12) = 224.49.
    out = demand.monthly(Demand(units_per_month=100, growth_per_year=1.0, first_month="2020-11"), YEAR_2022)
    assert out[0] == pytest.approx(100 * 2 ** (14 / 12), rel=1e-12)
    assert out[0] == pytest.approx(224.492, abs=1e-3)


def test_explicit_months_hold_until_the_next_listed_month():
    # Listed out of order on purpose: 100 from March, 50 from June, nothing before March.
    out = demand.monthly(Demand(units_by_month={"2022-06": 50, "2022-03": 100}), YEAR_2022[:8])
    assert out.tolist() == [0, 0, 100, 100, 100, 50, 50, 50]


def test_seasonality_multiplies_each_calendar_month_by_its_own_factor():
    season = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6]  # January .. December
    out = demand.monthly(Demand(units_per_month=100, seasonality=season), YEAR_2022)
    assert out == pytest.approx([100 * f for f in season], rel=1e-12)


def test_months_cut_by_the_horizon_get_demand_in_proportion_to_their_days():
    # Horizon 15 January to 10 March 2022: 17/31 of January, all of February, 10/31 of March.
    horizon = months(dt.date(2022, 1, 15), dt.date(2022, 3, 10))
    out = demand.monthly(Demand(units_per_month=3100), horizon)
    assert out == pytest.approx([3100 * 17 / 31, 3100, 1000], rel=1e-12)


def product(pid: str, cv: float) -> Product:
    return Product.model_validate(
        {"id": pid, "brand": "B", "owner": "gwm", "demand": {"units_per_month": 100, "cv": cv}}
    )


def test_factors_are_exactly_one_without_uncertainty():
    f = demand.factors([product("a", 0.0), product("b", 0.0)], 24, np.random.default_rng(1))
    assert f.shape == (2, 24)
    assert (f == 1.0).all()


def test_factors_are_lognormal_with_mean_one_and_the_given_cv():
    # cv 0.5: sigma^2 = ln(1 + 0.25) = 0.22314, so ln(factor) ~ N(-sigma^2 / 2, sigma^2):
    # mean -0.11157, standard deviation 0.47238 (standard errors 0.0015 and 0.0011 over 100,000).
    f = demand.factors([product("a", 0.5)], 100_000, np.random.default_rng(2))[0]
    sigma2 = math.log(1.25)
    assert np.log(f).mean() == pytest.approx(-sigma2 / 2, abs=0.006)
    assert np.log(f).std() == pytest.approx(math.sqrt(sigma2), abs=0.005)
    assert f.mean() == pytest.approx(1.0, abs=0.01)


def test_each_product_draws_from_its_own_stream_keyed_by_id():
    # Adding a product, or one with no uncertainty, leaves another product's factors untouched.
    alone = demand.factors([product("b", 0.3)], 12, np.random.default_rng(7))[0]
    both = demand.factors([product("a", 0.3), product("c", 0.0), product("b", 0.3)], 12, np.random.default_rng(7))
    assert (both[2] == alone).all()
    assert (both[1] == 1.0).all()
    assert not np.allclose(both[0], alone)
