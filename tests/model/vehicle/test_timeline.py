"""The vehicle level's timeline and records: month starts, SOP, deliveries, the horizon, and
bit-for-bit reproducibility."""

import simpy

import sim
from sim.experiment.seeding import streams
from sim.model import Setup, simulate
from sim.model.recorder import Recorder
from tests.conftest import build, small_data
from tests.model.vehicle.conftest import run


def scenario():
    data = small_data()
    data["meta"]["end_date"] = "2022-04-30"
    data["products"][0]["first_pass_yield"] = 0.9
    data["products"][0]["rework_share"] = 0.5
    data["plants"][0]["lines"][0]["breakdowns"] = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 15},
        "time_to_repair_hours": {"kind": "lognormal", "mean": 1.0, "cv": 0.7},
    }
    data["supply"] = {"chips": {"kits_per_week": 2500}}
    return build(data)


def test_the_same_seed_gives_the_same_records_bit_for_bit():
    s = scenario()
    setup = Setup.of(s)
    first, second, other = Recorder(), Recorder(), Recorder()
    simulate(s, streams(7, 0), first, setup, "vehicle")
    simulate(s, streams(7, 0), second, setup, "vehicle")
    simulate(s, streams(7, 1), other, setup, "vehicle")
    assert first.records == second.records
    assert first.records != other.records


def test_records_are_counts_per_month_not_per_vehicle():
    r = run(scenario())
    vehicles = r.total("built") + r.total("scrap")
    assert vehicles > 20_000
    assert len(r.records) < 100
    sop = next(t for t, kind, *_ in r.records if kind == "sop")
    months = {m.start_hour for m in r.model.timeline.setup.months}
    for t, kind, _, _, _ in r.records:
        if kind in ("built", "scrap", "busy", "open", "down", "demand"):
            assert t in months or (kind == "demand" and t == sop)  # the SOP month's demand opens at SOP


def test_kits_are_recorded_when_they_arrive_and_sop_when_it_comes():
    s = scenario()
    r = run(s)
    setup = Setup.of(s)
    assert [(t, q) for t, kind, *_, q in r.records if kind == "kits"] == setup.deliveries
    sops = [t for t, kind, *_ in r.records if kind == "sop"]
    assert len(sops) == 1
    assert all(t >= sops[0] for t, kind, _, what, _ in r.records if kind == "demand" and what == "xiaomi_ev")


def test_every_process_ends_by_the_horizon(monkeypatch):
    s = scenario()
    setup = Setup.of(s)
    ran: list[simpy.Environment] = []

    class Watched(simpy.Environment):
        def __init__(self):
            super().__init__()
            ran.append(self)

    monkeypatch.setattr(simpy, "Environment", Watched)
    simulate(s, streams(7, 0), Recorder(), setup, "vehicle")
    assert ran[0].now == setup.months[-1].end_hour  # env.run() returned: nothing was left to happen
    assert ran[0].peek() == float("inf")


def test_vehicles_are_whole_and_the_failures_those_of_the_batch_model():
    r = sim.run(scenario(), replications=1, fidelity="vehicle")
    b = sim.run(scenario(), replications=1)
    assert (r.built == r.built.round()).all()
    assert (r.down_hours == b.down_hours).all()  # the same failures, drawn from the same streams
    assert (r.open_hours == b.open_hours).all()
