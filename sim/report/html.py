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
from pathlib import Path

import numpy as np

from sim.model.calendar import HOURS_PER_DAY
from sim.report import summary
from sim.report.sources import provenance
from sim.report.style import (
    HEIGHT,
    Figure,
    bar_trace,
    compact,
    corner_note,
    date_marker,
    document,
    esc,
    figure,
    figures,
    line_trace,
    num,
    on_row,
    plural,
    rgba,
    save,
    stacked_panels,
    styled,
    two_y_axes,
    update,
    update_axes,
)
from sim.results.kpis import BRAND_COLUMNS, Kpi, by_brand
from sim.results.oee import oee as oee_split
from sim.results.results import Results
from sim.results.stats import quantile_ci
from sim.scenario.plant import Line, Plant
from sim.scenario.supply import Chips
from sim.version import __version__

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
#: The heatmaps' colour scales: plotly's Blues and Greens (ColorBrewer), spelt out because plotly.js's
#: scales of those names differ, and plotly's own would import plotly for two lists.
COLOUR_SCALES = {
    "blues": (
        "rgb(247,251,255)",
        "rgb(222,235,247)",
        "rgb(198,219,239)",
        "rgb(158,202,225)",
        "rgb(107,174,214)",
        "rgb(66,146,198)",
        "rgb(33,113,181)",
        "rgb(8,81,156)",
        "rgb(8,48,107)",
    ),
    "greens": (
        "rgb(247,252,245)",
        "rgb(229,245,224)",
        "rgb(199,233,192)",
        "rgb(161,217,155)",
        "rgb(116,196,118)",
        "rgb(65,171,93)",
        "rgb(35,139,69)",
        "rgb(0,109,44)",
        "rgb(0,68,27)",
    ),
}
#: Fixed colours of the ways a line's calendar hours are spent, in stacking order (bottom first).
TIME_COLOURS = {
    "producing": "#4a9c5d",
    "changeover": "#f0a830",
    "down": "#d9534f",
    "starved": "#8e6cc0",
    "blocked": "#5b8fd1",
    "idle": "#a9b4c2",
    "retooling": "#c9a0dc",  # working hours launch milestones took (tooling, pilot builds)
    "closed": "#e6e6e6",
}


def write(
    results: Results,
    path: str | Path,
    source: str | Path | None = None,
    plotly_js: str | None = None,
    kpis: list[Kpi] | None = None,
) -> Path:
    """Write the report of `results` to `path` (written to a temporary file, then renamed).

    `source` is the scenario file: when given, the header lists the seeds/facts.yaml entries it cites.
    plotly.js is inlined, or loaded from the relative URL `plotly_js` (`sim.report.style.shared_plotly`).
    `kpis`: the run's KPIs, if at hand (not computed again).
    """
    return save(page(results, source, plotly_js, kpis), path)


def page(
    results: Results, source: str | Path | None = None, plotly_js: str | None = None, kpis: list[Kpi] | None = None
) -> str:
    """The whole report as one HTML document (with the facts cited by scenario file `source`, if given)."""
    meta = results.scenario.meta
    kpis = results.kpis() if kpis is None else kpis
    sections = [
        f"<h1>{esc(meta.name)}</h1>",
        f'<p class="lead">{esc(meta.description)}</p>' if meta.description else "",
        provenance(source) if source is not None else "",
        summary.html(summary.run_summary(results, kpis)),
        _cards(results, kpis),
        "<h2>Scenario</h2>",
        _facts(results),
        "<h2>Key indicators</h2>",
        _kpi_table(results, [k for k in kpis if k.over != "brand"]),
    ]
    if brands := by_brand(results, kpis):
        sections += ["<h2>By brand over the horizon</h2>", _brand_table(results, brands)]
    if _line_losses(results):
        sections += ["<h2>Line performance over the horizon</h2>", _line_table(results)]
    sections += figures(charts(results), len(sections))
    sections.append(
        f'<p class="note">Monthly figures are means over {results.replications} replications; bands span '
        "P10-P90 across replications; intervals are 95% confidence intervals of the estimate. "
        f"Generated by sim {esc(__version__)}.</p>"
    )
    return document(f"{meta.name} - sim report", sections, plotly_js=plotly_js)


def charts(results: Results) -> list[tuple[str, Figure]]:
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
            ("What the contract earns the owner", contract_money(results)),
        ]
    return out


# -- charts -----------------------------------------------------------------------------------
def output_by_brand(results: Results) -> Figure:
    """Mean monthly output per brand as stacked bars, with total mean demand as a line."""
    x = month_dates(results)
    fig = figure(barmode="stack")
    for brand, mask in _brands(results).items():
        y = results.built[:, mask, :].sum(axis=1).mean(axis=0)
        fig["data"].append(bar_trace(x, y, brand, brand_colour(results, brand)))
    demand = results.demand.sum(axis=1).mean(axis=0)
    fig["data"].append(line_trace(x, demand, "Total demand", "#222", dash="dot"))
    return styled(fig, "Monthly output by brand and total demand (vehicles per month)", "vehicles per month")


def contract_output(results: Results) -> Figure:
    """The contract products' monthly output: mean and P10-P90 band, against mean demand."""
    x = month_dates(results)
    mask = results.customer_mask()
    built = results.built[:, mask, :].sum(axis=1)
    low, high = np.percentile(built, [10, 90], axis=0)
    colour = brand_colour(results, results.scenario.customer_products[0].brand)
    fig = figure()
    fig["data"] += [
        line_trace(x, high, "P90", colour, width=0, showlegend=False),
        line_trace(
            x, low, "P10-P90 across replications", colour, width=0, fill="tonexty", fillcolor=rgba(colour, 0.25)
        ),
        line_trace(x, built.mean(axis=0), "Output (mean)", colour, width=3),
        line_trace(x, results.demand[:, mask, :].sum(axis=1).mean(axis=0), "Demand (mean)", "#222", dash="dot"),
    ]
    date_marker(fig, results.scenario.program.target_launch, "target launch")
    customer = results.scenario.contract.customer
    return styled(fig, f"Contract output for {customer}: mean and P10-P90 (vehicles per month)", "vehicles per month")


def sop_distribution(results: Results) -> Figure:
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
    fig = two_y_axes()
    bins = {
        "type": "bar",
        "x": edge_dates[:-1],
        "y": counts,
        "offset": 0,
        "name": f"Replications per {_weeks(edges)} bin",
        "marker": {"color": "#9aa7b8"},
        "hovertemplate": "from %{x}: %{y} replications<extra></extra>",
    }
    share = {
        "type": "scatter",
        "x": edge_dates,
        "y": np.concatenate([[0], np.cumsum(counts)]) / n,
        "name": "Cumulative share of replications",
        "mode": "lines",
        "line": {"color": brand_colour(results, results.scenario.customer_products[0].brand), "width": 2},
        "hovertemplate": "by %{x}: %{y:.0%}<extra></extra>",
    }
    fig["data"] += [on_row(bins | ({"width": width_ms} if width_ms else {}), 1), on_row(share, 1, "y2")]
    date_marker(fig, target, "target launch")
    missing = n - int(reached.sum())
    if missing:
        corner_note(fig, f"{missing} of {n} replications reach no SOP within the horizon (not shown)")
    update_axes(fig, "y", {"title": {"text": "replications"}, "range": [0, 1.12 * max(counts, default=1)]}, "yaxis")
    cumulative = {"title": {"text": "cumulative share"}, "tickformat": ".0%", "tickmode": "array"}
    cumulative |= {"tickvals": [0, 0.25, 0.5, 0.75, 1], "range": [0, 1.02], "showgrid": False}
    update_axes(fig, "y", cumulative, "yaxis2")
    title = (
        f"SOP date over {n} replications (count and cumulative share)<br>P(SOP on or before {target}) = {on_time:.0%}"
    )
    styled(fig, title, None)
    update_axes(fig, "x", {"tickformat": "%-d %b\n%Y"})  # ticks every few weeks: month names alone would repeat
    return fig


def launch_program(results: Results) -> Figure:
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
    fig = figure(barmode="overlay", height=170 + 34 * len(labels))
    fig["data"].append(
        {
            "type": "bar",
            "orientation": "h",
            "y": [r[0] for r in band],
            "base": [str(r[1]) for r in band],
            "x": [_ms(r[1], r[2]) for r in band],
            "customdata": [[str(r[1]), str(r[2])] for r in band],
            "width": 0.8,
            "name": "Finish date, P10-P90 across replications",
            "legendrank": 1001,
            "marker": {"color": rgba(colour, 0.22), "line": {"width": 0}},
            "hovertemplate": "%{y}<br>finish P10 %{customdata[0]} to P90 %{customdata[1]}<extra></extra>",
        }
    )
    names = {
        True: f"Median start to median finish, shortened by the owner's assist (x{program.engineering_assist:g})",
        False: "Median start to median finish" + (", not assisted" if rows[True] else ""),
    }
    for assisted, shade in ((True, colour), (False, "#5b6b7f")):
        if not rows[assisted]:
            continue
        fig["data"].append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [r[0] for r in rows[assisted]],
                "base": [str(r[1]) for r in rows[assisted]],
                "x": [_ms(r[1], r[2]) for r in rows[assisted]],
                "customdata": [[str(r[1]), str(r[2]), f"{r[3]:.0f}", str(r[4]), str(r[5])] for r in rows[assisted]],
                "width": 0.42,
                "name": names[assisted],
                "marker": {"color": shade, "line": {"width": 0}},
                "hovertemplate": (
                    "<b>%{y}</b><br>median start %{customdata[0]}<br>median finish %{customdata[1]}"
                    "<br>finish P10-P90 %{customdata[3]} to %{customdata[4]}"
                    "<br>median duration %{customdata[2]} days<extra></extra>"
                ),
            }
        )
    sop = quantile_ci(results.sop, 0.5)[0]
    sop50 = results.date(sop) if sop <= results.horizon_hours else None
    date_marker(fig, program.start_date, "program start", dash="dot")
    target, late = program.target_launch, sop50 is not None and sop50 > program.target_launch
    date_marker(fig, target, "target launch", xanchor="right" if late else "left")
    if sop50 is not None:
        date_marker(fig, sop50, "SOP P50", colour=colour, dash="solid", xanchor="left" if late else "right")
    styled(fig, f"Launch program: median start to median finish of each milestone over {n} replications (dates)", None)
    subtitle = "Light band: P10-P90 of the milestone's finish date. SOP P50: median finish of the whole program."
    update(fig["layout"], {"title": {"subtitle": {"text": subtitle, "font": {"size": 12, "color": "#555"}}}})
    update(fig["layout"], {"margin": {"t": 90}})
    update_axes(fig, "y", {"autorange": "reversed", "automargin": True, "showgrid": False})
    return fig


def utilisation(results: Results) -> Figure:
    """Heatmap of each line's busy hours over open hours by month, pooled over replications."""
    share = _pooled(results.busy_hours, results.open_hours)
    fig = _line_heatmap(results, share, "busy / open", "blues")
    return styled(fig, "Line utilisation by month (busy hours / open hours; colours span the data's range)", None)


def time_use(results: Results) -> Figure:
    """Each line's calendar hours by month, stacked: producing, changeover, down, starved, blocked, idle,
    retooling (time launch milestones took), closed."""
    x = month_dates(results)
    hours = _time_use(results)
    names = results.line_names
    titles = [f"{label}: {name}" for label, name in zip(line_labels(results), names, strict=True)]
    fig = stacked_panels(titles, min(0.08, 0.4 / len(names)))
    hover = "%{fullData.name}: %{y:,.0f} h<extra></extra>"  # one list of all kinds in the unified hover
    for i in range(len(names)):
        for kind, y in hours.items():
            bar = bar_trace(x, y[i], kind, TIME_COLOURS[kind], legendgroup=kind, showlegend=i == 0)
            fig["data"].append(on_row(bar | {"hovertemplate": hover}, i + 1))
    update(fig["layout"], {"barmode": "stack", "bargap": 0.15, "height": 150 + 190 * len(names)})
    update_axes(fig, "y", {"title": {"text": "hours per month"}, "rangemode": "tozero"})
    styled(fig, "Where each line's time goes by month (calendar hours per month, mean)", None)
    update(fig["layout"], {"hovermode": "x unified", "legend": {"traceorder": "normal"}})
    return fig


def oee(results: Results) -> Figure:
    """Heatmap of each line's OEE by month: good vehicles over open hours times rated speed, pooled."""
    pooled = [a.sum(axis=0) for a in (results.open_hours, results.down_hours, results.line_built, results.line_scrap)]
    share = np.where(pooled[0] > 0, oee_split(*pooled, results.jph[:, None]).oee, np.nan)  # blank: never open
    fig = _line_heatmap(results, share, "OEE", "greens")
    return styled(fig, "OEE by line and month (good vehicles / (open hours x rated JPH); colours span the data)", None)


def chip_shortage(results: Results) -> Figure:
    """Units lost to the chip shortage per month by brand (nominal supply minus disrupted), with the windows.

    Window labels sit in rows above the plot, a label moved up a row when it would run into the one
    before (`label_rows`). A bar below zero is a brand building more than in the same replication
    without disruptions: orders held up by the shortage built once kits come back (after a
    window), or kits the allocation (or, as backlogs differ, a shared line's hours) moved to it from
    another brand; a note under the chart says so when any bar is.
    """
    x = month_dates(results)
    short = results.reference["without_chip_disruptions"] - results.built
    fig = figure(barmode="relative")
    means = {}
    for brand, mask in _brands(results).items():
        means[brand] = short[:, mask, :].sum(axis=1).mean(axis=0)
        fig["data"].append(bar_trace(x, means[brand], brand, brand_colour(results, brand)))
    fig["data"].append(line_trace(x, short.sum(axis=1).mean(axis=0), "Net, all brands", "#222", dash="dot"))
    annotations = fig["layout"].setdefault("annotations", [])
    meta = results.scenario.meta
    end = meta.end_date + dt.timedelta(days=1)
    windows = []
    for d in results.scenario.supply.chips.disruptions:
        first, last = max(d.first_day, meta.start_date), min(d.last_day + dt.timedelta(days=1), end)
        if first < last:
            window = {"type": "rect", "x0": str(first), "x1": str(last), "xref": "x", "y0": 0, "y1": 1}
            window |= {"yref": "y domain", "fillcolor": "#888", "opacity": 0.15, "layer": "below", "line": {"width": 0}}
            fig["layout"].setdefault("shapes", []).append(window)
            windows.append((first, f"{esc(d.name)}: -{d.share_lost:.0%} of kits"))
    rows = label_rows([(first, text) for first, text in windows], meta.start_date, end)
    for (first, text), row in zip(windows, rows, strict=True):
        annotations.append(
            {
                "x": str(first),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yshift": LABEL_ROW_PX * row,
                "text": text,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"size": 11},
            }
        )
    note = min((float(v.min()) for v in means.values()), default=0.0) < -0.5
    if note:  # under the legend, clear of the bars
        annotations.append(
            {
                "text": "Below zero: a brand builds more than without the shortage: orders it held up are built once "
                "kits come back,<br>and scarce kits (or, later, a shared line's hours) move between brands. The net "
                "line nets them out.",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -75,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
            }
        )
    title = "Units lost to the chip shortage per month by brand (vehicles, nominal supply minus disrupted)"
    styled(fig, title, "vehicles per month")
    top, bottom = 70 + LABEL_ROW_PX * (max(rows, default=0) + 1), 40 + 75 * note
    height = HEIGHT + top - 70 + bottom - 40
    legend = {"y": -40 / (height - top - bottom)}
    update(fig["layout"], {"height": height, "margin": {"t": top, "b": bottom}, "legend": legend})
    return fig


#: Height of a row of window labels above a chart, and the plot width labels are placed for (the
#: report's column less the chart's margins), in pixels; a character's width at 11 px.
LABEL_ROW_PX = 17
PLOT_PX = 900
CHAR_PX = 6.2


def label_rows(labels: list[tuple[dt.date, str]], start: dt.date, end: dt.date) -> list[int]:
    """The row (0: just above the plot) of each label starting at its date, so that no two labels
    in a row overlap: each takes the first row whose last label ends before it starts (widths
    estimated from the text at `CHAR_PX` a character on a `PLOT_PX`-wide axis from `start` to `end`)."""
    span = max((end - start).days, 1)
    ends: list[float] = []  # per row, where its last label ends, in pixels
    out = []
    for first, text in labels:
        left = (first - start).days / span * PLOT_PX
        width = CHAR_PX * len(text) + 6
        row = next((i for i, right in enumerate(ends) if right <= left), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = left + width
        out.append(row)
    return out


def lost_and_scrap(results: Results) -> Figure:
    """Lost sales and scrapped vehicles per month by brand, one panel each (only the ones that occur)."""
    x = month_dates(results)
    panels = [
        (title, values)
        for title, values in (
            ("Lost sales (demand that waited too long)", results.lost),
            ("Scrapped vehicles", results.scrap),
        )
        if values.any()
    ]
    fig = stacked_panels([t for t, _ in panels], 0.12)
    shown: set[str] = set()
    for row, (_, values) in enumerate(panels, start=1):
        for brand, mask in _brands(results).items():
            y = values[:, mask, :].sum(axis=1).mean(axis=0)
            if not y.any():
                continue
            bar = bar_trace(x, y, brand, brand_colour(results, brand), legendgroup=brand, showlegend=brand not in shown)
            fig["data"].append(on_row(bar, row))
            shown.add(brand)
    update(fig["layout"], {"barmode": "stack", "height": 120 + 260 * len(panels)})
    update_axes(fig, "y", {"title": {"text": "vehicles per month"}, "rangemode": "tozero"})
    return styled(fig, "Lost sales and scrapped vehicles per month by brand (vehicles, mean)", None)


def units_lost(results: Results) -> Figure:
    """Own-brand units lost per month by brand: the same replication without the contract minus with it."""
    x = month_dates(results)
    owner = ~results.customer_mask()
    lost = results.reference["without_contract"] - results.built
    fig = figure(barmode="relative")
    for brand, mask in _brands(results, owner).items():
        fig["data"].append(bar_trace(x, lost[:, mask, :].sum(axis=1).mean(axis=0), brand, brand_colour(results, brand)))
    # Under half a vehicle a month either way is rounding (largest and smallest: no |lost| copy).
    if not owner.any() or max(lost[:, owner, :].max(), -lost[:, owner, :].min()) < 0.5:
        none = {"text": "No own-brand units lost in any month", "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}
        fig["layout"]["annotations"] = [none | {"showarrow": False}]
    return styled(
        fig, "Own-brand units lost to sharing per month (vehicles, without minus with contract)", "vehicles per month"
    )


def contract_money(results: Results) -> Figure:
    """The deal's cash flows to the owner per month (fees, one-off payments, take-or-pay, less the
    margin lost to sharing and penalties) and the running net contribution, RMB million, means."""
    x = month_dates(results)
    flows = results.money
    colour = brand_colour(results, results.scenario.customer_products[0].brand)
    parts = [
        ("Fees", flows.fees, colour),
        ("One-off payments", flows.payments, "#7f7f7f"),
        ("Take-or-pay", flows.take_or_pay, "#bcbd22"),
        ("Margin lost to sharing", -flows.margin_lost.sum(axis=1), "#d62728"),
        ("Shortfall penalties", -flows.penalties, "#8c564b"),
    ]
    fig = two_y_axes()
    for name, values, c in parts:
        if np.abs(values).max(initial=0.0) > 0:
            fig["data"].append(on_row(bar_trace(x, values.mean(axis=0) / 1e6, name, c, fmt=",.1f"), 1))
    net = np.cumsum(flows.net.mean(axis=0)) / 1e6
    line = line_trace(x, net, "Net contribution, running total", "#222", fmt=",.1f")
    fig["data"].append(on_row(line, 1, "y2"))
    fig["layout"]["barmode"] = "relative"
    update_axes(fig, "y", {"title": {"text": "RMB million per month"}}, "yaxis")
    cumulative = {"title": {"text": "RMB million, cumulative"}, "showgrid": False, "tickmode": "auto"}
    update_axes(fig, "y", cumulative, "yaxis2")
    fee = results.scenario.contract.fee_rmb_per_unit
    return styled(
        fig, f"The deal to the owner: fees at RMB {fee:,.0f} a vehicle less what sharing costs (RMB million)", None
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
            ("Contract customer", esc(c.customer)),
            ("Allocation policy", f"{esc(c.policy)}; reserve: {reserve}"),
            ("Fee", f"RMB {c.fee_rmb_per_unit:,.0f} per vehicle"),
            ("Program start / target launch", f"{p.start_date} / {p.target_launch}"),
            ("Engineering assist", f"x{p.engineering_assist:g} on assisted milestones' durations"),
        ]
    else:
        rows.append(("Contract", "none: the owner's products alone"))
    rows.append(("Package version", f"sim {esc(__version__)}"))
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
    if "owner_net_contribution_rmb" in by_key:
        chosen.append(("Owner's net contribution of the contract", by_key["owner_net_contribution_rmb"]))
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
            f'<div class="card"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div>'
            f'<div class="ci">95% CI {esc(interval)}</div></div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _kpi_table(results: Results, kpis: list[Kpi]) -> str:
    start = results.scenario.meta.start_date
    rows = []
    for kpi in kpis:
        value, interval = kpi.text(start)
        rows.append(
            f'<tr><td>{esc(kpi.label)}</td><td class="num">{esc(value)}</td><td class="num">{esc(interval)}</td></tr>'
        )
    head = '<tr><th>Indicator</th><th class="num">Estimate</th><th class="num">95% confidence interval</th></tr>'
    return f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>"


def _brand_table(results: Results, brands: dict[str, dict[str, Kpi]]) -> str:
    """Each brand's vehicles built, lost to sharing, to chips and as lost sales, and its margin lost,
    with 95% intervals; a negative loss is a gain from the contract."""
    start = results.scenario.meta.start_date
    headings = [h for h in BRAND_COLUMNS.values() if any(h in cols for cols in brands.values())]
    head = "<tr><th>Brand</th>" + "".join(f'<th class="num">{esc(h)}</th>' for h in headings) + "</tr>"
    rows = []
    for brand, cols in brands.items():
        cells = []
        for h in headings:
            if h in cols:
                value, interval = cols[h].text(start)
                cells.append(f'<td class="num">{esc(value)}<br><span class="ci">{esc(interval)}</span></td>')
            else:
                cells.append("<td></td>")
        rows.append(f"<tr><td>{esc(brand)}</td>{''.join(cells)}</tr>")
    note = (
        '<p class="note">Means over replications with their 95% confidence intervals. Lost to sharing: '
        "built in the same replication without the contract minus with it (a negative loss is a gain); "
        "lost to chips: the same with the nominal chip supply; margin lost at each product's margin.</p>"
    )
    return f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>" + note


def _line_table(results: Results) -> str:
    """Each line's hours and OEE split over the horizon, means over replications."""
    sums = {
        k: getattr(results, k).sum(axis=2).mean(axis=0)
        for k in ("open_hours", "busy_hours", "changeover_hours", "down_hours", "line_built", "line_scrap")
    }
    split = oee_split(sums["open_hours"], sums["down_hours"], sums["line_built"], sums["line_scrap"], results.jph)
    head = "".join(
        f'<th class="num">{h}</th>'
        for h in ("Open h", "Producing h", "Changeover h", "Down h", "Availability", "Performance", "Quality", "OEE")
    )
    rows = []
    for i, name in enumerate(results.line_names):
        hours = [sums[k][i] for k in ("open_hours", "busy_hours", "changeover_hours", "down_hours")]
        cells = [f"{h:,.0f}" for h in hours] + [f"{100 * v[i]:.1f}%" for v in split]
        rows.append(f"<tr><td>{esc(name)}</td>" + "".join(f'<td class="num">{c}</td>' for c in cells) + "</tr>")
    note = (
        '<p class="note">OEE = availability x performance x quality, as in the KPIs. Availability = (open - down) '
        "/ open hours; performance = started vehicles / (up hours x rated JPH): speed lost to changeovers, ramp-up, "
        "rework and idling for want of demand, chips or input; quality = good / started (good + scrapped) vehicles; "
        "OEE = good vehicles / (open hours x rated JPH). Hours are means over replications of the horizon's totals.</p>"
    )
    return f"<table>\n<tr><th>Line</th>{head}</tr>\n" + "\n".join(rows) + f"\n</table>\n{note}"


def _plant_summary(plant: Plant) -> str:
    lines = [name.removeprefix(f"{plant.name}.") for name in plant.line_names()]
    cal = plant.calendar
    days = ", ".join(d.capitalize() for d in cal.working_weekdays)
    shutdowns = f", {plural(len(cal.shutdowns), 'shutdown')}" if cal.shutdowns else ""
    return (
        f"{plural(len(lines), 'line')} ({', '.join(lines)}), owner {esc(plant.owner)}; "
        f"{plural(cal.shifts_per_day, 'shift')} of {cal.hours_per_shift:g} h on {days}{shutdowns}"
    )


def _line_summary(line: Line) -> str:
    """Breakdowns and changeovers of a line in a few words ('' when it has neither)."""
    parts = []
    if line.breakdowns is not None:
        b = line.breakdowns
        parts.append(
            f"failures every ~{num(b.time_between_failures_hours.mean)} open h "
            f"({b.time_between_failures_hours.kind}), repairs ~{num(b.time_to_repair_hours.mean)} h "
            f"({b.time_to_repair_hours.kind})"
        )
    if line.changeover_hours > 0:
        parts.append(f"changeover {num(line.changeover_hours)} h per {line.campaign_units:,.0f}-vehicle campaign")
    return f"{line.jph:g} JPH; " + "; ".join(parts) if parts else ""


def _chip_summary(chips: Chips) -> str:
    windows = "; ".join(
        f"{esc(d.name)} {d.first_day} to {d.last_day} (-{d.share_lost:.0%} of kits)" for d in chips.disruptions
    )
    return f"{chips.kits_per_week:,.0f} kits per week, allocation {esc(chips.allocation)}; disruptions: {windows or 'none'}"


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
        "retooling": results.closed_hours.mean(axis=0),
        "closed": (calendar - mean["open_hours"] - results.closed_hours.mean(axis=0)).clip(min=0),
    }


def _pooled(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den summed over replications when 3-d (NaN where den is 0)."""
    if num.ndim == 3:
        num, den = num.sum(axis=0), np.broadcast_to(den, num.shape).sum(axis=0)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def _line_heatmap(results: Results, share: np.ndarray, label: str, colorscale: str) -> Figure:
    """A (line x month) heatmap of shares, its colours spanning the data's range (`share_range`),
    not 0-100%: lines that run between 80% and 95% must not all look the same. Rows are named by
    `line_labels`; the hover adds the dotted name. Cells are months (the month's name in the hover)."""
    low, high = share_range(share)
    labels = line_labels(results)
    names = np.array(results.line_names, dtype=object)[:, None].repeat(len(results.months), axis=1)
    heatmap = {
        "type": "heatmap",
        "x": month_dates(results),
        "y": labels,
        "z": compact(share),
        "zmin": low,
        "zmax": high,
        "colorscale": [[i / 8, c] for i, c in enumerate(COLOUR_SCALES[colorscale])],
        "xgap": 1,
        "ygap": 2,
        "xperiod": "M1",
        "xperiodalignment": "middle",
        "customdata": names,
        "colorbar": {"title": {"text": f"{label}<br>({low:.0%}-{high:.0%})"}, "tickformat": ".0%"},
        "hovertemplate": "%{y}<br>%{customdata}<br>%{x|%B %Y}: %{z:.1%}<extra></extra>",
    }
    if len(results.months) <= 24:
        heatmap["texttemplate"] = "%{z:.0%}"
    fig = figure(height=max(220, 140 + 40 * len(results.line_names)))
    fig["data"].append(heatmap)
    update_axes(fig, "y", {"autorange": "reversed", "automargin": True})
    update_axes(fig, "x", {"dtick": "M3", "ticklabelmode": "period"})
    return fig


def share_range(share: np.ndarray, step: float = 0.05, least: float = 0.1) -> tuple[float, float]:
    """The colour range of a heatmap of shares: the data's minimum and maximum widened to whole
    `step`s, at least `least` wide, within 0-100% (0-100% when there is no data)."""
    finite = share[np.isfinite(share)]
    if finite.size == 0:
        return 0.0, 1.0
    low = float(np.floor(finite.min() / step + 1e-9) * step)
    high = float(np.ceil(finite.max() / step - 1e-9) * step)
    if high - low < least:
        pad = (least - (high - low)) / 2
        low, high = low - pad, high + pad
    ceiling = max(1.0, float(finite.max()))  # a share may pass 100% only if the data does
    if high > ceiling:
        low, high = low - (high - ceiling), ceiling
    if low < 0.0:
        low, high = 0.0, high - low
    return round(low, 6), round(high, 6)


def line_labels(results: Results) -> list[str]:
    """Readable names of the lines for chart rows: the line's id in capitals after its shop (and its
    plant when there are several), with the brands it builds: 'GA2 (ORA, Haval, Xiaomi)'."""
    scenario = results.scenario
    brand = {p.id: p.brand for p in scenario.products}
    several = len(scenario.plants) > 1
    out = []
    for plant in scenario.plants:
        for shop, lines in plant.stages():
            for line in lines:
                brands = list(dict.fromkeys(brand[p] for p in line.products if p in brand))
                shown = ", ".join(brands[:4]) + (f" +{len(brands) - 4}" if len(brands) > 4 else "")
                where = " ".join(x for x in (plant.name if several else "", shop.capitalize() if shop else "") if x)
                name = f"{where} {line.id.upper()}" if where else line.id.upper()
                out.append(f"{name} ({shown})" if shown else name)
    return out


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


def month_dates(results: Results) -> list[str]:
    """Months as plotly dates: 'YYYY-MM' is the first of the month, and shorter than 'YYYY-MM-01'."""
    return list(results.months)
