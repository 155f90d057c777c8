"""Tables a person reads in a terminal: a run's KPIs, and its losses brand by brand.

Numbers carry thousands separators, money is in RMB millions, shares in percent, dates as
dates; a table stays within 100 columns. An estimate is shown with its 95% interval, as
`value (low – high)` in the KPI table and as `value ±half` (the t interval's half-width) in the
brand table, where space is short.
"""

from __future__ import annotations

from sim.results.kpis import BRAND_COLUMNS, Kpi, by_brand, kpis
from sim.results.results import Results


def kpi_table(results: Results) -> str:
    """Every KPI of a run but those by brand (see `brand_table`), with its 95% interval."""
    start = results.scenario.meta.start_date
    rows = [(k.label, *k.text(start)) for k in kpis(results) if k.over != "brand"]
    widths = [max(len(r[i]) for r in [("KPI", "estimate", "95% CI"), *rows]) for i in range(3)]
    lines = [f"{'KPI':<{widths[0]}}  {'estimate':>{widths[1]}}  95% CI", "-" * (sum(widths) + 4)]
    lines += [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def brand_table(results: Results) -> str:
    """Each brand's vehicles built, lost to sharing, to chips and as lost sales, and the margin the
    contract costs it, means ± the 95% interval's half-width (empty without brand KPIs)."""
    brands = by_brand(results)
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
    half = (k.high - k.low) / 2 / scale
    value = k.value / scale
    zero = 0.5 * 10**-digits
    value = 0.0 if abs(value) < zero else value
    return f"{value:,.{digits}f} ±{half:,.{digits}f}"
