"""A study's answer for people: the executive summary in sentences, the candidates as a table.

Everything is written from a `StudyResult`: the recommended terms (or the Pareto front), the
objective with its 95% interval, what the ranking showed and with which confidence, each
constraint's verdict at the study's confidence, the neighbours of the choice, and what the
search cost against a full grid. Terminal tables follow `sim.report.text`: at most 100 columns,
thousands separators, RMB in millions, shares in percent, dates as dates, no scientific notation.
The study's HTML report (`sim.report.optimize`) is built from the same sentences and formatters.
"""

from __future__ import annotations

import datetime as dt

from sim.experiment.optimize import Candidate, StudyResult
from sim.experiment.selection import Feasibility
from sim.experiment.study import Constraint, Objective, Variable

WIDTH = 100
_MAX_ROWS = 20  # candidates shown in the terminal; candidates.csv has them all
_LONG = 24  # a choice longer than this is shown by its option number in the table


# -- values -----------------------------------------------------------------------------------------
def value(v: Variable, x: float | str) -> str:
    """A decision value as a planner writes it: a share in percent, money and counts with separators."""
    if not v.continuous:
        return str(x).replace('"', "")  # a list choice reads as YAML: [haval_h6, xiaomi_ev]
    x = float(x)
    if percent_variable(v):
        digits = max(0, _decimals(v.resolution * 100))
        return f"{100 * x:.{digits}f}%"
    digits = 0 if v.integer else _decimals(v.resolution)
    text = f"{x:,.{digits}f}"
    return f"RMB {text}" if "rmb" in v.path else text


def percent_variable(v: Variable) -> bool:
    """Whether a continuous decision is a share or a rate, shown in percent."""
    return v.continuous and (v.path.endswith("share") or v.path.endswith("_rate_per_year"))


def kpi_value(unit: str, x: float, start: dt.date, signed: bool = False) -> str:
    """An indicator's value in its unit (RMB in millions, shares in percent, dates as dates)."""
    if x != x:
        return "n/a"
    if abs(x) == float("inf"):
        return "never" if unit == "date" else ("+inf" if x > 0 else "-inf")
    sign = "+" if signed else ""
    if unit == "RMB":
        return f"RMB {round(x / 1e6, 1) or 0.0:{sign},.1f} M"  # or: never "RMB -0.0 M" for a rounding error
    if unit == "share":
        return f"{100 * x:{sign}.1f}%"
    if unit == "date":
        return f"{x:+,.0f} days" if signed else str(start + dt.timedelta(days=float(x)))
    if unit == "hours":
        return f"{x:{sign},.0f} h"
    return f"{x:{sign},.0f}"


def _decimals(step: float) -> int:
    for d in range(0, 7):
        if abs(step * 10**d - round(step * 10**d)) < 1e-9:
            return d
    return 6


def lower(label: str) -> str:
    """A label inside a sentence: 'Contract units built in 2025' -> 'contract units...', 'SOP date' stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


# -- sentences --------------------------------------------------------------------------------------
def text(sentences: list[str]) -> str:
    """The summary for a terminal (as `sim.report.summary.text`)."""
    from sim.report.summary import text as wrapped

    return wrapped(sentences, WIDTH)


def summary(result: StudyResult) -> list[str]:
    """The study's answer in a few sentences."""
    start = result.study.base().meta.start_date
    out = []
    if result.study.pareto:
        out += _front_sentences(result, start)
    elif result.chosen is None:
        out += [f"{n[0].upper()}{n[1:]}." for n in result.notes] or ["No terms are recommended."]
    else:
        c = result.chosen
        terms = ", ".join(f"{v.path} = {value(v, c.values[v.path])}" for v in result.variables)
        out.append(f"Recommended terms (candidate {c.id}): {terms}.")
        o = result.objectives[0]
        e = c.objective(0)
        out.append(
            f"They give {_what(o, result)} of {kpi_value(_unit(result, o.kpi), e.value, start)} "
            f"({kpi_value(_unit(result, o.kpi), e.low, start)} to {kpi_value(_unit(result, o.kpi), e.high, start)}, "
            f"95% CI over {e.n:,} fresh replications)."
        )
        out.append(selection_sentence(result, start))
        for con, f in zip(result.constraints, result.feasibility, strict=True):
            out.append(_verdict_sentence(con, f, result, start))
        if result.sensitivity:
            out.append(_sensitivity_sentence(result, start))
        out += [f"Note: {n}." for n in result.notes]
    out.append(_effort_sentence(result))
    return out


def _what(o: Objective, result: StudyResult) -> str:
    label = result.labels.get(o.kpi, o.kpi)
    return f"a mean {label[0].lower() + label[1:]}" if o.statistic == "mean" else f"a P{round(100 * o.q)} {label}"


def _unit(result: StudyResult, kpi: str) -> str:
    return result.units.get(kpi, "")


def selection_sentence(result: StudyResult, start: dt.date) -> str:
    s = result.selection
    o = result.objectives[0]
    k = len(result.contenders)
    delta = (
        kpi_value(_unit(result, o.kpi), result.delta, start)
        if _unit(result, o.kpi) != "date"
        else f"{result.delta:g} days"
    )
    stated = " (defaulted to 1% of the best search estimate)" if result.delta_defaulted else ""
    if s is None:
        if k == 1:
            return "It was the only candidate meeting every constraint in the search; no ranking was needed."
        return f"It has the best estimate of the {k} contenders on common fresh replications (no selection guarantee)."
    level = f"{100 * s.confidence:g}%"
    if s.finished:
        return (
            f"Kim-Nelson ranking on fresh common replications: it is the best of the {k} closest contenders "
            f"within {delta}{stated} with probability >= {level}."
        )
    names = ", ".join(str(result.contenders[i]) for i in s.survivors)
    return (
        f"Kim-Nelson ranking stopped at its cap of {max(s.replications):,} replications with candidates {names} "
        f"still in contention: the best of the {k} contenders within {delta}{stated} is among them with probability "
        f">= {level}; the recommendation has the best mean of them."
    )


def _verdict_sentence(con: Constraint, f: Feasibility, result: StudyResult, start: dt.date) -> str:
    level = f"{100 * f.confidence:g}%"
    if con.chance:
        estimate = f"estimated {100 * f.estimate:.0f}% ({100 * f.low:.0f}-{100 * f.high:.0f}%)"
    else:
        unit = _unit(result, con.kpi)
        estimate = f"mean {kpi_value(unit, f.estimate, start)} ({kpi_value(unit, f.low, start)} to {kpi_value(unit, f.high, start)})"
    verdict = {"feasible": "met", "infeasible": "not met", "undecided": "undecided"}[f.verdict]
    return f"{con.text}: {verdict} at {level} confidence, {estimate} over {f.n:,} replications."


def _sensitivity_sentence(result: StudyResult, start: dt.date) -> str:
    o = result.objectives[0]
    unit = _unit(result, o.kpi)
    by = {v.path: v for v in result.variables}
    parts = []
    for s in result.sensitivity:
        if not result.candidate(s.candidate).meets:
            why = " (misses a constraint)"
        elif _sign(o) * s.difference > 0:  # a better neighbour that meets the constraints on the search's runs
            why = " (better, within delta)" if abs(s.difference) <= result.delta else " (better by more than delta)"
        else:
            why = ""
        parts.append(
            f"{_short(s.path)} {value(by[s.path], s.value)}: {kpi_value(unit, s.difference, start, signed=True)}{why}"
        )
    return "One step away, the objective changes by " + "; ".join(parts) + " (paired, search replications)."


def _effort_sentence(result: StudyResult) -> str:
    per = result.full_grid_replications // max(result.full_grid_candidates, 1)
    return (
        f"The search evaluated {len(result.candidates):,} candidates in {result.simulated:,} simulations "
        f"({result.replications:,} replications, {result.wall_seconds:,.0f} s); a full grid at the stated "
        f"resolutions, {per} replications each, would run {result.full_grid_replications:,} "
        f"({result.full_grid_simulated_replications:,} with money-only terms sharing simulations)."
    )


def _front_sentences(result: StudyResult, start: dt.date) -> list[str]:
    if not result.front:
        return [f"{n[0].upper()}{n[1:]}." for n in result.notes] or ["There is no front."]
    o1, o2 = result.objectives
    ends = [result.candidate(result.front[0]), result.candidate(result.front[-1])]

    def at(c: Candidate) -> str:
        terms = ", ".join(f"{_short(v.path)} {value(v, c.values[v.path])}" for v in result.variables)
        return (
            f"{terms} ({kpi_value(_unit(result, o1.kpi), c.objective(0).value, start)}, "
            f"{kpi_value(_unit(result, o2.kpi), c.objective(1).value, start)})"
        )

    n = len(result.front)
    what = f"The Pareto front of {lower(result.labels.get(o1.kpi, o1.kpi))} against {lower(result.labels.get(o2.kpi, o2.kpi))}"
    if n == 1:
        out = [f"{what} is one candidate, best in both, re-estimated on fresh common replications: {at(ends[0])}."]
    else:
        out = [
            f"{what} has {n} non-dominated terms, re-estimated on fresh common replications: from {at(ends[0])} "
            f"to {at(ends[-1])}."
        ]
    if result.constraints:
        out.append("Every term on it meets the constraints by its estimate; verdicts are in the table.")
    return out + [f"Note: {n}." for n in result.notes]


# -- the table --------------------------------------------------------------------------------------
def candidates_table(result: StudyResult) -> str:
    """The best candidates by objective (contenders and the front first), one line each."""
    start = result.study.base().meta.start_date
    shown = ranked(result)[:_MAX_ROWS]
    head = ["#", "stage", *(_short(v.path) for v in result.variables), "reps"]
    head += [f"objective {k + 1}" if result.study.pareto else "objective" for k in range(len(result.objectives))]
    head += [f"c{i + 1}" for i in range(len(result.constraints))]
    rows = [head]
    for c in shown:
        mark = "*" if result.chosen is not None and c.id == result.chosen.id else "F" if c.id in result.front else ""
        row = [f"{c.id}{mark}", c.stage, *(cell(v, c.values[v.path]) for v in result.variables)]
        row.append(f"{c.replications}+{c.fresh_replications}" if c.fresh_replications else str(c.replications))
        for k, ob in enumerate(result.objectives):
            e = c.objective(k)
            u = _unit(result, ob.kpi)
            row.append(f"{_bare(u, e.value, start)} ±{_bare(u, (e.high - e.low) / 2, start, half=True)}")
        row += [
            {"feasible": "yes", "infeasible": "no", "undecided": "?"}[v.verdict]
            for v in (c.fresh_verdicts or c.verdicts)
        ]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "  ".join(
            cell.rjust(w) if i > 1 else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
    lines.insert(1, "-" * min(WIDTH, max(len(x) for x in lines)))
    notes = [
        f"{'Objective ' + str(k + 1) if result.study.pareto else 'Objective'}: {ob.describe()} "
        f"({unit_note(_unit(result, ob.kpi))}, ± half the 95% CI)"
        for k, ob in enumerate(result.objectives)
    ]
    notes.append("* chosen, F on the front; reps: search + fresh replications.")
    for v in result.variables:
        if any(len(value(v, x)) > _LONG for x in v.choices):
            notes += [f"{_short(v.path)} option {k + 1}: {value(v, x)}" for k, x in enumerate(v.choices)]
    for i, con in enumerate(result.constraints):
        notes.append(
            f"c{i + 1}: {con.text} (yes: met, no: not met, ?: undecided at {100 * result.study.confidence:g}%)"
        )
    if len(result.candidates) > len(shown):
        notes.append(f"{len(result.candidates) - len(shown)} more candidates in candidates.csv.")
    return "\n".join(lines + notes)


def ranked(result: StudyResult) -> list[Candidate]:
    """Every candidate, the contenders and the front first, then those meeting the constraints, then
    by the (first) objective's best estimate: the order of the tables."""
    o = result.objectives[0]
    return sorted(
        result.candidates,
        key=lambda c: (not (c.contender or c.id in result.front), not c.meets, -_sign(o) * c.objective(0).value),
    )


def cell(v: Variable, x: float | str) -> str:
    """A decision value for the table: a long choice (a list of products, say) by its option number."""
    if not v.continuous and any(len(value(v, c)) > _LONG for c in v.choices):
        return f"option {v.choices.index(str(x)) + 1}"
    return value(v, x)


def _sign(o: Objective) -> float:
    return 1.0 if o.maximise else -1.0


def unit_note(unit: str) -> str:
    return {"RMB": "RMB millions", "share": "percent", "date": "dates", "hours": "hours"}.get(
        unit, "vehicles" if unit == "vehicles" else unit or "value"
    )


def _bare(unit: str, x: float, start: dt.date, half: bool = False) -> str:
    if x != x:
        return "n/a"
    if unit == "RMB":
        return f"{x / 1e6:,.1f}"
    if unit == "share":
        return f"{100 * x:.1f}"
    if unit == "date":
        return f"{x:,.0f}d" if half else kpi_value(unit, x, start)
    return f"{x:,.0f}"
