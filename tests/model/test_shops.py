"""Plants with shops in series against hand-computed answers, and conservation of vehicles."""

import numpy as np
import pytest

import sim
from sim.experiment.seeding import streams
from sim.model import Setup, simulate
from sim.scenario import Scenario
from tests.conftest import owner_products


def shops_scenario(
    body: dict, paint: dict, assembly: dict, products: list[dict], buffers=(50, 50), end="2022-01-09", **extra
) -> Scenario:
    return Scenario.model_validate(
        {
            "meta": {"name": "shops", "start_date": "2022-01-03", "end_date": end, "seed": 5},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8},
                    "shops": [
                        {"id": "body", "lines": [body], "buffer_after_units": buffers[0]},
                        {"id": "paint", "lines": [paint], "buffer_after_units": buffers[1]},
                        {"id": "assembly", "lines": [assembly]},
                    ],
                }
            ],
            "products": owner_products(products),
            **extra,
        }
    )


def test_without_losses_the_slowest_shop_sets_the_pace():
    s = shops_scenario(
        {"id": "b1", "jph": 70, "products": ["car"]},
        {"id": "p1", "jph": 50, "products": ["car"]},
        {"id": "a1", "jph": 60, "products": ["car"]},
        [{"id": "car"}],
    )
    r = sim.run(s, replications=1)
    assert s.line_names() == ["p.body.b1", "p.paint.p1", "p.assembly.a1"]
    assert r.built.sum() == pytest.approx(50 * 80)  # paint, 50 JPH x 80 h
    # Body plans what paint takes plus filling its buffer (50); it runs at its full 70 JPH until
    # the buffer is full (50 / (70 - 50) = 2.5 h), then is held to paint's 50: blocked for
    # (80 - 2.5) x (1 - 50/70) hours. Assembly, planned at its own 60 JPH, waits for paint's 50.
    assert r.line_built[0, 0].sum() == pytest.approx(50 * 80 + 50)
    assert r.blocked_hours[0, 0].sum() == pytest.approx((80 - 2.5) * (1 - 50 / 70))
    assert r.starved_hours[0, 2].sum() == pytest.approx(80 * (1 - 50 / 60))


def test_a_paint_breakdown_is_absorbed_by_a_big_enough_buffer():
    # Paint (70 JPH) down 1 h a day; assembly (60 JPH) is the bottleneck. The painted-body
    # buffer in front of assembly keeps it working if it holds the 60 vehicles an hour needs.
    failures = {
        "time_between_failures_hours": {"kind": "fixed", "value": 7},
        "time_to_repair_hours": {"kind": "fixed", "value": 1},
    }
    built = {}
    for size in (0, 30, 200):
        s = shops_scenario(
            {"id": "b1", "jph": 80, "products": ["car"]},
            {"id": "p1", "jph": 70, "products": ["car"], "breakdowns": failures},
            {"id": "a1", "jph": 60, "products": ["car"]},
            [{"id": "car"}],
            buffers=(None, size),
        )
        built[size] = sim.run(s, replications=1).built.sum()
    assert built[0] < built[30] < built[200] <= 60 * 80 + 1e-6
    assert built[200] == pytest.approx(60 * 80)


def test_conservation_started_equals_finished_plus_buffers_plus_scrapped():
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 12},
        "time_to_repair_hours": {"kind": "exponential", "mean": 1.5},
    }
    s = shops_scenario(
        {"id": "b1", "jph": 62, "products": ["car", "ev"], "breakdowns": failures},
        {
            "id": "p1",
            "jph": 60,
            "products": ["car", "ev"],
            "breakdowns": failures,
            "changeover_hours": 0.5,
            "campaign_units": 60,
        },
        {"id": "a1", "jph": 58, "products": ["car", "ev"], "breakdowns": failures},
        [
            {"id": "car", "first_pass_yield": 0.9, "rework_share": 0.6, "demand": {"units_per_month": 6000, "cv": 0.2}},
            {"id": "ev", "brand": "ORA"},
        ],
        buffers=(40, 25),
        end="2022-03-31",
    )
    records = []
    simulate(s, streams(5, 0), lambda *r: records.append(r), Setup.of(s))
    started = sum(q for _, kind, where, _, q in records if kind == "through" and where == "p.body.b1")
    built = sum(q for _, kind, *_, q in records if kind == "built")
    scrap = sum(q for _, kind, *_, q in records if kind == "scrap")
    assert scrap > 0 and built > 0
    # Vehicles still in the two buffers at the end close the balance (each between 0 and its size).
    in_buffers = started - built - scrap
    assert 0 <= in_buffers <= 40 + 25 + 1e-6


def test_a_dedicated_body_line_for_the_customer_shares_paint_and_assembly():
    s = Scenario.model_validate(
        {
            "meta": {"name": "dedicated", "start_date": "2022-01-03", "end_date": "2022-06-30", "seed": 2},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8},
                    "shops": [
                        {
                            "id": "body",
                            "buffer_after_units": 100,
                            "lines": [
                                {"id": "b1", "jph": 60, "products": ["car"]},
                                {"id": "bx", "jph": 30, "products": ["ev"]},
                            ],
                        },
                        {
                            "id": "paint",
                            "buffer_after_units": 100,
                            "lines": [{"id": "p1", "jph": 70, "products": ["car", "ev"]}],
                        },
                        {"id": "assembly", "lines": [{"id": "a1", "jph": 60, "products": ["car", "ev"]}]},
                    ],
                }
            ],
            "products": [
                {"id": "car", "brand": "Haval", "owner": "gwm", "demand": {"units_per_month": 7000}},
                {"id": "ev", "brand": "Xiaomi", "owner": "xiaomi", "demand": {"units_per_month": 4000}},
            ],
            "program": {
                "start_date": "2022-01-03",
                "target_launch": "2022-03-31",
                "milestones": [{"id": "go", "duration_days": {"kind": "fixed", "value": 30}}],
            },
            "contract": {"customer": "xiaomi", "policy": "reserved_share", "reserved_share": 0.3},
        }
    )
    r = sim.run(s, replications=2)
    assert r.built[:, 1].sum() > 0
    assert np.allclose(np.cumsum(r.built + r.lost, axis=2) + r.backlog, np.cumsum(r.demand, axis=2))
    # The customer's body line builds only its product; the shared lines never exceed capacity.
    assert (r.busy_hours <= r.open_hours + 1e-6).all()


def test_a_product_must_follow_one_line_per_shop():
    with pytest.raises(Exception, match="exactly one line of shop body"):
        shops_scenario(
            {"id": "b1", "jph": 70, "products": ["car"]},
            {"id": "p1", "jph": 50, "products": ["van"]},
            {"id": "a1", "jph": 60, "products": ["car", "van"]},
            [{"id": "car"}, {"id": "van"}],
        )


def test_a_shop_yield_scraps_vehicles_before_the_last_shop():
    # Body 60 JPH, paint 70 with half its vehicles scrapped (no rework), assembly 40: assembly
    # receives 30 an hour, so 30 x 80 h are built, and paint scraps as many as it passes.
    s = shops_scenario(
        {"id": "b1", "jph": 60, "products": ["car"]},
        {"id": "p1", "jph": 70, "products": ["car"]},
        {"id": "a1", "jph": 40, "products": ["car"]},
        [{"id": "car", "shop_yields": {"paint": 0.5}, "rework_share": 0.0}],
        buffers=(None, None),
    )
    r = sim.run(s, replications=1)
    assert r.built.sum() == pytest.approx(30 * 80)
    assert r.line_scrap[0, 1].sum() == pytest.approx(r.line_built[0, 1].sum())  # paint: as many scrapped as passed
    assert r.line_built[0, 1].sum() == pytest.approx(30 * 80)


def test_shop_yields_must_name_an_earlier_shop():
    with pytest.raises(Exception, match="'assembly' is not a shop before the last"):
        shops_scenario(
            {"id": "b1", "jph": 60, "products": ["car"]},
            {"id": "p1", "jph": 70, "products": ["car"]},
            {"id": "a1", "jph": 40, "products": ["car"]},
            [{"id": "car", "shop_yields": {"assembly": 0.9}}],
        )


def tandem(buffer: float | None, end: str = "2024-12-31") -> Scenario:
    """Body and assembly at 60 JPH, open around the clock, both failing (MTBF 20 h, MTTR 2 h)."""
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 20},
        "time_to_repair_hours": {"kind": "exponential", "mean": 2},
    }
    always = {
        "shifts_per_day": 3,
        "hours_per_shift": 8,
        "first_shift_start_hour": 0,
        "working_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    line = {"jph": 60, "products": ["car"], "breakdowns": failures}
    return Scenario.model_validate(
        {
            "meta": {"name": "tandem", "start_date": "2022-01-01", "end_date": end, "seed": 11},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": always,
                    "shops": [
                        {"id": "body", "lines": [{"id": "b", **line}], "buffer_after_units": buffer},
                        {"id": "assembly", "lines": [{"id": "a", **line}]},
                    ],
                }
            ],
            "products": owner_products([{"id": "car"}]),
        }
    )


def test_without_a_buffer_two_shops_build_while_both_are_up():
    # With no buffer a stage builds only while the other is up too: output = 60 x the hours
    # both lines are up, exactly, for the failures drawn; over three years that is close to the
    # theory for independent failures, 60 x open x A^2 with A = 20 / 22.
    from sim.model import breakdowns
    from sim.model.calendar import Calendar
    from sim.model.intervals import Intervals
    from sim.model.streams import child

    s = tandem(0)
    r = sim.run(s, replications=1)
    cal = Calendar(s.plants[0].calendar, s.meta.start_date, s.meta.end_date)
    rng = streams(s.meta.seed, 0).breakdowns
    body, assembly = (
        breakdowns.failures(s.plants[0].shops[k].lines[0].breakdowns, cal, child(rng, name))
        for k, name in enumerate(s.line_names())
    )
    # Down hours of either line = down(body) + down(assembly) - both down at once.
    both_down = sum(
        max(0.0, min(b1, b2) - max(a1, a2))
        for a1, b1 in zip(body.starts, body.ends, strict=True)
        for a2, b2 in zip(assembly.starts, assembly.ends, strict=True)
        if a2 < b1 and a1 < b2
    )
    either_down = body.total + assembly.total - both_down
    assert isinstance(body, Intervals)
    assert r.built.sum() == pytest.approx(60 * (cal.shifts.total - either_down), rel=1e-9)
    assert r.built.sum() == pytest.approx(60 * cal.shifts.total * (20 / 22) ** 2, rel=0.01)
    # A buffer lets one shop work through the other's repairs.
    assert sim.run(tandem(120), replications=1).built.sum() > r.built.sum() * 1.02
