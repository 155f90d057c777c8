"""The plant's pool of chip kits in the batch model: deliveries received once, the deliveries
inside a batch, coverage, the cut of a plan and the kits used, each against a hand count."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.chips import serve
from sim.model.kits import Pool
from sim.model.recorder import Kind, Recorder

# Deliveries at the start and on three Mondays (clock hours), kits distinct from the hours.
DELIVERIES = [(0.0, 1000.0), (168.0, 2000.0), (336.0, 500.0), (504.0, 4000.0)]


def pool(rule: str = "proportional", per_vehicle=(2.0, 1.0), deliveries=DELIVERIES) -> tuple[Pool, Recorder]:
    rec = Recorder()
    # Product 0 (the owner's, 2 kits a vehicle, margin 10) and 1 (the customer's, 1 kit, margin 20).
    return Pool(rule, list(deliveries), list(per_vehicle), [False, True], [10.0, 20.0], rec), rec


def test_a_delivery_at_the_booking_instant_is_received_once():
    p, rec = pool()
    assert p.pool == 0.0 and p.held == [0.0, 0.0]
    p.receive(168.0)  # the deliveries at 0 and at 168 (at `upto`): 3,000 kits
    assert p.pool == 3000.0
    p.receive(168.0)  # nothing new
    p.receive(335.9)
    assert p.pool == 3000.0
    assert rec.records == [(0.0, Kind.KITS, "", "", 1000.0), (168.0, Kind.KITS, "", "", 2000.0)]
    p.receive(10_000.0)  # the last two, and no more however late
    p.receive(20_000.0)
    assert p.pool == 7500.0 and len(rec.records) == 4 and rec.records[-1] == (504.0, Kind.KITS, "", "", 4000.0)


def test_between_is_strict_at_both_ends():
    p, _ = pool()
    assert p.between(0.0, 336.0) == [168.0]  # neither 0 nor 336
    assert p.between(-1.0, 10_000.0) == [0.0, 168.0, 336.0, 504.0]
    assert p.between(168.0, 504.0) == [336.0]
    assert p.between(500.0, 10_000.0) == [504.0]
    assert p.between(600.0, 10_000.0) == []
    assert p.between(10.0, 20.0) == []


def test_between_starts_after_the_deliveries_received():
    p, _ = pool()
    p.receive(0.0)
    # The delivery at 0 is in the pool; those after 0 and up to 168 are skipped as not inside.
    assert p.between(-1.0, 10_000.0) == [168.0, 336.0, 504.0]
    assert p.between(168.0, 10_000.0) == [336.0, 504.0]
    assert p.between(167.0, 400.0) == [168.0, 336.0]


def test_delivered_gives_the_kits_of_one_delivery():
    p, _ = pool()
    assert p.delivered(336.0) == 500.0
    assert p.delivered(0.0) == 1000.0


def test_covers_counts_what_each_product_lacks():
    p, _ = pool()
    p.pool, p.held = 50.0, [100.0, 0.0]
    # 60 of product 0 need 120 kits, it holds 100: short 20; 30 of product 1 need 30: short 50.
    assert p.covers([60.0, 30.0])  # 50 <= 50
    assert not p.covers([60.0, 31.0])  # 51 > 50
    assert p.covers([60.0, 31.0], more=1.0)  # a delivery of 1 more makes it
    # Kits held beyond a product's need do not cover another's: 10 of product 0 need 20 of its
    # 100 (short 0), 60 of product 1 lack 60 > 50.
    assert not p.covers([10.0, 60.0])
    assert p.covers([10.0, 50.0])  # short 0 + 50


def test_the_cut_shares_the_pool_by_need_less_what_is_held():
    p, _ = pool()
    p.pool, p.held = 150.0, [100.0, 0.0]
    # Plan: 100 of product 0 (200 kits, holds 100: needs 100) and 200 of product 1 (needs 200).
    # 150 kits in proportion to need: 50 and 100; product 0 then holds 150 of 200 (cut 0.75),
    # product 1 100 of 200 (0.5); the pool is empty.
    assert p.cut([100.0, 200.0]) == pytest.approx([0.75, 0.5])
    assert p.held == pytest.approx([150.0, 100.0]) and p.pool == 0.0


def test_ample_kits_cut_nothing_and_the_rest_stays_in_the_pool():
    p, _ = pool()
    p.pool, p.held = 1000.0, [100.0, 0.0]
    # Needs 100 and 200 of 1,000: served in full, 700 left; nothing cut.
    assert p.cut([100.0, 200.0]) == [1.0, 1.0]
    assert p.held == [200.0, 200.0] and p.pool == 700.0


def test_with_nothing_held_a_pool_that_covers_every_need_serves_each_whole():
    p, _ = pool()
    p.pool = 1000.0
    # Needs 200 (100 x 2 kits) and 200: both served whole, 600 left; nothing cut.
    assert p.cut([100.0, 200.0]) == [1.0, 1.0]
    assert p.held == [200.0, 200.0] and p.pool == 600.0
    # Just enough (400 for 400): the same, the pool emptied.
    p, _ = pool()
    p.pool = 400.0
    assert p.cut([100.0, 200.0]) == [1.0, 1.0]
    assert p.held == [200.0, 200.0] and p.pool == 0.0
    # Nothing planned: nothing served, nothing cut.
    assert p.cut([0.0, 0.0]) == [1.0, 1.0] and p.held == [200.0, 200.0]


def test_a_need_within_a_rounding_crumb_of_nothing_is_not_served():
    # owner_first: the owner's group needs 5e-10 kits, a crumb the rule does not serve, however
    # large the pool: its plan cannot start; the customer's is served whole.
    p, _ = pool("owner_first")
    p.pool = 1000.0
    assert p.cut([2.5e-10, 100.0]) == [0.0, 1.0]
    assert p.held == [0.0, 100.0] and p.pool == 900.0


def rule(p: Pool, planned: list[float]) -> tuple[list[float], list[float], float]:
    """The cut, the kits held and the pool after it, as `chips.serve` and the docstring of
    `Pool.cut` state the rule (the oracle of the pool's shortcut)."""
    needs = [max(v * c - h, 0.0) for v, c, h in zip(planned, p.per_vehicle, p.held, strict=True)]
    held, left = list(p.held), p.pool
    if p.pool > 0 and any(needs):
        given = serve(p.pool, needs, p.groups)
        held = [h + g for h, g in zip(held, given, strict=True)]
        left = max(0.0, p.pool - sum(given))
    shares = [h / (v * c) if v > 0 else 1.0 for v, c, h in zip(planned, p.per_vehicle, held, strict=True)]
    cut = [s if s < 1.0 - 1e-9 else 1.0 for s in shares]  # a billionth short is the whole
    return cut, held, left


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["proportional", "owner_first", "customer_first", "by_margin"]),
    st.tuples(st.floats(0, 5000), st.floats(0, 5000)),
    st.sampled_from([0.0, 1e-12, 1e-3]),
    st.floats(-2e-9, 0.5),
    st.booleans(),
)
def test_the_cut_is_the_rule_to_the_bit(rule_name, planned, tiny, margin, holding):
    # Pools around the plan's kits (short, exact, within rounding, ample), a plan with a crumb,
    # with and without kits held.
    p, _ = pool(rule_name)
    planned = [planned[0] + tiny, planned[1]]
    p.held = [3.0, 0.0] if holding else [0.0, 0.0]
    p.pool = max(0.0, (planned[0] * 2.0 + planned[1]) * (1 + margin))
    expected = rule(p, planned)
    assert (p.cut(planned), p.held, p.pool) == expected

    p, _ = pool()
    p.pool, p.held = 0.0, [500.0, 10.0]
    # 100 of product 0 need 200 of its 500: cut 1 (not 2.5); nothing planned for product 1: 1.
    assert p.cut([100.0, 0.0]) == [1.0, 1.0]
    assert p.held == [500.0, 10.0]


def test_kits_short_of_a_plan_by_rounding_alone_do_not_cut_it():
    # Product 0 holds its plan's 200 kits but for 1e-13 (crumbs of kits held and spent), with
    # an empty pool: 0.9999999999999995 of the plan, which is the whole of it; short by a
    # millionth, it is cut.
    p, _ = pool()
    p.held = [200.0 - 1e-13, 0.0]
    assert p.cut([100.0, 0.0]) == [1.0, 1.0]
    p.held = [200.0 * (1 - 1e-6), 0.0]
    assert p.cut([100.0, 0.0]) == [pytest.approx(1 - 1e-6, abs=1e-15), 1.0]


def test_a_pool_below_one_kit_is_still_shared():
    p, _ = pool("owner_first")
    p.pool = 0.5
    # Half a kit for a plan of 1 vehicle at 2 kits: a quarter of it can start.
    assert p.cut([1.0, 0.0]) == [0.25, 1.0]
    assert p.pool == 0.0


def test_the_allocation_rule_is_the_pools():
    # by_margin serves product 1 (margin 20) first: 100 kits for needs of 200 (product 0) and 100.
    p, _ = pool("by_margin")
    p.pool = 100.0
    assert p.cut([100.0, 100.0]) == [0.0, 1.0]
    # customer_first does the same; owner_first the reverse.
    p, _ = pool("owner_first")
    p.pool = 100.0
    assert p.cut([100.0, 100.0]) == [0.5, 0.0]


def test_use_spends_a_products_kits_and_never_goes_below_zero():
    p, _ = pool()
    p.held = [150.0, 100.0]
    p.use(0, 30.0)  # 30 vehicles x 2 kits
    assert p.held == [90.0, 100.0]
    p.use(1, 40.0)  # 40 x 1
    assert p.held == [90.0, 60.0]
    p.use(0, 100.0)  # 200 kits wanted, 90 held: none left, not -110
    assert p.held == [0.0, 60.0]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["proportional", "owner_first", "customer_first", "by_margin"]),
    st.lists(st.tuples(st.floats(0, 2000), st.floats(0, 2000)), min_size=1, max_size=6),
)
def test_kits_are_conserved_and_never_negative(rule, weeks):
    # Week after week: a delivery, a plan cut by the pool, the cut plan started.
    deliveries = [(168.0 * k, 1500.0) for k in range(len(weeks))]
    p, _ = pool(rule, deliveries=deliveries)
    used = 0.0
    for k, planned in enumerate(weeks):
        p.receive(168.0 * k)
        cut = p.cut(list(planned))
        assert all(0.0 <= c <= 1.0 for c in cut)
        for i, (v, c) in enumerate(zip(planned, cut, strict=True)):
            assert p.held[i] >= v * c * p.per_vehicle[i] * (1 - 1e-9) - 1e-9  # the cut plan has its kits
            used += min(p.held[i], v * c * p.per_vehicle[i])
            p.use(i, v * c)
        assert p.pool >= 0.0 and min(p.held) >= 0.0
    # Every kit delivered is in the pool, held or used.
    assert p.pool + sum(p.held) + used == pytest.approx(1500.0 * len(weeks), rel=1e-9)
