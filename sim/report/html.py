"""The HTML report of a run: one self-contained file a planner can open offline, mail or print.

It shows the scenario's name and description, with (given the scenario file) the
seeds/facts.yaml entries its `# facts:` comments cite, their values, status and sources;
the scenario (plants, lines and their breakdowns and changeovers, chip supply,
contract terms, seed, hash), KPI cards, the full KPI table with 95% confidence intervals and
the OEE split per line, then one chart per question: monthly output by brand against demand;
the contract product's output (mean and P10-P90 band) against its demand; the launch program
as a Gantt chart (median start to finish of each milestone, P10-P90 of its finish); the distribution
of the SOP date against the target launch; line utilisation by month; where each line's
calendar hours go (producing, changeover, down, idle, closed) and its OEE by month; units lost
to the chip shortage against the disruption windows; lost sales and scrap; and what the
contract costs the owner (own-brand units lost) and earns it (fees). Monthly figures are
means over replications; bands are P10-P90 across replications. A chart appears only when its
data exists: contract charts with a contract, line-loss charts with breakdowns, changeovers
or scrap, the chip chart with chip disruptions, lost sales and scrap when there are any.
Everything is drawn from `Results`; nothing re-simulates. plotly.js is embedded once, and
nothing is fetched from the network (no CDN, fonts or MathJax; sources' web addresses are plain
links). Chart data go as 32-bit floats and 'YYYY-MM' months, to keep the file under 5 MB.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline
import yaml
from plotly.subplots import make_subplots

import sim
from sim.model.calendar import HOURS_PER_DAY
from sim.results.kpis import Kpi
from sim.results.results import Results
from sim.results.stats import quantile_ci
from sim.scenario.plant import Line, Plant
from sim.scenario.supply import Chips

#: Fixed colours keyed by brand (lower case), so a brand looks the same in every chart and report.
BRAND_COLOURS = {
    "haval": "#c8102e",
    "wey": "#1f3a5f",
    "ora": "#2bb3a3",
    "tank": "#6b7b3a",
    "pickup": "#8c6d46",
    "gwm": "#7f7f7f",
    "xiaomi": "#ff6900",
}
#: Colours for brands not in BRAND_COLOURS, taken in order of first appearance.
SPARE_COLOURS = ("#6a5acd", "#d4a017", "#4682b4", "#b0578d", "#2e8b57", "#a0522d", "#708090")
#: Fixed colours of the ways a line's calendar hours are spent, in stacking order (bottom first).
TIME_COLOURS = {
    "producing": "#4a9c5d",
    "changeover": "#f0a830",
    "down": "#d9534f",
    "starved": "#8e6cc0",
    "blocked": "#5b8fd1",
    "idle": "#a9b4c2",
    "closed": "#e6e6e6",
}
CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}
HEIGHT = 420
#: plotly_white's layout only, without the parts for maps, polar, ternary and 3-D charts and its
#: default colour scales (the heatmaps name theirs): the template is repeated in every chart.
TEMPLATE = go.layout.Template(
    layout={
        k: v
        for k, v in pio.templates["plotly_white"].layout.to_plotly_json().items()
        if k not in ("geo", "polar", "scene", "ternary", "colorscale")
    }
)

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


def write(results: Results, path: str | Path, source: str | Path | None = None) -> Path:
    """Write the report of `results` to `path` (written to a temporary file, then renamed).

    `source` is the scenario file: when given, the header lists the seeds/facts.yaml entries it cites.
    """
    return save(page(results, source), path)


def save(text: str, path: str | Path) -> Path:
    """Write an HTML document atomically: a temporary file next to `path`, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def figures(charts: list[tuple[str, go.Figure]], first: int = 0) -> list[str]:
    """Headed chart divisions for a page; plotly.js itself is embedded once, by `document`."""
    out = []
    for n, (heading, fig) in enumerate(charts, start=first):
        div = fig.to_html(
            full_html=False, include_plotlyjs=False, include_mathjax=False, config=CONFIG, div_id=f"chart-{n}"
        )
        out += [f"<h2>{_e(heading)}</h2>", f'<div class="chart">{div}</div>']
    return out


def document(title: str, sections: list[str], css: str = "") -> str:
    """A whole self-contained HTML page: the report style, plotly.js once, the sections in order."""
    body = "\n".join(s for s in sections if s)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}{css}</style>\n"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n'
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def page(results: Results, source: str | Path | None = None) -> str:
    """The whole report as one HTML document (with the facts cited by scenario file `source`, if given)."""
    meta = results.scenario.meta
    kpis = results.kpis()
    sections = [
        f"<h1>{_e(meta.name)}</h1>",
        f'<p class="lead">{_e(meta.description)}</p>' if meta.description else "",
        provenance(source) if source is not None else "",
        _cards(results, kpis),
        "<h2>Scenario</h2>",
        _facts(results),
        "<h2>Key indicators</h2>",
        _kpi_table(results, kpis),
    ]
    if _line_losses(results):
        sections += ["<h2>Line performance over the horizon</h2>", _line_table(results)]
    sections += figures(charts(results), len(sections))
    sections.append(
        f'<p class="note">Monthly figures are means over {results.replications} replications; bands span '
        "P10-P90 across replications; intervals are 95% confidence intervals of the estimate. "
        f"Generated by sim {_e(sim.__version__)}.</p>"
    )
    return document(f"{meta.name} - sim report", sections)


def charts(results: Results) -> list[tuple[str, go.Figure]]:
    """(section heading, figure) of every chart that applies to the scenario."""
    out = [("Output by brand", output_by_brand(results))]
    if results.scenario.contract is not None:
        out.append(("Contract product", contract_output(results)))
    if results.scenario.program is not None:
        out.append(("Launch program", launch_program(results)))
    if results.scenario.contract is not None:
        out.append(("Start of production", sop_distribution(results)))
    out.append(("Line utilisation", utilisation(results)))
    if _line_losses(results):
        out += [("Where the time goes", time_use(results)), ("OEE by line", oee(results))]
    if "without_chip_disruptions" in results.reference:
        out.append(("Chip shortage", chip_shortage(results)))
    if results.lost.any() or results.scrap.any():
        out.append(("Lost sales and scrap", lost_and_scrap(results)))
    if results.scenario.contract is not None:
        out += [
            ("What the contract costs the owner", units_lost(results)),
            ("What the contract earns the owner", contract_fees(results)),
        ]
    return out


# -- charts -----------------------------------------------------------------------------------
def output_by_brand(results: Results) -> go.Figure:
    """Mean monthly output per brand as stacked bars, with total mean demand as a line."""
    x = _month_dates(results)
    fig = go.Figure()
    for brand, mask in _brands(results).items():
        y = results.built[:, mask, :].sum(axis=1).mean(axis=0)
        fig.add_trace(_bar(x, y, brand, brand_colour(results, brand)))
    demand = results.demand.sum(axis=1).mean(axis=0)
    fig.add_trace(_line(x, demand, "Total demand", "#222", dash="dot"))
    fig.update_layout(barmode="stack")
    return _style(fig, "Monthly output by brand and total demand (vehicles per month)", "vehicles per month")


def contract_output(results: Results) -> go.Figure:
    """The contract products' monthly output: mean and P10-P90 band, against mean demand."""
    x = _month_dates(results)
    mask = results.customer_mask()
    built = results.built[:, mask, :].sum(axis=1)
    low, high = np.percentile(built, [10, 90], axis=0)
    colour = brand_colour(results, results.scenario.customer_products[0].brand)
    fig = go.Figure()
    fig.add_trace(_line(x, high, "P90", colour, width=0, showlegend=False))
    fig.add_trace(
        _line(x, low, "P10-P90 across replications", colour, width=0, fill="tonexty", fillcolor=_rgba(colour, 0.25))
    )
    fig.add_trace(_line(x, built.mean(axis=0), "Output (mean)", colour, width=3))
    fig.add_trace(_line(x, results.demand[:, mask, :].sum(axis=1).mean(axis=0), "Demand (mean)", "#222", dash="dot"))
    _marker(fig, results.scenario.program.target_launch, "target launch")
    customer = results.scenario.contract.customer
    return _style(fig, f"Contract output for {customer}: mean and P10-P90 (vehicles per month)", "vehicles per month")


def sop_distribution(results: Results) -> go.Figure:
    """Histogram of SOP dates over replications, their cumulative share, and the target launch.

    Counts are binned here (at most about 40 bins of whole weeks), so the file's size does not
    grow with the number of replications.
    """
    n = results.replications
    reached = np.isfinite(results.sop) & (results.sop <= results.horizon_hours)
    days = np.floor(results.sop[reached] / HOURS_PER_DAY)
    edges, counts = _weekly_bins(days)
    start = results.scenario.meta.start_date
    edge_dates = [str(start + dt.timedelta(days=float(d))) for d in edges]
    width_ms = float(edges[1] - edges[0]) * 86_400_000 if len(edges) > 1 else None
    target = results.scenario.program.target_launch
    on_time = float(np.mean(results.sop < results.target_hour()))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=edge_dates[:-1],
            y=counts,
            width=width_ms,
            offset=0,
            name=f"Replications per {_weeks(edges)} bin",
            marker_color="#9aa7b8",
            hovertemplate="from %{x}: %{y} replications<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=edge_dates,
            y=np.concatenate([[0], np.cumsum(counts)]) / n,
            name="Cumulative share of replications",
            mode="lines",
            line={"color": brand_colour(results, results.scenario.customer_products[0].brand), "width": 2},
            hovertemplate="by %{x}: %{y:.0%}<extra></extra>",
        ),
        secondary_y=True,
    )
    _marker(fig, target, "target launch")
    missing = n - int(reached.sum())
    if missing:
        fig.add_annotation(
            text=f"{missing} of {n} replications reach no SOP within the horizon (not shown)",
            xref="paper",
            yref="paper",
            x=0.01,
            y=0.97,
            xanchor="left",
            showarrow=False,
            bgcolor="rgba(255,255,255,0.8)",
        )
    fig.update_yaxes(title_text="replications", range=[0, 1.12 * max(counts, default=1)], secondary_y=False)
    fig.update_yaxes(
        title_text="cumulative share",
        tickformat=".0%",
        tickmode="array",
        tickvals=[0, 0.25, 0.5, 0.75, 1],
        range=[0, 1.02],
        secondary_y=True,
        showgrid=False,
    )
    title = (
        f"SOP date over {n} replications (count and cumulative share)<br>P(SOP on or before {target}) = {on_time:.0%}"
    )
    _style(fig, title, None)
    fig.update_xaxes(tickformat="%-d %b\n%Y")  # ticks every few weeks: month names alone would repeat
    return fig


def launch_program(results: Results) -> go.Figure:
    """The launch program as a Gantt chart: each milestone's median start to median finish, with a
    light band over the P10-P90 of its finish date, and lines at program start, target launch and SOP P50.

    Rows are the program's milestones in the scenario's order; only percentiles are sent to the
    page, so its size does not grow with the number of replications.
    """
    program = results.scenario.program
    n = results.replications
    colour = brand_colour(results, results.scenario.customer_products[0].brand)
    labels = _milestone_labels(program.milestones)
    rows: dict[bool, list] = {True: [], False: []}  # assisted -> rows of the median bars
    band = []
    for i, milestone in enumerate(program.milestones):
        start, finish = results.milestone_start[:, i], results.milestone_finish[:, i]
        s50, f50 = results.date(np.median(start)), results.date(np.median(finish))
        f10, f90 = (results.date(h) for h in np.percentile(finish, [10, 90]))
        if None in (s50, f50, f10, f90):
            continue  # a milestone some replications never reach has no dates to draw
        days = float(np.median(finish - start)) / HOURS_PER_DAY
        assist = milestone.assisted and program.engineering_assist != 1
        rows[assist].append((labels[i], s50, f50, days, f10, f90))
        band.append((labels[i], f10, f90))
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            orientation="h",
            y=[r[0] for r in band],
            base=[str(r[1]) for r in band],
            x=[_ms(r[1], r[2]) for r in band],
            customdata=[[str(r[1]), str(r[2])] for r in band],
            width=0.8,
            name="Finish date, P10-P90 across replications",
            legendrank=1001,
            marker={"color": _rgba(colour, 0.22), "line": {"width": 0}},
            hovertemplate="%{y}<br>finish P10 %{customdata[0]} to P90 %{customdata[1]}<extra></extra>",
        )
    )
    names = {
        True: f"Median start to median finish, shortened by the owner's assist (x{program.engineering_assist:g})",
        False: "Median start to median finish" + (", not assisted" if rows[True] else ""),
    }
    for assisted, shade in ((True, colour), (False, "#5b6b7f")):
        if not rows[assisted]:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[r[0] for r in rows[assisted]],
                base=[str(r[1]) for r in rows[assisted]],
                x=[_ms(r[1], r[2]) for r in rows[assisted]],
                customdata=[[str(r[1]), str(r[2]), f"{r[3]:.0f}", str(r[4]), str(r[5])] for r in rows[assisted]],
                width=0.42,
                name=names[assisted],
                marker={"color": shade, "line": {"width": 0}},
                hovertemplate=(
                    "<b>%{y}</b><br>median start %{customdata[0]}<br>median finish %{customdata[1]}"
                    "<br>finish P10-P90 %{customdata[3]} to %{customdata[4]}"
                    "<br>median duration %{customdata[2]} days<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="overlay", height=170 + 34 * len(labels))
    sop = quantile_ci(results.sop, 0.5)[0]
    sop50 = results.date(sop) if sop <= results.horizon_hours else None
    _marker(fig, program.start_date, "program start", dash="dot")
    target, late = program.target_launch, sop50 is not None and sop50 > program.target_launch
    _marker(fig, target, "target launch", xanchor="right" if late else "left")
    if sop50 is not None:
        _marker(fig, sop50, "SOP P50", colour=colour, dash="solid", xanchor="left" if late else "right")
    _style(fig, f"Launch program: median start to median finish of each milestone over {n} replications (dates)", None)
    subtitle = "Light band: P10-P90 of the milestone's finish date. SOP P50: median finish of the whole program."
    fig.update_layout(title_subtitle={"text": subtitle, "font": {"size": 12, "color": "#555"}}, margin_t=90)
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False)
    return fig


def utilisation(results: Results) -> go.Figure:
    """Heatmap of each line's busy hours over open hours by month, pooled over replications."""
    share = _pooled(results.busy_hours, results.open_hours)
    fig = _line_heatmap(results, share, "busy / open", "Blues")
    return _style(fig, "Line utilisation by month (busy hours / open hours, %)", None)


def time_use(results: Results) -> go.Figure:
    """Each line's calendar hours by month, stacked: producing, changeover, down, starved, blocked, idle, closed."""
    x = _month_dates(results)
    hours = _time_use(results)
    names = results.line_names
    fig = make_subplots(
        rows=len(names), cols=1, shared_xaxes=True, subplot_titles=names, vertical_spacing=min(0.08, 0.4 / len(names))
    )
    for i in range(len(names)):
        for kind, y in hours.items():
            bar = _bar(x, y[i], kind, TIME_COLOURS[kind], unit=" h", legendgroup=kind, showlegend=i == 0)
            fig.add_trace(bar, row=i + 1, col=1)
    fig.update_layout(barmode="stack", bargap=0.15, height=150 + 190 * len(names))
    fig.update_yaxes(title_text="hours per month", rangemode="tozero")
    _style(fig, "Where each line's time goes by month (calendar hours per month, mean)", None)
    fig.update_traces(hovertemplate="%{fullData.name}: %{y:,.0f} h<extra></extra>")
    fig.update_layout(hovermode="x unified", legend={"traceorder": "normal"})
    return fig


def oee(results: Results) -> go.Figure:
    """Heatmap of each line's OEE by month: good vehicles over open hours times rated speed, pooled."""
    jph = _jph(results)[None, :, None]
    share = _pooled(results.line_built, results.open_hours * jph)
    fig = _line_heatmap(results, share, "OEE", "Greens")
    return _style(fig, "OEE by line and month (good vehicles / (open hours x rated JPH), %)", None)


def chip_shortage(results: Results) -> go.Figure:
    """Units lost to the chip shortage per month by brand (nominal supply minus disrupted), with the windows."""
    x = _month_dates(results)
    short = results.reference["without_chip_disruptions"] - results.built
    fig = go.Figure()
    for brand, mask in _brands(results).items():
        fig.add_trace(_bar(x, short[:, mask, :].sum(axis=1).mean(axis=0), brand, brand_colour(results, brand)))
    fig.add_trace(_line(x, short.sum(axis=1).mean(axis=0), "Net, all brands", "#222", dash="dot"))
    fig.update_layout(barmode="relative")
    meta = results.scenario.meta
    end = meta.end_date + dt.timedelta(days=1)
    for d in results.scenario.supply.chips.disruptions:
        first, last = max(d.first_day, meta.start_date), min(d.last_day + dt.timedelta(days=1), end)
        if first < last:
            fig.add_vrect(x0=str(first), x1=str(last), fillcolor="#888", opacity=0.15, layer="below", line_width=0)
            fig.add_annotation(
                x=str(first),
                y=1,
                xref="x",
                yref="paper",
                text=f"{_e(d.name)}: -{d.share_lost:.0%} of kits",
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
            )
    title = "Units lost to the chip shortage per month by brand (vehicles, nominal supply minus disrupted)"
    return _style(fig, title, "vehicles per month")


def lost_and_scrap(results: Results) -> go.Figure:
    """Lost sales and scrapped vehicles per month by brand, one panel each (only the ones that occur)."""
    x = _month_dates(results)
    panels = [
        (title, values)
        for title, values in (
            ("Lost sales (demand that waited too long)", results.lost),
            ("Scrapped vehicles", results.scrap),
        )
        if values.any()
    ]
    fig = make_subplots(
        rows=len(panels), cols=1, shared_xaxes=True, subplot_titles=[t for t, _ in panels], vertical_spacing=0.12
    )
    shown: set[str] = set()
    for row, (_, values) in enumerate(panels, start=1):
        for brand, mask in _brands(results).items():
            y = values[:, mask, :].sum(axis=1).mean(axis=0)
            if not y.any():
                continue
            bar = _bar(x, y, brand, brand_colour(results, brand), legendgroup=brand, showlegend=brand not in shown)
            fig.add_trace(bar, row=row, col=1)
            shown.add(brand)
    fig.update_layout(barmode="stack", height=120 + 260 * len(panels))
    fig.update_yaxes(title_text="vehicles per month", rangemode="tozero")
    return _style(fig, "Lost sales and scrapped vehicles per month by brand (vehicles, mean)", None)


def units_lost(results: Results) -> go.Figure:
    """Own-brand units lost per month by brand: the same replication without the contract minus with it."""
    x = _month_dates(results)
    owner = ~results.customer_mask()
    lost = results.reference["without_contract"] - results.built
    fig = go.Figure()
    for brand, mask in _brands(results, owner).items():
        fig.add_trace(_bar(x, lost[:, mask, :].sum(axis=1).mean(axis=0), brand, brand_colour(results, brand)))
    fig.update_layout(barmode="relative")
    if np.abs(lost[:, owner, :]).max() < 0.5:  # less than half a vehicle in every month is rounding
        fig.add_annotation(
            text="No own-brand units lost in any month", xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False
        )
    return _style(
        fig, "Own-brand units lost to sharing per month (vehicles, without minus with contract)", "vehicles per month"
    )


def contract_fees(results: Results) -> go.Figure:
    """Fees earned per month (contract units times the fee) and their running total, in RMB million."""
    x = _month_dates(results)
    fee = results.scenario.contract.fee_rmb_per_unit
    monthly = results.built[:, results.customer_mask(), :].sum(axis=1).mean(axis=0) * fee / 1e6
    colour = brand_colour(results, results.scenario.customer_products[0].brand)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(_bar(x, monthly, "Fees in the month", colour, fmt=",.1f"), secondary_y=False)
    fig.add_trace(_line(x, np.cumsum(monthly), "Running total", "#222", fmt=",.1f"), secondary_y=True)
    fig.update_yaxes(title_text="RMB million per month", secondary_y=False)
    fig.update_yaxes(
        title_text="RMB million, cumulative", secondary_y=True, showgrid=False, rangemode="tozero", tickmode="auto"
    )
    title = f"Contract fees earned at RMB {fee:,.0f} per vehicle (RMB million)"
    return _style(fig, title, None)


# -- page parts -------------------------------------------------------------------------------
def provenance(source: str | Path) -> str:
    """The facts of seeds/facts.yaml that scenario file `source` cites, as a collapsible header section.

    A scenario cites facts in comments: `# facts: id1, id2 (... id3 ...)`. Every fact id after
    "facts:" to the end of the comment counts (ids named in passing, in parentheses, too); a
    pattern such as `plant_share_*` or `holiday_<festival>_<year>` cites every id it matches.
    Ids in the list right after "facts:" that seeds/facts.yaml lacks are reported as not found.
    facts.yaml is the first `seeds/facts.yaml` in the scenario's folder or a parent of it.
    '' when the scenario file cannot be read.
    """
    source = Path(source)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    path = find_facts(source)
    facts = load_facts(path) if path is not None else {}
    cited = citations(text, facts)
    if not cited:
        return '<p class="note">Sources: the scenario file cites no entries of seeds/facts.yaml.</p>'
    counts = dict.fromkeys(FACT_STATUSES, 0)
    for fact in cited:
        status = _status(facts.get(fact))
        counts[status] = counts.get(status, 0) + 1
    where = (
        f"entries of <code>{_e(os.path.relpath(path, source.resolve().parent))}</code>"
        if path is not None
        else "no <code>seeds/facts.yaml</code> was found in its folder or above"
    )
    rows = "\n".join(_fact_row(fact, facts.get(fact)) for fact in cited)
    return (
        f'<details class="sources"><summary><b>Sources: {_plural(len(cited), "fact")} cited by the scenario</b>: '
        f"{_e(_status_counts(counts))}</summary>\n"
        f'<p class="note">Cited in the <code># facts:</code> comments of <code>{_e(source.name)}</code>; {where}. '
        "Status: <i>sourced</i> = stated by the source given; <i>derived</i> = arithmetic on sourced figures; "
        "<i>remembered</i> = recalled, not checked: verify before relying on it; <i>assumption</i> = a modelling "
        "choice or estimate without a source.</p>\n"
        '<table class="sources">\n<tr><th>Fact</th><th class="num">Value</th><th>What it is; source</th></tr>\n'
        f"{rows}\n</table>\n</details>"
    )


#: Statuses of seeds/facts.yaml entries, in the order the report counts them.
FACT_STATUSES = ("sourced", "derived", "remembered", "assumption")
_COMMENT = re.compile(r"(?:^|\s)#(.*)$", re.MULTILINE)
_CITES = re.compile(r"\bfacts?:(.*)")
_LIST = re.compile(r"\s*([a-z0-9_*<>]+(?:\s*,\s*[a-z0-9_*<>]+)*)")
_TOKEN = re.compile(r"[a-z0-9_*<>]+")
_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
_PATTERN = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]*(?:\*|<[a-z0-9_]+>)[a-z0-9_*<>]*")


def citations(text: str, facts: dict) -> list[str]:
    """Fact ids a scenario's comments cite, in order of first citation (see `provenance` for the rule).

    Ids not in `facts` are kept only when they head a `facts:` list: those are the not-found ones.
    """
    out: dict[str, None] = {}
    for comment in _COMMENT.findall(text):
        cites = _CITES.search(comment)
        if cites is None:
            continue
        rest = cites.group(1)
        listed = _LIST.match(rest)
        heads = {t.strip() for t in listed.group(1).split(",")} if listed else set()
        for token in _TOKEN.findall(rest):
            if token in facts:
                out[token] = None
            elif _PATTERN.fullmatch(token):
                pattern = re.compile("[a-z0-9_]+".join(map(re.escape, re.split(r"\*|<[a-z0-9_]+>", token))))
                matched = [f for f in facts if pattern.fullmatch(f)]
                out |= dict.fromkeys(matched or ([token] if token in heads else []))
            elif token in heads and _ID.fullmatch(token):
                out[token] = None
    return list(out)


def find_facts(source: Path) -> Path | None:
    """The first seeds/facts.yaml in the folder of `source` or one of its parents."""
    folder = Path(source).resolve().parent
    return next(
        (d / "seeds" / "facts.yaml" for d in (folder, *folder.parents) if (d / "seeds/facts.yaml").is_file()), None
    )


def load_facts(path: Path) -> dict[str, dict]:
    """The entries of a facts file by id ({} when it cannot be read or is not a mapping)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v if isinstance(v, dict) else {"value": v} for k, v in data.items()}


def _status(entry: dict | None) -> str:
    return "not found" if entry is None else str(entry.get("status") or "no status")


def _status_counts(counts: dict[str, int]) -> str:
    """'41 sourced, 9 derived, 2 remembered, 37 assumptions, 1 not found' (zeros left out)."""
    parts = [_plural(n, s) if s == "assumption" else f"{n} {s}" for s, n in counts.items() if n]
    return ", ".join(parts)


def _fact_row(fact: str, entry: dict | None) -> str:
    status = _status(entry)
    tag = f'<span class="tag {status.replace(" ", "-")}">{_e(status)}</span>'
    if entry is None:
        return f"<tr><td><code>{_e(fact)}</code> {tag}</td><td></td><td>not found in seeds/facts.yaml</td></tr>"
    unit = str(entry.get("unit") or "")
    value = _fact_value(entry.get("value"), unit)
    if unit and unit != "date":  # a date needs no unit
        value += f" <small>{_e(unit)}</small>"
    given = str(entry.get("source") or "")
    source = ""
    if given.lower() not in ("", "none"):  # assumptions have no source: their tag says so
        source = _link(given) + (f", as of {_e(entry['date'])}" if entry.get("date") else "")
    note = _link(str(entry.get("note") or ""))
    return (
        f"<tr><td><code>{_e(fact)}</code> {tag}</td><td>{value}</td>"
        f"<td>{note}" + (f'<div class="src">{source}</div>' if source else "") + "</td></tr>"
    )


def _fact_value(value: object, unit: str = "") -> str:
    """A facts.yaml value for people: thousands separators (not in years), ranges as low – high."""
    if value is None:
        return ""
    if isinstance(value, list):
        items = [_fact_value(v, unit) for v in value]
        return " – ".join(items) if len(items) == 2 else "[" + ", ".join(items) + "]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _e(value)
    if float(value).is_integer() and abs(value) >= 1000 and unit != "year":
        return f"{value:,.0f}"
    return f"{value:g}"


def _link(text: str) -> str:
    """`text` escaped, its web addresses as plain links (nothing is loaded until clicked)."""
    return re.sub(
        r"https?://[^\s<>\"']+?(?=[.,;:)]*(?:\s|$))",
        lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>',
        _e(text),
    )


def _facts(results: Results) -> str:
    s = results.scenario
    meta = s.meta
    rows = [
        ("Horizon", f"{meta.start_date} to {meta.end_date} ({len(results.months)} months)"),
        *((f"Plant {p.name}", _plant_summary(p)) for p in s.plants),
        *(
            (f"Line {name}", summary)
            for name, line in zip(results.line_names, s.all_lines(), strict=True)
            if (summary := _line_summary(line))
        ),
        *((("Chip supply", _chip_summary(s.supply.chips)),) if s.supply is not None else ()),
        ("Seed", str(results.seed)),
        ("Replications", str(results.replications)),
        ("Scenario hash", f"<code>{s.digest()}</code>"),
    ]
    if s.contract is not None and s.program is not None:
        c, p = s.contract, s.program
        if c.reserved_share is not None:
            reserve = f"{c.reserved_share:.0%} of shared lines' open hours from SOP"
        elif c.reserved_units_per_month is not None:
            reserve = f"{c.reserved_units_per_month:,.0f} vehicles per month of line time from SOP"
        else:
            reserve = "none"
        rows += [
            ("Contract customer", _e(c.customer)),
            ("Allocation policy", f"{_e(c.policy)}; reserve: {reserve}"),
            ("Fee", f"RMB {c.fee_rmb_per_unit:,.0f} per vehicle"),
            ("Program start / target launch", f"{p.start_date} / {p.target_launch}"),
            ("Engineering assist", f"x{p.engineering_assist:g} on assisted milestones' durations"),
        ]
    else:
        rows.append(("Contract", "none: the owner's products alone"))
    rows.append(("Package version", f"sim {_e(sim.__version__)}"))
    cells = "\n".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="facts">\n{cells}\n</table>'


def _cards(results: Results, kpis: list[Kpi]) -> str:
    by_key = {k.key: k for k in kpis}
    chosen: list[tuple[str, Kpi]] = []
    if "sop_p50" in by_key:
        chosen.append(("SOP date, median (P50)", by_key["sop_p50"]))
        chosen.append((by_key["sop_on_time"].label, by_key["sop_on_time"]))
    year = _last_full_year(results)
    if f"contract_units_{year}" in by_key:
        chosen.append((f"Contract units built in {year}", by_key[f"contract_units_{year}"]))
    if "owner_units_lost" in by_key:
        chosen.append(("Own-brand units lost to sharing", by_key["owner_units_lost"]))
    else:
        chosen.append(("Own-brand units built", by_key["owner_units"]))
    for key in ("chip_units_lost", "lost_sales"):
        if key in by_key:
            chosen.append((by_key[key].label, by_key[key]))
    lines = [k for k in kpis if k.key.startswith("utilisation.")]
    if lines:
        busiest = max(lines, key=lambda k: k.value)
        chosen.append((f"Busiest line: {busiest.key.removeprefix('utilisation.')}", busiest))
    start = results.scenario.meta.start_date
    cards = []
    for label, kpi in chosen:
        value, interval = kpi.text(start)
        cards.append(
            f'<div class="card"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>'
            f'<div class="ci">95% CI {_e(interval)}</div></div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _kpi_table(results: Results, kpis: list[Kpi]) -> str:
    start = results.scenario.meta.start_date
    rows = []
    for kpi in kpis:
        value, interval = kpi.text(start)
        rows.append(
            f'<tr><td>{_e(kpi.label)}</td><td class="num">{_e(value)}</td><td class="num">{_e(interval)}</td></tr>'
        )
    head = '<tr><th>Indicator</th><th class="num">Estimate</th><th class="num">95% confidence interval</th></tr>'
    return f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>"


def _line_table(results: Results) -> str:
    """Each line's hours and OEE split over the horizon, means over replications."""
    sums = {
        k: getattr(results, k).sum(axis=2).mean(axis=0)
        for k in ("open_hours", "busy_hours", "changeover_hours", "down_hours", "line_built", "line_scrap")
    }
    open_h = sums["open_hours"]
    availability = _pooled(open_h - sums["down_hours"], open_h)
    quality = _pooled(sums["line_built"], sums["line_built"] + sums["line_scrap"])
    oee_ = _pooled(sums["line_built"], open_h * _jph(results))
    performance = _pooled(oee_, availability * quality)
    head = "".join(
        f'<th class="num">{h}</th>'
        for h in ("Open h", "Producing h", "Changeover h", "Down h", "Availability", "Performance", "Quality", "OEE")
    )
    rows = []
    for i, name in enumerate(results.line_names):
        hours = [sums[k][i] for k in ("open_hours", "busy_hours", "changeover_hours", "down_hours")]
        shares = [availability[i], performance[i], quality[i], oee_[i]]
        cells = [f"{h:,.0f}" for h in hours] + ["-" if np.isnan(v) else f"{100 * v:.1f}%" for v in shares]
        rows.append(f"<tr><td>{_e(name)}</td>" + "".join(f'<td class="num">{c}</td>' for c in cells) + "</tr>")
    note = (
        '<p class="note">OEE = availability x performance x quality. Availability = (open - down) '
        "/ open hours, as in the KPIs; quality = good / (good + scrapped) vehicles; OEE = good vehicles / (open hours x rated "
        "JPH); performance = OEE / (availability x quality): speed lost to changeovers, ramp-up, rework and "
        "idling for want of demand, chips or input. Hours are means over replications of the horizon's totals.</p>"
    )
    return f"<table>\n<tr><th>Line</th>{head}</tr>\n" + "\n".join(rows) + f"\n</table>\n{note}"


def _plant_summary(plant: Plant) -> str:
    lines = [name.removeprefix(f"{plant.name}.") for name in plant.line_names()]
    cal = plant.calendar
    days = ", ".join(d.capitalize() for d in cal.working_weekdays)
    shutdowns = f", {_plural(len(cal.shutdowns), 'shutdown')}" if cal.shutdowns else ""
    return (
        f"{_plural(len(lines), 'line')} ({', '.join(lines)}), owner {_e(plant.owner)}; "
        f"{_plural(cal.shifts_per_day, 'shift')} of {cal.hours_per_shift:g} h on {days}{shutdowns}"
    )


def _line_summary(line: Line) -> str:
    """Breakdowns and changeovers of a line in a few words ('' when it has neither)."""
    parts = []
    if line.breakdowns is not None:
        b = line.breakdowns
        parts.append(
            f"failures every ~{_num(b.time_between_failures_hours.mean)} open h "
            f"({b.time_between_failures_hours.kind}), repairs ~{_num(b.time_to_repair_hours.mean)} h "
            f"({b.time_to_repair_hours.kind})"
        )
    if line.changeover_hours > 0:
        parts.append(f"changeover {_num(line.changeover_hours)} h per {line.campaign_units:,.0f}-vehicle campaign")
    return f"{line.jph:g} JPH; " + "; ".join(parts) if parts else ""


def _chip_summary(chips: Chips) -> str:
    windows = "; ".join(
        f"{_e(d.name)} {d.first_day} to {d.last_day} (-{d.share_lost:.0%} of kits)" for d in chips.disruptions
    )
    return (
        f"{chips.kits_per_week:,.0f} kits per week, allocation {_e(chips.allocation)}; disruptions: {windows or 'none'}"
    )


# -- helpers ----------------------------------------------------------------------------------
def _line_losses(results: Results) -> bool:
    """Whether any line loses time to breakdowns or changeovers, or vehicles to scrap."""
    return bool(results.down_hours.any() or results.changeover_hours.any() or results.line_scrap.any())


def _time_use(results: Results) -> dict[str, np.ndarray]:
    """Mean hours per (line, month) of each way of spending the calendar, in TIME_COLOURS order."""
    kinds = ("open_hours", "busy_hours", "changeover_hours", "down_hours", "starved_hours", "blocked_hours")
    mean = {k: getattr(results, k).mean(axis=0) for k in kinds}
    calendar = np.array([m.end_hour - m.start_hour for m in results.months_])[None, :]
    used = sum(mean[k] for k in kinds[1:])
    return {
        "producing": mean["busy_hours"],
        "changeover": mean["changeover_hours"],
        "down": mean["down_hours"],
        "starved": mean["starved_hours"],
        "blocked": mean["blocked_hours"],
        "idle": (mean["open_hours"] - used).clip(min=0),
        "closed": (calendar - mean["open_hours"]).clip(min=0),
    }


def _jph(results: Results) -> np.ndarray:
    return np.array([ln.jph for ln in results.scenario.all_lines()])


def _pooled(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den summed over replications when 3-d (NaN where den is 0)."""
    if num.ndim == 3:
        num, den = num.sum(axis=0), np.broadcast_to(den, num.shape).sum(axis=0)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def _line_heatmap(results: Results, share: np.ndarray, label: str, colorscale: str) -> go.Figure:
    """A (line x month) heatmap of shares from 0 to 100%."""
    fig = go.Figure(
        go.Heatmap(
            x=_month_dates(results),
            y=results.line_names,
            z=_compact(share),
            zmin=0,
            zmax=1,
            colorscale=colorscale,
            xgap=1,
            ygap=2,
            xperiod="M1",
            xperiodalignment="middle",
            texttemplate="%{z:.0%}" if len(results.months) <= 24 else None,
            colorbar={"title": {"text": label}, "tickformat": ".0%"},
            hovertemplate="%{y}<br>%{x|%b %Y}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(220, 140 + 40 * len(results.line_names)))
    return fig


def brand_colour(results: Results, brand: str) -> str:
    """The fixed colour of a brand; brands without one get a spare colour by order of appearance."""
    known = _known(brand)
    if known is not None:
        return known
    unknown = [b for b in _brands(results) if _known(b) is None]
    return SPARE_COLOURS[unknown.index(brand) % len(SPARE_COLOURS)] if brand in unknown else "#999999"


def _known(brand: str) -> str | None:
    """The fixed colour of a brand by name, or of a word of it ('GWM Pickup' -> pickup)."""
    key = brand.lower()
    return next((c for n, c in BRAND_COLOURS.items() if key == n or n in key.split()), None)


def _brands(results: Results, where: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Product masks per brand, brands in order of first appearance (optionally within `where`)."""
    brands = np.array([p.brand for p in results.scenario.products])
    where = np.ones(len(brands), bool) if where is None else where
    return {b: (brands == b) & where for b in dict.fromkeys(brands[where].tolist())}


def _last_full_year(results: Results) -> str | None:
    """The last calendar year with all twelve months in the horizon, else the last year."""
    years = [m[:4] for m in results.months]
    full = [y for y in dict.fromkeys(years) if years.count(y) == 12]
    return full[-1] if full else (years[-1] if years else None)


def _weekly_bins(days: np.ndarray, most: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges (days, whole weeks wide, at most about `most` bins) and counts of `days`."""
    if days.size == 0:
        return np.array([]), np.array([])
    first, last = days.min(), days.max()
    width = 7 * max(1, int(np.ceil((last - first + 1) / 7 / most)))
    edges = np.arange(first, last + width + 1, width)
    counts, _ = np.histogram(days, bins=edges)
    return edges, counts


def _weeks(edges: np.ndarray) -> str:
    weeks = int(edges[1] - edges[0]) // 7 if len(edges) > 1 else 1
    return "1-week" if weeks == 1 else f"{weeks}-week"


def _milestone_labels(milestones: list) -> list[str]:
    """Readable row labels: each milestone's name (its id without one), the id added to repeated names."""
    names = [m.name or m.id for m in milestones]
    return [f"{n} ({m.id})" if names.count(n) > 1 else n for n, m in zip(names, milestones, strict=True)]


def _ms(first: dt.date, last: dt.date) -> int:
    """Milliseconds from `first` to `last`: a bar's length on a date axis."""
    return (last - first).days * 86_400_000


def _month_dates(results: Results) -> list[str]:
    """Months as plotly dates: 'YYYY-MM' is the first of the month, and shorter than 'YYYY-MM-01'."""
    return list(results.months)


def _bar(
    x: list[str], y: np.ndarray, name: str, colour: str, fmt: str = ",.0f", unit: str = "", **kwargs: object
) -> go.Bar:
    return go.Bar(
        x=x,
        y=_compact(y),
        name=name,
        marker_color=colour,
        xperiod="M1",
        xperiodalignment="middle",
        hovertemplate=f"{name}<br>%{{x|%b %Y}}: %{{y:{fmt}}}{unit}<extra></extra>",
        **kwargs,
    )


def _line(
    x: list[str],
    y: np.ndarray,
    name: str,
    colour: str,
    *,
    dash: str = "solid",
    width: float = 2,
    fmt: str = ",.0f",
    **kwargs: object,
) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=_compact(y),
        name=name,
        mode="lines",
        line={"color": colour, "dash": dash, "width": width},
        xperiod="M1",
        xperiodalignment="middle",
        hovertemplate=f"{name}<br>%{{x|%b %Y}}: %{{y:{fmt}}}<extra></extra>",
        **kwargs,
    )


def _compact(values: np.ndarray) -> np.ndarray:
    """Values as 32-bit floats: about 7 significant digits, plenty for a chart, and half the page
    space of 64-bit ones (plotly embeds numpy arrays as base64 of their bytes)."""
    return np.asarray(values, dtype=np.float32)


def _marker(
    fig: go.Figure, day: dt.date, text: str, *, colour: str = "#555", dash: str = "dash", xanchor: str = "left"
) -> None:
    """A vertical line at `day` with a label at the top, to the right of the line (or left: xanchor="right")."""
    x = str(day)
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper", line={"color": colour, "dash": dash})
    fig.add_annotation(
        x=x,
        y=1,
        xref="x",
        yref="paper",
        text=f"{text} {x}",
        showarrow=False,
        xanchor=xanchor,
        yanchor="bottom",
        font={"color": colour} if colour != "#555" else None,
    )


def _style(fig: go.Figure, title: str, ytitle: str | None) -> go.Figure:
    height = fig.layout.height or HEIGHT
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 30, "t": 70, "b": 40},
        # The legend sits a fixed 40 px under the plot area, clear of two-line date ticks at any height.
        legend={"orientation": "h", "y": -40 / (height - 110), "x": 0},
        hovermode="closest",
        showlegend=True,
    )
    fig.update_xaxes(type="date", tickformat="%b\n%Y")
    if ytitle:
        fig.update_yaxes(title_text=ytitle)
    return fig


def _num(value: float) -> str:
    """A figure for prose: three significant digits, whole numbers from 100."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _e(text: object) -> str:
    return html.escape(str(text))
