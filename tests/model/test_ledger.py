"""The ledger: one record per thing a line did in a batch, and built vehicles taken off the
open demand (oldest first), against hand counts."""

import pytest

from sim.model.backlog import Backlog
from sim.model.ledger import BuiltOnly, Ledger
from sim.model.recorder import Kind, Recorder
from sim.model.state import Line
from sim.scenario.plant import Line as LineSpec

LINE = Line("p.ga.l1", 0, 2, LineSpec(id="l1", jph=60, products=["car", "ev"]), [0, 1], [False, True])


def ledger(*open_demand: float, kind: type[Ledger] = Ledger) -> tuple[Ledger, Recorder]:
    rec = Recorder()
    backlogs = []
    for month, quantity in enumerate(open_demand):
        b = Backlog()
        if quantity:
            b.add(month, quantity)
        backlogs.append(b)
    return kind(rec, ["car", "ev"], backlogs), rec


def test_open_and_down_hours_are_booked_as_they_are():
    led, rec = ledger(0, 0)
    led.hours(LINE, 24.0, 80.0, 5.0)  # 80 open, 5 of them down
    assert rec.records == [(24.0, Kind.OPEN, "p.ga.l1", "", 80.0), (24.0, Kind.DOWN, "p.ga.l1", "", 5.0)]
    # No breakdown: no down record. Down longer than open (rounding): booked as it is.
    led.hours(LINE, 48.0, 16.0, 0.0)
    led.hours(LINE, 72.0, 16.0, 16.5)
    assert rec.records[2:] == [
        (48.0, Kind.OPEN, "p.ga.l1", "", 16.0),
        (72.0, Kind.OPEN, "p.ga.l1", "", 16.0),
        (72.0, Kind.DOWN, "p.ga.l1", "", 16.5),
    ]


def test_good_vehicles_serve_the_open_demand_and_the_rest_is_scrap():
    # 50 started at a good share of 0.9: 45 built of the 100 open, 55 left; 5 scrapped; each
    # vehicle carried 0.04 h of changeover: 2 h.
    led, rec = ledger(0, 100)
    led.built(LINE, 1, 50.0, 0.04, 0.9, 10.0)
    assert led.backlog[1].total == pytest.approx(55.0)
    assert rec.records == [
        (10.0, Kind.BUILT, "p.ga.l1", "ev", 45.0),
        (10.0, Kind.SCRAP, "p.ga.l1", "ev", pytest.approx(5.0)),
        (10.0, Kind.CHANGEOVER, "p.ga.l1", "ev", 2.0),
    ]


def test_no_scrap_and_no_changeover_record_nothing_but_the_built():
    led, rec = ledger(100, 0)
    led.built(LINE, 0, 40.0, 0.0, 1.0, 0.0)
    assert rec.records == [(0.0, Kind.BUILT, "p.ga.l1", "car", 40.0)]
    assert led.backlog[0].total == 60.0


def test_the_backlog_clears_exactly_when_the_whole_open_demand_is_met():
    # 100 + 5e-11 open, 100 made: within 1e-12 of the whole, so the whole is booked and the
    # backlog is empty (no crumb of 5e-11 left open for ever).
    led, rec = ledger(100 + 5e-11, 0)
    led.built(LINE, 0, 100.0, 0.0, 1.0, 0.0)
    assert rec.records == [(0.0, Kind.BUILT, "p.ga.l1", "car", 100 + 5e-11)]
    assert led.backlog[0].total == 0.0 and not led.backlog[0].cohorts
    # At the tolerance itself (open = made x (1 + 1e-12)) too.
    led, rec = ledger(100 * (1 + 1e-12), 0)
    led.built(LINE, 0, 100.0, 0.0, 1.0, 0.0)
    assert rec.records == [(0.0, Kind.BUILT, "p.ga.l1", "car", 100 * (1 + 1e-12))]
    assert led.backlog[0].total == 0.0


def test_a_batch_short_of_the_open_demand_leaves_it_open():
    # 60 made of 100 open (not within any tolerance of the whole): 40 stay open.
    led, rec = ledger(100, 0)
    led.built(LINE, 0, 60.0, 0.0, 1.0, 0.0)
    assert rec.records == [(0.0, Kind.BUILT, "p.ga.l1", "car", 60.0)]
    assert led.backlog[0].total == 40.0


def test_vehicles_through_a_shop_before_the_last():
    # 200 through body at a good share of 0.95: 190 on, 10 scrapped, 0.01 h of changeover each: 2 h.
    led, rec = ledger(500, 0)
    led.through(LINE, 0, 200.0, 0.01, 0.95, 5.0)
    assert rec.records == [
        (5.0, Kind.THROUGH, "p.ga.l1", "car", 190.0),
        (5.0, Kind.SCRAP, "p.ga.l1", "car", pytest.approx(10.0)),
        (5.0, Kind.CHANGEOVER, "p.ga.l1", "car", 2.0),
    ]
    assert led.backlog[0].total == 500.0  # open demand is served only by the last shop


def test_scrap_below_a_rounding_crumb_is_not_recorded():
    led, rec = ledger(500, 0)
    led.through(LINE, 0, 1e-12, 0.0, 0.0, 0.0)  # 1e-12 scrapped: a rounding crumb
    led.through(LINE, 0, 10.0, 0.0, 0.95, 0.0)  # half a vehicle scrapped: recorded
    assert rec.records == [
        (0.0, Kind.THROUGH, "p.ga.l1", "car", 0.0),
        (0.0, Kind.THROUGH, "p.ga.l1", "car", 9.5),
        (0.0, Kind.SCRAP, "p.ga.l1", "car", pytest.approx(0.5)),
    ]


def test_idle_hours_are_recorded_by_cause():
    led, rec = ledger(0, 0)
    led.idle(LINE, 70.0, 0.5, 0.25, 3.0)
    led.idle(LINE, 0.0, 1e-9, 1e-9, 4.0)  # crumbs of 1e-9 h: nothing
    led.idle(LINE, 1.0, 0.0, 0.0, 5.0)
    assert rec.records == [
        (3.0, Kind.BUSY, "p.ga.l1", "", 70.0),
        (3.0, Kind.STARVED, "p.ga.l1", "", 0.5),
        (3.0, Kind.BLOCKED, "p.ga.l1", "", 0.25),
        (5.0, Kind.BUSY, "p.ga.l1", "", 1.0),
    ]


def test_a_counterfactuals_ledger_books_the_built_vehicles_alone_and_serves_the_same_demand():
    # As above: 45 of 50 built against 100 open; no scrap, changeover, hours or idle records.
    led, rec = ledger(0, 100, kind=BuiltOnly)
    led.hours(LINE, 10.0, 80.0, 5.0)
    led.claimed(LINE, 10.0, 0.0, 80.0)
    led.built(LINE, 1, 50.0, 0.04, 0.9, 10.0)
    led.through(LINE, 0, 30.0, 0.04, 0.9, 10.0)
    led.idle(LINE, 40.0, 1.0, 2.0, 10.0)
    assert rec.records == [(10.0, Kind.BUILT, "p.ga.l1", "ev", 45.0)]
    assert led.backlog[1].total == pytest.approx(55.0) and led.backlog[0].total == 0.0
