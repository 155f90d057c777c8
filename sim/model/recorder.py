"""The observer the model reports to: one flat record per thing that happened.

A record is (time in hours, kind, where, what, quantity): `where` is a dotted name
(plant.line or plant.shop.line), `what` a product or milestone id, `quantity` vehicles or
hours by kind. The model never aggregates; tables and KPIs are derived from these records.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """What a record says happened (its quantity's unit in brackets)."""

    OPEN = "open"  # a line's working hours in a batch: its plant's open hours it works [h] (time = batch start)
    BUSY = "busy"  # hours of them spent building, rework passes included [h]
    BUILT = "built"  # good vehicles of a product leaving a line of the last shop [vehicles]
    SCRAP = "scrap"  # vehicles of a product scrapped on a line [vehicles]
    CHANGEOVER = "changeover"  # hours a line lost changing over, charged to the product changed to [h]
    DOWN = "down"  # open hours a line lost to breakdowns [h]
    OVERTIME = "overtime"  # hours a line worked as overtime (counted in its open hours) [h]
    CLOSED = "closed"  # working hours a launch milestone took from a line (tooling, pilot builds) [h]
    THROUGH = "through"  # good vehicles of a product through a line of a shop before the last [vehicles]
    STARVED = "starved"  # up hours a line of shops in series stood idle for want of input [h]
    BLOCKED = "blocked"  # up hours it stood idle for want of buffer space [h]
    LOST = "lost"  # demand of a product lost after waiting too long [vehicles]
    KITS = "kits"  # chip kits delivered [kits]
    DEMAND = "demand"  # vehicles of a product released as demand [vehicles]
    MILESTONE = "milestone"  # a launch milestone (time = start) [h of duration]
    SOP = "sop"  # start of production of the contract products [0]
    RESERVED = "reserved"  # good vehicles the customer's reserve promises on a last-shop line [vehicles]


class Record(NamedTuple):
    time: float
    kind: Kind
    where: str
    what: str
    quantity: float


#: Where the model sends each record: a callable taking one (time, kind, where, what, quantity) tuple.
Sink = Callable[[tuple[float, Kind, str, str, float]], None]


class Recorder(list):
    """Keeps every record in memory, in the order they happened: a list of record tuples that
    is also a sink (calling it appends one). The model reports thousands of records a
    replication: the hot path hands it the bound `append` instead, which skips the call slot."""

    __call__ = list.append

    @property
    def records(self) -> list[tuple[float, Kind, str, str, float]]:
        """The records as plain tuples."""
        return self

    def named(self) -> list[Record]:
        """The records with named fields."""
        return [Record(*r) for r in self]
