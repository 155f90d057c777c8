"""Swept parameters in words and in one format per parameter."""

from __future__ import annotations

import sim
from sim.report.params import formatted, label
from tests.conftest import ROOT


def test_paths_read_as_words_with_list_items_named():
    baseline = sim.load(ROOT / "scenarios" / "baseline.yaml")
    assert label("contract.reserved_share") == "Reserved share"
    assert label("contract.fee_rmb_per_unit") == "Fee (RMB per unit)"
    assert label("supply.chips.kits_per_week") == "Kits per week (supply, chips)"
    assert label("products.0.demand.units_per_month", baseline) == "Units per month (product haval_h6, demand)"
    assert label("plants.0.lines.1.jph", baseline) == "JPH (plant gwm_baoding, line ga2)"


def test_a_parameter_s_numbers_share_one_format():
    assert formatted(["8000.0", "6000"]) == {"8000.0": "8,000", "6000": "6,000"}
    assert formatted(["0.1", "0.25", "0.5"]) == {"0.1": "0.10", "0.25": "0.25", "0.5": "0.50"}
    assert formatted(["2022-06-30", "2023-06-30"]) == {"2022-06-30": "2022-06-30", "2023-06-30": "2023-06-30"}
    assert formatted(["owner_first", "0.5"]) == {"owner_first": "owner_first", "0.5": "0.5"}  # mixed: as given
