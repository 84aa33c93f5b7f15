# mypy: disable-error-code="no-untyped-def"
# (numba kernels below take and return plain numpy arrays; numba ignores annotations.)
"""Exact per-target pricing for the WTA column generation (numba).

For one target with value ``V``, the pricing problem is::

    min_x  V * exp(-sum_i a[i] x[i]) + sum_i c[i] x[i]
    s.t.   lo[i] <= x[i] <= hi[i] integer,  sum_i x[i] >= need

with ``a[i] = -log(1 - p[i, j]) >= 0`` and ``c[i] >= 0`` (round price minus capacity dual).
It is solved by depth-first branch and bound that adds one round at a time, trying weapons in
increasing order of price per unit of log-kill ``r[i] = c[i] / a[i]``. The subtree in which the
next round is weapon ``k`` or later cannot beat ``C + min_t (V e^{-(s+t)} + r[k] t)`` (the
continuous relaxation), which grows with ``k``: once it reaches the incumbent the loop over ``k``
stops. Weapons with ``c[i] = 0`` are used to the full, which is optimal since every round of them
lowers the objective at no price.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

__all__ = ["price_targets"]


@nb.njit(cache=True)
def _relaxed(remaining, ratio):
    """``min_{t >= 0} remaining * e^{-t} + ratio * t``."""
    if remaining <= ratio:
        return remaining
    return ratio * (1.0 + math.log(remaining / ratio))


@nb.njit(cache=True)
def _price_one(value, a, c, lo, hi, need, x_out, order, count):
    n_weapons = a.size
    s0 = 0.0
    c0 = 0.0
    n0 = 0
    for i in range(n_weapons):
        x_out[i] = lo[i]
        s0 += a[i] * lo[i]
        c0 += c[i] * lo[i]
        n0 += lo[i]
    n_cand = 0
    for i in range(n_weapons):
        room = hi[i] - lo[i]
        if room <= 0:
            continue
        if a[i] > 0.0 and c[i] <= 0.0:
            x_out[i] = hi[i]
            s0 += a[i] * room
            n0 += room
        elif a[i] > 0.0 or need > n0:
            order[n_cand] = i
            n_cand += 1
    if n_cand > 1:
        ratios = np.empty(n_cand)
        for k in range(n_cand):
            i = order[k]
            ratios[k] = c[i] / a[i] if a[i] > 0.0 else np.inf
        perm = np.argsort(ratios, kind="mergesort")
        sorted_ids = order[:n_cand][perm].copy()
        order[:n_cand] = sorted_ids
    best = np.inf
    if n0 >= need:
        best = c0 + value * math.exp(-s0)
    if n_cand == 0:
        return best
    best_count = np.zeros(n_cand, dtype=np.int64)
    count[:n_cand] = 0
    # Explicit DFS stack: at each depth, the candidate index of the round just added.
    max_depth = 0
    for k in range(n_cand):
        max_depth += hi[order[k]] - lo[order[k]]
    stack_k = np.empty(max_depth + 1, dtype=np.int64)
    depth = 0
    s = s0
    cost = c0
    n_added = n0
    next_k = 0
    while True:
        advanced = False
        k = next_k
        while k < n_cand:
            i = order[k]
            if count[k] >= hi[i] - lo[i]:
                k += 1
                continue
            ratio = c[i] / a[i] if a[i] > 0.0 else np.inf
            if cost + _relaxed(value * math.exp(-s), ratio) >= best:
                break
            count[k] += 1
            s += a[i]
            cost += c[i]
            n_added += 1
            stack_k[depth] = k
            depth += 1
            if n_added >= need:
                here = cost + value * math.exp(-s)
                if here < best:
                    best = here
                    best_count[:] = count[:n_cand]
            next_k = k
            advanced = True
            break
        if advanced:
            continue
        if depth == 0:
            break
        depth -= 1
        k = stack_k[depth]
        i = order[k]
        count[k] -= 1
        s -= a[i]
        cost -= c[i]
        n_added -= 1
        next_k = k + 1
    if np.isfinite(best):
        for k in range(n_cand):
            x_out[order[k]] = lo[order[k]] + best_count[k]
    return best


@nb.njit(cache=True)
def price_targets(values, a, c, lo, hi, need, x_out):
    """Solve the pricing problem of every target.

    Parameters
    ----------
    values
        Target values, shape ``(T,)``.
    a
        Log-kill per round ``-log(1 - p)``, shape ``(W, T)``, non-negative and finite.
    c
        Price per round, shape ``(W,)``, non-negative (round price minus capacity dual).
    lo, hi
        Integer bounds on the rounds per pair, shape ``(W, T)``; ``hi = 0`` forbids a pair.
    need
        Minimum rounds per target, shape ``(T,)``.
    x_out
        Filled with each target's best column, shape ``(W, T)``.

    Returns
    -------
    numpy.ndarray
        Minimum pricing value per target, shape ``(T,)`` (``inf`` when no column is feasible).
    """
    n_weapons, n_targets = a.shape
    out = np.empty(n_targets)
    column = np.empty(n_weapons, dtype=np.int64)
    order = np.empty(n_weapons, dtype=np.int64)
    count = np.empty(n_weapons, dtype=np.int64)
    for j in range(n_targets):
        out[j] = _price_one(
            values[j],
            a[:, j].copy(),
            c,
            lo[:, j].copy(),
            hi[:, j].copy(),
            need[j],
            column,
            order,
            count,
        )
        x_out[:, j] = column
    return out
