import pytest

from sim.model.policy import split

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
