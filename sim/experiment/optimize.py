"""Optimising contract terms: the result of a study, and the search that produces it.

A study (`sim.experiment.study`) names decision variables, one objective or two, and
constraints. `optimize` answers it in three steps, every candidate on common random numbers
(the same seed and the same replication indices, so differences between candidates are the
terms', not the dice's):

1. search: a coarse design (5 levels per continuous variable x every choice, or a Latin
   hypercube when that is too many), a few replications each (``budget.replications``); then a
   pattern search around the incumbent (the best candidate not shown infeasible), polling each
   continuous variable at +-step and the other choices, halving the step when nothing improves,
   down to the stated resolution (`sim.experiment.search`);
2. selection: the best few candidates (``budget.contenders``) ranked by Kim & Nelson's procedure
   (`sim.experiment.selection.select_best`) on fresh replications (indices after the search's,
   still common to every candidate), so the result states "best within delta with probability
   >= confidence";
3. feasibility of the chosen terms on those fresh replications, each constraint judged at the
   confidence (`mean_feasible`, `chance_feasible`), and the objective's sensitivity around them.

With two objectives the result is the Pareto front of non-dominated candidates, each
re-estimated on fresh replications with its intervals.

Candidates that differ only in terms the model never reads (`MONEY_ONLY`: the fee, one-off
payments, take-or-pay minimum, shortfall penalty, discount rate) share one simulation: money is
computed from a run's arrays when it is read (`Results.money`), so a run revalued with another
candidate's scenario (`dataclasses.replace(results, scenario=...)`) gives exactly what its own
simulation would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from sim.experiment.study import Constraint, Objective, Study, Variable
from sim.results.table import Table

if TYPE_CHECKING:
    from sim.experiment.selection import Feasibility, Selection

#: Contract terms the model never reads: they change only the money computed from a run's arrays.
#: (tests/experiment/test_optimize.py checks that changing them leaves every array bit-identical.)
MONEY_ONLY = (
    "fee_rmb_per_unit",
    "payments",
    "minimum_units_per_year",
    "shortfall_penalty_rmb_per_unit",
    "discount_rate_per_year",
)

Stage = Literal["coarse", "refine", "sensitivity"]


@dataclass(frozen=True)
class Estimate:
    """A statistic of one indicator over a candidate's replications, with its two-sided interval."""

    statistic: str  # "mean" or "P10", "P50", ... (a quantile objective)
    value: float
    low: float
    high: float
    n: int  # replications


@dataclass
class Candidate:
    """One set of decision values, evaluated.

    `values` holds each decision variable's value by path (a float for a range, the choice's
    text for a list of choices); `point` the same as override texts. `search` estimates come
    from the search's replications (0 .. budget.replications - 1); `fresh` ones from the
    replications after them that the ranking (or the Pareto front) gave it, empty if none.
    """

    id: int  # 1-based, in the order evaluated
    values: dict[str, float | str]
    point: dict[str, str]
    stage: Stage
    simulation: int  # id of the candidate whose simulation it shares (itself when it was simulated)
    replications: int = 0  # search replications
    fresh_replications: int = 0  # replications of the ranking / the front's re-estimation
    objectives: list[Estimate] = field(default_factory=list)  # per objective, on the search replications
    kpis: dict[str, Estimate] = field(default_factory=dict)  # mean of every KPI the study reads (search)
    verdicts: list[Feasibility] = field(default_factory=list)  # per constraint, on the search replications
    fresh_objectives: list[Estimate] = field(default_factory=list)  # per objective, on fresh replications
    fresh_verdicts: list[Feasibility] = field(default_factory=list)  # per constraint, on fresh replications
    contender: bool = False  # ranked on fresh replications (or re-estimated on the front)

    @property
    def infeasible(self) -> bool:
        """Shown infeasible by some constraint (on fresh replications when it has them)."""
        return any(v.verdict == "infeasible" for v in (self.fresh_verdicts or self.verdicts))

    @property
    def feasible(self) -> bool:
        """Every constraint shown feasible (on fresh replications when it has them)."""
        return all(v.verdict == "feasible" for v in (self.fresh_verdicts or self.verdicts))

    def objective(self, k: int = 0) -> Estimate:
        """Objective `k`'s best estimate: on fresh replications when it has them."""
        return (self.fresh_objectives or self.objectives)[k]

    def label(self) -> str:
        """The decision values in a line, e.g. 'contract.reserved_share=0.3, contract.policy=proportional'."""
        return ", ".join(f"{k}={v}" for k, v in self.point.items())


@dataclass(frozen=True)
class Sensitivity:
    """The objective at a neighbour of the chosen terms (one variable moved), paired with the chosen's."""

    path: str
    value: float | str  # the neighbour's value of `path`
    candidate: int  # the neighbour's candidate id
    objective: float  # the neighbour's objective estimate (search replications)
    difference: float  # neighbour minus chosen, mean of paired differences (mean objectives)
    low: float  # 95% interval of the difference
    high: float


@dataclass
class StudyResult:
    """Everything `optimize` found, for the terminal, the study directory and the report.

    - `candidates`: every candidate evaluated, in order (ids from 1), with its stage, decision
      values, replications, per-KPI means and intervals, constraint verdicts and objective;
    - `contenders`: ids of the candidates ranked on fresh replications (the front's, with two
      objectives); `selection` the ranking (indices into `contenders`), None with two objectives
      or a quantile objective (ranked by estimate, no selection guarantee);
    - `chosen`: the recommended candidate (None with two objectives, or when nothing is feasible
      or undecided); `feasibility` its constraints judged on its fresh replications;
    - `front`: ids of the non-dominated candidates (two objectives), best first by the first;
    - `sensitivity`: the objective at the chosen terms' neighbours (each continuous variable
      one resolution step either side, each other choice);
    - `delta`: the indifference zone used and whether it was defaulted (`delta_defaulted`);
    - `simulated` / `replications`: distinct simulations and the replications actually run
      (money-only candidates run none of their own); `full_grid_candidates` and
      `full_grid_replications` what a full grid at every resolution with the same replications per
      candidate would have cost (search + the fresh replications the contenders got).
    """

    study: Study
    seed: int
    candidates: list[Candidate]
    contenders: list[int] = field(default_factory=list)
    selection: Selection | None = None
    chosen: Candidate | None = None
    feasibility: list[Feasibility] = field(default_factory=list)
    front: list[int] = field(default_factory=list)
    sensitivity: list[Sensitivity] = field(default_factory=list)
    delta: float = 0.0
    delta_defaulted: bool = False
    simulated: int = 0
    replications: int = 0
    full_grid_candidates: int = 0
    full_grid_replications: int = 0
    wall_seconds: float = 0.0
    units: dict[str, str] = field(default_factory=dict)  # KPI key -> unit ("RMB", "vehicles", "date", ...)
    labels: dict[str, str] = field(default_factory=dict)  # KPI key -> label

    @property
    def variables(self) -> list[Variable]:
        return self.study.variables

    @property
    def objectives(self) -> list[Objective]:
        return self.study.objectives

    @property
    def constraints(self) -> list[Constraint]:
        return self.study.constraints

    def candidate(self, id: int) -> Candidate:
        return self.candidates[id - 1]

    def table(self) -> Table:
        """One row per candidate: id, stage, decision values, replications, each objective's estimate
        and interval, each constraint's estimate and verdict (the search's, or the fresh one)."""
        cols: dict[str, list] = {"candidate": [], "stage": [], **{v.path: [] for v in self.variables}}
        cols |= {"replications": [], "fresh_replications": [], "shares_simulation_of": []}
        for k, o in enumerate(self.objectives):
            for part in ("", "_low", "_high"):
                cols[f"objective{k + 1}_{o.kpi}{part}"] = []
        for i in range(len(self.constraints)):
            cols[f"constraint{i + 1}_estimate"] = []
            cols[f"constraint{i + 1}_verdict"] = []
        cols |= {"contender": [], "chosen": [], "front": []}
        for c in self.candidates:
            row: dict = {"candidate": c.id, "stage": c.stage, **c.values}
            row |= {"replications": c.replications, "fresh_replications": c.fresh_replications}
            row["shares_simulation_of"] = "" if c.simulation == c.id else c.simulation
            for k, o in enumerate(self.objectives):
                e = c.objective(k)
                name = f"objective{k + 1}_{o.kpi}"
                row |= {name: e.value, f"{name}_low": e.low, f"{name}_high": e.high}
            for i, v in enumerate(c.fresh_verdicts or c.verdicts):
                row |= {f"constraint{i + 1}_estimate": v.estimate, f"constraint{i + 1}_verdict": v.verdict}
            row |= {"contender": c.contender, "chosen": self.chosen is not None and c.id == self.chosen.id}
            row["front"] = c.id in self.front
            for name in cols:
                cols[name].append(row.get(name, ""))
        return Table({k: np.array(v, dtype=object) for k, v in cols.items()})
