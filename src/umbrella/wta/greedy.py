"""Maximum-marginal-return greedy: the fast default for fire control and the warm start of the rest.

Each step gives one round to the pair with the largest drop in objective,
``V[j] * S[j] * p[i, j] - c[i]`` where ``S[j]`` is target ``j``'s current survival probability.
The gain matrix is kept whole and only the chosen target's column (and an exhausted weapon's
row) is rewritten after a step, so a step costs one ``argmax`` over ``W * T`` numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from umbrella.errors import InputError
from umbrella.wta.problem import WTAProblem

__all__ = ["assign_greedy"]


def assign_greedy(problem: WTAProblem) -> NDArray[np.int64]:
    """Assign rounds by maximum marginal return.

    Target minimums (if any) are met first, each round going to the best pair among the
    targets still short; then rounds are added while some round lowers the objective.

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
        If the target minimums cannot be met with the rounds and pairs available.
    """
    p = problem.p_kill
    values = problem.values
    n_weapons, n_targets = p.shape
    x = np.zeros((n_weapons, n_targets), dtype=np.int64)
    left = problem.units.copy()
    survival = np.ones(n_targets)
    costs = problem.costs
    allowed = problem.allowed
    # Rows of exhausted weapons and forbidden pairs hold -inf so that argmax never picks them.
    # C order so that ``flat_gain`` below is a view that sees every column update.
    gain = np.ascontiguousarray(p * values - costs[:, None])
    blocked = ~allowed | (left == 0)[:, None]
    gain[blocked] = -np.inf

    def take(flat: int) -> None:
        i, j = divmod(flat, n_targets)
        x[i, j] += 1
        left[i] -= 1
        survival[j] *= 1.0 - p[i, j]
        column = p[:, j] * (values[j] * survival[j]) - costs
        column[~allowed[:, j] | (left == 0)] = -np.inf
        gain[:, j] = column
        if left[i] == 0:
            gain[i, :] = -np.inf

    if problem.min_units is not None:
        short = problem.min_units.copy()
        while np.any(short > 0):
            targets = np.flatnonzero(short > 0)
            sub = gain[:, targets]
            flat = int(np.argmax(sub))
            i, k = divmod(flat, targets.size)
            if not np.isfinite(sub[i, k]):
                raise InputError(
                    "the target minimums cannot be met with the rounds available", key="min_units"
                )
            take(i * n_targets + int(targets[k]))
            short[targets[k]] -= 1

    flat_gain = gain.reshape(-1)
    while True:
        flat = int(np.argmax(flat_gain))
        if not flat_gain[flat] > 0.0:
            break
        take(flat)
    return x
