"""A replication's simulations built on the same streams share their draws, and get the very
ones they would draw alone."""

import pytest

from sim import load
from sim.experiment.replication import Prepared
from sim.experiment.seeding import streams
from sim.model.recorder import Recorder
from sim.model.simulation import build
from tests.conftest import ROOT


@pytest.mark.parametrize("name", ["baseline", "shops"])
def test_counterfactuals_built_with_shared_draws_make_the_records_they_make_alone(name):
    prepared = Prepared.of(load(ROOT / "scenarios" / f"{name}.yaml"))
    drawn: dict = {}
    build(prepared.scenario, streams(3, 1), Recorder().append, prepared.setup, drawn=drawn)
    kinds = {key[0] for key in drawn}
    assert {"demand", "program"} <= kinds  # the full run's draws, kept for its counterfactuals
    for other, setup in prepared.others.values():
        shared, alone = Recorder(), Recorder()
        a = build(other, streams(3, 1), shared.append, setup, drawn=drawn)
        b = build(other, streams(3, 1), alone.append, setup)
        assert a.sop == b.sop and a.speeds == b.speeds
        a.run()
        b.run()
        assert shared == alone  # every record, to the last bit


def test_a_program_is_shared_only_with_the_simulations_of_the_very_same_one():
    prepared = Prepared.of(load(ROOT / "scenarios" / "baseline.yaml"))
    faster = load(ROOT / "scenarios" / "baseline.yaml", ["program.engineering_assist=0.5"])
    drawn: dict = {}
    full = build(prepared.scenario, streams(3, 1), Recorder().append, prepared.setup, drawn=drawn)
    assisted = build(faster, streams(3, 1), Recorder().append, prepared.setup, drawn=drawn)
    alone = build(faster, streams(3, 1), Recorder().append, prepared.setup)
    assert assisted.sop == alone.sop != full.sop
