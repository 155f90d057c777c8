"""The sweep report: one self-contained offline file with the chart the design calls for and every point."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

import sim
from sim.experiment.sweep import SweepError, SweepResults, grid, sensitivity, sweep
from sim.report.sweep import page, tornado, write
from tests.report.test_html import MAX_BYTES, PLOTLY_MARKER, SMALL, external_references, in_chart

ONE_TITLE = "Headline indicators against Reserved share (estimate and 95% CI)"
TWO_TITLE = "SOP date by Engineering assist and Reserved share (median over replications)"
TORNADO_TITLE = "Sensitivity of Contract units built in 2022: change from the base point (vehicles)"
TITLES = (ONE_TITLE, TWO_TITLE, TORNADO_TITLE)


@pytest.fixture(scope="module")
def one() -> SweepResults:
    return sweep(SMALL, grid({"contract.reserved_share": ["0.1", "0.3", "0.5"]}), replications=3)


@pytest.fixture(scope="module")
def two() -> SweepResults:
    design = grid({"program.engineering_assist": ["0.8", "1.0"], "contract.reserved_share": ["0.1", "0.3"]})
    return sweep(SMALL, design, replications=3, kpi="sop_day")


@pytest.fixture(scope="module")
def sens() -> SweepResults:
    design = sensitivity({"contract.reserved_share": ("0.1", "0.5"), "program.engineering_assist": ("0.8", "1.0")})
    return sweep(SMALL, design, replications=3, kpi="contract_units_2022")


@pytest.mark.parametrize("name", ["one", "two", "sens"])
def test_writes_one_self_contained_file(request, name, tmp_path: Path) -> None:
    sr = request.getfixturevalue(name)
    path = write(sr, tmp_path / "out" / "sweep.html")
    assert path == tmp_path / "out" / "sweep.html" and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    assert external_references(text) == []
    assert path.stat().st_size < MAX_BYTES
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.parametrize(("name", "title"), [("one", ONE_TITLE), ("two", TWO_TITLE), ("sens", TORNADO_TITLE)])
def test_each_design_gets_its_chart(request, name, title) -> None:
    text = page(request.getfixturevalue(name))
    assert in_chart(title, text)
    assert sum(in_chart(t, text) for t in TITLES) == 1


def test_one_parameter_shows_headline_kpis_as_small_multiples(one: SweepResults) -> None:
    text = page(one)
    for label in ("Own-brand units lost to sharing (mean)", "SOP date (median)", "Contract units built in 2022 (mean)"):
        assert in_chart(label, text), label


def test_the_header_states_base_design_seed_and_replications(sens: SweepResults) -> None:
    text = page(sens)
    for fact in (
        "small",
        html.escape(str(SMALL)),
        "one at a time: the base point, then each of 2 parameters at its low and high value (5 points)",
        "<th>Seed</th><td>7</td>",
        "<th>Replications per point</th><td>3</td>",
        "contract_units_2022",
        sim.__version__,
    ):
        assert fact in text, fact


def test_the_table_lists_every_point_with_its_values_and_kpis(two: SweepResults) -> None:
    text = page(two)
    assert "<th>Engineering assist<br>" in text and "program.<wbr>engineering_assist" in text  # label, then path
    start = two.results[0].scenario.meta.start_date
    for n, setting in enumerate(two.settings):
        assert f'<tr><td>{n + 1}</td><td class="num">{setting["program.engineering_assist"]}</td>' in text
        for kpi in two.results[n].kpis():
            if kpi.key in ("owner_units_lost", "contract_fees_rmb"):
                assert html.escape(kpi.text(start)[1]) in text


def test_the_tornado_puts_the_widest_range_on_top(sens: SweepResults) -> None:
    fig = tornado(sens, "sop_day")
    low, high = fig.data
    assert list(low.y) == ["Reserved share (0.10 / 0.50)", "Engineering assist (0.8 / 1.0)"]  # as the base 0.25
    assert low.x[-1] < 0 < high.x[-1]  # more help (0.8) brings SOP forward
    assert low.x[0] == high.x[0] == 0  # the reserve does not move SOP


def test_parameters_read_as_labels_and_their_values_in_one_format() -> None:
    """A sweep over a fee given as 8000.0 and 6000 shows 8,000 and 6,000, under a readable label."""
    sr = sweep(SMALL, grid({"contract.fee_rmb_per_unit": ["8000.0", "6000"]}), replications=1)
    text = page(sr)
    assert "<th>Fee (RMB per unit)<br>" in text and ">8000.0<" not in text
    assert '<td class="num">8,000</td>' in text and '<td class="num">6,000</td>' in text
    assert "Fee (RMB per unit) (<code>contract.fee_rmb_per_unit</code>): 8,000, 6,000" in text


def test_the_table_may_take_the_window_s_width_beyond_the_column(two: SweepResults) -> None:
    """The table of every point is not clipped to the page's narrow column: it widens up to the window."""
    text = page(two)
    assert '<div class="wide"><table>' in text and "width: max(100%, min(100vw - 32px, 1600px))" in text


def test_an_unknown_kpi_writes_nothing(one: SweepResults, tmp_path: Path) -> None:
    with pytest.raises(SweepError, match="did you mean 'sop_day'"):
        write(one, tmp_path / "sweep.html", kpi="sop_days")
    assert not list(tmp_path.iterdir())


def test_three_parameters_get_the_table_only(tmp_path: Path) -> None:
    design = grid(
        {"contract.reserved_share": ["0.1"], "program.engineering_assist": ["0.9"], "contract.policy": ["proportional"]}
    )
    text = page(sweep(SMALL, design, replications=2))
    assert "shown in the table only" in text
    assert not any(in_chart(t, text) for t in TITLES)
    assert text.count(PLOTLY_MARKER) == 1
