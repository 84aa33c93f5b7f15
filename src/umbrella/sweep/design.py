"""Designs: the points of a sweep, from a full grid, a Latin hypercube or a Sobol' sample.

Latin hypercubes come from :class:`scipy.stats.qmc.LatinHypercube`; Sobol' samples (Saltelli's
scheme, first and total order) from SALib, so that :mod:`umbrella.sweep.sensitivity` can
estimate the indices from them. Both draw points in the unit cube, mapped to each parameter:
a range of reals uniformly, a range at a key holding whole numbers to each whole number with
equal probability, a list of values to each value with equal probability.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from umbrella.core.errors import InputError
from umbrella.core.seeds import child_seed, generator
from umbrella.sweep.spec import Parameter

__all__ = ["SWEEP_BOOTSTRAP", "SWEEP_DESIGN", "Design", "make_design"]

#: Stream purposes of a sweep's seed (beside those in :mod:`umbrella.core.seeds`): the design's
#: sample and the bootstrap of the Sobol' indices. The raid engine keeps the seed itself, so
#: every point shares its random numbers.
SWEEP_DESIGN = 2
SWEEP_BOOTSTRAP = 3


@dataclass(frozen=True)
class Design:
    """The points of a sweep.

    Attributes
    ----------
    kind
        ``grid``, ``lhs`` or ``sobol``.
    keys
        The parameters' key paths, in the file's order.
    points
        (P,) one ``{key: value}`` per point, values as the spec takes them.
    unit
        (P, D) the points in the unit cube (NaN for a grid).
    samples
        lhs: the number of points; sobol: the base sample N (P = N (D + 2)); grid: None.
    """

    kind: str
    keys: tuple[str, ...]
    points: list[dict[str, Any]]
    unit: npt.NDArray[np.float64]
    samples: int | None


def _whole(x: float, key: str, source: str) -> int:
    if not float(x).is_integer():
        raise InputError(f"{key} holds whole numbers: give a range of whole numbers", source=source)
    return int(x)


def _grid_values(p: Parameter, integer: bool, source: str) -> list[Any]:
    if p.values is not None:
        return list(p.values)
    assert p.range is not None and p.steps is not None
    xs = np.linspace(p.range[0], p.range[1], p.steps)
    if not integer:
        return [float(x) for x in xs]
    out: list[int] = []
    for x in xs:
        v = math.floor(float(x) + 0.5)
        if v not in out:
            out.append(v)
    return out


def _from_unit(p: Parameter, integer: bool, u: npt.NDArray[np.float64], source: str) -> list[Any]:
    """Map unit-cube coordinates ``u`` (P,) to the parameter's values."""
    if p.values is not None:
        k = len(p.values)
        idx = np.minimum((u * k).astype(np.int64), k - 1)
        return [p.values[i] for i in idx]
    assert p.range is not None
    lo, hi = p.range
    if integer:
        a, b = _whole(lo, p.key, source), _whole(hi, p.key, source)
        idx = np.minimum(np.floor(u * (b - a + 1)).astype(np.int64), b - a)
        return [a + int(i) for i in idx]
    return [float(lo + x * (hi - lo)) for x in u]


def make_design(
    parameters: Sequence[Parameter],
    design: str,
    samples: int | None,
    seed: int,
    integer: Sequence[bool],
    source: str = "<sweep>",
) -> Design:
    """The points of a design.

    Parameters
    ----------
    parameters
        The varied parameters.
    design
        ``grid`` (every combination of the values, the first parameter varying slowest),
        ``lhs`` (``samples`` points) or ``sobol`` (``samples`` x (D + 2) points).
    samples
        See ``design``.
    seed
        The sweep's seed; the sample is drawn from its stream :data:`SWEEP_DESIGN`.
    integer
        Per parameter, whether its key holds whole numbers.
    source
        Where the parameters came from, for errors.
    """
    keys = tuple(p.key for p in parameters)
    d = len(parameters)
    if design == "grid":
        axes = [_grid_values(p, i, source) for p, i in zip(parameters, integer, strict=True)]
        points = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes)]
        return Design("grid", keys, points, np.full((len(points), d), np.nan), None)
    if samples is None:
        raise InputError(f"the {design} design needs samples", source=source, key="samples")
    if design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=d, rng=generator(seed, SWEEP_DESIGN)).random(samples)
    elif design == "sobol":
        from SALib.sample import sobol  # type: ignore[import-untyped]

        problem = {"num_vars": d, "names": list(keys), "bounds": [[0.0, 1.0]] * d}
        unit = sobol.sample(
            problem,
            samples,
            calc_second_order=False,
            scramble=True,
            seed=child_seed(seed, SWEEP_DESIGN),
        )
    else:
        raise InputError(f"unknown design {design!r}", source=source, key="design")
    unit = np.asarray(unit, dtype=np.float64)
    columns = [
        _from_unit(p, i, unit[:, j], source)
        for j, (p, i) in enumerate(zip(parameters, integer, strict=True))
    ]
    points = [{k: columns[j][n] for j, k in enumerate(keys)} for n in range(unit.shape[0])]
    return Design(design, keys, points, unit, samples)
