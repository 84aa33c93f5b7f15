"""Sobol' sensitivity indices of a sweep's outputs, estimated with SALib.

First-order (``S1``: the share of the output's variance due to one parameter alone) and total
(``ST``: its share with every interaction it takes part in) indices, by Saltelli's estimators
on the points of a ``sobol`` design, with bootstrap 95% confidence intervals. The output at a
point is its mean over the replications, so Monte Carlo noise adds a little to the estimates;
more ``runs`` shrink it, more ``samples`` shrink the sampling error of the indices.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from umbrella.core.seeds import child_seed
from umbrella.sweep.design import SWEEP_BOOTSTRAP, Design

__all__ = ["BOOTSTRAP_RESAMPLES", "sobol_indices"]

#: Bootstrap resamples for the confidence intervals of the indices.
BOOTSTRAP_RESAMPLES = 1000


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def sobol_indices(
    design: Design, y: npt.NDArray[np.float64], outputs: Sequence[str], seed: int
) -> dict[str, Any]:
    """Sobol' indices of each output.

    Parameters
    ----------
    design
        A ``sobol`` design (its points in SALib's order).
    y
        (P, O) each output at each point.
    outputs
        The outputs' names.
    seed
        The sweep's seed; the bootstrap draws from its stream :data:`SWEEP_BOOTSTRAP`.

    Returns
    -------
    dict
        ``{output: {key: {"S1", "ST", "S1_ci95": [lo, hi], "ST_ci95": [lo, hi]}}}``; an output
        that does not vary over the design has ``None`` indices.
    """
    from SALib.analyze import sobol  # type: ignore[import-untyped]

    if design.kind != "sobol":
        raise ValueError("Sobol' indices need a sobol design")
    problem = {
        "num_vars": len(design.keys),
        "names": list(design.keys),
        "bounds": [[0.0, 1.0]] * len(design.keys),
    }
    out: dict[str, Any] = {}
    for o, name in enumerate(outputs):
        col = np.ascontiguousarray(y[:, o], dtype=float)
        if not np.all(np.isfinite(col)) or np.ptp(col) == 0.0:
            none = {"S1": None, "ST": None, "S1_ci95": [None, None], "ST_ci95": [None, None]}
            out[name] = {k: dict(none) for k in design.keys}
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a parameter without effect: 0/0
            res = sobol.analyze(
                problem,
                col,
                calc_second_order=False,
                num_resamples=BOOTSTRAP_RESAMPLES,
                conf_level=0.95,
                seed=child_seed(seed, SWEEP_BOOTSTRAP) or 1,  # SALib takes 0 as "no seed"
            )
        out[name] = {
            key: {
                "S1": _num(res["S1"][j]),
                "ST": _num(res["ST"][j]),
                "S1_ci95": [
                    _num(res["S1"][j] - res["S1_conf"][j]),
                    _num(res["S1"][j] + res["S1_conf"][j]),
                ],
                "ST_ci95": [
                    _num(res["ST"][j] - res["ST_conf"][j]),
                    _num(res["ST"][j] + res["ST_conf"][j]),
                ],
            }
            for j, key in enumerate(design.keys)
        }
    return out
