"""Property-based tests: generated scenarios never break the model's invariants."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.scenario import Scenario

POLICIES = ["owner_first", "customer_first", "reserved_share", "proportional"]


@st.composite
def scenarios(draw) -> Scenario:
    n_owner = draw(st.integers(1, 3))
    owner_ids = [f"own{i}" for i in range(n_owner)]
    products = [
        {
            "id": pid,
            "brand": draw(st.sampled_from(["Haval", "WEY", "ORA", "Tank"])),
            "owner": "gwm",
            "family": draw(st.sampled_from(["a", "b", None])),
            "first_pass_yield": draw(st.floats(0.5, 1.0)),
            "rework_share": draw(st.floats(0.0, 1.0)),
            "chips_per_vehicle": draw(st.floats(0.5, 3)),
            "demand": {
                "units_per_month": draw(st.floats(0, 30000)),
                "cv": draw(st.sampled_from([0.0, 0.2])),
                "lost_after_months": draw(st.sampled_from([None, 0, 2])),
            },
        }
        for pid in owner_ids
    ]
    products.append(
        {
            "id": "ev",
            "brand": "Xiaomi",
            "owner": "xiaomi",
            "first_pass_yield": draw(st.floats(0.6, 1.0)),
            "demand": {"units_per_month": draw(st.floats(0, 20000))},
            "ramp": {"months_to_full_rate": draw(st.floats(0.5, 6)), "start_fraction": draw(st.floats(0.05, 1))},
        }
    )
    breakdowns = {
        "time_between_failures_hours": {"kind": "exponential", "mean": draw(st.floats(2, 100))},
        "time_to_repair_hours": {"kind": "lognormal", "mean": draw(st.floats(0.1, 10)), "cv": 0.5},
    }
    lines = [
        {
            "id": f"l{k}",
            "jph": draw(st.floats(10, 80)),
            "products": draw(st.lists(st.sampled_from([*owner_ids, "ev"]), min_size=1, max_size=4, unique=True)),
            "breakdowns": draw(st.sampled_from([None, breakdowns])),
            "changeover_hours": 1.5,
            "campaign_units": draw(st.floats(20, 500)),
        }
        for k in range(draw(st.integers(1, 3)))
    ]
    lines[0]["products"] = [*owner_ids, "ev"]  # every product buildable somewhere
    return Scenario.model_validate(
        {
            "meta": {
                "name": "gen",
                "start_date": "2022-01-01",
                "end_date": "2022-09-30",
                "seed": draw(st.integers(0, 99)),
            },
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": draw(st.integers(1, 3)), "hours_per_shift": 8},
                    "lines": lines,
                }
            ],
            "products": products,
            "program": {
                "start_date": "2022-01-01",
                "target_launch": "2022-06-30",
                "milestones": [{"id": "go", "duration_days": {"kind": "uniform", "min": 0, "max": 200}}],
            },
            "contract": {
                "customer": "xiaomi",
                "policy": draw(st.sampled_from(POLICIES)),
                "reserved_share": draw(st.floats(0, 1)),
            },
            "supply": draw(
                st.sampled_from(
                    [
                        None,
                        {"chips": {"kits_per_week": 4000, "allocation": "by_margin"}},
                        {
                            "chips": {
                                "kits_per_week": 6000,
                                "allocation": "proportional",
                                "disruptions": [
                                    {
                                        "name": "d",
                                        "first_day": "2022-03-01",
                                        "last_day": "2022-05-31",
                                        "share_lost": 0.6,
                                    }
                                ],
                            }
                        },
                    ]
                )
            ),
        }
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_keep_every_invariant(scenario):
    r = sim.run(scenario, replications=2)
    jph = np.array([ln.jph for ln in scenario.plants[0].lines])[None, :, None]
    available = r.open_hours - r.down_hours
    # No line builds above its rated capacity in any month, and it is never busier than available.
    assert (r.line_built + r.line_scrap <= jph * available + 1e-6).all()
    assert (r.busy_hours + r.changeover_hours <= available + 1e-6).all()
    assert (r.down_hours <= r.open_hours + 1e-9).all()
    # Conservation: built + open + lost = demand; started = built + scrapped.
    assert np.allclose(np.cumsum(r.built + r.lost, axis=2) + r.backlog, np.cumsum(r.demand, axis=2), atol=1e-6)
    assert np.allclose(r.line_built.sum(axis=1), r.built.sum(axis=1))
    assert (r.built >= -1e-12).all() and (r.scrap >= -1e-12).all()
    # No contract vehicle before SOP.
    for rep in range(r.replications):
        before = [i for i, m in enumerate(r.months_) if m.end_hour <= r.sop[rep]]
        assert r.built[rep, -1, before].sum() == 0


@settings(max_examples=8, deadline=None)
@given(scenarios())
def test_generated_scenarios_are_deterministic(scenario):
    a, b = sim.run(scenario, replications=2), sim.run(scenario, replications=2)
    for name in ("built", "lost", "scrap", "down_hours", "changeover_hours", "sop"):
        assert np.array_equal(getattr(a, name), getattr(b, name))


@st.composite
def shop_scenarios(draw) -> Scenario:
    """A plant of three shops in series with random rates, buffers, failures and yields."""
    products = ["a", "b", "ev"]
    failures = {
        "time_between_failures_hours": {"kind": "exponential", "mean": draw(st.floats(3, 60))},
        "time_to_repair_hours": {"kind": "exponential", "mean": draw(st.floats(0.2, 4))},
    }

    def line(shop: str, k: int, members: list[str]) -> dict:
        return {
            "id": f"{shop}{k}",
            "jph": draw(st.floats(20, 80)),
            "products": members,
            "breakdowns": draw(st.sampled_from([None, failures])),
            "changeover_hours": 0.5,
            "campaign_units": draw(st.floats(20, 300)),
        }

    split = draw(st.booleans())  # a dedicated body line for the customer, or one shared body line
    body = [line("body", 1, ["a", "b"]), line("body", 2, ["ev"])] if split else [line("body", 1, products)]
    shops = [
        {"id": "body", "lines": body, "buffer_after_units": draw(st.sampled_from([None, 0, 5, 50]))},
        {
            "id": "paint",
            "lines": [line("paint", 1, products)],
            "buffer_after_units": draw(st.sampled_from([None, 0, 20])),
        },
        {"id": "assembly", "lines": [line("ga", 1, products)]},
    ]
    return Scenario.model_validate(
        {
            "meta": {
                "name": "gen",
                "start_date": "2022-01-01",
                "end_date": "2022-06-30",
                "seed": draw(st.integers(0, 99)),
            },
            "plants": [
                {"name": "p", "owner": "gwm", "calendar": {"shifts_per_day": 2, "hours_per_shift": 8}, "shops": shops}
            ],
            "products": [
                {
                    "id": pid,
                    "brand": "Xiaomi" if pid == "ev" else "Haval",
                    "owner": "xiaomi" if pid == "ev" else "gwm",
                    "first_pass_yield": draw(st.floats(0.6, 1.0)),
                    "rework_share": draw(st.floats(0, 1)),
                    "shop_yields": {"paint": draw(st.floats(0.7, 1.0))},
                    "demand": {"units_per_month": draw(st.floats(0, 15000)), "cv": 0.1},
                }
                for pid in products
            ],
            "program": {
                "start_date": "2022-01-01",
                "target_launch": "2022-04-30",
                "milestones": [{"id": "go", "duration_days": {"kind": "uniform", "min": 0, "max": 120}}],
            },
            "contract": {"customer": "xiaomi", "policy": draw(st.sampled_from(POLICIES)), "reserved_share": 0.3},
        }
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop_scenarios())
def test_generated_shops_keep_every_invariant(scenario):
    r = sim.run(scenario, replications=2)
    jph = np.array([ln.jph for ln in scenario.all_lines()])[None, :, None]
    available = r.open_hours - r.down_hours
    assert (r.line_built + r.line_scrap <= jph * available + 1e-6).all()
    used = r.busy_hours + r.changeover_hours + r.starved_hours + r.blocked_hours
    assert (used <= available + 1e-6).all()
    assert np.allclose(np.cumsum(r.built + r.lost, axis=2) + r.backlog, np.cumsum(r.demand, axis=2), atol=1e-6)
    # Vehicles never appear from nowhere: the last shop builds at most what the first started.
    first = [i for i, name in enumerate(r.line_names) if ".body." in name]
    started = (r.line_built + r.line_scrap)[:, first].sum(axis=(1, 2))
    finished = r.built.sum(axis=(1, 2)) + r.scrap.sum(axis=(1, 2))  # good or scrapped, in any shop
    assert (finished <= started + 1e-6).all()  # the rest still waits in the buffers
