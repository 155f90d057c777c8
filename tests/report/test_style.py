"""The page every report shares: plotly.js inlined, or one shared file loaded by a relative path."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from sim.report.style import document, plotly_name, plotly_src, shared_plotly, stacked_panels, two_y_axes, update


def test_the_shared_plotly_js_is_written_once_and_found_by_a_relative_path(tmp_path):
    js = shared_plotly(tmp_path)
    assert js.name == plotly_name() and js.read_text().startswith("/**")
    stamp = js.stat().st_mtime_ns
    assert shared_plotly(tmp_path) == js and js.stat().st_mtime_ns == stamp  # kept, not rewritten
    assert plotly_src(tmp_path / "run" / "report.html", js) == f"../{plotly_name()}"
    assert plotly_src(tmp_path / "a" / "b" / "x.html", js) == f"../../{plotly_name()}"


def test_a_page_inlines_plotly_unless_given_the_shared_file():
    inline, shared = document("t", ["<p>x</p>"]), document("t", ["<p>x</p>"], plotly_js="../p.js")
    assert len(inline) > 3_000_000 and len(shared) < 20_000
    assert '<script type="text/javascript" src="../p.js"></script>' in shared


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6])
@pytest.mark.parametrize("spacing", [0.12, 0.08, 0.4 / 6])
def test_stacked_panels_are_laid_out_as_plotly_lays_out_subplots(n, spacing):
    from plotly.subplots import make_subplots

    titles = [f"panel {i}" for i in range(n)]
    expected = make_subplots(rows=n, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=spacing)
    assert go.Figure(stacked_panels(titles, spacing)).layout == expected.layout


def test_a_second_y_axis_is_laid_out_as_plotly_lays_it_out():
    from plotly.subplots import make_subplots

    assert go.Figure(two_y_axes()).layout == make_subplots(specs=[[{"secondary_y": True}]]).layout


def test_an_update_merges_dicts_into_copies_of_their_own():
    shared = {"text": "t", "font": {"size": 12}}
    a, b = update({"title": "old", "x": 1}, {"title": shared}), update({}, {"title": shared, "x": [1]})
    a["title"]["font"]["size"] = 20
    assert a == {"title": {"text": "t", "font": {"size": 20}}, "x": 1}
    assert b == {"title": {"text": "t", "font": {"size": 12}}, "x": [1]} and shared["font"]["size"] == 12


def test_a_plain_data_chart_is_written_as_plotly_writes_it():
    """The run report writes its charts without plotly: the division, typed arrays and JSON are plotly's."""
    import copy

    import numpy as np
    import plotly.io as pio
    from _plotly_utils.utils import convert_to_base64

    from sim.report.style import CONFIG, bar_trace, chart_div, figure, styled

    fig = styled(figure(barmode="stack"), "A <b>title</b> / more", "vehicles")
    fig["data"] += [bar_trace(["2021-04", "2021-05"], np.array([1.5, np.nan]), "a", "#123456")]
    fig["data"].append({"type": "heatmap", "z": np.arange(6.0).reshape(2, 3), "y": np.array([3, 300, -70000])})
    fig["data"].append({"type": "scatter", "customdata": np.array([["x", "y"]], dtype=object), "x": [float("nan")]})
    expected = copy.deepcopy(fig)
    convert_to_base64(expected)
    options = {"full_html": False, "include_plotlyjs": False, "include_mathjax": False, "config": CONFIG}
    assert chart_div(fig, "c1") == pio.to_html(expected, div_id="c1", validate=False, **options)


def test_plotly_js_and_the_template_are_plotlys_own():
    import plotly.io as pio
    import plotly.offline

    from sim.report.style import TEMPLATE, plotly_source

    assert plotly_source() == plotly.offline.get_plotlyjs()
    white = pio.templates["plotly_white"].layout.to_plotly_json()
    assert {"layout": {k: v for k, v in white.items() if k in TEMPLATE["layout"]}} == TEMPLATE
    assert set(white) - set(TEMPLATE["layout"]) == {"geo", "polar", "scene", "ternary", "colorscale"}
