"""Solvers against a brute-force oracle on tiny instances, plus invariants of every result."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from umbrella.core.errors import InputError
from umbrella.wta import WTAProblem, evaluate, is_feasible, solve_wta


@st.composite
def tiny_problems(draw: st.DrawFn) -> WTAProblem:
    n_weapons = draw(st.integers(1, 3))
    n_targets = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p_kill = rng.uniform(0.0, 1.0, (n_weapons, n_targets))
    # Edge values: certain kills and useless pairs.
    p_kill[rng.random(p_kill.shape) < 0.1] = 1.0
    p_kill[rng.random(p_kill.shape) < 0.1] = 0.0
    mask = rng.random(p_kill.shape) < 0.8 if draw(st.booleans()) else None
    cost = rng.uniform(0.0, 20.0, n_weapons) if draw(st.booleans()) else None
    minimums = rng.integers(0, 2, n_targets) if draw(st.booleans()) else None
    return WTAProblem(
        values=np.round(rng.uniform(0.0, 100.0, n_targets)),
        p_kill=p_kill,
        units=rng.integers(0, 3, n_weapons),
        mask=mask,
        unit_cost=cost,
        min_units=minimums,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(problem=tiny_problems())
def test_methods_against_brute_force(problem: WTAProblem, brute_force, objective) -> None:  # type: ignore[no-untyped-def]
    optimum, _ = brute_force(problem)
    if not np.isfinite(optimum):
        with pytest.raises(InputError):
            solve_wta(problem, method="greedy")
        return
    results = {
        m: solve_wta(problem, method=m, time_limit=30.0, seed=1)
        for m in ("greedy", "local", "exact", "auto")
    }
    for method, result in results.items():
        assert is_feasible(problem, result.x), method
        assert result.objective == pytest.approx(objective(problem, result.x), rel=1e-12, abs=1e-9)
        assert result.objective >= optimum - 1e-9 * max(1.0, optimum), method
        if result.bound is not None:
            assert result.bound <= optimum + 1e-9 * max(1.0, optimum), method
        if result.status == "optimal":
            assert result.bound is not None
            assert result.objective == pytest.approx(optimum, rel=1e-6, abs=1e-9), method
    assert results["greedy"].objective >= results["local"].objective - 1e-12
    for method in ("exact", "auto"):
        assert results[method].status == "optimal"
        assert results[method].objective == pytest.approx(optimum, rel=1e-6, abs=1e-9)


def test_greedy_takes_best_marginal_return_first() -> None:
    # One round: 0.8 * 10 beats 0.9 * 4; then the second round compares 0.8*2 with 0.9*4.
    problem = WTAProblem(
        values=np.array([10.0, 4.0]), p_kill=np.array([[0.8, 0.9]]), units=np.array([2])
    )
    x = solve_wta(problem, method="greedy").x
    assert x.tolist() == [[1, 1]]


def test_greedy_stops_when_rounds_cost_more_than_they_save() -> None:
    problem = WTAProblem(
        values=np.array([10.0]),
        p_kill=np.array([[0.5]]),
        units=np.array([5]),
        unit_cost=np.array([2.0]),
    )
    # Gains 5, 2.5, 1.25: only the first two beat the price of 2.
    assert solve_wta(problem, method="greedy").x.tolist() == [[2]]


def test_local_improves_on_a_greedy_trap() -> None:
    # Greedy puts the good weapon on target 0 (0.9 * 10 > 0.9 * 9.9), then the poor one there too
    # (0.8 * 1.0 > 0.05 * 9.9): objective 10.1. Good weapon on 1, poor on 0 gives 2.99.
    problem = WTAProblem(
        values=np.array([10.0, 9.9]),
        p_kill=np.array([[0.9, 0.9], [0.8, 0.05]]),
        units=np.array([1, 1]),
    )
    greedy = solve_wta(problem, method="greedy")
    local = solve_wta(problem, method="local", seed=0)
    assert greedy.x.tolist() == [[1, 0], [1, 0]]
    assert local.x.tolist() == [[0, 1], [1, 0]]
    assert local.objective < greedy.objective


def test_local_is_deterministic_for_a_seed() -> None:
    rng = np.random.default_rng(5)
    problem = WTAProblem(
        values=rng.uniform(1, 100, 30), p_kill=rng.uniform(0, 1, (15, 30)), units=np.full(15, 2)
    )
    first = solve_wta(problem, method="local", seed=3, time_limit=1e6)
    second = solve_wta(problem, method="local", seed=3, time_limit=1e6)
    assert np.array_equal(first.x, second.x)


def test_exact_proves_a_mid_sized_instance() -> None:
    rng = np.random.default_rng(11)
    problem = WTAProblem(
        values=rng.integers(1, 101, 40).astype(float),
        p_kill=rng.uniform(0, 1, (20, 40)),
        units=np.full(20, 2),
    )
    result = solve_wta(problem, method="exact", time_limit=60.0)
    local = solve_wta(problem, method="local")
    assert result.status == "optimal"
    assert result.bound is not None and result.bound <= result.objective
    assert result.objective <= local.objective + 1e-12
    assert result.objective == evaluate(problem, result.x)


def test_minimums_that_greedy_choices_would_strand_are_met() -> None:
    # Weapon 0 is best on target 0 but is the only one that can reach target 1.
    problem = WTAProblem(
        values=np.array([5.0, 5.0]),
        p_kill=np.array([[0.9, 0.5], [0.8, 0.0]]),
        units=np.array([1, 1]),
        mask=np.array([[True, True], [True, False]]),
        min_units=np.array([1, 1]),
    )
    for method in ("greedy", "local", "exact"):
        assert solve_wta(problem, method=method).x.tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize(("method", "limit"), [("fastest", 1.0), ("local", 0.0)])
def test_bad_arguments_raise_input_error(method: str, limit: float) -> None:
    problem = WTAProblem(values=np.array([1.0]), p_kill=np.array([[0.5]]), units=np.array([1]))
    with pytest.raises(InputError):
        solve_wta(problem, method=method, time_limit=limit)


def test_greedy_path_loads_neither_numba_nor_highs() -> None:
    # Fire control calls greedy at every decision point; it must not pay for the heavy solvers.
    code = (
        "import sys, numpy as np\n"
        "from umbrella.wta import WTAProblem, solve_wta\n"
        "p = WTAProblem(values=np.ones(3), p_kill=np.full((2, 3), 0.5), units=np.array([1, 2]))\n"
        "assert solve_wta(p, method='greedy').x.sum() == 3\n"
        "print(sorted(m for m in ('numba', 'highspy', 'pandas', 'pydantic') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
