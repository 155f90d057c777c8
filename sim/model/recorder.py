"""The observer the model reports to: one flat record per thing that happened.

A record is (time in hours, kind, where, what, quantity): `where` is a dotted name
(plant.line), `what` a product or milestone id, `quantity` vehicles or hours by kind.
Kinds written by the model:
- ``open``: a line's open hours in a batch (quantity hours, time = batch start);
- ``busy``: hours of them spent building (quantity hours);
- ``built``: good vehicles of a product built on a line in a batch;
- ``scrap``: vehicles of a product scrapped on a line (vehicles started = built + scrapped);
- ``changeover``: hours a line lost changing over, charged to the product changed to;
- ``down``: open hours a line lost to breakdowns in a batch;
- ``through``: vehicles of a product through a line of a shop before the last one;
- ``starved``, ``blocked``: up hours a line of shops in series stood idle for want of input
  or of buffer space;
- ``lost``: demand of a product lost after waiting too long;
- ``kits``: chip kits delivered;
- ``demand``: vehicles of a product released as demand;
- ``milestone``: a launch milestone (time = start, quantity = duration in hours);
- ``sop``: start of production of the contract products.
The model never aggregates; tables and KPIs are derived from these records.
"""

from __future__ import annotations

from typing import NamedTuple


class Record(NamedTuple):
    time: float
    kind: str
    where: str
    what: str
    quantity: float


class Recorder:
    """Keeps every record in memory, in the order they happened."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def __call__(self, *record: object) -> None:
        """Keep one record: (time, kind, where, what, quantity), as a plain tuple (the hot path)."""
        self.records.append(record)  # type: ignore[arg-type]

    def named(self) -> list[Record]:
        """The records with named fields."""
        return [Record(*r) for r in self.records]
