"""Provenance: the seeds/facts.yaml entries a scenario file cites, for the report's header.

A scenario cites facts in comments (`# facts: gwm_sales_2020, jph_band`); the report lists
each cited entry with its value, status (sourced, derived, remembered, assumption) and source,
and flags ids it cannot find. Nothing is fetched: sources are shown as text and plain links.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from sim.report.style import esc, plural


# -- page parts -------------------------------------------------------------------------------
def provenance(source: str | Path) -> str:
    """The facts of seeds/facts.yaml that scenario file `source` cites, as a collapsible header section.

    A scenario cites facts in comments: `# facts: id1, id2 (... id3 ...)`. Every fact id after
    "facts:" to the end of the comment counts (ids named in passing, in parentheses, too); a
    pattern such as `plant_share_*` or `holiday_<festival>_<year>` cites every id it matches.
    Ids in the list right after "facts:" that seeds/facts.yaml lacks are reported as not found.
    facts.yaml is the first `seeds/facts.yaml` in the scenario's folder or a parent of it.
    '' when the scenario file cannot be read.
    """
    source = Path(source)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    path = find_facts(source)
    facts = load_facts(path) if path is not None else {}
    cited = citations(text, facts)
    if not cited:
        return '<p class="note">Sources: the scenario file cites no entries of seeds/facts.yaml.</p>'
    counts = dict.fromkeys(FACT_STATUSES, 0)
    for fact in cited:
        status = _status(facts.get(fact))
        counts[status] = counts.get(status, 0) + 1
    where = (
        f"entries of <code>{esc(os.path.relpath(path, source.resolve().parent))}</code>"
        if path is not None
        else "no <code>seeds/facts.yaml</code> was found in its folder or above"
    )
    rows = "\n".join(_fact_row(fact, facts.get(fact)) for fact in cited)
    return (
        f'<details class="sources"><summary><b>Sources: {plural(len(cited), "fact")} cited by the scenario</b>: '
        f"{esc(_status_counts(counts))}</summary>\n"
        f'<p class="note">Cited in the <code># facts:</code> comments of <code>{esc(source.name)}</code>; {where}. '
        "Status: <i>sourced</i> = stated by the source given; <i>derived</i> = arithmetic on sourced figures; "
        "<i>remembered</i> = recalled, not checked: verify before relying on it; <i>assumption</i> = a modelling "
        "choice or estimate without a source.</p>\n"
        '<table class="sources">\n<tr><th>Fact</th><th class="num">Value</th><th>What it is; source</th></tr>\n'
        f"{rows}\n</table>\n</details>"
    )


#: Statuses of seeds/facts.yaml entries, in the order the report counts them.
FACT_STATUSES = ("sourced", "derived", "remembered", "assumption")

_COMMENT = re.compile(r"(?:^|\s)#(.*)$", re.MULTILINE)

_CITES = re.compile(r"\bfacts?:(.*)")

_LIST = re.compile(r"\s*([a-z0-9_*<>]+(?:\s*,\s*[a-z0-9_*<>]+)*)")

_TOKEN = re.compile(r"[a-z0-9_*<>]+")

_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")

_PATTERN = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]*(?:\*|<[a-z0-9_]+>)[a-z0-9_*<>]*")


def citations(text: str, facts: dict) -> list[str]:
    """Fact ids a scenario's comments cite, in order of first citation (see `provenance` for the rule).

    Ids not in `facts` are kept only when they head a `facts:` list: those are the not-found ones.
    """
    out: dict[str, None] = {}
    for comment in _COMMENT.findall(text):
        cites = _CITES.search(comment)
        if cites is None:
            continue
        rest = cites.group(1)
        listed = _LIST.match(rest)
        heads = {t.strip() for t in listed.group(1).split(",")} if listed else set()
        for token in _TOKEN.findall(rest):
            if token in facts:
                out[token] = None
            elif _PATTERN.fullmatch(token):
                pattern = re.compile("[a-z0-9_]+".join(map(re.escape, re.split(r"\*|<[a-z0-9_]+>", token))))
                matched = [f for f in facts if pattern.fullmatch(f)]
                out |= dict.fromkeys(matched or ([token] if token in heads else []))
            elif token in heads and _ID.fullmatch(token):
                out[token] = None
    return list(out)


def find_facts(source: Path) -> Path | None:
    """The first seeds/facts.yaml in the folder of `source` or one of its parents."""
    folder = Path(source).resolve().parent
    return next(
        (d / "seeds" / "facts.yaml" for d in (folder, *folder.parents) if (d / "seeds/facts.yaml").is_file()), None
    )


#: libyaml's parser when PyYAML has it (facts.yaml reads in ~15 ms rather than ~200 ms), else PyYAML's own.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_facts(path: Path) -> dict[str, dict]:
    """The entries of a facts file by id ({} when it cannot be read or is not a mapping)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v if isinstance(v, dict) else {"value": v} for k, v in data.items()}


def _status(entry: dict | None) -> str:
    return "not found" if entry is None else str(entry.get("status") or "no status")


def _status_counts(counts: dict[str, int]) -> str:
    """'41 sourced, 9 derived, 2 remembered, 37 assumptions, 1 not found' (zeros left out)."""
    parts = [plural(n, s) if s == "assumption" else f"{n} {s}" for s, n in counts.items() if n]
    return ", ".join(parts)


def _fact_row(fact: str, entry: dict | None) -> str:
    status = _status(entry)
    tag = f'<span class="tag {status.replace(" ", "-")}">{esc(status)}</span>'
    if entry is None:
        return f"<tr><td><code>{esc(fact)}</code> {tag}</td><td></td><td>not found in seeds/facts.yaml</td></tr>"
    unit = str(entry.get("unit") or "")
    value = _fact_value(entry.get("value"), unit)
    if unit and unit != "date":  # a date needs no unit
        value += f" <small>{esc(unit)}</small>"
    given = str(entry.get("source") or "")
    source = ""
    if given.lower() not in ("", "none"):  # assumptions have no source: their tag says so
        source = _link(given) + (f", as of {esc(entry['date'])}" if entry.get("date") else "")
    note = _link(str(entry.get("note") or ""))
    return (
        f"<tr><td><code>{esc(fact)}</code> {tag}</td><td>{value}</td>"
        f"<td>{note}" + (f'<div class="src">{source}</div>' if source else "") + "</td></tr>"
    )


def _fact_value(value: object, unit: str = "") -> str:
    """A facts.yaml value for people: thousands separators (not in years), ranges as low – high."""
    if value is None:
        return ""
    if isinstance(value, list):
        items = [_fact_value(v, unit) for v in value]
        return " – ".join(items) if len(items) == 2 else "[" + ", ".join(items) + "]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return esc(value)
    if float(value).is_integer() and abs(value) >= 1000 and unit != "year":
        return f"{value:,.0f}"
    return f"{value:g}"


def _link(text: str) -> str:
    """`text` escaped, its web addresses as plain links (nothing is loaded until clicked)."""
    return re.sub(
        r"https?://[^\s<>\"']+?(?=[.,;:)]*(?:\s|$))",
        lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>',
        esc(text),
    )
