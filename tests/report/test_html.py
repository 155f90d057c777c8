"""The HTML report: one self-contained offline file with every chart, KPI and scenario fact."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from plotly.io.json import to_json_plotly

import sim
import sim.report
from sim.results.results import Results
from sim.scenario import Scenario

SMALL = Path(__file__).parents[1] / "data" / "small.yaml"
PLOTLY_MARKER = "* plotly.js v"  # the banner comment at the top of plotly.js
MAX_BYTES = 5_000_000
CONTRACT_TITLES = (
    "Monthly output by brand and total demand (vehicles per month)",
    "Contract output for xiaomi: mean and P10-P90 (vehicles per month)",
    "SOP date over 30 replications (count and cumulative share)",
    "Line utilisation by month (busy hours / open hours, %)",
    "Own-brand units lost to sharing per month (vehicles, without minus with contract)",
    "Contract fees earned at RMB 8,000 per vehicle (RMB million)",
)


@pytest.fixture(scope="module")
def results() -> Results:
    return sim.run(sim.load(SMALL), replications=30)


@pytest.fixture(scope="module")
def no_contract() -> Results:
    data = yaml.safe_load(SMALL.read_text())
    del data["program"], data["contract"]
    data["products"] = [p for p in data["products"] if p["owner"] != "xiaomi"]
    for line in data["plants"][0]["lines"]:
        line["products"] = [p for p in line["products"] if p != "xiaomi_ev"]
    return sim.run(Scenario.model_validate(data), replications=10)


def in_chart(title: str, text: str) -> bool:
    """Whether a chart title is in the page, as plotly writes it into the figure's JSON."""
    return to_json_plotly(title)[1:-1] in text


def external_references(text: str) -> list[str]:
    """src of <script> and href of <link> tags that point at the network."""
    tags = re.findall(r"<script\b[^>]*>|<link\b[^>]*>", text, flags=re.IGNORECASE)
    refs = [m for tag in tags for m in re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", tag, re.IGNORECASE)]
    return [r for r in refs if re.match(r"(https?:)?//", r)]


def test_writes_one_self_contained_file(results: Results, tmp_path: Path) -> None:
    path = sim.report.write(results, tmp_path / "out" / "report.html")
    assert path == tmp_path / "out" / "report.html"
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    assert external_references(text) == []
    assert "mathjax" not in text.lower().split("</script>", 1)[1]  # nothing after plotly.js asks for MathJax
    assert path.stat().st_size < MAX_BYTES
    assert not list(path.parent.glob(".*.tmp"))


def test_detects_external_references() -> None:
    page = '<script src="https://cdn.plot.ly/x.js"></script><link rel="stylesheet" href="//fonts.x/y.css">'
    assert external_references(page) == ["https://cdn.plot.ly/x.js", "//fonts.x/y.css"]
    assert external_references('<script>var u = "https://plot.ly";</script>') == []


def test_shows_every_chart_kpi_and_scenario_fact(results: Results, tmp_path: Path) -> None:
    text = sim.report.write(results, tmp_path / "report.html").read_text(encoding="utf-8")
    for title in CONTRACT_TITLES:
        assert in_chart(title, text), title
    scenario = results.scenario
    for fact in (scenario.meta.name, scenario.digest(), str(results.seed), sim.__version__, "reserved_share", "25%"):
        assert fact in text
    assert str(scenario.program.target_launch) in text
    start = scenario.meta.start_date
    for kpi in results.kpis():
        _, interval = kpi.text(start)
        assert html.escape(kpi.label) in text
        assert html.escape(interval) in text


def test_scenario_without_contract_renders(no_contract: Results, tmp_path: Path) -> None:
    text = sim.report.write(no_contract, tmp_path / "report.html").read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    assert in_chart(CONTRACT_TITLES[0], text) and in_chart(CONTRACT_TITLES[3], text)
    assert not any(in_chart(title, text) for title in (*CONTRACT_TITLES[1:3], *CONTRACT_TITLES[4:]))
    for kpi in no_contract.kpis():
        assert html.escape(kpi.label) in text


def test_sop_beyond_horizon_is_counted(results: Results, tmp_path: Path) -> None:
    sop = results.sop.copy()
    sop[:4] = np.inf
    sop[4:6] = results.horizon_hours + 100.0
    late = Results(**{**results.__dict__, "sop": sop})
    text = sim.report.write(late, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "6 of 30 replications reach no SOP within the horizon" in text


def test_no_sop_at_all_renders(results: Results, tmp_path: Path) -> None:
    never = Results(**{**results.__dict__, "sop": np.full(results.replications, np.inf)})
    text = sim.report.write(never, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "30 of 30 replications reach no SOP within the horizon" in text


def test_brand_colours_are_fixed_and_distinct(results: Results) -> None:
    from sim.report.html import BRAND_COLOURS, brand_colour

    assert brand_colour(results, "Xiaomi") == BRAND_COLOURS["xiaomi"]
    assert brand_colour(results, "GWM Pickup") == BRAND_COLOURS["pickup"]
    assert len(set(BRAND_COLOURS.values())) == len(BRAND_COLOURS)
