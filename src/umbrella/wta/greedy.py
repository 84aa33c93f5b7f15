"""Maximum-marginal-return greedy: the fast default for fire control and the warm start of the rest.

Each step gives one round to the pair with the largest drop in objective,
``V[j] * S[j] * p[i, j] - c[i]`` where ``S[j]`` is target ``j``'s current survival probability.
The gain matrix is kept whole and only the chosen target's column (and an exhausted weapon's
row) is rewritten after a step, so a step costs one ``argmax`` over ``W * T`` numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from umbrella.core.errors import InputError
from umbrella.wta.problem import WTAProblem

__all__ = ["assign_greedy"]


def assign_greedy(problem: WTAProblem) -> NDArray[np.int64]:
    """Assign rounds by maximum marginal return.

    Target minimums (if any) are met first, each round going to the best pair among the
    targets still short (or, if those choices strand a target, by a transportation LP); then
    rounds are added while some round lowers the objective.

    Parameters
    ----------
    problem
        The instance.

    Returns
    -------
    numpy.ndarray
        Rounds per pair, shape ``(W, T)``, int64.

    Raises
    ------
    InputError
        If no assignment meets the target minimums with the rounds and pairs available.
    """
    state = _Greedy(problem, np.zeros(problem.p_kill.shape, dtype=np.int64))
    if problem.min_units is not None and not state.meet_minimums(problem.min_units):
        state = _Greedy(problem, _transport_minimums(problem))
    state.fill()
    return state.x


class _Greedy:
    """Greedy state: assignment, rounds left, survival and the (W, T) gain matrix."""

    def __init__(self, problem: WTAProblem, x: NDArray[np.int64]) -> None:
        self.p = problem.p_kill
        self.values = problem.values
        self.costs = problem.costs
        self.allowed = problem.allowed
        self.x = x
        self.left = problem.units - x.sum(axis=1)
        self.survival = (
            np.prod(np.power(1.0 - self.p, x), axis=0) if x.any() else np.ones(x.shape[1])
        )
        # C order so that ``flat`` below is a view that sees every column update; forbidden
        # pairs and exhausted weapons hold -inf so that argmax never picks them.
        self.gain = np.ascontiguousarray(
            self.p * (self.values * self.survival) - self.costs[:, None]
        )
        self.gain[~self.allowed | (self.left == 0)[:, None]] = -np.inf
        self.flat = self.gain.reshape(-1)

    def take(self, i: int, j: int) -> None:
        self.x[i, j] += 1
        self.left[i] -= 1
        self.survival[j] *= 1.0 - self.p[i, j]
        column = self.p[:, j] * (self.values[j] * self.survival[j]) - self.costs
        column[~self.allowed[:, j] | (self.left == 0)] = -np.inf
        self.gain[:, j] = column
        if self.left[i] == 0:
            self.gain[i, :] = -np.inf

    def meet_minimums(self, minimums: NDArray[np.int64]) -> bool:
        short = minimums.copy()
        while np.any(short > 0):
            targets = np.flatnonzero(short > 0)
            sub = self.gain[:, targets]
            i, k = divmod(int(np.argmax(sub)), targets.size)
            if not np.isfinite(sub[i, k]):
                return False
            self.take(i, int(targets[k]))
            short[targets[k]] -= 1
        return True

    def fill(self) -> None:
        n_targets = self.x.shape[1]
        while True:
            flat = int(np.argmax(self.flat))
            if not self.flat[flat] > 0.0:
                return
            self.take(*divmod(flat, n_targets))


def _transport_minimums(problem: WTAProblem) -> NDArray[np.int64]:
    """Least rounds meeting every target minimum (transportation LP; its vertices are integral)."""
    from scipy.optimize import linprog

    weapons, targets = np.nonzero(problem.allowed)
    n_pairs = weapons.size
    if n_pairs == 0:
        raise InputError(
            "the target minimums cannot be met: no weapon may engage any target", key="min_units"
        )
    n_weapons, n_targets = problem.p_kill.shape
    supply = np.zeros((n_weapons, n_pairs))
    supply[weapons, np.arange(n_pairs)] = 1.0
    demand = np.zeros((n_targets, n_pairs))
    demand[targets, np.arange(n_pairs)] = -1.0
    # Prefer effective pairs: cost 1 - p per round keeps the LP's choice sensible for the greedy.
    result = linprog(
        1.0 - problem.p_kill[weapons, targets] + 1.0,
        A_ub=np.vstack([supply, demand]),
        b_ub=np.concatenate([problem.units, -problem.minimums]).astype(np.float64),
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        raise InputError(
            "the target minimums cannot be met with the rounds available", key="min_units"
        )
    x = np.zeros((n_weapons, n_targets), dtype=np.int64)
    x[weapons, targets] = np.rint(result.x).astype(np.int64)
    return x
