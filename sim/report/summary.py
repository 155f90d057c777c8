"""The executive summary: what a run or a comparison answers, in a few generated sentences.

Every sentence is written from the KPIs and their 95% intervals, never from a chart: when SOP
comes and how sure that is (its median, as everywhere), what the contract earns the owner and
what it costs its own brands, what the customer gets, what the chip shortage costs and where
the plant is full. Reports put the summary first; the terminal prints the same sentences.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from html import escape
from typing import TYPE_CHECKING

from sim.experiment.compare import Comparison, Difference
from sim.report.params import formatted, label
from sim.results.kpis import Kpi, by_brand, estimate, kpis
from sim.results.results import Results

if TYPE_CHECKING:  # (a sweep's module loads only for sweeps)
    from sim.experiment.sweep import SweepResults


def html(sentences: list[str]) -> str:
    """The summary as the first section of a report (empty without a sentence)."""
    if not sentences:
        return ""
    items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
    return f'<h2>Summary</h2>\n<ul class="summary">{items}</ul>'


def text(sentences: list[str], width: int = 100) -> str:
    """The summary for a terminal: each sentence a paragraph, wrapped at `width` columns."""
    return "\n".join(textwrap.fill(s, width, subsequent_indent="  ") for s in sentences)


def run_summary(results: Results, computed: list[Kpi] | None = None) -> list[str]:
    """The run's answers, one sentence each (`computed`: the run's KPIs if at hand)."""
    s = results.scenario
    computed = kpis(results) if computed is None else computed
    k = {x.key: x for x in computed}
    start, end = s.meta.start_date, s.meta.end_date
    out = []
    if "sop_p50" in k:
        on_time = k["sop_on_time"]
        out.append(
            f"Launch by {_day(s.program.target_launch)}: {_pct(on_time.value)} likely "
            f"({_pct(on_time.low)}-{_pct(on_time.high)}); median SOP {_when(start, k['sop_p50'].number)} "
            f"(P10 {_when(start, k['sop_p10'].number)}, P90 {_when(start, k['sop_p90'].number)})."
        )
    if "owner_net_contribution_rmb" in k:
        earned = [f"{_rmb(k['contract_fees_rmb'].value)} in fees"]
        for key, what in (("one_off_payments_rmb", "in one-off payments"), ("take_or_pay_rmb", "in take-or-pay")):
            if key in k and k[key].value:
                earned.append(f"{_rmb(k[key].value)} {what}")
        net = k["owner_net_contribution_rmb"]
        lost = k["owner_units_lost"]
        cost = (
            f"costs it {_count(lost.value)} own-brand vehicles worth {_rmb(k['owner_margin_lost_rmb'].value)} of margin"
            if lost.value >= 0.5
            else f"lets it build {_count(-lost.value)} more of its own vehicles"
        )
        penalties = k.get("shortfall_penalties_rmb")
        if penalties is not None and penalties.value:
            cost += f" and {_rmb(penalties.value)} of shortfall penalties"
        out.append(
            f"Over {start.year}-{end.year} the contract earns {s.owner} {_join(earned)} and {cost}: net "
            f"{_rmb(net.value)} ({_rmb(net.low)} to {_rmb(net.high)})."
        )
        brands = by_brand(results, computed)
        losers = sorted(
            ((b, c["lost to sharing"].value) for b, c in brands.items() if "lost to sharing" in c), key=lambda x: -x[1]
        )
        if losers and losers[0][1] >= 0.5:
            named = [f"{b} {_count(v)}" for b, v in losers if v >= 0.5][:3]
            out.append(f"The own-brand vehicles lost to sharing are {_join(named)}.")
        customer = s.contract.customer
        units = sum(x.value for key, x in k.items() if key.startswith("contract_units_"))
        fill = k["customer_fill_rate"]
        out.append(
            f"{customer} gets {_count(units)} vehicles, {_pct(fill.value)} of the demand released to it; "
            f"{_count(k['customer_units_short'].value)} of its orders are not built."
        )
    if "chip_units_lost" in k and k["chip_units_lost"].value >= 0.5:
        chips = k["chip_units_lost"]
        by = sorted(
            ((x.item, x.value) for x in k.values() if x.key.startswith("chip_units_lost.")), key=lambda x: -x[1]
        )
        most = f", most of them {by[0][0]} ({_count(by[0][1])})" if by and by[0][1] >= 0.5 else ""
        out.append(
            f"The chip shortage costs {_count(chips.value)} vehicles ({_count(chips.low)}-{_count(chips.high)}){most}."
        )
    busy = [x for x in k.values() if x.key.startswith("utilisation.")]
    if busy:
        top = max(busy, key=lambda x: x.value)
        out.append(f"The busiest line is {top.item}, building or changing over {_pct(top.value)} of its open hours.")
    return out


def compare_summary(comparison: Comparison) -> list[str]:
    """Each scenario against the base, on its headline differences, one sentence each."""
    base = comparison.names[0]
    out = []
    by = {(d.scenario, d.key): d for d in comparison.differences()}
    start = comparison.scenarios[0].meta.start_date
    for name in comparison.names[1:]:
        parts = []
        if (d := by.get((name, "sop_day"))) is not None:
            parts.append(_days(d, start))
        for key, what in (
            ("owner_net_contribution_rmb", "the owner's net contribution"),
            ("owner_units_lost", "own-brand vehicles lost to sharing"),
            ("chip_units_lost", "vehicles lost to chips"),
            ("lost_sales", "lost sales"),
        ):
            if (d := by.get((name, key))) is not None and (d.difference or d.base_value):
                parts.append(f"{what} by {_signed(d)}")
        units = [d for (n, key), d in by.items() if n == name and key.startswith("contract_units_")]
        if units:
            total = sum(d.difference for d in units)
            parts.append(f"the customer's vehicles by {'+' if total >= 0 else '-'}{_count(abs(total))} in all")
        if parts:
            out.append(f"Against {base}, {name} changes " + _join(parts) + " (paired differences, 95% intervals).")
        else:
            out.append(f"Against {base}, {name} changes none of the headline indicators.")
    return out


def sweep_summary(sweep: SweepResults, kpi: str | None = None) -> list[str]:
    """Where the sweep's KPI is highest and lowest over its points, with the settings there."""
    key = sweep.chosen_kpi(kpi)
    estimates = [estimate(m[key]) for m in sweep.measures]
    finite = [(e[1], n) for n, e in enumerate(estimates) if e[1] == e[1]]
    if not finite:
        return []
    m = sweep.measures[0][key]
    start = sweep.results[0].scenario.meta.start_date
    statistic = estimates[0][0]
    (low, i), (high, j) = min(finite), max(finite)

    scenario = sweep.results[0].scenario
    shown = {p: formatted([x[p] for x in sweep.settings]) for p in sweep.params}

    design = sweep.design.describe()
    for p in sweep.params:
        design = design.replace(p, _lower_first(label(p, scenario)))

    def at(n: int) -> str:
        return ", ".join(f"{_lower_first(label(p, scenario))} {shown[p][sweep.settings[n][p]]}" for p in sweep.params)

    def show(value: float) -> str:
        return _when(start, value) if m.unit == "date" else _rmb(value) if m.unit == "RMB" else _value(value, m.unit)

    return [
        f"Over {design}, the {statistic} of {m.label} runs from {show(low)} "
        f"(point {i + 1}: {at(i)}) to {show(high)} (point {j + 1}: {at(j)})."
    ]


def _lower_first(text: str) -> str:
    """`text` with its first letter in lower case, unless it starts an abbreviation ('JPH')."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _value(value: float, unit: str) -> str:
    return _pct(value) if unit == "share" else f"{value:,.0f} h" if unit == "hours" else _count(value)


def _days(d: Difference, start: dt.date) -> str:
    if d.difference == 0:
        return f"nothing of the median SOP ({_when(start, d.value)})"
    shift = f"{d.difference:+,.0f} days" if abs(d.difference) != float("inf") else "past the horizon"
    return f"the median SOP by {shift} (to {_when(start, d.value)})"


def _signed(d: Difference) -> str:
    if d.unit == "RMB":
        return f"{'+' if d.difference >= 0 else '-'}{_rmb(abs(d.difference))} ({_rmb(d.low)} to {_rmb(d.high)})"
    return f"{d.difference:+,.0f} ({d.low:+,.0f} to {d.high:+,.0f})"


def _when(start: dt.date, days: float) -> str:
    if days != days or days == float("inf"):
        return "after the horizon"
    return _day(start + dt.timedelta(days=float(days)))


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _rmb(value: float) -> str:
    return f"RMB {value / 1e6:,.0f} M" if abs(value) >= 0.5e6 else "RMB 0 M"


def _count(value: float) -> str:
    return f"{round(value / 100) * 100:,.0f}" if abs(value) >= 1000 else f"{value:,.0f}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
