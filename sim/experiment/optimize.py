"""Optimising contract terms: the result of a study, and the search that produces it.

A study (`sim.experiment.study`) names decision variables, one objective or two, and
constraints. `optimize` answers it in three steps, every candidate on common random numbers
(the same seed and the same replication indices, so differences between candidates are the
terms', not the dice's):

1. search: a coarse design (5 levels per continuous variable x every choice, or a Latin
   hypercube when that is too many), a few replications each (``budget.replications``); then a
   pattern search around the incumbent (the best candidate meeting every constraint by its estimate), polling each
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

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from sim.experiment import search
from sim.experiment.replication import Replication
from sim.experiment.runner import assemble, run_many
from sim.experiment.selection import Feasibility, Selection, chance_feasible, mean_feasible, select_best
from sim.experiment.study import Constraint, Objective, Study, Variable
from sim.results.indicators import INDICATORS, applicable, items
from sim.results.kpis import iso
from sim.results.stats import mean_ci, quantile_ci
from sim.results.table import Table
from sim.scenario import Scenario

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


def money_only(path: str) -> bool:
    """Whether a decision path sets a term the model never reads (a `MONEY_ONLY` contract field)."""
    parts = path.replace("[", ".").split(".")
    return len(parts) >= 2 and parts[0] == "contract" and parts[1] in MONEY_ONLY


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
    def meets(self) -> bool:
        """Every constraint met by its point estimate (on fresh replications when it has them): what
        the search and the final choice require, whatever the confidence of the verdicts."""
        return all(_meets(v) for v in (self.fresh_verdicts or self.verdicts))

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
    full_grid_simulated_replications: int = 0  # the same grid when money-only terms share simulations
    wall_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the search had to decide that a reader should know
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

    def as_json(self) -> dict:
        """chosen.json: the chosen terms (or the front) with the objective, the ranking and every verdict."""
        start = self.study.base().meta.start_date

        def dated(kpi: str, values: dict, dates: bool = True) -> dict:
            """`values` with those in days since the start as ISO dates (a date indicator's)."""
            if not dates or self.units.get(kpi) != "date":
                return values
            return {k: iso(start, v) if k in ("value", "low", "high", "estimate") else v for k, v in values.items()}

        def terms(c: Candidate) -> dict:
            return {
                "candidate": c.id,
                "values": c.values,
                "objectives": [
                    {"kpi": o.kpi, "sense": "maximise" if o.maximise else "minimise"}
                    | dated(o.kpi, dataclasses.asdict(c.objective(k)))
                    for k, o in enumerate(self.objectives)
                ],
                "constraints": [
                    dated(con.kpi, {"constraint": con.text, "verdict": v.verdict, "estimate": v.estimate,
                                    "low": v.low, "high": v.high, "replications": v.n,
                                    "confidence": v.confidence}, not con.chance)
                    for con, v in zip(self.constraints, c.fresh_verdicts or c.verdicts, strict=True)
                ],
            }  # fmt: skip

        out: dict[str, Any] = {"study": self.study.name, "seed": self.seed}
        out["chosen"] = terms(self.chosen) if self.chosen is not None else None
        if self.selection is not None:
            s = self.selection
            out["selection"] = {
                "procedure": "Kim-Nelson (2001) KN",
                "statement": s.statement(lambda i: f"candidate {self.contenders[i]}"),
                "delta": self.delta,
                "delta_defaulted": self.delta_defaulted,
                "confidence": s.confidence,
                "finished": s.finished,
                "selected": self.contenders[s.best],  # the chosen may differ: see notes
                "contenders": self.contenders,
                "survivors": [self.contenders[i] for i in s.survivors],
                "replications": s.replications,
            }
        if self.study.pareto:
            out["front"] = [terms(self.candidate(i)) for i in self.front]
        out["sensitivity"] = [dataclasses.asdict(x) for x in self.sensitivity]
        out["effort"] = {
            "candidates": len(self.candidates),
            "simulations": self.simulated,
            "replications": self.replications,
            "full_grid_candidates": self.full_grid_candidates,
            "full_grid_replications": self.full_grid_replications,
            "full_grid_simulated_replications": self.full_grid_simulated_replications,
            "wall_seconds": round(self.wall_seconds, 3),
        }
        out["notes"] = self.notes
        return out

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

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write ``candidates.csv`` (`table`) in `directory`, a date indicator's values as ISO dates."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        table = self.table()
        start = self.study.base().meta.start_date
        dated = [f"objective{k + 1}_{o.kpi}{part}" for k, o in enumerate(self.objectives)
                 for part in ("", "_low", "_high") if self.units.get(o.kpi) == "date"]  # fmt: skip
        dated += [
            f"constraint{i + 1}_estimate"
            for i, con in enumerate(self.constraints)
            if self.units.get(con.kpi) == "date" and not con.chance
        ]
        for name in dated:
            table.columns[name] = np.array([iso(start, v) for v in table.col(name)], dtype=object)
        path = directory / "candidates.csv"
        table.to_csv(path)
        return [path]


def _meets(v: Feasibility) -> bool:
    return v.estimate >= v.bound if v.sense == ">=" else v.estimate <= v.bound


# -- running candidates ---------------------------------------------------------------------------
class Evaluator:
    """Runs candidates' replications on common random numbers and reads their KPIs.

    Candidates whose scenarios differ only in `MONEY_ONLY` terms share one simulation (the
    scenario with those terms at the base's values); each candidate's KPIs come from that
    simulation's arrays revalued with its own scenario. Every replication a stage needs runs
    in one pool (`run_many`), through the result cache when asked.
    """

    def __init__(
        self,
        study: Study,
        seed: int,
        progress: Callable[[int], None] | None = None,
        **run_options: Any,
    ):
        self.study = study
        self.seed = seed
        self.base = study.base()
        self.progress = progress
        self.run_options = run_options
        self.simulations: dict[str, Scenario] = {}  # simulation key -> the scenario simulated
        self.replications: dict[str, dict[int, Replication]] = {}
        self.first_user: dict[str, int] = {}  # simulation key -> the first candidate id that used it

    def simulated(self, scenario: Scenario) -> tuple[str, Scenario]:
        """The simulation a candidate's scenario needs: its money-only terms at the base's values."""
        if scenario.contract is not None and self.base.contract is not None:
            same = {name: getattr(self.base.contract, name) for name in MONEY_ONLY}
            scenario = scenario.model_copy(update={"contract": scenario.contract.model_copy(update=same)})
        return scenario.model_digest(), scenario

    def run(self, needs: Sequence[tuple[Scenario, range]]) -> None:
        """Make sure each (candidate scenario, replication indices) has its replications, in one pool."""
        wanted: dict[str, set[int]] = {}
        for scenario, indices in needs:
            key, simulated = self.simulated(scenario)
            self.simulations.setdefault(key, simulated)
            have = self.replications.setdefault(key, {})
            wanted.setdefault(key, set()).update(i for i in indices if i not in have)
        jobs = [(key, sorted(indices)) for key, indices in wanted.items() if indices]
        if not jobs:
            return
        done = run_many(
            [(self.simulations[key], indices) for key, indices in jobs], self.seed, self.progress, **self.run_options
        )
        for (key, _), reps in zip(jobs, done, strict=True):
            self.replications[key].update(reps)

    def values(self, scenario: Scenario, indices: range, kpis: Sequence[str]) -> dict[str, np.ndarray]:
        """Each KPI of `kpis` per replication of `indices` (already run), valued with `scenario`'s terms."""
        key, _ = self.simulated(scenario)
        reps = self.replications[key]
        results = assemble(self.simulations[key], self.seed, [reps[i] for i in indices])
        results = dataclasses.replace(results, scenario=scenario)  # money is computed from the scenario when read
        # Every indicator the study reads, even where a candidate's terms make it not apply (an NPV at
        # a zero discount rate, take-or-pay without a minimum): its value is then the plain one or 0.
        return {
            ind.key_of(item): ind.values(results, item)
            for ind in INDICATORS.values()
            for item in items(scenario, ind.over)
            if ind.key_of(item) in kpis
        }

    @property
    def replications_run(self) -> int:
        return sum(len(r) for r in self.replications.values())


# -- judging -----------------------------------------------------------------------------------------
def judge(constraint: Constraint, values: np.ndarray, confidence: float) -> Feasibility:
    """A constraint's verdict on per-replication values at `confidence`."""
    if constraint.chance:
        return chance_feasible(int(constraint.holds(values).sum()), len(values), constraint.p_min, confidence)
    if not np.isfinite(values).all():  # a date that never comes: its mean is beyond any bound
        inf = float(np.mean(values))
        verdict = "infeasible" if (inf > constraint.bound) == (constraint.sense == "<=") else "feasible"
        return Feasibility(inf, inf, inf, verdict, constraint.bound, constraint.sense, confidence, len(values),
                           "the mean", inf, inf)  # fmt: skip
    return mean_feasible(values, constraint.bound, constraint.sense, confidence)


def estimate(objective: Objective, values: np.ndarray) -> Estimate:
    """The objective's statistic over replications with its 95% interval."""
    if objective.statistic == "quantile":
        value, low, high = quantile_ci(values, objective.q)
        return Estimate(f"P{round(100 * objective.q)}", value, low, high, len(values))
    if not np.isfinite(values).all():
        m = float(np.mean(values))
        return Estimate("mean", m, m, m, len(values))
    value, low, high = mean_ci(values)
    return Estimate("mean", value, low, high, len(values))


# -- the optimiser -----------------------------------------------------------------------------------
def optimize(
    study: Study,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    **run_options: Any,
) -> StudyResult:
    """Answer `study`: the best feasible terms (one objective) or the Pareto front (two).

    `seed` defaults to the study's, else the scenario's; `progress` is called with the number of
    replications finished; `run_options` (fidelity, workers, executor, scheduler, cache) go to
    `sim.experiment.runner.run_many`. The same seed gives bit-identical results whatever the workers.
    """
    began = time.perf_counter()
    base = study.base()
    seed = study.seed if seed is None else seed
    seed = base.meta.seed if seed is None else seed
    ev = Evaluator(study, seed, progress, **run_options)
    optimiser = _Optimiser(study, ev)
    result = optimiser.answer()
    result.wall_seconds = time.perf_counter() - began
    return result


class _Optimiser:
    """The state of one optimisation: candidates by decision values, and the steps that add to them."""

    def __init__(self, study: Study, ev: Evaluator):
        self.study = study
        self.ev = ev
        self.n = study.budget.replications
        self.candidates: list[Candidate] = []
        self.scenarios: dict[int, Scenario] = {}
        self.by_key: dict[tuple, Candidate] = {}
        self.signs = [1.0 if o.maximise else -1.0 for o in study.objectives]
        self.notes: list[str] = []
        ind = {key: ind for key, ind, _ in applicable(ev.base)}
        self.units = {k: ind[k].unit for k in study.kpis() if k in ind}
        labels = {key: ind.label_of(ev.base, item) for key, ind, item in applicable(ev.base)}
        self.labels = {k: labels[k] for k in study.kpis() if k in labels}

    # -- candidates
    def evaluate(self, points: Sequence[search.Values], stage: Stage) -> list[Candidate]:
        """Evaluate the new ones of `points` on the search's replications, all in one pool."""
        variables = self.study.variables
        new: list[search.Values] = []
        for p in points:
            k = search.key(p, variables)
            if k not in self.by_key and all(search.key(q, variables) != k for q in new):
                new.append(p)
        # Money-only candidates share a simulation and cost nothing: the cap counts simulations.
        room = self.study.budget.candidates - len(self.ev.simulations)
        texts, scenarios, kept, keys = [], [], [], set()
        for p in new:
            text = {v.path: v.text(p[v.path]) for v in variables}
            scenario = self.study.scenario_at(text)
            key, _ = self.ev.simulated(scenario)
            if key not in self.ev.simulations and key not in keys:
                if stage != "sensitivity" and len(keys) >= room:
                    continue
                keys.add(key)
            kept.append(p)
            texts.append(text)
            scenarios.append(scenario)
        new = kept
        if not new:
            return []
        self.ev.run([(s, range(self.n)) for s in scenarios])
        out = []
        for p, text, scenario in zip(new, texts, scenarios, strict=True):
            cid = len(self.candidates) + 1
            key, _ = self.ev.simulated(scenario)
            shared = self.ev.first_user.setdefault(key, cid)
            c = Candidate(cid, dict(p), text, stage, shared, self.n)
            self.score(c, scenario, range(self.n), fresh=False)
            self.candidates.append(c)
            self.scenarios[cid] = scenario
            self.by_key[search.key(p, variables)] = c
            out.append(c)
        return out

    def score(self, c: Candidate, scenario: Scenario, indices: range, fresh: bool) -> None:
        """Fill `c`'s estimates and verdicts from replications `indices`."""
        study = self.study
        values = self.ev.values(scenario, indices, study.kpis())
        objectives = [estimate(o, values[o.kpi]) for o in study.objectives]
        verdicts = [judge(con, values[con.kpi], study.confidence) for con in study.constraints]
        if fresh:
            c.fresh_objectives, c.fresh_verdicts, c.fresh_replications = objectives, verdicts, len(indices)
        else:
            c.objectives, c.verdicts = objectives, verdicts
            c.kpis = {k: estimate(Objective(k), v) for k, v in values.items()}

    def rank(self, c: Candidate) -> tuple:
        """Smaller is better: meeting every constraint by its estimate first, then the (first)
        objective, then the earlier candidate."""
        return (not c.meets, -self.signs[0] * c.objective(0).value, c.id)

    # -- the answer
    def answer(self) -> StudyResult:
        study = self.study
        free = frozenset(v.path for v in study.variables if money_only(v.path))
        points, spacing = search.coarse(study.variables, study.budget.candidates, self.ev.seed, free)
        self.evaluate(points, "coarse")
        steps = search.first_steps(study.variables, spacing)
        if study.pareto:
            return self.pareto(steps)
        return self.single(steps)

    def result(self, **fields: Any) -> StudyResult:
        study = self.study
        grid = study.full_grid()
        money = [v for v in study.variables if money_only(v.path)]
        simulated_grid = grid // max(1, int(np.prod([v.grid_size for v in money])))
        per = max([self.n + c.fresh_replications for c in self.candidates if c.contender] or [self.n])
        return StudyResult(
            study=study,
            seed=self.ev.seed,
            candidates=self.candidates,
            simulated=len(self.ev.simulations),
            replications=self.ev.replications_run,
            full_grid_candidates=grid,
            full_grid_replications=grid * per,
            full_grid_simulated_replications=simulated_grid * per,
            units=self.units,
            labels=self.labels,
            notes=self.notes,
            **fields,
        )

    def single(self, steps: dict[str, float]) -> StudyResult:
        study, budget = self.study, self.study.budget
        incumbent = min(self.candidates, key=self.rank)
        while steps and len(self.ev.simulations) < budget.candidates:
            self.evaluate(search.neighbours(incumbent.values, study.variables, steps), "refine")
            best = min(self.candidates, key=self.rank)
            if best is not incumbent:
                incumbent = best
                continue
            if search.finest(steps, study.variables):
                break
            steps = search.halve(steps, study.variables)
        if steps and not search.finest(steps, study.variables):
            self.notes.append(
                f"the search stopped at its cap of {budget.candidates} simulated candidates before reaching every resolution"
            )
        hopeful = sorted((c for c in self.candidates if c.meets), key=self.rank)
        if not hopeful:
            self.notes.append("no candidate of the search meets every constraint: nothing is recommended")
            return self.result()
        contenders = hopeful[: budget.contenders]
        for c in contenders:
            c.contender = True
        objective = study.objectives[0]
        delta, defaulted = study.delta, study.delta is None
        if delta is None:
            delta = 0.01 * abs(contenders[0].objective(0).value) or 1.0
        scenarios = [self.scenarios[c.id] for c in contenders]
        fresh0 = self.n  # fresh replications come after the search's, common to every contender

        def draw(which: Sequence[int], start: int, stop: int) -> np.ndarray:
            indices = range(fresh0 + start, fresh0 + stop)
            self.ev.run([(scenarios[i], indices) for i in which])
            return np.array([self.ev.values(scenarios[i], indices, [objective.kpi])[objective.kpi] for i in which])

        selection = None
        if len(contenders) == 1:
            draw([0], 0, budget.n0)
            counts = [budget.n0]
            best = 0
        elif objective.statistic == "quantile":
            # Kim-Nelson ranks means; a quantile is ranked by its estimate on common fresh replications.
            n = min(max(budget.n0, 2 * self.n), budget.max_replications)
            draw(range(len(contenders)), 0, n)
            counts = [n] * len(contenders)
            best = -1
            self.notes.append(
                "a quantile objective is ranked by its estimate on fresh replications, without a selection guarantee"
            )
        elif not np.isfinite(draw(range(len(contenders)), 0, budget.n0)).all():
            # A mean that is infinite somewhere (an SOP that never comes) cannot be ranked by KN.
            counts, best = [budget.n0] * len(contenders), -1
            self.notes.append(
                "an objective infinite in some replications is ranked by its estimate, without a guarantee"
            )
        else:
            selection = select_best(
                draw,
                len(contenders),
                delta=delta,
                confidence=study.confidence,
                maximise=objective.maximise,
                n0=budget.n0,
                batch=budget.batch,
                max_replications=budget.max_replications,
            )
            counts, best = selection.replications, selection.best
        for c, scenario, k in zip(contenders, scenarios, counts, strict=True):
            self.score(c, scenario, range(fresh0, fresh0 + k), fresh=True)
        if best < 0:
            best = min(range(len(contenders)), key=lambda i: self.rank(contenders[i]))
        chosen = contenders[best]
        if not chosen.meets:
            others = [c for c in contenders if c.meets]
            if others:
                alternative = min(others, key=self.rank)
                self.notes.append(
                    f"the ranking's best, candidate {chosen.id}, misses a constraint on fresh replications; "
                    f"candidate {alternative.id} is the best of the others"
                )
                chosen = alternative
            else:
                self.notes.append("every contender misses a constraint on fresh replications: nothing is recommended")
                return self.result(contenders=[c.id for c in contenders], selection=selection, delta=delta,
                                   delta_defaulted=defaulted)  # fmt: skip
        if any(v.verdict == "undecided" for v in chosen.fresh_verdicts):
            # More fresh replications of the chosen terms, up to the cap, may settle the verdicts.
            more = max(budget.max_replications, chosen.fresh_replications)
            self.ev.run([(self.scenarios[chosen.id], range(fresh0, fresh0 + more))])
            self.score(chosen, self.scenarios[chosen.id], range(fresh0, fresh0 + more), fresh=True)
        sensitivity = self.sensitivity(chosen)
        return self.result(
            contenders=[c.id for c in contenders],
            selection=selection,
            chosen=chosen,
            feasibility=chosen.fresh_verdicts,
            sensitivity=sensitivity,
            delta=delta,
            delta_defaulted=defaulted,
        )

    def sensitivity(self, chosen: Candidate) -> list[Sensitivity]:
        """The objective one resolution step either side of each range, and at each other choice."""
        objective = self.study.objectives[0]
        self.evaluate(search.nearest(chosen.values, self.study.variables), "sensitivity")
        base = self.ev.values(self.scenarios[chosen.id], range(self.n), [objective.kpi])[objective.kpi]
        out = []
        for p in search.nearest(chosen.values, self.study.variables):
            c = self.by_key[search.key(p, self.study.variables)]
            values = self.ev.values(self.scenarios[c.id], range(self.n), [objective.kpi])[objective.kpi]
            path = next(v.path for v in self.study.variables if p[v.path] != chosen.values[v.path])
            d = values - base
            if objective.statistic == "mean" and np.isfinite(d).all():
                diff, low, high = mean_ci(d)
            else:
                diff = objective.value(values) - objective.value(base)
                low = high = float("nan")
            out.append(Sensitivity(path, p[path], c.id, c.objectives[0].value, diff, low, high))
        return out

    def pareto(self, steps: dict[str, float]) -> StudyResult:
        study, budget = self.study, self.study.budget

        def scores(cs: Sequence[Candidate], fresh: bool = False) -> list[list[float]]:
            return [
                [s * (c.fresh_objectives if fresh else c.objectives)[k].value for k, s in enumerate(self.signs)]
                for c in cs
            ]

        while steps and len(self.ev.simulations) < budget.candidates:
            hopeful = [c for c in self.candidates if c.meets]
            members = [hopeful[i] for i in search.front(scores(hopeful))]
            polls = [p for c in members for p in search.neighbours(c.values, study.variables, steps)]
            self.evaluate(polls, "refine")
            if search.finest(steps, study.variables):
                break
            steps = search.halve(steps, study.variables)
        free = frozenset(v.path for v in study.variables if money_only(v.path))
        if free:
            # Money-only terms cost no simulation: every simulation at every value of their grids (the
            # front's shape along them comes free).
            sims = [c for c in self.candidates if c.simulation == c.id]
            self.evaluate([p for c in sims for p in search.money_grid(c.values, study.variables, free, 50)], "refine")
        hopeful = [c for c in self.candidates if c.meets]
        if not hopeful:
            self.notes.append("no candidate of the search meets every constraint: there is no front")
            return self.result()
        members = [hopeful[i] for i in search.front(scores(hopeful))]
        members = [members[i] for i in search.spread(list(range(len(members))), scores(members), budget.contenders)]
        if len(members) < len([hopeful[i] for i in search.front(scores(hopeful))]):
            self.notes.append(f"the front is shown at {len(members)} evenly spaced candidates (budget.contenders)")
        fresh = range(self.n, self.n + budget.n0)
        self.ev.run([(self.scenarios[c.id], fresh) for c in members])
        for c in members:
            c.contender = True
            self.score(c, self.scenarios[c.id], fresh, fresh=True)
        # Terms at a constraint's edge may miss it on fresh replications by chance: only those shown
        # infeasible leave the front; the others keep their verdicts (undecided ones say so).
        standing = [c for c in members if not c.infeasible]
        front = [standing[i] for i in search.front(scores(standing, fresh=True))]
        front.sort(key=lambda c: -self.signs[0] * c.objective(0).value)
        return self.result(contenders=[c.id for c in members], front=[c.id for c in front])


def planned_replications(study: Study) -> int:
    """A typical count of the replications a study runs, for a progress bar's first length: the coarse
    design's simulations, a few polls per halving of each range's step, n0 fresh replications for a
    few distinct contenders and a top-up of the chosen terms' (money-only terms cost nothing)."""
    b = study.budget
    free = frozenset(v.path for v in study.variables if money_only(v.path))
    points, spacing = search.coarse(study.variables, b.candidates, study.seed or 0, free)
    costly = [v for v in study.variables if v.path not in free]
    simulations = len({tuple(p[v.path] for v in costly) for p in points})
    for v in costly:
        if v.continuous:
            simulations += 2 * (int(np.ceil(np.log2(max(spacing[v.path] / 2 / v.resolution, 1)))) + 2)
        else:
            simulations += len(v.choices)
    fresh = min(b.contenders, 4) * b.n0 + (b.max_replications if study.constraints else 0)
    return min(simulations, b.candidates) * b.replications + fresh
