"""What every replication of a scenario shares, computed once per run: the plants' calendars,
the horizon's months, the demand forecast and the chip deliveries.

None of it is random: a replication's randomness comes only from its streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model import chips
from sim.model import demand as demand_model
from sim.model.calendar import HOURS_PER_DAY, Calendar, Month
from sim.scenario import Scenario


@dataclass(frozen=True)
class Setup:
    """The fixed inputs of one scenario's replications."""

    calendars: list[Calendar]  # one per plant: open whenever one of its lines may work
    months: list[Month]
    forecast: np.ndarray  # (product, month) vehicles
    month_open_hours: np.ndarray  # (plant, month)
    deliveries: list[tuple[float, float]]  # (clock hour, kits) of every chip delivery
    varies: list[bool]  # per plant: whether its lines change their own shift patterns
    # What `worktime` computes once per run: a line's shifts by its changes in force, and the
    # working time of a line no milestone moves.
    shifts: dict[tuple, object] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario, built: dict[str, Calendar] | None = None) -> Setup:
        """`scenario`'s set-up; `built` keeps the calendars built, by what they are built from, to
        share with other scenarios' set-ups (a replication's counterfactuals have the same plants)."""
        start, end = scenario.meta.start_date, scenario.meta.end_date
        # A line's own shift changes may come from a milestone's day: its plant is open whenever
        # the line may work, with each prefix of its changes from the earliest day they may hold.
        # A line's overtime pattern goes on top of each of them.
        variants = [
            [
                ([(c.first_day or start, c) for c in line.shift_changes[:n]], then)
                for line in p.all_lines()
                for then in ([None, line.overtime] if line.overtime else [None])
                for n in range(0 if then else 1, len(line.shift_changes) + 1)
            ]
            for p in scenario.plants
        ]
        built = {} if built is None else built  # plants with the same calendar share it (a network of copies)
        calendars = []
        for p, v in zip(scenario.plants, variants, strict=True):
            key = f"{start} {end} {p.calendar.model_dump_json()} {v!r}"
            if key not in built:
                built[key] = Calendar(p.calendar, start, end, variants=v)
            calendars.append(built[key])
        months = calendars[0].months
        supply = scenario.supply.chips if scenario.supply else None
        return cls(
            calendars=calendars,
            months=months,
            forecast=np.array([demand_model.monthly(p.demand, months) for p in scenario.products]).reshape(
                len(scenario.products), len(months)
            ),  # (product, month), even with no product (a counterfactual without the customer's)
            month_open_hours=np.array([[c.open_hours(m.start_hour, m.end_hour) for m in months] for c in calendars]),
            deliveries=[(d * HOURS_PER_DAY, k) for d, k in chips.arrivals(supply, start, end)] if supply else [],
            varies=[bool(v) for v in variants],
        )
