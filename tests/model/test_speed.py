"""A line's rated speed changing over the horizon (issue 13): at a date or at a milestone's
completion, in both fidelities, counted by hand; and the OEE's rated speed follows it."""

from __future__ import annotations

import pytest

import sim
from sim.scenario import ScenarioError, parse
from tests.conftest import DATA
from tests.model.test_batch import CAR, EV, scenario

# 2 x 8 h, Monday to Friday from Friday 1 July 2022. July has 21 working days (336 h): 1 July,
# then 4-8, 11-15 (11 days, 176 h, before Monday 18 July), then 18-22, 25-29 (10 days, 160 h).


def built(s: sim.Scenario, fidelity: str, what: str = "car") -> list[float]:
    """Good vehicles of `what` per month, in month order (one replication)."""
    results = sim.run(s, replications=1, fidelity=fidelity)
    return results.built[0, results.product_ids.index(what)].tolist()


@pytest.mark.parametrize("fidelity", ["batch", "vehicle"])
def test_a_takt_upgrade_on_a_date_builds_at_each_speed_for_its_own_hours(fidelity):
    # 60 JPH until Monday 18 July, 90 from then: July 176 x 60 + 160 x 90 = 24,960; August's 368 h
    # all at 90: 33,120. Demand far above capacity.
    line = {"id": "l1", "jph": 60, "products": ["car"], "speed_changes": [{"first_day": "2022-07-18", "jph": 90}]}
    july, august = built(scenario([CAR], [line]), fidelity)
    tolerance = 0 if fidelity == "batch" else 2  # whole vehicles, a pass across the change
    assert july == pytest.approx(176 * 60 + 160 * 90, abs=tolerance)
    assert august == pytest.approx(368 * 90, abs=tolerance)


@pytest.mark.parametrize("fidelity", ["batch", "vehicle"])
def test_a_speed_change_at_a_milestone_comes_when_the_milestone_finishes(fidelity):
    # The milestone (fixed 17 days from 1 July) finishes on 18 July 00:00: the same hours as above.
    line = {
        "id": "l1",
        "jph": 60,
        "products": ["car", "ev"],
        "speed_changes": [{"milestone": "go", "jph": 90, "name": "takt upgrade at SOP"}],
    }
    contract = {"customer": "x", "policy": "owner_first"}
    s = scenario([CAR, EV], [line], contract=contract, sop_days=17)
    july, august = (a + b for a, b in zip(built(s, fidelity, "car"), built(s, fidelity, "ev"), strict=True))
    tolerance = 0 if fidelity == "batch" else 2
    assert july == pytest.approx(176 * 60 + 160 * 90, abs=tolerance)
    assert august == pytest.approx(368 * 90, abs=tolerance)


def test_the_oee_rates_a_month_at_its_own_speed():
    # Every hour builds at the rated speed: performance 100% in both months, although the speed
    # changed mid-July; July's rated speed is the open-hour mean (176 x 60 + 160 x 90) / 336.
    line = {"id": "l1", "jph": 60, "products": ["car"], "speed_changes": [{"first_day": "2022-07-18", "jph": 90}]}
    results = sim.run(scenario([CAR], [line]), replications=1)
    assert results.rated_jph[0, 0].tolist() == pytest.approx([(176 * 60 + 160 * 90) / 336, 90.0])
    metrics = results.line_metrics()
    assert metrics["performance"][0, 0].tolist() == pytest.approx([1.0, 1.0])
    oee = {k.key: k.value for k in results.kpis()}
    assert oee["oee.p.l1"] == pytest.approx(1.0)


def bad(line: dict, **extra) -> str:
    with pytest.raises(Exception) as raised:
        scenario([CAR], [line], **extra)
    return str(raised.value)


def test_speed_changes_are_checked_as_written():
    base = {"id": "l1", "jph": 60, "products": ["car"]}
    assert "give its first_day or its milestone, not both" in bad(base | {"speed_changes": [{"jph": 90}]})
    late = bad(base | {"speed_changes": [{"first_day": "2023-01-01", "jph": 90}]})
    assert "2023-01-01 is outside the horizon 2022-07-01 to 2022-08-31" in late
    order = [{"first_day": "2022-08-01", "jph": 90}, {"first_day": "2022-07-15", "jph": 70}]
    assert "dated changes in date order: 2022-07-15 after 2022-08-01" in bad(base | {"speed_changes": order})
    assert "(the scenario has no launch program)" in bad(base | {"speed_changes": [{"milestone": "sop", "jph": 90}]})


def test_a_bad_speed_change_is_named_with_its_file_line_and_field():
    text = (DATA / "small.yaml").read_text()
    at = "{id: ga1, jph: 60, products: [haval, xiaomi_ev]}"
    assert at in text
    text = text.replace(
        at, "{id: ga1, jph: 60, products: [haval, xiaomi_ev], speed_changes: [{milestone: sopp, jph: 70}]}"
    )
    with pytest.raises(ScenarioError) as raised:
        parse(text, "x.yaml")
    message = str(raised.value)
    assert "lines[0].speed_changes[0].milestone" in message and "unknown milestone 'sopp'" in message
    assert "x.yaml:" in message
