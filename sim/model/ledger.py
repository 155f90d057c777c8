"""The ledger: books what a line did in a batch as records, and takes built vehicles off
their product's open demand.

Every quantity the model reports passes through here, as one flat record per thing that
happened in a batch (time = the batch's start). A product's good vehicles leaving the last
shop serve its oldest open demand first.
"""

from __future__ import annotations

from sim.model.backlog import Backlog
from sim.model.recorder import Kind, Sink
from sim.model.state import Line

# The kinds booked in the hot path, read once: an enum member's lookup costs ten times a global's.
OPEN, DOWN, BUILT, THROUGH, SCRAP, CHANGEOVER = (
    Kind.OPEN,
    Kind.DOWN,
    Kind.BUILT,
    Kind.THROUGH,
    Kind.SCRAP,
    Kind.CHANGEOVER,
)
BUSY, STARVED, BLOCKED, CLOSED = Kind.BUSY, Kind.STARVED, Kind.BLOCKED, Kind.CLOSED


class Ledger:
    """Records of one replication, and each product's open demand."""

    losses = True  # whether `built` books scrap and changeover hours too

    def __init__(self, record: Sink, products: list[str], backlog: list[Backlog]):
        self.record = record
        self.products = products  # ids, by index
        self.backlog = backlog

    def hours(self, line: Line, t0: float, open_h: float, down: float) -> None:
        """Book the line's open hours and the `down` hours in them."""
        self.record((t0, OPEN, line.name, "", open_h))
        if down:
            self.record((t0, DOWN, line.name, "", down))

    def claimed(self, line: Line, t0: float, o0: float, o1: float) -> None:
        """Book the working hours launch milestones took from the line between open hours o0 and o1."""
        for taken, milestone in line.claims:
            hours = taken.until(o1) - taken.until(o0)
            if hours > 0:
                self.record((t0, CLOSED, line.name, milestone, hours))

    def built(self, line: Line, i: int, started: float, changeover: float, good: float, t0: float) -> None:
        """`started` vehicles of product i through a line of the last shop, `good` of each of
        them good; `changeover` hours carried per vehicle. Its good vehicles serve the
        product's oldest open demand."""
        backlog = self.backlog[i]
        made = started * good
        if backlog.total <= made * (1 + 1e-12):  # the whole open demand was met: clear it exactly
            made = backlog.total
        backlog.take(made)
        pid, name, record = self.products[i], line.name, self.record
        record((t0, BUILT, name, pid, made))
        if not self.losses:
            return
        # (the losses written out here, not in `_losses`: this is the model's most frequent call)
        if started - made > 1e-12:
            record((t0, SCRAP, name, pid, started - made))
        if changeover:
            record((t0, CHANGEOVER, name, pid, started * changeover))

    def through(self, line: Line, i: int, started: float, changeover: float, good: float, t0: float) -> None:
        """`started` vehicles of product i through a line of a shop before the last."""
        pid = self.products[i]
        self.record((t0, THROUGH, line.name, pid, started * good))
        self._losses(line, pid, started, started * (1 - good), changeover, t0)

    def _losses(self, line: Line, pid: str, started: float, scrap: float, changeover: float, t0: float) -> None:
        if scrap > 1e-12:
            self.record((t0, SCRAP, line.name, pid, scrap))
        if changeover:
            self.record((t0, CHANGEOVER, line.name, pid, started * changeover))

    def idle(self, line: Line, busy: float, starved: float, blocked: float, t0: float) -> None:
        """Book how the line's up hours went: building, starved of input, blocked by a full lane."""
        if busy:
            self.record((t0, BUSY, line.name, "", busy))
        if starved > 1e-9:
            self.record((t0, STARVED, line.name, "", starved))
        if blocked > 1e-9:
            self.record((t0, BLOCKED, line.name, "", blocked))


class BuiltOnly(Ledger):
    """The ledger of a counterfactual's run, read only for the vehicles it builds (and the
    overtime the model books itself): it books the vehicles built, serving open demand as
    every ledger does, and nothing else (hours, losses, a shop's throughput)."""

    losses = False

    def hours(self, line: Line, t0: float, open_h: float, down: float) -> None:
        pass

    def claimed(self, line: Line, t0: float, o0: float, o1: float) -> None:
        pass

    def through(self, line: Line, i: int, started: float, changeover: float, good: float, t0: float) -> None:
        pass

    def idle(self, line: Line, busy: float, starved: float, blocked: float, t0: float) -> None:
        pass
