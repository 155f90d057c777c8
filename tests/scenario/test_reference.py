"""The scenario reference in docs/ is generated from the models and must not go stale."""

from sim.scenario.reference import markdown
from sim.scenario.scenario import Scenario
from tests.conftest import ROOT


def test_docs_scenario_reference_is_up_to_date():
    # Regenerate with: python -m sim.scenario.reference > docs/scenario-reference.md
    assert (ROOT / "docs" / "scenario-reference.md").read_text() == markdown()


def test_every_field_of_every_section_is_documented():
    text = markdown()
    for name, field in Scenario.model_fields.items():
        assert f"`{name}`" in text and field.description
    schema = Scenario.model_json_schema()
    for section, node in schema["$defs"].items():
        for field, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{section}.{field} has no description"
