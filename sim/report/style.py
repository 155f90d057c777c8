"""What every report shares: the page (CSS, plotly.js embedded once, atomic saving) and the
house style of its charts (plotly configuration and template, bars, lines, date markers).

Every report is one self-contained HTML file that opens offline from disk: plotly.js is
inlined once in the page head, no font, script or image is fetched, and charts are sent as
32-bit floats to keep the file small. Where many reports sit side by side (``--plotly
directory``), each page instead loads one shared copy of plotly.js from a file beside them
(`shared_plotly`), by a relative path: still offline, 4.8 MB once rather than in every page.

A chart is a plotly figure object (compare, sweep and study reports), or (the run report's, where
time counts) a `Figure`: the figure as plain data, as plotly.js reads it, built and written without
plotly (no per-property validation, no import of its figure classes: together ~0.4 s of a run of 100
replications). Its division of the page is the text plotly writes; tests hold both to plotly.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # plotly's figure objects: compare, sweep and study reports; the run report needs no plotly
    import plotly.graph_objects as go

CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}

HEIGHT = 420


def plotly_file(name: str) -> Path:
    """A file of plotly's package data (plotly.js, templates), found without importing plotly: its
    figure classes take ~80 ms to import, and the run report, drawn as plain data, needs none."""
    return Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / name


#: plotly_white's layout only, without the parts for maps, polar, ternary and 3-D charts and its
#: default colour scales (the heatmaps name theirs): the template is repeated in every chart.
TEMPLATE = {
    "layout": {
        k: v
        for k, v in json.loads(plotly_file("templates/plotly_white.json").read_text())["layout"].items()
        if k not in ("geo", "polar", "scene", "ternary", "colorscale")
    }
}

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.lead { color: #444; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts th { width: 28%; background: none; font-weight: 600; color: #555; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 20px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; }
.card .label { font-size: 0.85em; color: #555; }
.card .value { font-size: 1.5em; font-weight: 600; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .ci { font-size: 0.8em; color: #666; }
.chart { margin: 12px 0 8px; }
.note { font-size: 0.85em; color: #555; }
ul.summary { font-size: 1.05em; padding-left: 20px; margin: 8px 0 16px; }
ul.summary li { margin: 4px 0; }
td .ci { font-size: 0.8em; color: #666; }
code { font-size: 0.95em; }
details.sources { margin: 0 0 16px; }
details.sources summary { cursor: pointer; }
table.sources { font-size: 0.85em; }
table.sources td:first-child { white-space: nowrap; }
table.sources td:nth-child(2) { width: 22%; }
table.sources small { color: #666; }
table.sources .src { color: #666; font-size: 0.92em; overflow-wrap: anywhere; }
.tag { display: inline-block; font-size: 0.8em; padding: 0 6px; border-radius: 8px; background: #eee; color: #444; }
.tag.sourced { background: #e1f1e3; color: #2c6b36; }
.tag.derived { background: #e2ebf7; color: #24558f; }
.tag.remembered { background: #fcefd2; color: #8a5a00; }
.tag.assumption { background: #ececec; color: #555; }
.tag.not-found { background: #f9dede; color: #a12a2a; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  main { max-width: none; padding: 0; }
  .chart, .cards, .card, tr, table.facts { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .modebar-container { display: none !important; }
}
"""


def save(text: str, path: str | Path) -> Path:
    """Write an HTML document atomically: a temporary file next to `path`, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def figures(charts: list[tuple[str, go.Figure | Figure]], first: int = 0) -> list[str]:
    """Headed chart divisions for a page; plotly.js itself is embedded once, by `document`."""
    out = []
    for n, (heading, fig) in enumerate(charts, start=first):
        div = chart_div(fig, f"chart-{n}")
        out += [f"<h2>{esc(heading)}</h2>", f'<div class="chart">{div}</div>']
    return out


def document(title: str, sections: list[str], css: str = "", plotly_js: str | None = None) -> str:
    """A whole HTML page: the report style, plotly.js once, the sections in order. plotly.js is
    inlined, or with `plotly_js` (a relative URL, see `shared_plotly`) loaded from that file."""
    body = "\n".join(s for s in sections if s)
    if plotly_js is None:
        script = f'<script type="text/javascript">{plotly_source()}</script>'
    else:
        script = f'<script type="text/javascript" src="{html.escape(plotly_js, quote=True)}"></script>'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}{css}</style>\n{script}\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


#: Where a report's plotly.js comes from: inlined in the page, or one shared file in a folder.
PLOTLY_MODES = ("inline", "directory")


def plotly_name() -> str:
    """The file name of the shared plotly.js, with its version (reports of two versions can share a folder)."""
    import plotly.offline

    return f"plotly-{plotly.offline.get_plotlyjs_version()}.min.js"


def shared_plotly(folder: str | Path) -> Path:
    """Write plotly.js into `folder` once (`plotly_name`; kept when already there, written
    atomically otherwise) and return its path; a report beside it loads it by a relative path."""
    path = Path(folder) / plotly_name()
    text = plotly_source()
    try:
        if path.stat().st_size == len(text.encode("utf-8")):
            return path
    except OSError:
        pass
    return save(text, path)


def plotly_src(page: str | Path, js: str | Path) -> str:
    """The relative URL from report `page` to the shared plotly.js file `js`."""
    rel = os.path.relpath(Path(js).resolve(), Path(page).resolve().parent)
    return Path(rel).as_posix()


def bar_trace(
    x: list[str], y: np.ndarray, name: str, colour: str, fmt: str = ",.0f", **kwargs: object
) -> dict[str, Any]:
    return {
        "type": "bar",
        "x": x,
        "y": compact(y),
        "name": name,
        "marker": {"color": colour},
        "xperiod": "M1",
        "xperiodalignment": "middle",
        "hovertemplate": f"{name}<br>%{{x|%b %Y}}: %{{y:{fmt}}}<extra></extra>",
        **kwargs,
    }


def line_trace(
    x: list[str],
    y: np.ndarray,
    name: str,
    colour: str,
    *,
    dash: str = "solid",
    width: float = 2,
    fmt: str = ",.0f",
    **kwargs: object,
) -> dict[str, Any]:
    return {
        "type": "scatter",
        "x": x,
        "y": compact(y),
        "name": name,
        "mode": "lines",
        "line": {"color": colour, "dash": dash, "width": width},
        "xperiod": "M1",
        "xperiodalignment": "middle",
        "hovertemplate": f"{name}<br>%{{x|%b %Y}}: %{{y:{fmt}}}<extra></extra>",
        **kwargs,
    }


def compact(values: np.ndarray) -> np.ndarray:
    """Values as 32-bit floats: about 7 significant digits, plenty for a chart, and half the page
    space of 64-bit ones (plotly embeds numpy arrays as base64 of their bytes)."""
    return np.asarray(values, dtype=np.float32)


def date_marker(
    fig: go.Figure | Figure,
    day: dt.date,
    text: str,
    *,
    colour: str = "#555",
    dash: str = "dash",
    xanchor: str = "left",
) -> None:
    """A vertical line at `day` with a label at the top, to the right of the line (or left: xanchor="right")."""
    x = str(day)
    line = {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x", "yref": "paper"}
    _add(fig, "shapes", line | {"line": {"color": colour, "dash": dash}})
    label = {"x": x, "y": 1, "xref": "x", "yref": "paper", "text": f"{text} {x}", "showarrow": False}
    _add(fig, "annotations", label | {"xanchor": xanchor, "yanchor": "bottom"} | _font(colour))


def _font(colour: str) -> dict[str, Any]:
    return {"font": {"color": colour}} if colour != "#555" else {}


def styled(fig: go.Figure | Figure, title: str, ytitle: str | None) -> go.Figure | Figure:
    """The house style: title, template, margins, legend under the plot, date x axes."""
    if not isinstance(fig, dict):  # a plotly figure object
        fig.update_layout(_house(title, fig.layout.height or HEIGHT))
        fig.update_xaxes(DATE_AXIS)
        if ytitle:
            fig.update_yaxes(title_text=ytitle)
        return fig
    layout = fig["layout"]
    update(layout, _house(title, layout.get("height") or HEIGHT))
    update_axes(fig, "x", DATE_AXIS)
    if ytitle:
        update_axes(fig, "y", {"title": {"text": ytitle}})
    return fig


DATE_AXIS = {"type": "date", "tickformat": "%b\n%Y"}


def _house(title: str, height: int) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "template": TEMPLATE,
        "height": height,
        "margin": {"l": 60, "r": 30, "t": 70, "b": 40},
        # The legend sits a fixed 40 px under the plot area, clear of two-line date ticks at any height.
        "legend": {"orientation": "h", "y": -40 / (height - 110), "x": 0},
        "hovermode": "closest",
        "showlegend": True,
    }


def num(value: float) -> str:
    """A figure for prose: three significant digits, whole numbers from 100."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def esc(text: object) -> str:
    return html.escape(str(text))


def corner_note(fig: go.Figure | Figure, text: str) -> None:
    """A short note in the chart's top-left corner (what the reader might otherwise misread)."""
    note = {"text": text, "xref": "paper", "yref": "paper", "x": 0.01, "y": 0.97, "xanchor": "left"}
    _add(fig, "annotations", note | {"showarrow": False, "bgcolor": "rgba(255,255,255,0.8)"})


def plotly_source() -> str:
    """plotly.js, as plotly.offline.get_plotlyjs() reads it."""
    return plotly_file("plotly.min.js").read_text(encoding="utf-8")


def chart_div(fig: go.Figure | Figure, div_id: str) -> str:
    """The chart's division of a page: plotly's own (`plotly.io.to_html`, no plotly.js, no MathJax)
    for a figure object; the same text, written here, for a plain-data `Figure`: numpy arrays as
    typed arrays and JSON as plotly writes them (tests compare the two)."""
    if not isinstance(fig, dict):
        import plotly.io as pio

        return pio.to_html(
            fig, full_html=False, include_plotlyjs=False, include_mathjax=False, config=CONFIG, div_id=div_id
        )
    data, layout = _json([_typed(trace) for trace in fig["data"]]), _json(fig["layout"])
    height = fig["layout"].get("height", fig["layout"].get("template", {}).get("layout", {}).get("height", "100%"))
    height = f"{height}px" if isinstance(height, int | float) else height
    return (
        f'<div style="height:{height}; width:100%;">{" " * 28}<div id="{div_id}" class="plotly-graph-div" '
        f'style="height:100%; width:100%;"></div>{" " * 12}<script>{" " * 16}window.PLOTLYENV=window.PLOTLYENV '
        f'|| {{}};{" " * 32}if (document.getElementById("{div_id}")) {{{" " * 20}Plotly.newPlot({" " * 24}'
        f'"{div_id}",{" " * 24}{data},{" " * 24}{layout},{" " * 24}{json.dumps(CONFIG)}{" " * 20}){" " * 16}}};'
        f"{' ' * 12}</script>{' ' * 8}</div>"
    )


#: numpy dtypes plotly.js reads as typed arrays, by their names there.
TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4"}
TYPED |= {"float32": "f4", "float64": "f8"}


def _typed(value: Any) -> Any:
    """`value` with its numpy arrays as plotly.js typed arrays ({"dtype", "bdata"}: base64 of the bytes),
    as plotly sends them: 64-bit integers as the narrowest type that holds them; other arrays as they are."""
    if isinstance(value, dict):
        return {k: v if k in ("geojson", "layer", "layers", "range") else _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_typed(v) for v in value]
    if not isinstance(value, np.ndarray) or value.size == 0:
        return value
    if value.dtype.kind in "iu" and value.dtype.itemsize == 8:
        kind = value.dtype.kind
        narrow = (np.dtype(f"{kind}{n}") for n in (1, 2, 4))
        fits = [t for t in narrow if np.iinfo(t).min <= value.min() and value.max() <= np.iinfo(t).max]
        if not fits:
            return value
        value = value.astype(fits[0])
    if value.dtype.name not in TYPED:
        return value
    out = {"dtype": TYPED[value.dtype.name], "bdata": base64.b64encode(np.ascontiguousarray(value)).decode("ascii")}
    return out | ({"shape": str(value.shape)[1:-1]} if value.ndim > 1 else {})


def _json(value: Any) -> str:
    """`value` as plotly writes a figure's JSON: compact, NaN and infinities as null, and <, > and /
    escaped (the text goes inside a <script>)."""
    text = json.dumps(value, separators=(",", ":"), default=_plain)
    if "NaN" in text or "Infinity" in text:
        text = json.dumps(json.loads(text, parse_constant=lambda _: None), separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\u002f")


def _plain(value: Any) -> Any:
    """A numpy array or number as JSON takes it."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# -- figures as plain data ------------------------------------------------------------------------
#: A plotly figure as plotly.js reads it: {"data": [trace, ...], "layout": {...}}.
Figure = dict[str, Any]


def figure(**layout: Any) -> Figure:
    """An empty figure with `layout`."""
    return {"data": [], "layout": layout}


def stacked_panels(titles: list[str], spacing: float) -> Figure:
    """An empty figure of one titled panel per title, stacked, sharing the bottom panel's x axis: the
    axes and titles of plotly's make_subplots(rows=len(titles), cols=1, shared_xaxes=True,
    subplot_titles=titles, vertical_spacing=spacing), with its arithmetic."""
    n = len(titles)
    heights = [(1.0 - spacing * (n - 1)) / n] * n
    layout: dict[str, Any] = {"annotations": []}
    for r, title in enumerate(titles):
        below = n - 1 - r  # panels under this one
        bottom = sum(heights[:below]) + below * spacing
        top = bottom + heights[-1 - r]
        i = "" if r == 0 else str(r + 1)
        layout[f"xaxis{i}"] = {"anchor": f"y{i}", "domain": [0.0, 1.0]}
        if r < n - 1:
            layout[f"xaxis{i}"] |= {"matches": f"x{n}", "showticklabels": False}
        layout[f"yaxis{i}"] = {"anchor": f"x{i}", "domain": [_clip(bottom), _clip(top)]}
        layout["annotations"].append(
            {
                "text": title,
                "x": 0.5,
                "y": _clip(top),
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 16},
            }
        )
    return figure(**layout)


def _clip(edge: float) -> float:
    """A panel's edge a rounding error outside 0-1 put back on it (as make_subplots does)."""
    return 0.0 if -0.01 < edge < 0.0 else 1.0 if 1.0 < edge < 1.01 else edge


def two_y_axes() -> Figure:
    """An empty figure with a second y axis on the right (`on_row(trace, 1, "y2")`): make_subplots's
    axes for specs=[[{"secondary_y": True}]]."""
    return figure(
        xaxis={"anchor": "y", "domain": [0.0, 0.94]},
        yaxis={"anchor": "x", "domain": [0.0, 1.0]},
        yaxis2={"anchor": "x", "overlaying": "y", "side": "right"},
    )


def on_row(trace: dict[str, Any], row: int, yaxis: str | None = None) -> dict[str, Any]:
    """`trace` placed on panel `row` of a `stacked_panels` figure (or on axis `yaxis`: "y2" of `two_y_axes`)."""
    n = "" if row == 1 else str(row)
    return trace | {"xaxis": f"x{n}", "yaxis": yaxis or f"y{n}"}


def update(target: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Merge `changes` into `target` as plotly's update does: a dict into a dict key by key (a copy of
    it where `target` has none: figures share no dict, the template's included), else replaced."""
    for key, value in changes.items():
        if isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            update(target[key], value)
        else:
            target[key] = value
    return target


def update_axes(fig: Figure, letter: str, changes: dict[str, Any], only: str | None = None) -> None:
    """Update every x (`letter` "x") or y axis of `fig` (or the axis `only`, "yaxis2" say), as plotly's
    update_xaxes does: a figure without subplots has the one axis."""
    layout = fig["layout"]
    names = [only] if only else [k for k in layout if re.fullmatch(f"{letter}axis[0-9]*", k)] or [f"{letter}axis"]
    for name in names:
        update(layout.setdefault(name, {}), changes)


def _add(fig: go.Figure | Figure, kind: str, item: dict[str, Any]) -> None:
    """Add a shape or an annotation (`kind` "shapes" or "annotations") to either kind of figure."""
    if isinstance(fig, dict):
        fig["layout"].setdefault(kind, []).append(item)
    elif kind == "shapes":
        fig.add_shape(**item)
    else:
        fig.add_annotation(**item)
