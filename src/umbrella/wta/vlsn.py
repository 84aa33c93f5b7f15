"""A very-large-scale neighbourhood for WTA, searched exactly by a linear assignment.

Take one round off every engaged target (chosen at random, in proportion to the rounds there)
and pool them with the unused rounds. If each target may then receive at most one of the pooled
rounds, the objective is *linear* in where they go: putting a round of weapon ``w`` on target
``j`` changes it by ``V[j] S'[j] (q[w, j] - 1) + c[w]``, with ``S'`` the survival after the
removals. The best re-insertion is therefore a rectangular linear assignment (rounds x
(targets + "unused" slots)), solved exactly by ``scipy.optimize.linear_sum_assignment``. Every
swap, ejection chain and cyclic exchange among the pooled rounds lies in this neighbourhood.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from umbrella.wta.problem import WTAProblem

__all__ = ["reassign_pooled"]

_FORBIDDEN = 1e30


def reassign_pooled(
    problem: WTAProblem,
    q: NDArray[np.float64],
    x: NDArray[np.int64],
    rng: np.random.Generator,
    eps: float,
) -> bool:
    """One step of the assignment neighbourhood; update ``x`` in place if it improves.

    Parameters
    ----------
    problem
        The instance.
    q
        Survival per round ``1 - p`` clipped away from 0, shape ``(W, T)``.
    x
        Current feasible assignment, shape ``(W, T)``; modified in place on improvement.
    rng
        Chooses which round leaves each target.
    eps
        Least improvement (objective units) that counts.

    Returns
    -------
    bool
        Whether ``x`` was improved.
    """
    n_weapons, n_targets = x.shape
    count = x.sum(axis=0)
    survival = np.prod(q**x, axis=0)
    # Targets at their minimum keep their rounds (they may still receive one).
    donors = np.flatnonzero((count > 0) & (count > problem.minimums))
    pick = rng.random(donors.size) * count[donors]
    weapon_of = np.argmax(np.cumsum(x[:, donors], axis=0) > pick[None, :], axis=0)
    left = problem.units - x.sum(axis=1)
    spare = np.repeat(np.arange(n_weapons), np.minimum(left, n_targets))
    row_weapon = np.concatenate([weapon_of, spare]).astype(np.int64)
    row_origin = np.concatenate([donors, np.full(spare.size, -1)]).astype(np.int64)
    n_rows = row_weapon.size
    if n_rows == 0:
        return False
    after = survival.copy()
    after[donors] /= q[weapon_of, donors]
    costs = problem.costs
    gain = (problem.values * after)[None, :] * (q[row_weapon] - 1.0) + costs[row_weapon, None]
    gain[~problem.allowed[row_weapon]] = _FORBIDDEN
    matrix = np.concatenate([gain, np.zeros((n_rows, n_rows))], axis=1)
    rows, cols = linear_sum_assignment(matrix)
    new = float(matrix[rows, cols].sum())
    home = np.where(row_origin >= 0, row_origin, n_targets + np.arange(n_rows))
    old = float(matrix[np.arange(n_rows), home].sum())
    if not new < old - eps:
        return False
    np.subtract.at(x, (weapon_of, donors), 1)
    placed = cols[np.argsort(rows)]
    used = placed < n_targets
    np.add.at(x, (row_weapon[used], placed[used]), 1)
    return True
