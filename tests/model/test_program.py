import numpy as np
import pytest

from sim.model import program
from sim.scenario.program import Program


def network(assist: float = 1.0) -> Program:
    fixed = lambda d: {"kind": "fixed", "value": d}  # noqa: E731
    return Program.model_validate(
        {
            "start_date": "2021-04-01",
            "target_launch": "2023-12-31",
            "engineering_assist": assist,
            "milestones": [
                {"id": "design", "duration_days": fixed(10)},
                {"id": "tooling", "after": ["design"], "duration_days": fixed(5)},
                {"id": "plant", "after": ["design"], "duration_days": fixed(7)},
                {"id": "approval", "after": ["tooling", "plant"], "duration_days": fixed(3), "assisted": False},
            ],
        }
    )


def test_schedule_follows_the_critical_path():
    p = network()
    plan = program.schedule(p, program.draw(p, np.random.default_rng(0)))
    assert plan.start_days == {"design": 0, "tooling": 10, "plant": 10, "approval": 17}
    assert plan.sop_days == 20  # design 10 + plant 7 + approval 3


def test_engineering_assist_shortens_only_assisted_milestones():
    p = network(assist=0.5)
    plan = program.schedule(p, program.draw(p, np.random.default_rng(0)))
    assert plan.sop_days == 5 + 3.5 + 3


def test_assist_scales_the_same_draws():
    # Common random numbers: the assisted program's durations are the unassisted ones times the factor.
    data = network().model_dump()
    for m in data["milestones"]:
        m["duration_days"] = {"kind": "triangular", "min": 10, "mode": 20, "max": 40}
    slow = Program.model_validate(data)
    fast = Program.model_validate(data | {"engineering_assist": 0.8})
    a = program.draw(slow, np.random.default_rng(3))
    b = program.draw(fast, np.random.default_rng(3))
    for m in slow.milestones:
        assert b[m.id] == pytest.approx(a[m.id] * (0.8 if m.assisted else 1.0))


def test_sop_is_the_latest_finish_not_the_last_listed_milestone():
    # a 10 days, then b 30 and c 5 in parallel: c is listed last but b finishes last, at 40.
    p = Program.model_validate(
        {
            "start_date": "2021-04-01",
            "target_launch": "2023-12-31",
            "milestones": [
                {"id": "a", "duration_days": {"kind": "fixed", "value": 10}},
                {"id": "b", "after": ["a"], "duration_days": {"kind": "fixed", "value": 30}},
                {"id": "c", "after": ["a"], "duration_days": {"kind": "fixed", "value": 5}},
            ],
        }
    )
    plan = program.schedule(p, program.draw(p, np.random.default_rng(0)))
    assert plan.finish_days == {"a": 10, "b": 40, "c": 15}
    assert plan.sop_days == 40
