"""The SimPy processes of a replication: when the batch model books, starts a month, opens the
contract's orders at SOP and steps its rate and yield, against hand-written timetables."""

import pytest
import simpy

from sim.model import processes, ramp
from sim.model.calendar import Month
from sim.scenario.products import Product

# January and February 2022, and March cut at 1 March 84:00 (a horizon ending mid-month).
MONTHS = [
    Month("2022-01", 0.0, 744.0, 31, 31),
    Month("2022-02", 744.0, 1416.0, 28, 28),
    Month("2022-03", 1416.0, 1500.0, 3.5, 31),
]


class Log:
    """A stand-in production model that writes down what the processes ask of it, and when."""

    def __init__(self, env: simpy.Environment):
        self.env, self.calls = env, []

    def book(self):
        self.calls.append((self.env.now, "book"))

    def new_month(self, k):
        self.calls.append((self.env.now, "new_month", k))

    def sop(self, k, share_left):
        self.calls.append((self.env.now, "sop", k, share_left))

    def set_rate(self, i, value):
        self.calls.append((self.env.now, "rate", i, value))

    def set_yield(self, i, value):
        self.calls.append((self.env.now, "yield", i, value))


def run(process, *args):
    env = simpy.Environment()
    log = Log(env)
    env.process(process(env, log, *args))
    env.run()
    return log.calls


def test_each_month_books_the_one_before_then_starts_and_the_horizon_books_the_last():
    assert run(processes.months, MONTHS) == [
        (0.0, "book"),
        (0.0, "new_month", 0),
        (744.0, "book"),
        (744.0, "new_month", 1),
        (1416.0, "book"),
        (1416.0, "new_month", 2),
        (1500.0, "book"),
    ]


def test_extra_bookings_come_every_so_many_hours_before_the_end():
    # Every week until 744 h: 168, 336, 504, 672 (the next, 840, is past the end).
    assert run(processes.every, 168.0, 744.0) == [(168.0 * k, "book") for k in (1, 2, 3, 4)]
    # Ending on a multiple: the booking at the end itself is the months process's, not this one's.
    assert run(processes.every, 168.0, 672.0) == [(168.0 * k, "book") for k in (1, 2, 3)]


def product(pid: str, owner: str, **extra) -> Product:
    return Product.model_validate({"id": pid, "brand": "B", "owner": owner, "demand": {"units_per_month": 1}, **extra})


def test_sop_opens_the_share_of_the_month_left():
    # SOP on 11 February 00:00 (984 h): (1416 - 984) / (1416 - 744) = 432 / 672 of February is left.
    calls = run(processes.launch, 984.0, MONTHS, [product("ev", "x")], [True])
    assert calls == [(984.0, "book"), (984.0, "sop", 1, 432 / 672)]
    # SOP at the first hour of February: all of February; at the last hour of the horizon's
    # first month, a 744th of January.
    assert run(processes.launch, 744.0, MONTHS, [product("ev", "x")], [True])[1] == (744.0, "sop", 1, 1.0)
    assert run(processes.launch, 743.0, MONTHS, [product("ev", "x")], [True])[1] == (743.0, "sop", 0, 1 / 744)


def test_a_contract_products_rate_and_yield_step_up_after_sop_until_the_horizon():
    # The EV ramps linearly from 0.5 over one month (30.44 days) in weekly steps and learns its
    # yield over one month in steps of the ramp's week; the owner's products (listed around it,
    # one with a ramp of its own) are at full rate from the start. SOP at 984 h: steps at
    # 984, 1,152, 1,320 and 1,488 h; the horizon ends at 1,488 h, so the third step is the last.
    ev = product(
        "ev",
        "x",
        first_pass_yield=0.9,
        ramp={"months_to_full_rate": 1, "start_fraction": 0.5, "curve": "linear", "step_days": 7},
        yield_learning={"start_first_pass_yield": 0.6, "months_to_mature": 1},
    )
    owner = product("car", "gwm", ramp={"months_to_full_rate": 1, "start_fraction": 0.1})
    months = [*MONTHS[:2], Month("2022-03", 1416.0, 1488.0, 3, 31)]
    calls = run(processes.launch, 984.0, months, [owner, ev, product("van", "gwm")], [False, True, False])
    rates, yields = ramp.steps(ev.ramp), ramp.yield_steps(ev.yield_learning, 0.9, 7)
    # The first held rate is the line at day 3.5: 0.5 + 0.5 x 3.5 / 30.4375.
    assert rates[0] == (0.0, pytest.approx(0.5 + 0.5 * 3.5 / 30.4375))
    assert calls == [
        (984.0, "book"),
        (984.0, "sop", 1, 432 / 672),
        (984.0, "rate", 1, rates[0][1]),  # at SOP itself: no booking in between
        (984.0, "yield", 1, yields[0][1]),
        (1152.0, "book"),
        (1152.0, "rate", 1, rates[1][1]),
        (1152.0, "yield", 1, yields[1][1]),
        (1320.0, "book"),
        (1320.0, "rate", 1, rates[2][1]),
        (1320.0, "yield", 1, yields[2][1]),
    ]


def test_yield_learning_without_a_ramp_steps_weekly():
    ev = product("ev", "x", first_pass_yield=0.9, yield_learning={"start_first_pass_yield": 0.5, "months_to_mature": 1})
    calls = run(processes.launch, 0.0, MONTHS, [ev], [True])
    learned = ramp.yield_steps(ev.yield_learning, 0.9, 7)
    # Every 7 days from SOP at 0 h up to the month's end (day 30.44) and its mature value.
    assert [d for d, _ in learned] == [0, 7, 14, 21, 28, 30.4375]
    assert [c for c in calls if c[1] == "yield"] == [(d * 24.0, "yield", 0, v) for d, v in learned]
    assert [c[0] for c in calls if c[1] == "book"] == [0.0, 168.0, 336.0, 504.0, 672.0, 730.5]
