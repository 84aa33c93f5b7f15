"""Summary statistics used by every result: means with Student-t intervals, predictive quantiles,
and paired differences under common random numbers.

Two kinds of interval appear in umbrella's outputs, always labelled:

- ``ci95``: the 95% confidence interval of a **mean** over replications (Student t). It shrinks
  as runs are added and says how well the mean is known.
- ``p05``/``p50``/``p95``: the **spread** over runs (a 90% predictive interval and the median).
  It says what one night or one season may look like, and does not shrink with more runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from umbrella.core.documents import Estimate

__all__ = [
    "DISTRIBUTION_P",
    "QUANTILES",
    "distribution_quantiles",
    "estimate",
    "estimate_columns",
    "mean_ci",
    "paired_difference",
    "quantiles",
    "t_quantile",
]

#: The quantiles reported as a 90% predictive interval and the median.
QUANTILES = (0.05, 0.5, 0.95)
#: The probabilities at which a summary gives a quantity's per-run distribution (its
#: quantiles): enough to draw its exceedance curve P(X > x) = 1 - p, few enough to stay small.
DISTRIBUTION_P = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom."""
    from scipy.special import stdtrit  # local: keeps importing results light

    return float(stdtrit(df, p))


def mean_ci(x: npt.ArrayLike, axis: int = 0, level: float = 0.95) -> tuple[Any, Any, Any]:
    """Mean and Student-t confidence interval of the mean along ``axis``.

    With a single replication the interval is undefined and returned as NaN.

    Examples
    --------
    >>> m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    >>> float(m), round(float(lo), 3), round(float(hi), 3)
    (2.0, -0.484, 4.484)
    """
    arr = np.asarray(x, dtype=float)
    n = arr.shape[axis]
    mean = arr.mean(axis=axis)
    if n < 2:
        nan = np.full_like(mean, np.nan)
        return mean, nan, nan
    sem = arr.std(axis=axis, ddof=1) / np.sqrt(n)
    half = t_quantile(0.5 + level / 2, n - 1) * sem
    return mean, mean - half, mean + half


def quantiles(x: npt.ArrayLike) -> dict[str, float]:
    """``{"p05", "p50", "p95"}`` of a sample: a 90% predictive interval and the median."""
    q = np.quantile(np.asarray(x, dtype=float), QUANTILES)
    return {"p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}


def distribution_quantiles(x: npt.ArrayLike) -> list[float]:
    """The per-run quantiles of ``x`` at :data:`DISTRIBUTION_P` (linear interpolation): the
    value ``q[i]`` that a share ``1 - DISTRIBUTION_P[i]`` of the runs exceed."""
    q = np.quantile(np.asarray(x, dtype=float), DISTRIBUTION_P)
    return [float(v) for v in q]


def estimate(x: npt.ArrayLike) -> Estimate:
    """``{"mean", "ci95", "p05", "p50", "p95"}`` of per-run values: the mean with the Student-t
    interval of the mean, and the spread over runs (``ci95`` is ``[None, None]`` for one run).

    Examples
    --------
    >>> [round(v, 3) for v in estimate([1.0, 2.0, 3.0])["ci95"]]
    [-0.484, 4.484]
    """
    m, lo, hi = mean_ci(x)
    q = quantiles(x)
    return {"mean": float(m), "ci95": [_num(lo), _num(hi)], "p05": q["p05"], "p50": q["p50"],
            "p95": q["p95"]}  # fmt: skip


def estimate_columns(key: str, x: npt.ArrayLike) -> dict[str, Any]:
    """Table columns of per-run values ``x`` (runs along axis 0): ``key`` (the mean),
    ``key_ci95_lo``, ``key_ci95_hi`` (95% CI of the mean), ``key_p05``, ``key_p50``,
    ``key_p95`` (the per-run spread), each of ``x``'s shape without its first axis.

    Examples
    --------
    >>> cols = estimate_columns("leaked", [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    >>> [float(v) for v in cols["leaked"]], [float(v) for v in cols["leaked_p95"]]
    ([2.0, 5.0], [2.9, 5.0])
    """
    arr = np.asarray(x, dtype=float)
    m, lo, hi = mean_ci(arr)
    q = np.quantile(arr, QUANTILES, axis=0)
    return {
        key: m,
        f"{key}_ci95_lo": lo,
        f"{key}_ci95_hi": hi,
        f"{key}_p05": q[0],
        f"{key}_p50": q[1],
        f"{key}_p95": q[2],
    }


def paired_difference(alternative: npt.ArrayLike, baseline: npt.ArrayLike) -> Estimate:
    """The paired difference ``alternative - baseline`` of per-run totals.

    Runs are paired by index (the same seed and run share random numbers), so the interval of
    the mean difference is much narrower than the spread of either side.

    Returns
    -------
    dict
        ``mean``, ``ci95`` (Student-t interval of the mean difference) and ``p05``/``p50``/
        ``p95`` (the spread of the per-run difference).
    """
    diff = np.asarray(alternative, dtype=float) - np.asarray(baseline, dtype=float)
    return estimate(diff)


def _num(x: Any) -> float | None:
    v = float(x)
    return None if np.isnan(v) else v
