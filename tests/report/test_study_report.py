"""The study report (`sim optimize`): self-contained, the summary first, every section, escaped, and
showing the numbers of the `StudyResult` it is drawn from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.experiment.optimize import StudyResult, optimize
from sim.experiment.study import load_study
from sim.report.optimize import View, charts, fitted, page, write
from sim.report.study import kpi_value, summary, value
from tests.conftest import DATA
from tests.experiment.test_optimize import ONE_LINE
from tests.experiment.test_optimize import write as write_yaml

PLOTLY_MARKER = "* plotly.js v"  # the banner comment at the top of plotly.js
MAX_BYTES = 5_000_000
ONE_LINE_TERMS = "budget: {replications: 3, n0: 3, contenders: 3, max_replications: 6}\n"
SINGLE = ["Summary", "Recommendation", "Response of the objective", "Feasible region",
          "Sensitivity around the chosen terms", "Effort", "The study", "Every candidate"]  # fmt: skip
FRONT = ["Summary", "The Pareto front", "Feasible region", "The front", "Effort", "The study", "Every candidate"]


def _study(tmp: Path, name: str, body: str) -> StudyResult:
    if not (tmp / "one_line.yaml").exists():
        write_yaml(tmp, "one_line.yaml", ONE_LINE)
    return optimize(load_study(write_yaml(tmp, f"{name}.yaml", "scenario: one_line.yaml\n" + body + ONE_LINE_TERMS)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("studies")


@pytest.fixture(scope="module")
def one(folder: Path) -> StudyResult:
    # The net contribution rises with the share until the cap on the owner's loss binds near 0.48.
    return _study(folder, "one", """description: "Reserve <script>alert('x')</script> & fee"
decide: {contract.reserved_share: {min: 0, max: 0.8, resolution: 0.02}}
maximise: owner_net_contribution_rmb
constraints: [owner_units_lost <= 5000, P(contract_units_2022 >= 2000) >= 0.6]
""")  # fmt: skip


@pytest.fixture(scope="module")
def two(folder: Path) -> StudyResult:
    return _study(folder, "two", """decide:
  contract.reserved_share: {min: 0, max: 0.8, resolution: 0.05}
  contract.fee_rmb_per_unit: {min: 10000, max: 20000, resolution: 2500}
maximise: owner_net_contribution_rmb
constraints: [owner_units_lost <= 5000, mean(contract_fees_rmb) <= 60_000_000]
""")  # fmt: skip


@pytest.fixture(scope="module")
def front(folder: Path) -> StudyResult:
    # More reserve builds more EVs and costs the owner more: every share is on the front.
    return _study(folder, "front", """decide: {contract.reserved_share: {min: 0.1, max: 0.7, resolution: 0.1}}
maximise: contract_units_2022
minimise: owner_units_lost
constraints: [owner_units_lost <= 6000]
""")  # fmt: skip


@pytest.fixture(scope="module")
def choice(folder: Path) -> StudyResult:
    path = write_yaml(folder, "choice.yaml", f"""scenario: {DATA / "small.yaml"}
decide: {{contract.policy: [reserved_share, proportional]}}
maximise: owner_net_contribution_rmb
{ONE_LINE_TERMS}""")  # fmt: skip
    return optimize(load_study(path))


NAMES = ["one", "two", "front", "choice"]
_DRAWN: dict[int, tuple[str, dict[str, tuple[Any, str]]]] = {}


def drawn(result: StudyResult) -> tuple[str, dict[str, tuple[Any, str]]]:
    """The page of `result` and its charts by heading (figure, HTML after it), drawn once: plotly is slow."""
    if id(result) not in _DRAWN:
        _DRAWN[id(result)] = (page(result), {h: (f, after) for h, f, after in charts(View(result))})
    return _DRAWN[id(result)]


def chart(result: StudyResult, heading: str) -> Any:
    return drawn(result)[1][heading][0]


def headings(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", text)]


def visible(text: str) -> str:
    """The page without its scripts (plotly.js and the figures' data)."""
    return re.sub(r"<script\b.*?</script>", "", text, flags=re.DOTALL)


def strings(node: Any) -> list[str]:
    """Every string of a figure's JSON (titles, hover texts, tick suffixes, names)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in strings(v)]
    return []


@pytest.mark.parametrize("name", NAMES)
def test_writes_one_self_contained_file(request: pytest.FixtureRequest, name: str, tmp_path: Path) -> None:
    result = request.getfixturevalue(name)
    path = write(result, tmp_path / "out" / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.count(PLOTLY_MARKER) == 1
    tags = re.findall(r"<script\b[^>]*>|<link\b[^>]*>", text, flags=re.IGNORECASE)
    assert not [t for t in tags if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", t, re.IGNORECASE)]
    assert path.stat().st_size < MAX_BYTES
    assert not list(path.parent.glob(".*.tmp"))
    _DRAWN[id(result)] = (text, {h: (f, after) for h, f, after in charts(View(result))})


@pytest.mark.parametrize(("name", "sections"), [("one", SINGLE), ("two", SINGLE), ("front", FRONT),
                                                 ("choice", [s for s in SINGLE if s != "Feasible region"])])  # fmt: skip
def test_the_summary_comes_first_then_every_section(request: pytest.FixtureRequest, name: str, sections: list) -> None:
    result = request.getfixturevalue(name)
    text = drawn(result)[0]
    assert headings(text) == sections
    body = visible(text)
    first = body.index("<h2>Summary</h2>")
    for sentence in summary(result):
        assert 0 < body.index(html.escape(sentence)) - first < body.index("<h2>", first + 1) - first


def test_the_description_is_escaped(one: StudyResult) -> None:
    text = drawn(one)[0]
    assert "<script>alert" not in text
    assert "Reserve &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; fee" in text
    odd = dataclasses.replace(one.study, description="", name="a<b>")
    text = page(dataclasses.replace(one, study=odd))
    assert "<h1>Study a&lt;b&gt;</h1>" in text and "a<b>" not in visible(text)


def test_the_recommendation_shows_the_chosen_terms_and_their_numbers(one: StudyResult) -> None:
    c = one.chosen
    assert c is not None
    start = one.study.base().meta.start_date
    v = one.variables[0]
    share = c.values[v.path]
    assert 0.46 <= share <= 0.48  # the kink at 5,000 / 10,320 on a 0.02 grid
    text = visible(drawn(one)[0])
    recommendation = text[text.index("<h2>Recommendation</h2>") : text.index("<h2>", text.index("Recommendation"))]
    e = c.objective(0)
    assert f">{value(v, share)}</td>" in recommendation  # e.g. 48%
    assert html.escape(kpi_value("RMB", e.value, start)) in recommendation
    assert (
        html.escape(f"95% CI {kpi_value('RMB', e.low, start)} to {kpi_value('RMB', e.high, start)}") in recommendation
    )
    assert f"{e.n:,} fresh replications" in recommendation
    for con, f in zip(one.constraints, one.feasibility, strict=True):
        row = recommendation[recommendation.index(html.escape(con.text)) :].split("</tr>")[0]
        assert {"feasible": ">met<", "infeasible": ">not met<", "undecided": ">undecided<"}[f.verdict] in row
        shown = f"{100 * f.estimate:.0f}%" if con.chance else f"{f.estimate:,.0f}"
        assert f">{shown}</td>" in row and f">{f.n:,}</td>" in row and ">95%</td>" in row
    assert "Kim-Nelson" in recommendation or "only candidate" in recommendation or "best estimate" in recommendation


def test_the_effort_and_every_candidate_are_listed(two: StudyResult) -> None:
    text = visible(drawn(two)[0])
    effort = text[text.index("<h2>Effort</h2>") : text.index("<h2>The study</h2>")]
    assert f"{two.replications:,}" in effort and f"{two.full_grid_replications:,} replications" in effort
    assert f"{two.wall_seconds:,.1f} s" in effort
    table = text[text.index("<h2>Every candidate</h2>") :]
    assert table.count("<tr") == len(two.candidates) + 1
    assert table.count('<tr class="chosen">') == 1
    assert "RMB 20,000" in table and "25%" in table  # readable units: money with separators, shares in percent


def test_each_design_gets_its_response_chart(one: StudyResult, two: StudyResult, choice: StudyResult) -> None:
    line = chart(one, "Response of the objective")
    names = {t.name for t in line.data}
    assert {"coarse design", "refinement", f"chosen (candidate {one.chosen.id})", "95% CI"} <= names
    scatter = chart(two, "Response of the objective")
    assert scatter.layout.coloraxis.colorscale and scatter.layout.yaxis.title.text == "Fee (RMB per unit)"
    first = two.candidate(1)  # reserved share 0, fee 10,000: no EV, no money
    assert scatter.data[0].hovertext[0] == (
        "candidate 1 (coarse)<br>Reserved share 0%, Fee (RMB per unit) RMB 10,000<br>"
        f"Owner&#x27;s net contribution of the contract: {kpi_value('RMB', first.objectives[0].value, dt.date(2022, 1, 3))}"
    )
    bars = chart(choice, "Response of the objective")
    assert [t.type for t in bars.data] == ["bar"] and list(bars.data[0].x) == ["reserved_share", "proportional"]


def test_the_feasible_region_marks_verdicts_and_bounds(one: StudyResult, two: StudyResult) -> None:
    fig = chart(one, "Feasible region")
    verdicts = {c.verdicts[0].verdict for c in one.candidates} | {c.fresh_verdicts[0].verdict for c in one.candidates
                                                                   if c.fresh_verdicts}  # fmt: skip
    assert "infeasible" in verdicts and {t.name for t in fig.data if t.showlegend is not False} >= {"met", "not met"}
    assert [s.y0 for s in fig.layout.shapes] == [5000, 60]  # the bounds: 5,000 vehicles and 60%
    plane = chart(two, "Feasible region")
    assert any(t.type == "contour" for t in plane.data)  # the bound, fitted between the evaluated terms


def test_the_front_shows_its_members_with_intervals_and_fades_the_rest(front: StudyResult) -> None:
    assert len(front.front) >= 3
    fig = chart(front, "The front")
    members = next(t for t in fig.data if t.name == "the front (fresh estimates, 95% CI)")
    assert list(members.text) == [f"#{i}" for i in front.front]
    assert list(members.x) == [front.candidate(i).objective(0).value for i in front.front]
    text = visible(drawn(front)[0])
    table = text[text.index("<h2>The Pareto front</h2>") : text.index("<h2>Feasible region</h2>")]
    assert table.count("<tr>") == len(front.front) + 1


def test_the_sensitivity_lists_each_neighbour(one: StudyResult) -> None:
    fig, table = drawn(one)[1]["Sensitivity around the chosen terms"]
    assert len(fig.data[0].y) == len(one.sensitivity) == table.count("<tr>") - 1
    assert list(fig.data[0].x) == pytest.approx([s.difference / 1e6 for s in one.sensitivity[::-1]])


@pytest.mark.parametrize("name", NAMES)
def test_no_scientific_notation(request: pytest.FixtureRequest, name: str) -> None:
    text, figures = drawn(request.getfixturevalue(name))
    texts = [s for fig, after in figures.values() for s in [*strings(fig.to_plotly_json()["layout"]), after]]
    texts += [s for fig, _ in figures.values() for t in fig.data for s in strings([t.name, t.hovertext, t.text])]
    texts.append(visible(text))
    plain = [re.sub(r"#[0-9a-fA-F]{3,8}\b", "", s) for s in texts]  # colours are not numbers
    assert not [s for s in plain if re.search(r"\d[eE][+-]?\d", s)]


def test_the_fitted_surface_is_exact_for_a_product_and_says_how_well_it_fits() -> None:
    # Fees are a share times a fee: a quadratic surface holds them exactly, so the bound's line is right.
    xs, ys = np.meshgrid(np.linspace(0.2, 0.6, 5), np.linspace(5000, 12000, 5))
    points = np.column_stack([xs.ravel(), ys.ravel(), (xs * ys).ravel()])
    gx, gy, z, r2 = fitted(points, (0.2, 0.6), (5000, 12000), n=9)
    assert r2 == pytest.approx(1.0) and z.shape == (9, 9)
    assert z == pytest.approx(np.outer(gy, gx), rel=1e-9)
    steps = points.copy()
    steps[:, 2] = (steps[:, 0] > 0.4).astype(float)  # a step: a poor fit, and no line is drawn for it
    assert fitted(steps, (0.2, 0.6), (5000, 12000))[3] < 0.95


def test_sim_optimize_writes_the_study_report(tmp_path: Path) -> None:
    write_yaml(tmp_path, "one_line.yaml", ONE_LINE)
    study = write_yaml(tmp_path, "s.yaml", "scenario: one_line.yaml\ndecide: {contract.reserved_share: "
                       "{min: 0.1, max: 0.5, resolution: 0.1}}\nmaximise: owner_net_contribution_rmb\n" + ONE_LINE_TERMS)  # fmt: skip
    out = tmp_path / "runs" / "study"
    result = CliRunner().invoke(main, ["optimize", str(study), "--out", str(out), "-q", "--plotly", "directory"])
    assert result.exit_code == 0, result.output
    text = (out / "report.html").read_text()
    assert headings(text)[:2] == ["Summary", "Recommendation"]
    assert PLOTLY_MARKER not in text and 'src="../plotly-' in text  # the shared copy beside the output folder
