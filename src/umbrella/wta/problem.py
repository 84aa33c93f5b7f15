"""The static weapon-target assignment problem and the one objective function (its result,
:class:`~umbrella.wta.result.WTAResult`, is also importable from here).

A problem has ``W`` weapons (weapon types, each with ``units[i]`` identical rounds) and ``T``
targets (each with a value ``values[j]``). Assigning ``x[i, j]`` rounds of weapon ``i`` to
target ``j`` leaves the target alive with probability ``prod_i (1 - p_kill[i, j]) ** x[i, j]``.
The objective to *minimise* is the expected surviving value plus the price of the rounds used::

    sum_j values[j] * prod_i (1 - p_kill[i, j]) ** x[i, j]  +  sum_ij unit_cost[i] * x[i, j]

subject to ``sum_j x[i, j] <= units[i]``, ``x[i, j] = 0`` where ``mask`` is false, and
``sum_i x[i, j] >= min_units[j]`` (the minimum-assignment rows of the Bracken-McCormick model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from umbrella.core.errors import InputError
from umbrella.wta.result import Status, WTAResult

__all__ = [
    "MAX_PAIRS",
    "MAX_ROUNDS",
    "MAX_WORK",
    "Status",
    "WTAProblem",
    "WTAResult",
    "evaluate",
    "is_feasible",
]

#: Most weapon x target pairs in one instance (each (W, T) array is then at most 16 MB).
MAX_PAIRS = 2_000_000
#: Most rounds of one weapon.
MAX_ROUNDS = 1_000_000
#: Most greedy work: rounds to assign x weapon-target pairs each round is chosen among.
MAX_WORK = 2 * 10**10
#: Largest target value or round price.
MAX_VALUE = 1e15


FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class WTAProblem:
    """A static weapon-target assignment instance (plain arrays, validated on construction).

    Parameters
    ----------
    values
        Target values ``V[j]``, shape ``(T,)``, finite and non-negative.
    p_kill
        Single-round kill probabilities ``p[i, j]``, shape ``(W, T)``, each in ``[0, 1]``.
    units
        Rounds available of each weapon ``m[i]``, shape ``(W,)``, non-negative integers.
    mask
        Optional feasible pairs, shape ``(W, T)`` bool; ``False`` forbids weapon ``i`` on
        target ``j``. ``None`` allows every pair.
    unit_cost
        Optional price of one round of weapon ``i``, shape ``(W,)``, finite and non-negative,
        in the same unit as ``values``. ``None`` means free rounds.
    min_units
        Optional minimum number of rounds on each target, shape ``(T,)``, non-negative integers.
        ``None`` means no minimum.

    Raises
    ------
    InputError
        If a shape, range or type is wrong.
    """

    values: FloatArray
    p_kill: FloatArray
    units: IntArray
    mask: BoolArray | None = None
    unit_cost: FloatArray | None = None
    min_units: IntArray | None = None

    def __post_init__(self) -> None:
        values = _as_float(self.values, "values", ndim=1)
        p_kill = _as_float(self.p_kill, "p_kill", ndim=2)
        n_weapons, n_targets = p_kill.shape
        if n_weapons < 1 or n_targets < 1:
            raise InputError("needs at least one weapon and one target", key="p_kill")
        if np.any(values > MAX_VALUE):
            raise InputError(f"target values must be at most {MAX_VALUE:g}", key="values")
        if values.shape != (n_targets,):
            raise InputError(
                f"shape {values.shape} does not match p_kill's {n_targets} targets", key="values"
            )
        if np.any(values < 0):
            raise InputError("target values must be non-negative", key="values")
        if np.any((p_kill < 0) | (p_kill > 1)):
            raise InputError("kill probabilities must lie in [0, 1]", key="p_kill")
        units = _as_int(self.units, "units", (n_weapons,))
        if np.any(units > MAX_ROUNDS):
            raise InputError(f"at most {MAX_ROUNDS:,} rounds of one weapon", key="units")
        work = int(units.sum()) * n_weapons * n_targets
        if work > MAX_WORK:
            raise InputError(
                f"{int(units.sum()):,} rounds x {n_weapons * n_targets:,} pairs = {work:,}, over "
                f"the work budget of {MAX_WORK:,} (a budget of work, not a timeout)",
                key="units",
            )
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "p_kill", p_kill)
        object.__setattr__(self, "units", units)
        if self.mask is not None:
            mask = np.asarray(self.mask)
            if mask.shape != (n_weapons, n_targets) or mask.dtype != np.bool_:
                raise InputError(
                    f"must be a bool array of shape {(n_weapons, n_targets)}", key="mask"
                )
            object.__setattr__(self, "mask", np.array(mask, order="C"))
        if self.unit_cost is not None:
            cost = _as_float(self.unit_cost, "unit_cost", ndim=1)
            if cost.shape != (n_weapons,) or np.any(cost < 0) or np.any(cost > MAX_VALUE):
                raise InputError(f"must be {n_weapons} non-negative prices", key="unit_cost")
            object.__setattr__(self, "unit_cost", cost)
        if self.min_units is not None:
            object.__setattr__(
                self, "min_units", _as_int(self.min_units, "min_units", (n_targets,))
            )
        for name in ("values", "p_kill", "units", "mask", "unit_cost", "min_units"):
            array = getattr(self, name)
            if array is not None:
                array.flags.writeable = False

    @property
    def n_weapons(self) -> int:
        """Number of weapons ``W``."""
        return int(self.p_kill.shape[0])

    @property
    def n_targets(self) -> int:
        """Number of targets ``T``."""
        return int(self.p_kill.shape[1])

    @property
    def allowed(self) -> BoolArray:
        """Feasible pairs, shape ``(W, T)`` (all true when no mask was given)."""
        if self.mask is None:
            return np.ones(self.p_kill.shape, dtype=np.bool_)
        return self.mask

    @property
    def costs(self) -> FloatArray:
        """Price per round of each weapon, shape ``(W,)`` (zeros when none was given)."""
        if self.unit_cost is None:
            return np.zeros(self.n_weapons)
        return self.unit_cost

    @property
    def minimums(self) -> IntArray:
        """Minimum rounds per target, shape ``(T,)`` (zeros when none was given)."""
        if self.min_units is None:
            return np.zeros(self.n_targets, dtype=np.int64)
        return self.min_units


def evaluate(problem: WTAProblem, x: NDArray[np.integer]) -> float:
    """Objective of an assignment, recomputed from scratch.

    Parameters
    ----------
    problem
        The instance.
    x
        Rounds per pair, shape ``(W, T)``, non-negative integers.

    Returns
    -------
    float
        ``sum_j V[j] prod_i (1 - p[i, j]) ** x[i, j] + sum_ij c[i] x[i, j]``.
    """
    x = np.asarray(x, dtype=np.int64)
    survival = np.prod(np.power(1.0 - problem.p_kill, x), axis=0)
    priced = float(problem.costs @ x.sum(axis=1)) if problem.unit_cost is not None else 0.0
    return float(problem.values @ survival) + priced


def is_feasible(problem: WTAProblem, x: NDArray[np.integer]) -> bool:
    """Whether ``x`` (shape ``(W, T)``) respects capacities, the mask and target minimums."""
    x = np.asarray(x)
    if x.shape != problem.p_kill.shape or np.any(x < 0):
        return False
    if np.any(x.sum(axis=1) > problem.units):
        return False
    if problem.mask is not None and np.any(x[~problem.mask] != 0):
        return False
    return not (problem.min_units is not None and np.any(x.sum(axis=0) < problem.min_units))


def status_for(objective: float, bound: float | None, rel_tol: float = 1e-6) -> Status:
    """``"optimal"`` when ``bound`` is within ``rel_tol`` (relative) of ``objective``."""
    if bound is not None and objective - bound <= rel_tol * max(abs(objective), 1e-12):
        return "optimal"
    return "feasible"


def _as_float(array: object, key: str, *, ndim: int) -> FloatArray:
    try:
        out = np.array(array, dtype=np.float64, order="C")
    except (TypeError, ValueError) as exc:
        raise InputError(f"not numeric: {exc}", key=key) from None
    if out.ndim != ndim:
        raise InputError(f"expected {ndim}-d array, got shape {out.shape}", key=key)
    if out.size > MAX_PAIRS:
        raise InputError(f"{out.size:,} numbers, over the limit of {MAX_PAIRS:,}", key=key)
    if not np.all(np.isfinite(out)):
        raise InputError("must be finite", key=key)
    return out


def _as_int(array: object, key: str, shape: tuple[int, ...]) -> IntArray:
    try:
        raw = np.asarray(array)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"not whole numbers: {exc}", key=key) from None
    if raw.shape != shape:
        raise InputError(f"expected shape {shape}, got {raw.shape}", key=key)
    if raw.dtype.kind == "f" and (not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw))):
        raise InputError("must be whole numbers", key=key)
    if raw.dtype.kind not in "iuf" and raw.size:
        raise InputError("must be whole numbers", key=key)
    if raw.size and (np.any(raw > 2**62) or np.any(raw < -(2**62))):
        raise InputError("whole numbers too large", key=key)
    out = raw.astype(np.int64)
    if np.any(out < 0):
        raise InputError("must be non-negative", key=key)
    return out
