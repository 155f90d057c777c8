"""A starter scenario for `sim new`: the baseline, fully commented, under a new name.

The template is a copy of scenarios/baseline.yaml shipped inside the package (a test keeps
the two identical), so a new scenario shows every section with its units and sources.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from sim.scenario.loader import Problem, ScenarioError, parse

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def template() -> str:
    """The starter scenario's text, as shipped."""
    return resources.files("sim.scenario").joinpath("templates/starter.yaml").read_text(encoding="utf-8")


def write(name: str, folder: Path = Path(".")) -> Path:
    """Write `folder/name.yaml`, a valid starter scenario called `name`; never overwrites a file."""
    if not NAME.match(name) or len(name) > 80:
        raise ScenarioError(
            [Problem("NAME", 0, 0, "", f"'{name}' should be letters, digits, '.', '_' and '-', without spaces")]
        )
    path = folder / f"{name}.yaml"
    if path.exists():
        raise ScenarioError(
            [Problem(str(path), 0, 0, "", "already exists; choose another name (sim new never overwrites)")]
        )
    text = template().replace("$schema=../docs/scenario.schema.json", "$schema=scenario.schema.json", 1)
    text = re.sub(r"(?m)^(meta:\n  name: )baseline\b", rf"\g<1>{name}", text, count=1)
    parse(text, str(path))  # the starter must validate as written
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
