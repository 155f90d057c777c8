"""Shared fixtures: paths and small scenarios built in code."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def small_data() -> dict[str, Any]:
    """The plain data of tests/data/small.yaml, to modify in a test."""
    return yaml.safe_load((DATA / "small.yaml").read_text())


def build(data: dict[str, Any], **changes: Any) -> Scenario:
    """Validate `data` after applying dotted-path `changes` (a value of None deletes the key)."""
    data = copy.deepcopy(data)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is None:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return Scenario.model_validate(data)


def owner_products(products: list[dict]) -> list[dict]:
    """Copies of `products` completed as GWM Haval products with endless demand where unspecified."""
    out = copy.deepcopy(products)
    for p in out:
        p.setdefault("brand", "Haval")
        p.setdefault("owner", "gwm")
        p.setdefault("demand", {"units_per_month": 1e7})
    return out


def deterministic(jph: float = 60, demand: float = 1e7, **calendar: Any) -> Scenario:
    """One line, one owner product, no contract: output is exactly rate x open hours."""
    return Scenario.model_validate(
        {
            "meta": {"name": "det", "start_date": "2022-01-03", "end_date": "2022-01-30", "seed": 1},
            "plants": [
                {
                    "name": "p",
                    "owner": "gwm",
                    "calendar": {"shifts_per_day": 2, "hours_per_shift": 8, **calendar},
                    "lines": [{"id": "l1", "jph": jph, "products": ["car"]}],
                }
            ],
            "products": [{"id": "car", "brand": "Haval", "owner": "gwm", "demand": {"units_per_month": demand}}],
        }
    )


@pytest.fixture
def small() -> Scenario:
    return Scenario.model_validate(small_data())


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own result cache, never the user's."""
    monkeypatch.setenv("SIM_CACHE", str(tmp_path_factory.mktemp("cache")))
