"""Runs that keep only the counts by threat type and fate (what campaigns need) agree with runs
that keep every threat's record."""

from __future__ import annotations

from typing import Any

import numpy as np

from umbrella import compile_raid, simulate
from umbrella.scenario import Wave


def test_counts_without_per_threat_records_are_the_same(scenario_factory: Any) -> None:
    base = scenario_factory(count=10, p_kill=0.4)
    second = Wave(
        id="w2", type="slow2", count=6, launch=base.threats[0].launch, launch_window_h=(0.0, 0.5)
    )
    catalogue = base.catalogue.replace(
        threats={**base.catalogue.threats, "slow2": {"base": "slow", "damage": 0.2}}
    )
    raid = compile_raid(base.replace(threats=[*base.threats, second], catalogue=catalogue))
    active = np.array([[10, 6], [3, 1], [7, 0], [0, 2]])
    full = simulate(raid, 4, seed=9, wave_active=active)
    lean = simulate(raid, 4, seed=9, wave_active=active, per_threat=False)
    assert lean.fate.shape == (4, 0) and full.fate.shape == (4, raid.n_threats)
    np.testing.assert_array_equal(lean.fates_by_type, full.fates_by_type)
    for name in ("fired", "kills_unit", "hits", "damage"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(full, name))
    assert lean.summary() == full.summary()
    # The counts are those of the per-threat record, launched threats only.
    flown = full.fate >= 0
    assert flown.sum(axis=1).tolist() == active.sum(axis=1).tolist()
    for k in range(2):
        of_type = flown & (raid.threat_type[None, :] == k)
        for f in range(4):
            np.testing.assert_array_equal(
                full.fates_by_type[:, k, f], (of_type & (full.fate == f)).sum(axis=1)
            )
