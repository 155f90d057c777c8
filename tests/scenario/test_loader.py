"""Loading scenarios: good files load, bad ones name file, line, field and what is expected."""

import random
from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError, loader, parse
from tests.conftest import DATA, ROOT

SMALL = (DATA / "small.yaml").read_text()


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in `text`."""
    return text[: text.index(needle)].count("\n") + 1


def test_small_scenario_loads():
    s = sim.load(DATA / "small.yaml")
    assert s.meta.name == "small"
    assert s.plants[0].lines[0].jph == 60
    assert [p.id for p in s.customer_products] == ["xiaomi_ev"]


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_loads(path: Path):
    assert sim.load(path).meta.name


# (replace this, with this, the expected field path, words the message must contain, line of this text)
BAD = [
    ("jph: 60", "jhp: 60", "plants[0].lines[0].jhp", ["did you mean 'jph'"], "jhp: 60"),
    ("jph: 60", "jph: -5", "plants[0].lines[0].jph", ["greater than 0", "-5"], "jph: -5"),
    ("jph: 60", "jph: sixty", "plants[0].lines[0].jph", ["valid number", "sixty"], "jph: sixty"),
    ("end_date: 2022-12-31", "end_date: 2021-12-31", "meta.end_date", ["must come after start_date"], "end_date"),
    (
        "reserved_share: 0.25",
        "reserved_share: 1.5",
        "contract.reserved_share",
        ["less than or equal to 1"],
        "reserved_share: 1.5",
    ),
    ("max: 120", "max: 80", "program.milestones[0].duration_days.max", ["at least mode"], "max: 80"),
    ("mode: 90", "mod: 90", "program.milestones[0].duration_days.mod", ["did you mean 'mode'"], "mod: 90"),
    (
        "after: [design]",
        "after: [desgn]",
        "program.milestones[1].after[0]",
        ["did you mean 'design'"],
        "after: [desgn]",
    ),
    (
        "after: [design]",
        "after: [tooling]",
        "program.milestones[1].after",
        ["cycle", "tooling -> tooling"],
        "after: [tooling]",
    ),
    ("products: [haval, xiaomi_ev]", "products: [haval]", "products[1].id", ["on no line"], "id: xiaomi_ev"),
    (
        "products: [haval, xiaomi_ev]",
        "products: [haval, xiaomi_ev, tank]",
        "plants[0].lines[0].products[2]",
        ["unknown product 'tank'"],
        "products: [haval, xiaomi",
    ),
    ("kind: pert", "kind: beta", "program.milestones[1].duration_days", ["'beta'", "triangular"], "kind: beta"),
    (
        "policy: reserved_share",
        "policy: owner_firts",
        "contract.policy",
        ["owner_first", "owner_firts"],
        "policy: owner_firts",
    ),
    ("  seed: 7", "\tseed: 7", "", ["YAML syntax error", "tabs"], "\tseed"),
    (
        "start_date: 2022-01-03",
        "start_date: 2022-13-03",
        "meta.start_date",
        ["not valid", "month"],
        "start_date: 2022-13",
    ),
    (
        "  - id: xiaomi_ev",
        "  - id: haval",
        "products[1].id",
        ["duplicate product id 'haval'"],
        "  - id: haval\n    brand: Xiaomi",
    ),
    (
        "owner: xiaomi",
        "owner: xiaomi_motors",
        "products[1].owner",
        ["neither the plants' owner nor"],
        "owner: xiaomi_motors",
    ),
    (
        "hours_per_shift: 8",
        "hours_per_shift: 13",
        "plants[0].calendar.hours_per_shift",
        ["do not fit in 24 hours"],
        "hours_per_shift",
    ),
    (
        "last_day: 2022-02-06",
        "last_day: 2022-01-06",
        "plants[0].calendar.shutdowns[0].last_day",
        ["before first_day"],
        "first_day: 2022-01-31",
    ),
    (
        "working_weekdays: [mon, tue, wed, thu, fri]",
        "working_weekdays: [mon, tue, funday]",
        "plants[0].calendar.working_weekdays[2]",
        ["'funday'"],
        "working_weekdays",
    ),
    (
        '{"2022-01": 3000}',
        '{"2022-1": 3000}',
        "products[1].demand.units_by_month.2022-1",
        ["YYYY-MM"],
        "units_by_month",
    ),
    (
        "target_launch: 2022-06-30",
        "target_launch: 2021-06-30",
        "program.target_launch",
        ["not after start_date"],
        "target_launch",
    ),
    ("  name: small\n", "", "meta.name", ["missing required field 'name'"], "meta:"),
    ("name: gwm_test", "name: GWM Test", "plants[0].name", ["lower-case letters", "'GWM Test'"], "name: GWM Test"),
    (
        "  replications: 5",
        "  replications: 5\n  replications: 6",
        "meta.replications",
        ["duplicate key"],
        "  replications: 6",
    ),
]


@pytest.mark.parametrize(("old", "new", "path", "words", "at"), BAD, ids=[b[1].strip()[:30] for b in BAD])
def test_bad_scenario_names_line_field_and_problem(old, new, path, words, at):
    text = SMALL.replace(old, new, 1)
    assert text != SMALL
    with pytest.raises(ScenarioError) as info:
        parse(text, "bad.yaml")
    problems = info.value.problems
    match = [p for p in problems if p.path == path]
    assert match, f"no problem at {path}: {info.value}"
    p = match[0]
    assert p.file == "bad.yaml"
    assert p.line == line_of(text, at), str(info.value)
    message = str(p)
    for word in words:
        assert word in message, message
    assert message.startswith(f"bad.yaml:{p.line}:{p.column}: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["empty"]),
        ("- a\n- b\n", ["top level must be a mapping"]),
        ("meta: [\n", ["YAML syntax error"]),
        ("meta:\n  name: x\n", ["missing required field 'plants'"]),
        ("\x00\x01binary", ["binary"]),
    ],
)
def test_whole_file_problems(text, words):
    with pytest.raises(ScenarioError) as info:
        parse(text, "f.yaml")
    for word in words:
        assert word in str(info.value)


def test_missing_file_and_directory_and_non_utf8(tmp_path):
    for path, word in [(tmp_path / "nope.yaml", "no such file"), (tmp_path, "directory")]:
        with pytest.raises(ScenarioError, match=word):
            sim.load(path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("meta: {name: caf\xe9}".encode("latin-1"))
    with pytest.raises(ScenarioError, match="UTF-8"):
        sim.load(latin)


def test_several_problems_are_all_reported_in_line_order():
    text = SMALL.replace("jph: 60", "jph: -1").replace("seed: 7", "seed: -7")
    with pytest.raises(ScenarioError) as info:
        parse(text, "two.yaml")
    lines = [p.line for p in info.value.problems]
    assert len(lines) == 2 and lines == sorted(lines)


DYNAMICS = (DATA / "dynamics.yaml").read_text()
BAD_DYNAMICS = [
    (
        "first_pass_yield: 0.92",
        "first_pass_yield: 1.3",
        "products[0].first_pass_yield",
        ["less than or equal to 1", "1.3"],
    ),
    ("chips_per_vehicle: 2", "chips_per_vehicle: 0", "products[2].chips_per_vehicle", ["greater than 0"]),
    (
        "last_day: 2022-05-31, share",
        "last_day: 2022-02-01, share",
        "supply.chips.disruptions[0].last_day",
        ["before first_day"],
    ),
    ("share_lost: 0.4", "share_lost: 40", "supply.chips.disruptions[0].share_lost", ["less than or equal to 1"]),
    ("allocation: by_margin", "allocation: by_price", "supply.chips.allocation", ["by_margin"]),
    ("mean: 25", "mean: -25", "plants[0].lines[0].breakdowns.time_between_failures_hours.mean", ["greater than 0"]),
    (
        "kind: lognormal, mean: 1.5, cv: 0.8",
        "kind: lognormal, mean: 1.5, sd: 0.8",
        "plants[0].lines[0].breakdowns.time_to_repair_hours.sd",
        ["unknown field 'sd'. Expected one of: kind, mean, cv"],
    ),
    (
        "kind: lognormal, mean: 1.5, cv: 0.8",
        "kind: lognormal, maen: 1.5, cv: 0.8",
        "plants[0].lines[0].breakdowns.time_to_repair_hours.maen",
        ["did you mean 'mean'"],
    ),
    ("        campaign_units: 400\n", "", "plants[0].lines[0].campaign_units", ["needs campaign_units"]),
    ("      cv: 0.1\n", "      cv: -0.1\n", "products[0].demand.cv", ["greater than or equal to 0"]),
    (
        "seasonality: [0.8, 0.7, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.2, 1.2]",
        "seasonality: [0.8, 0.7]",
        "products[0].demand.seasonality",
        ["at least 12"],
    ),
    (
        "        products: [tank]\n",
        "        products: [tank, haval_h9]\n",
        "plants[1].lines[0].products[1]",
        ["unknown product 'haval_h9'"],
    ),
    ("  - name: gwm_other\n    owner: gwm", "  - name: gwm_other\n    owner: byd", "plants[1].owner", ["one owner"]),
    ("  - name: gwm_other", "  - name: gwm_test", "plants[1].name", ["duplicate plant name"]),
    (
        "    yield_learning: {start",
        "    ramp_learning: {start",
        "products[2].ramp_learning",
        ["did you mean 'yield_learning'"],
    ),
]


def assert_problem(base: str, old: str, new: str, path: str, words: list[str]) -> None:
    """Editing `base` from `old` to `new` makes a problem at `path`, on a line, saying `words`."""
    text = base.replace(old, new, 1)
    assert text != base
    with pytest.raises(ScenarioError) as info:
        parse(text, "edited.yaml")
    match = [p for p in info.value.problems if p.path == path]
    assert match, f"no problem at {path}: {info.value}"
    assert match[0].line > 0
    for word in words:
        assert word in str(match[0]), str(match[0])


@pytest.mark.parametrize(("old", "new", "path", "words"), BAD_DYNAMICS, ids=[b[1].strip()[:30] for b in BAD_DYNAMICS])
def test_bad_dynamics_name_line_field_and_problem(old, new, path, words):
    assert_problem(DYNAMICS, old, new, path, words)


def test_dynamics_scenario_loads_and_runs():
    s = sim.load(DATA / "dynamics.yaml")
    r = sim.run(s, replications=2)
    assert r.down_hours.sum() > 0 and r.changeover_hours.sum() > 0 and r.scrap.sum() > 0
    assert set(r.reference) == {"without_contract", "without_chip_disruptions"}


SHOPS = (DATA / "shops.yaml").read_text()
BAD_SHOPS = [
    (
        "buffer_after_units: 60",
        "buffer_after_units: -5",
        "plants[0].shops[0].buffer_after_units",
        ["greater than or equal to 0", "-5"],
    ),
    (
        "shop_yields: {paint: 0.9}",
        "shop_yields: {assembly: 0.9}",
        "products[0].shop_yields.assembly",
        ["not a shop before the last"],
    ),
    (
        "shop_yields: {paint: 0.9}",
        "shop_yields: {paint: 1.3}",
        "products[0].shop_yields.paint",
        ["less than or equal to 1"],
    ),
    (
        "{id: body_x, jph: 30, products: [xiaomi_ev]}",
        "{id: body_x, jph: 30, products: [xiaomi_ev, haval]}",
        "plants[0].shops[0].lines",
        ["exactly one line of shop body"],
    ),
    (
        "      - id: assembly\n",
        "      - id: assembly\n        buffer_after_units: 10\n",
        "plants[0].shops[2].buffer_after_units",
        ["last shop has no buffer"],
    ),
    (
        "    shops:\n",
        "    lines: [{id: x, jph: 1, products: [haval]}]\n    shops:\n",
        "plants[0].lines",
        ["either lines", "or shops"],
    ),
    ("      - id: paint\n", "      - id: body\n", "plants[0].shops[1].id", ["duplicate shop id 'body'"]),
]


@pytest.mark.parametrize(("old", "new", "path", "words"), BAD_SHOPS, ids=[b[1].strip()[:30] for b in BAD_SHOPS])
def test_bad_shops_name_line_field_and_problem(old, new, path, words):
    assert_problem(SHOPS, old, new, path, words)


def test_shops_scenario_loads_and_runs():
    r = sim.run(sim.load(DATA / "shops.yaml"), replications=2)
    assert r.line_names[0] == "gwm_test.body.body1"
    assert r.built[:, 1].sum() > 0 and r.scrap[:, 0].sum() > 0


# --- YAML merge keys (YAML 1.1): the mapping's own keys win ----------------------------------------------------

LINES = "    lines:\n      - {id: ga1, jph: 60, products: [haval, xiaomi_ev]}\n"


def with_lines(lines: str) -> str:
    text = SMALL.replace(LINES, "    lines:\n" + lines)
    assert text != SMALL
    return text


def test_merge_key_override_and_order_of_merged_mappings():
    text = with_lines(
        "      - &a {id: ga1, jph: 60, products: [haval, xiaomi_ev]}\n"
        "      - &b {id: gb1, jph: 30, products: [haval], changeover_hours: 1, campaign_units: 50}\n"
        "      - <<: [*a, *b]\n"  # the first merged mapping wins over the second
        "        id: ga2\n"
    )
    lines = parse(text, "m.yaml").plants[0].lines
    assert [(ln.id, ln.jph, ln.products, ln.changeover_hours) for ln in lines[2:]] == [
        ("ga2", 60, ["haval", "xiaomi_ev"], 1)
    ]


def test_a_problem_in_a_merged_value_points_at_where_it_is_written():
    text = with_lines("      - &a {id: ga1, jph: -60, products: [haval, xiaomi_ev]}\n      - <<: *a\n        id: ga2\n")
    with pytest.raises(ScenarioError) as info:
        parse(text, "m.yaml")
    at = {p.path: p.line for p in info.value.problems}
    assert at == {"plants[0].lines[0].jph": 17, "plants[0].lines[1].jph": 17}


@pytest.mark.parametrize(
    ("lines", "path", "words"),
    [
        (
            "      - &a {id: ga1, jph: 60}\n      - <<: *a\n        id: ga2\n        id: ga3\n",
            "plants[0].lines[1].id",
            ["duplicate key"],
        ),
        ("      - &a {id: ga1}\n      - <<: *a\n        <<: *a\n", "plants[0].lines[1].<<", ["duplicate key"]),
        ("      - <<: [1, 2]\n        id: ga2\n", "plants[0].lines[0]", ["merge key (<<)"]),
    ],
)
def test_merge_key_mistakes(lines: str, path: str, words: list[str]):
    with pytest.raises(ScenarioError) as info:
        parse(with_lines(lines), "m.yaml")
    p = info.value.problems[0]
    assert p.path == path and p.line > 0 and all(w in p.message for w in words), str(p)


def test_anchors_and_aliases_still_work():
    text = SMALL.replace("  start_date: 2022-01-03\n", "  start_date: &start 2022-01-03\n", 1)
    text = text.replace("program:\n  start_date: 2022-01-03", "program:\n  start_date: *start")
    s = parse(text, "a.yaml")
    assert s.program.start_date == s.meta.start_date


# --- dates are ISO dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("end_date: 2022-12-31", "end_date: 1672444800", "meta.end_date", ["YYYY-MM-DD", "Unix timestamp"]),
        ("end_date: 2022-12-31", "end_date: 2022-12-31T00:00:00", "meta.end_date", ["without a time of day"]),
        ("end_date: 2022-12-31", "end_date: yes", "meta.end_date", ["YYYY-MM-DD", "True"]),
        ("start_date: 2022-01-03\n  target", "start_date: 20220103\n  target", "program.start_date", ["YYYY-MM-DD"]),
        ("last_day: 2022-02-06", "last_day: 1644105600.0", "plants[0].calendar.shutdowns[0].last_day", ["Unix"]),
    ],
)
def test_dates_must_be_iso_dates(old: str, new: str, path: str, words: list[str]):
    assert_problem(SMALL, old, new, path, words)


def test_a_quoted_iso_date_is_a_date():
    s = parse(SMALL.replace("end_date: 2022-12-31", "end_date: '2022-12-31'"), "q.yaml")
    assert s.meta.end_date == sim.load(DATA / "small.yaml").meta.end_date


def test_payment_dates_are_iso_dates():
    text = SMALL + "  payments:\n    - {name: tooling, amount_rmb: 1.0e8, date: 1656547200}\n"
    with pytest.raises(ScenarioError) as info:
        parse(text, "p.yaml")
    assert [p.path for p in info.value.problems] == ["contract.payments[0].date"]
    assert "YYYY-MM-DD" in info.value.problems[0].message


# --- plants that never open, and a customer that owns the plants ------------------------------------------------


def test_a_plant_with_one_open_day_is_fine():
    text = SMALL.replace("first_day: 2022-01-31, last_day: 2022-02-06", "first_day: 2022-01-04, last_day: 2023-01-01")
    assert parse(text, "one.yaml").plants[0].name == "gwm_test"  # 2022-01-03 (a Monday) is open


def test_the_second_plant_that_never_opens_is_named():
    text = (DATA / "dynamics.yaml").read_text()
    closed = text.replace(
        "      shifts_per_day: 1\n",
        "      shifts_per_day: 1\n      shutdowns: [{name: sold, first_day: 2021-01-01, last_day: 2099-12-31}]\n",
    )
    assert closed.count("sold") == 1
    with pytest.raises(ScenarioError) as info:
        parse(closed, "two.yaml")
    (p,) = info.value.problems
    assert (p.path, p.line) == ("plants[1].calendar.shutdowns", line_of(closed, "shutdowns: [{name: sold"))
    assert "plant gwm_other never opens" in p.message


# --- the two YAML readers -----------------------------------------------------------------------------------

needs_libyaml = pytest.mark.skipif(loader._FastLoader is None, reason="PyYAML without libyaml reads in Python only")


def outcome(read, text: str) -> object:
    """What `read` makes of `text`: (data, marks), or the type and message of what it raised."""
    try:
        return read(text, "f.yaml")
    except Exception as exc:
        return type(exc), str(exc)


def reference(text: str, source: str) -> object:
    """PyYAML's reading, in Python: the one whose results and messages are reported."""
    return loader._compose_and_build(loader._Loader(text, source), source)


def libyaml(text: str, source: str) -> object:
    """libyaml's reading alone, whatever the text."""
    return loader._compose_and_build(loader._FastLoader(text, source), source)


@needs_libyaml
@pytest.mark.parametrize(
    "path",
    sorted(p for folder in ("scenarios", "sim", "tests") for p in (ROOT / folder).rglob("*.yaml")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_yaml_file_reads_as_pyyaml_reads_it(path: Path):
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        pytest.skip("not UTF-8 text (refused before YAML is read)")
    assert outcome(loader.build_yaml, text) == outcome(reference, text)
    if path.parent.name != "bad":  # real files are read by libyaml (the speed-up), as PyYAML reads them
        assert not loader._libyaml_differs(text)
        assert outcome(libyaml, text) == outcome(reference, text)


#: Bits of YAML that its two readers might read otherwise, put into real files below.
TRICKY = [*":-?[]{},#&*!|>'\"%@`\\ \n", "\t", "\r\n", "\ufeff", "\x85", "\u2028", "é", "中", "---", "...", "<<: *a",
          "&a ", "*a", "? ", "!!str ", "|-\n", ">+\n", "|#", '"\\/"', "'it''s'", "~", ".inf", "0x1f", "yes"]  # fmt: skip


@needs_libyaml
def test_text_reads_as_pyyaml_reads_it_whether_or_not_libyaml_can():
    """Real files with a few characters put in, taken out or replaced: the reading is PyYAML's
    exactly (the same data, the same line and column of every value, the same error)."""
    rng = random.Random(14)
    texts = [(DATA / name).read_text() for name in ("small.yaml", "shops.yaml", "dynamics.yaml")]
    by_libyaml = 0
    for _ in range(300):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice([*TRICKY, ""]) + text[at + rng.choice([0, 0, 1, 2]) :]
        expected = outcome(reference, text)
        assert outcome(loader.build_yaml, text) == expected, text
        by_libyaml += not loader._libyaml_differs(text) and outcome(libyaml, text) == expected
    assert by_libyaml > 50  # the comparison was made where libyaml's reading is the one used


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: b\tc\n",  # a tab inside a plain value: libyaml takes it, PyYAML refuses it
        "a: b\t\n",
        "a: [b?]\n",  # a ? inside a plain value of a flow collection
        "a: {b: c?d}\n",
        "a: |# comment\n  b\n",  # a comment right after a block scalar's indicator
        "a: {b: , c: 1}\n",  # an empty value: libyaml places it at the next one
        "a: [\ufeffb, c]\n",  # a byte-order mark: libyaml counts it in columns
    ],
)
def test_where_libyaml_reads_otherwise_pyyaml_decides(text: str):
    assert outcome(libyaml, text) != outcome(reference, text)  # if libyaml changes, its guard can go
    assert outcome(loader.build_yaml, text) == outcome(reference, text)


@pytest.mark.parametrize(
    ("path", "line", "told"),
    [
        (
            "scenarios/sweeps/reserve_and_assist.yaml",
            16,
            "this is a sweep file, not a scenario: run it with `sim sweep ",
        ),
        ("scenarios/studies/net_vs_units.yaml", 16, "this is a study file, not a scenario: run it with `sim optimize "),
    ],
)
def test_a_sweep_or_study_file_given_as_a_scenario_says_which_command_runs_it(path, line, told):
    with pytest.raises(ScenarioError) as exc:
        sim.load(ROOT / path)
    [problem] = exc.value.problems
    assert problem.line == line and problem.message.startswith(told)
    assert (ROOT / path).read_text().splitlines()[line - 1].split(":")[0] in ("scenario", "decide")
