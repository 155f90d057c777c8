"""One Excel workbook of a run, for planners who live in Excel (needs openpyxl: ``sim[excel]``).

Sheets: ``KPIs`` (every KPI with its 95% interval; dates as Excel dates, shares as percentages,
money in RMB), ``By brand`` (each brand's built, lost to sharing, to chips, lost sales and margin
lost), ``Products by month`` and ``Lines by month`` (the means over replications of the monthly
tables, one row per month and product or line). Means over replications rather than every
replication: the tidy CSVs hold those, and a workbook is for reading.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from sim.results.kpis import by_brand, kpis
from sim.results.results import Results
from sim.results.table import optional, rounded

#: Excel number formats by unit.
FORMATS = {"date": "yyyy-mm-dd", "share": "0.0%", "vehicles": "#,##0", "RMB": "#,##0", "hours": "#,##0.0"}


def write(results: Results, path: str | Path) -> Path:
    """Write the workbook of `results` to `path` (raises `MissingExtra` without openpyxl)."""
    openpyxl = optional("openpyxl", "--xlsx (an Excel workbook)")
    book = openpyxl.Workbook()
    _kpi_sheet(book.active, results)
    _brand_sheet(book.create_sheet("By brand"), results)
    _monthly_sheet(book.create_sheet("Products by month"), results, "product")
    _monthly_sheet(book.create_sheet("Lines by month"), results, "line")
    path = Path(path)
    book.save(path)
    return path


def _kpi_sheet(sheet: Any, results: Results) -> None:
    sheet.title = "KPIs"
    _header(sheet, ["KPI", "unit", "estimate", "95% CI low", "95% CI high", "key"])
    for k in kpis(results):
        shown = [k.value, k.low, k.high] if k.unit == "date" else [float(rounded(v, k.unit)) for v in k.numbers]
        sheet.append([k.label, k.unit, *(_cell(v) for v in shown), k.key])
        for cell in sheet[sheet.max_row][2:5]:
            cell.number_format = FORMATS.get(k.unit, "General")
    _widths(sheet, [44, 10, 14, 14, 14, 36])


def _brand_sheet(sheet: Any, results: Results) -> None:
    brands = by_brand(results)
    headings = list(dict.fromkeys(h for cols in brands.values() for h in cols))
    _header(sheet, ["brand", *headings])
    for brand, cols in brands.items():
        row = [brand]
        for h in headings:
            k = cols.get(h)
            row.append(None if k is None else float(rounded(k.number / (1e6 if k.unit == "RMB" else 1), "vehicles")))
        sheet.append(row)
    sheet.append([])
    sheet.append(["Means over replications; margin lost in RMB millions; a negative loss is a gain."])
    _widths(sheet, [16, *([18] * len(headings))])


def _monthly_sheet(sheet: Any, results: Results, by: str) -> None:
    if by == "product":
        names = results.product_ids
        arrays = {
            "built": results.built,
            "demand": results.demand,
            "backlog": results.backlog,
            "lost_sales": results.lost,
            "scrapped": results.scrap,
        }
        units = dict.fromkeys(arrays, "vehicles")
        extra = [[p.brand for p in results.scenario.products], [p.owner for p in results.scenario.products]]
        head = ["month", "product", "brand", "owner", *arrays]
    else:
        names = results.line_names
        arrays = results.line_metrics()
        units = {m: "hours" if m.endswith("_hours") else "share" for m in arrays}
        extra = []
        head = ["month", "line", *arrays]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a month a line never opens: no ratio
        means = {m: np.nanmean(a, axis=0) for m, a in arrays.items()}
    _header(sheet, head)
    for j, month in enumerate(results.months_):
        for i, name in enumerate(names):
            values = [float(rounded(means[m][i, j], units[m])) for m in arrays]
            sheet.append(
                [
                    dt.date(int(month.label[:4]), int(month.label[5:7]), 1),
                    name,
                    *(e[i] for e in extra),
                    *map(_cell, values),
                ]
            )
            row = sheet[sheet.max_row]
            row[0].number_format = "yyyy-mm"
            for cell, m in zip(row[len(head) - len(arrays) :], arrays, strict=True):
                cell.number_format = FORMATS[units[m]]
    _widths(sheet, [10, 28, *([14] * (len(head) - 2))])
    sheet.freeze_panes = "C2"


def _cell(v: Any) -> Any:
    """A value Excel can hold: NaN and infinities (no value) as empty cells."""
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _header(sheet: Any, names: list[str]) -> None:
    sheet.append(names)
    from openpyxl.styles import Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _widths(sheet: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w
