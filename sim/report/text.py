"""Tables a person reads in a terminal: a run's KPIs, and its losses brand by brand.

Numbers carry thousands separators, money is in RMB millions, shares in percent, dates as
dates; a table stays within 100 columns. An estimate is shown with its 95% interval, as
`value (low – high)` in the KPI table and as `value ±half` (the t interval's half-width) in the
brand table, where space is short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.experiment.compare import Comparison
from sim.results.kpis import BRAND_COLUMNS, Kpi, by_brand, estimate, kpis
from sim.results.results import Results

if TYPE_CHECKING:  # (a sweep's module loads only for sweeps)
    from sim.experiment.sweep import SweepResults


def kpi_table(results: Results, computed: list[Kpi] | None = None) -> str:
    """Every KPI of a run but those by brand (see `brand_table`), with its 95% interval
    (`computed`: the run's KPIs if at hand)."""
    start = results.scenario.meta.start_date
    rows = [(k.label, *k.text(start)) for k in (kpis(results) if computed is None else computed) if k.over != "brand"]
    widths = [max(len(r[i]) for r in [("KPI", "estimate", "95% CI"), *rows]) for i in range(3)]
    lines = [f"{'KPI':<{widths[0]}}  {'estimate':>{widths[1]}}  95% CI", "-" * (sum(widths) + 4)]
    lines += [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def brand_table(results: Results, computed: list[Kpi] | None = None) -> str:
    """Each brand's vehicles built, lost to sharing, to chips and as lost sales, and the margin the
    contract costs it, means ± the 95% interval's half-width (empty without brand KPIs;
    `computed`: the run's KPIs if at hand)."""
    brands = by_brand(results, computed)
    if not brands:
        return ""
    headings = [h for h in BRAND_COLUMNS.values() if any(h in cols for cols in brands.values())]
    rows = [["brand", *headings]]
    for brand, cols in brands.items():
        rows.append([brand, *(_cell(cols[h]) if h in cols else "" for h in headings)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join([r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]) for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    note = "Means ± half their 95% interval over replications; a negative loss is a gain from the contract."
    return "\n".join([*lines, note])


def _cell(k: Kpi) -> str:
    scale, digits = (1e6, 1) if k.unit == "RMB" else (1.0, 0)
    half = (k.number_high - k.number_low) / 2 / scale
    value = k.number / scale
    zero = 0.5 * 10**-digits
    value = 0.0 if abs(value) < zero else value
    return f"{value:,.{digits}f} ±{half:,.{digits}f}"


def differences_table(comparison: Comparison) -> str:
    """Each KPI's paired difference from the base scenario with its 95% interval, by unit: vehicles
    and hours as counts, money in RMB millions, shares in percentage points, dates in days."""
    rows = [("KPI", "scenario", "difference", "95% CI")]
    for d in comparison.differences():
        rows.append(
            (
                d.label,
                d.scenario,
                _difference(d.difference, d.unit),
                f"{_difference(d.low, d.unit)} to {_difference(d.high, d.unit)}",
            )
        )
    for d in comparison.unpaired():  # a line only that scenario has, say: no pair in the base
        rows.append((d.label, d.scenario, "not in base", f"value {_value(d.value, d.unit)}"))
    return _columns(rows, right=(2, 3))


def _value(value: float, unit: str) -> str:
    """A value (not a difference) for the differences table: a date's as days from the start."""
    if value != value:
        return "n/a"
    if unit == "RMB":
        return f"{value / 1e6:,.1f} M"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "date":
        return f"day {value:,.0f}"
    return f"{value:,.0f}" + (" h" if unit == "hours" else "")


def sweep_table(sweep: SweepResults, kpi: str | None = None) -> str:
    """The sweep's KPI at every point (its mean, or median for a date), with its 95% interval."""
    key = sweep.chosen_kpi(kpi)
    start = sweep.results[0].scenario.meta.start_date
    rows = [("point", *sweep.params, "estimate", "95% CI")]
    for n, m in enumerate(sweep.measures):
        statistic, value, low, high = estimate(m[key])
        k = Kpi(key, m[key].label, m[key].unit, value, low, high)
        rows.append((str(n + 1), *(sweep.settings[n][p] for p in sweep.params), *k.text(start)))
    label = sweep.measures[0][key].label
    statistic = estimate(sweep.measures[0][key])[0]
    return f"{label} by point ({statistic}, 95% CI):\n" + _columns(rows, right=(len(rows[0]) - 2,))


def _difference(value: float, unit: str) -> str:
    if value != value:  # NaN: the interval is undefined (a SOP that never comes)
        return "n/a"
    if abs(value) == float("inf"):
        return "+inf" if value > 0 else "-inf"
    if unit == "RMB":
        return f"{value / 1e6:+,.1f} M"
    if unit == "share":
        return f"{100 * value:+.1f} pp"
    if unit == "date":
        return f"{value:+,.0f} days"
    if unit == "hours":
        return f"{value:+,.0f} h"
    return f"{value:+,.0f}"


def _columns(rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> str:
    """Rows as aligned text columns, the `right` ones aligned right."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
