import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.policy import POLICIES, customer_first, owner_first, proportional, reserved_share, split

# A month of 320 open hours; the owner needs 300 h to clear its backlog, the customer 100 h.
H, OWNER, CUSTOMER = 320.0, 300.0, 100.0


def test_owner_first_serves_the_owner_then_gives_the_customer_the_rest():
    assert split("owner_first", H, OWNER, CUSTOMER, 0.0) == (300.0, 20.0)


def test_customer_first_serves_the_customer_then_the_owner():
    assert split("customer_first", H, OWNER, CUSTOMER, 0.0) == (220.0, 100.0)


def test_proportional_gives_everyone_the_same_fill_rate():
    owner, customer = split("proportional", H, OWNER, CUSTOMER, 0.0)
    assert owner == pytest.approx(240.0) and customer == pytest.approx(80.0)  # 320/400 = 80% each


def test_reserved_share_protects_the_reserve():
    # 25% of 320 h = 80 h reserved: the customer gets its 80 h although the owner wants 300.
    assert split("reserved_share", H, OWNER, CUSTOMER, 0.25) == (240.0, 80.0)


def test_unused_reserve_is_borrowed_by_the_owner():
    # The customer needs only 30 h of its 80 h reserve: the owner borrows the other 50.
    assert split("reserved_share", H, OWNER, 30.0, 0.25) == (290.0, 30.0)


def test_the_customer_borrows_what_the_owner_leaves():
    assert split("reserved_share", H, 100.0, 300.0, 0.25) == (100.0, 220.0)


@pytest.mark.parametrize("policy", ["owner_first", "customer_first", "proportional", "reserved_share"])
def test_every_policy_is_work_conserving_and_never_overserves(policy):
    for owner_need, customer_need in [(0, 0), (10, 5), (300, 100), (500, 500), (0, 400)]:
        owner, customer = split(policy, H, owner_need, customer_need, 0.3)
        assert 0 <= owner <= owner_need + 1e-9 and 0 <= customer <= customer_need + 1e-9
        assert owner + customer == pytest.approx(min(H, owner_need + customer_need))


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError):
        split("lottery", H, 1, 1, 0)


def test_unknown_policy_names_the_registered_ones():
    # The message lists the registry's keys in their declared order.
    with pytest.raises(ValueError) as err:
        split("lottery", H, 1, 1, 0)
    assert str(err.value) == (
        "unknown policy 'lottery'; choose one of owner_first, customer_first, reserved_share, proportional"
    )


def test_the_registry_holds_each_rule_under_its_name():
    assert list(POLICIES.items()) == [
        ("owner_first", owner_first),
        ("customer_first", customer_first),
        ("reserved_share", reserved_share),
        ("proportional", proportional),
    ]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # 100 h for needs of 70 (owner) and 50 (customer), reserve 40%:
        ("owner_first", (70.0, 30.0)),  # 70 first, 30 left
        ("customer_first", (50.0, 50.0)),  # 50 first, 50 left of the owner's 70
        ("proportional", (100 * 70 / 120, 100 * 50 / 120)),  # 58.33 / 41.67: 5/6 each
        ("reserved_share", (60.0, 40.0)),  # reserve 40 h: customer min(50, 40); owner min(70, 60)
    ],
)
def test_split_passes_hours_needs_and_reserve_in_order(policy, expected):
    assert split(policy, 100.0, 70.0, 50.0, 0.4) == pytest.approx(expected)


def test_the_reserve_is_a_share_of_the_hours():
    # 320 h, 50% reserved: 160 h each side when both need more than that.
    assert split("reserved_share", H, 500.0, 500.0, 0.5) == (160.0, 160.0)
    # A reserve of 0 is owner_first with borrowing; a reserve of 1 is customer_first.
    assert split("reserved_share", H, OWNER, CUSTOMER, 0.0) == (300.0, 20.0)
    assert split("reserved_share", H, OWNER, CUSTOMER, 1.0) == (220.0, 100.0)


def test_proportional_with_exactly_enough_hours_gives_each_side_its_need():
    # 0.2 h for needs of 0.1 and 0.1: every need is met exactly (the short formula would give
    # 0.2 x 0.1 / 0.2 = 0.10000000000000002, more than the side needs).
    assert proportional(0.2, 0.1, 0.1, 0.0) == (0.1, 0.1)


needs = st.floats(0, 1000, allow_nan=False)


def test_the_owner_alone_gets_its_need_up_to_the_hours_to_the_last_bit():
    # 0.1 h for an owner need of 0.2: 0.1 x 0.2 / 0.2 would be 0.10000000000000002.
    assert proportional(0.1, 0.2, 0.0, 0.0) == (0.1, 0.0)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(POLICIES)), st.floats(0, 1000), needs, st.floats(0, 1))
def test_every_policy_gives_the_owner_alone_what_owner_first_gives(policy, hours, owner_need, share):
    # The run without the contract (owner_first) must plan what the full run plans before the
    # customer needs hours: the same numbers, not nearly (sim.model.fork).
    assert split(policy, hours, owner_need, 0.0, share) == (min(hours, owner_need), 0.0)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(POLICIES)), st.floats(0, 1000), needs, needs, st.floats(0, 1))
def test_every_policy_is_work_conserving_and_never_overserves_property(policy, hours, owner_need, customer_need, share):
    owner, customer = split(policy, hours, owner_need, customer_need, share)
    # Never more than a side needs, never less than nothing, never more than the hours.
    assert -1e-9 <= owner <= owner_need + 1e-9 and -1e-9 <= customer <= customer_need + 1e-9
    # Work-conserving: the hours go out until both needs are met.
    assert owner + customer == pytest.approx(min(hours, owner_need + customer_need), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.floats(1, 1000), needs, needs, st.floats(0, 1))
def test_the_reserve_is_protected(hours, owner_need, customer_need, share):
    # The customer always gets its need up to its reserve, however much the owner wants.
    _, customer = split("reserved_share", hours, owner_need, customer_need, share)
    assert customer >= min(customer_need, share * hours) - 1e-9


@settings(max_examples=40, deadline=None)
@given(st.floats(1, 1000), st.floats(1, 1000), st.floats(1, 1000))
def test_proportional_gives_both_sides_the_same_fill(hours, owner_need, customer_need):
    owner, customer = split("proportional", hours, owner_need, customer_need, 0.0)
    assert owner / owner_need == pytest.approx(customer / customer_need)


def test_a_rule_registered_under_a_name_is_what_split_calls(monkeypatch):
    from sim.model import policy

    # A new rule (half the hours each, whatever the needs) registered in a fresh registry.
    monkeypatch.setattr(policy, "POLICIES", {})
    rule = policy._policy("halves")(lambda hours, owner, customer, reserve: (hours / 2, hours / 2))
    assert {"halves": rule} == policy.POLICIES
    assert split("halves", 320.0, 300.0, 100.0, 0.0) == (160.0, 160.0)
