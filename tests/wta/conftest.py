"""Shared fixtures for the WTA tests: tiny random instances and a brute-force oracle."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from umbrella.wta import WTAProblem


def _objective(problem: WTAProblem, x: np.ndarray[Any, Any]) -> float:
    """The objective written out loop by loop, independently of ``umbrella.wta.evaluate``."""
    total = 0.0
    for j in range(problem.n_targets):
        alive = 1.0
        for i in range(problem.n_weapons):
            for _ in range(int(x[i, j])):
                alive *= 1.0 - float(problem.p_kill[i, j])
        total += float(problem.values[j]) * alive
    if problem.unit_cost is not None:
        for i in range(problem.n_weapons):
            total += float(problem.unit_cost[i]) * int(x[i].sum())
    return total


def _splits(units: int, n_targets: int) -> list[tuple[int, ...]]:
    """Every way to put at most ``units`` rounds on ``n_targets`` targets."""
    return [c for c in itertools.product(range(units + 1), repeat=n_targets) if sum(c) <= units]


def _brute_force(problem: WTAProblem) -> tuple[float, np.ndarray[Any, Any] | None]:
    """Optimum over every feasible assignment (``inf, None`` when none is feasible)."""
    best, best_x = np.inf, None
    rows = [_splits(int(m), problem.n_targets) for m in problem.units]
    for choice in itertools.product(*rows):
        x = np.array(choice, dtype=np.int64).reshape(problem.n_weapons, problem.n_targets)
        if problem.mask is not None and np.any(x[~problem.mask]):
            continue
        if problem.min_units is not None and np.any(x.sum(axis=0) < problem.min_units):
            continue
        value = _objective(problem, x)
        if value < best:
            best, best_x = value, x
    return best, best_x


@pytest.fixture
def objective() -> Callable[[WTAProblem, np.ndarray[Any, Any]], float]:
    return _objective


@pytest.fixture
def brute_force() -> Callable[[WTAProblem], tuple[float, np.ndarray[Any, Any] | None]]:
    return _brute_force
