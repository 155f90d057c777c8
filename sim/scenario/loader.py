"""Reading scenario files: YAML with positions, validation, and messages a planner can act on.

Every problem is reported as ``file:line:column: field.path: what is wrong (got X)``, with
the nearest valid key for a misspelt one. The YAML is composed node by node so that each
value keeps the file and line it came from; pydantic then validates the plain data and its
error locations are mapped back to those lines. libyaml parses the text where PyYAML has it
(the start-up of `sim validate`), PyYAML's Python parser wherever the two might read it
otherwise: the data, positions and messages are always those of PyYAML's.

A scenario may build on another: a top-level ``extends: baseline.yaml`` (relative to the
file's folder; chains allowed, cycles refused) deep-merges the file over its parent, mapping
by mapping, while lists and scalars replace. Each value keeps the file and line it came from,
so an error in an inherited value names the parent file. ``extends`` is consumed here and is
not a field of the `Scenario` model, so the JSON Schema does not list it. Command-line
``--set dotted.path=value`` overrides (`sim.scenario.overrides`) apply after the merge.
The parent may be named by a relative path (from the child's folder, ``../`` allowed) or an
absolute one, but must be a regular ``.yaml`` or ``.yml`` file.

Hostile or broken input is refused with a message, never a hang or an exhausted memory: only
regular files are read (a FIFO or a device such as /dev/zero is refused before it is opened),
at most `MAX_FILE_BYTES` of them; the YAML may nest at most `MAX_DEPTH` levels and expand (with
its aliases followed) to at most `MAX_NODES` values, so an "alias bomb" or an alias inside the
node it names is refused before anything is built. Merge keys (``<<: *defaults``) work as in
YAML 1.1: the mapping's own keys win over merged ones; a key written twice is still an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from sim.scenario.distributions import Duration
from sim.scenario.scenario import Scenario

Loc = tuple[str | int, ...]
#: Where a value was written: (file, line, column); ("--set", 0, 0) for a command-line override.
Mark = tuple[str, int, int]
#: Marks by data path. ``(*path, "<key>")`` marks a mapping key itself, and ``(*path, "<set>")``
#: holds (the option's path as spelt, 0, 0) at the root of a value written by ``--set``.
Marks = dict[Loc, Mark]

#: The file name of problems in command-line overrides.
SET = "--set"

#: The largest scenario file read; real ones are a few kilobytes.
MAX_FILE_BYTES = 5_000_000
#: The deepest nesting of mappings and lists in a file or a ``--set`` value; scenarios need under 10.
MAX_DEPTH = 100
#: The most values a file or a ``--set`` value may hold once its aliases are expanded; scenarios
#: hold a few thousand. An alias counts the whole node it names, each time it is used.
MAX_NODES = 100_000
#: The file endings an ``extends:`` target may have.
YAML_SUFFIXES = (".yaml", ".yml")
#: The tag PyYAML gives the merge key ``<<``.
_MERGE = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int  # 1-based; 0 when the problem has no position (an empty file)
    column: int
    path: str  # dotted field path, "" for the whole document
    message: str

    def __str__(self) -> str:
        if self.file == SET and self.path:  # reads like the option: --set contract.reserved_share: ...
            return f"{SET} {self.path}: {self.message}"
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path + ': ' if self.path else ''}{self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file, after its `extends` chain and `overrides` (``dotted.path=value``)."""
    path = Path(path)
    return parse(read_text(path), str(path), overrides)


def parse(text: str, source: str = "<scenario>", overrides: Sequence[str] = ()) -> Scenario:
    """Validate scenario YAML text; `source` names it in messages and is the folder `extends` is relative to."""
    from sim.scenario.overrides import apply_overrides  # it builds on this module's helpers

    if isinstance(overrides, str):
        raise TypeError("overrides is a list of 'dotted.path=value' strings, not one string")
    data, marks = read_extended(text, source)
    apply_overrides(data, marks, overrides)
    return validate(data, marks, source)


def validate(data: Any, marks: Marks, source: str) -> Scenario:
    """The `Scenario` of plain `data`; problems are placed by `marks` (`source` for those without one).
    A study's or a sweep's file given for a scenario is told so, with the command that runs it."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        other = _other_kind(data) if isinstance(data, dict) else None
        if other is not None:
            what, command = other
            key = next(k for k in data if k in _KINDS[other])
            file, line, col = marks.get((key, "<key>"), (source, 0, 0))
            raise ScenarioError(
                [
                    Problem(
                        file, line, col, "", f"this is a {what} file, not a scenario: run it with `{command} {source}`"
                    )
                ]
            ) from None
        raise ScenarioError(_problems(exc, data, marks, source)) from None


#: The files that are not scenarios, by the top-level keys that tell them (a scenario has meta:).
_KINDS: dict[tuple[str, str], frozenset[str]] = {
    ("study", "sim optimize"): frozenset({"decide"}),
    ("sweep", "sim sweep"): frozenset({"scenario", "grid", "sensitivity"}),
}


def _other_kind(keys: Any) -> tuple[str, str] | None:
    """(what, the command that runs it) of a study's or a sweep's top-level `keys`, else None."""
    if "meta" in keys:
        return None
    return next((kind for kind, telling in _KINDS.items() if telling & set(keys)), None)


def read_text(path: Path) -> str:
    """The text of a scenario file, or a `ScenarioError` saying why it cannot be read.

    Only a regular file of at most `MAX_FILE_BYTES` is read. The path is checked with `os.stat`
    before it is opened, and opened without blocking and checked again, so that a FIFO (which
    would wait forever for a writer) or a device such as /dev/zero (which never ends) is refused.
    """

    def refuse(message: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), 0, 0, "", message)])

    try:
        info = os.stat(path)
        _check_regular(path, info.st_mode, info.st_size)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)  # the file opened may not be the one stat saw
            _check_regular(path, info.st_mode, info.st_size)
            with os.fdopen(fd, "rb", closefd=False) as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except NotADirectoryError:
        raise refuse("no such file (a part of the path is not a folder)") from None
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew after the check
        raise refuse(_too_large(len(raw)))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise refuse("is not a UTF-8 text file; a scenario is YAML text") from None


def _check_regular(path: Path, mode: int, size: int) -> None:
    """Refuse anything but a regular file of at most `MAX_FILE_BYTES`."""
    kind = None
    if stat.S_ISDIR(mode):
        kind = "is a directory, not a scenario file"
    elif stat.S_ISFIFO(mode):
        kind = "is a FIFO (named pipe), not a regular file; a scenario must be a regular YAML file"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "is a device, not a regular file; a scenario must be a regular YAML file"
    elif stat.S_ISSOCK(mode):
        kind = "is a socket, not a regular file; a scenario must be a regular YAML file"
    elif not stat.S_ISREG(mode):
        kind = "is not a regular file; a scenario must be a regular YAML file"
    elif size > MAX_FILE_BYTES:
        kind = _too_large(size)
    if kind:
        raise ScenarioError([Problem(str(path), 0, 0, "", kind)])


def _too_large(size: int) -> str:
    return f"is {size / 1e6:.1f} MB; a scenario file may be at most {MAX_FILE_BYTES / 1e6:g} MB"


def top_level_keys(path: str | Path) -> set[str]:
    """The top-level keys of the YAML file at `path`; empty when it cannot be read as a mapping.

    For telling a scenario from a study or sweep file before loading it: the file is read with
    `read_text` and `read_yaml`, so a FIFO, a device, an alias bomb or deep nesting cannot hang
    or exhaust memory here (the loader then reports them), and nothing is ever raised.
    """
    try:
        data, _ = read_yaml(read_text(Path(path)), str(path))
    except ScenarioError:
        return set()
    return set(data)


def read_extended(text: str, source: str, _children: tuple[str, ...] = ()) -> tuple[dict, Marks]:
    """Plain data and marks of scenario text merged over the files it `extends`, transitively.

    `_children` names the files that extend this one, to refuse a cycle.
    """
    data, marks = read_yaml(text, source)
    if "extends" not in data:
        return data, marks
    parent_name = data.pop("extends")
    _, line, col = marks[("extends", "<key>")]
    marks = {loc: mark for loc, mark in marks.items() if loc[:1] != ("extends",)}
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(
            [
                Problem(
                    source,
                    line,
                    col,
                    "extends",
                    f"should be the file name of the scenario this one builds on (got {_show(parent_name)})",
                )
            ]
        )
    chain = (*_children, source)
    parent = os.path.normpath(Path(source).parent / parent_name)  # an absolute name stays as it is
    if not parent.lower().endswith(YAML_SUFFIXES):
        raise ScenarioError(
            [
                Problem(
                    source,
                    line,
                    col,
                    "extends",
                    f"should name a YAML scenario file ending in .yaml or .yml (got {_show(parent_name)})",
                )
            ]
        )
    if os.path.realpath(parent) in {os.path.realpath(name) for name in chain}:
        raise ScenarioError([Problem(source, line, col, "extends", f"extends cycle: {' -> '.join((*chain, parent))}")])
    try:
        parent_text = read_text(Path(parent))
    except ScenarioError as exc:
        reason = exc.problems[0].message
        raise ScenarioError(
            [Problem(source, line, col, "extends", f"cannot read the parent scenario {parent}: {reason}")]
        ) from None
    parent_data, parent_marks = read_extended(parent_text, parent, chain)
    return _merge(parent_data, parent_marks, data, marks)


def _merge(parent: dict, parent_marks: Marks, child: dict, child_marks: Marks) -> tuple[dict, Marks]:
    """`child` deep-merged over `parent`: mappings merge key by key, anything else replaces.

    Marks follow the data: a value the child writes keeps the child's mark (and drops every
    mark the parent had inside it); an inherited one keeps the parent's.
    """
    replaced: set[Loc] = set()

    def merge(old: Any, new: Any, loc: Loc) -> Any:
        if not (isinstance(old, dict) and isinstance(new, dict)):
            replaced.add(loc)
            return new
        out = dict(old)
        for key, value in new.items():
            out[key] = merge(old[key], value, (*loc, key)) if key in old else value
        return out

    data = merge(parent, child, ())
    marks = {
        loc: mark for loc, mark in parent_marks.items() if not any(loc[:n] in replaced for n in range(1, len(loc) + 1))
    }
    marks.update(child_marks)
    return data, marks


def read_yaml(text: str, source: str) -> tuple[dict, Marks]:
    """Plain data from YAML text, with the (file, line, column) of every value and key by path.

    A key's own mark is at ``(*path, "<key>")``.
    """
    if "\x00" in text:
        raise ScenarioError([Problem(source, 0, 0, "", "is a binary file, not YAML text")])
    try:
        built = build_yaml(text, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").replace("\t", "\\t")
        if "\\t" in problem or "'\\t'" in problem:
            problem += " (indent with spaces, not tabs)"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        opened = _open_quote(text, line)
        if opened:
            # YAML notices an unclosed quote only where a later quote closes it: point at the opening.
            problem += f"; a quote opened on line {opened} is never closed there"
            line, col = opened, 1
        raise ScenarioError([Problem(source, line, col, "", f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, 0, 0, "", f"YAML error: {exc}")]) from None
    if built is None:
        raise ScenarioError(
            [
                Problem(
                    source, 0, 0, "", "is empty; a scenario needs at least meta, calendar, plant and products sections"
                )
            ]
        )
    data, marks = built
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


def build_yaml(text: str, source: str) -> tuple[Any, Marks] | None:
    """Plain data and marks of one YAML document (None when it is empty), within the limits.

    The document is composed into a graph of nodes in which an alias is a second reference to
    the node it names; that graph is measured (`_measure`) before any value is built, so an
    alias bomb costs nothing. Raises `ScenarioError` past a limit and `yaml.YAMLError` on
    invalid YAML.

    libyaml's parser (when PyYAML has it) reads the text first, about eight times faster than
    PyYAML's own. Whatever it cannot read is read again by PyYAML's: its result, and the words
    and places of its messages, are the ones reported. So is text where the two are known to
    differ (`_libyaml_differs`, `_FastLoader.compose_node`).
    """
    if _FastLoader is not None and not _libyaml_differs(text):
        try:
            return _compose_and_build(_FastLoader(text, source), source)
        except Exception:  # the reference reader decides, and says why
            pass
    return _compose_and_build(_Loader(text, source), source)


def _compose_and_build(loader: _Loader | _FastLoader, source: str) -> tuple[Any, Marks] | None:
    """`build_yaml` with one reader."""
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node, source)
        marks: Marks = {}
        return _build(loader, node, (), marks, source), marks
    finally:
        loader.dispose()


def _libyaml_differs(text: str) -> bool:
    """Whether libyaml may read `text` otherwise than PyYAML: it takes tabs inside and after plain
    values and a comment right after a block scalar's indicator (``|#``), which PyYAML refuses,
    and it counts a byte-order mark in columns."""
    return "\t" in text or "\ufeff" in text or _COMMENTED_INDICATOR.search(text) is not None


_COMMENTED_INDICATOR = re.compile(r"[|>][-+0-9]*#")


class _Limits(Composer):
    """PyYAML's composer, refusing as it composes more than `MAX_DEPTH` levels or `MAX_NODES` nodes.

    PyYAML composes recursively and without limit: 3,000 nested ``[`` would exhaust the stack.
    """

    source: str
    depth: int
    nodes: int

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self.depth += 1
        self.nodes += 1
        try:
            if self.depth > MAX_DEPTH or self.nodes > MAX_NODES:
                mark = self.peek_event().start_mark
                message = _TOO_DEEP if self.depth > MAX_DEPTH else _TOO_MANY
                raise ScenarioError([Problem(self.source, mark.line + 1, mark.column + 1, "", message)])
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Limits, yaml.SafeLoader):
    """PyYAML's safe loader, all in Python, with the limits: the reference reader."""

    def __init__(self, text: str, source: str):
        yaml.SafeLoader.__init__(self, text)
        self.source, self.depth, self.nodes = source, 0, 0


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _FastLoader(_Limits, CParser, SafeConstructor, Resolver):
        """libyaml's parser feeding the same composer (limits included), constructor and resolver.

        The composer must come before `CParser` in the bases: CParser also composes, in C and
        without the limits."""

        def __init__(self, text: str, source: str):
            CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.source, self.depth, self.nodes = source, 0, 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
            """Give up where libyaml reads a plain value otherwise than PyYAML: it takes a ``?`` inside
            one in a flow collection (``[a?]``), which PyYAML refuses, and places some empty ones
            elsewhere (``{a: , b: 1}``)."""
            event = self.peek_event()
            plain = isinstance(event, yaml.ScalarEvent) and not event.style  # style '' here, None in PyYAML
            if plain and (not event.value or ("?" in event.value and parent is not None and parent.flow_style)):
                raise _Differs
            return super().compose_node(parent, index)

    class _Differs(Exception):
        """Text that libyaml reads otherwise than PyYAML."""

else:
    _FastLoader = None  # type: ignore[assignment,misc]


_TOO_DEEP = f"nests deeper than {MAX_DEPTH} levels of mappings and lists (aliases followed); a scenario needs under 10"
_TOO_MANY = (
    f"holds more than {MAX_NODES:,} values once its aliases are expanded; a scenario needs a few thousand "
    "(an alias of a large anchor used many times?)"
)


def _measure(root: yaml.Node, source: str) -> None:
    """Refuse a node graph that, with its aliases followed, contains itself, nests deeper than
    `MAX_DEPTH` or holds more than `MAX_NODES` values.

    Each node is measured once (its values and levels with aliases expanded), so the time is
    that of the graph, not of its expansion.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, levels) below and with it
    inside: set[int] = set()  # the nodes being measured: the path from the root

    def refuse(node: yaml.Node, message: str) -> NoReturn:
        mark = node.start_mark
        raise ScenarioError([Problem(source, mark.line + 1, mark.column + 1, "", message)])

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in inside:
            refuse(node, "this anchor's value uses an alias of itself; a scenario cannot contain itself")
        if key not in measured:
            if depth > MAX_DEPTH:
                refuse(node, _TOO_DEEP)
            children: list[yaml.Node] = []
            if isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            inside.add(key)
            values, levels = 1, 1
            for child in children:
                below, deep = measure(child, depth + 1)
                values, levels = values + below, max(levels, deep + 1)
                if values > MAX_NODES:
                    refuse(node, _TOO_MANY)
            inside.discard(key)
            measured[key] = (values, levels)
        values, levels = measured[key]
        if depth + levels - 1 > MAX_DEPTH:
            refuse(node, _TOO_DEEP)
        return values, levels

    measure(root, 1)


def _open_quote(text: str, before: int) -> int:
    """The first line before `before` whose double quotes do not pair up (outside a comment), or 0."""
    for n, raw in enumerate(text.splitlines()[: max(before - 1, 0)], start=1):
        content = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        if content.count('"') % 2:
            return n
    return 0


def _build(loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, marks: Marks, source: str) -> Any:
    """The plain value of a node measured by `_measure`, recording the mark of every value and key."""
    marks.setdefault(loc, (source, node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(loader, node, loc, marks, source)
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*loc, i), marks, source) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # a scalar YAML types but cannot build, such as 2022-13-03
        shown = node.value if len(node.value) <= 60 else node.value[:57] + "..."
        raise ScenarioError(
            [Problem(*marks[loc], _dotted(loc), f"'{shown}' is not valid ({str(exc)[:200]})")]
        ) from None


def _build_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, loc: Loc, marks: Marks, source: str) -> dict:
    """A mapping's keys and values; ``<<: *anchor`` (or a list of them) merges as in YAML 1.1.

    The mapping's own keys win over merged ones, and an earlier merged mapping over a later one.
    A key written twice in the mapping itself is an error (``<<`` included).
    """
    out: dict = {}
    merged: list[yaml.Node] | None = None
    for key_node, value_node in node.value:
        where = (source, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        key = "<<" if key_node.tag == _MERGE else _key(loader, key_node, loc, where)
        if key in out or (key == "<<" and merged is not None):
            raise ScenarioError(
                [Problem(*where, _dotted((*loc, key)), "duplicate key; each key may appear once in a mapping")]
            )
        if key_node.tag == _MERGE:
            merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            continue
        marks[(*loc, key, "<key>")] = where
        out[key] = _build(loader, value_node, (*loc, key), marks, source)
    for part in merged or []:
        if not isinstance(part, yaml.MappingNode):
            mark = part.start_mark
            raise ScenarioError(
                [
                    Problem(
                        source,
                        mark.line + 1,
                        mark.column + 1,
                        _dotted(loc),
                        "a merge key (<<) takes an alias of a mapping (<<: *defaults) or a list of them",
                    )
                ]
            )
        part_marks: Marks = {}
        values = _build(loader, part, loc, part_marks, source)
        new = {key for key in values if key not in out}
        out.update((key, values[key]) for key in values if key in new)
        marks.update((at, mark) for at, mark in part_marks.items() if len(at) > len(loc) and at[len(loc)] in new)
    return out


def _key(loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, where: Mark) -> str:
    """A mapping key as text; a list or mapping as a key is refused (it could be an alias bomb)."""
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioError([Problem(*where, _dotted(loc), "a key must be a name or a number, not a list or mapping")])
    try:
        key = loader.construct_object(node, deep=True)
    except ValueError as exc:  # such as the date 2022-13-03 as a key
        raise ScenarioError(
            [Problem(*where, _dotted(loc), f"'{node.value[:60]}' is not valid ({str(exc)[:200]})")]
        ) from None
    return key if isinstance(key, str) else str(key)


def _problems(exc: ValidationError, data: Any, marks: Marks, source: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = _data_loc(data, tuple(err["loc"]))
        if err["type"] == "cross_field":
            loc = _data_loc(data, loc + tuple(err["ctx"]["path"]))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = unknown_field(str(loc[-1]), _allowed_keys(loc[:-1], data))
            mark = marks.get((*loc, "<key>")) or _nearest_mark(marks, loc)
        else:
            mark = _nearest_mark(marks, loc)
            if err["type"] == "missing":
                message = f"missing required field '{loc[-1]}'" if loc else "missing required field"
                mark = marks.get((*loc[:-1], "<key>"), mark)  # point at the section's key
            elif err["type"] == "string_pattern_mismatch":
                pattern = err["ctx"]["pattern"]
                message = f"should be {_PATTERNS.get(pattern, 'text matching ' + pattern)}"
            if err["type"] not in ("cross_field", "missing") and not isinstance(err.get("input"), dict | list):
                message += f" (got {_show(err.get('input'))})"
        file, line, col = mark or (source, 0, 0)
        path = set_path(marks, loc) if file == SET else _dotted(loc)
        problems.append(Problem(file, line, col, path, message))
    # The file itself first, then the files it extends, then the command line.
    problems.sort(key=lambda p: (p.file == SET, p.file != source, p.file, p.line, p.column))
    return problems


def unknown_field(key: str, allowed: list[str]) -> str:
    """The message for a key the model does not have, with the closest one it does."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    message = f"unknown field '{key}'" + (f"; did you mean '{close[0]}'?" if close else ".")
    return message + (f" Expected one of: {', '.join(allowed)}." if allowed else "")


def set_path(marks: Marks, loc: Loc) -> str:
    """The path of `loc` as the ``--set`` option that wrote it (or its ancestor) spelt it."""
    for n in range(len(loc), -1, -1):
        if (label := marks.get((*loc[:n], "<set>"))) is not None:
            return label[0] + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[n:])
    return _dotted(loc)


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


def _nearest_mark(marks: Marks, loc: Loc) -> Mark | None:
    """The mark of `loc`, or of its closest ancestor present in the data's sources."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return None


def _allowed_keys(loc: Loc, data: Any) -> list[str]:
    """Field names of the section model found at `loc` (its data path)."""
    model = _inner(model_at(loc, data), _get(data, loc))
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def model_at(loc: Loc, data: Any) -> Any:
    """The type annotation of the value at data path `loc`, or None when the model has no such path.

    A union of models (the distribution kinds) is resolved by the ``kind`` written in `data`.
    """
    tp: Any = Scenario
    for n, part in enumerate(loc):
        tp = _inner(tp, _get(data, loc[:n]), containers=False)
        origin = typing.get_origin(tp)
        if origin is list and isinstance(part, int):
            tp = typing.get_args(tp)[0]
        elif origin is dict and isinstance(part, str):
            tp = typing.get_args(tp)[1]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None
    return tp


def _get(data: Any, loc: Loc) -> Any:
    """The value at `loc` in plain data, or None where there is none."""
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _inner(tp: Any, data: Any = None, containers: bool = True) -> Any:
    """Unwrap Optional, Annotated (and list[...], dict[...] when `containers`) down to a model class when there is one.

    A union of several models (the distribution kinds) is resolved by the data's ``kind``.
    """
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (list, dict) and containers:
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
    text = str(value) if isinstance(value, dt.date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_sweep_file(path: str | Path) -> bool:
    """Whether `path` looks like a sweep file (top-level scenario:, grid: or sensitivity:), not a
    scenario (sniffed as `is_study_file` is)."""
    return _other_kind(top_level_keys(path)) == ("sweep", "sim sweep")


def is_study_file(path: str | Path) -> bool:
    """Whether `path` looks like a study file (top-level decide:), not a scenario or sweep.

    Sniffed with the guarded reader: a FIFO, a device or a hostile YAML file is left to the
    scenario loader to refuse, never read here unguarded."""
    return _other_kind(top_level_keys(path)) == ("study", "sim optimize")
