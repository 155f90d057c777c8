"""Command-line overrides: ``--set dotted.path=value`` applied to a scenario's data before validation.

The path walks the scenario as it is written: keys of mappings, and items of lists either by
index (``plants.0.lines.1.jph`` or ``plants[0].lines[1].jph``) or by their ``id`` (``name`` for
plants): ``products.xiaomi_ev.demand.cv=0.2``. The value is YAML, so ``0.3``, ``2023-12-31``,
``[a, b]`` and ``{kind: fixed, value: 3}`` mean what they would in the file. A value replaces
what was there, mappings included. Sections the file leaves out are created on the way
(``contract.reserved_share=0.3`` in a scenario without a contract) when the model has them.

Overrides are checked exactly like the file: a key the model does not have gets the loader's
"did you mean", and the overridden value is validated with the rest, its problems reported
as ``--set products.xiaomi_ev.demand.cv: ...`` instead of a file and line.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable
from typing import Any

import yaml
from pydantic import BaseModel

from sim.scenario.loader import (
    SET,
    Loc,
    Marks,
    Problem,
    ScenarioError,
    _get,
    _inner,
    _show,
    build_yaml,
    model_at,
    unknown_field,
)

#: One part of a dotted path: ``.key``, ``key`` at the start, or ``[index]``.
_PART = re.compile(r"(?P<dot>^|\.)(?P<key>[^.\[\]]+)|\[(?P<item>[^\[\]]+)\]")
_EXAMPLE = "for example contract.reserved_share=0.3 or products.xiaomi_ev.demand.cv=0.2"


class _Bad(Exception):
    """An override that cannot be applied: where (as the user spelt it) and why."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message


def apply_overrides(data: dict, marks: Marks, options: Iterable[str]) -> None:
    """Apply ``dotted.path=value`` `options` in order to scenario `data`, in place.

    Each overridden value is marked as written by ``--set`` (its path as spelt, for messages).
    Raises `ScenarioError` listing every option that is malformed or names no place in the model.
    """
    problems = []
    for option in options:
        try:
            parts, value = _parse_option(option)
            _set(data, marks, parts, value)
        except _Bad as bad:
            problems.append(Problem(SET, 0, 0, bad.path, bad.message))
    if problems:
        raise ScenarioError(problems)


def _parse_option(option: str) -> tuple[list[tuple[str, str]], Any]:
    """The path parts of ``path=value`` as (key, as spelt) pairs, and the value read as YAML."""
    path, eq, text = option.partition("=")
    path = path.strip()
    if not eq or not path:
        raise _Bad("", f"'{option}' should be dotted.path=value ({_EXAMPLE})")
    parts = [(m["key"] or m["item"], m[0]) for m in _PART.finditer(path)]
    if "".join(spelt for _, spelt in parts) != path:
        raise _Bad(
            "",
            f"'{option}': '{path}' is not a dotted path of keys, indices and ids (for example plants[0].lines[1].jph)",
        )
    return [(key.strip(), spelt) for key, spelt in parts], _value(text.strip(), path)


def _value(text: str, path: str) -> Any:
    """`text` read as a YAML value, as the file would read it (a date is a date, keys are strings)."""
    try:
        built = build_yaml(text, SET)
        return None if built is None else built[0]
    except yaml.MarkedYAMLError as exc:
        raise _Bad(path, f"'{text}' is not a valid YAML value ({exc.problem})") from None
    except yaml.YAMLError as exc:
        raise _Bad(path, f"'{text}' is not a valid YAML value ({exc})") from None
    except ScenarioError as exc:
        raise _Bad(path, exc.problems[0].message) from None


def _set(data: dict, marks: Marks, parts: list[tuple[str, str]], value: Any) -> None:
    """Put `value` at the path `parts`, creating the missing sections on the way, and mark it."""
    node: Any = data
    loc: Loc = ()
    root: tuple[Loc, str] | None = None  # the first place written: everything below it comes from --set
    for n, (key, _) in enumerate(parts):
        spelt = "".join(s for _, s in parts[: n + 1])
        last = n == len(parts) - 1
        if isinstance(node, list):
            index = _index(node, key, spelt)
            loc = (*loc, index)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if key not in node:
                _check_new_key(data, loc, key, spelt, last)
            loc = (*loc, key)
            if last:
                node[key] = value
            elif key not in node or node[key] is None:
                node[key] = {}
                root = root or (loc, spelt)
            node = node[key]
        else:
            above = "".join(s for _, s in parts[:n])
            raise _Bad(spelt, f"{above} is a value ({_show(node)}), not a section with '{key}'")
        if last:
            root = root or (loc, spelt)
    assert root is not None
    at, spelt = root
    for old in [k for k in marks if k[: len(at)] == at]:
        del marks[old]
    marks[at] = (SET, 0, 0)
    marks[(*at, "<set>")] = (spelt, 0, 0)
    if isinstance(at[-1], str):
        marks[(*at, "<key>")] = (SET, 0, 0)


def _index(items: list, key: str, spelt: str) -> int:
    """The position in `items` that path part `key` names: an index, or the id (name) of an item."""
    if not items:
        raise _Bad(spelt, f"the list is empty, it has no item '{key}'; set the whole list instead")
    span = f"an index from 0 to {len(items) - 1}"
    if re.fullmatch(r"\d+", key):
        if int(key) < len(items):
            return int(key)
        raise _Bad(spelt, f"index {key} is out of range; expected {span}")
    field = "id" if any(isinstance(item, dict) and "id" in item for item in items) else "name"
    known = [item.get(field) for item in items if isinstance(item, dict) and isinstance(item.get(field), str)]
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get(field) == key:
            return i
    if not known:
        raise _Bad(spelt, f"'{key}' is not an index of this list; expected {span}")
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    guess = f"; did you mean '{close[0]}'?" if close else "."
    raise _Bad(spelt, f"no item with {field} '{key}'{guess} Expected one of: {', '.join(known)} (or {span}).")


def _check_new_key(data: dict, loc: Loc, key: str, spelt: str, last: bool) -> None:
    """Refuse a key the model does not have at `loc`, and descending through a list not in the file."""
    model = _inner(model_at(loc, data), _get(data, loc), containers=False)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return  # a free mapping (units_by_month) or a union the data does not resolve: validation will tell
    if key not in model.model_fields:
        raise _Bad(spelt, unknown_field(key, list(model.model_fields)))
    field = _inner(model.model_fields[key].annotation, containers=False)
    if not last and typing.get_origin(field) is list:
        raise _Bad(spelt, f"the scenario has no {key} to pick an item from; set the whole list: {spelt}=[...]")
