# mypy: disable-error-code="no-untyped-def"
# (numba kernels take and return plain numpy arrays; numba ignores annotations.)
"""Move kernels of the WTA local search (numba): relocate, swap and ejection chain.

State: assignment ``x`` (W, T), unused rounds ``left`` (W,), per-target survival ``S`` (T,) and
round count (T,). Candidate sources are the occupied pairs listed in ``pw, pt`` (weapon, target;
target ``-1`` is the unused pool) at the start of a sweep; a pair emptied during the sweep is
skipped. Each kernel applies improving moves (by more than ``eps``) and says whether it did.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["best_targets", "chain", "pair_index", "relocate", "swap"]


@nb.njit(cache=True)
def pair_index(pt, n_pairs, n_targets, order, first):
    """Counting sort of pairs by target: pairs on ``k`` are ``order[first[k+1]:first[k+2]]``."""
    first[:] = 0
    for p in range(n_pairs):
        first[pt[p] + 2] += 1
    for k in range(1, n_targets + 2):
        first[k] += first[k - 1]
    fill = first.copy()
    for p in range(n_pairs):
        order[fill[pt[p] + 1]] = p
        fill[pt[p] + 1] += 1


@nb.njit(cache=True)
def _has(x, left, i, j):
    return left[i] > 0 if j < 0 else x[i, j] > 0


@nb.njit(cache=True)
def _shift(q, x, left, survival, count, i, j, k):
    """Move one round of weapon ``i`` from ``j`` to ``k`` (``-1``: the unused pool)."""
    if j >= 0:
        x[i, j] -= 1
        count[j] -= 1
        survival[j] /= q[i, j]
    else:
        left[i] -= 1
    if k >= 0:
        x[i, k] += 1
        count[k] += 1
        survival[k] *= q[i, k]
    else:
        left[i] += 1


@nb.njit(cache=True)
def relocate(q, values, costs, allowed, minimums, x, left, survival, count, pw, pt, n_pairs, eps):
    n_targets = q.shape[1]
    improved = False
    for p in range(n_pairs):
        i = pw[p]
        j = pt[p]
        while _has(x, left, i, j):
            if j >= 0 and count[j] <= minimums[j]:
                break
            leave = 0.0
            if j >= 0:
                leave = values[j] * survival[j] * (1.0 / q[i, j] - 1.0) - costs[i]
            best = -eps
            best_k = -2
            if j >= 0 and leave < best:
                best = leave
                best_k = -1
            for k in range(n_targets):
                if k == j or not allowed[i, k]:
                    continue
                delta = leave + values[k] * survival[k] * (q[i, k] - 1.0) + costs[i]
                if delta < best:
                    best = delta
                    best_k = k
            if best_k == -2:
                break
            _shift(q, x, left, survival, count, i, j, best_k)
            improved = True
    return improved


@nb.njit(cache=True)
def swap(q, values, costs, allowed, x, left, survival, pw, pt, n_pairs, eps):
    """Rounds of weapons ``i`` (on ``j``) and ``k`` (on ``l``) exchange targets."""
    improved = False
    for a in range(n_pairs):
        i = pw[a]
        j = pt[a]
        for b in range(a + 1, n_pairs):
            k = pw[b]
            l = pt[b]  # noqa: E741
            if k == i or l == j:
                continue
            if (l >= 0 and not allowed[i, l]) or (j >= 0 and not allowed[k, j]):
                continue
            if not (_has(x, left, i, j) and _has(x, left, k, l)):
                continue
            delta = 0.0
            if j >= 0:
                delta += values[j] * survival[j] * (q[k, j] / q[i, j] - 1.0)
            else:
                delta += costs[i] - costs[k]
            if l >= 0:
                delta += values[l] * survival[l] * (q[i, l] / q[k, l] - 1.0)
            else:
                delta += costs[k] - costs[i]
            if delta < -eps:
                # Counts on j and l do not change, so minimums stay met.
                _swap_apply(q, x, left, survival, i, j, k, l)
                improved = True
                if not _has(x, left, i, j):
                    break
    return improved


@nb.njit(cache=True)
def _swap_apply(q, x, left, survival, i, j, k, l):  # noqa: E741
    if j >= 0:
        x[i, j] -= 1
        x[k, j] += 1
        survival[j] *= q[k, j] / q[i, j]
    else:
        left[i] -= 1
        left[k] += 1
    if l >= 0:
        x[k, l] -= 1
        x[i, l] += 1
        survival[l] *= q[i, l] / q[k, l]
    else:
        left[k] -= 1
        left[i] += 1


@nb.njit(cache=True)
def best_targets(q, values, allowed, survival, best_to):
    """The three targets where one more round of each weapon gains most, ``-1`` padded."""
    n_weapons, n_targets = q.shape
    for i in range(n_weapons):
        gains = np.full(3, np.inf)
        best_to[i, :] = -1
        for k in range(n_targets):
            if not allowed[i, k]:
                continue
            g = values[k] * survival[k] * (q[i, k] - 1.0)
            if g < gains[2]:
                pos = 2
                while pos > 0 and g < gains[pos - 1]:
                    gains[pos] = gains[pos - 1]
                    best_to[i, pos] = best_to[i, pos - 1]
                    pos -= 1
                gains[pos] = g
                best_to[i, pos] = k


@nb.njit(cache=True)
def chain(
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
    """Weapon ``i``: ``j -> k``; a round of weapon ``w`` on ``k``: ``k -> l`` (ranked or unused)."""
    n_targets = q.shape[1]
    for a in range(n_pairs):
        i = pw[a]
        j = pt[a]
        if j >= 0 and count[j] <= minimums[j]:
            continue
        leave = values[j] * survival[j] * (1.0 / q[i, j] - 1.0) if j >= 0 else costs[i]
        for k in range(n_targets):
            if k == j or not allowed[i, k]:
                continue
            for pos in range(first[k + 1], first[k + 2]):
                w = pw[order[pos]]
                if w == i:
                    continue
                through = leave + values[k] * survival[k] * (q[i, k] / q[w, k] - 1.0)
                best = through - costs[w]
                best_l = -1
                for r in range(3):
                    lt = best_to[w, r]
                    if lt < 0 or lt in (k, j):
                        continue
                    d = through + values[lt] * survival[lt] * (q[w, lt] - 1.0)
                    if d < best:
                        best = d
                        best_l = lt
                if best < -eps:
                    _shift(q, x, left, survival, count, i, j, k)
                    _shift(q, x, left, survival, count, w, k, best_l)
                    return True
    return False
