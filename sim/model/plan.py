"""A line's plan for one batch: how its available hours are split among its products.

The contract's policy splits the hours between the owner's side and the customer's by the
line-hours each side needs to clear its open demand; within a side every product clears the
same share of what it wants. When the line builds more than one product family in the batch,
the campaigns of every family but the month's major one (the family with the most open
demand in line hours at the month's start) are slotted into the major one's run, each
costing a changeover in and one back, so their vehicles carry `2 x changeover_hours /
campaign_units` hours each. The major family is the month's, not the batch's, so that how
often the model books cannot change it. The owner's side may serve its products in priority
levels (the owner's priority rule): each level in turn, equal fill within it. The plan is pure arithmetic: booking it is the ledger's business.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.model.policy import Split
from sim.model.state import Line


class Want(NamedTuple):
    """What a product asks of a line in a batch."""

    product: int
    vehicles: float  # vehicles to start
    each: float  # line hours per vehicle started (rework passes included), before changeovers
    good: float  # share of the vehicles started that end good here


class Item(NamedTuple):
    """A product's part of a line's plan."""

    product: int
    started: float  # vehicles started
    each: float  # line hours per vehicle started, changeover included
    changeover: float  # changeover hours per vehicle started
    good: float  # share of the vehicles started that end good here


def plan(
    line: Line,
    hours: float,
    wants: list[Want],
    split: Split,
    reserve: float,
    customer: list[bool],
    major: str | None = None,
    level: list[int] | None = None,
) -> list[Item]:
    """The products' parts of `hours` available line hours under the policy `split`.

    `reserve` is the customer's reserved share of the hours; `customer` flags each product;
    `major` is the family whose run the others' campaigns are slotted into; `level` gives each
    product its priority on the owner's side (None: one level, equal fill).
    """
    if not wants:
        return []
    # The hot path of the batch model: plain loops, and no changeover terms unless families mix.
    switch = None
    if line.changeover:
        families = line.families
        first = families[wants[0].product]
        for w in wants:
            if families[w.product] != first:  # families mix
                switch = [2 * line.changeover if families[w.product] != major else 0.0 for w in wants]
                break
    # (wants unpacked: a named tuple's field costs a lookup each)
    need_o = need_c = 0.0
    if switch is None:  # (x + 0.0 is x: the same sums as with zero changeover terms)
        for i, vehicles, each, _ in wants:
            if customer[i]:
                need_c += vehicles * each
            else:
                need_o += vehicles * each
    else:
        for (i, vehicles, each, _), extra in zip(wants, switch, strict=True):
            if customer[i]:
                need_c += vehicles * (each + extra)
            else:
                need_o += vehicles * (each + extra)
    h_o, h_c = split(hours, need_o, need_c, reserve)
    # (the conditionals are min(share, 1.0) without a builtin's call)
    fill_o = (1.0 if (f := h_o / need_o) > 1.0 else f) if need_o else 0.0
    fill_c = (1.0 if (f := h_c / need_c) > 1.0 else f) if need_c else 0.0
    fills = None
    if level is not None and 0 < fill_o < 1:
        fills = _levels(wants, switch or [0.0] * len(wants), customer, level, h_o)
    out = []
    for k, (i, vehicles, each, good) in enumerate(wants):
        fill = fill_c if customer[i] else (fill_o if fills is None else fills[k])
        if fill > 0:
            extra = switch[k] if switch is not None else 0.0
            # tuple.__new__ skips the named tuple's Python-level constructor (a third of this loop)
            out.append(_new(Item, (i, vehicles * fill, each + extra, extra, good)))
    return out


_new = tuple.__new__


def _levels(
    wants: list[Want], switch: list[float], customer: list[bool], level: list[int], hours: float
) -> list[float]:
    """The fill of each owner want when the owner's `hours` serve its levels in turn."""
    need: dict[int, float] = {}
    for w, extra in zip(wants, switch, strict=True):
        if not customer[w.product]:
            need[level[w.product]] = need.get(level[w.product], 0.0) + w.vehicles * (w.each + extra)
    fill: dict[int, float] = {}
    for lv in sorted(need):
        given = min(hours, need[lv])
        fill[lv] = given / need[lv] if need[lv] else 0.0
        hours -= given
    return [0.0 if customer[w.product] else fill[level[w.product]] for w in wants]


def major_family(line: Line, wants: list[Want]) -> str | None:
    """The family with the most hours wanted (ties: the last name), or None if none is wanted."""
    volume: dict[str, float] = {}
    for w in wants:
        family = line.families[w.product]
        volume[family] = volume.get(family, 0.0) + w.vehicles * w.each
    return max(volume, key=lambda f: (volume[f], f)) if volume else None
