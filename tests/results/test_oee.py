"""The OEE split against hand-computed answers."""

from __future__ import annotations

import numpy as np
import pytest

from sim.results.oee import oee, ratio


def test_oee_by_hand():
    # 100 open hours, 10 down, 60 JPH: 5,400 vehicles could start while up, 6,000 in all open hours.
    split = oee(open_hours=100, down_hours=10, good=4500, scrapped=500, jph=60)
    assert split.availability == pytest.approx(0.9)
    assert split.performance == pytest.approx(5000 / 5400)
    assert split.quality == pytest.approx(0.9)
    assert split.oee == pytest.approx(0.75)
    assert split.availability * split.performance * split.quality == pytest.approx(split.oee)


def test_a_zero_denominator_gives_zero():
    never_open = oee(open_hours=0, down_hours=0, good=0, scrapped=0, jph=60)
    assert tuple(never_open) == (0, 0, 0, 0)
    always_down = oee(open_hours=50, down_hours=50, good=0, scrapped=0, jph=60)
    assert (always_down.availability, always_down.performance, always_down.quality) == (0, 0, 0)


def test_arrays_broadcast_and_keep_their_shape():
    # (replication, line, month) hours against a rated speed per line.
    open_h = np.full((2, 3, 4), 100.0)
    jph = np.array([60.0, 30.0, 0.0])[None, :, None]
    split = oee(open_h, 10.0, 2700.0, 0.0, jph)
    assert all(a.shape == (2, 3, 4) for a in split)
    assert split.oee[0, :, 0] == pytest.approx([0.45, 0.9, 0.0])
    assert split.performance[1, :, 3] == pytest.approx([0.5, 1.0, 0.0])
    assert ratio([1.0, 2.0], [4.0, 0.0]) == pytest.approx([0.25, 0.0])
