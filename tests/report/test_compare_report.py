"""The comparison report: one self-contained offline file with the differences and overlaid series."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

import sim
from sim.experiment.compare import Comparison, compare
from sim.report.compare import SCENARIO_COLOURS, differences_chart, sop_cdf, write
from tests.conftest import DATA
from tests.report.test_html import PLOTLY_MARKER, external_references, in_chart

SMALL = DATA / "small.yaml"
BUSY = ["products.0.demand.units_per_month=20000"]
TITLES = (
    "Differences from reserved with 95% confidence intervals (paired)",
    "Contract output by scenario (vehicles per month, mean)",
    "Own-brand output by scenario (vehicles per month, mean)",
    "SOP date by scenario (cumulative share of replications)",
)


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    scenarios = [sim.load(SMALL, [*BUSY, f"contract.policy={p}"]) for p in ("reserved_share", "owner_first")]
    return compare(scenarios, replications=6, names=["reserved", "owner_first"])


def test_writes_one_self_contained_file(comparison: Comparison, tmp_path: Path) -> None:
    path = write(comparison, tmp_path / "out" / "compare.html")
    assert path == tmp_path / "out" / "compare.html" and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    assert external_references(text) == []
    assert not list(path.parent.glob(".*.tmp"))


def test_shows_scenarios_kpis_and_charts(comparison: Comparison, tmp_path: Path) -> None:
    text = write(comparison, tmp_path / "compare.html").read_text(encoding="utf-8")
    for name, results in zip(comparison.names, comparison.results, strict=True):
        assert name in text and results.scenario.digest() in text
    assert f"seed {comparison.seed}" in text and f"{comparison.replications} per scenario" in text
    assert html.escape("contract.policy: reserved_share -> owner_first") in text
    for d in comparison.differences():
        assert html.escape(d.label) in text
    for title in TITLES:
        assert in_chart(title, text), title


def test_differences_are_formatted_by_unit(comparison: Comparison, tmp_path: Path) -> None:
    text = write(comparison, tmp_path / "compare.html").read_text(encoding="utf-8")
    diffs = {d.key: d for d in comparison.differences()}
    lost = diffs["owner_units_lost"]
    assert f"{lost.difference:+,.0f}" in text  # vehicles with thousands separators
    assert f"{lost.low:+,.0f} to {lost.high:+,.0f}" in text
    assert "+0.0 days" in text  # the same SOP draws in both: dates differ in days
    fees = diffs["contract_fees_rmb"]
    assert f"{fees.difference / 1e6:+,.1f} M RMB" in text
    assert f"RMB {fees.base_value / 1e6:,.1f} M" in text
    util = diffs["utilisation.gwm_test.ga1"]
    assert f"{100 * util.difference:+.1f} pp" in text


def test_differences_chart_draws_each_headline_kpi_with_its_interval(comparison: Comparison) -> None:
    fig = differences_chart(comparison)
    diffs = {d.key: d for d in comparison.differences()}
    vehicles = next(t for t in fig.data if t.xaxis == "x3")  # contract units, then units lost
    assert list(vehicles.x) == [diffs["contract_units_2022"].difference, diffs["owner_units_lost"].difference]
    lost = diffs["owner_units_lost"]
    assert vehicles.error_x.arrayminus[1] == pytest.approx(lost.difference - lost.low)
    assert vehicles.error_x.array[1] == pytest.approx(lost.high - lost.difference)
    rmb = next(t for t in fig.data if t.xaxis == "x4")
    assert rmb.x[0] == pytest.approx(diffs["contract_fees_rmb"].difference / 1e6)
    assert [a.text for a in fig.layout.annotations] == [
        "Difference in days",
        "Difference in percentage points",
        "Difference in vehicles",
        "Difference in RMB million",
    ]
    assert {t.marker.color for t in fig.data} == {SCENARIO_COLOURS[1]}


def test_overlaid_series_keep_one_colour_per_scenario(comparison: Comparison) -> None:
    from sim.report.compare import contract_output, owner_output

    for fig in (contract_output(comparison), owner_output(comparison), sop_cdf(comparison)):
        assert [t.name for t in fig.data] == comparison.names
        assert [t.line.color for t in fig.data] == list(SCENARIO_COLOURS[:2])
    owner = owner_output(comparison).data[1]
    r = comparison.results[1]
    assert list(owner.y) == pytest.approx(r.built[:, ~r.customer_mask(), :].sum(axis=1).mean(axis=0))


def test_sop_curves_end_at_the_share_reaching_sop(comparison: Comparison) -> None:
    fig = sop_cdf(comparison)
    r = comparison.results[0]
    assert fig.data[0].y[0] == 0 and fig.data[0].y[-1] == pytest.approx((r.sop <= r.horizon_hours).mean())
    assert "curves coincide" in fig.layout.annotations[-1].text  # same SOP draws on common random numbers


def test_comparison_with_a_scenario_without_contract_renders(tmp_path: Path) -> None:
    from tests.experiment.test_compare import no_contract

    comparison = compare([no_contract(), sim.load(SMALL)], replications=2)
    text = write(comparison, tmp_path / "compare.html").read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    assert "Own-brand units built over the horizon" in text
    assert not in_chart("Differences from small with 95% confidence intervals (paired)", text)  # no headline KPI
    assert in_chart(TITLES[1], text) and in_chart(TITLES[3], text)


def test_a_line_only_one_scenario_has_is_shown_with_its_value() -> None:
    """A dedicated line (ga2, the customer's alone) exists only in the second scenario: its
    indicators appear in the table and the terminal table, marked as having no pair in the base."""
    from sim.report.compare import page
    from sim.report.text import differences_table
    from tests.conftest import build, small_data

    data = small_data()
    base = build(data)
    data["plants"][0]["lines"] = [
        {"id": "ga1", "jph": 60, "products": ["haval"]},
        {"id": "ga2", "jph": 40, "products": ["xiaomi_ev"]},
    ]
    comparison = compare([base, build(data)], replications=2, names=["shared", "dedicated"])
    unpaired = {d.key: d for d in comparison.unpaired()}
    assert "utilisation.gwm_test.ga2" in unpaired and unpaired["utilisation.gwm_test.ga2"].scenario == "dedicated"
    assert 0 < unpaired["utilisation.gwm_test.ga2"].value <= 1
    report = page(comparison)
    label = html.escape(unpaired["utilisation.gwm_test.ga2"].label)
    row = report[report.index(f"<td>{label}</td>") :].split("</tr>")[0]
    assert "not in the base" in row and "%" in row and "no pair" in row
    assert f"{unpaired['utilisation.gwm_test.ga2'].label}" in differences_table(comparison)
