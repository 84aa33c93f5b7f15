"""The fast engine agrees statistically with the slow reference simulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from umbrella.engine import simulate
from umbrella.scenario import parse_scenario
from umbrella.scenario import reference as refsim
from umbrella.scenario.compile import compile_raid

SMALL = (Path(__file__).parent / "fixtures" / "small_layered.toml").read_text()


@pytest.mark.slow
def test_fast_engine_agrees_with_reference_simulation() -> None:
    scenario = parse_scenario(SMALL)
    n_ref, n_fast = 60, 4000
    ref_fates, ref_fired, ref_types, ref_used = refsim.reference_simulate(scenario, n_ref, seed=3)
    res = simulate(compile_raid(scenario), n_fast, seed=3)
    assert list(res.raid.type_names) == ref_types
    assert list(res.raid.interceptor_names) == ref_used
    fast = res.fates_by_type
    for k, name in enumerate(ref_types):
        launched = fast[0, k].sum()
        for f in range(4):
            a, b = fast[:, k, f].astype(float), ref_fates[:, k, f].astype(float)
            se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
            # Statistical tolerance plus the reference's 1 s clock (decisions on ticks).
            tol = 4 * se + 0.03 * launched
            assert abs(a.mean() - b.mean()) <= tol, (name, refsim.FATES[f], a.mean(), b.mean(), tol)
    for i, name in enumerate(ref_used):
        a, b = res.fired[:, i].astype(float), ref_fired[:, i].astype(float)
        se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        assert abs(a.mean() - b.mean()) <= 4 * se + 0.05 * max(a.mean(), 1.0), (
            name,
            a.mean(),
            b.mean(),
        )
