"""The bad-input corpus: every file in tests/data/bad/ holds one planner's mistake.

Each must be refused by the real command line with exit code 2 and a message naming the
file, the line and the field (or, for a problem with the whole file, the file and why),
never with a traceback. The whole corpus is validated in ONE `sim validate` subprocess and
its output split by file; the exit code of each file alone is checked in-process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import ROOT

BAD = ROOT / "tests" / "data" / "bad"
REL = "tests/data/bad"

#: Files that are part of another case (the second half of a cycle) and do not count alone.
COMPANIONS = {"extends_cycle_b"}


#: file stem -> (line of the message, 0 for a whole-file problem; words the message must contain).
#: The first word is the field path whenever the problem has one.
CASES: dict[str, tuple[int, list[str]]] = {
    # misspelt keys
    "misspelt_key_jhp": (17, ["plants[0].lines[0].jhp", "unknown field 'jhp'", "did you mean 'jph'"]),
    "misspelt_section_plant": (7, ["plant:", "unknown field 'plant'", "did you mean 'plants'"]),
    "weekday_misspelt": (11, ["plants[0].calendar.working_weekdays[3]", "'mon'", "thur"]),
    # values in the wrong unit or out of range
    "hours_per_shift_in_minutes": (13, ["plants[0].calendar.hours_per_shift", "less than or equal to 24", "480"]),
    "shares_as_percent": (41, ["contract.reserved_share", "less than or equal to 1", "30"]),
    "reserved_share_1_5": (41, ["contract.reserved_share", "less than or equal to 1", "1.5"]),
    "disruption_share_above_one": (80, ["supply.chips.disruptions[0].share_lost", "less than or equal to 1", "40"]),
    "yield_above_one": (39, ["products[0].first_pass_yield", "less than or equal to 1", "1.2"]),
    "shifts_do_not_fit_day": (13, ["plants[0].calendar.hours_per_shift", "do not fit in 24 hours"]),
    "negative_demand": (22, ["products[0].demand.units_per_month", "greater than or equal to 0", "-12000"]),
    "negative_jph": (17, ["plants[0].lines[0].jph", "greater than 0", "-60"]),
    "breakdown_negative_mean": (
        21,
        ["plants[0].lines[0].breakdowns.time_between_failures_hours.mean", "greater than 0", "-25"],
    ),
    "breakdown_mtbf_minutes": (
        21,
        ["plants[0].lines[0].breakdowns.time_between_failures_hours", "must be at least 1", "0.2 open hours"],
    ),
    "buffer_negative": (13, ["plants[0].shops[0].buffer_after_units", "greater than or equal to 0", "-60"]),
    "chips_per_vehicle_zero": (52, ["products[1].chips_per_vehicle", "greater than 0"]),
    "campaign_units_zero": (24, ["plants[0].lines[0].campaign_units", "greater than 0"]),
    "engineering_assist_zero": (31, ["program.engineering_assist", "greater than 0"]),
    "seed_negative": (5, ["meta.seed", "greater than or equal to 0", "-7"]),
    "replications_zero": (6, ["meta.replications", "greater than or equal to 1"]),
    "seasonality_eleven_months": (46, ["products[0].demand.seasonality", "at least 12 items"]),
    "empty_lines_list": (16, ["plants[0].lines", "at least 1 item"]),
    # capacity over time
    "retired_before_commissioned": (21, ["plants[0].lines[0].retired.first_day", "not after its commissioning"]),
    "shuts_unknown_line": (37, ["program.milestones[1].shuts_line", "unknown line 'ga9'", "did you mean 'ga1'"]),
    "shift_change_unknown_milestone": (21, ["plants[0].lines[0].shift_changes[0].milestone", "unknown milestone"]),
    "overtime_thresholds_reversed": (23, ["plants[0].lines[0].overtime.off_weeks", "above on_weeks"]),
    "period_outside_horizon": (15, ["plants[0].calendar.periods[0].first_day", "outside the horizon"]),
    # enormous and non-finite numbers
    "enormous_jph": (17, ["plants[0].lines[0].jph", "less than or equal to 300", "1e300"]),
    "enormous_seed": (5, ["meta.seed", "less than", "99999999999999999999999999"]),
    "kits_per_week_enormous": (77, ["supply.chips.kits_per_week", "less than or equal to 100000000", "1e+300"]),
    "enormous_integer_digits": (22, ["products[0].demand.units_per_month", "not valid", "4300 digits"]),
    "infinite_jph": (17, ["plants[0].lines[0].jph", "less than or equal to 300", "inf"]),
    "nan_demand": (22, ["products[0].demand.units_per_month", "nan"]),
    # dates
    "date_wrong_format": (3, ["meta.start_date", "YYYY-MM-DD", "03/01/2022"]),
    "date_impossible": (4, ["meta.end_date", "2022-13-31", "month must be in 1..12"]),
    "date_without_zero_padding": (4, ["meta.end_date", "YYYY-MM-DD", "2022-12-1"]),
    "date_with_time": (3, ["meta.start_date", "YYYY-MM-DD", "without a time of day", "2022-01-03 08:30:00"]),
    "date_unix_timestamp": (4, ["meta.end_date", "YYYY-MM-DD", "Unix timestamp", "1672444800"]),
    "date_unix_timestamp_program": (30, ["program.target_launch", "YYYY-MM-DD", "Unix timestamp", "1656547200"]),
    "date_number_in_shutdown": (15, ["plants[0].calendar.shutdowns[0].last_day", "YYYY-MM-DD", "20220206"]),
    "end_before_start": (4, ["meta.end_date", "must come after start_date"]),
    "target_launch_before_start": (30, ["program.target_launch", "is not after start_date"]),
    "program_start_outside_horizon": (29, ["program.start_date", "inside the scenario horizon"]),
    "shutdown_reversed": (15, ["plants[0].calendar.shutdowns[0].last_day", "is before first_day"]),
    "disruption_reversed": (80, ["supply.chips.disruptions[0].last_day", "is before first_day"]),
    "month_key_wrong": (26, ["products[1].demand.units_by_month.2023-13", "YYYY-MM"]),
    # ids and references
    "duplicate_product_id": (23, ["products[1].id", "duplicate product id 'haval'"]),
    "duplicate_line_id": (34, ["plants[1].lines[1].id", "duplicate line id 'ga1'"]),
    "duplicate_milestone_id": (35, ["program.milestones[1].id", "duplicate milestone id 'design'"]),
    "duplicate_plant_name": (25, ["plants[1].name", "duplicate plant name 'gwm_test'"]),
    "duplicate_key": (6, ["meta.seed", "duplicate key"]),
    "merge_key_duplicate": (14, ["plants[0].lines[0].jph", "duplicate key"]),
    "merge_key_not_a_mapping": (10, ["plants[0].lines[0]", "merge key (<<) takes an alias of a mapping"]),
    "key_is_a_list": (3, ["meta", "a key must be a name or a number"]),
    "id_with_capitals": (17, ["plants[0].lines[0].id", "lower-case", "GA1"]),
    "name_with_spaces": (2, ["meta.name", "without spaces", "my small scenario"]),
    "milestone_cycle": (34, ["program.milestones[0].after", "cycle", "design -> tooling -> design"]),
    "unknown_dependency": (
        36,
        ["program.milestones[1].after[0]", "unknown milestone 'desing'", "did you mean 'design'"],
    ),
    "unknown_product_on_line": (17, ["plants[0].lines[0].products[2]", "unknown product 'havel'", "'haval'"]),
    "product_on_no_line": (23, ["products[1].id", "'xiaomi_ev' is on no line"]),
    "weekday_listed_twice": (11, ["plants[0].calendar.working_weekdays", "listed twice"]),
    # choices
    "unknown_policy": (40, ["contract.policy", "'owner_first'", "first_come"]),
    "unknown_chip_allocation": (78, ["supply.chips.allocation", "'by_margin'", "by_size"]),
    "unknown_distribution_kind": (34, ["program.milestones[0].duration_days", "gaussian", "'triangular'"]),
    "pert_min_above_mode": (37, ["program.milestones[1].duration_days.mode", "must be at least min"]),
    "distribution_missing_max": (34, ["program.milestones[0].duration_days.max", "missing required field 'max'"]),
    # sections and their consistency
    "missing_plants_section": (1, ["plants", "missing required field 'plants'"]),
    "missing_required_field_jph": (17, ["plants[0].lines[0].jph", "missing required field 'jph'"]),
    "contract_without_program": (1, ["program", "needs a program section"]),
    "customer_owns_nothing": (38, ["contract.customer", "no product is owned by customer 'xiaomi'"]),
    "owner_unknown": (25, ["products[1].owner", "owner 'byd'"]),
    "plants_two_owners": (26, ["plants[1].owner", "one owner"]),
    "ramp_on_owner_product": (23, ["products[0].ramp", "only the contract customer's products"]),
    "demand_both_forms": (22, ["products[0].demand", "give either units_per_month"]),
    "reserved_share_and_units": (42, ["contract.reserved_units_per_month", "not both"]),
    "reserved_share_policy_without_reserve": (40, ["contract.policy", "needs reserved_share"]),
    "changeover_without_campaign": (17, ["plants[0].lines[0].campaign_units", "needs campaign_units"]),
    "buffer_after_last_shop": (22, ["plants[0].shops[2].buffer_after_units", "last shop has no buffer"]),
    "shops_and_lines": (12, ["plants[0].lines", "not both"]),
    "product_two_lines_one_shop": (15, ["plants[0].shops[0].lines", "exactly one line of shop body", "on 2"]),
    "shop_yield_unknown_shop": (28, ["products[0].shop_yields.pait", "not a shop before the last"]),
    "plant_never_open_shutdowns": (
        15,
        ["plants[0].calendar.shutdowns", "plant gwm_test never opens", "every working day", "falls in a shutdown"],
    ),
    "plant_never_open_weekdays": (
        11,
        ["plants[0].calendar.working_weekdays", "plant gwm_test never opens", "2022-01-07 has no sat, sun"],
    ),
    "customer_is_owner": (39, ["contract.customer", "the customer 'gwm' is the plants' owner"]),
    # wrong types
    "string_for_number": (12, ["plants[0].calendar.shifts_per_day", "valid integer", "two"]),
    "boolean_for_number": (17, ["plants[0].lines[0].jph", "yes"]),
    "list_of_wrong_type": (11, ["plants[0].calendar.working_weekdays[0]", "'mon'", "(got 1)"]),
    "line_products_not_a_list": (17, ["plants[0].lines[0].products", "valid list", "haval"]),
    "null_section": (10, ["plants[0].calendar", "valid dictionary", "None"]),
    "list_instead_of_mapping": (1, ["meta", "valid dictionary"]),
    "top_level_list": (1, ["top level must be a mapping"]),
    "scalar_document": (1, ["top level must be a mapping"]),
    # extends
    "extends_missing_parent": (1, ["extends", "cannot read the parent scenario", "no such file"]),
    "extends_cycle_a": (1, ["extends", "extends cycle", "extends_cycle_b.yaml"]),
    "extends_cycle_b": (1, ["extends", "extends cycle", "extends_cycle_a.yaml"]),
    "extends_not_a_name": (1, ["extends", "file name of the scenario"]),
    "extends_device": (1, ["extends", "ending in .yaml or .yml", "/dev/zero"]),
    "extends_not_yaml": (1, ["extends", "ending in .yaml or .yml", "notes.txt"]),
    # YAML syntax and whole files
    "tab_indentation": (5, ["YAML syntax error", "\\t", "indent with spaces, not tabs"]),
    "bad_indentation": (6, ["YAML syntax error", "mapping values are not allowed"]),
    "unclosed_flow_list": (17, ["YAML syntax error", "expected ',' or ']'"]),
    "unterminated_quote": (2, ["YAML syntax error", "quote"]),
    "two_documents": (43, ["YAML syntax error", "another document"]),
    "empty": (0, ["is empty"]),
    "comments_only": (0, ["is empty"]),
    "binary": (0, ["not a UTF-8 text file"]),
    "non_utf8": (0, ["not a UTF-8 text file"]),
    # input that would hang or exhaust memory (FIFOs and devices are in test_hostile_input.py)
    "alias_bomb": (6, ["more than 100,000 values once its aliases are expanded"]),
    "alias_recursive": (1, ["alias of itself"]),
    "nesting_3000_deep": (3, ["nests deeper than 100 levels"]),
}


#: Mistakes the current code does not report as it should (file stem -> what happens).
GAPS = {}
#: Of those, the files the command line accepts (exit 0).
ACCEPTED: set[str] = set()


def gap(reason: str) -> pytest.MarkDecorator:
    """A mistake the current code does not report as it should: visible, not hidden."""
    return pytest.mark.xfail(strict=True, reason=reason)


def _params(gaps: set[str]) -> list:
    return [
        pytest.param(stem, line, words, id=stem, marks=[gap(GAPS[stem])] if stem in gaps else [])
        for stem, (line, words) in CASES.items()
    ]


@pytest.fixture(scope="module")
def validated() -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `sim validate` on the whole corpus at once."""
    files = [f"{REL}/{path.name}" for path in sorted(BAD.glob("*.yaml"))]
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", *files], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_corpus_has_at_least_40_cases():
    assert len(set(CASES) - COMPANIONS) >= 40


def test_every_corpus_file_has_an_expectation():
    on_disk = {path.stem for path in BAD.iterdir()}
    assert {path.suffix for path in BAD.iterdir()} == {".yaml"}
    assert on_disk == set(CASES), f"files without expectations: {on_disk - set(CASES)}; missing: {set(CASES) - on_disk}"


def test_whole_corpus_exits_2_without_traceback(validated):
    code, out, err = validated
    assert code == 2, err
    assert "Traceback" not in out + err
    assert "internal error" not in out + err


@pytest.mark.parametrize(("stem", "line", "words"), _params(set(GAPS)))
def test_message_names_line_and_field(validated, stem: str, line: int, words: list[str]):
    name = f"{REL}/{stem}.yaml"
    _, out, err = validated
    assert f"ok: {name}" not in out, f"{name} validates"
    lines = [text for text in err.splitlines() if text.startswith(f"{name}:")]
    assert lines, f"no message for {name} in:\n{err}"
    where = f"{name}:{line}:" if line else f"{name}: "
    matching = [text for text in lines if text.startswith(where) and all(w in text for w in words)]
    assert matching, f"expected a message at {where} containing {words}, got:\n" + "\n".join(lines)
    assert all(len(text) < 400 for text in lines), "message too long to read"


@pytest.mark.parametrize(("stem", "line", "words"), _params(ACCEPTED))
def test_each_file_alone_exits_2(stem: str, line: int, words: list[str]):
    result = CliRunner().invoke(main, ["validate", str(BAD / f"{stem}.yaml")])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "stem", ["misspelt_key_jhp", "milestone_cycle", "binary", "tab_indentation", "extends_cycle_a"]
)
def test_run_refuses_and_writes_nothing(tmp_path: Path, stem: str):
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(BAD / f"{stem}.yaml"), "--out", str(out), "-n", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{stem}.yaml" in proc.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
