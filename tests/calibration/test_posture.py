"""The posture's parameters: the scenario change and the compiled-raid change agree exactly, and
each does what it says."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umbrella.calibration.emulator import _taps
from umbrella.calibration.posture import (
    DRONE_CLASS_INDEX,
    PostureValues,
    posture_raid,
    posture_scenario,
    scaled_probability,
)
from umbrella.engine import Raid
from umbrella.scenario import Scenario, dump_scenario, parse_scenario
from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.compile import compile_raid


def _same(a: Raid, b: Raid) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


VALUES = PostureValues(
    capability=0.37,
    frontline_capability=0.61,
    ew_scale=2.7,
    shahed_ew=0.08,
    pk_factor={"iskander_m": 0.8, "kh101": 0.15},
)


@pytest.mark.parametrize("name", ["tiny", "national"])
def test_raid_change_equals_compiling_the_changed_scenario(name: str, tiny: Scenario) -> None:
    scenario = tiny if name == "tiny" else load_bundled("national")
    direct = compile_raid(posture_scenario(scenario, VALUES))
    fast = posture_raid(
        compile_raid(scenario), VALUES, frozenset(scenario.calibration.frontline_interceptors)
    )  # type: ignore[union-attr]
    _same(direct, fast)
    # ... and the written file flies the same raid.
    again = compile_raid(parse_scenario(dump_scenario(posture_scenario(scenario, VALUES))))
    _same(direct, again)


def test_each_parameter_moves_its_own_numbers(tiny: Scenario) -> None:
    raid = compile_raid(tiny)
    new = posture_raid(raid, VALUES, frozenset({"mfg_burst_front"}))
    names = raid.interceptor_names
    front, deep = names.index("mfg_burst_front"), names.index("mfg_burst")
    p = raid.itype_pk[deep, DRONE_CLASS_INDEX]
    assert new.itype_pk[deep, DRONE_CLASS_INDEX] == pytest.approx(1 - (1 - p) ** 0.37)
    assert new.itype_pk[front, DRONE_CLASS_INDEX] == pytest.approx(1 - (1 - p) ** (0.37 * 0.61))
    # Missile columns and the other classes are untouched.
    np.testing.assert_array_equal(np.delete(new.itype_pk, DRONE_CLASS_INDEX, axis=1),
                                  np.delete(raid.itype_pk, DRONE_CLASS_INDEX, axis=1))  # fmt: skip
    np.testing.assert_allclose(new.zone_p_loss, 1 - (1 - raid.zone_p_loss) ** 2.7)
    types = list(raid.type_names)
    assert new.type_ew_vuln[types.index("shahed")] == 0.08
    assert new.type_ew_vuln[types.index("gerbera")] == raid.type_ew_vuln[types.index("gerbera")]
    assert new.type_pk_factor[types.index("iskander_m")] == 0.8


@settings(max_examples=60, deadline=None)
@given(p=st.floats(0.0, 1.0), a=st.floats(0.01, 20.0), b=st.floats(0.01, 20.0))
def test_scaled_probability_composes_and_keeps_bounds(p: float, a: float, b: float) -> None:
    once = float(scaled_probability(p, a * b))
    twice = float(scaled_probability(float(scaled_probability(p, a)), b))
    assert 0.0 <= once <= 1.0
    assert once == pytest.approx(twice, abs=1e-9)
    assert float(scaled_probability(p, 1.0)) == pytest.approx(p, abs=1e-12)
    if a < b:
        assert float(scaled_probability(p, a)) <= float(scaled_probability(p, b)) + 1e-12


def test_cubic_interpolation_goes_through_the_grid_and_is_exact_on_lines() -> None:
    grid = np.linspace(-2.0, 3.0, 11)
    values = 0.7 * grid - 1.3
    i, w = _taps(grid, grid)
    np.testing.assert_allclose((values[i] * w).sum(axis=-1), values, atol=1e-12)
    x = np.linspace(-1.5, 2.5, 57)  # inside: one grid step from each end
    i, w = _taps(grid, x)
    np.testing.assert_allclose((values[i] * w).sum(axis=-1), 0.7 * x - 1.3, atol=1e-12)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
