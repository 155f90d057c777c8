"""Data flows one way: no module imports a layer below its own (later in the flow), even lazily.

Layers, from input to output: scenario -> model -> results -> experiment -> report -> the run
directory -> the public API (sim/__init__.py) -> the command line. A module may import its
own layer and the layers before it. `sim.version` imports nothing of sim and is read by all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "sim"
#: Module (or package) -> its layer's rank; a module takes the rank of its longest listed prefix.
LAYERS = {
    "sim.version": 0,
    "sim.scenario": 1,
    # The model's registries of rules: pure modules the schema reads its choices from (one list).
    "sim.model.policy": 1,
    "sim.model.chips": 1,
    "sim.model.priority": 1,
    "sim.model": 2,
    "sim.results": 3,
    "sim.experiment": 4,
    "sim.report": 5,
    "sim.output": 6,
    "sim.rundir": 6,
    "sim": 7,  # the public API: sim/__init__.py only
    "sim.cli": 8,
    "sim.cli_reference": 9,
    "sim.__main__": 9,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    """The rank of `module`'s layer (KeyError for a module of no listed layer)."""
    if module == "sim":
        return LAYERS["sim"]
    prefixes = [name for name in LAYERS if name != "sim" and (module == name or module.startswith(f"{name}."))]
    if not prefixes:
        raise KeyError(f"{module} is in no layer; give it one in LAYERS")
    return LAYERS[max(prefixes, key=len)]


def imports(module: str) -> list[tuple[int, str]]:
    """(line, module) of every sim module `module` imports, at the top or inside functions."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1 packages
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from sim.x import y` imports the module sim.x.y when there is one, else a name of sim.x.
            out += [(node.lineno, f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base) for a in node.names]
    return [(line, name) for line, name in out if name == "sim" or name.startswith("sim.")]


def test_every_module_has_a_layer():
    for module in MODULES:
        layer(module)


@pytest.mark.parametrize("module", list(MODULES))
def test_no_module_imports_a_later_layer(module: str):
    upward = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
        for line, name in imports(module)
        if layer(name) > layer(module)
    ]
    assert not upward, "imports against the flow of data:\n" + "\n".join(upward)


def test_the_check_sees_lazy_and_from_imports():
    # sim.rundir imports the report inside `write`, so plotly loads only when a report is written.
    assert any(name == "sim.report" for _, name in imports("sim.rundir"))
    assert ("sim.rundir" in {name for _, name in imports("sim.cli")}) and layer("sim.rundir") < layer("sim.cli")
