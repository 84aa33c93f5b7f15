"""One entry point, :func:`solve_wta`, over the greedy, local-search and exact solvers."""

from __future__ import annotations

import time
from typing import Literal

from umbrella.core.errors import InputError
from umbrella.wta.greedy import assign_greedy
from umbrella.wta.problem import WTAProblem, WTAResult, evaluate, status_for

__all__ = ["Method", "solve_wta"]

Method = Literal["auto", "greedy", "local", "exact"]
METHODS: tuple[str, ...] = ("auto", "greedy", "local", "exact")


def solve_wta(
    problem: WTAProblem,
    method: Method | str = "auto",
    time_limit: float = 60.0,
    seed: int = 0,
) -> WTAResult:
    """Solve a static weapon-target assignment problem.

    Parameters
    ----------
    problem
        The instance.
    method
        ``"greedy"``: maximum marginal return (microseconds to milliseconds; no bound).
        ``"local"``: greedy, then an iterated local search with single-round moves, swaps and
        ejection chains (no bound). ``"exact"``: branch-and-price over HiGHS, warm-started from
        ``local``; returns a proven lower bound. ``"auto"``: the best of these in the time limit
        (in practice ``exact``, whose incumbent is never worse than ``local``'s).
    time_limit
        Wall-clock budget in seconds for ``local``, ``exact`` and ``auto``; ``greedy`` ignores it.
    seed
        Seed of the local search's perturbations; equal seeds give equal results when the
        time limit is not reached.

    Returns
    -------
    WTAResult
        The assignment, its recomputed objective, the bound (``None`` for the heuristics), the
        status (``"optimal"`` only when the bound meets the objective to 1e-6 relative), the
        seconds spent and the method that found the assignment.

    Raises
    ------
    InputError
        For an unknown method, a non-positive time limit, or target minimums that cannot be met.
    """
    start = time.perf_counter()
    if method == "greedy":
        x = assign_greedy(problem)
        return WTAResult(
            x, evaluate(problem, x), None, "feasible", time.perf_counter() - start, "greedy",
            problem=problem,
        )  # fmt: skip
    if method not in METHODS:
        raise InputError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}", key="method"
        )
    if not time_limit > 0:
        raise InputError("time limit must be positive", key="time_limit")
    # Imported here so that the greedy path (fire control at every decision point) never pays
    # for compiling or loading the numba kernels.
    from umbrella.wta.local import improve

    deadline = start + time_limit
    if method == "local":
        x = improve(problem, assign_greedy(problem), seed=seed, deadline=deadline)
    else:
        # Branch-and-price mostly needs a decent incumbent early; skip the perturbation rounds.
        x = improve(problem, assign_greedy(problem), seed=seed, deadline=deadline, n_kicks=0)
    if method == "local":
        return WTAResult(
            x, evaluate(problem, x), None, "feasible", time.perf_counter() - start, "local",
            problem=problem,
        )  # fmt: skip

    from umbrella.wta.exact import branch_and_price

    outcome = branch_and_price(problem, x, deadline=deadline, seed=seed)
    local_objective = evaluate(problem, x)
    best_x, found_by = (outcome.x, "exact") if outcome.objective < local_objective else (x, "local")
    if method == "exact":
        found_by = "exact"
    objective = evaluate(problem, best_x)
    bound = None if outcome.bound is None else min(outcome.bound, objective)
    return WTAResult(
        best_x,
        objective,
        bound,
        status_for(objective, bound),
        time.perf_counter() - start,
        found_by,
        problem=problem,
    )
