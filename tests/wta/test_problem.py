"""WTAProblem validation and the shared objective function."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from umbrella.core.errors import InputError
from umbrella.wta import WTAProblem, evaluate, is_feasible


def small() -> dict[str, np.ndarray]:
    return {
        "values": np.array([10.0, 4.0, 7.0]),
        "p_kill": np.array([[0.8, 0.5, 0.1], [0.3, 0.9, 0.6]]),
        "units": np.array([2, 1]),
    }


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"values": np.array([1.0, 2.0])}, "values"),
        ({"values": np.array([1.0, -2.0, 3.0])}, "values"),
        ({"p_kill": np.array([[0.8, 1.5, 0.1], [0.3, 0.9, 0.6]])}, "p_kill"),
        ({"p_kill": np.array([[0.8, np.nan, 0.1], [0.3, 0.9, 0.6]])}, "p_kill"),
        ({"units": np.array([2, -1])}, "units"),
        ({"units": np.array([2.5, 1.0])}, "units"),
        ({"units": np.array([2])}, "units"),
        ({"mask": np.ones((3, 2), dtype=bool)}, "mask"),
        ({"unit_cost": np.array([1.0, -1.0])}, "unit_cost"),
        ({"min_units": np.array([1, 1])}, "min_units"),
    ],
)
def test_invalid_arrays_raise_input_error_naming_the_field(
    change: dict[str, np.ndarray], key: str
) -> None:
    with pytest.raises(InputError) as info:
        WTAProblem(**{**small(), **change})
    assert info.value.key == key


def test_arrays_are_frozen_copies() -> None:
    raw = small()
    problem = WTAProblem(**raw)
    raw["values"][0] = 99.0
    assert problem.values[0] == 10.0
    with pytest.raises(ValueError, match="read-only"):
        problem.p_kill[0, 0] = 0.0


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n_weapons=st.integers(1, 4), n_targets=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_evaluate_matches_the_loop_formula(
    n_weapons: int, n_targets: int, seed: int, objective
) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    problem = WTAProblem(
        values=rng.uniform(0, 100, n_targets),
        p_kill=rng.uniform(0, 1, (n_weapons, n_targets)),
        units=rng.integers(0, 4, n_weapons),
        unit_cost=rng.uniform(0, 2, n_weapons),
    )
    x = rng.integers(0, 3, (n_weapons, n_targets))
    assert evaluate(problem, x) == pytest.approx(objective(problem, x), rel=1e-12, abs=1e-12)


def test_is_feasible_checks_capacity_mask_and_minimums() -> None:
    problem = WTAProblem(
        **small(),
        mask=np.array([[True, True, False], [True, True, True]]),
        min_units=np.array([0, 1, 0]),
    )
    assert is_feasible(problem, np.array([[1, 1, 0], [0, 0, 1]]))
    assert not is_feasible(problem, np.array([[3, 0, 0], [0, 1, 0]]))  # weapon 0 has 2 rounds
    assert not is_feasible(problem, np.array([[0, 1, 1], [0, 0, 0]]))  # pair (0, 2) is masked
    assert not is_feasible(problem, np.array([[1, 0, 0], [0, 0, 1]]))  # target 1 needs a round
    assert not is_feasible(problem, np.array([[-1, 1, 0], [0, 0, 0]]))
