"""Scenarios that extend another file, and `--set dotted.path=value` overrides: merged, validated, placed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import sim
from sim.scenario import Problem, ScenarioError, parse
from tests.conftest import DATA, ROOT

SMALL = (DATA / "small.yaml").read_text()


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in `text`."""
    return text[: text.index(needle)].count("\n") + 1


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def problems(path: Path | str, overrides: list[str] | tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        sim.load(path, overrides)
    return info.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path / "base.yaml", SMALL)


# --- extends ---------------------------------------------------------------------------------------------------


def test_child_changing_one_value_is_the_parent_with_that_change(base: Path):
    child = write(base.parent / "child.yaml", "extends: base.yaml\ncontract:\n  reserved_share: 0.4\n")
    parent = sim.load(base)
    expected = parent.model_copy(update={"contract": parent.contract.model_copy(update={"reserved_share": 0.4})})
    assert sim.load(child) == expected
    assert parent.contract.reserved_share == 0.25


def test_mappings_merge_and_lists_replace(base: Path):
    child = write(
        base.parent / "child.yaml",
        "extends: base.yaml\n"
        "meta: {seed: 99}\n"
        "plants:\n"
        "  - name: gwm_test\n"
        "    owner: gwm\n"
        "    calendar: {shifts_per_day: 3}\n"
        "    lines: [{id: ga9, jph: 30, products: [haval, xiaomi_ev]}]\n"
        "program:\n"
        "  milestones:\n"
        "    - {id: only, duration_days: {kind: fixed, value: 10}}\n",
    )
    s = sim.load(child)
    assert (s.meta.name, s.meta.seed, s.meta.replications) == ("small", 99, 5)  # meta merged key by key
    assert [m.id for m in s.program.milestones] == ["only"]  # the list is replaced, not merged
    assert s.program.target_launch == dt.date(2022, 6, 30)  # program's other keys inherited
    assert s.line_names() == ["gwm_test.ga9"]
    # The plant is inside a replaced list, so nothing of the parent's plant (its shutdowns) survives.
    assert s.plants[0].calendar.shifts_per_day == 3 and s.plants[0].calendar.shutdowns == []


def test_extends_chains_relative_to_each_files_folder(tmp_path: Path):
    write(tmp_path / "common" / "base.yaml", SMALL)
    write(tmp_path / "variants" / "mid.yaml", "extends: ../common/base.yaml\nmeta: {seed: 3}\n")
    leaf = write(tmp_path / "variants" / "deep" / "leaf.yaml", "extends: ../mid.yaml\nmeta: {replications: 2}\n")
    s = sim.load(leaf)
    assert (s.meta.seed, s.meta.replications, s.meta.name) == (3, 2, "small")


def test_error_in_an_inherited_value_names_the_parent_file_and_line(tmp_path: Path):
    text = SMALL.replace("jph: 60", "jph: -5")
    parent = write(tmp_path / "base.yaml", text)
    child = write(tmp_path / "child.yaml", "extends: base.yaml\ncontract: {reserved_share: 0.3}\n")
    p = only(problems(child))
    assert (p.file, p.line, p.path) == (str(parent), line_of(text, "jph: -5"), "plants[0].lines[0].jph")
    assert "greater than 0" in p.message


def test_error_in_an_overriding_value_names_the_child_file_and_line(base: Path):
    text = "# a variant\nextends: base.yaml\ncontract:\n  reserved_share: 1.5\n"
    child = write(base.parent / "child.yaml", text)
    p = only(problems(child))
    assert (p.file, p.line, p.path) == (str(child), 4, "contract.reserved_share")
    assert str(p).startswith(f"{child}:4:19: contract.reserved_share: Input should be less than or equal to 1")


def test_unknown_key_in_the_child_gets_did_you_mean_at_its_line(base: Path):
    child = write(base.parent / "child.yaml", "extends: base.yaml\ncontract:\n  reserved_shar: 0.3\n")
    p = only(problems(child))
    assert (p.file, p.line, p.path) == (str(child), 3, "contract.reserved_shar")
    assert "did you mean 'reserved_share'?" in p.message


def test_problems_in_both_files_come_child_first(tmp_path: Path):
    write(tmp_path / "base.yaml", SMALL.replace("seed: 7", "seed: -7"))
    child = write(tmp_path / "child.yaml", "extends: base.yaml\ncontract: {fee_rmb_per_unit: -1}\n")
    assert [p.file for p in problems(child)] == [str(child), str(tmp_path / "base.yaml")]


def test_a_replaced_value_takes_its_problem_with_it(tmp_path: Path):
    write(tmp_path / "base.yaml", SMALL.replace("jph: 60", "jph: -5"))
    child = write(
        tmp_path / "child.yaml",
        "extends: base.yaml\nplants:\n"
        "  - {name: gwm_test, owner: gwm, calendar: {}, lines: [{id: ga1, jph: 50, products: [haval, xiaomi_ev]}]}\n",
    )
    assert sim.load(child).plants[0].lines[0].jph == 50


def test_extends_cycle_names_the_files(tmp_path: Path):
    a = write(tmp_path / "a.yaml", "extends: b.yaml\nmeta: {seed: 1}\n")
    b = write(tmp_path / "b.yaml", "meta: {seed: 2}\nextends: a.yaml\n")
    p = only(problems(a))
    assert (p.file, p.line, p.path) == (str(b), 2, "extends")
    assert p.message == f"extends cycle: {a} -> {b} -> {a}"


def test_a_file_extending_itself_is_a_cycle(tmp_path: Path):
    me = write(tmp_path / "me.yaml", "extends: ./me.yaml\n")
    assert "extends cycle" in only(problems(me)).message


def test_missing_parent_names_the_child_and_the_extends_line(tmp_path: Path):
    child = write(tmp_path / "child.yaml", "meta: {seed: 1}\nextends: nope.yaml\n")
    p = only(problems(child))
    assert (p.file, p.line, p.column, p.path) == (str(child), 2, 1, "extends")
    assert f"cannot read the parent scenario {tmp_path / 'nope.yaml'}: no such file" in p.message


@pytest.mark.parametrize("value", ["[a, b]", "''", "3"])
def test_extends_must_be_a_file_name(tmp_path: Path, value: str):
    child = write(tmp_path / "child.yaml", f"extends: {value}\n")
    p = only(problems(child))
    assert (p.file, p.line, p.path) == (str(child), 1, "extends")
    assert "should be the file name" in p.message


def test_extends_takes_an_absolute_path_and_a_yml_file(tmp_path: Path):
    shared = write(tmp_path / "shared" / "base.yml", SMALL)
    child = write(tmp_path / "mine" / "child.yaml", f"extends: {shared}\nmeta: {{seed: 5}}\n")
    assert sim.load(child).meta.seed == 5


@pytest.mark.parametrize("name", ["notes.txt", "/etc/passwd", "base.yaml.bak", "folder.yaml"])
def test_extends_names_a_regular_yaml_file(tmp_path: Path, name: str):
    (tmp_path / "folder.yaml").mkdir()
    child = write(tmp_path / "child.yaml", f"meta: {{seed: 1}}\nextends: {name}\n")
    p = only(problems(child))
    assert (p.file, p.line, p.path) == (str(child), 2, "extends")
    expected = "is a directory" if name == "folder.yaml" else "should name a YAML scenario file ending in .yaml or .yml"
    assert expected in p.message


def test_syntax_error_in_the_parent_names_the_parent(tmp_path: Path):
    parent = write(tmp_path / "base.yaml", "meta: [\n")
    child = write(tmp_path / "child.yaml", "extends: base.yaml\n")
    p = only(problems(child))
    assert p.file == str(parent) and "YAML syntax error" in p.message


def test_extends_is_not_a_field_of_the_model(base: Path):
    assert "extends" not in sim.Scenario.model_json_schema()["properties"]
    nested = write(base.parent / "nested.yaml", SMALL.replace("  seed: 7", "  seed: 7\n  extends: base.yaml"))
    assert "unknown field 'extends'" in only(problems(nested)).message


def test_parse_resolves_extends_next_to_its_source(base: Path):
    s = parse("extends: base.yaml\nmeta: {seed: 11}\n", str(base.parent / "inline.yaml"))
    assert s.meta.seed == 11


# --- overrides -------------------------------------------------------------------------------------------------


def test_baseline_override(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    assert sim.load("scenarios/baseline.yaml", ["contract.reserved_share=0.5"]).contract.reserved_share == 0.5
    assert sim.load("scenarios/baseline.yaml").contract.reserved_share != 0.5


@pytest.mark.parametrize(
    "option",
    [
        "plants.0.lines.0.jph=45",
        "plants[0].lines[0].jph=45",
        "plants.gwm_test.lines.ga1.jph=45",
        "plants[gwm_test].lines[ga1].jph=45",
        "plants[0].lines.ga1.jph = 45",
    ],
)
def test_override_by_index_or_by_id(base: Path, option: str):
    assert sim.load(base, [option]).plants[0].lines[0].jph == 45


def test_override_into_a_product_by_id(base: Path):
    s = sim.load(base, ["products.xiaomi_ev.demand.cv=0.2", "products[0].demand.lost_after_months=3"])
    assert s.products[1].demand.cv == 0.2 and s.products[0].demand.lost_after_months == 3


def test_override_values_are_yaml(base: Path):
    s = sim.load(
        base,
        [
            "program.target_launch=2022-07-31",
            "plants.0.calendar.working_weekdays=[mon, tue, wed]",
            "program.milestones.design.duration_days={kind: fixed, value: 3}",
            "meta.name=small-variant",
        ],
    )
    assert s.program.target_launch == dt.date(2022, 7, 31)
    assert s.plants[0].calendar.working_weekdays == ["mon", "tue", "wed"]
    assert s.program.milestones[0].duration_days.kind == "fixed"
    assert s.meta.name == "small-variant"


def test_overrides_apply_in_order_after_extends(base: Path):
    child = write(base.parent / "child.yaml", "extends: base.yaml\ncontract: {reserved_share: 0.4}\n")
    assert (
        sim.load(child, ["contract.reserved_share=0.1", "contract.reserved_share=0.2"]).contract.reserved_share == 0.2
    )


def test_override_creates_missing_sections(base: Path):
    options = ["products.xiaomi_ev.yield_learning.start_first_pass_yield=0.5"]
    s = sim.load(base, [*options, "products.xiaomi_ev.yield_learning.months_to_mature=6"])
    assert s.products[1].yield_learning.months_to_mature == 6


def test_wrong_override_key_gets_did_you_mean(base: Path):
    p = only(problems(base, ["contract.reserved_shar=0.5"]))
    assert (p.file, p.line, p.path) == ("--set", 0, "contract.reserved_shar")
    assert str(p) == (
        "--set contract.reserved_shar: unknown field 'reserved_shar'; did you mean 'reserved_share'? "
        "Expected one of: customer, policy, reserved_share, reserved_units_per_month, fee_rmb_per_unit, "
        "payments, minimum_units_per_year, shortfall_penalty_rmb_per_unit, discount_rate_per_year."
    )


def test_new_key_forbidden_by_the_model_gets_the_same_message_as_in_the_file(base: Path):
    in_file = only(problems(write(base.parent / "typo.yaml", SMALL.replace("jph: 60", "jph: 60, jhp: 60"))))
    by_option = only(problems(base, ["plants.0.lines.0.jhp=60"]))
    assert by_option.message == in_file.message
    assert "did you mean 'jph'?" in by_option.message
    assert (by_option.file, by_option.path) == ("--set", "plants.0.lines.0.jhp")


def test_new_key_inside_a_distribution_is_checked_against_its_kind(base: Path):
    p = only(problems(base, ["program.milestones.tooling.duration_days.mod=50"]))
    assert "did you mean 'mode'?" in p.message and "Expected one of: min, mode, max, kind." in p.message


def test_unknown_list_id_lists_the_ids(base: Path):
    p = only(problems(base, ["products.xiaomi.demand.cv=0.2"]))
    assert p.path == "products.xiaomi"
    assert p.message == (
        "no item with id 'xiaomi'; did you mean 'xiaomi_ev'? Expected one of: haval, xiaomi_ev "
        "(or an index from 0 to 1)."
    )
    assert "no item with name 'gwm'" in only(problems(base, ["plants.gwm.owner=x"])).message


@pytest.mark.parametrize(
    ("option", "path", "words"),
    [
        ("plants.0.lines.3.jph=1", "plants.0.lines.3", ["index 3 is out of range", "0 to 0"]),
        ("meta.seed.x=1", "meta.seed.x", ["meta.seed is a value (7)"]),
        ("plants.0.calendar.working_weekdays.first=mon", "plants.0.calendar.working_weekdays.first", ["not an index"]),
        ("products.haval.ramp=", "", []),  # a value may be null: an optional section removed (valid)
    ],
)
def test_override_paths_that_lead_nowhere(base: Path, option: str, path: str, words: list[str]):
    if not words:
        assert sim.load(base, [option]).products[0].ramp is None
        return
    p = only(problems(base, [option]))
    assert (p.file, p.path) == ("--set", path)
    for word in words:
        assert word in p.message


def test_bad_override_value_gets_the_pydantic_message_at_the_option(base: Path):
    p = only(problems(base, ["products.xiaomi_ev.demand.cv=5"]))
    assert (p.file, p.line, p.column, p.path) == ("--set", 0, 0, "products.xiaomi_ev.demand.cv")
    assert str(p) == "--set products.xiaomi_ev.demand.cv: Input should be less than or equal to 3 (got 5)"


def test_problem_inside_an_overridden_mapping_is_placed_below_the_option(base: Path):
    options = ["program.milestones[1].duration_days={kind: pert, min: 5, mode: 3, max: 9}"]
    p = only(problems(base, options))
    assert str(p) == "--set program.milestones[1].duration_days.mode: mode (3) must be at least min (5)"


def test_problem_in_a_section_the_override_created(base: Path):
    p = only(problems(base, ["products.xiaomi_ev.yield_learning.months_to_mature=6"]))
    assert (p.file, p.path) == ("--set", "products.xiaomi_ev.yield_learning.start_first_pass_yield")
    assert "missing required field" in p.message


def test_override_replaces_a_bad_file_value_and_file_problems_come_first(tmp_path: Path):
    bad = write(tmp_path / "bad.yaml", SMALL.replace("jph: 60", "jph: -5").replace("seed: 7", "seed: -7"))
    found = problems(bad, ["plants.0.lines.0.jph=60", "contract.reserved_share=2"])
    assert [(p.file, p.path) for p in found] == [(str(bad), "meta.seed"), ("--set", "contract.reserved_share")]


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("contract.reserved_share", ["'contract.reserved_share' should be dotted.path=value"]),
        ("=0.3", ["'=0.3' should be dotted.path=value"]),
        ("  =0.3", ["should be dotted.path=value"]),
        ("contract..reserved_share=0.3", ["'contract..reserved_share=0.3'", "not a dotted path"]),
        ("plants[0.jph=3", ["not a dotted path"]),
    ],
)
def test_malformed_option(base: Path, option: str, words: list[str]):
    p = only(problems(base, [option]))
    assert (p.file, p.line) == ("--set", 0)
    for word in words:
        assert word in str(p), str(p)


def test_value_that_is_not_yaml(base: Path):
    found = problems(base, ["contract.reserved_share=[0.3", "meta.start_date=2022-13-01"])
    assert [str(p) for p in found] == [
        "--set contract.reserved_share: '[0.3' is not a valid YAML value (expected ',' or ']', but got '<stream end>')",
        "--set meta.start_date: '2022-13-01' is not valid (month must be in 1..12)",
    ]


def test_every_bad_option_is_reported_at_once(base: Path):
    found = problems(base, ["nope", "contract.reserved_shar=1", "products.tank.demand.cv=1"])
    assert [p.path for p in found] == ["", "contract.reserved_shar", "products.tank"]


def test_overrides_must_be_a_list(base: Path):
    with pytest.raises(TypeError, match="list"):
        sim.load(base, "contract.reserved_share=0.5")  # type: ignore[arg-type]
