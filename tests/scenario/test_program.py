"""The program section's milestone network: its order and the cycles it refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.scenario.program import Program

FIXED = {"kind": "fixed", "value": 10}


def program(after: dict[str, list[str]]) -> Program:
    milestones = [{"id": m, "after": deps, "duration_days": FIXED} for m, deps in after.items()]
    return Program.model_validate({"start_date": "2022-01-03", "target_launch": "2022-06-30", "milestones": milestones})


def test_order_puts_every_milestone_after_its_predecessors():
    p = program({"approval": ["tooling", "plant"], "plant": ["design"], "tooling": ["design"], "design": []})
    order = [m.id for m in p.order()]
    assert sorted(order) == ["approval", "design", "plant", "tooling"]
    for m in p.milestones:
        assert all(order.index(dep) < order.index(m.id) for dep in m.after)


@pytest.mark.parametrize(
    ("after", "where", "cycle"),
    [
        # b comes after a, c after b, a after c: read along `after` from the first-listed milestone.
        ({"x": [], "a": ["c"], "b": ["a"], "c": ["b"]}, 1, "a -> c -> b -> a"),
        ({"c": ["b"], "b": ["a"], "a": ["c"]}, 0, "c -> b -> a -> c"),
        ({"a": [], "b": ["b"]}, 1, "b -> b"),
    ],
)
def test_a_cycle_is_named_along_after_from_its_first_listed_milestone(after, where, cycle):
    with pytest.raises(ValidationError) as info:
        program(after)
    (error,) = info.value.errors()
    assert error["ctx"]["path"] == ("milestones", where, "after")
    assert error["msg"].endswith(f"milestone dependencies form a cycle: {cycle}")
