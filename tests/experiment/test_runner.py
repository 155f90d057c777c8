import numpy as np
import pytest

import sim
from sim.experiment import runner
from tests.conftest import DATA, build, small_data

ARRAYS = [
    "built",
    "demand",
    "lost",
    "scrap",
    "down_hours",
    "open_hours",
    "busy_hours",
    "milestone_start",
    "milestone_finish",
    "sop",
]


def test_same_seed_gives_identical_results(small):
    a, b = sim.run(small, replications=4), sim.run(small, replications=4)
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_a_replication_does_not_depend_on_how_many_run(small):
    few, many = sim.run(small, replications=2), sim.run(small, replications=5)
    for name in ARRAYS:
        assert np.array_equal(getattr(few, name), getattr(many, name)[:2]), name


def test_another_seed_draws_another_program(small):
    a, b = sim.run(small, replications=3, seed=1), sim.run(small, replications=3, seed=2)
    assert not np.array_equal(a.sop, b.sop)


def test_changing_the_policy_keeps_the_program_draws(small):
    # Common random numbers: the program stream is untouched by contract terms.
    other = build(small_data(), contract__policy="owner_first")
    assert np.array_equal(sim.run(small, replications=3).sop, sim.run(other, replications=3).sop)


def test_tables_are_tidy_and_consistent_with_the_arrays(small):
    r = sim.run(small, replications=3)
    products = r.table("products")
    built = products.where(metric="built", product="haval", replication=1)
    assert list(built.col("month")) == r.months
    assert np.array_equal(built.col("value"), r.built[1, 0])
    lines = r.table("lines").where(metric="utilisation", replication=0)
    assert np.allclose(lines.col("value"), r.busy_hours[0, 0] / r.open_hours[0, 0])
    assert len(r.table("program")) == 3 * 2
    assert len(r.table("replications")) == 3
    with pytest.raises(KeyError):
        r.table("nope")


def test_to_csv_writes_every_table(small, tmp_path):
    paths = sim.run(small, replications=2).to_csv(tmp_path)
    assert sorted(p.name for p in paths) == ["kpis.csv", "lines.csv", "products.csv", "program.csv", "replications.csv"]
    header = (tmp_path / "products.csv").read_text().splitlines()[0]
    assert header == "replication,month,product,brand,owner,metric,value"


def test_results_are_identical_for_one_and_two_workers():
    s = sim.load(DATA / "dynamics.yaml")
    one, two = sim.run(s, replications=6, workers=1), sim.run(s, replications=6, workers=2)
    for name in ARRAYS:
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
    for name in one.reference:
        assert np.array_equal(one.reference[name], two.reference[name]), name
    assert one.events == two.events


def test_workers_must_be_positive(small):
    with pytest.raises(ValueError, match="workers"):
        sim.run(small, replications=1, workers=0)


def test_a_worker_prepares_a_shipped_scenario_once_and_keeps_the_last_few(small, monkeypatch):
    prepared = []
    real = runner.Prepared.of
    monkeypatch.setattr(runner, "_received", {})
    monkeypatch.setattr(runner.Prepared, "of", lambda s: prepared.append(s) or real(s))
    shipment = runner.ship(small)
    first = runner.receive(shipment)
    assert runner.receive(runner.ship(small)) is first  # the same content: kept, by its digest
    assert len(prepared) == 1 and first.scenario == small
    others = [build(small_data(), contract__reserved_share=0.1 + 0.01 * k) for k in range(runner._KEEP)]
    for other in others:
        runner.receive(runner.ship(other))
    assert len(prepared) == 1 + runner._KEEP
    assert runner.receive(shipment) is not first  # the oldest was let go
    assert len(prepared) == 2 + runner._KEEP
    # A prepared scenario's replications are those of the scenario itself.
    a, b = runner._chunk(shipment, 3, "batch", [0, 1]), runner.replicate(small, 3, [0, 1])
    for x, y in zip(a, b, strict=True):
        assert all(np.array_equal(x.arrays[k], y.arrays[k]) for k in x.arrays)


def test_replications_are_stacked_in_their_rows_whatever_order_they_arrive_in(small):
    reps = runner.replicate(small, 5, [3, 4, 5])
    stack = runner.Stack(range(3, 6))
    for rep in reversed(reps):
        stack.add(rep)
    with_stack = stack.results(small, 5)
    for key in reps[0].arrays:
        assert np.array_equal(getattr(with_stack, key), np.stack([r.arrays[key] for r in reps])), key
    for key in reps[0].reference:
        assert np.array_equal(with_stack.reference[key], np.stack([r.reference[key] for r in reps])), key
    assert with_stack.first == 3 and with_stack.events == sum(r.events for r in reps)
    half = runner.Stack(range(3, 6))
    half.add(reps[0])
    with pytest.raises(RuntimeError, match="1 of 3"):
        half.results(small, 5)


def test_replications_handed_on_are_not_also_kept(small):
    handed = []
    assert runner.replicate(small, 5, [0, 1], done=handed.append) == []
    assert [r.index for r in handed] == [0, 1]


def test_a_stage_of_small_jobs_is_packed_into_a_few_chunks_per_worker(monkeypatch):
    jobs = [(build(small_data(), contract__reserved_share=0.1 * k), [0, 1, 2]) for k in range(1, 7)]  # 18
    here = runner.run_many(jobs, 5)
    sent = []
    real = runner.completed

    def spy(work, chunks, args, *rest):
        sent.extend(chunks)
        return real(work, chunks, args, *rest)

    monkeypatch.setattr(runner, "completed", spy)
    pooled = runner.run_many(jobs, 5, workers=2)
    # 18 replications on 2 workers: chunks of ceil(18 / 16) = 2, a job's third replication in the next chunk.
    assert [[(j, idx) for j, _, idx in chunk] for chunk in sent[:3]] == [
        [(0, [0, 1])],
        [(0, [2]), (1, [0])],
        [(1, [1, 2])],
    ]
    assert sum(len(idx) for chunk in sent for _, _, idx in chunk) == 18 and len(sent) == 9
    for a, b in zip(here, pooled, strict=True):
        assert sorted(a) == sorted(b) == [0, 1, 2]
        for i in a:
            assert all(np.array_equal(a[i].arrays[k], b[i].arrays[k]) for k in a[i].arrays)


def test_chunks_are_a_few_per_worker_and_never_large():
    assert runner.chunk_size(100, 2) == 7  # ceil(100 / 16)
    assert runner.chunk_size(3, 4) == 1
    # 10,000 replications on 2 workers: not 625 a chunk (their results come back whole).
    assert runner.chunk_size(10_000, 2) == runner.MOST_PER_CHUNK == 64
