"""The HTML report: one self-contained offline file with every chart, KPI and scenario fact."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import html
import itertools
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import yaml
from plotly.io.json import to_json_plotly

import sim
import sim.report
from sim.results.results import Results
from sim.scenario import Scenario

ROOT = Path(__file__).parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
PLOTLY_MARKER = "* plotly.js v"  # the banner comment at the top of plotly.js
MAX_BYTES = 5_000_000
CONTRACT_TITLES = (
    "Monthly output by brand and total demand (vehicles per month)",
    "Contract output for xiaomi: mean and P10-P90 (vehicles per month)",
    "SOP date over 30 replications (count and cumulative share)",
    "Line utilisation by month (busy hours / open hours; colours span the data's range)",
    "Own-brand units lost to sharing per month (vehicles, without minus with contract)",
    "The deal to the owner: fees at RMB 8,000 a vehicle less what sharing costs (RMB million)",
)
GANTT_TITLE = "Launch program: median start to median finish of each milestone over 30 replications (dates)"


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
        if kpi.over != "brand":  # a brand's KPIs are cells of the table by brand, under its name
            assert html.escape(kpi.label) in text
        assert html.escape(interval) in text
    assert "By brand over the horizon" in text


def test_scenario_without_contract_renders(no_contract: Results, tmp_path: Path) -> None:
    text = sim.report.write(no_contract, tmp_path / "report.html").read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    assert in_chart(CONTRACT_TITLES[0], text) and in_chart(CONTRACT_TITLES[3], text)
    assert not any(in_chart(title, text) for title in (*CONTRACT_TITLES[1:3], *CONTRACT_TITLES[4:]))
    for kpi in no_contract.kpis():
        assert html.escape(kpi.label if kpi.over != "brand" else kpi.item) in text


def test_sop_beyond_horizon_is_counted(results: Results, tmp_path: Path) -> None:
    sop = results.sop.copy()
    sop[:4] = np.inf
    sop[4:6] = results.horizon_hours + 100.0
    late = dataclasses.replace(results, sop=sop)
    text = sim.report.write(late, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "6 of 30 replications reach no SOP within the horizon" in text


def test_no_sop_at_all_renders(results: Results, tmp_path: Path) -> None:
    never = dataclasses.replace(results, sop=np.full(results.replications, np.inf))
    text = sim.report.write(never, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "30 of 30 replications reach no SOP within the horizon" in text


def test_brand_colours_are_fixed_and_distinct(results: Results) -> None:
    from sim.report.html import BRAND_COLOURS, brand_colour

    assert brand_colour(results, "Xiaomi") == BRAND_COLOURS["xiaomi"]
    assert brand_colour(results, "GWM Pickup") == BRAND_COLOURS["pickup"]
    assert len(set(BRAND_COLOURS.values())) == len(BRAND_COLOURS)


# -- dynamics: breakdowns, changeovers, scrap, chips, lost sales, a second plant --------------------
DYNAMICS_TITLES = (
    "Where each line's time goes by month (calendar hours per month, mean)",
    "OEE by line and month (good vehicles / (open hours x rated JPH); colours span the data)",
    "Units lost to the chip shortage per month by brand (vehicles, nominal supply minus disrupted)",
    "Lost sales and scrapped vehicles per month by brand (vehicles, mean)",
)
LINE_TABLE = "Line performance over the horizon"


def dynamics_data() -> dict:
    """small.yaml with every dynamic: breakdowns, changeovers, yield, uncertain demand, chips, two plants."""
    data = yaml.safe_load(SMALL.read_text())
    line = data["plants"][0]["lines"][0]
    line["breakdowns"] = {
        "time_between_failures_hours": {"kind": "exponential", "mean": 20},
        "time_to_repair_hours": {"kind": "lognormal", "mean": 1.5, "cv": 0.8},
    }
    line |= {"changeover_hours": 2, "campaign_units": 300}
    data["products"][0] |= {
        "first_pass_yield": 0.92,
        "rework_share": 0.7,
        "demand": {"units_per_month": 12000, "cv": 0.15, "lost_after_months": 1},
    }
    shortage = {"name": "2022 shortage", "first_day": "2022-03-01", "last_day": "2022-06-30", "share_lost": 0.4}
    data["supply"] = {"chips": {"kits_per_week": 3000, "allocation": "proportional", "disruptions": [shortage]}}
    six_days = ["mon", "tue", "wed", "thu", "fri", "sat"]
    data["plants"].append(
        {
            "name": "gwm_second",
            "owner": "gwm",
            "calendar": {"shifts_per_day": 3, "hours_per_shift": 8, "working_weekdays": six_days},
            "lines": [{"id": "gb1", "jph": 20, "products": ["haval"]}],
        }
    )
    return data


@pytest.fixture(scope="module")
def dynamics() -> Results:
    return sim.run(Scenario.model_validate(dynamics_data()), replications=20)


def test_dynamics_report_shows_the_new_charts_and_facts(dynamics: Results, tmp_path: Path) -> None:
    path = sim.report.write(dynamics, tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    for title in (*DYNAMICS_TITLES, *CONTRACT_TITLES[:2], CONTRACT_TITLES[3]):
        assert in_chart(title, text), title
    assert LINE_TABLE in text
    for fact in (
        "Plant gwm_test",
        "1 line (gb1), owner gwm; 3 shifts of 8 h on Mon, Tue, Wed, Thu, Fri, Sat",
        "1 line (ga1), owner gwm; 2 shifts of 8 h on Mon, Tue, Wed, Thu, Fri, 1 shutdown",
        "Line gwm_test.ga1",
        "failures every ~20 open h (exponential), repairs ~1.5 h (lognormal)",
        "changeover 2 h per 300-vehicle campaign",
        "3,000 kits per week, allocation proportional",
        "2022 shortage 2022-03-01 to 2022-06-30 (-40% of kits)",
    ):
        assert fact in text, fact
    assert "Line gwm_second.gb1" not in text  # no breakdowns or changeovers: nothing to say
    for label in ("Units lost to the chip shortage", "Lost sales (demand that waited too long)"):
        assert f'<div class="label">{html.escape(label)}</div>' in text
    assert text.count(PLOTLY_MARKER) == 1
    assert external_references(text) == []
    assert path.stat().st_size < MAX_BYTES


def test_scenario_without_dynamics_has_none_of_their_charts(results: Results, tmp_path: Path) -> None:
    text = sim.report.write(results, tmp_path / "report.html").read_text(encoding="utf-8")
    assert not any(in_chart(title, text) for title in DYNAMICS_TITLES)
    assert LINE_TABLE not in text and "Chip supply" not in text


def test_time_use_adds_up_to_the_calendar(dynamics: Results) -> None:
    from sim.report.html import TIME_COLOURS, time_use

    fig = go.Figure(time_use(dynamics))
    kinds = list(TIME_COLOURS)
    assert [t.name for t in fig.data] == kinds * len(dynamics.line_names)
    calendar = np.array([m.end_hour - m.start_hour for m in dynamics.months_])
    for i in range(len(dynamics.line_names)):
        stack = np.sum([fig.data[i * len(kinds) + k].y for k in range(len(kinds))], axis=0)
        assert stack == pytest.approx(calendar)
    # gwm_second.gb1 in February 2022: 24 working days (Mon-Sat) x 3 shifts x 8 h open, no losses.
    gb1 = {t.name: t.y[1] for t in fig.data[len(kinds) :]}
    assert gb1["down"] == gb1["changeover"] == 0
    assert gb1["producing"] + gb1["idle"] == pytest.approx(24 * 24)
    assert gb1["closed"] == pytest.approx(28 * 24 - 24 * 24)


def test_oee_split_matches_the_kpis(dynamics: Results, tmp_path: Path) -> None:
    text = sim.report.write(dynamics, tmp_path / "report.html").read_text(encoding="utf-8")
    table = text.split(LINE_TABLE, 1)[1].split("</table>", 1)[0]
    start = dynamics.scenario.meta.start_date
    kpis = {k.key: k for k in dynamics.kpis()}
    for name in dynamics.line_names:
        row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", table).group(1)
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        availability, performance, quality, oee = (float(c.rstrip("%")) / 100 for c in cells[4:])
        assert cells[-1] == kpis[f"oee.{name}"].text(start)[0]
        assert availability * performance * quality == pytest.approx(oee, abs=2e-3)
    ga1 = re.search(r"<tr><td>gwm_test.ga1</td>(.*?)</tr>", table).group(1)
    assert f"{kpis['downtime_hours.gwm_test.ga1'].value:,.0f}" in ga1


def test_chip_chart_adds_up_and_shades_the_disruption(dynamics: Results) -> None:
    from sim.report.html import chip_shortage

    fig = go.Figure(chip_shortage(dynamics))
    net = next(t for t in fig.data if t.name == "Net, all brands")
    chip = {k.key: k for k in dynamics.kpis()}["chip_units_lost"]
    assert float(np.sum(net.y)) == pytest.approx(chip.value)
    bars = [t for t in fig.data if t.type == "bar"]
    assert np.sum([t.y for t in bars], axis=0) == pytest.approx(net.y)
    (window,) = fig.layout.shapes
    assert (window.x0, window.x1) == ("2022-03-01", "2022-07-01")  # the last day is included
    assert any("2022 shortage: -40% of kits" in a.text for a in fig.layout.annotations)


def test_chip_windows_are_clipped_to_the_horizon(dynamics: Results) -> None:
    from sim.report.html import chip_shortage

    chips = dynamics.scenario.supply.chips
    windows = [
        chips.disruptions[0].model_copy(update={"name": "early", "first_day": dt.date(2021, 11, 1)}),
        chips.disruptions[0].model_copy(
            update={"name": "later", "first_day": dt.date(2023, 3, 1), "last_day": dt.date(2023, 4, 1)}
        ),
    ]
    supply = dynamics.scenario.supply.model_copy(update={"chips": chips.model_copy(update={"disruptions": windows})})
    scenario = dynamics.scenario.model_copy(update={"supply": supply})
    fig = go.Figure(chip_shortage(dataclasses.replace(dynamics, scenario=scenario)))
    (window,) = fig.layout.shapes
    assert (window.x0, window.x1) == ("2022-01-03", "2022-07-01")


def test_lost_sales_and_scrap_show_only_what_occurs(dynamics: Results) -> None:
    from sim.report.html import lost_and_scrap

    fig = go.Figure(lost_and_scrap(dynamics))
    assert [a.text for a in fig.layout.annotations] == ["Lost sales (demand that waited too long)", "Scrapped vehicles"]
    lost = sum(float(np.sum(t.y)) for t in fig.data if t.yaxis == "y")
    assert lost == pytest.approx(dynamics.lost.sum(axis=(1, 2)).mean())
    assert [t.name for t in fig.data if t.showlegend is not False] == ["Haval"]  # one legend entry per brand
    no_scrap = dataclasses.replace(dynamics, scrap=np.zeros_like(dynamics.scrap))
    fig = go.Figure(lost_and_scrap(no_scrap))
    assert [a.text for a in fig.layout.annotations] == ["Lost sales (demand that waited too long)"]


def test_line_summary_uses_each_distributions_mean() -> None:
    from sim.report.html import _line_summary
    from sim.scenario.plant import Line

    line = Line.model_validate(
        {
            "id": "l",
            "jph": 45,
            "products": ["a"],
            "breakdowns": {
                "time_between_failures_hours": {"kind": "weibull", "shape": 1, "scale": 150},
                "time_to_repair_hours": {"kind": "fixed", "value": 2},
            },
        }
    )
    assert _line_summary(line) == "45 JPH; failures every ~150 open h (weibull), repairs ~2 h (fixed)"
    assert _line_summary(Line.model_validate({"id": "l", "jph": 45, "products": ["a"]})) == ""


# -- launch program Gantt chart -------------------------------------------------------------------
def test_gantt_chart_only_with_a_program(results: Results, no_contract: Results, tmp_path: Path) -> None:
    assert in_chart(GANTT_TITLE, sim.report.write(results, tmp_path / "a.html").read_text(encoding="utf-8"))
    text = sim.report.write(no_contract, tmp_path / "b.html").read_text(encoding="utf-8")
    assert not in_chart(GANTT_TITLE.replace("30 replications", "10 replications"), text)
    assert "Launch program" not in text


def test_gantt_bars_are_the_median_dates_and_bands_the_finish_p10_p90(results: Results) -> None:
    from sim.report.html import launch_program

    fig = go.Figure(launch_program(results))
    program = results.scenario.program
    medians = [t for t in fig.data if t.name.startswith("Median")]
    bars = {y: (b, x) for t in medians for y, b, x in zip(t.y, t.base, t.x, strict=True)}
    (band,) = [t for t in fig.data if t.name.startswith("Finish date")]
    assert list(band.y) == [m.name or m.id for m in program.milestones] == ["design", "tooling"]
    day = dt.timedelta(milliseconds=86_400_000)
    for i, m in enumerate(program.milestones):
        start = results.date(np.median(results.milestone_start[:, i]))
        finish = results.date(np.median(results.milestone_finish[:, i]))
        base, length = bars[m.id]
        assert base == str(start)
        assert dt.date.fromisoformat(base) + length / 86_400_000 * day == finish
        p10, p90 = (results.date(h) for h in np.percentile(results.milestone_finish[:, i], [10, 90]))
        assert band.base[i] == str(p10)
        assert dt.date.fromisoformat(band.base[i]) + band.x[i] / 86_400_000 * day == p90
        assert p10 <= finish <= p90
    labels = [a.text for a in fig.layout.annotations]
    sop = results.date(float(np.median(results.sop)))
    assert f"program start {program.start_date}" in labels
    assert f"target launch {program.target_launch}" in labels
    assert f"SOP P50 {sop}" in labels
    assert [s.x0 for s in fig.layout.shapes] == [str(program.start_date), str(program.target_launch), str(sop)]


def test_gantt_shows_which_milestones_the_assist_shortens(results: Results) -> None:
    from sim.report.html import launch_program

    program = results.scenario.program
    milestones = [program.milestones[0].model_copy(update={"assisted": False}), program.milestones[1]]
    scenario = results.scenario.model_copy(update={"program": program.model_copy(update={"milestones": milestones})})
    fig = go.Figure(launch_program(dataclasses.replace(results, scenario=scenario)))
    rows = {t.name: list(t.y) for t in fig.data if t.name.startswith("Median")}
    assert rows == {
        "Median start to median finish, shortened by the owner's assist (x0.9)": ["tooling"],
        "Median start to median finish, not assisted": ["design"],
    }


# -- provenance: the facts a scenario cites -------------------------------------------------------------
SOURCES = re.compile(r'<details class="sources">.*?</details>', re.DOTALL)


def fact_rows(section: str) -> dict[str, str]:
    """Fact id -> status tag of each row of a sources section."""
    return dict(re.findall(r'<tr><td><code>([^<]+)</code> <span class="tag [^"]+">([^<]+)</span>', section))


def test_baseline_sources_list_the_cited_facts_with_their_status(results: Results, tmp_path: Path) -> None:
    path = sim.report.write(results, tmp_path / "report.html", source=BASELINE)
    (section,) = SOURCES.findall(path.read_text(encoding="utf-8"))
    facts = yaml.safe_load((ROOT / "seeds" / "facts.yaml").read_text(encoding="utf-8"))
    rows = fact_rows(section)
    assert (
        rows["jph_band"] == facts["jph_band"]["status"]
    )  # cited in passing: "facts: jac_nio_jph (...), inside jph_band"
    assert rows["china_shift_hours"] == "sourced"  # inside parentheses after "facts:"
    assert rows["seed_article_date"] == "sourced"
    assert rows["first_shift_start_hour"] == "assumption"
    assert {f"holiday_national_day_{y}" for y in range(2021, 2026)} <= set(rows)  # holiday_<festival>_<year>
    assert {"plant_share_haval_h6", "margin_wey", "chips_per_vehicle_ora"} <= set(rows)  # patterns such as margin_*
    assert "gwm_denial" not in rows and "gwm_sales_2020" not in rows  # in facts.yaml, not cited
    assert "not found" not in rows.values()
    assert all(rows[fact] == facts[fact]["status"] for fact in rows)
    counts = {s: list(rows.values()).count(s) for s in ("sourced", "derived", "remembered", "assumption")}
    summary = (
        f"<b>Sources: {len(rows)} facts cited by the scenario</b>: {counts['sourced']} sourced, "
        f"{counts['derived']} derived, {counts['remembered']} remembered, {counts['assumption']} assumptions</summary>"
    )
    assert summary in section
    assert 100 < len(rows) < len(facts)
    assert html.escape(facts["jph_band"]["note"]) in section
    assert external_references(path.read_text(encoding="utf-8")) == []


def test_a_cited_fact_missing_from_facts_yaml_is_reported(results: Results, tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "facts.yaml").write_text(
        "seed_article_date: {value: '2021-03-26', unit: date, source: 'Reuters', date: '2021-03-26', "
        "status: sourced, note: The report's date.}\n"
        "line_jph: {value: 60, unit: JPH, source: none, date: 2021-04, status: assumption, note: A guess.}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "scenarios" / "mine.yaml"
    scenario.parent.mkdir()
    scenario.write_text(
        SMALL.read_text(encoding="utf-8") + "# facts: no_such_fact, seed_article_date\n# jph (facts: line_jph)\n",
        encoding="utf-8",
    )
    text = sim.report.write(results, tmp_path / "report.html", source=scenario).read_text(encoding="utf-8")
    (section,) = SOURCES.findall(text)
    assert fact_rows(section) == {"no_such_fact": "not found", "seed_article_date": "sourced", "line_jph": "assumption"}
    assert "3 facts cited by the scenario</b>: 1 sourced, 1 assumption, 1 not found</summary>" in section
    assert "not found in seeds/facts.yaml" in section
    assert "<code>../seeds/facts.yaml</code>" in section and "<code>mine.yaml</code>" in section


def test_no_source_no_sources_section(results: Results, tmp_path: Path) -> None:
    assert "Sources:" not in sim.report.write(results, tmp_path / "a.html").read_text(encoding="utf-8")
    missing = sim.report.write(results, tmp_path / "b.html", source=tmp_path / "gone.yaml")
    assert "Sources:" not in missing.read_text(encoding="utf-8")


def test_citation_rule() -> None:
    from sim.report.sources import citations

    facts = {f: {} for f in ("a_one", "a_two", "ms_design", "ms_tooling", "holiday_x_2021", "other_fact")}
    text = (
        "# Every number: `# facts: <id>` refers to seeds/facts.yaml\n"  # a placeholder cites nothing
        "x: 1  # facts: a_two, missing_id (see a_one; not_an_id_here)\n"
        "y: 2  # facts: ms_<milestone>, all assumptions\n"
        "z: 3  # facts: holiday_<festival>_<year>, nothing_*\n"
        "w: 4  # other_fact without the keyword\n"
    )
    assert citations(text, facts) == [
        "a_two",
        "missing_id",
        "a_one",
        "ms_design",
        "ms_tooling",
        "holiday_x_2021",
        "nothing_*",
    ]


def test_fact_values_read_well() -> None:
    from sim.report.sources import _fact_value

    assert _fact_value(1110000, "vehicles") == "1,110,000"
    assert _fact_value(2023, "year") == "2023"
    assert _fact_value([250, 312], "days/yr") == "250 – 312"
    assert _fact_value([120, 150, 240], "days") == "[120, 150, 240]"
    assert _fact_value(0.936, "share") == "0.936"
    assert _fact_value("a <b>", "claim") == "a &lt;b&gt;"


def test_baseline_report_stays_under_5_mb() -> None:
    from sim.report.html import page

    results = sim.run(sim.load(BASELINE), replications=100)
    assert len(page(results, BASELINE).encode("utf-8")) < MAX_BYTES


def test_a_plant_without_owner_products_renders(tmp_path):
    from tests.conftest import build, small_data

    data = small_data()
    data["products"] = [data["products"][1]]
    data["plants"][0]["lines"][0]["products"] = ["xiaomi_ev"]
    path = sim.report.write(sim.run(build(data), replications=2), tmp_path / "r.html")
    assert "No own-brand units lost" in path.read_text()


def test_heatmaps_span_the_data_and_name_lines_readably(dynamics: Results) -> None:
    """Utilisation and OEE colours span the data's range (not 0-100%, where every cell looks the
    same); rows are readable line names, the hover adds the dotted name and the month's name."""
    from sim.report.html import line_labels, oee, utilisation

    assert line_labels(dynamics) == ["gwm_test GA1 (Haval, Xiaomi)", "gwm_second GB1 (Haval)"]
    for fig in (go.Figure(utilisation(dynamics)), go.Figure(oee(dynamics))):
        (heat,) = fig.data
        z = np.asarray(heat.z, dtype=float)
        assert heat.zmin <= np.nanmin(z) and np.nanmax(z) <= heat.zmax
        assert heat.zmax - heat.zmin < 0.7 and heat.zmax - heat.zmin >= 0.1  # the data's range, not 0-100%
        assert list(heat.y) == line_labels(dynamics)
        assert heat.customdata[0][0] == "gwm_test.ga1" and "%{x|%B %Y}" in heat.hovertemplate


def test_share_range_widens_to_whole_steps_within_0_and_1() -> None:
    from sim.report.html import share_range

    assert share_range(np.array([[0.81, 0.93], [np.nan, 0.88]])) == (0.8, 0.95)
    assert share_range(np.array([0.97, 0.99])) == (0.9, 1.0)  # at least 10 points wide, within 100%
    assert share_range(np.array([0.0, 0.01])) == (0.0, 0.1)
    assert share_range(np.array([np.nan])) == (0.0, 1.0)


def test_window_labels_take_rows_so_that_none_overlap() -> None:
    from sim.report.html import CHAR_PX, PLOT_PX, label_rows

    start, end = dt.date(2021, 4, 1), dt.date(2026, 1, 1)
    quarters = [(dt.date(2021, m, 1), f"2021 chip shortage Q{m // 3 + 1}: -26% of kits") for m in (4, 7, 10)]
    labels = [*quarters, (dt.date(2022, 1, 1), "2022 tail: -16% of kits"), (dt.date(2024, 1, 1), "end")]
    rows = label_rows(labels, start, end)
    assert rows == [0, 1, 2, 3, 0]  # back-to-back windows stack; a later one drops back to the first row
    span = (end - start).days
    boxes = [
        ((d - start).days / span * PLOT_PX, (d - start).days / span * PLOT_PX + CHAR_PX * len(t)) for d, t in labels
    ]
    for i, j in itertools.combinations(range(len(labels)), 2):
        if rows[i] == rows[j]:
            assert boxes[i][1] <= boxes[j][0] or boxes[j][1] <= boxes[i][0]


def test_units_gained_from_the_shortage_are_explained_in_the_chart(dynamics: Results) -> None:
    """A bar below zero (a brand building more than without the shortage) comes with a note saying
    why; without one, no note."""
    from sim.report.html import chip_shortage

    fig = go.Figure(chip_shortage(dynamics))
    below = min(float(np.min(t.y)) for t in fig.data if t.type == "bar") < -0.5
    notes = [a.text for a in fig.layout.annotations if a.text.startswith("Below zero")]
    assert len(notes) == below
    gained = copy.deepcopy(dynamics)
    gained.reference["without_chip_disruptions"] = gained.built - 1.0  # every brand 1 a month above
    assert any(a.text.startswith("Below zero") for a in go.Figure(chip_shortage(gained)).layout.annotations)
    nothing = copy.deepcopy(dynamics)
    nothing.reference["without_chip_disruptions"] = nothing.built + 1.0
    assert not any(a.text.startswith("Below zero") for a in go.Figure(chip_shortage(nothing)).layout.annotations)


def test_every_chart_is_a_valid_plotly_figure_sent_as_typed_arrays(results: Results, dynamics: Results) -> None:
    """Charts are plain data, drawn without plotly's validation: plotly must accept every one (it
    raises on a property it does not know), and the page carries their numbers as typed arrays."""
    from sim.report.html import charts, utilisation
    from sim.report.style import figures

    for r in (results, dynamics):
        for heading, fig in charts(r):
            assert go.Figure(fig).data, heading
    (div,) = [d for d in figures(charts(dynamics)[:1]) if "Plotly.newPlot" in d]
    assert '"y":{"dtype":"f4","bdata":"' in div and '"colorscale"' not in div
    heat = "".join(figures([("u", utilisation(dynamics))]))
    assert '"colorscale":[[0.0,"rgb(247,251,255)"]' in heat  # plotly's Blues, not plotly.js's own


def test_heatmap_colours_are_plotlys_scales() -> None:
    from plotly.colors import get_colorscale

    from sim.report.html import COLOUR_SCALES

    for name, colours in COLOUR_SCALES.items():
        assert [[i / 8, c] for i, c in enumerate(colours)] == get_colorscale(name.capitalize())


def test_a_run_report_is_written_without_importing_plotly(tmp_path: Path) -> None:
    """plotly's modules take ~80 ms to import: the run report needs none of them."""
    import subprocess
    import sys

    code = (
        "import sys, sim, sim.report\n"
        f"sim.report.write(sim.run(sim.load({str(SMALL)!r}), replications=2), {str(tmp_path / 'r.html')!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', '_plotly_utils', 'narwhals')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]" and "Plotly.newPlot" in (tmp_path / "r.html").read_text()
