"""The Excel workbook of a run (openpyxl is an optional extra: these tests skip without it)."""

from __future__ import annotations

import datetime as dt

import pytest

import sim
from sim.results import workbook

openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is optional (pip install 'sim[excel]')")


def test_the_workbook_holds_kpis_brands_and_monthly_tables(small, tmp_path):
    results = sim.run(small, replications=3)
    book = openpyxl.load_workbook(workbook.write(results, tmp_path / "run.xlsx"))
    assert book.sheetnames == ["KPIs", "By brand", "Products by month", "Lines by month"]
    kpis = {row[5]: row for row in book["KPIs"].iter_rows(min_row=2, values_only=True)}
    sop = {k.key: k for k in results.kpis()}["sop_p50"]
    assert kpis["sop_p50"][2].date() == sop.value  # a date cell, not a day count
    assert book["KPIs"]["C2"].number_format == "yyyy-mm-dd"
    brands = [row[0] for row in book["By brand"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "Haval" in brands
    products = list(book["Products by month"].iter_rows(values_only=True))
    assert products[0][:5] == ("month", "product", "brand", "owner", "built")
    assert products[1][0] == dt.datetime(2022, 1, 1) and len(products) == 1 + 2 * len(results.months)
    first = results.built[:, 0, 0].mean()
    assert products[1][4] == pytest.approx(first, abs=0.05)
    lines = list(book["Lines by month"].iter_rows(values_only=True))
    assert "oee" in lines[0] and len(lines) == 1 + len(results.months)
