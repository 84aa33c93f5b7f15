"""The restricted master LP of the WTA branch-and-price, held in a HiGHS instance.

Rows: one convexity row per target (``= 1``), then one capacity row per weapon (``<= m[i]``).
Columns: one high-cost artificial column per target (keeps every node LP feasible), then the
generated columns, each one target's integer vector of rounds per weapon with cost
``V[j] prod_i q[i, j] ** x[i] + sum_i c[i] x[i]``.
"""

from __future__ import annotations

import highspy
import numpy as np
from numpy.typing import NDArray

from umbrella.wta.problem import WTAProblem

__all__ = ["Master", "new_highs"]

# Survival floor so that log(q) stays finite for certain kills (changes costs by <= 1e-15 V).
_Q_FLOOR = 1e-15


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance (the first one built may still print HiGHS's banner)."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    return h


class Master:
    """The restricted master LP and its columns."""

    def __init__(self, problem: WTAProblem) -> None:
        self.problem = problem
        self.n_weapons, self.n_targets = problem.p_kill.shape
        self.q = np.maximum(1.0 - problem.p_kill, _Q_FLOOR)
        self.h = new_highs()
        inf = highspy.kHighsInf
        n_rows = self.n_targets + self.n_weapons
        lower = np.concatenate([np.ones(self.n_targets), np.full(self.n_weapons, -inf)])
        upper = np.concatenate([np.ones(self.n_targets), problem.units.astype(np.float64)])
        self.h.addRows(
            n_rows,
            lower,
            upper,
            0,
            np.zeros(n_rows, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        self.targets: list[int] = []
        self.columns: list[NDArray[np.int64]] = []
        # Generated (non-artificial) column indices per target, and the columns fixed to zero.
        self.by_target: list[list[int]] = [[] for _ in range(self.n_targets)]
        self.blocked = np.zeros(0, dtype=np.int32)
        self.root_hi = np.where(problem.allowed, problem.units[:, None], 0).astype(np.int64)
        self.seen: set[tuple[int, bytes]] = set()
        # Artificial columns keep every node LP feasible; their price exceeds any assignment's.
        self.big = float(problem.values.sum() + problem.costs @ problem.units) + 1.0
        for j in range(self.n_targets):
            self._add(j, None)
        self.centre = np.zeros(self.n_weapons)

    def guess_duals(self, x: NDArray[np.int64]) -> None:
        """Start the dual centre at minus each weapon's best gain from one more round."""
        survival = np.prod(self.q**x, axis=0)
        gain = self.problem.p_kill * (self.problem.values * survival) - self.problem.costs[:, None]
        gain[~self.problem.allowed] = 0.0
        full = x.sum(axis=1) >= self.problem.units
        self.centre = np.where(full, -np.maximum(gain.max(axis=1), 0.0), 0.0)

    def _add(self, j: int, x: NDArray[np.int64] | None) -> bool:
        if x is None:
            cost = self.big
            rows = np.array([j], dtype=np.int32)
            vals = np.ones(1)
            x = np.full(self.n_weapons, -1, dtype=np.int64)
        else:
            key = (j, x.astype(np.int16).tobytes())
            if key in self.seen:
                return False
            self.seen.add(key)
            used = np.flatnonzero(x)
            cost = float(
                self.problem.values[j] * np.prod(self.q[used, j] ** x[used])
                + self.problem.costs[used] @ x[used]
            )
            rows = np.concatenate([[j], self.n_targets + used]).astype(np.int32)
            vals = np.concatenate([[1.0], x[used].astype(np.float64)])
        self.h.addCols(
            1,
            np.array([cost]),
            np.zeros(1),
            np.array([highspy.kHighsInf]),
            rows.size,
            np.zeros(1, dtype=np.int32),
            rows,
            vals,
        )
        if x[0] >= 0:
            self.by_target[j].append(len(self.columns))
        self.targets.append(j)
        self.columns.append(x)
        return True

    def add_matrix(
        self, x: NDArray[np.int64], reduced_below: NDArray[np.float64] | None = None
    ) -> int:
        """Add column ``x[:, j]`` for every target ``j``; return how many were new.

        With ``reduced_below = (pi, mu, tol)`` packed as one array ``[pi..., mu..., tol]``, only
        columns whose reduced cost ``cost - pi . x - mu[j]`` is below ``-tol`` are added.
        """
        targets: list[int] = list(range(self.n_targets))
        if reduced_below is not None:
            pi = reduced_below[: self.n_weapons]
            mu = reduced_below[self.n_weapons : self.n_weapons + self.n_targets]
            tol = reduced_below[-1]
            survival = np.prod(self.q**x, axis=0)
            cost = self.problem.values * survival + (self.problem.costs - pi) @ x
            targets = np.flatnonzero(cost - mu < -tol).tolist()
        return sum(self._add(j, np.ascontiguousarray(x[:, j])) for j in targets)

    def restrict(self, lo: NDArray[np.int64], hi: NDArray[np.int64]) -> None:
        """Fix to zero every column that breaks a node's bounds on ``x[i, j]`` (and free the rest).

        Only targets whose bounds differ from the root's are checked, so the cost follows the
        number of branching rules, not the number of columns.
        """
        changed = np.flatnonzero((lo != 0).any(axis=0) | (hi != self.root_hi).any(axis=0))
        blocked: list[int] = []
        for j in changed:
            ids = np.asarray(self.by_target[j], dtype=np.int32)
            if ids.size == 0:
                continue
            cols = np.stack([self.columns[c] for c in ids])
            fits = np.all((cols >= lo[:, j]) & (cols <= hi[:, j]), axis=1)
            blocked.extend(ids[~fits].tolist())
        new = np.unique(np.asarray(blocked, dtype=np.int32))
        freed = np.setdiff1d(self.blocked, new).astype(np.int32)
        inf = highspy.kHighsInf
        if freed.size:
            self.h.changeColsBounds(
                freed.size, freed, np.zeros(freed.size), np.full(freed.size, inf)
            )
        if new.size:
            self.h.changeColsBounds(new.size, new, np.zeros(new.size), np.zeros(new.size))
        self.blocked = new
