"""Study files: which contract terms to decide, what to optimise, and which terms are acceptable.

A study asks the planner's third question, "what terms should we offer?", of one base scenario.
It names decision variables (any path ``--set`` accepts), one objective (or two, for a Pareto
front), constraints on indicators (on their mean, or as chance constraints over replications),
the indifference zone and confidence of the final ranking, and caps on the work. The study is
read like a sweep file: every problem names the file, line and field, and the decision paths,
objective and constraint indicators are checked against the base scenario before any work.

A study file (YAML)::

    description: Best reserve and fee for GWM   # optional, shown in the report
    scenario: ../baseline.yaml                   # relative to this file (required)
    seed: 20210326                               # default: the scenario's
    set: {contract.discount_rate_per_year: 0.08} # overrides every candidate gets (optional)
    decide:
      contract.reserved_share: {min: 0.1, max: 0.6, resolution: 0.01}   # continuous
      contract.fee_rmb_per_unit: {min: 5000, max: 15000, resolution: 250}
      program.engineering_assist: {min: 0.7, max: 1.0}                  # resolution: range / 100
      contract.minimum_units_per_year: {min: 0, max: 40000, integer: true, resolution: 1000}
      contract.policy: [reserved_share, proportional]                   # choices
    maximise: owner_net_contribution_rmb          # or minimise:, or {kpi:, statistic: quantile, q: 0.1}
    # maximise: [owner_net_contribution_rmb, contract_units_2025]      # two objectives: a Pareto front
    constraints:
      - owner_units_lost <= 100000                # on the mean (also: mean(owner_units_lost) <= 100000)
      - P(contract_units_2025 >= 40000) >= 0.9    # chance constraint: a share of replications
      - P(sop <= 2023-12-31) >= 0.7               # dates for date indicators (sop is sop_day)
    selection: {delta: 5000000, confidence: 0.95} # indifference zone in the objective's unit
    budget: {replications: 10, candidates: 60, contenders: 10, max_replications: 200}

Constraint grammar: ``[mean(]KPI[)] OP VALUE`` with OP ``<=`` or ``>=`` (a bound on the mean), or
``P(KPI OP VALUE) OP2 PROB`` with OP ``<= < >= >``, OP2 ``>=`` or ``<=`` and 0 < PROB < 1 (the
probability that one replication meets the condition). A date indicator's VALUE is a date; "on or
before a day" means before the day's end, as the SOP-on-time indicator reads it. The objective and
the constraints name indicators of `sim.results.indicators` by key (``sop`` stands for ``sop_day``).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.experiment.sweep import SweepError, Value, _problems, _scalar
from sim.results.indicators import INDICATORS, keys
from sim.scenario import Scenario, ScenarioError, load
from sim.scenario.base import field_error
from sim.scenario.loader import (
    Marks,
    Problem,
    _data_loc,
    _dotted,
    _nearest_mark,
    _show,
    read_extended,
    read_text,
    read_yaml,
    unknown_field,
    validate,
)
from sim.scenario.overrides import apply_overrides

#: Short names a study may use for an indicator key.
ALIASES = {"sop": "sop_day"}
#: Levels of each continuous variable in the coarse design, and when it turns to a Latin hypercube.
LEVELS = 5


class StudyError(SweepError):
    """A study that cannot run (bad study file, paths, objective or constraints); `problems` say where and why."""


# -- the file's shape (pydantic) -----------------------------------------------------------------
class RangeSpec(BaseModel):
    """A continuous (or integer) decision variable."""

    model_config = ConfigDict(extra="forbid")

    min: float = Field(description="Lowest value.")
    max: float = Field(description="Highest value.")
    resolution: float | None = Field(
        None, gt=0, description="Finest step the search resolves (default: range / 100; 1 for integers)."
    )
    integer: bool = Field(False, description="Whole numbers only.")

    @model_validator(mode="after")
    def _range(self) -> RangeSpec:
        if not self.min < self.max:
            field_error(("max",), f"empty range: max ({self.max:g}) should be above min ({self.min:g})")
        if self.resolution is not None and self.resolution > self.max - self.min:
            field_error(("resolution",), f"{self.resolution:g} is wider than the range {self.min:g} to {self.max:g}")
        if self.integer and self.resolution is not None and self.resolution != int(self.resolution):
            field_error(("resolution",), f"an integer variable moves in whole steps (got {self.resolution:g})")
        if self.integer and (self.min != int(self.min) or self.max != int(self.max)):
            field_error(("min",), "an integer variable needs whole min and max")
        return self


class ObjectiveSpec(BaseModel):
    """One objective written as a mapping."""

    model_config = ConfigDict(extra="forbid")

    kpi: str = Field(min_length=1, description="Indicator key.")
    statistic: Literal["mean", "quantile"] = Field("mean", description="What of its distribution to optimise.")
    q: float | None = Field(None, gt=0, lt=1, description="The quantile (statistic: quantile), e.g. 0.1.")

    @model_validator(mode="after")
    def _q(self) -> ObjectiveSpec:
        if (self.statistic == "quantile") != (self.q is not None):
            field_error(("q",), "statistic: quantile needs q (0 < q < 1), and only it takes q")
        return self


class SelectionSpec(BaseModel):
    """The final ranking's indifference zone and confidence."""

    model_config = ConfigDict(extra="forbid")

    delta: float | None = Field(
        None, gt=0, description="Differences smaller than this (objective's unit) do not matter; default: 1% of it."
    )
    confidence: float = Field(0.95, gt=0.5, lt=1, description="Probability of correct selection and of verdicts.")


class BudgetSpec(BaseModel):
    """Caps on the work."""

    model_config = ConfigDict(extra="forbid")

    replications: int = Field(10, ge=3, le=1000, description="Replications per candidate in the search.")
    candidates: int = Field(60, ge=2, le=10_000, description="Most candidates the search evaluates.")
    contenders: int = Field(10, ge=1, le=100, description="Best candidates ranked on fresh replications.")
    n0: int = Field(10, ge=3, le=1000, description="First-stage replications of the ranking.")
    max_replications: int = Field(200, ge=3, le=100_000, description="Most fresh replications per contender.")
    batch: int = Field(5, ge=1, le=1000, description="Fresh replications added per ranking step.")

    @model_validator(mode="after")
    def _n0(self) -> BudgetSpec:
        if self.n0 > self.max_replications:
            field_error(("n0",), f"n0 ({self.n0}) is above max_replications ({self.max_replications})")
        return self


class StudyFile(BaseModel):
    """A study file as written."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field("", description="What the study asks, for the report.")
    scenario: str = Field(min_length=1, description="The base scenario file, relative to the study file.")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="Seed of every candidate (default: the scenario's).")
    set: dict[str, Value] = Field({}, description="Overrides every candidate gets.")
    decide: dict[str, Any] = Field(description="Decision variables: a range {min:, max:, ...} or a list of choices.")
    maximise: Any = Field(None, description="KPI to maximise, {kpi:, statistic:, q:}, or a list of two.")
    minimise: Any = Field(None, description="KPI to minimise, {kpi:, statistic:, q:}, or a list of two.")
    constraints: list[str] = Field([], description="Conditions the chosen terms must meet.")
    selection: SelectionSpec = Field(SelectionSpec(), description="Indifference zone and confidence.")
    budget: BudgetSpec = Field(BudgetSpec(), description="Caps on the work.")

    @field_validator("decide")
    @classmethod
    def _decide(cls, value: dict) -> dict:
        if not value:
            raise ValueError("no decision variables; give dotted.path: {min:, max:} or [choices] under it")
        return value

    @model_validator(mode="after")
    def _objectives(self) -> StudyFile:
        n = len(_as_list(self.maximise)) + len(_as_list(self.minimise))
        if n == 0:
            field_error(("maximise",), "give one objective (maximise: KPI or minimise: KPI), or two for a front")
        if n > 2:
            field_error(("maximise" if self.maximise is not None else "minimise",), f"at most two objectives (got {n})")
        return self


def _as_list(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _choice_text(value: Any) -> str:
    """A choice as override text: a scalar as `sweep._scalar` writes it, a list or mapping as flow YAML."""
    if isinstance(value, list | dict):
        import json

        return json.dumps(value)  # JSON is YAML: the override reads it back as the same list
    return _scalar(value)


# -- what a study is -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Variable:
    """A decision variable: a path and either a range (`low`, `high`, `resolution`) or `choices`."""

    path: str
    low: float = 0.0
    high: float = 0.0
    resolution: float = 0.0
    integer: bool = False
    choices: tuple[str, ...] = ()  # override texts

    @property
    def continuous(self) -> bool:
        return not self.choices

    def snap(self, value: float) -> float:
        """The nearest value of the variable's grid (min + k x resolution, inside the range)."""
        k = round((value - self.low) / self.resolution)
        v = min(self.high, max(self.low, self.low + k * self.resolution))
        return float(round(v)) if self.integer else float(round(v, 10))

    def text(self, value: float | str) -> str:
        """A value as the override text."""
        if not self.continuous:
            return str(value)
        return str(int(value)) if self.integer or float(value).is_integer() else repr(float(value))

    @property
    def grid_size(self) -> int:
        """Values on the variable's grid at its resolution (a full grid's axis)."""
        if not self.continuous:
            return len(self.choices)
        return int(np.floor((self.high - self.low) / self.resolution + 1e-9)) + 1


@dataclass(frozen=True)
class Objective:
    """Maximise or minimise an indicator's mean or quantile."""

    kpi: str
    maximise: bool = True
    statistic: Literal["mean", "quantile"] = "mean"
    q: float | None = None

    def describe(self) -> str:
        what = f"P{round(100 * self.q)} of {self.kpi}" if self.statistic == "quantile" else f"mean {self.kpi}"
        return f"{'maximise' if self.maximise else 'minimise'} {what}"

    def value(self, values: np.ndarray) -> float:
        """The objective's statistic over replications."""
        return float(np.quantile(values, self.q) if self.statistic == "quantile" else np.mean(values))


Op = Literal["<=", ">=", "<", ">"]


@dataclass(frozen=True)
class Constraint:
    """A condition on an indicator: on its mean (`p_min` None) or on the probability of `op bound`.

    A date indicator's `bound` is in days since the scenario's start, as its values are.
    """

    text: str  # as written
    kpi: str
    op: Op
    bound: float
    p_min: float | None = None  # a chance constraint: P(kpi op bound) >= p_min

    @property
    def chance(self) -> bool:
        return self.p_min is not None

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Per replication, whether the condition `kpi op bound` holds."""
        ops = {"<=": np.less_equal, ">=": np.greater_equal, "<": np.less, ">": np.greater}
        return ops[self.op](values, self.bound)

    @property
    def sense(self) -> Literal["<=", ">="]:
        return "<=" if self.op in ("<=", "<") else ">="


@dataclass(frozen=True)
class Budget:
    """Caps on the work (see `BudgetSpec`)."""

    replications: int = 10
    candidates: int = 60
    contenders: int = 10
    n0: int = 10
    max_replications: int = 200
    batch: int = 5


@dataclass(frozen=True)
class Study:
    """A study read and checked: what to run, decide, optimise and require."""

    name: str
    scenario: Path
    variables: list[Variable]
    objectives: list[Objective]
    constraints: list[Constraint] = field(default_factory=list)
    overrides: tuple[str, ...] = ()
    seed: int | None = None
    delta: float | None = None
    confidence: float = 0.95
    budget: Budget = Budget()
    description: str = ""
    source: Path | None = None  # the study file

    @property
    def pareto(self) -> bool:
        return len(self.objectives) == 2

    def base(self) -> Scenario:
        """The base scenario with the study's fixed overrides."""
        return load(self.scenario, self.overrides)

    def scenario_at(self, point: dict[str, str]) -> Scenario:
        """The scenario of a candidate: the base, the study's overrides, then the point's (``path: text``).

        The base file is read and merged once per study; each candidate only applies its overrides
        to a copy and validates it.
        """
        data, marks = _base_data(self.scenario, self.overrides)
        data, marks = copy.deepcopy(data), dict(marks)
        apply_overrides(data, marks, [f"{k}={v}" for k, v in point.items()])
        return validate(data, marks, str(self.scenario))

    def kpis(self) -> list[str]:
        """The indicators the study reads (objectives first)."""
        return list(dict.fromkeys([o.kpi for o in self.objectives] + [c.kpi for c in self.constraints]))

    def full_grid(self) -> int:
        """Candidates of a full grid at every variable's resolution."""
        return int(np.prod([v.grid_size for v in self.variables]))

    def as_yaml_data(self) -> dict:
        """The study resolved (defaults filled in), as plain data for study.yaml."""
        out: dict[str, Any] = {"description": self.description, "scenario": str(self.scenario)}
        out["seed"] = self.seed
        out["set"] = dict(o.split("=", 1) for o in self.overrides)
        out["decide"] = {
            v.path: (
                list(v.choices)
                if v.choices
                else {"min": v.low, "max": v.high, "resolution": v.resolution, "integer": v.integer}
            )
            for v in self.variables
        }
        for o in self.objectives:
            key = "maximise" if o.maximise else "minimise"
            item: Any = o.kpi if o.statistic == "mean" else {"kpi": o.kpi, "statistic": o.statistic, "q": o.q}
            out.setdefault(key, []).append(item)
        out["constraints"] = [c.text for c in self.constraints]
        out["selection"] = {"delta": self.delta, "confidence": self.confidence}
        out["budget"] = vars(self.budget).copy()
        return out


@functools.lru_cache(maxsize=8)
def _base_data(path: Path, overrides: tuple[str, ...]) -> tuple[dict, Marks]:
    data, marks = read_extended(read_text(path), str(path))
    apply_overrides(data, marks, overrides)
    return data, marks


# -- constraints ---------------------------------------------------------------------------------
_NUMBER = r"[-+]?[0-9][0-9_,]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
_CHANCE = re.compile(
    r"^P\s*\(\s*(?P<kpi>[\w.]+)\s*(?P<op><=|>=|<|>)\s*(?P<value>[^()]+?)\s*\)\s*(?P<pop><=|>=|<|>|==?)\s*(?P<p>\S+)$"
)
_MEAN = re.compile(r"^(?:mean\s*\(\s*(?P<kpi>[\w.]+)\s*\)|(?P<bare>[\w.]+))\s*(?P<op><=|>=|<|>|==?)\s*(?P<value>.+)$")
_EXAMPLES = "for example 'owner_units_lost <= 100000' or 'P(sop <= 2023-12-31) >= 0.7'"


def parse_constraint(text: str, known: Sequence[str], units: dict[str, str], start: dt.date) -> Constraint:
    """A constraint from its text; `known` are the scenario's indicator keys and `units` their units.

    Raises ValueError with the reason (bad syntax, unknown indicator, probability outside (0, 1)).
    """
    text = " ".join(str(text).split())
    if m := _CHANCE.match(text):
        kpi = _kpi(m["kpi"], known)
        if m["pop"] not in ("<=", ">="):
            raise ValueError(f"'{text}': a probability is bounded with >= or <= (got {m['pop']})")
        try:
            p = float(m["p"])
        except ValueError:
            raise ValueError(f"'{text}': the probability should be a number between 0 and 1 (got {m['p']})") from None
        if not 0 < p < 1:
            raise ValueError(f"'{text}': the probability should lie strictly between 0 and 1 (got {m['p']})")
        op, bound = _bound(m["op"], m["value"], kpi, units, start, text)
        if m["pop"] == "<=":  # P(A) <= p is P(not A) >= 1 - p
            op = {"<=": ">", "<": ">=", ">=": "<", ">": "<="}[op]
            p = 1 - p
        return Constraint(text, kpi, op, bound, p)
    if m := _MEAN.match(text):
        kpi = _kpi(m["kpi"] or m["bare"], known)
        if m["op"] not in ("<=", ">="):
            raise ValueError(f"'{text}': bound a mean with <= or >= (got {m['op']})")
        if "(" in m["value"] or ")" in m["value"]:
            raise ValueError(f"'{text}' is not a constraint ({_EXAMPLES})")
        op, bound = _bound(m["op"], m["value"], kpi, units, start, text)
        return Constraint(text, kpi, op, bound)
    raise ValueError(f"'{text}' is not a constraint ({_EXAMPLES})")


def _kpi(name: str, known: Sequence[str]) -> str:
    key = ALIASES.get(name, name)
    if key in known:
        return key
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    if not close and key.split(".")[0] in {k.split("{")[0].rstrip("._") for k in INDICATORS}:
        guess = " for this scenario"
    plain = [k for k in known if "." not in k]
    families = list(dict.fromkeys(k.split(".", 1)[0] for k in known if "." in k))
    listed = ", ".join(plain) + (f"; per brand or line: {', '.join(f + '.NAME' for f in families)}" if families else "")
    raise ValueError(f"unknown KPI '{name}'{guess}{'' if close else '.'} Expected one of: {listed}.")


def _bound(op: str, value: str, kpi: str, units: dict[str, str], start: dt.date, text: str) -> tuple[Op, float]:
    value = value.strip()
    if units.get(kpi) == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{text}': {kpi} is a date; compare it with a date YYYY-MM-DD (got {value})") from None
        days = float((day - start).days)
        # On or before a day is before its end; after it is from the next day on.
        return {"<=": ("<", days + 1), "<": ("<", days), ">=": (">=", days), ">": (">=", days + 1)}[op]  # type: ignore[return-value]
    if not re.fullmatch(_NUMBER, value):
        raise ValueError(f"'{text}': the bound should be a number (got {value})")
    return op, float(value.replace("_", "").replace(",", ""))  # type: ignore[return-value]


# -- reading a study file ------------------------------------------------------------------------
def load_study(path: str | Path, extra_overrides: Sequence[str] = ()) -> Study:
    """Read and check a study file; problems (`StudyError`) name the file, line and field.

    `extra_overrides` (``path=value``, the command line's ``--set``) apply after the file's ``set:``.
    """
    path = Path(path)
    source = str(path)
    try:
        text = read_text(path)
    except ScenarioError as exc:
        raise StudyError([str(p).replace("scenario", "study") for p in exc.problems]) from None
    if not any(line.strip() and not line.lstrip().startswith(("#", "---")) for line in text.splitlines()):
        raise StudyError([f"{source}: is empty; a study file needs scenario:, decide: and maximise: or minimise:"])
    try:
        data, marks = read_yaml(text, source)
    except ScenarioError as exc:
        msgs = [str(p) for p in exc.problems]
        raise StudyError(
            [re.sub(r"sections \(meta:.*\)$", "keys (scenario:, decide:, ...)", m) for m in msgs]
        ) from None
    try:
        spec = StudyFile.model_validate(data)
    except ValidationError as exc:
        raise StudyError([str(p) for p in _problems(exc, data, marks, source, _known)]) from None
    scenario = Path(os.path.normpath(path.parent / spec.scenario))
    if not scenario.is_file():
        message = f"no scenario file {spec.scenario} (looked for {scenario}: the path is relative to the study file)"
        raise StudyError([_at(marks, ("scenario",), source, message)])
    overrides = (*(f"{k}={v}" for k, v in spec.set.items()), *extra_overrides)
    try:
        base = load(scenario, overrides)
    except ScenarioError as exc:
        raise StudyError(
            [_set_problem(p, marks, source, "set") if _in_file(p, spec.set) else str(p) for p in exc.problems]
        ) from None
    variables, problems, seen = _variables(spec, scenario, overrides, data, marks, source)
    # A KPI of the base or of any range's end or choice (a take-or-pay minimum the study decides makes
    # take_or_pay_rmb an indicator, though the base has none).
    known = list(dict.fromkeys(k for s in (base, *seen) for k in keys(s)))
    units = {k: u for s in (base, *seen) for k, u in _units(s).items()}
    objectives = []
    for key in ("maximise", "minimise"):
        items = _as_list(getattr(spec, key))
        for i, item in enumerate(items):
            loc = (key, i) if isinstance(getattr(spec, key), list) else (key,)
            if not isinstance(item, str | dict):
                problems.append(
                    _at(marks, loc, source, f"should be a KPI key or {{kpi:, statistic:, q:}} (got {item!r})")
                )
                continue
            try:
                obj = ObjectiveSpec.model_validate({"kpi": item} if isinstance(item, str) else item)
            except ValidationError as exc:
                problems += [
                    _at(
                        marks,
                        (*loc, *_data_loc(data, (*loc, *err["loc"]))[len(loc) :]),
                        source,
                        _message(err, ObjectiveSpec),
                    )
                    for err in exc.errors()
                ]
                continue
            try:
                kpi = _kpi(obj.kpi, known)
            except ValueError as exc:
                problems.append(_at(marks, loc, source, str(exc)))
                continue
            objectives.append(Objective(kpi, key == "maximise", obj.statistic, obj.q))
    constraints = []
    for i, text in enumerate(spec.constraints):
        try:
            constraints.append(parse_constraint(text, known, units, base.meta.start_date))
        except ValueError as exc:
            problems.append(_at(marks, ("constraints", i), source, str(exc)))
    if problems:
        raise StudyError(problems)
    return Study(
        name=path.stem,
        scenario=scenario,
        variables=variables,
        objectives=objectives,
        constraints=constraints,
        overrides=overrides,
        seed=spec.seed,
        delta=spec.selection.delta,
        confidence=spec.selection.confidence,
        budget=Budget(**spec.budget.model_dump()),
        description=spec.description,
        source=path,
    )


def _variables(
    spec: StudyFile, scenario: Path, overrides: tuple[str, ...], data: dict, marks: Marks, source: str
) -> tuple[list[Variable], list[str], list[Scenario]]:
    """The decision variables, each range's ends and each choice checked against the scenario; the
    problems found; and the scenarios loaded on the way."""
    out: list[Variable] = []
    problems: list[str] = []
    seen: list[Scenario] = []
    for path, value in spec.decide.items():
        loc = ("decide", path)
        if isinstance(value, list):
            texts = [_choice_text(v) for v in value]
            if len(texts) < 2 or len(set(texts)) < len(texts):
                why = "a choice is given twice" if len(texts) >= 2 else f"give at least two choices (got {len(texts)})"
                problems.append(_at(marks, loc, source, why))
                continue
            var = Variable(path, choices=tuple(texts))
            tries = list(var.choices)
        elif not isinstance(value, dict):
            why = f"give a range {{min:, max:, resolution:}} or a list of choices (got {value!r})"
            problems.append(_at(marks, loc, source, why))
            continue
        else:
            try:
                value = RangeSpec.model_validate(value)
            except ValidationError as exc:
                problems += [
                    _at(marks, (*loc, *_data_loc(data, err["loc"])), source, _message(err, RangeSpec))
                    for err in exc.errors()
                ]
                continue
            resolution = value.resolution or (1.0 if value.integer else (value.max - value.min) / 100)
            var = Variable(path, value.min, value.max, resolution, value.integer)
            tries = [var.text(value.min), var.text(value.max)]
        for text in tries:
            try:
                seen.append(load(scenario, [*overrides, f"{path}={text}"]))
            except ScenarioError as exc:
                problems += [_set_problem(p, marks, source, "decide", path, text) for p in exc.problems]
                break
        out.append(var)
    return out, list(dict.fromkeys(problems)), seen


def _message(err: Any, model: type[BaseModel]) -> str:
    """A pydantic error of a nested spec as a sentence."""
    if err["type"] == "extra_forbidden":
        return unknown_field(str(err["loc"][-1]), list(model.model_fields))
    if err["type"] == "missing":
        return f"missing required field '{err['loc'][-1]}'"
    message = err["msg"].removeprefix("Value error, ")
    if not isinstance(err.get("input"), dict | list):
        message += f" (got {_show(err.get('input'))})"
    return message


def _set_problem(p: Problem, marks: Marks, source: str, section: str, path: str = "", text: str = "") -> str:
    """A scenario problem met while applying the study's overrides, placed at the study's line."""
    if p.file != "--set":
        return str(p)
    at = p.path.split(":")[0] if p.path else path
    loc = (section, at) if (section, at) in marks else (section, path) if path else (section,)
    return _at(marks, loc, source, f"{p.message} (with {path}={text})" if text else p.message)


def _in_file(p: Problem, written: dict) -> bool:
    """Whether an override problem is about the study's own ``set:`` (else the command line's)."""
    return p.file != "--set" or any(p.path.startswith(path) for path in written)


def _at(marks: Marks, loc: tuple, source: str, message: str) -> str:
    mark = marks.get((*loc, "<key>")) or _nearest_mark(marks, loc)
    file, line, col = mark or (source, 0, 0)
    return str(Problem(file, line, col, _dotted(loc), message))


def _known(loc: tuple) -> list[str]:
    """The fields allowed at `loc` of a study file (for "did you mean")."""
    models = {"selection": SelectionSpec, "budget": BudgetSpec}
    if loc[:1] in (("maximise",), ("minimise",)):
        return list(ObjectiveSpec.model_fields)
    model = models.get(str(loc[0])) if loc else None
    return list((model or StudyFile).model_fields)


def _units(scenario: Scenario) -> dict[str, str]:
    """Each indicator key's unit, without running."""
    from sim.results.indicators import applicable

    return {key: ind.unit for key, ind, _ in applicable(scenario)}
