# mypy: disable-error-code="no-untyped-def"
# (numba kernels below take and return plain numpy arrays; numba ignores annotations.)
"""Iterated local search for WTA: round moves, swaps and ejection chains with O(1) move costs.

The state is the assignment matrix ``x`` plus the unused rounds ``left[i]``; moves are listed over
the occupied pairs (``x[i, j] > 0``, at most the number of rounds and at most ``W * T``), so the
cost of a sweep does not grow with magazine depth. Each target keeps its survival ``S[j]``, so
taking weapon ``i`` off target ``j`` changes the objective by ``V[j] S[j] (1 / q[i, j] - 1)`` and
putting it on ``k`` by ``V[k] S[k] (q[i, k] - 1)``: every move is priced in constant time.

Neighbourhoods, tried in order until none improves:

* relocate: one round to another target, or in or out of use;
* swap: two rounds of different weapons exchange targets (one may be unused);
* ejection chain: round ``u`` moves ``j -> k`` and pushes a round ``v`` off ``k`` to ``l``
  (``l`` chosen among the three best targets for ``v``, or out of use);
* the assignment neighbourhood of :mod:`umbrella.wta.vlsn` (one round off every target,
  re-inserted by an exact linear assignment), repeated until it fails a few times in a row.

Perturbations (random relocations drawn from an explicit ``numpy.random.Generator``) restart
the descent; the best assignment seen is kept.
"""

from __future__ import annotations

import time

import numba as nb
import numpy as np
from numpy.typing import NDArray

from umbrella.wta.moves import best_targets, chain, pair_index, relocate, swap
from umbrella.wta.problem import WTAProblem, evaluate
from umbrella.wta.vlsn import reassign_pooled

__all__ = ["improve"]

# Kill probabilities of 1 would make ``S / q`` undefined; clipping survival at this floor changes
# intermediate move costs by at most 1e-15 * V, and the final objective is recomputed exactly.
_Q_FLOOR = 1e-15


def improve(
    problem: WTAProblem,
    x: NDArray[np.int64],
    *,
    seed: int = 0,
    deadline: float | None = None,
    n_kicks: int | None = None,
    patience: int = 8,
) -> NDArray[np.int64]:
    """Improve a feasible assignment by iterated local search.

    Parameters
    ----------
    problem
        The instance.
    x
        A feasible starting assignment, shape ``(W, T)``.
    seed
        Seed of the perturbations.
    deadline
        ``time.perf_counter()`` value after which no new perturbation is started.
    n_kicks
        Number of perturbation rounds; by default it scales with the instance size.
    patience
        Consecutive failed assignment-neighbourhood steps after which a descent ends
        (0 keeps to the three cheap neighbourhoods).

    Returns
    -------
    numpy.ndarray
        An assignment no worse than ``x``, shape ``(W, T)``, int64.
    """
    rng = np.random.default_rng(seed)
    q = np.maximum(1.0 - problem.p_kill, _Q_FLOOR)
    # Writable copies, whatever the problem holds (its own arrays are read-only, those it
    # derives are not): the compiled moves are then built for one kind of array only.
    values = np.array(problem.values)
    costs = np.array(problem.costs)
    allowed = np.array(problem.allowed)
    minimums = np.array(problem.minimums)
    units = np.array(problem.units)
    cur = np.array(x, dtype=np.int64)
    n_units = int(units.sum())
    if n_units == 0:
        return cur
    eps = 1e-13 * max(1.0, float(values.sum()))

    def settle() -> None:
        """Descend, then search the assignment neighbourhood until it fails ``patience`` times."""
        _descend(q, values, costs, allowed, minimums, units, cur, eps)
        misses = 0
        while misses < patience:
            if deadline is not None and time.perf_counter() >= deadline:
                return
            if reassign_pooled(problem, q, cur, rng, eps):
                _descend(q, values, costs, allowed, minimums, units, cur, eps)
                misses = 0
            else:
                misses += 1

    settle()
    best_x = cur.copy()
    best = _objective(q, values, costs, cur)
    if n_kicks is None:
        n_kicks = int(min(100, max(10, 5000 // max(1, min(n_units, cur.size)))))
    # After the first full descent, shorter assignment-neighbourhood runs per perturbation.
    patience = min(patience, 3)
    size = max(2, min(8, n_units // 20))
    for _ in range(n_kicks):
        if deadline is not None and time.perf_counter() >= deadline:
            break
        weapons = rng.integers(0, problem.n_weapons, size=size)
        draws = rng.random((size, 2))
        _kick(allowed, minimums, units, cur, weapons, draws)
        settle()
        value = _objective(q, values, costs, cur)
        if value < best - eps:
            best = value
            best_x[:] = cur
        else:
            cur[:] = best_x
    # The search's move costs use clipped survival; keep the start if rounding misled it.
    return (
        best_x if evaluate(problem, best_x) <= evaluate(problem, x) else np.array(x, dtype=np.int64)
    )


@nb.njit(cache=True)
def _objective(q, values, costs, x):
    n_weapons, n_targets = q.shape
    total = 0.0
    for j in range(n_targets):
        s = values[j]
        for i in range(n_weapons):
            for _ in range(x[i, j]):
                s *= q[i, j]
        total += s
    for i in range(n_weapons):
        for j in range(n_targets):
            total += costs[i] * x[i, j]
    return total


@nb.njit(cache=True)
def _kick(allowed, minimums, units, x, weapons, draws):
    """Move one round of each drawn weapon from a random source to a random allowed target."""
    n_targets = x.shape[1]
    count = x.sum(axis=0)
    for r in range(weapons.size):
        i = weapons[r]
        left = units[i] - x[i].sum()
        n_src = left
        for j in range(n_targets):
            n_src += x[i, j]
        if n_src == 0:
            continue
        pick = int(draws[r, 0] * n_src)
        j = -1
        if pick >= left:
            pick -= left
            for jj in range(n_targets):
                if pick < x[i, jj]:
                    j = jj
                    break
                pick -= x[i, jj]
        if j >= 0 and count[j] <= minimums[j]:
            continue
        k = int(draws[r, 1] * (n_targets + 1)) - 1
        if k == j or (k >= 0 and not allowed[i, k]):
            continue
        if j >= 0:
            x[i, j] -= 1
            count[j] -= 1
        if k >= 0:
            x[i, k] += 1
            count[k] += 1


@nb.njit(cache=True)
def _descend(q, values, costs, allowed, minimums, units, x, eps):
    """Apply improving moves until none of the three neighbourhoods has one."""
    n_weapons, n_targets = q.shape
    survival = np.ones(n_targets)
    count = np.zeros(n_targets, dtype=np.int64)
    left = np.zeros(n_weapons, dtype=np.int64)
    best_to = np.empty((n_weapons, 3), dtype=np.int64)
    pw = np.empty(x.size + n_weapons, dtype=np.int64)
    pt = np.empty(x.size + n_weapons, dtype=np.int64)
    order = np.empty(x.size + n_weapons, dtype=np.int64)
    first = np.zeros(n_targets + 2, dtype=np.int64)
    for _sweep in range(1000000):
        # Survival is rebuilt from scratch every sweep so that rounding in S / q cannot drift.
        n_pairs = 0
        for j in range(n_targets):
            survival[j] = 1.0
            count[j] = 0
        for i in range(n_weapons):
            left[i] = units[i]
            for j in range(n_targets):
                c = x[i, j]
                if c > 0:
                    for _ in range(c):
                        survival[j] *= q[i, j]
                    count[j] += c
                    left[i] -= c
                    pw[n_pairs] = i
                    pt[n_pairs] = j
                    n_pairs += 1
            if left[i] > 0:
                pw[n_pairs] = i
                pt[n_pairs] = -1
                n_pairs += 1
        pair_index(pt, n_pairs, n_targets, order, first)
        if relocate(
            q, values, costs, allowed, minimums, x, left, survival, count, pw, pt, n_pairs, eps
        ):
            continue
        if swap(q, values, costs, allowed, x, left, survival, pw, pt, n_pairs, eps):
            continue
        best_targets(q, values, allowed, survival, best_to)
        if chain(
            q,
            values,
            costs,
            allowed,
            minimums,
            x,
            left,
            survival,
            count,
            pw,
            pt,
            n_pairs,
            order,
            first,
            best_to,
            eps,
        ):
            continue
        break
