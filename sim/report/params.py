"""Swept parameters as a planner reads them: readable labels and one format per parameter.

A sweep names its parameters by dotted paths (``contract.reserved_share``) and keeps their values
as the text they were given in (``8000.0`` at one point, ``6000`` at another). Reports show the
path's last field in words (``Reserved share``, ``Kits per week``, ``Fee (RMB per unit)``), after the
section or the list item it belongs to when that is needed to tell it apart (a product's id for
``products.0.demand.units_per_month``); and every value of one parameter in one format: numbers
with the same number of decimals and thousands separators, dates and text as given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sim.scenario import Scenario

#: Words written in capitals or spelled out in labels.
WORDS = {"rmb": "RMB", "jph": "JPH", "sop": "SOP", "id": "id", "cv": "CV", "oee": "OEE"}


def label(path: str, scenario: Scenario | None = None) -> str:
    """A readable label of the dotted `path`: 'Reserved share', 'Fee (RMB per unit)',
    'Units per month (product xiaomi_ev, demand)'; list items are named by their id or name
    when `scenario` is given."""
    parts = path.split(".")
    field = _words(parts[-1])
    context = []
    node: Any = scenario.model_dump(mode="json") if scenario is not None else None
    for i, part in enumerate(parts[:-1]):
        if part.isdigit():
            item = node[int(part)] if isinstance(node, list) and int(part) < len(node) else None
            name = item.get("id") or item.get("name") if isinstance(item, dict) else None
            section = parts[i - 1].removesuffix("s") if i else "item"
            context[-1:] = [f"{section} {name or part}"]
        else:
            context.append(part.replace("_", " "))
        node = _child(node, part)
    if context and context[0] in ("contract", "program", "meta") and len(context) == 1:
        context = []  # one section only: the field's name says enough
    return f"{field} ({', '.join(context)})" if context else field


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _words(name: str) -> str:
    """`fee_rmb_per_unit` -> 'Fee (RMB per unit)'; `kits_per_week` -> 'Kits per week'."""
    words = [WORDS.get(w, w) for w in name.split("_")]
    unit = ""
    if "RMB" in words and words.index("RMB") > 0:  # money: its unit in brackets
        unit = " (" + " ".join(words[words.index("RMB") :]) + ")"
        words = words[: words.index("RMB")]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + unit


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def formatted(values: Sequence[str]) -> dict[str, str]:
    """Each of one parameter's value texts -> how a report shows it: when all are numbers, with
    the same decimals (the fewest that show each exactly, at most 6) and thousands separators;
    otherwise as given."""
    texts = list(dict.fromkeys(values))
    if not texts or not all(_NUMBER.match(t.strip()) for t in texts):
        return {t: t for t in texts}
    numbers = [float(t) for t in texts]
    decimals = max(_decimals(x) for x in numbers)
    return {t: f"{x:,.{decimals}f}" for t, x in zip(texts, numbers, strict=True)}


def _decimals(x: float) -> int:
    for d in range(7):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            return d
    return 6
