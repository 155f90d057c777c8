"""The scenario reference in Markdown, generated from the models' JSON Schema.

Every field's description lives once, in the pydantic model; `docs/scenario-reference.md`
is this module's output (`python -m sim.scenario.reference > docs/scenario-reference.md`),
and a test fails when the file is out of date.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from sim.scenario.scenario import Scenario


def markdown() -> str:
    """The whole reference: the top-level sections, then every section type, with each field."""
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    out = [
        "# Scenario reference",
        "",
        "Generated from the scenario models (`python -m sim.scenario.reference`); do not edit by hand.",
        "Units are in the field names (`jph`, `hours`, `days`, `share`, `rmb`). Every date is written",
        "YYYY-MM-DD (2023-06-30); a number such as a Unix timestamp, or a date with a time, is refused.",
        "",
        "A scenario file may start with `extends: other.yaml` to change only what differs from another",
        "file: mappings merge key by key, lists and values replace. The path is relative to the",
        "extending file's folder (`../shared/baseline.yaml` is fine) or absolute, and must name a regular",
        "`.yaml` or `.yml` file; chains are allowed, cycles refused. YAML anchors, aliases and merge keys",
        f"(`<<: *defaults`, then the keys that differ) work within a file. A file is at most "
        f"{MAX_FILE_BYTES / 1e6:g} MB, nests",
        f"at most {MAX_DEPTH} levels and holds at most {MAX_NODES:,} values with its aliases expanded.",
        "",
    ]
    out += _section("Scenario (the file's top level)", schema)
    for name in sorted(defs):
        out += _section(name, defs[name])
    return "\n".join(out).rstrip() + "\n"


def _section(title: str, node: dict[str, Any]) -> list[str]:
    out = [f"## {title}", ""]
    if node.get("description"):
        out += [" ".join(node["description"].split()), ""]
    if "properties" in node:
        required = set(node.get("required", []))
        out += ["| field | type | default | description |", "|---|---|---|---|"]
        for field, prop in node["properties"].items():
            default = "required" if field in required else f"`{prop.get('default')!r}`" if "default" in prop else ""
            out.append(f"| `{field}` | {_type(prop)} | {default} | {_cell(prop.get('description', ''))} |")
        out.append("")
    return out


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop or "oneOf" in prop:
        kinds = [_type(p) for p in prop.get("anyOf", prop.get("oneOf", []))]
        return " or ".join(k for k in kinds if k != "null") + (" or null" if "null" in kinds else "")
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object" and "additionalProperties" in prop:
        return f"mapping to {_type(prop['additionalProperties'])}"
    if kind == "string" and prop.get("format") == "date":
        return "date (YYYY-MM-DD)"
    limits = [f"{sym} {prop[key]}" for key, sym in (("minimum", ">="), ("exclusiveMinimum", ">"),
                                                    ("maximum", "<="), ("exclusiveMaximum", "<")) if key in prop]  # fmt: skip
    return kind + (f" ({', '.join(limits)})" if limits else "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


if __name__ == "__main__":
    print(markdown(), end="")
