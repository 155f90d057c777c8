"""A line's plan for a batch: the policy's split between the sides, equal fill within a side,
and the changeover carried by the vehicles of every family but the month's major one, each
against a hand-computed answer."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.plan import Item, Want, major_family, plan
from sim.model.policy import customer_first, owner_first, proportional, reserved_share
from sim.model.state import Line
from sim.scenario.plant import Line as LineSpec

CUSTOMER = [False, False, True]  # products 0 and 1 are the owner's, 2 the customer's


def line(changeover: float = 0.0, campaign: float | None = None, families=("suv", "suv", "ev")) -> Line:
    spec = LineSpec(id="l1", jph=60, products=["a", "b", "c"], changeover_hours=changeover, campaign_units=campaign)
    ln = Line("p.l1", 0, 0, spec, [0, 1, 2], CUSTOMER)
    ln.families = dict(enumerate(families))
    return ln


# Owner: 3,000 of product 0 at 1/60 h (50 h) and 1,000 of product 1 at 1/30 h (33.3 h): 83.3 h.
OWNER_WANTS = [Want(0, 3000.0, 1 / 60, 0.9), Want(1, 1000.0, 1 / 30, 0.95)]
# Customer: 1,500 of product 2 at 1/40 h: 37.5 h.
CUSTOMER_WANT = Want(2, 1500.0, 1 / 40, 0.8)


def test_within_a_side_every_product_clears_the_same_share():
    # 50 h for the owner's 83.3 h: each product gets 60% of what it wants (1,800 and 600).
    items = plan(line(), 50.0, OWNER_WANTS, owner_first, 0.0, CUSTOMER)
    assert items == [Item(0, pytest.approx(1800.0), 1 / 60, 0.0, 0.9), Item(1, pytest.approx(600.0), 1 / 30, 0.0, 0.95)]


def test_the_customer_gets_what_owner_first_leaves():
    # 100 h: the owner's 83.3 h in full, the customer 16.7 of its 37.5 h: 4/9 of 1,500 = 666.7.
    items = plan(line(), 100.0, [*OWNER_WANTS, CUSTOMER_WANT], owner_first, 0.0, CUSTOMER)
    assert [it.started for it in items] == pytest.approx([3000.0, 1000.0, 1500 * (50 / 3) / 37.5])
    assert items[2] == Item(2, pytest.approx(666.6666667), 1 / 40, 0.0, 0.8)


def test_customer_first_fills_the_customer_then_the_owner():
    # 100 h: the customer's 37.5 h in full; the owner 62.5 of 83.3 h = 75%: 2,250 and 750.
    items = plan(line(), 100.0, [*OWNER_WANTS, CUSTOMER_WANT], customer_first, 0.0, CUSTOMER)
    assert [it.started for it in items] == pytest.approx([2250.0, 750.0, 1500.0])


def test_the_reserve_reaches_the_policy():
    # 100 h, 25% reserved: the customer gets 25 of its 37.5 h (1,000 vehicles), the owner the other
    # 75 of its 83.3 h (90%: 2,700 and 900).
    items = plan(line(), 100.0, [*OWNER_WANTS, CUSTOMER_WANT], reserved_share, 0.25, CUSTOMER)
    assert [it.started for it in items] == pytest.approx([2700.0, 900.0, 1000.0])


def test_a_side_given_no_hours_gets_no_item():
    # 50 h, owner_first: the owner's 83.3 h take them all; the customer's product is left out.
    items = plan(line(), 50.0, [*OWNER_WANTS, CUSTOMER_WANT], owner_first, 0.0, CUSTOMER)
    assert [it.product for it in items] == [0, 1]


def test_a_generous_split_never_starts_more_than_a_product_wants():
    # A split that hands each side every hour: products still start exactly what they want.
    items = plan(line(), 500.0, [*OWNER_WANTS, CUSTOMER_WANT], lambda h, o, c, r: (h, h), 0.0, CUSTOMER)
    assert [it.started for it in items] == [3000.0, 1000.0, 1500.0]


def test_only_the_customer_wanting():
    # 20 h of the customer's 37.5 h under proportional: 8/15 of 1,500 = 800.
    assert plan(line(), 20.0, [CUSTOMER_WANT], proportional, 0.0, CUSTOMER) == [
        Item(2, pytest.approx(800.0), 1 / 40, 0.0, 0.8)
    ]


def test_nothing_wanted_plans_nothing():
    assert plan(line(), 80.0, [], owner_first, 0.0, CUSTOMER) == []
    # A want of no vehicles is no want: no item, under any split.
    assert plan(line(), 80.0, [Want(0, 0.0, 1 / 60, 1.0)], owner_first, 0.0, CUSTOMER) == []
    assert plan(line(), 80.0, [Want(2, 0.0, 1 / 60, 1.0)], customer_first, 0.0, CUSTOMER) == []


def test_the_vehicles_of_a_minor_family_carry_two_changeovers_per_campaign():
    # 2 h per changeover, campaigns of 100: an EV (minor family) carries 2 x 2 / 100 = 0.04 h.
    # 80 h: the owner's 3,000 SUVs take 50 h; the customer's 1,200 EVs would take
    # 1,200 x (1/60 + 0.04) = 68 h and get the 30 h left: 30 / 68 of 1,200 = 529.4.
    wants = [Want(0, 3000.0, 1 / 60, 1.0), Want(2, 1200.0, 1 / 60, 1.0)]
    items = plan(line(2.0, 100), 80.0, wants, owner_first, 0.0, CUSTOMER, "suv")
    assert items == [
        Item(0, 3000.0, 1 / 60, 0.0, 1.0),
        Item(2, pytest.approx(1200 * 30 / 68), pytest.approx(1 / 60 + 0.04), pytest.approx(0.04), 1.0),
    ]


def test_the_major_family_decides_who_carries_the_changeover():
    # The month's major family is the EV: now the owner's SUVs carry 0.04 h each, and its need
    # is 3,000 x (1/60 + 0.04) = 170 h; 100 h owner_first gives it 100/170 of 3,000.
    wants = [Want(0, 3000.0, 1 / 60, 1.0), Want(2, 1200.0, 1 / 60, 1.0)]
    items = plan(line(2.0, 100), 100.0, wants, owner_first, 0.0, CUSTOMER, "ev")
    assert items == [Item(0, pytest.approx(3000 * 100 / 170), pytest.approx(1 / 60 + 0.04), pytest.approx(0.04), 1.0)]
    # No major family known: every family carries its campaigns' changeovers.
    items = plan(line(2.0, 100), 1000.0, wants, owner_first, 0.0, CUSTOMER, None)
    assert [it.changeover for it in items] == pytest.approx([0.04, 0.04])


def test_one_family_changes_over_never():
    # Products 0 and 1 are both SUVs: no changeover, whatever the major family.
    items = plan(line(2.0, 100), 1000.0, OWNER_WANTS, owner_first, 0.0, CUSTOMER, "ev")
    assert [(it.each, it.changeover) for it in items] == [(1 / 60, 0.0), (1 / 30, 0.0)]


def test_two_families_without_changeover_hours_change_over_for_free():
    items = plan(line(), 1000.0, [*OWNER_WANTS, CUSTOMER_WANT], owner_first, 0.0, CUSTOMER, "suv")
    assert [it.changeover for it in items] == [0.0, 0.0, 0.0]


def test_the_customers_need_is_that_of_all_its_products():
    # Products 1 and 2 both the customer's: 33.3 h + 37.5 h = 70.8 h wanted. customer_first, 50 h:
    # 50 / 70.8 = 70.6% of each (705.9 and 1,058.8), nothing left for the owner's product 0.
    items = plan(line(), 50.0, [*OWNER_WANTS, CUSTOMER_WANT], customer_first, 0.0, [False, True, True])
    fill = 50.0 / (1000 / 30 + 1500 / 40)
    assert [(it.product, it.started) for it in items] == [
        (1, pytest.approx(1000 * fill)),
        (2, pytest.approx(1500 * fill)),
    ]


def test_the_owner_serves_its_priority_levels_in_turn():
    # owner_first, 60 h, all for the owner (83.3 h wanted). Product 1 first: its 33.3 h in full
    # (1,000), product 0 the other 26.7 of its 50 h: 1,600. The customer's level is no claim on them.
    wants = [*OWNER_WANTS, CUSTOMER_WANT]
    items = plan(line(), 60.0, wants, owner_first, 0.0, CUSTOMER, level=[1, 0, 0])
    assert items == [
        Item(0, pytest.approx(1600.0), 1 / 60, 0.0, 0.9),
        Item(1, pytest.approx(1000.0), 1 / 30, 0.0, 0.95),
    ]
    # Product 0 first: its 50 h in full (3,000), product 1 the 10 h left of its 33.3: 300.
    items = plan(line(), 60.0, wants, owner_first, 0.0, CUSTOMER, level=[0, 1, 0])
    assert [it.started for it in items] == pytest.approx([3000.0, 300.0])
    # One level is equal fill: 60 / 83.3 = 72% of each.
    items = plan(line(), 60.0, wants, owner_first, 0.0, CUSTOMER, level=[0, 0, 0])
    assert [it.started for it in items] == pytest.approx([2160.0, 720.0])


def test_priority_levels_share_what_the_policy_leaves_the_owner():
    # customer_first, 100 h: the customer's 37.5 h in full (1,500); the owner's 62.5 h serve
    # product 1 (33.3 h, 1,000), then product 0: 29.17 of its 50 h, 1,750. The customer's product
    # has a level of its own (as by margin it may), which plays no part.
    items = plan(line(), 100.0, [*OWNER_WANTS, CUSTOMER_WANT], customer_first, 0.0, CUSTOMER, level=[1, 0, 2])
    assert [it.started for it in items] == pytest.approx([1750.0, 1000.0, 1500.0])


def test_a_priority_level_needs_its_changeovers_too():
    # Product 1 is an EV, a minor family beside the SUVs: 1,000 x (1/30 + 0.04) = 73.3 h, served
    # first out of 100 h; product 0 gets the 26.7 h left of its 50 h: 1,600.
    ln = line(2.0, 100, families=("suv", "ev", "ev"))
    items = plan(ln, 100.0, OWNER_WANTS, owner_first, 0.0, CUSTOMER, "suv", [1, 0, 0])
    assert items == [
        Item(0, pytest.approx(1600.0), 1 / 60, 0.0, 0.9),
        Item(1, pytest.approx(1000.0), pytest.approx(1 / 30 + 0.04), pytest.approx(0.04), 0.95),
    ]


def test_the_major_family_has_the_most_hours_wanted():
    # SUVs: 100 x 0.5 h = 50 h; EVs: 30 x 1 h + 30 x 1 h = 60 h (fewer vehicles, more hours).
    ln = line(families=("suv", "ev", "ev"))
    assert major_family(ln, [Want(0, 100.0, 0.5, 1.0), Want(1, 30.0, 1.0, 1.0), Want(2, 30.0, 1.0, 1.0)]) == "ev"
    # SUVs 60 h, EVs 50 h: the SUV, although "ev" < "suv" is not the last name.
    ln = line(families=("suv", "ev", "ev"))
    assert major_family(ln, [Want(0, 120.0, 0.5, 1.0), Want(1, 50.0, 1.0, 1.0)]) == "suv"
    # A tie (50 h each) goes to the last name.
    assert major_family(ln, [Want(0, 100.0, 0.5, 1.0), Want(1, 50.0, 1.0, 1.0)]) == "suv"
    ln = line(families=("a", "b", "b"))
    assert major_family(ln, [Want(0, 100.0, 0.5, 1.0), Want(1, 25.0, 1.0, 1.0), Want(2, 25.0, 1.0, 1.0)]) == "b"
    assert major_family(ln, []) is None


wants_strategy = st.lists(
    st.builds(Want, st.integers(0, 2), st.floats(0.1, 5000), st.floats(0.005, 0.1), st.floats(0.5, 1.0)),
    min_size=1,
    max_size=3,
    unique_by=lambda w: w.product,
)


@settings(max_examples=40, deadline=None)
@given(wants_strategy, st.floats(0, 500), st.sampled_from([owner_first, customer_first, proportional, reserved_share]))
def test_a_plan_uses_the_hours_it_is_given_and_never_more(wants, hours, split):
    items = plan(line(2.0, 100), hours, wants, split, 0.3, CUSTOMER, "suv")
    used = sum(it.started * it.each for it in items)
    wanted = {w.product: w.vehicles for w in wants}
    # The EV (product 2) carries 0.04 h a vehicle when an SUV is planned with it.
    mixed = len({w.product == 2 for w in wants}) > 1
    need = sum(w.vehicles * (w.each + (0.04 if mixed and w.product == 2 else 0.0)) for w in wants)
    assert used == pytest.approx(min(hours, need), rel=1e-9, abs=1e-9)
    assert all(0 < it.started <= wanted[it.product] * (1 + 1e-12) for it in items)
