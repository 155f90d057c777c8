"""The executive summary and the terminal tables, against hand-computed runs."""

import re

import sim
from sim.experiment.sweep import grid
from sim.report import text
from sim.report.summary import compare_summary, run_summary, sweep_summary
from tests.conftest import DATA
from tests.results.test_money import deal


def test_a_run_summary_states_the_launch_and_the_deal_in_money():
    # The hand-computed year of tests/results/test_money.py: 192 M of fees, 60 M of payments,
    # 96 M of take-or-pay, 24,000 own-brand vehicles worth 240 M of margin: net 108 M.
    s = deal(
        fee_rmb_per_unit=8000,
        minimum_units_per_year=36_000,
        payments=[{"name": "tooling", "amount_rmb": 60e6, "milestone": "go"}],
    )
    sentences = run_summary(sim.run(s, replications=2))
    assert sentences[0].startswith("Launch by 30 Jun 2022: 100% likely") and "median SOP 1 Jan 2022" in sentences[0]
    assert sentences[1] == (
        "Over 2022-2022 the contract earns gwm RMB 192 M in fees, RMB 60 M in one-off payments and RMB 96 M in "
        "take-or-pay and costs it 24,000 own-brand vehicles worth RMB 240 M of margin: net RMB 108 M "
        "(RMB 108 M to RMB 108 M)."
    )
    assert sentences[2] == "The own-brand vehicles lost to sharing are Haval 24,000."
    assert (
        sentences[3] == "xiaomi gets 24,000 vehicles, 100% of the demand released to it; 0 of its orders are not built."
    )
    assert sentences[-1].startswith("The busiest line is p.l1")


def test_a_comparison_says_what_each_scenario_changes():
    base = sim.load(DATA / "small.yaml", ["products.haval.demand.units_per_month=30000"])  # a full line
    first = base.model_copy(update={"contract": base.contract.model_copy(update={"policy": "owner_first"})})
    sentences = compare_summary(sim.compare([base, first], replications=2, names=["reserve", "owner_first"]))
    assert len(sentences) == 1 and sentences[0].startswith(
        "Against reserve, owner_first changes nothing of the median SOP"
    )
    # owner_first gives the customer nothing on a full line: no own-brand vehicle lost, no fee.
    assert "own-brand vehicles lost to sharing by -" in sentences[0]
    assert "the customer's vehicles by -" in sentences[0]


def test_a_sweep_names_its_extremes_and_the_tables_read_as_numbers():
    sweep = sim.sweep(DATA / "small.yaml", grid({"contract.reserved_share": ["0.1", "0.5"]}), replications=2)
    (sentence,) = sweep_summary(sweep, "owner_units_lost")
    assert sentence.startswith("Over reserved share at 2 values")  # a label, not the dotted path
    assert "from" in sentence and "(point 1: reserved share 0.1)" in sentence
    assert "(point 2: reserved share 0.5)" in sentence
    table = text.sweep_table(sweep, "owner_units_lost")
    dates = text.sweep_table(sweep, "sop_day")
    assert re.search(r"20\d\d-\d\d-\d\d", dates)  # SOP as dates
    comparison = sim.compare([sweep.results[0].scenario, sweep.results[1].scenario], replications=2)
    for output in (table, dates, text.differences_table(comparison)):
        assert "e+" not in output and "e-" not in output  # no scientific notation
        assert all(len(line) <= 100 for line in output.splitlines())
    assert " pp" in text.differences_table(comparison)  # shares differ in percentage points
