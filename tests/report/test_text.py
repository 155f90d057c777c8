"""Terminal tables: the KPI table and the table by brand, by hand, within 100 columns."""

import sim
from sim.report.text import brand_table, kpi_table
from sim.results.kpis import by_brand
from tests.conftest import ROOT
from tests.results.test_indicators import hand_results


def test_the_brand_table_by_hand(small):
    # Haval builds 1,000 and 2,000 a month over 12 months in the two replications (mean 18,000,
    # t interval 12.706 x 6,000 = +-76,237), and loses 1,200 to sharing in both (+-0).
    r = hand_results(small)
    brands = by_brand(r)
    assert list(brands) == ["Haval", "Xiaomi"]
    assert brands["Haval"]["built"].value == 18_000
    assert brands["Haval"]["lost to sharing"].value == 1200
    assert "lost to sharing" not in brands["Xiaomi"]  # the customer's brand loses nothing to sharing
    lines = brand_table(r).splitlines()
    assert lines[0].split() == ["brand", "built", "lost", "to", "sharing", "margin", "lost", "(RMB", "M)"]
    assert lines[2].split() == ["Haval", "18,000", "±76,237", "1,200", "±0", "0.0", "±0.0"]
    assert lines[3].split() == ["Xiaomi", "3,500", "±0"]


def test_the_kpi_table_leaves_the_brands_to_their_table_and_both_fit_100_columns():
    r = sim.run(sim.load(ROOT / "scenarios" / "baseline.yaml"), replications=3)
    kpis = kpi_table(r)
    assert "Own-brand units lost to sharing" in kpis and "Haval" not in kpis
    for line in (kpis + "\n" + brand_table(r)).splitlines():
        assert len(line) <= 100, line
