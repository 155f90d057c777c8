"""The observer the model reports to: one flat record per thing that happened.

A record is (time in hours, kind, where, what, quantity): `where` is a dotted name
(plant.line), `what` a product or milestone id, `quantity` vehicles or hours by kind.
Kinds written by the model:
- ``open``: a line's open hours in a batch (quantity hours, time = batch start);
- ``busy``: hours of them spent building (quantity hours);
- ``built``: vehicles of a product built on a line in a batch;
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

    def __call__(self, time: float, kind: str, where: str, what: str, quantity: float) -> None:
        self.records.append(Record(time, kind, where, what, quantity))
