"""Reading scenario files: YAML with positions, validation, and messages a planner can act on.

Every problem is reported as ``file:line:column: field.path: what is wrong (got X)``, with
the nearest valid key for a misspelt one. The YAML is composed node by node so that each
value keeps the line it came from; pydantic then validates the plain data and its error
locations are mapped back to those lines.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.distributions import Duration
from sim.scenario.scenario import Scenario

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int  # 1-based; 0 when the problem has no position (an empty file)
    column: int
    path: str  # dotted field path, "" for the whole document
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path + ': ' if self.path else ''}{self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), 0, 0, "", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(str(path), 0, 0, "", "is a directory, not a scenario file")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(str(path), 0, 0, "", f"cannot be read ({exc.strerror})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            [Problem(str(path), 0, 0, "", "is not a UTF-8 text file; a scenario is YAML text")]
        ) from None
    return parse(text, str(path))


def parse(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; `source` names it in messages."""
    data, marks = read_yaml(text, source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, data, marks, source)) from None


def read_yaml(text: str, source: str) -> tuple[Any, dict[Loc, tuple[int, int]]]:
    """Plain data from YAML text, with the (line, column) of every value and key by path."""
    if "\x00" in text:
        raise ScenarioError([Problem(source, 0, 0, "", "is a binary file, not YAML text")])
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        0,
                        0,
                        "",
                        "is empty; a scenario needs at least meta, calendar, plant and products sections",
                    )
                ]
            )
        marks: dict[Loc, tuple[int, int]] = {}
        data = _build(loader, node, (), marks, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").replace("\t", "\\t")
        if "\\t" in problem or "'\\t'" in problem:
            problem += " (indent with spaces, not tabs)"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ScenarioError([Problem(source, line, col, "", f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, 0, 0, "", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    source,
                    1,
                    1,
                    "",
                    "the top level must be a mapping of sections (meta:, calendar:, plant:, products:, ...)",
                )
            ]
        )
    return data, marks


def _build(loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, marks: dict, source: str) -> Any:
    marks.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                key = str(key)
            key = str(key) if not isinstance(key, str) else key
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in out:
                raise ScenarioError(
                    [
                        Problem(
                            source,
                            *where,
                            _dotted((*loc, key)),
                            "duplicate key; each key may appear once in a mapping",
                        )
                    ]
                )
            marks[(*loc, key, "<key>")] = where
            out[key] = _build(loader, value_node, (*loc, key), marks, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*loc, i), marks, source) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # a scalar YAML types but cannot build, such as 2022-13-03
        line, col = marks[loc]
        raise ScenarioError(
            [Problem(source, line, col, _dotted(loc), f"'{node.value}' is not valid ({exc})")]
        ) from None


def _problems(exc: ValidationError, data: Any, marks: dict, source: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = _data_loc(data, tuple(err["loc"]))
        if err["type"] == "cross_field":
            loc = _data_loc(data, loc + tuple(err["ctx"]["path"]))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1], data)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            message = f"unknown field '{loc[-1]}'" + (f"; did you mean '{close[0]}'?" if close else ".")
            message += f" Expected one of: {', '.join(allowed)}."
            line, col = marks.get((*loc, "<key>"), marks.get(loc, (0, 0)))
        else:
            line, col = _nearest_mark(marks, loc)
            if err["type"] == "missing":
                message = f"missing required field '{loc[-1]}'" if loc else "missing required field"
                line, col = marks.get((*loc[:-1], "<key>"), (line, col))  # point at the section's key
            elif err["type"] == "string_pattern_mismatch":
                pattern = err["ctx"]["pattern"]
                message = f"should be {_PATTERNS.get(pattern, 'text matching ' + pattern)}"
            if err["type"] not in ("cross_field", "missing") and not isinstance(err.get("input"), dict | list):
                message += f" (got {_show(err.get('input'))})"
        problems.append(Problem(source, line, col, _dotted(loc), message))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _data_loc(data: Any, loc: Loc) -> Loc:
    """Drop the parts of a pydantic location that are not in the data (union tags, validator names)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in _TAGS:
            # A missing or extra key: keep it (it is the point of the error) and stop descending.
            node = None
        else:
            continue
        out.append(part)
    return tuple(out)


_PATTERNS = {
    r"^\d{4}-(0[1-9]|1[0-2])$": "a month written YYYY-MM (for example 2023-07)",
    r"^[a-z][a-z0-9_]*$": "an id of lower-case letters, digits and _ that starts with a letter (for example ga1)",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": "a name of letters, digits, '.', '_' and '-' without spaces",
}

#: Parts of pydantic's error locations that name a union member, not a key of the data.
_TAGS = {
    *(typing.get_args(cls.model_fields["kind"].annotation)[0] for cls in typing.get_args(typing.get_args(Duration)[0])),
    "function-after",
    "function-before",
}


def _nearest_mark(marks: dict, loc: Loc) -> tuple[int, int]:
    """The position of `loc`, or of its closest ancestor present in the file."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return (0, 0)


def _allowed_keys(loc: Loc, data: Any) -> list[str]:
    """Field names of the section model found at `loc` (its data path)."""
    model: Any = Scenario
    for part in loc:
        data = data[part] if isinstance(data, dict | list) else None
        model = _inner(model, data)
        if isinstance(part, int):
            continue
        if isinstance(model, type) and issubclass(model, BaseModel) and part in model.model_fields:
            model = model.model_fields[part].annotation
        else:
            return []
    model = _inner(model, data)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _inner(tp: Any, data: Any = None) -> Any:
    """Unwrap Optional, list[...] and Annotated down to a model class when there is one.

    A union of several models (the distribution kinds) is resolved by the data's ``kind``.
    """
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (list, dict):
            tp = typing.get_args(tp)[-1]
        elif (
            origin in (typing.Union, types.UnionType)
            and len(args := [a for a in typing.get_args(tp) if a is not type(None)]) == 1
        ):
            tp = args[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            kind = data.get("kind") if isinstance(data, dict) else None
            tagged = [
                m
                for m in models
                if "kind" in m.model_fields and kind in typing.get_args(m.model_fields["kind"].annotation)
            ]
            models = tagged or models
            if len(models) != 1:
                return tp
            tp = models[0]
        else:
            return tp


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
