"""The HTML report of a study (`sim optimize`): one self-contained offline file, like the run report.

It answers the study's question first: the executive summary (the sentences of
`sim.report.study.summary`), then the recommendation (the chosen terms, the objective with its
95% interval, the Kim-Nelson statement, each constraint's verdict with its estimate, interval
and confidence) or, with two objectives, the Pareto front's terms; then the charts:
- the response of the objective over the decision variables: for one continuous variable the
  objective's estimate and 95% band along it (markers by stage: coarse, refine, sensitivity;
  contenders ringed, the chosen a star at its fresh estimate); for two a scatter of the evaluated
  points coloured by the objective; for choices only, bars with 95% error bars;
- the feasible region: one panel per constraint, every evaluated candidate coloured by its verdict
  (met, not met, undecided), with the constraint's bound as a line where it can be drawn (the
  bound itself against one variable; over two, the level of the bound on a quadratic surface
  fitted to the candidates' estimates, when it fits them closely, marked as such);
- with two objectives, the front: its members at their fresh estimates with 95% intervals on both
  axes, every other candidate faded;
- the sensitivity of the objective one step either side of the choice (paired differences);
then the effort against a full grid, the study as given, and every candidate in a table.

Search estimates of different candidates share their replications (common random numbers), so
the response and feasibility charts compare candidates on the same draws; fresh estimates
(the contenders') are shown where they are the ones the verdicts rest on. Values are written in
the planner's units (RMB in millions, shares in percent, dates as dates) by the terminal's
formatters, never in scientific notation. Everything is drawn from the `StudyResult`; nothing
re-simulates. plotly.js is embedded once (or loaded from a shared file); nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.experiment.optimize import Candidate, StudyResult
from sim.experiment.selection import Feasibility
from sim.experiment.study import Constraint, Variable
from sim.report import summary as summary_block
from sim.report.params import label as path_label
from sim.report.study import (
    cell,
    kpi_value,
    lower,
    percent_variable,
    ranked,
    selection_sentence,
    summary,
    unit_note,
    value,
)
from sim.report.style import compact, document, esc, figures, rgba, save, styled
from sim.version import __version__

COLOUR = "#1f3a5f"
CHOSEN = "#ff6900"
#: A verdict's word and colour, the same in the tables and the charts.
VERDICTS = {"feasible": ("met", "#2e8b57"), "infeasible": ("not met", "#c8102e"), "undecided": ("undecided", "#d4a017")}
#: Marker symbols of the search's stages.
STAGES = {"coarse": ("circle", "coarse design"), "refine": ("diamond", "refinement"),
          "sensitivity": ("square", "sensitivity")}  # fmt: skip
#: Line colours of the response when choices split it into several lines.
GROUP_COLOURS = ("#1f3a5f", "#2bb3a3", "#c8102e", "#6a5acd", "#d4a017", "#6b7b3a", "#b0578d", "#8c6d46")
#: Points of each axis of the grid a fitted constraint boundary is drawn on, and the least R squared
#: of the fit for it to be drawn.
GRID = 40
FIT = 0.95
EXTRA_CSS = """
td .ci { font-size: 0.8em; color: #666; white-space: nowrap; }
.verdict { display: inline-block; font-size: 0.85em; padding: 0 7px; border-radius: 8px; color: #fff; }
.verdict.feasible { background: #2e8b57; } .verdict.infeasible { background: #c8102e; }
.verdict.undecided { background: #d4a017; }
tr.chosen td { background: #fff3e8; font-weight: 600; } tr.front td { background: #eef3f9; }
.wide { overflow-x: auto; width: max(100%, min(100vw - 32px, 1600px)); position: relative; left: 50%;
        transform: translateX(-50%); }
.wide table { font-size: 0.88em; }
p.statement { font-size: 1.02em; margin: 8px 0 12px; }
@media print { .wide { width: 100%; left: 0; transform: none; } }
"""


def write(result: StudyResult, path: str | Path, plotly_js: str | None = None) -> Path:
    """Write the study report to `path` (a temporary file, then renamed); plotly.js inlined, or
    loaded from the relative URL `plotly_js` (`sim.report.style.shared_plotly`)."""
    return save(page(result, plotly_js), path)


def page(result: StudyResult, plotly_js: str | None = None) -> str:
    """The whole report as one HTML document: the answer first, then how it was found."""
    view = View(result)
    study = result.study
    sections = [
        f"<h1>Study {esc(study.name)}</h1>",
        f'<p class="lead">{esc(study.description)}</p>' if study.description else "",
        summary_block.html(summary(result)),
    ]
    if study.pareto:
        sections += ["<h2>The Pareto front</h2>", front_table(view)]
    else:
        sections += ["<h2>Recommendation</h2>", recommendation(view)]
    for heading, fig, after in charts(view):
        sections += figures([(heading, fig)], len(sections))
        sections.append(after)
    sections += ["<h2>Effort</h2>", effort(view), "<h2>The study</h2>", facts(view)]
    sections += ["<h2>Every candidate</h2>", candidates(view)]
    sections.append(
        '<p class="note">Intervals are 95% confidence intervals; verdicts are at the study\'s confidence. '
        "Search estimates of all candidates come from the same replications (common random numbers); fresh "
        f"estimates from the ranking's replications after them. Generated by sim {esc(__version__)}.</p>"
    )
    return document(f"Study {study.name} - sim report", sections, EXTRA_CSS, plotly_js)


class View:
    """What every part of the report reads: the result, the base scenario's start, readable labels."""

    def __init__(self, result: StudyResult):
        self.result = result
        self.scenario = result.study.base()
        self.start = self.scenario.meta.start_date

    # -- words
    def var_label(self, v: Variable) -> str:
        return path_label(v.path, self.scenario)

    def kpi_label(self, kpi: str) -> str:
        return self.result.labels.get(kpi, kpi)

    def objective_label(self, k: int) -> str:
        o = self.result.objectives[k]
        what = "mean" if o.statistic == "mean" else f"P{round(100 * (o.q or 0))}"
        return f"{self.kpi_label(o.kpi)} ({what}, {'maximised' if o.maximise else 'minimised'})"

    def unit(self, kpi: str) -> str:
        return self.result.units.get(kpi, "")

    def shown(self, kpi: str, x: float) -> str:
        return kpi_value(self.unit(kpi), x, self.start)

    def interval(self, kpi: str, low: float, high: float) -> str:
        if low != low or high != high:
            return ""
        return f"{self.shown(kpi, low)} to {self.shown(kpi, high)}"

    def terms(self, c: Candidate) -> str:
        return ", ".join(f"{self.var_label(v)} {value(v, c.values[v.path])}" for v in self.result.variables)

    def hover(self, c: Candidate, *lines: str) -> str:
        return "<br>".join([f"candidate {c.id} ({c.stage})", esc(self.terms(c)), *lines])

    # -- plotted values
    def y(self, unit: str, xs: Sequence[float]) -> list:
        """Values in the unit a chart shows: RMB millions, percent, dates; None where not finite."""
        out: list = []
        for x in xs:
            if x != x or abs(x) == math.inf:
                out.append(None)
            elif unit == "date":
                out.append(str(self.start + dt.timedelta(days=float(x))))
            else:
                out.append(float(x) / 1e6 if unit == "RMB" else 100 * float(x) if unit == "share" else float(x))
        return out

    def x(self, v: Variable, xs: Sequence[float | str]) -> list:
        """Decision values as a chart shows them: percent for shares, the choice's text otherwise."""
        if not v.continuous:
            return [cell(v, x) for x in xs]
        return [100 * float(x) if percent_variable(v) else float(x) for x in xs]


def _axis(fig: go.Figure, which: str, title: str, unit: str, **where: int) -> None:
    """An axis in a unit: dates as dates, numbers with separators (never 1e6 or 1.2k), % for percent."""
    update = fig.update_xaxes if which == "x" else fig.update_yaxes
    if unit == "date":
        update(type="date", tickformat="%-d %b %Y", title_text=title, **where)
    elif unit == "category":
        update(type="category", tickformat="", title_text=title, **where)
    else:
        update(type="linear", tickformat=",~f", ticksuffix="%" if unit == "%" else "", title_text=title, **where)


def _value_axis(view: View, kpi: str) -> str:
    """A value axis's title: the indicator and its unit when short enough to fit beside the plot, else
    the unit alone (the chart's title names the indicator)."""
    unit = view.unit(kpi)
    full = f"{view.kpi_label(kpi)} ({unit_note(unit)})"
    return full if len(full) <= 40 else view.kpi_label(kpi) if unit == "date" else unit_note(unit)


def _unit_axis(unit: str) -> str:
    return "%" if unit == "share" else unit


def _var_axis(v: Variable) -> str:
    return "category" if not v.continuous else "%" if percent_variable(v) else ""


def _whiskers(xs: Sequence, lows: Sequence, highs: Sequence, vertical: bool = True) -> tuple[list, list]:
    """Segments low..high at each x, separated by gaps: error bars that work on any axis (dates too)."""
    px: list = []
    py: list = []
    for x, lo, hi in zip(xs, lows, highs, strict=True):
        if x is None or lo is None or hi is None:
            continue
        a, b = ([x, x, None], [lo, hi, None]) if vertical else ([lo, hi, None], [x, x, None])
        px += a
        py += b
    return px, py


def _finish(fig: go.Figure, title: str, height: int | None = None) -> go.Figure:
    """The house style without its date x-axis (these charts are over decision values)."""
    if height:
        fig.update_layout(height=height)
    styled(fig, title, None)
    fig.update_xaxes(type="linear", tickformat=",~f")
    return fig


# -- the charts ---------------------------------------------------------------------------------
def charts(view: View) -> list[tuple[str, go.Figure, str]]:
    """(heading, figure, HTML after it) of every chart that applies to the study."""
    result = view.result
    out = []
    if not result.study.pareto:
        out.append(("Response of the objective", response(view), _response_note(view)))
    if result.constraints:
        out.append(("Feasible region", feasible_region(view), _feasible_note(view)))
    if result.study.pareto:
        out.append(("The front", pareto(view), ""))
    if result.sensitivity:
        out.append(("Sensitivity around the chosen terms", sensitivity(view), sensitivity_table(view)))
    return out


def _response_note(view: View) -> str:
    cont = [v for v in view.result.variables if v.continuous]
    extra = ""
    if len(cont) >= 2 and (len(cont) > 2 or len(cont) < len(view.result.variables)):
        extra = (
            f" Shown over {esc(view.var_label(cont[0]))} and {esc(view.var_label(cont[1]))}"
            f"{' at the chosen choices' if len(cont) < len(view.result.variables) else ''}; hover a point for all its terms."
        )
    return (
        '<p class="note">Estimates on the search\'s replications, common to every candidate; the chosen terms '
        f"at their fresh estimate.{extra}</p>"
    )


def _feasible_note(view: View) -> str:
    cont = [v for v in view.result.variables if v.continuous]
    boundary = (
        " The dashed line is where a quadratic surface fitted to the candidates' estimates meets the bound, drawn "
        f"when it fits them closely (R squared at least {FIT:g}): a guide between the evaluated points, not a "
        "computed edge."
        if len(cont) >= 2
        else " The dashed line is the bound."
    )
    return (
        '<p class="note">Each candidate is coloured by its verdict at the study\'s confidence (on fresh replications '
        "when it has them); circles are the coarse design, diamonds the refinement, squares the sensitivity's "
        f"neighbours.{boundary}</p>"
    )


def _groups(result: StudyResult, cands: Sequence[Candidate]) -> dict[tuple, list[Candidate]]:
    """Candidates by their values of the choice variables."""
    choices = [v for v in result.variables if not v.continuous]
    out: dict[tuple, list[Candidate]] = {}
    for c in cands:
        out.setdefault(tuple(c.values[v.path] for v in choices), []).append(c)
    return out


def _plane(result: StudyResult) -> list[Candidate]:
    """The candidates a chart over two continuous variables shows: those at the chosen (else the best
    candidate's) values of every choice variable."""
    choices = [v for v in result.variables if not v.continuous]
    if not choices:
        return list(result.candidates)
    at = result.chosen or ranked(result)[0]
    return [c for c in result.candidates if all(c.values[v.path] == at.values[v.path] for v in choices)]


def response(view: View) -> go.Figure:
    """The objective over the decision variables (search estimates, the chosen at its fresh one)."""
    result = view.result
    o = result.objectives[0]
    unit = view.unit(o.kpi)
    cont = [v for v in result.variables if v.continuous]
    ytitle = _value_axis(view, o.kpi)
    fig = go.Figure()
    if len(cont) >= 2:
        vx, vy = cont[:2]
        cands = _plane(result)
        z = [c.objectives[0].value for c in cands]
        finite = [v for v in view.y(unit, z) if isinstance(v, float)]
        for stage, (symbol, name) in STAGES.items():
            cs = [c for c in cands if c.stage == stage]
            if not cs:
                continue
            fig.add_trace(
                go.Scatter(
                    x=view.x(vx, [c.values[vx.path] for c in cs]),
                    y=view.x(vy, [c.values[vy.path] for c in cs]),
                    mode="markers",
                    name=name,
                    marker={
                        "symbol": symbol,
                        "size": 13,
                        "color": view.y(unit, [c.objectives[0].value for c in cs]) if unit != "date" else None,
                        "coloraxis": "coloraxis",
                        "line": {"color": ["#222" if c.contender else "#fff" for c in cs], "width": 2},
                    },
                    hovertext=[
                        view.hover(c, f"{esc(view.kpi_label(o.kpi))}: {view.shown(o.kpi, c.objectives[0].value)}")
                        for c in cs
                    ],
                    hoverinfo="text",
                )
            )
        _star(fig, view, view.x(vx, [_chosen_value(result, vx)]), view.x(vy, [_chosen_value(result, vy)]))
        fig.update_layout(
            coloraxis={
                "colorscale": "Viridis",
                "colorbar": {"title": {"text": unit_note(unit)}, "tickformat": ",~f"},
                **({"cmin": min(finite), "cmax": max(finite)} if finite else {}),
            }
        )
        _finish(fig, f"{view.kpi_label(o.kpi)} over the evaluated terms (colour; ringed: contenders)", 520)
        _axis(fig, "x", view.var_label(vx), _var_axis(vx))
        _axis(fig, "y", view.var_label(vy), _var_axis(vy))
        return fig
    if len(cont) == 1:
        v = cont[0]
        groups = _groups(result, result.candidates)
        for n, (key, cs) in enumerate(groups.items()):
            cs = sorted(cs, key=lambda c: float(c.values[v.path]))
            colour = GROUP_COLOURS[n % len(GROUP_COLOURS)]
            choices = [w for w in result.variables if not w.continuous]
            name = (
                ", ".join(f"{view.var_label(w)} {cell(w, k)}" for w, k in zip(choices, key, strict=True)) or "estimate"
            )
            x = view.x(v, [c.values[v.path] for c in cs])
            e = [c.objectives[0] for c in cs]
            fig.add_trace(go.Scatter(x=x, y=view.y(unit, [x.high for x in e]), mode="lines", line={"width": 0},
                                     hoverinfo="skip", showlegend=False, legendgroup=name))  # fmt: skip
            fig.add_trace(
                go.Scatter(x=x, y=view.y(unit, [x.low for x in e]), mode="lines", line={"width": 0}, fill="tonexty",
                           fillcolor=rgba(colour, 0.18), hoverinfo="skip", name=f"95% CI ({name})" if len(groups) > 1
                           else "95% CI", legendgroup=name)
            )  # fmt: skip
            fig.add_trace(go.Scatter(x=x, y=view.y(unit, [x.value for x in e]), mode="lines",
                                     line={"color": colour, "width": 2}, name=name, hoverinfo="skip"))  # fmt: skip
        for stage, (symbol, name) in STAGES.items():
            cs = [c for c in result.candidates if c.stage == stage]
            if cs:
                fig.add_trace(
                    go.Scatter(
                        x=view.x(v, [c.values[v.path] for c in cs]),
                        y=view.y(unit, [c.objectives[0].value for c in cs]),
                        mode="markers",
                        name=name,
                        marker={"symbol": symbol, "size": 9, "color": "#fff",
                                "line": {"color": COLOUR, "width": 2}},
                        hovertext=[view.hover(c, f"estimate {view.shown(o.kpi, c.objectives[0].value)}, 95% CI "
                                                 f"{view.interval(o.kpi, c.objectives[0].low, c.objectives[0].high)}")
                                   for c in cs],
                        hoverinfo="text",
                    )
                )  # fmt: skip
        contenders = [result.candidate(i) for i in result.contenders]
        if contenders:
            fig.add_trace(
                go.Scatter(x=view.x(v, [c.values[v.path] for c in contenders]),
                           y=view.y(unit, [c.objectives[0].value for c in contenders]), mode="markers",
                           name="contenders (ranked on fresh replications)", hoverinfo="skip",
                           marker={"symbol": "circle-open", "size": 17, "color": "#222", "line": {"width": 2}})
            )  # fmt: skip
        if result.chosen is not None:
            e = result.chosen.objective(0)
            x = view.x(v, [result.chosen.values[v.path]])
            wx, wy = _whiskers(x, view.y(unit, [e.low]), view.y(unit, [e.high]))
            fig.add_trace(go.Scatter(x=wx, y=wy, mode="lines", line={"color": CHOSEN, "width": 3},
                                     hoverinfo="skip", showlegend=False))  # fmt: skip
            _star(fig, view, x, view.y(unit, [e.value]))
        _finish(fig, f"{view.kpi_label(o.kpi)} against {lower(view.var_label(v))} (estimate and 95% CI)")
        _axis(fig, "x", view.var_label(v), _var_axis(v))
        _axis(fig, "y", ytitle, _unit_axis(unit))
        return fig
    return _choice_bars(view)


def _chosen_value(result: StudyResult, v: Variable) -> float | str:
    at = result.chosen or ranked(result)[0]
    return at.values[v.path]


def _star(fig: go.Figure, view: View, x: list, y: list) -> None:
    c = view.result.chosen
    if c is None:
        return
    o = view.result.objectives[0]
    e = c.objective(0)
    text = view.hover(c, f"chosen: {view.shown(o.kpi, e.value)} ({view.interval(o.kpi, e.low, e.high)}, {e.n:,} fresh)")
    fig.add_trace(
        go.Scatter(x=x, y=y, mode="markers", name=f"chosen (candidate {c.id})", hovertext=[text], hoverinfo="text",
                   marker={"symbol": "star", "size": 22, "color": CHOSEN, "line": {"color": "#222", "width": 1}})
    )  # fmt: skip


def _choice_bars(view: View) -> go.Figure:
    """Choices only: the objective by the first choice variable, bars grouped by the others'."""
    result = view.result
    o = result.objectives[0]
    unit = view.unit(o.kpi)
    first, *rest = result.variables

    def chosen(c: Candidate) -> bool:
        return result.chosen is not None and c.id == result.chosen.id

    fig = go.Figure()
    groups: dict[tuple, list[Candidate]] = {}
    for c in result.candidates:
        groups.setdefault(tuple(c.values[v.path] for v in rest), []).append(c)
    for n, (key, cs) in enumerate(groups.items()):
        e = [c.objectives[0] for c in cs]
        y = view.y(unit, [x.value for x in e])
        name = ", ".join(f"{view.var_label(v)} {cell(v, k)}" for v, k in zip(rest, key, strict=True)) or "estimate"
        colour = GROUP_COLOURS[n % len(GROUP_COLOURS)]
        hover = [view.hover(c, f"estimate {view.shown(o.kpi, x.value)} ({view.interval(o.kpi, x.low, x.high)})")
                 for c, x in zip(cs, e, strict=True)]  # fmt: skip
        lo, hi = view.y(unit, [x.low for x in e]), view.y(unit, [x.high for x in e])
        if unit == "date":  # bars cannot stand on a date axis: dots and whiskers
            fig.add_trace(go.Scatter(x=view.x(first, [c.values[first.path] for c in cs]), y=y, mode="markers",
                                     name=name, marker={"color": colour, "size": 11}, hovertext=hover,
                                     hoverinfo="text"))  # fmt: skip
            continue
        fig.add_trace(
            go.Bar(
                x=view.x(first, [c.values[first.path] for c in cs]),
                y=y,
                name=name,
                marker={"color": colour, "line": {"color": CHOSEN, "width": [4 if chosen(c) else 0 for c in cs]}},
                error_y={"type": "data", "symmetric": False, "color": "#444",
                         "array": [h - m if h is not None and m is not None else 0 for h, m in zip(hi, y, strict=True)],
                         "arrayminus": [m - lo_ if lo_ is not None and m is not None else 0
                                        for lo_, m in zip(lo, y, strict=True)]},
                hovertext=hover,
                hoverinfo="text",
            )
        )  # fmt: skip
    fig.update_layout(barmode="group")
    title = (
        f"{view.kpi_label(o.kpi)} by {lower(view.var_label(first))} (search estimate and 95% CI; orange edge: chosen)"
    )
    _finish(fig, title)
    _axis(fig, "x", view.var_label(first), "category")
    _axis(fig, "y", _value_axis(view, o.kpi), _unit_axis(unit))
    return fig


def feasible_region(view: View) -> go.Figure:
    """One panel per constraint: each candidate coloured by its verdict, with the bound where it can be drawn."""
    result = view.result
    cont = [v for v in result.variables if v.continuous]
    cons = result.constraints
    cols = 1 if len(cons) == 1 else 2
    rows = math.ceil(len(cons) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[esc(c.text) for c in cons], horizontal_spacing=0.12,
                        vertical_spacing=0.22 / max(rows - 1, 1) if rows > 1 else 0.1)  # fmt: skip
    plane = len(cont) >= 2
    cands = _plane(result) if plane else list(result.candidates)
    shown: set[str] = set()
    for i, con in enumerate(cons):
        row, col = divmod(i, cols)
        where = {"row": row + 1, "col": col + 1}
        verdicts = [(c, (c.fresh_verdicts or c.verdicts)[i]) for c in cands]
        if plane:
            _feasible_plane(fig, view, cont[0], cont[1], con, i, cands, verdicts, where, shown)
        else:
            _feasible_line(fig, view, con, verdicts, where, shown)
    height = 140 + 330 * rows
    _finish(fig, "Which terms meet each constraint (verdict at the study's confidence)", height)
    for i in range(len(cons)):
        row, col = divmod(i, cols)
        where = {"row": row + 1, "col": col + 1}
        if plane:
            _axis(fig, "x", view.var_label(cont[0]), _var_axis(cont[0]), **where)
            _axis(fig, "y", view.var_label(cont[1]), _var_axis(cont[1]), **where)
        else:
            x = cont[0] if cont else result.variables[0]
            _axis(fig, "x", view.var_label(x) if cont else "terms", _var_axis(x) if cont else "category", **where)
            con = cons[i]
            _axis(fig, "y", _constraint_axis(view, con), "%" if con.chance else _unit_axis(view.unit(con.kpi)), **where)
    return fig


def _constraint_axis(view: View, con: Constraint) -> str:
    if con.chance:
        return "probability (%)"
    return f"mean {lower(view.kpi_label(con.kpi))} ({unit_note(view.unit(con.kpi))})"


def _constraint_y(view: View, con: Constraint, xs: Sequence[float]) -> list:
    return view.y("share" if con.chance else view.unit(con.kpi), xs)


def _estimate_text(view: View, con: Constraint, f: Feasibility) -> tuple[str, str]:
    """A constraint's estimate and its interval as text (a probability in percent)."""
    if con.chance:
        return f"{100 * f.estimate:.0f}%", f"{100 * f.low:.0f}% to {100 * f.high:.0f}%"
    return view.shown(con.kpi, f.estimate), view.interval(con.kpi, f.low, f.high)


def _verdict_hover(view: View, c: Candidate, con: Constraint, f: Feasibility) -> str:
    est, interval = _estimate_text(view, con, f)
    return view.hover(c, f"{VERDICTS[f.verdict][0]}: {est} ({interval}, {f.n:,} replications)")


def _feasible_line(fig: go.Figure, view: View, con: Constraint, verdicts: list, where: dict, shown: set) -> None:
    """A constraint's estimate and interval against the one continuous variable (or the choices), and its bound."""
    result = view.result
    cont = [v for v in result.variables if v.continuous]

    def xs(cs: Sequence[Candidate]) -> list:
        if cont:
            return view.x(cont[0], [c.values[cont[0].path] for c in cs])
        return [", ".join(cell(v, c.values[v.path]) for v in result.variables) for c in cs]

    for verdict, (word, colour) in VERDICTS.items():
        items = [(c, f) for c, f in verdicts if f.verdict == verdict]
        if not items:
            continue
        cs = [c for c, _ in items]
        x = xs(cs)
        lo = _constraint_y(view, con, [f.low for _, f in items])
        hi = _constraint_y(view, con, [f.high for _, f in items])
        wx, wy = _whiskers(x, lo, hi)
        fig.add_trace(go.Scatter(x=wx, y=wy, mode="lines", line={"color": rgba(colour, 0.5), "width": 1.5},
                                 hoverinfo="skip", showlegend=False, legendgroup=verdict), **where)  # fmt: skip
        fig.add_trace(
            go.Scatter(x=x, y=_constraint_y(view, con, [f.estimate for _, f in items]), mode="markers", name=word,
                       legendgroup=verdict, showlegend=verdict not in shown,
                       marker={"color": colour, "size": 9, "symbol": [STAGES[c.stage][0] for c in cs]},
                       hovertext=[_verdict_hover(view, c, con, f) for c, f in items], hoverinfo="text"),
            **where,
        )  # fmt: skip
        shown.add(verdict)
    bound = verdicts[0][1].bound if verdicts else None
    if bound is not None:
        y = _constraint_y(view, con, [bound])[0]
        if y is not None:
            fig.add_hline(y=y, line={"color": "#222", "dash": "dash", "width": 1}, **where)
    chosen = [(c, f) for c, f in verdicts if result.chosen is not None and c.id == result.chosen.id]
    if chosen:
        c, f = chosen[0]
        fig.add_trace(
            go.Scatter(x=xs([c]), y=_constraint_y(view, con, [f.estimate]), mode="markers", name=f"chosen (candidate {c.id})",
                       showlegend="chosen" not in shown, legendgroup="chosen", hovertext=[_verdict_hover(view, c, con, f)],
                       hoverinfo="text", marker={"symbol": "star", "size": 18, "color": CHOSEN,
                                                 "line": {"color": "#222", "width": 1}}),
            **where,
        )  # fmt: skip
        shown.add("chosen")


def _feasible_plane(fig: go.Figure, view: View, vx: Variable, vy: Variable, con: Constraint, i: int,
                    cands: list[Candidate], verdicts: list, where: dict, shown: set) -> None:  # fmt: skip
    """Candidates over two variables coloured by their verdict on constraint `i`, with the level of
    the bound on a quadratic surface fitted to their (search) estimates."""
    result = view.result
    for verdict, (word, colour) in VERDICTS.items():
        items = [(c, f) for c, f in verdicts if f.verdict == verdict]
        if not items:
            continue
        cs = [c for c, _ in items]
        fig.add_trace(
            go.Scatter(x=view.x(vx, [c.values[vx.path] for c in cs]), y=view.x(vy, [c.values[vy.path] for c in cs]),
                       mode="markers", name=word, legendgroup=verdict, showlegend=verdict not in shown,
                       marker={"color": colour, "size": 10, "symbol": [STAGES[c.stage][0] for c in cs],
                               "line": {"color": "#fff", "width": 1}},
                       hovertext=[_verdict_hover(view, c, con, f) for c, f in items], hoverinfo="text"),
            **where,
        )  # fmt: skip
        shown.add(verdict)
    points = [(float(c.values[vx.path]), float(c.values[vy.path]), c.verdicts[i].estimate) for c in cands]
    points = [p for p in points if math.isfinite(p[2])]
    bound = cands[0].verdicts[i].bound if cands else math.nan
    if len(points) >= 8 and math.isfinite(bound):
        gx, gy, z, r2 = fitted(np.array(points), (vx.low, vx.high), (vy.low, vy.high))
        if r2 >= FIT and z.min() < bound < z.max():
            fig.add_trace(
                go.Contour(x=view.x(vx, list(gx)), y=view.x(vy, list(gy)), z=compact(z), autocontour=False,
                           contours={"start": bound, "end": bound, "size": max(abs(bound), 1.0), "coloring": "none"},
                           line={"color": "#222", "dash": "dash", "width": 2}, showscale=False, hoverinfo="skip",
                           name="bound (fitted)", showlegend="bound" not in shown, legendgroup="bound"),
                **where,
            )  # fmt: skip
            shown.add("bound")
    c = result.chosen
    if c is not None and c in cands:
        f = c.fresh_verdicts[i] if c.fresh_verdicts else c.verdicts[i]
        fig.add_trace(
            go.Scatter(x=view.x(vx, [c.values[vx.path]]), y=view.x(vy, [c.values[vy.path]]), mode="markers",
                       name=f"chosen (candidate {c.id})", showlegend="chosen" not in shown, legendgroup="chosen",
                       hovertext=[_verdict_hover(view, c, con, f)], hoverinfo="text",
                       marker={"symbol": "star", "size": 18, "color": CHOSEN, "line": {"color": "#222", "width": 1}}),
            **where,
        )  # fmt: skip
        shown.add("chosen")


def fitted(
    points: np.ndarray, xrange: tuple[float, float], yrange: tuple[float, float], n: int = GRID
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A quadratic surface in two variables fitted by least squares to `points` (rows x, y, value),
    on an n x n grid over the two ranges (rows along y), and its R squared. A smooth guide to where a
    constraint's bound runs between the evaluated terms (fees are a product of two terms, units and
    losses nearly linear in a share): the report draws it only when the fit is close (`FIT`)."""
    gx = np.linspace(*xrange, n)
    gy = np.linspace(*yrange, n)
    sx = max(xrange[1] - xrange[0], 1e-12)
    sy = max(yrange[1] - yrange[0], 1e-12)

    def basis(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        u, w = (x - xrange[0]) / sx, (y - yrange[0]) / sy
        return np.stack([np.ones_like(u), u, w, u * u, u * w, w * w], axis=-1)

    v = points[:, 2]
    coef, *_ = np.linalg.lstsq(basis(points[:, 0], points[:, 1]), v, rcond=None)
    residual = float(((basis(points[:, 0], points[:, 1]) @ coef - v) ** 2).sum())
    total = float(((v - v.mean()) ** 2).sum())
    r2 = 1.0 - residual / total if total > 0 else 1.0
    ux, uy = np.meshgrid(gx, gy)
    return gx, gy, basis(ux, uy) @ coef, r2


def pareto(view: View) -> go.Figure:
    """The front at its fresh estimates with 95% intervals on both axes; every other candidate faded."""
    result = view.result
    o1, o2 = result.objectives
    u1, u2 = view.unit(o1.kpi), view.unit(o2.kpi)
    fig = go.Figure()
    front = [result.candidate(i) for i in result.front]
    others = [c for c in result.candidates if c.id not in result.front]
    for meets, name, colour, symbol in ((True, "other candidates meeting the constraints", "#9aa5b1", "circle"),
                                        (False, "candidates missing a constraint", "#d5d9de", "x")):  # fmt: skip
        cs = [c for c in others if c.meets == meets]
        if cs:
            fig.add_trace(
                go.Scatter(
                    x=view.y(u1, [c.objective(0).value for c in cs]),
                    y=view.y(u2, [c.objective(1).value for c in cs]),
                    mode="markers",
                    name=name,
                    opacity=0.6,
                    marker={"color": colour, "size": 8, "symbol": symbol},
                    hovertext=[view.hover(c, _pair(view, c)) for c in cs],
                    hoverinfo="text",
                )
            )
    if front:
        x = view.y(u1, [c.objective(0).value for c in front])
        y = view.y(u2, [c.objective(1).value for c in front])
        for vertical in (True, False):
            if vertical:
                wx, wy = _whiskers(x, view.y(u2, [c.objective(1).low for c in front]),
                                   view.y(u2, [c.objective(1).high for c in front]))  # fmt: skip
            else:
                wy, wx = _whiskers(y, view.y(u1, [c.objective(0).low for c in front]),
                                   view.y(u1, [c.objective(0).high for c in front]), vertical=False)  # fmt: skip
                wx, wy = wy, wx
            fig.add_trace(go.Scatter(x=wx, y=wy, mode="lines", line={"color": rgba(COLOUR, 0.6), "width": 1.5},
                                     hoverinfo="skip", showlegend=False))  # fmt: skip
        fig.add_trace(
            go.Scatter(x=x, y=y, mode="lines+markers+text", name="the front (fresh estimates, 95% CI)",
                       line={"color": COLOUR, "width": 1.5, "dash": "dot"},
                       marker={"color": COLOUR, "size": 11}, text=[f"#{c.id}" for c in front],
                       textposition="top right", hovertext=[view.hover(c, _pair(view, c)) for c in front],
                       hoverinfo="text")
        )  # fmt: skip
    _finish(fig, f"{view.kpi_label(o1.kpi)} against {lower(view.kpi_label(o2.kpi))}: the non-dominated terms", 520)
    _axis(fig, "x", f"{view.kpi_label(o1.kpi)} ({unit_note(u1)})", _unit_axis(u1))
    _axis(fig, "y", f"{view.kpi_label(o2.kpi)} ({unit_note(u2)})", _unit_axis(u2))
    return fig


def _pair(view: View, c: Candidate) -> str:
    parts = []
    for k, o in enumerate(view.result.objectives):
        e = c.objective(k)
        parts.append(
            f"{esc(view.kpi_label(o.kpi))}: {view.shown(o.kpi, e.value)} ({view.interval(o.kpi, e.low, e.high)})"
        )
    return "<br>".join(parts)


def _difference(unit: str, x: float) -> float | None:
    """A difference in the unit a chart shows: RMB millions, percentage points, days."""
    if x != x or abs(x) == math.inf:
        return None
    return x / 1e6 if unit == "RMB" else 100 * x if unit == "share" else x


def _difference_unit(unit: str) -> str:
    return {"RMB": "RMB million", "share": "percentage points", "date": "days"}.get(unit, unit_note(unit))


def sensitivity(view: View) -> go.Figure:
    """The objective's change one step either side of the chosen terms, with 95% intervals and +-delta."""
    result = view.result
    o = result.objectives[0]
    unit = view.unit(o.kpi)
    rows = result.sensitivity[::-1]  # plotly stacks categories bottom up
    names = [f"{view.var_label(_var(result, s.path))}: {value(_var(result, s.path), s.value)}" for s in rows]
    diff = [_difference(unit, s.difference) for s in rows]
    colours = []
    for s in rows:
        better = (s.difference > 0) == o.maximise
        colours.append("#c9ced4" if not result.candidate(s.candidate).meets else "#2e8b57" if better else "#c8102e")
    hover = [
        f"{esc(n)}<br>{kpi_value(unit, s.difference, view.start, signed=True)}"
        + (f" ({kpi_value(unit, s.low, view.start, signed=True)} to {kpi_value(unit, s.high, view.start, signed=True)})"
           if s.low == s.low else "")
        + ("<br>misses a constraint" if not result.candidate(s.candidate).meets else "")
        for n, s in zip(names, rows, strict=True)
    ]  # fmt: skip
    plus = [
        (_difference(unit, s.high) or 0) - (d or 0) if s.high == s.high else 0 for s, d in zip(rows, diff, strict=True)
    ]
    minus = [
        (d or 0) - (_difference(unit, s.low) or 0) if s.low == s.low else 0 for s, d in zip(rows, diff, strict=True)
    ]
    fig = go.Figure(
        go.Bar(y=names, x=diff, orientation="h", marker_color=colours, hovertext=hover, hoverinfo="text",
               name="change of the objective (grey: misses a constraint)",
               error_x={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus, "color": "#444"})
    )  # fmt: skip
    delta = _difference(unit, result.delta) if unit != "date" else result.delta
    fig.add_vline(x=0, line={"color": "#222", "width": 1})
    if delta:
        for side in (-delta, delta):
            fig.add_vline(x=side, line={"color": "#888", "dash": "dot", "width": 1})
        fig.add_annotation(text=f"dotted: +-delta ({esc(kpi_value(unit, result.delta, view.start))})" if unit != "date"
                           else f"dotted: +-delta ({result.delta:,.0f} d)", xref="paper", yref="paper", x=1, y=1,
                           xanchor="right", yanchor="bottom", showarrow=False)  # fmt: skip
    change = _difference_unit(unit)
    _finish(fig, f"{view.kpi_label(o.kpi)}: change one step from the chosen terms ({change})",
            max(300, 160 + 45 * len(rows)))  # fmt: skip
    _axis(fig, "x", f"change ({change}; paired, search replications)", "")
    _axis(fig, "y", "", "category")
    fig.update_layout(showlegend=False)
    return fig


def _var(result: StudyResult, path: str) -> Variable:
    return next(v for v in result.variables if v.path == path)


def sensitivity_table(view: View) -> str:
    result = view.result
    o = result.objectives[0]
    unit = view.unit(o.kpi)
    rows = []
    for s in result.sensitivity:
        v = _var(result, s.path)
        c = result.candidate(s.candidate)
        interval = (f"{kpi_value(unit, s.low, view.start, signed=True)} to {kpi_value(unit, s.high, view.start, signed=True)}"
                    if s.low == s.low else "")  # fmt: skip
        note = "misses a constraint" if not c.meets else ""
        if c.meets and ((s.difference > 0) == o.maximise) and s.difference:
            note = "better, within delta" if abs(s.difference) <= result.delta else "better by more than delta"
        rows.append(
            f'<tr><td>{esc(view.var_label(v))}</td><td class="num">{esc(value(v, s.value))}</td>'
            f'<td class="num">{s.candidate}</td><td class="num">{esc(view.shown(o.kpi, s.objective))}</td>'
            f'<td class="num">{esc(kpi_value(unit, s.difference, view.start, signed=True))}<br>'
            f'<span class="ci">{esc(interval)}</span></td><td>{esc(note)}</td></tr>'
        )
    return (
        '<table>\n<tr><th>Variable</th><th class="num">Neighbour</th><th class="num">Candidate</th>'
        '<th class="num">Objective</th><th class="num">Change (95% CI)</th><th></th></tr>\n'
        + "\n".join(rows)
        + "\n</table>\n"
        '<p class="note">Changes are paired differences from the chosen terms on the search\'s replications.</p>'
    )


# -- the tables ----------------------------------------------------------------------------------
def _tag(verdict: str) -> str:
    return f'<span class="verdict {verdict}">{VERDICTS[verdict][0]}</span>'


def recommendation(view: View) -> str:
    """The chosen terms, the objective with its interval, the ranking's statement, every verdict."""
    result = view.result
    c = result.chosen
    if c is None:
        notes = "".join(f"<li>{esc(n)}</li>" for n in result.notes)
        return f'<p class="statement">No terms are recommended.</p><ul>{notes}</ul>'
    o = result.objectives[0]
    e = c.objective(0)
    terms = "\n".join(
        f'<tr><th>{esc(view.var_label(v))}<br><code>{esc(v.path)}</code></th><td class="num">'
        f"{esc(value(v, c.values[v.path]))}</td></tr>"
        for v in result.variables
    )
    objective = (
        f'<tr><th>{esc(view.objective_label(0))}</th><td class="num">{esc(view.shown(o.kpi, e.value))}'
        f'<br><span class="ci">95% CI {esc(view.interval(o.kpi, e.low, e.high))}, {e.n:,} fresh replications'
        "</span></td></tr>"
    )
    out = [
        f'<table class="facts">\n<tr><th>Candidate</th><td class="num">{c.id}</td></tr>\n{terms}\n{objective}\n</table>',
        f'<p class="statement">{esc(selection_sentence(result, view.start))}</p>',
    ]
    if result.constraints:
        out.append(constraints_table(view, result.constraints, result.feasibility))
    out += [f'<p class="note">Note: {esc(n)}.</p>' for n in result.notes]
    return "\n".join(out)


def constraints_table(view: View, constraints: Sequence[Constraint], verdicts: Sequence[Feasibility]) -> str:
    rows = []
    for con, f in zip(constraints, verdicts, strict=True):
        est, interval = _estimate_text(view, con, f)
        what = "probability" if con.chance else f"mean {lower(view.kpi_label(con.kpi))}"
        rows.append(
            f"<tr><td><code>{esc(con.text)}</code><br><small>{esc(what)}</small></td><td>{_tag(f.verdict)}</td>"
            f'<td class="num">{esc(est)}</td><td class="num">{esc(interval)}</td>'
            f'<td class="num">{100 * f.confidence:g}%</td><td class="num">{f.n:,}</td></tr>'
        )
    return (
        '<table>\n<tr><th>Constraint</th><th>Verdict</th><th class="num">Estimate</th>'
        '<th class="num">95% interval</th><th class="num">Confidence</th><th class="num">Replications</th></tr>\n'
        + "\n".join(rows)
        + "\n</table>"
    )


def front_table(view: View) -> str:
    """The front's terms, both objectives with their intervals, and their verdicts."""
    result = view.result
    if not result.front:
        notes = "".join(f"<li>{esc(n)}</li>" for n in result.notes)
        return f'<p class="statement">There is no front.</p><ul>{notes}</ul>'
    head = "".join(f"<th>{esc(view.var_label(v))}</th>" for v in result.variables)
    head += "".join(f'<th class="num">{esc(view.objective_label(k))}</th>' for k in range(2))
    head += "".join(f'<th title="{esc(c.text)}">c{i + 1}</th>' for i, c in enumerate(result.constraints))
    rows = []
    for i in result.front:
        c = result.candidate(i)
        cells = "".join(f'<td class="num">{esc(value(v, c.values[v.path]))}</td>' for v in result.variables)
        for k, o in enumerate(result.objectives):
            e = c.objective(k)
            cells += (
                f'<td class="num">{esc(view.shown(o.kpi, e.value))}<br>'
                f'<span class="ci">{esc(view.interval(o.kpi, e.low, e.high))}</span></td>'
            )
        for con, f in zip(result.constraints, c.fresh_verdicts or c.verdicts, strict=True):
            cells += f'<td>{_tag(f.verdict)}<br><span class="ci">{esc(_estimate_text(view, con, f)[0])}</span></td>'
        rows.append(f'<tr><td class="num">{c.id}</td>{cells}</tr>')
    legend = "".join(f"<li>c{i + 1}: <code>{esc(c.text)}</code></li>" for i, c in enumerate(result.constraints))
    n0 = result.candidate(result.front[0]).fresh_replications
    return (
        f'<div class="wide"><table>\n<tr><th>#</th>{head}</tr>\n' + "\n".join(rows) + "\n</table></div>\n"
        f'<p class="note">Best first by the first objective; estimates and 95% intervals over {n0:,} fresh '
        f"replications each; verdicts at the study's confidence.</p>"
        + (f'<ul class="note">{legend}</ul>' if legend else "")
    )


def effort(view: View) -> str:
    """What the search ran against a full grid at the stated resolutions."""
    r = view.result
    per = r.full_grid_replications // max(r.full_grid_candidates, 1)
    rows = [
        ("Candidates evaluated", f"{len(r.candidates):,} ({sum(c.contender for c in r.candidates):,} ranked on fresh "
                                 "replications)"),
        ("Simulations", f"{r.simulated:,} (candidates differing only in money-only terms share one)"),
        ("Replications run", f"{r.replications:,}"),
        ("A full grid at the stated resolutions", f"{r.full_grid_candidates:,} candidates x {per:,} replications = "
                                                   f"{r.full_grid_replications:,} replications"),
        ("The same grid, money-only terms sharing simulations", f"{r.full_grid_simulated_replications:,} replications"),
        ("Saving", f"{r.full_grid_replications / max(r.replications, 1):,.0f}x fewer replications than the full grid "
                   f"({r.full_grid_simulated_replications / max(r.replications, 1):,.1f}x fewer than the shared one)"),
        ("Wall time", f"{r.wall_seconds:,.1f} s"),
    ]  # fmt: skip
    cells = "\n".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">\n{cells}\n</table>'


def facts(view: View) -> str:
    """The study as given: scenario, decisions, objectives, constraints, selection and budget."""
    r = view.result
    s = r.study

    def decision(v: Variable) -> str:
        if not v.continuous:
            return "one of " + "; ".join(value(v, x) for x in v.choices)
        step = value(v, v.resolution) if not percent_variable(v) else f"{100 * v.resolution:g} points"
        return f"{value(v, v.low)} to {value(v, v.high)}, resolution {step}"

    rows = [("Base scenario", f"{esc(view.scenario.meta.name)} (<code>{esc(s.scenario)}</code>)")]
    if s.overrides:
        rows.append(("Set for every candidate", "<br>".join(f"<code>{esc(o)}</code>" for o in s.overrides)))
    rows += [
        (f"Decision {i}", f"{esc(view.var_label(v))} (<code>{esc(v.path)}</code>): {esc(decision(v))}")
        for i, v in enumerate(s.variables, start=1)
    ]
    rows += [
        (
            f"Objective {k + 1}" if s.pareto else "Objective",
            f"{esc(view.objective_label(k))} (<code>{esc(o.kpi)}</code>)",
        )
        for k, o in enumerate(s.objectives)
    ]
    rows += [(f"Constraint c{i}", f"<code>{esc(c.text)}</code>") for i, c in enumerate(s.constraints, start=1)]
    if not s.pareto:
        o = s.objectives[0]
        delta = (
            kpi_value(view.unit(o.kpi), r.delta, view.start) if view.unit(o.kpi) != "date" else f"{r.delta:,.0f} days"
        )
        rows.append(("Indifference zone (delta)", esc(delta + (" (defaulted: 1% of the best search estimate)"
                                                                if r.delta_defaulted else ""))))  # fmt: skip
    b = s.budget
    rows += [
        ("Confidence", f"{100 * s.confidence:g}%"),
        ("Budget", esc(f"{b.replications} replications per candidate in the search, at most {b.candidates} simulated "
                       f"candidates, {b.contenders} contenders, n0 {b.n0}, batch {b.batch}, at most "
                       f"{b.max_replications} fresh replications each")),
        ("Seed", f"{r.seed}"),
        ("Package version", f"sim {esc(__version__)}"),
    ]  # fmt: skip
    cells = "\n".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="facts">\n{cells}\n</table>'


def candidates(view: View) -> str:
    """Every candidate evaluated: contenders and the front first, then by the objective."""
    r = view.result
    head = "<th>#</th><th>Stage</th>" + "".join(f"<th>{esc(view.var_label(v))}</th>" for v in r.variables)
    head += '<th class="num">Replications</th>'
    head += "".join(f'<th class="num">{esc(view.objective_label(k))}</th>' for k in range(len(r.objectives)))
    head += "".join(f'<th title="{esc(c.text)}">c{i + 1}</th>' for i, c in enumerate(r.constraints))
    head += "<th>Role</th>"
    rows = []
    for c in ranked(r):
        chosen = r.chosen is not None and c.id == r.chosen.id
        cells = f'<td class="num">{c.id}</td><td>{esc(c.stage)}</td>'
        cells += "".join(f'<td class="num">{esc(cell(v, c.values[v.path]))}</td>' for v in r.variables)
        reps = f"{c.replications:,} + {c.fresh_replications:,} fresh" if c.fresh_replications else f"{c.replications:,}"
        cells += f'<td class="num">{reps}</td>'
        for k, o in enumerate(r.objectives):
            e = c.objective(k)
            cells += (
                f'<td class="num">{esc(view.shown(o.kpi, e.value))}<br>'
                f'<span class="ci">{esc(view.interval(o.kpi, e.low, e.high))}</span></td>'
            )
        for con, f in zip(r.constraints, c.fresh_verdicts or c.verdicts, strict=True):
            est, _ = _estimate_text(view, con, f)
            cells += f'<td>{_tag(f.verdict)}<br><span class="ci">{esc(est)}</span></td>'
        role = ["chosen" if chosen else "", "on the front" if c.id in r.front else "",
                "contender" if c.contender and not chosen else "",
                f"shares the simulation of {c.simulation}" if c.simulation != c.id else ""]  # fmt: skip
        cells += f"<td>{esc(', '.join(x for x in role if x))}</td>"
        cls = ' class="chosen"' if chosen else ' class="front"' if c.id in r.front else ""
        rows.append(f"<tr{cls}>{cells}</tr>")
    notes = [
        "Objectives: estimate, then the 95% interval (on fresh replications for contenders, else on the search's). "
        "Constraints: the verdict at the study's confidence and the estimate."
    ]
    notes += [f"c{i + 1}: {c.text}" for i, c in enumerate(r.constraints)]
    for v in r.variables:
        if not v.continuous and any(cell(v, x) != value(v, x) for x in v.choices):
            notes += [f"{view.var_label(v)} {cell(v, x)}: {value(v, x)}" for x in v.choices]
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return (
        f'<div class="wide"><table>\n<tr>{head}</tr>\n'
        + "\n".join(rows)
        + f'\n</table></div>\n<ul class="note">{items}</ul>'
    )
