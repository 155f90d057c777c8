"""Open demand by release month: served oldest first, lost after `lost_after_months`."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.backlog import Backlog


def backlog(*cohorts: tuple[int, float]) -> Backlog:
    b = Backlog()
    for month, quantity in cohorts:
        b.add(month, quantity)
    return b


def test_demand_of_the_same_month_joins_one_cohort():
    b = backlog((3, 100.0), (3, 50.0), (4, 20.0))
    assert list(b.cohorts) == [[3, 150.0], [4, 20.0]]
    assert b.total == 170.0


def test_building_serves_the_oldest_demand_first():
    b = backlog((1, 100.0), (2, 50.0), (3, 30.0))
    b.take(120.0)  # all of month 1 (100) and 20 of month 2
    assert list(b.cohorts) == [[2, 30.0], [3, 30.0]]
    assert b.total == 60.0
    b.take(0.5)  # less than a vehicle still comes off the oldest cohort
    assert list(b.cohorts) == [[2, 29.5], [3, 30.0]]
    assert b.total == 59.5


def test_taking_exactly_a_cohort_leaves_no_empty_cohort():
    b = backlog((1, 100.0), (2, 50.0))
    b.take(100.0)
    assert list(b.cohorts) == [[2, 50.0]]
    assert b.total == 50.0


@pytest.mark.parametrize("quantity", [80.0, 1e9])
def test_taking_the_whole_backlog_or_more_empties_it(quantity):
    b = backlog((1, 30.0), (2, 50.0))
    b.take(quantity)
    assert not b.cohorts and b.total == 0.0


def test_taking_the_total_empties_the_backlog_whatever_the_rounding():
    # 0.1 + 0.1 + 1.1 rounds to a total that the cohorts, taken one by one, exceed by 2e-16.
    b = backlog((1, 0.1), (2, 0.1), (3, 1.1))
    b.take(b.total)
    assert not b.cohorts and b.total == 0.0


def test_demand_is_open_for_lost_after_months_then_lost():
    # Released in month 3 with lost_after_months N = 2: still open at the start of month
    # 3 + 2 = 5, lost at the start of month 6. The model calls expire(k - N) at month k.
    n = 2
    b = backlog((3, 100.0))
    assert b.expire(5 - n) == 0.0 and b.total == 100.0  # month 3 is the oldest kept
    assert b.expire(6 - n) == 100.0
    assert not b.cohorts and b.total == 0.0


def test_every_cohort_expiring_together_is_lost_and_the_rest_kept():
    b = backlog((1, 10.0), (2, 20.0), (5, 0.5))
    assert b.expire(3) == 10.0 + 20.0  # both old cohorts, not only the last one
    assert list(b.cohorts) == [[5, 0.5]]
    assert b.total == 0.5  # 30.5 - 30: the total decreases by what was lost


def test_taking_more_than_the_cohorts_hold_but_less_than_the_total_stops_at_the_last_cohort():
    b = backlog((0, 1.0), (1, 0.1))
    b.take(0.7)  # total 0.40000000000000013 by rounding; the cohorts hold 0.30000000000000004 + 0.1 = 0.4
    b.take(0.4000000000000001)  # below the total, above what the cohorts hold: both are served
    assert not b.cohorts
    assert b.total == pytest.approx(0.0, abs=1e-15)


def test_expiring_every_cohort_leaves_exactly_nothing_open():
    b = backlog((0, 1.0), (1, 0.1))
    b.take(0.7)  # total 1.1 - 0.7 = 0.40000000000000013; cohorts 0.30000000000000004 and 0.1
    assert b.expire(2) == 0.4  # their sum; the total less it would leave 1.1e-16 open
    assert not b.cohorts and b.total == 0.0


def test_expiring_nothing_changes_nothing():
    b = backlog((4, 7.0))
    assert b.expire(0) == 0.0
    assert list(b.cohorts) == [[4, 7.0]] and b.total == 7.0
    assert Backlog().expire(10) == 0.0


# Months released in order, each with an amount, then built and expired in turn.
steps = st.lists(
    st.tuples(st.floats(0, 1000), st.floats(0, 1500), st.integers(0, 3)),
    min_size=1,
    max_size=30,
)


@given(steps)
def test_released_is_built_plus_open_plus_lost(history):
    # Conservation, as the model books it: every vehicle released is built, still open, or lost.
    b = Backlog()
    released = built = lost = 0.0
    for month, (demand, capacity, keep) in enumerate(history):
        lost += b.expire(month - keep)
        b.add(month, demand)
        released += demand
        served = min(capacity, b.total)
        b.take(capacity)
        built += served
        assert b.total == pytest.approx(sum(q for _, q in b.cohorts), abs=1e-6)
        assert [m for m, _ in b.cohorts] == sorted({m for m, _ in b.cohorts})
    assert built + b.total + lost == pytest.approx(released, rel=1e-9, abs=1e-6)
