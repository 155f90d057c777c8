"""The batch model end to end on small plants, each number counted by hand: the reserve in
units, lost sales, SOP's orders, the month's major family, kits booked delivery by delivery
only while they bind, and the booking grain."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim.experiment.seeding import streams
from sim.model import Setup, simulate, state
from sim.model.batch import Batch
from sim.model.recorder import Kind, Record, Recorder
from sim.scenario import Scenario

# 2 x 8 h, Monday to Friday. July 2022 has 21 working days (336 h), August 23 (368 h),
# September 22 (352 h). Clock hours: August starts at 744, September at 1,488.
AUG, SEP = 744.0, 1488.0
# Fails after 15 open hours, repaired in 1: one open hour lost every working day.
FIXED = {
    "time_between_failures_hours": {"kind": "fixed", "value": 15},
    "time_to_repair_hours": {"kind": "fixed", "value": 1},
}
CAR = {"id": "car", "brand": "Haval", "owner": "gwm", "demand": {"units_per_month": 100_000}}
EV = {"id": "ev", "brand": "Xiaomi", "owner": "x", "demand": {"units_per_month": 20_000}}


def scenario(
    products: list[dict],
    lines: list[dict] | None = None,
    shops: list[dict] | None = None,
    contract: dict | None = None,
    sop_days: float | None = None,
    end: str = "2022-08-31",
    supply: dict | None = None,
) -> Scenario:
    """A plant from 1 July 2022; with `sop_days`, a launch program from 1 July and a contract."""
    plant = {"name": "p", "owner": "gwm", "calendar": {"shifts_per_day": 2, "hours_per_shift": 8}}
    plant |= {"shops": shops} if shops else {"lines": lines}
    data = {
        "meta": {"name": "t", "start_date": "2022-07-01", "end_date": end, "seed": 1},
        "plants": [plant],
        "products": products,
    }
    if sop_days is not None:
        milestone = {"id": "go", "duration_days": {"kind": "fixed", "value": sop_days}}
        data["program"] = {"start_date": "2022-07-01", "target_launch": end, "milestones": [milestone]}
        data["contract"] = contract
    if supply:
        data["supply"] = supply
    return Scenario.model_validate(data)


def run(s: Scenario, every: float | None = None) -> list[Record]:
    rec = Recorder()
    simulate(s, streams(1, 0), rec, Setup.of(s), book_every_hours=every)
    return rec.named()


def total(records: list[Record], kind: Kind, where=None, what=None, t0=-math.inf, t1=math.inf) -> float:
    return sum(
        r.quantity
        for r in records
        if r.kind == kind and where in (None, r.where) and what in (None, r.what) and t0 <= r.time < t1
    )


# -- the reserve in units ------------------------------------------------------------------------
UNITS = {"customer": "x", "policy": "reserved_share", "reserved_units_per_month": 5000}


def test_reserved_units_are_good_vehicles_in_the_months_available_hours():
    # SOP on 11 July; August is a whole month of it. The EV passes 80% first time and all
    # failures are reworked: every vehicle started is good and takes 1.2 passes. August has
    # 368 - 23 = 345 available hours:
    # C = 60 x 345 / 1.2 = 17,250 good EVs, so 5,000 reserve 5,000 / 17,250 of the hours (100 h)
    # and the EV builds 5,000 (not 4,167); the cars get the other 245 h: 14,700.
    ev = EV | {"first_pass_yield": 0.8, "rework_share": 1.0}
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"], "breakdowns": FIXED}
    records = run(scenario([CAR, ev], [line], contract=UNITS, sop_days=10))
    assert total(records, Kind.BUILT, what="ev", t0=AUG) == pytest.approx(5000.0)
    assert total(records, Kind.BUILT, what="car", t0=AUG) == pytest.approx(14_700.0)
    # Before SOP the reserve is free for the owner: July's first 6 days (96 - 6 h) build cars.
    assert total(records, Kind.BUILT, what="car", t1=240.0) == pytest.approx(60 * 90)


def test_the_reserve_spans_every_last_shop_line_of_the_customer():
    # A second line, l2, without failures: C = 60 x (345 + 368) = 42,780 (yield 1); 5,000 are
    # 11.7% of each line's hours: 2,419.4 EVs on l1 (345 h) and 2,580.6 on l2 (368 h).
    lines = [
        {"id": "l1", "jph": 60, "products": ["car", "ev"], "breakdowns": FIXED},
        {"id": "l2", "jph": 60, "products": ["car", "ev"]},
    ]
    records = run(scenario([CAR, EV], lines, contract=UNITS, sop_days=10))
    assert total(records, Kind.BUILT, "p.l1", "ev", t0=AUG) == pytest.approx(5000 * 345 / 713)
    assert total(records, Kind.BUILT, "p.l2", "ev", t0=AUG) == pytest.approx(5000 * 368 / 713)


def test_more_units_reserved_than_a_month_holds_reserve_the_whole_line():
    # 30,000 reserved of August's 60 x 368 = 22,080: the EV takes every hour, wanting 20,000
    # (July's demand from SOP, 20,000 x 21 / 31, was built in July's last 240 h).
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"]}
    records = run(scenario([CAR, EV], [line], contract=UNITS | {"reserved_units_per_month": 30_000}, sop_days=10))
    assert total(records, Kind.BUILT, what="ev", t1=AUG) == pytest.approx(20_000 * 21 / 31)
    assert total(records, Kind.BUILT, what="ev", t0=AUG) == pytest.approx(20_000.0)
    assert total(records, Kind.BUILT, what="car", t0=AUG) == pytest.approx(2080.0)


def test_the_reserve_counts_only_the_lines_vehicles_leave_from():
    # Body: b1 for cars, b2 for EVs, both 80 JPH, unlimited buffer; assembly a1 at 60 JPH builds
    # both. 3,000 reserved of a1's 60 x 368 = 22,080: 50 h of EVs, 3,000; cars 19,080. (Counting
    # b2 too would reserve half as much.)
    shops = [
        {
            "id": "body",
            "lines": [{"id": "b1", "jph": 80, "products": ["car"]}, {"id": "b2", "jph": 80, "products": ["ev"]}],
        },
        {"id": "assembly", "lines": [{"id": "a1", "jph": 60, "products": ["car", "ev"]}]},
    ]
    records = run(scenario([CAR, EV], shops=shops, contract=UNITS | {"reserved_units_per_month": 3000}, sop_days=10))
    assert total(records, Kind.BUILT, what="ev", t0=AUG) == pytest.approx(3000.0)
    assert total(records, Kind.BUILT, what="car", t0=AUG) == pytest.approx(19_080.0)


def test_a_reserved_share_is_taken_as_given():
    # 25% of August's 368 h: 92 h of EVs at 60 JPH, 5,520.
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"]}
    contract = {"customer": "x", "policy": "reserved_share", "reserved_share": 0.25}
    records = run(scenario([CAR, EV], [line], contract=contract, sop_days=10))
    assert total(records, Kind.BUILT, what="ev", t0=AUG) == pytest.approx(5520.0)


# -- demand: SOP, releases, lost sales -------------------------------------------------------------
def test_sop_opens_the_share_of_its_month_left_and_the_months_after_in_full():
    # SOP on 10 August (day 40, hour 960): 528 of August's 744 hours are left, so 20,000 x
    # 528 / 744 EVs are wanted at SOP; September's 20,000 at its start.
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"]}
    records = run(scenario([CAR, EV], [line], contract=UNITS, sop_days=40, end="2022-09-30"))
    assert [r for r in records if r.kind in (Kind.SOP, Kind.DEMAND) and r.what in ("", "ev")] == [
        Record(960.0, Kind.SOP, "", "", 0.0),
        Record(960.0, Kind.DEMAND, "", "ev", pytest.approx(20_000 * 528 / 744)),
        Record(SEP, Kind.DEMAND, "", "ev", 20_000.0),
    ]


def test_demand_not_built_within_its_months_is_lost():
    # 10 JPH builds 3,680 in August (368 h) of 5,000 wanted; with no month to wait, the other
    # 1,320 are lost when September starts (September's 1,480 unbuilt stay open at the horizon).
    car = CAR | {"demand": {"units_per_month": 5000, "lost_after_months": 0}}
    line = {"id": "l1", "jph": 10, "products": ["car"]}
    records = run(scenario([car], [line], end="2022-09-30"))
    # July (336 h) built 3,360 of 5,000: 1,640 lost at August's start.
    assert [r for r in records if r.kind == Kind.LOST] == [
        Record(AUG, Kind.LOST, "", "car", 5000 - 3360),
        Record(SEP, Kind.LOST, "", "car", 5000 - 3680),
    ]
    car = car | {
        "demand": {"units_by_month": {"2022-07": 3360, "2022-08": 3680.5, "2022-09": 100}, "lost_after_months": 0}
    }
    records = run(scenario([car], [line], end="2022-09-30"))
    # Half a vehicle short in August is half a vehicle lost; nothing lost in July (all built).
    assert [r for r in records if r.kind == Kind.LOST] == [Record(SEP, Kind.LOST, "", "car", pytest.approx(0.5))]


def test_demand_may_wait_its_months():
    # One month to wait: July's 1,640 unbuilt are served first in August (3,680 built of the
    # 1,640 + 5,000 open), nothing is lost at August's start; at September's, July's demand
    # is gone (built) and 2,960 of August's wait on.
    car = CAR | {"demand": {"units_per_month": 5000, "lost_after_months": 1}}
    records = run(scenario([car], [{"id": "l1", "jph": 10, "products": ["car"]}], end="2022-09-30"))
    assert [r for r in records if r.kind == Kind.LOST] == []
    assert total(records, Kind.BUILT) == pytest.approx(3360 + 3680 + 3520)


def test_sop_at_a_months_first_hour_opens_that_months_demand_once():
    # SOP on 1 August 00:00 (day 31, hour 744): all of August is left, so the EV's 20,000 of
    # August are released once, as the vehicle level does. (The launch process fires before the
    # months process at 744 h: SOP must neither release July's demand nor August's twice.)
    line = {"id": "l1", "jph": 60, "products": ["car", "ev"]}
    records = run(scenario([CAR, EV], [line], contract=UNITS, sop_days=31))
    assert total(records, Kind.DEMAND, what="ev") == 20_000.0


# -- changeovers: the month's major family -----------------------------------------------------------
def test_the_months_major_family_runs_and_the_others_carry_their_campaigns():
    # July on a 60-JPH line changing over in 2 h, campaigns of 100: a minor family's vehicle
    # carries 2 x 2 / 100 = 0.04 h. Wanted at July's start: 1,000 good of A (family a), half of
    # its vehicles scrapped, so 2,000 vehicles, 33.3 h; 1,500 of B (family b), 25 h. Family a
    # is July's major one: B's 1,500 carry 60 h, A's none. The EV (family c), launched on
    # 11 July, counts for nothing at July's start and carries 0.04 h per vehicle: 210 x 0.04.
    a = CAR | {
        "id": "a",
        "family": "a",
        "first_pass_yield": 0.5,
        "rework_share": 0.0,
        "demand": {"units_per_month": 1000},
    }
    b = CAR | {"id": "b", "family": "b", "demand": {"units_per_month": 1500}}
    ev = EV | {"family": "c", "demand": {"units_per_month": 310}}
    line = {"id": "l1", "jph": 60, "products": ["a", "b", "ev"], "changeover_hours": 2, "campaign_units": 100}
    contract = {"customer": "x", "policy": "owner_first"}
    records = run(scenario([a, b, ev], [line], contract=contract, sop_days=10, end="2022-07-31"))
    assert (
        total(records, Kind.BUILT, what="a") == pytest.approx(1000.0) and total(records, Kind.SCRAP, what="a") == 1000.0
    )
    assert total(records, Kind.BUILT, what="b") == pytest.approx(1500.0)
    assert total(records, Kind.CHANGEOVER, what="a") == 0.0
    assert total(records, Kind.CHANGEOVER, what="b") == pytest.approx(60.0)
    assert total(records, Kind.CHANGEOVER, what="ev") == pytest.approx(210 * 0.04)
    # Busy building: 2,000 + 1,500 + 210 vehicles at 60 an hour, the changeovers left out.
    assert total(records, Kind.BUSY) == pytest.approx(3710 / 60)


# -- buffers' lanes follow the month's released demand ---------------------------------------------
def test_lanes_are_resized_by_the_released_demand_at_month_starts_and_sop():
    shops = [
        {
            "id": "body",
            "buffer_after_units": 120,
            "lines": [{"id": "b1", "jph": 80, "products": ["car"]}, {"id": "b2", "jph": 80, "products": ["ev"]}],
        },
        {"id": "assembly", "lines": [{"id": "a1", "jph": 60, "products": ["car", "ev"]}]},
    ]
    s = scenario([CAR, EV], shops=shops, contract=UNITS, sop_days=10)
    setup, env = Setup.of(s), simpy.Environment()
    batch = Batch(env, s, setup, state.build(s), np.ones((2, len(setup.months))), Recorder())
    batch.start(240.0)
    env.run(until=1.0)
    assert batch.shops[0].lane == [[120.0, 0.0]]  # before SOP the EV's route has no demand
    env.run(until=241.0)
    # From SOP: July's 100,000 cars and 20,000 EVs (the month's, not what is left of it): 5 to 1.
    assert batch.shops[0].lane == [[100.0, 20.0]]


# -- kits: booked delivery by delivery while they bind ----------------------------------------------
def test_kits_that_bind_are_booked_delivery_by_delivery_and_ample_kits_a_month_at_a_time():
    # 8,000 kits a week (one a car), 90% lost until 10 July: 800 on Friday 1 July and Monday
    # 4 July, then 8,000 every Monday. July (336 h, 20,160 cars planned) is short before its
    # first delivery (960 cars to 4 July, 800 kits): booked piece by piece: 800, 800, then
    # 4,800 a week. August is booked piece by piece as well (kits bound the month before), but
    # no piece binds: 4,800 a week, 2,880 in its last three days; September, in one piece: 21,120.
    supply = {
        "chips": {
            "kits_per_week": 8000,
            "disruptions": [{"name": "d", "first_day": "2022-07-01", "last_day": "2022-07-10", "share_lost": 0.9}],
        }
    }
    records = run(scenario([CAR], [{"id": "l1", "jph": 60, "products": ["car"]}], end="2022-09-30", supply=supply))
    built = [(r.time, r.quantity) for r in records if r.kind == Kind.BUILT]
    week = [0.0, 72.0, 240.0, 408.0, 576.0, AUG, AUG + 168, AUG + 336, AUG + 504, AUG + 672, SEP]
    assert built == [
        (t, pytest.approx(q))
        for t, q in zip(week, [800, 800, 4800, 4800, 4800, 4800, 4800, 4800, 4800, 2880, 21_120], strict=True)
    ]


def test_weekly_and_monthly_bookings_build_the_same():
    # The same plant booked every week as well: 16,000 + 22,080 + 21,120 either way.
    supply = {
        "chips": {
            "kits_per_week": 8000,
            "disruptions": [{"name": "d", "first_day": "2022-07-01", "last_day": "2022-07-10", "share_lost": 0.9}],
        }
    }
    s = scenario([CAR], [{"id": "l1", "jph": 60, "products": ["car"]}], end="2022-09-30", supply=supply)
    for every in (None, 168.0, 100.0):
        assert total(run(s, every), Kind.BUILT) == pytest.approx(16_000 + 22_080 + 21_120)


def test_no_demand_in_a_month_releases_nothing():
    car = CAR | {"demand": {"units_by_month": {"2022-07": 0, "2022-08": 0.5}}}
    records = run(scenario([car], [{"id": "l1", "jph": 60, "products": ["car"]}]))
    assert [r for r in records if r.kind == Kind.DEMAND] == [Record(AUG, Kind.DEMAND, "", "car", 0.5)]
    assert total(records, Kind.BUILT) == 0.5


def four_weeks(kits_per_week: float, chips_per_vehicle: float = 1, disruptions: list | None = None) -> Scenario:
    """4-31 July 2022: four weeks of 80 h at 60 JPH (19,200 cars wanted and planned), kits each Monday."""
    s = scenario(
        [CAR | {"chips_per_vehicle": chips_per_vehicle}],
        [{"id": "l1", "jph": 60, "products": ["car"]}],
        end="2022-07-31",
        supply={"chips": {"kits_per_week": kits_per_week, "disruptions": disruptions or []}},
    )
    return s.model_copy(update={"meta": s.meta.model_copy(update={"start_date": s.meta.start_date.replace(day=4)})})


WEEKS = [0.0, 168.0, 336.0, 504.0]


@pytest.mark.parametrize(
    ("kits", "per_vehicle", "disruptions", "built"),
    [
        # 4,800 kits a Monday for 4,800 cars a week: the kits in hand cover the plan up to each
        # delivery exactly (4,800 by the 11th, 9,600 by the 18th, ...) and the month's 19,200:
        # booked in one piece.
        (4800, 1, None, [(0.0, 19_200)]),
        # 0.01 kit short a week: booked delivery by delivery, each week building its kits.
        (4799.99, 1, None, list(zip(WEEKS, [4799.99] * 4, strict=True))),
        # Two kits a car: 9,600 a week cover the plan; 9,000 build 4,500 a week.
        (9600, 2, None, [(0.0, 19_200)]),
        (9000, 2, None, list(zip(WEEKS, [4500] * 4, strict=True))),
        # Every week covered up to the last delivery, which is halved: 16,800 in all < 19,200,
        # so delivery by delivery: 4,800 a week, then 2,400.
        (
            4800,
            1,
            [{"name": "d", "first_day": "2022-07-25", "last_day": "2022-07-25", "share_lost": 0.5}],
            list(zip(WEEKS, [4800, 4800, 4800, 2400], strict=True)),
        ),
    ],
)
def test_a_month_is_booked_whole_exactly_when_its_kits_cover_the_plan_up_to_each_delivery(
    kits, per_vehicle, disruptions, built
):
    records = run(four_weeks(kits, per_vehicle, disruptions))
    assert [(r.time, r.quantity) for r in records if r.kind == Kind.BUILT] == [(t, pytest.approx(q)) for t, q in built]


def test_kits_cut_the_first_shop_and_the_lane_carries_the_rest():
    # Body b1 (60 JPH) feeds assembly a1 (40 JPH) through a lane of 100; 2,000 kits a week, one a
    # car. Friday 1 July (16 h): assembly takes 640, body starts 640 + 100 for the lane (blocked
    # from 5 h, when the lane is full: 11 h x 1/3). Week of 4 July: 1,260 + 2,000 kits, body
    # starts what assembly takes, 3,200, held to 40 an hour by the full lane. Week of 11 July:
    # 60 + 2,000 kits cut body to 2,060 (done at 51.5 h); assembly builds them and the lane's
    # 100, 2,160 in 54 h, and starves 26 h. Week of 18 July: 2,000 through an empty lane, which
    # is full at 5 h: body done at 47.5 h, assembly at 50 h.
    shops = [
        {"id": "body", "buffer_after_units": 100, "lines": [{"id": "b1", "jph": 60, "products": ["car"]}]},
        {"id": "assembly", "lines": [{"id": "a1", "jph": 40, "products": ["car"]}]},
    ]
    records = run(scenario([CAR], shops=shops, end="2022-07-24", supply={"chips": {"kits_per_week": 2000}}))
    kinds = (Kind.THROUGH, Kind.BUILT, Kind.STARVED, Kind.BLOCKED)
    assert [(r.time, r.kind, r.quantity) for r in records if r.kind in kinds] == [
        (0.0, Kind.THROUGH, pytest.approx(740.0)),
        (0.0, Kind.BUILT, pytest.approx(640.0)),
        (0.0, Kind.BLOCKED, pytest.approx(11 / 3)),
        (72.0, Kind.THROUGH, pytest.approx(3200.0)),
        (72.0, Kind.BUILT, pytest.approx(3200.0)),
        (72.0, Kind.BLOCKED, pytest.approx(80 / 3)),
        (240.0, Kind.THROUGH, pytest.approx(2060.0)),
        (240.0, Kind.BUILT, pytest.approx(2160.0)),
        (240.0, Kind.BLOCKED, pytest.approx(51.5 / 3)),
        (240.0, Kind.STARVED, pytest.approx(26.0)),
        (408.0, Kind.THROUGH, pytest.approx(2000.0)),
        (408.0, Kind.BUILT, pytest.approx(2000.0)),
        (408.0, Kind.BLOCKED, pytest.approx(42.5 / 3)),
        (408.0, Kind.STARVED, pytest.approx(30.0)),
    ]


# -- shops in series: what each line's want costs in hours and yields in good vehicles -----------
TWO_SHOPS = [
    {"id": "body", "lines": [{"id": "b1", "jph": 60, "products": ["car"]}]},
    {"id": "assembly", "lines": [{"id": "a1", "jph": 60, "products": ["car"]}]},
]


def test_rework_in_the_last_shop_costs_its_passes_and_builds_good_vehicles():
    # Assembly passes 80% first time and reworks every failure: each vehicle takes 1.2 passes,
    # so a1 builds 60 / 1.2 = 50 an hour, all good; body (all good) feeds it 50 an hour through an
    # unlimited buffer. July 2022 has 336 open hours: 16,800 built, none scrapped.
    car = CAR | {"first_pass_yield": 0.8, "rework_share": 1.0}
    records = run(scenario([car], shops=TWO_SHOPS, end="2022-07-31"))
    assert total(records, Kind.BUILT) == pytest.approx(50 * 336)
    assert total(records, Kind.SCRAP) == pytest.approx(0.0, abs=1e-6)


def test_a_ramp_rate_slows_every_shop_of_the_route():
    # The customer's EV alone on body and assembly lines of 60 JPH, SOP on 11 July (hour 240); a
    # linear ramp from 0.5 over one month in one step holds its midpoint, 0.75, until 10 August:
    # both shops run at 45 an hour. July's last 240 open hours build 45 x 240 = 10,800 of the
    # 20,000 x 21 / 31 = 13,548 released at SOP.
    ev = EV | {"ramp": {"months_to_full_rate": 1, "start_fraction": 0.5, "curve": "linear", "step_days": 31}}
    shops = [
        {"id": "body", "lines": [{"id": "b1", "jph": 60, "products": ["ev"]}]},
        {"id": "assembly", "lines": [{"id": "a1", "jph": 60, "products": ["ev"]}]},
    ]
    contract = {"customer": "x", "policy": "owner_first"}
    records = run(scenario([ev], shops=shops, contract=contract, sop_days=10, end="2022-07-31"))
    assert total(records, Kind.BUILT) == pytest.approx(45 * 240)
    assert total(records, Kind.THROUGH, "p.body.b1") == pytest.approx(45 * 240)


def test_a_route_booked_every_half_hour_builds_what_it_builds_booked_monthly():
    # Body and assembly at 60 JPH through an unlimited buffer: both run at 60 all July's 336 open
    # hours, 20,160 built, whether booked once a month or every half hour (most half hours of
    # the night are closed throughout, and some batches hold under an hour of work).
    s = scenario([CAR], shops=TWO_SHOPS, end="2022-07-31")
    for every in (None, 0.5):
        assert total(run(s, every), Kind.BUILT) == pytest.approx(60 * 336)
    # So does a plant of one line, which builds its plan: 30 in each open half hour.
    s = scenario([CAR], [{"id": "l1", "jph": 60, "products": ["car"]}], end="2022-07-31")
    records = run(s, 0.5)
    assert total(records, Kind.BUILT) == pytest.approx(60 * 336)
    # A line of a plant without shops is never starved nor blocked.
    assert total(records, Kind.STARVED) == 0.0 and total(records, Kind.BLOCKED) == 0.0


#: A calendar open around the clock, every day.
ALWAYS = {
    "shifts_per_day": 3,
    "hours_per_shift": 8,
    "first_shift_start_hour": 0,
    "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
}


def test_two_plants_with_shops_each_book_their_own_routes():
    # Plant p builds cars and plant q vans, each through body and assembly at 60 JPH (unlimited
    # buffers). p works 2 x 8 h Monday to Friday: 60 x 336 = 20,160 in July; q around the clock
    # every day: 60 x 24 x 31 = 44,640, also when booked every half hour, when p is closed.
    s = Scenario.model_validate(
        {
            "meta": {"name": "t", "start_date": "2022-07-01", "end_date": "2022-07-31", "seed": 1},
            "plants": [
                {
                    "name": name,
                    "owner": "gwm",
                    "calendar": calendar,
                    "shops": [{**shop, "lines": [{**shop["lines"][0], "products": [product]}]} for shop in TWO_SHOPS],
                }
                for name, product, calendar in (
                    ("p", "car", {"shifts_per_day": 2, "hours_per_shift": 8}),
                    ("q", "van", ALWAYS),
                )
            ],
            "products": [CAR, CAR | {"id": "van"}],
        }
    )
    for every in (None, 0.5):
        records = run(s, every)
        assert total(records, Kind.BUILT, "p.assembly.a1", "car") == pytest.approx(60 * 336)
        assert total(records, Kind.BUILT, "q.assembly.a1", "van") == pytest.approx(60 * 24 * 31)


def test_half_a_vehicle_through_shops_is_built():
    # August's demand of half a car goes through body and assembly: 0.5 built.
    car = CAR | {"demand": {"units_by_month": {"2022-07": 0, "2022-08": 0.5}}}
    records = run(scenario([car], shops=TWO_SHOPS))
    assert total(records, Kind.THROUGH, "p.body.b1") == 0.5 and total(records, Kind.BUILT) == 0.5


def test_changeovers_in_shops_are_carried_by_the_minor_family_on_each_line():
    # Body and assembly at 60 JPH each change over in 2 h, campaigns of 100: a vehicle of a minor
    # family carries 2 x 2 / 100 = 0.04 h (a changeover into its campaign and one back). July's
    # demand, 1,000 of A (family a, 16.7 h) and 500 of B (family b, 8.3 h), is all built; family
    # a is the month's major one on both lines, so B's 500 carry 20 h on each line and A's none.
    a = CAR | {"id": "a", "family": "a", "demand": {"units_per_month": 1000}}
    b = CAR | {"id": "b", "family": "b", "demand": {"units_per_month": 500}}
    line = {"jph": 60, "products": ["a", "b"], "changeover_hours": 2, "campaign_units": 100}
    shops = [
        {"id": "body", "lines": [{"id": "b1", **line}]},
        {"id": "assembly", "lines": [{"id": "a1", **line}]},
    ]
    records = run(scenario([a, b], shops=shops, end="2022-07-31"))
    assert total(records, Kind.BUILT, what="a") == pytest.approx(1000.0)
    assert total(records, Kind.BUILT, what="b") == pytest.approx(500.0)
    for name in ("p.body.b1", "p.assembly.a1"):
        assert total(records, Kind.CHANGEOVER, name, "a") == 0.0
        assert total(records, Kind.CHANGEOVER, name, "b") == pytest.approx(500 * 0.04)
        # Busy building: 1,500 vehicles at 60 an hour, the changeovers left out.
        assert total(records, Kind.BUSY, name) == pytest.approx(1500 / 60)


def test_lines_sharing_a_product_plan_what_the_lines_before_left_open():
    # Two 60-JPH lines build cars; July's 5,000 fit on the first (83.3 of its 336 h), which plans
    # them all: the second plans and builds none.
    car = CAR | {"demand": {"units_per_month": 5000}}
    lines = [{"id": "l1", "jph": 60, "products": ["car"]}, {"id": "l2", "jph": 60, "products": ["car"]}]
    records = run(scenario([car], lines, end="2022-07-31"))
    assert total(records, Kind.BUILT, "p.l1") == pytest.approx(5000.0) and total(records, Kind.BUILT, "p.l2") == 0.0
    assert total(records, Kind.BUSY, "p.l2") == 0.0
    # Half the cars scrapped, 25,000 wanted: l1 starts its 336 h x 60 = 20,160, 10,080 good; l2
    # wants the other 14,920 good, 29,840 starts, and has room for 20,160: 10,080 more.
    car = CAR | {"first_pass_yield": 0.5, "rework_share": 0.0, "demand": {"units_per_month": 25_000}}
    records = run(scenario([car], lines, end="2022-07-31"))
    assert total(records, Kind.BUILT, "p.l1") == pytest.approx(10_080.0)
    assert total(records, Kind.BUILT, "p.l2") == pytest.approx(10_080.0)
    # A third line: l1 and l2 make 10,080 good each, so l3 wants the last 25,000 - 20,160 =
    # 4,840 good, 9,680 starts: 161.3 of its 336 h busy.
    lines = [*lines, {"id": "l3", "jph": 60, "products": ["car"]}]
    records = run(scenario([car], lines, end="2022-07-31"))
    assert total(records, Kind.BUILT, "p.l3") == pytest.approx(4840.0)
    assert total(records, Kind.BUSY, "p.l3") == pytest.approx(9680 / 60)


def test_a_route_with_nothing_through_does_not_stop_the_other_routes_booking():
    # Body b1 (cars, 60 JPH, down one open hour a day) and b2 (vans, 60 JPH) feed assembly a1
    # (300 JPH, both) with no buffer between. Booked every half hour, some batches fall inside
    # b1's repairs: a1's cars then get nothing through. a1 gives each route its planned share of
    # its time, in proportion to the open demand (about 100,000 each): about 150 an hour, more
    # than b2's 60, so vans go at 60 an hour all July's 336 h: 20,160 built.
    shops = [
        {
            "id": "body",
            "buffer_after_units": 0,
            "lines": [
                {"id": "b1", "jph": 60, "products": ["car"], "breakdowns": FIXED},
                {"id": "b2", "jph": 60, "products": ["van"]},
            ],
        },
        {"id": "assembly", "lines": [{"id": "a1", "jph": 300, "products": ["car", "van"]}]},
    ]
    records = run(scenario([CAR, CAR | {"id": "van"}], shops=shops, end="2022-07-31"), 0.5)
    assert total(records, Kind.BUILT, what="van") == pytest.approx(60 * 336)


def test_two_one_line_plants_on_their_own_calendars_booked_every_half_hour():
    # Plant p (2 x 8 h, Monday to Friday) and plant q (around the clock) each build cars on a
    # 60-JPH line: 60 x 336 = 20,160 and 60 x 744 = 44,640 in July, also when booked every half
    # hour, when p is closed for most of them.
    s = Scenario.model_validate(
        {
            "meta": {"name": "t", "start_date": "2022-07-01", "end_date": "2022-07-31", "seed": 1},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8},
                    "lines": [{"id": "l1", "jph": 60, "products": ["car"]}],
                },
                {
                    "name": "q",
                    "owner": "gwm",
                    "calendar": ALWAYS,
                    "lines": [{"id": "l1", "jph": 60, "products": ["van"]}],
                },
            ],
            "products": [CAR, CAR | {"id": "van"}],
        }
    )
    records = run(s, 0.5)
    assert total(records, Kind.BUILT, "p.l1") == pytest.approx(60 * 336)
    assert total(records, Kind.BUILT, "q.l1") == pytest.approx(60 * 744)


def test_kits_are_shared_by_every_first_line_that_starts_the_product():
    # Two 60-JPH lines build cars, 4-31 July: four weeks of 80 h, 9,600 cars a week planned on
    # the two. 4,800 kits each Monday (one a car) cover half of both lines' plan: each builds
    # 2,400 a week, 19,200 in all.
    s = scenario(
        [CAR],
        [{"id": "l1", "jph": 60, "products": ["car"]}, {"id": "l2", "jph": 60, "products": ["car"]}],
        end="2022-07-31",
        supply={"chips": {"kits_per_week": 4800}},
    )
    s = s.model_copy(update={"meta": s.meta.model_copy(update={"start_date": s.meta.start_date.replace(day=4)})})
    records = run(s)
    assert total(records, Kind.BUILT, "p.l1") == pytest.approx(4 * 2400)
    assert total(records, Kind.BUILT, "p.l2") == pytest.approx(4 * 2400)
