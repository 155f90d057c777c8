"""The fluid line of shops in series against hand-computed and analytic answers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.flow import Flow, _regime, _regime3, flow


def test_no_breakdowns_runs_at_the_slowest_stage():
    f = flow([60, 40, 50], [[], [], []], [0, 0], [10, 10], 0, 100)
    assert f.processed[2] == pytest.approx(4000)
    # The fast first stage fills its buffer (10) then is blocked; the last is starved.
    assert f.levels[0] == pytest.approx(10)
    assert f.processed[0] == pytest.approx(4000 + 10)
    assert f.blocked[0] > 0 and f.starved[2] > 0


def test_a_full_buffer_carries_the_downstream_stage_through_an_upstream_breakdown():
    # Stage 1 down for 2 h; stage 2 drains a full buffer of 100 at 40/h: it lasts 2.5 h, no loss.
    f = flow([60, 40], [[(10, 12)], []], [100], [100], 0, 20)
    assert f.processed[1] == pytest.approx(40 * 20)
    # With only 50 in the buffer, stage 2 runs dry after 1.25 h and then waits 0.75 h.
    f = flow([60, 40], [[(10, 12)], []], [50], [50], 0, 20)
    assert f.processed[1] == pytest.approx(40 * 20 - 40 * 0.75)
    assert f.starved[1] == pytest.approx(0.75)


def test_without_buffer_a_breakdown_stops_the_whole_line():
    f = flow([40, 40], [[(5, 6)], [(8, 9)]], [0], [0], 0, 10)
    assert f.processed == pytest.approx([320, 320])


def _two_stage_throughput(buffer: float, seed: int = 1, hours: float = 20_000) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    downs = []
    for _ in range(2):
        t, out = 0.0, []
        while t < hours:
            t += rng.exponential(10)  # clock time = open time here
            r = rng.exponential(1.5)
            out.append((t, min(t + r, hours)))
            t += r
        downs.append([d for d in out if d[0] < hours])
    f = flow([50, 50], downs, [0], [buffer], 0, hours)
    up = [hours - sum(b - a for a, b in d) for d in downs]
    return f.processed[1] / hours, 50 * min(up) / hours, 50 * max(up) / hours


def test_throughput_rises_with_the_buffer_and_reaches_the_bottleneck_when_unlimited():
    results = [_two_stage_throughput(b)[0] for b in (0, 20, 100, 500, math.inf)]
    assert results == sorted(results)
    assert results[0] < results[-1]
    _, slowest, _ = _two_stage_throughput(math.inf)
    # Infinite buffer: the line makes exactly the bottleneck's effective output, less what the
    # downstream stage still owes at the end (its buffer content), which is tiny here.
    assert results[-1] == pytest.approx(slowest, rel=0.01)


@given(
    st.lists(st.floats(1, 100), min_size=2, max_size=4),
    st.floats(0, 200),
    st.integers(0, 10_000),
)
def test_never_faster_than_the_slowest_stage_and_conserves_vehicles(rates, buffer, seed):
    rng = np.random.default_rng(seed)
    downs = []
    for _ in rates:
        starts = np.sort(rng.uniform(0, 100, 3))
        downs.append([(a, a + 1.0) for a in starts[:1] if a + 1.0 < 100])
    levels = [0.0] * (len(rates) - 1)
    f = flow(rates, downs, levels, [buffer] * (len(rates) - 1), 0, 100)
    assert f.processed[-1] <= min(rates) * 100 + 1e-6
    for s in range(len(rates) - 1):
        assert f.processed[s] - f.processed[s + 1] == pytest.approx(f.levels[s], abs=1e-6)
        assert -1e-9 <= f.levels[s] <= buffer + 1e-9


INF = math.inf


def test_only_downtime_inside_the_interval_counts():
    # Open hours 100 to 110 at 60 JPH. Down 90-95 (before), 98-101 (over the start: down to
    # 101), 104-105 (inside) and 112-115 (after): 8 h up, 480 vehicles.
    f = flow([60], [[(90, 95), (98, 101), (104, 105), (112, 115)]], [], [], 100, 110)
    assert f.processed == [480.0] and f.starved == [0.0] and f.blocked == [0.0] and f.levels == []


def test_a_target_stops_a_stage_for_good():
    # 300 vehicles at 60 JPH: done after 5 h; a repair after that (8-9) does not restart it.
    assert flow([60], [[(8, 9)]], [], [], 0, 10, targets=[300]).processed == [300.0]
    # Down 2-3: 120 done by 2, the other 180 from 3 to 6; the interval ends at 6.5.
    assert flow([60], [[(2, 3)]], [], [], 0, 6.5, targets=[300]).processed == [300.0]
    # A target within rounding of nothing (1e-9) is done before it starts: nothing processed.
    assert flow([60], [[]], [], [], 0, 10, targets=[1e-9]).processed == [0.0]


def test_a_stage_that_met_its_target_starves_the_next():
    # 300 at 60 JPH take 5 h; the lane holds 100 then (60 - 40 = 20 an hour), which the 40-JPH
    # stage drains by 7.5 h; it then waits 2.5 h for input. A finished stage idles unrecorded.
    f = flow([60, 40], [[], []], [0], [INF], 0, 10, targets=[300, INF])
    assert f == Flow([300.0, 300.0], [0.0, 2.5], [0.0, 0.0], [0.0])


def test_each_stage_stops_at_its_own_target():
    # Stage 2 stops at 210 (5.25 h): 300 - 210 = 90 stay in the lane.
    f = flow([60, 40], [[], []], [0], [INF], 0, 10, targets=[300, 210])
    assert f == Flow([300.0, 210.0], [0.0, 0.0], [0.0, 0.0], [90.0])


def test_a_target_met_exactly_at_another_stages_breakdown():
    # Stage 1 meets its 300 at 5 h exactly when stage 2 fails (5-6). The lane holds 100 at 5 h
    # and 100 at 6 h, drained at 40 an hour by 8.5 h: stage 2 starves 1.5 h, builds 300.
    f = flow([60, 40], [[], [(5, 6)]], [0], [INF], 0, 10, targets=[300, INF])
    assert f == Flow([300.0, 300.0], [0.0, 1.5], [0.0, 0.0], [0.0])


def test_starved_and_blocked_hours_add_up_over_several_spells():
    # A full lane of 20 between two 40-JPH stages; stage 1 down 2-3 and 6-7. The lane lasts
    # 0.5 h of the first stop, then stays empty: stage 2 starves 0.5 + 1 h, builds 400 - 60.
    f = flow([40, 40], [[(2, 3), (6, 7)], []], [20], [20], 0, 10)
    assert f == Flow([320.0, 340.0], [0.0, 1.5], [0.0, 0.0], [0.0])
    # The mirror: an empty lane of 20, stage 2 down 2-3 and 6-7: stage 1 blocked 0.5 + 1 h.
    f = flow([40, 40], [[], [(2, 3), (6, 7)]], [0], [20], 0, 10)
    assert f == Flow([340.0, 320.0], [0.0, 0.0], [1.5, 0.0], [20.0])


def test_without_a_buffer_the_slower_stage_holds_the_faster():
    # 60 then 40 JPH, no buffer: both at 40; the first is blocked a third of 10 h.
    assert flow([60, 40], [[], []], [0], [0], 0, 10) == Flow(
        [400.0, 400.0], [0.0, 0.0], [pytest.approx(10 / 3), 0.0], [0.0]
    )
    # 40 then 60: the second is starved a third of the time.
    assert flow([40, 60], [[], []], [0], [0], 0, 10) == Flow(
        [400.0, 400.0], [0.0, pytest.approx(10 / 3)], [0.0, 0.0], [0.0]
    )


def test_scrapped_vehicles_do_not_feed_the_next_stage():
    # 60 JPH with half scrapped feed 30 good an hour to a 40-JPH stage: it runs at 30 and
    # starves 10 x (1 - 30/40) = 2.5 h.
    f = flow([60, 40], [[], []], [0], [10], 0, 10, [0.5, 1.0])
    assert f == Flow([600.0, 300.0], [0.0, 2.5], [0.0, 0.0], [0.0])
    # A full lane of 10 drains at 40 - 30 = 10 an hour: empty after 1 h, then 30 an hour.
    f = flow([60, 40], [[], []], [10], [10], 0, 10, [0.5, 1.0])
    assert f.processed == [600.0, 40 + 30 * 9] and f.starved == [0.0, 9 * 0.25] and f.levels == [0.0]
    # Into a full lane drained at 20: 40 started an hour pass 20; blocked 10 x (1 - 40/60).
    f = flow([60, 20], [[], []], [10], [10], 0, 10, [0.5, 1.0])
    assert f == Flow([400.0, 200.0], [0.0, 0.0], [pytest.approx(10 / 3), 0.0], [10.0])
    # The same over 9 h: the lane stays full throughout (held to 20 / 0.5 = 40 started an hour).
    f = flow([60, 20], [[], []], [10], [10], 0, 9, [0.5, 1.0])
    assert f == Flow([360.0, 180.0], [0.0, 0.0], [pytest.approx(3.0), 0.0], [10.0])


@pytest.mark.parametrize(
    ("rates", "levels", "good", "expected"),
    [
        # A lane of 2e-9 emptying at 20 an hour is empty: 40 an hour through, starved a third.
        ([40, 60], [2e-9], [1.0, 1.0], Flow([400.0, 400.0], [0.0, 10 / 3], [0.0, 0.0], [0.0])),
        # Within 2e-9 of full, filling: full; the first stage is held to 40 at once.
        ([60, 40], [10 - 2e-9], [1.0, 1.0], Flow([400.0, 400.0], [0.0, 0.0], [10 / 3, 0.0], [10.0])),
        # Emptying at 40 x 0.5 - 30 = -10 an hour: empty, 20 good an hour through.
        ([40, 30], [2e-9], [0.5, 1.0], Flow([400.0, 200.0], [0.0, 10 / 3], [0.0, 0.0], [0.0])),
    ],
)
def test_a_lane_within_rounding_of_a_bound_is_put_there(rates, levels, good, expected):
    f = flow(rates, [[], []], levels, [10], 0, 10, good)
    assert f.processed == expected.processed and f.levels == expected.levels
    assert f.starved == pytest.approx(expected.starved) and f.blocked == pytest.approx(expected.blocked)


def test_three_stages_each_lane_filling_and_emptying():
    # 40, 60, 30 JPH; lane 1 almost empty (2e-9: empty), lane 2 at 5 of 10. Stage 2 gets 40 an
    # hour and passes them to a lane drained at 30: full after 0.5 h; stage 2 then runs at 30
    # and lane 1 fills at 10 an hour: full at 1.5 h. Stage 3 builds 300, stage 2 305, stage 1 315.
    f = flow([40, 60, 30], [[], [], []], [2e-9, 5], [10, 10], 0, 10)
    assert f.processed == [315.0, 305.0, 300.0] and f.levels == [10.0, 10.0]
    # Stage 1 is blocked once lane 1 is full: 8.5 h x (1 - 30/40).
    assert f.blocked[0] == pytest.approx(8.5 * 0.25) and f.starved[0] == 0.0
    # 60, 60, 40 from an empty lane 1 and lane 2 at 5: lane 2 full at 0.25 h, lane 1 at 0.75 h.
    f = flow([60, 60, 40], [[], [], []], [0, 5], [10, 10], 0, 10)
    assert f.processed == [415.0, 405.0, 400.0] and f.levels == [10.0, 10.0]


def test_three_stages_draining_full_and_half_full_lanes():
    # 30, 60, 80 JPH; lane 1 at 5, lane 2 full at 10. Lane 1 empties after 5/30 h; lane 2 drains
    # at 20 then 50 an hour, empty at 0.3 h. Stage 3: 80 x 0.3 + 30 x 9.7 = 315.
    f = flow([30, 60, 80], [[], [], []], [5, 10], [10, 10], 0, 10)
    assert f.processed == pytest.approx([300.0, 305.0, 315.0]) and f.levels == [0.0, 0.0]
    assert f.starved == pytest.approx([0.0, (10 - 1 / 6) * 0.5, 9.7 * (1 - 30 / 80)]) and f.blocked == [0.0] * 3
    # 40, 60, 80 with lane 1 at 50 of 100 (draining at 20) and lane 2 empty: stage 3 gets 60.
    f = flow([40, 60, 80], [[], [], []], [50, 0], [100, 100], 0, 1)
    assert f == Flow([40.0, 60.0, 60.0], [0.0, 0.0, 0.25], [0.0, 0.0, 0.0], [30.0, 0.0])


def test_an_interval_that_starts_later_is_integrated_from_its_start():
    # Open hours 100 to 110; stage 1 at 60 down 104-105 feeds an unlimited lane to a 30-JPH stage.
    f = flow([60, 30], [[(104, 105)], []], [0], [INF], 100, 110)
    assert f == Flow([540.0, 300.0], [0.0, 0.0], [0.0, 0.0], [240.0])


def test_a_stage_held_by_its_full_lane_out_is_blocked_even_with_its_lane_in_empty():
    # 40, 60, 30 JPH; lane 1 empty, lane 2 full. Stage 2 runs at 30 (what stage 3 drains) while
    # 40 an hour reach its lane in, which fills: it waits for space, not for input. Blocked
    # 10 x (1 - 30/60) = 5 h, starved 0. (The code books 0.5 h of it as starved: the first hour,
    # while lane 1 is still empty at the start of the segment.)
    f = flow([40, 60, 30], [[], [], []], [0, 10], [10, 10], 0, 10)
    assert f.starved[1] == 0.0 and f.blocked[1] == pytest.approx(5.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(1, 100), st.floats(0.3, 1.0), st.floats(0, 2000)), min_size=2, max_size=4),
    st.floats(0, 50),
    st.integers(0, 10_000),
)
def test_lanes_conserve_good_vehicles_and_targets_are_never_passed(stages, buffer, seed):
    rng = np.random.default_rng(seed)
    rates, good, targets = ([s[k] for s in stages] for k in range(3))
    downs = [[(a, a + 2.0)] for a in rng.uniform(0, 18, len(stages))]  # each stage up 18 of 20 h
    levels = list(rng.uniform(0, buffer, len(stages) - 1))
    f = flow(rates, downs, levels, [buffer] * (len(stages) - 1), 0, 20, good, targets)
    for s in range(len(stages) - 1):
        # What a lane gained is what went in good less what came out.
        assert f.levels[s] - levels[s] == pytest.approx(f.processed[s] * good[s] - f.processed[s + 1], abs=1e-6)
        assert -1e-9 <= f.levels[s] <= buffer + 1e-9
    for s, (rate, _, target) in enumerate(stages):
        assert f.processed[s] <= target + 1e-9 and f.processed[s] <= rate * 18 + 1e-6
        # Idle for want of input or space never exceeds the up hours.
        assert 0 <= f.starved[s] + f.blocked[s] <= 18 + 1e-9


def test_a_middle_stage_between_an_empty_lane_and_a_full_one_is_starved_by_the_lower_limit():
    # 80, 80, 30 JPH with good shares 0.5, 0.5, 1; lane 1 empty, lane 2 full (10 of 10). Stage 2
    # may take 80 x 0.5 = 40 an hour from its empty lane in; its full lane out would let it pass
    # 30 / 0.5 = 60 an hour: input is the lower limit, so it runs at 40 and is starved, not
    # blocked. Lane 2 drains at 30 - 40 x 0.5 = 10 an hour: empty after 1 h; stage 3 then gets
    # 20 an hour. Stage 2 starved 10 x (1 - 40/80) = 5 h; stage 3 9 x (1 - 20/30) = 3 h and
    # builds 30 + 9 x 20 = 210; lane 1 stays empty (40 in, 40 out).
    f = flow([80, 80, 30], [[], [], []], [0, 10], [10, 10], 0, 10, [0.5, 0.5, 1.0])
    assert f.processed == pytest.approx([800.0, 400.0, 210.0]) and f.levels == pytest.approx([0.0, 0.0])
    assert f.starved == pytest.approx([0.0, 5.0, 3.0]) and f.blocked == [0.0, 0.0, 0.0]


def test_a_middle_stage_held_equally_by_both_lanes_counts_as_starved():
    # 30, 60, 30 JPH; lane 1 empty, lane 2 full: stage 2 may take 30 an hour in and pass 30 out,
    # a tie, which counts as starved: 10 x (1 - 30/60) = 5 h. Both lanes stay where they are.
    f = flow([30, 60, 30], [[], [], []], [0, 10], [10, 10], 0, 10)
    assert f == Flow([300.0, 300.0, 300.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.0], [0.0, 10.0])


def test_a_lane_within_eps_of_a_bound_is_at_it_for_the_idle_hours_too():
    # A lane at exactly 1e-9 (EPS) is empty for the rates and for the idle split: 40 an hour reach
    # the 60-JPH stage, starved 10 x (1 - 40/60) h, and the lane stays at 1e-9.
    f = flow([40, 60], [[], []], [1e-9], [10], 0, 10)
    assert f.processed == pytest.approx([400.0, 400.0]) and f.levels == [1e-9]
    assert f.starved == pytest.approx([0.0, 10 / 3]) and f.blocked == [0.0, 0.0]
    # The mirror: a lane at exactly 10 - 1e-9 of 10 is full: the 60-JPH stage is held to 40 from
    # the start, blocked 10 x (1 - 40/60) h, and the lane stays where it is.
    f = flow([60, 40], [[], []], [10 - 1e-9], [10], 0, 10)
    assert f.processed == pytest.approx([400.0, 400.0]) and f.levels == [10 - 1e-9]
    assert f.starved == [0.0, 0.0] and f.blocked == pytest.approx([10 / 3, 0.0])
    # 60, 80, 30 with lane 1 empty and lane 2 at exactly 10 - 1e-9 of 10 (full): stage 2 may take
    # 60 in but pass only 30 out, so it is blocked, 10 x (1 - 30/80) = 6.25 h, from the start.
    f = flow([60, 80, 30], [[], [], []], [0, 10 - 1e-9], [10, 10], 0, 10)
    assert f.processed == pytest.approx([310.0, 300.0, 300.0])
    assert f.starved == [0.0, 0.0, 0.0] and f.blocked == pytest.approx([(10 - 1 / 3) * 0.5, 6.25, 0.0])


def test_a_crumb_of_a_target_is_met_in_a_segment_shorter_than_eps():
    # 5e-8 vehicles (more than EPS, so not done before the start) at 60 JPH take 8.3e-10 h, less
    # than EPS: the segment still runs and the stage meets its target.
    f = flow([60], [[]], [], [], 0, 10, targets=[5e-8])
    assert f == Flow([5e-8], [0.0], [0.0], [])


def test_a_stage_done_with_its_plan_is_not_restarted_by_a_repair():
    # Two 60-JPH stages, both planned 300, done at 5 h; the second fails 8-9. Repaired at 9 it
    # stays stopped: no input comes (the first is done too), yet it idles for want of demand,
    # not of input: no starved hours.
    f = flow([60, 60], [[], [(8, 9)]], [0], [INF], 0, 10, targets=[300, 300])
    assert f == Flow([300.0, 300.0], [0.0, 0.0], [0.0, 0.0], [0.0])


def test_a_plan_met_hours_after_the_last_stop_ends_the_stage_there():
    # 60 then 40 JPH, a lane of 10, empty; stage 1 down 2-3; plans 300 and 280. The lane is full
    # at 0.5 h (stage 1 then held to 40), empty at 2.25 h (stage 2 starves 0.75 h), full again at
    # 3.5 h. Stage 2 meets its 280 at 7.75 h (80 + 10 + 40 x 4.75); stage 1 has 120 + 40 x 4.25
    # = 290 then, and stands behind the full lane to the end: blocked 1.5/3 + 4.25/3 + 2.25 h.
    f = flow([60, 40], [[(2, 3)], []], [0], [10], 0, 10, targets=[300, 280])
    assert f.processed == pytest.approx([290.0, 280.0]) and f.levels == pytest.approx([10.0])
    assert f.starved == pytest.approx([0.0, 0.75]) and f.blocked == pytest.approx([1.5 / 3 + 4.25 / 3 + 2.25, 0.0])


def reference_flow(
    rates: list[float],
    downs: list[list[tuple[float, float]]],
    levels: list[float],
    caps: list[float],
    t0: float,
    t1: float,
    good: list[float],
    targets: list[float],
) -> Flow:
    """The rule step by step, as first written: rates relaxed afresh and every lane and plan
    checked in every segment. The fast `flow` must agree with it."""
    eps = 1e-9
    n = len(rates)
    levels = list(levels)
    processed, starved, blocked = [0.0] * n, [0.0] * n, [0.0] * n
    done = [t <= eps for t in targets]
    cap = [0.0 if d else r for r, d in zip(rates, done, strict=True)]
    toggles = []
    for s, intervals in enumerate(downs):
        for a, b in intervals:
            if b <= t0 or a >= t1:
                continue
            if a <= t0:
                cap[s] = 0.0
            else:
                toggles.append((a, s, 0.0))
            if b < t1:
                toggles.append((b, s, rates[s]))
    toggles.sort()
    toggles.append((t1, -1, 0.0))

    def actual() -> list[float]:
        x = list(cap)
        for _ in range(n + 1):
            changed = False
            for s in range(1, n):
                if levels[s - 1] <= eps and x[s] > x[s - 1] * good[s - 1] + eps:
                    x[s], changed = x[s - 1] * good[s - 1], True
            for s in range(n - 2, -1, -1):
                if levels[s] >= caps[s] - eps and x[s] * good[s] > x[s + 1] + eps:
                    x[s], changed = x[s + 1] / good[s], True
            if not changed:
                break
        return x

    t = t0
    for edge, stage, value in toggles:
        while t < edge - eps:
            x = actual()
            dt, hit, finish = edge - t, -1, -1
            for s in range(n - 1):
                d = x[s] * good[s] - x[s + 1]
                if d < -eps and levels[s] / -d < dt:
                    dt, hit = levels[s] / -d, s
                elif d > eps and caps[s] < math.inf and (caps[s] - levels[s]) / d < dt:
                    dt, hit = (caps[s] - levels[s]) / d, s
            for s in range(n):
                if x[s] > eps and (targets[s] - processed[s]) / x[s] < dt:
                    dt, finish, hit = max(0.0, (targets[s] - processed[s]) / x[s]), s, -1
            if dt <= eps and hit >= 0:
                levels[hit] = 0.0 if x[hit] * good[hit] < x[hit + 1] else caps[hit]
                continue
            for s in range(n):
                processed[s] += x[s] * dt
                if x[s] < cap[s] - eps:
                    inflow = x[s - 1] * good[s - 1] if s > 0 and levels[s - 1] <= eps else math.inf
                    outflow = x[s + 1] / good[s] if s < n - 1 and levels[s] >= caps[s] - eps else math.inf
                    idle = starved if inflow < math.inf and inflow <= outflow else blocked
                    idle[s] += dt * (1 - x[s] / cap[s])
            for s in range(n - 1):
                levels[s] = min(max(levels[s] + (x[s] * good[s] - x[s + 1]) * dt, 0.0), caps[s])
            if finish >= 0:
                processed[finish] = targets[finish]
            for s in range(n):
                if not done[s] and targets[s] < math.inf and targets[s] - processed[s] <= eps * max(1.0, targets[s]):
                    processed[s], done[s], cap[s] = targets[s], True, 0.0
            t += dt
        t = max(t, edge)
        if stage >= 0 and not done[stage]:
            cap[stage] = value
    return Flow(processed, starved, blocked, levels)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_the_fast_flow_is_the_rule_step_by_step(n, seed):
    # Random routes: stages failing often (many edges per plan), lanes of none to unlimited,
    # scrap, plans met early, late or never, intervals not at 0.
    rng = np.random.default_rng(seed)
    rates = list(rng.choice([rng.uniform(5, 80), 40.0], n))
    good = [float(rng.choice([1.0, rng.uniform(0.5, 1.0)])) for _ in range(n)]
    caps = [float(rng.choice([0.0, rng.uniform(1, 60), math.inf])) for _ in range(n - 1)]
    tops = [min(c, 60.0) for c in caps]  # an unlimited lane starts with up to 60
    # Anywhere in the lane, at a bound, or within rounding of one (put there at once).
    levels = [float(rng.choice([0.0, top, rng.uniform(0, top), min(2e-9, top), max(top - 2e-9, 0.0)])) for top in tops]
    t0 = float(rng.choice([0.0, rng.uniform(0, 50)]))
    t1 = t0 + rng.uniform(0.5, 60)
    downs = []
    for _ in range(n):
        t, out = t0 - rng.uniform(0, 3), []
        while t < t1 + 2:
            a = t + rng.exponential(rng.choice([1.0, 8.0]))
            t = a + rng.exponential(0.5)
            out.append((float(a), float(t)))
        downs.append(out)
    targets = [float(rng.choice([math.inf, rng.uniform(0, 1) * r * (t1 - t0), 0.0])) for r in rates]
    f = flow(rates, downs, levels, caps, t0, t1, good, targets)
    ref = reference_flow(rates, downs, levels, caps, t0, t1, good, targets)
    for got, want in zip(
        (f.processed, f.starved, f.blocked, f.levels),
        (ref.processed, ref.starved, ref.blocked, ref.levels),
        strict=True,
    ):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_a_three_stage_regime_written_out_is_the_general_one_to_the_bit(seed):
    # Every regime key (3 stages running or not, 2 lanes empty, full, both or neither) on
    # random rates, scrap and lanes, some stages as fast as the next so ties come up.
    rng = np.random.default_rng(seed)
    rates = [float(r) for r in rng.choice([rng.uniform(1, 100), 40.0, 60.0], 3)]
    good = [float(rng.choice([1.0, 1.0000000000000002, rng.uniform(0.5, 1.0)])) for _ in range(3)]
    caps = [float(rng.choice([0.0, rng.uniform(1, 60), math.inf])) for _ in range(2)]
    starved, blocked = ["starved"], ["blocked"]  # told apart by value in the comparison
    for key in range(1 << 7):
        assert _regime3(key, rates, caps, good, starved, blocked) == _regime(key, rates, caps, good, starved, blocked)
