"""Where a study looks: the coarse design, the pattern search's polls, and Pareto dominance.

Pure functions over decision values (a dict path -> float for a range, or the choice's text),
so the search's geometry is tested without simulating. Assumptions: a range's values lie on its
grid (min + k x resolution); the coarse design spans each range at `LEVELS` evenly spaced
values, or, when the full factorial of levels and choices would exceed half the candidate
budget, a Latin hypercube (one value in each of m equal strata of every range, strata paired at
random, choices drawn at random) from the study's seed, so the design is reproducible.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from sim.experiment.study import LEVELS, Variable

Values = dict[str, float | str]


def coarse(
    variables: Sequence[Variable], candidates: int, seed: int, free: frozenset[str] = frozenset()
) -> tuple[list[Values], dict[str, float]]:
    """The coarse design's points and the spacing of each range in it (the pattern search's first step).

    `candidates` caps the simulations; variables in `free` (money-only terms) cost none, so they
    do not count towards the factorial's size.
    """
    ranges = [v for v in variables if v.continuous]
    costly = [v for v in variables if v.path not in free]
    factorial = int(np.prod([LEVELS if v.continuous else len(v.choices) for v in costly]))
    if factorial <= max(candidates // 2, LEVELS):
        axes = [
            sorted({v.snap(x) for x in np.linspace(v.low, v.high, LEVELS)}) if v.continuous else list(v.choices)
            for v in variables
        ]
        points = [dict(zip([v.path for v in variables], combo, strict=True)) for combo in itertools.product(*axes)]
        return points, {v.path: (v.high - v.low) / (LEVELS - 1) for v in ranges}
    m = max(candidates // 2, 2)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31,)))  # not a replication's stream
    columns: dict[str, list] = {}
    for v in variables:
        if v.continuous:
            strata = (rng.permutation(m) + rng.random(m)) / m
            columns[v.path] = [v.snap(v.low + s * (v.high - v.low)) for s in strata]
        else:
            columns[v.path] = [v.choices[i] for i in rng.integers(len(v.choices), size=m)]
    points = [{path: columns[path][i] for path in columns} for i in range(m)]
    return _unique(points), {v.path: (v.high - v.low) / m for v in ranges}


def first_steps(variables: Sequence[Variable], spacing: dict[str, float]) -> dict[str, float]:
    """The pattern search's first step per range: half the coarse spacing, on the resolution's grid."""
    return {v.path: _on_grid(spacing[v.path] / 2, v) for v in variables if v.continuous}


def halve(steps: dict[str, float], variables: Sequence[Variable]) -> dict[str, float]:
    """Every step halved, never below its variable's resolution."""
    by = {v.path: v for v in variables}
    return {path: _on_grid(step / 2, by[path]) for path, step in steps.items()}


def finest(steps: dict[str, float], variables: Sequence[Variable]) -> bool:
    """Whether every step has reached its variable's resolution."""
    by = {v.path: v for v in variables}
    return all(step <= by[path].resolution * (1 + 1e-9) for path, step in steps.items())


def neighbours(point: Values, variables: Sequence[Variable], steps: dict[str, float]) -> list[Values]:
    """The polls around `point`: each range one step down and up (inside its range), each other choice."""
    out = []
    for v in variables:
        if v.continuous:
            for sign in (-1, 1):
                x = v.snap(float(point[v.path]) + sign * steps[v.path])
                if x != point[v.path]:
                    out.append({**point, v.path: x})
        else:
            out += [{**point, v.path: c} for c in v.choices if c != point[v.path]]
    return _unique(out)


def nearest(point: Values, variables: Sequence[Variable]) -> list[Values]:
    """The neighbours one resolution step away (each range down and up) and every other choice."""
    return neighbours(point, variables, {v.path: v.resolution for v in variables if v.continuous})


def money_grid(point: Values, variables: Sequence[Variable], free: frozenset[str], most: int = 200) -> list[Values]:
    """`point` at every value of its `free` (money-only) ranges' grids and choices: free to evaluate, as
    they share the point's simulation. At most `most` points (coarser steps of the grids beyond)."""
    axes = []
    for v in variables:
        if v.path not in free:
            axes.append([point[v.path]])
        elif v.continuous:
            axes.append([v.snap(x) for x in np.arange(v.low, v.high + v.resolution / 2, v.resolution)])
        else:
            axes.append(list(v.choices))
    while int(np.prod([len(a) for a in axes])) > most:
        longest = max(range(len(axes)), key=lambda i: len(axes[i]))
        axes[longest] = axes[longest][::2] + ([axes[longest][-1]] if len(axes[longest]) % 2 == 0 else [])
    return _unique([dict(zip([v.path for v in variables], combo, strict=True)) for combo in itertools.product(*axes)])


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether `a` is at least as good as `b` in every objective and better in one (larger is better)."""
    return all(x >= y for x, y in zip(a, b, strict=True)) and any(x > y for x, y in zip(a, b, strict=True))


def front(scores: Sequence[Sequence[float]]) -> list[int]:
    """Indices of the non-dominated scores (larger is better), in order; equal scores keep the first."""
    out = []
    for i, a in enumerate(scores):
        if not any(dominates(b, a) or (list(b) == list(a) and j < i) for j, b in enumerate(scores) if j != i):
            out.append(i)
    return out


def spread(indices: list[int], scores: Sequence[Sequence[float]], most: int) -> list[int]:
    """At most `most` of `indices`, evenly spaced along the first objective (both ends kept)."""
    ordered = sorted(indices, key=lambda i: scores[i][0])
    if len(ordered) <= most:
        return ordered
    picks = sorted({round(x) for x in np.linspace(0, len(ordered) - 1, most)})
    return [ordered[k] for k in picks]


def key(point: Values, variables: Sequence[Variable]) -> tuple:
    """A point's identity (its values in variable order)."""
    return tuple(point[v.path] for v in variables)


def _on_grid(step: float, v: Variable) -> float:
    return max(v.resolution, round(step / v.resolution) * v.resolution)


def _unique(points: list[Values]) -> list[Values]:
    seen: set = set()
    out = []
    for p in points:
        k = tuple(p.items())
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out
