"""The run without the contract, started from the full run's state: the same records as run alone."""

import numpy as np
import pytest

from sim import load
from sim.experiment.replication import Prepared, replicate
from sim.experiment.seeding import streams
from sim.model import fork
from sim.model.recorder import Recorder
from sim.model.simulation import build
from tests.conftest import ROOT

SCENARIOS = [
    "baseline",
    "policy_customer_first",
    "dedicated_line",
    "history_check",
    "gw_engineering_assist",
    "capacity_levers",
    "shops",
]


def pair(name: str, r: int = 0, seed: int = 11):
    """A replication's full run and its run without the contract, built on the same streams."""
    prepared = Prepared.of(load(ROOT / "scenarios" / f"{name}.yaml"))
    other, other_setup = prepared.others["without_contract"]
    drawn: dict = {}
    rec, ref = Recorder(), Recorder()
    full = build(prepared.scenario, streams(seed, r), rec.append, prepared.setup, drawn=drawn)
    without = build(other, streams(seed, r), ref.append, other_setup, drawn=drawn)
    alone = Recorder()  # the same run without the contract, simulated from the start
    return full, rec, without, ref, build(other, streams(seed, r), alone.append, other_setup, drawn=drawn), alone


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("r", [0, 1])
def test_the_run_started_from_the_full_runs_state_makes_the_records_it_makes_alone(name, r):
    full, rec, without, ref, alone_run, alone = pair(name, r)
    assert fork.share(full, without)
    start = len(rec)  # the records made before the run (launch milestones) are the full run's own
    full.run()
    assert full.model.kept is not None
    hour = fork.start_from(full, without)
    assert hour == full.model.kept.hour > 0
    without.run()
    assert ref and all(x[0] >= hour for x in ref)
    alone_run.run()
    shared = [x for x in rec[start:] if x[0] < hour]  # the full run's records of the shared stretch
    assert shared + ref == alone  # every record, in the same order, to the last bit


def test_the_shared_stretch_ends_at_the_last_month_start_before_sop():
    full, _, without, _, _, _ = pair("baseline")
    months = full.model.setup.months
    full.sop = months[30].start_hour + 5.0
    assert fork.shared_until(full, without) == months[30].start_hour
    full.sop = months[30].start_hour  # SOP at a month's start: the state just before it is shared
    assert fork.shared_until(full, without) == months[30].start_hour
    full.sop = None  # SOP after the horizon: the whole horizon is shared but its end
    assert fork.shared_until(full, without) == months[-1].start_hour
    full.sop = months[1].start_hour - 1.0  # SOP in the first month: nothing to share
    assert fork.shared_until(full, without) == 0.0
    assert not fork.share(full, without) and full.model.keep_at is None


def test_a_speed_change_only_one_run_has_ends_the_shared_stretch():
    full, _, without, _, _, _ = pair("baseline")
    months = full.model.setup.months
    full.sop = months[40].start_hour
    full.speeds = [(months[12].start_hour + 100.0, 0, 70.0)]  # e.g. a milestone's takt upgrade
    assert fork.shared_until(full, without) == months[12].start_hour
    # The same change in both: shared; at a month's start, that month is left out (SimPy's order
    # of the two at that instant is not the resumed run's).
    without.speeds = full.speeds = [(months[12].start_hour, 0, 70.0)]
    assert fork.shared_until(full, without) == months[40].start_hour
    without.speeds = full.speeds = [(months[40].start_hour, 0, 70.0)]
    assert fork.shared_until(full, without) == months[39].start_hour


def test_a_line_whose_hours_a_milestone_moves_ends_the_shared_stretch_where_they_part():
    # capacity_levers: a retooling milestone claims ga2's hours and gives it a third shift.
    full, _, without, _, _, _ = pair("capacity_levers")
    ga2, alone = full.plant.lines[1], without.plant.lines[1]
    assert ga2.claims and not alone.claims
    calendar, months = full.model.setup.calendars[0], full.model.setup.months
    claimed = min(taken.starts[0] for taken, _ in ga2.claims)  # open hour of the first claimed hour
    # Up to the first interval the two runs do not share, ga2 loses the same hours in both.
    parted = next(k for k, (s, t) in enumerate(zip(ga2.off.starts, alone.off.starts, strict=False)) if s != t)
    first = min(claimed, ga2.off.starts[parted], alone.off.starts[parted])
    assert ga2.off.until(first) == alone.off.until(first)
    until = min(full.sop, calendar.time_at(first))
    expected = max(m.start_hour for m in months if m.start_hour <= until)
    assert 0 < fork.shared_until(full, without) == expected < full.sop


def test_shops_share_until_a_month_the_owner_has_no_demand_in_the_plant():
    # With no demand at all in a month, a plant's buffers are split equally among its routes:
    # among one more (the customer's) in the full run.
    full, _, without, _, _, _ = pair("shops")
    months, model = full.model.setup.months, full.model
    full.sop = months[40].start_hour
    assert fork.shared_until(full, without) == months[40].start_hour
    for i, c in enumerate(model.customer):
        if not c:
            model.demand[i][17] = 0.0
    for row in without.model.demand:  # (the same demand in both runs: the owner's products)
        row[17] = 0.0
    assert fork.shared_until(full, without) == months[17].start_hour


def test_shops_where_the_customer_shares_a_route_with_the_owner_are_not_shared():
    # Where the next shop takes nothing of a route, its lane is split equally among the route's
    # products: the customer's among them in the full run only.
    body = (
        "plants.0.shops.0.lines=[{id: body1, jph: 66, products: [haval_h6, wey_vv, tank_300, poer_pickup]},"
        " {id: body2, jph: 50, products: [ora_good_cat, haval_jolion, xiaomi_ev]}]"
    )
    prepared = Prepared.of(load(ROOT / "scenarios" / "shops.yaml", [body]))
    other, other_setup = prepared.others["without_contract"]
    full = build(prepared.scenario, streams(11, 0), Recorder().append, prepared.setup)
    without = build(other, streams(11, 0), Recorder().append, other_setup)
    assert full.sop is not None and full.sop > full.model.setup.months[1].start_hour
    assert fork.shared_until(full, without) == 0.0


def test_a_state_the_customer_has_had_orders_in_is_not_kept():
    full, _, without, ref, _, _ = pair("baseline")
    months = full.model.setup.months
    assert full.sop is not None and full.sop < months[-1].start_hour
    full.model.keep_at = months[-1].start_hour  # after SOP: the customer has orders and a rate
    full.run()
    assert full.model.kept is None
    assert fork.start_from(full, without) == 0.0  # nothing to start from: the run starts at 0
    assert ref == [] and without.env.now == 0.0


@pytest.mark.parametrize("name", ["baseline", "gw_engineering_assist", "capacity_levers", "shops"])
def test_replications_are_the_same_with_and_without_the_shared_stretch(name, monkeypatch):
    prepared = Prepared.of(load(ROOT / "scenarios" / f"{name}.yaml"))
    shared = replicate(prepared, 5, [0, 1, 2])
    monkeypatch.setattr(fork, "share", lambda full, other: False)
    alone = replicate(prepared, 5, [0, 1, 2])
    for a, b in zip(shared, alone, strict=True):
        assert a.arrays.keys() == b.arrays.keys() and a.reference.keys() == b.reference.keys()
        for key in a.arrays:
            assert np.array_equal(a.arrays[key], b.arrays[key]), key
        for key in a.reference:
            assert np.array_equal(a.reference[key], b.reference[key]), key
        assert a.events < b.events  # the shared stretch was not simulated twice


OVERTIME = "{working_weekdays: [mon, tue, wed, thu, fri, sat], on_weeks: 2, off_weeks: 1, max_hours_per_month: 64}"


@pytest.mark.parametrize(
    "overrides",
    [
        ["contract.policy=proportional"],
        ["contract.policy=owner_first", "supply.chips.allocation=by_margin"],
        ["contract.reserved_share=null", "contract.reserved_units_per_month=2000"],
        ["owner_priority={rule: by_margin}", "supply.chips.allocation=customer_first"],
        ["owner_priority={rule: listed, order: [ORA]}", "supply.chips.allocation=proportional"],
        [f"plants.0.lines.1.overtime={OVERTIME}", f"plants.0.lines.0.overtime={OVERTIME}"],
        ["products.xiaomi_ev.margin_rmb_per_unit=100000", "supply.chips.allocation=by_margin"],
        ["meta.end_date=2023-03-31"],  # SOP after the horizon: all but the last month shared
    ],
)
def test_the_shared_stretch_changes_nothing_whatever_the_contract_and_kit_rules(overrides, monkeypatch):
    # Rules that treat the customer's products in other ways before SOP (a reserve, its margin
    # among the owner's, its place in the kit queue, overtime decided on open demand).
    prepared = Prepared.of(load(ROOT / "scenarios" / "baseline.yaml", overrides))
    shared = replicate(prepared, 3, [0, 1])
    monkeypatch.setattr(fork, "share", lambda full, other: False)
    alone = replicate(prepared, 3, [0, 1])
    for a, b in zip(shared, alone, strict=True):
        for key in a.reference:
            assert np.array_equal(a.reference[key], b.reference[key]), key
        assert a.events < b.events
