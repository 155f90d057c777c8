"""The owner's priority rule: how its own products share the hours its side of a line gets.

The contract's policy splits a line's hours between the owner and the customer; the owner then
serves its products in levels, each level in turn until its open demand is met, the products of
a level clearing the same share of theirs (equal fill). `PRIORITIES` is the one registry: the
scenario's `owner_priority.rule` choices are its keys. A rule gives each product its level
(0 first); only the owner's products' levels are used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: (margins, brands, ids, order) -> level of each product (0 is served first)
Rule = Callable[[Sequence[float], Sequence[str], Sequence[str], Sequence[str]], list[int]]

PRIORITIES: dict[str, Rule] = {
    # Every product one level: each clears the same share of its open demand.
    "equal_fill": lambda margins, brands, ids, order: [0] * len(ids),
    # Higher margin per vehicle first; equal margins share a level.
    "by_margin": lambda margins, brands, ids, order: [sorted(set(margins), reverse=True).index(m) for m in margins],
    # The listed products or brands in the order given; whatever is not listed comes last.
    "listed": lambda margins, brands, ids, order: [
        next((k for k, name in enumerate(order) if name in (i, b)), len(order))
        for i, b in zip(ids, brands, strict=True)
    ],
}


def levels(
    rule: str, margins: Sequence[float], brands: Sequence[str], ids: Sequence[str], order: Sequence[str]
) -> list[int]:
    """Each product's level under `rule` (0 is served first)."""
    return PRIORITIES[rule](margins, brands, ids, order)
