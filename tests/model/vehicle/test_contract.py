"""The contract at vehicle level: the policies as hours (for plans) and as turns on a line."""

import pytest

from sim.model.vehicle.contract import split
from tests.model.test_dynamics import plant_scenario
from tests.model.vehicle.conftest import run

JAN_OPEN, FEB_OPEN = 21 * 16, 20 * 16  # open hours on two shifts, Monday to Friday, in 2022


@pytest.mark.parametrize(
    ("policy", "owner", "customer", "share", "expected"),
    [
        ("owner_first", 300, 100, 0, (300, 20)),
        ("customer_first", 300, 100, 0, (220, 100)),
        ("proportional", 300, 100, 0, (240, 80)),  # 80% of each need
        ("proportional", 200, 100, 0, (200, 100)),  # enough for both
        ("reserved_share", 300, 100, 0.25, (240, 80)),
        ("reserved_share", 300, 30, 0.25, (290, 30)),  # the owner borrows the unused reserve
        ("reserved_share", 100, 300, 0.25, (100, 220)),  # and the customer what the owner leaves
    ],
)
def test_a_320_hour_month_split_by_each_policy(policy, owner, customer, share, expected):
    assert split(policy, 320, owner, customer, share) == pytest.approx(expected)


def shared_line(contract: dict, line: dict | None = None):
    """One 60 JPH line, the owner's car and the customer's EV, both with endless demand; SOP at
    the start of February (the horizon ends with it)."""
    return plant_scenario(
        [line or {"id": "l1", "jph": 60, "products": ["car", "ev"]}],
        [
            {"id": "car", "demand": {"units_per_month": 1e6}},
            {"id": "ev", "brand": "Xiaomi", "owner": "xiaomi", "demand": {"units_per_month": 1e6}},
        ],
        end="2022-02-28",
        program={
            "start_date": "2022-01-03",
            "target_launch": "2022-06-30",
            "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": 29}}],
        },
        contract={"customer": "xiaomi", **contract},
    )


def february(r) -> tuple[float, float]:
    feb = r.model.timeline.setup.months[1].start_hour
    out = {"car": 0.0, "ev": 0.0}
    for t, kind, _, what, q in r.records:
        if kind == "built":
            assert what == "car" or t >= feb  # nothing of the customer's before SOP
            if t >= feb:
                out[what] += q
    return out["car"], out["ev"]


# The customer's vehicles in February on the saturated line (19,200 in all), by hand:
#   reserved units: s = 3,000 / (60 JPH x 320 h x 1) of the hours gives exactly 3,000;
#   proportional: both clear the same share of what they need at SOP: the owner's January
#   backlog plus February, the customer's February.
OWNER_NEED = 1e6 * 29 / 31 - 60 * JAN_OPEN + 1e6


@pytest.mark.parametrize(
    ("contract", "customer"),
    [
        ({"policy": "owner_first"}, 0),
        ({"policy": "customer_first"}, 60 * FEB_OPEN),
        ({"policy": "reserved_share", "reserved_share": 0.25}, 0.25 * 60 * FEB_OPEN),
        ({"policy": "reserved_share", "reserved_units_per_month": 3000}, 3000),
        ({"policy": "proportional"}, 60 * FEB_OPEN * 1e6 / (OWNER_NEED + 1e6)),
    ],
)
def test_a_saturated_shared_line_is_split_as_the_policy_says(contract, customer):
    r = run(shared_line(contract))
    owner, got = february(r)
    assert got == pytest.approx(customer, abs=2)
    assert owner + got == 60 * FEB_OPEN  # work-conserving: every hour builds
    assert r.by("built")["car"] - owner == 60 * JAN_OPEN  # before SOP the owner has the line


def test_with_campaigns_the_reserve_holds_within_one_campaign():
    # Two families, campaigns of 300 and 0.5 h changeovers: a family keeps the line for its
    # campaign whatever the reserve, so the customer's hours stay within one campaign of 25%.
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"], "changeover_hours": 0.5, "campaign_units": 300}
    r = run(shared_line({"policy": "reserved_share", "reserved_share": 0.25}, line))
    _, ev = february(r)
    ev_hours = ev / 60 + sum(q for t, k, _, w, q in r.records if k == "changeover" and w == "ev")
    assert ev_hours == pytest.approx(0.25 * FEB_OPEN, abs=300 / 60 + 0.5)


def test_proportional_with_campaigns_clears_equal_shares_within_one_campaign():
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"], "changeover_hours": 0.5, "campaign_units": 300}
    r = run(shared_line({"policy": "proportional"}, line))
    owner, ev = february(r)
    assert ev / (owner + ev) == pytest.approx(1e6 / (OWNER_NEED + 1e6), abs=300 / (owner + ev))
    feb = r.model.timeline.setup.months[1].start_hour
    changeovers = sum(q for t, k, *_, q in r.records if k == "changeover" and t >= feb)
    assert (owner + ev) / 60 + changeovers == pytest.approx(FEB_OPEN, abs=0.5)  # no hour idles


@pytest.mark.parametrize(
    ("contract", "promised"),
    [
        ({"policy": "reserved_share", "reserved_share": 0.25}, 0.25 * 60 * FEB_OPEN),
        ({"policy": "reserved_share", "reserved_units_per_month": 3000}, 3000),
        ({"policy": "proportional"}, 0),
    ],
)
def test_the_reserve_promises_its_share_of_the_open_hours_from_sop(contract, promised):
    # February, from SOP at its start: 25% of 320 open hours at 60 JPH, or the 3,000 units; a
    # policy without a reserve promises nothing. Breakdowns would not change the promise.
    r = run(shared_line(contract))
    assert r.total("reserved") == pytest.approx(promised)
