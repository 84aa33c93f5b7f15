"""Proper scores of forecasts, and the persistence forecast they are measured against.

* **CRPS** (continuous ranked probability score) of a predictive sample ``X`` for an outcome
  ``y``: ``E|X - y| - E|X - X'| / 2``, the mean absolute error of the whole distribution (it is
  the absolute error for a point forecast); lower is better.
* **Interval score** of a central ``(1 - α)`` interval ``[l, u]`` (Gneiting and Raftery 2007):
  ``(u - l) + (2/α)(l - y)[y < l] + (2/α)(y - u)[y > u]``; width plus a penalty for misses.

Counts are scored on the ``log(1 + x)`` scale (as the ViEWS forecasting competitions score
fatalities), so that origins with very different levels count alike; the neutralised share in
share points (0-100).

**Persistence**: the value of the same quantity in the window of equal length just before the
window, with a normal spread on the scoring scale whose s.d. is that of the change between
consecutive windows of that length in the history before the origin (windows ending at every
month end); the natural "no model" forecast.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from umbrella.core.deprecations import renamed_argument

__all__ = [
    "ALPHA",
    "crps_sample",
    "interval_score",
    "persistence_sample",
    "score_scale",
]

F64 = NDArray[np.float64]
ALPHA = 0.1
SHARE = "drones_neutralised_share"


def score_scale(quantity: str, values: F64) -> F64:
    """Values on the scale a quantity is scored on (``log1p`` for counts, points for shares)."""
    x = np.asarray(values, dtype=np.float64)
    out: F64 = 100.0 * x if quantity == SHARE else np.log1p(np.maximum(x, 0.0))
    return out


def crps_sample(sample: F64, y: float) -> float:
    """CRPS of a predictive sample for the outcome ``y`` (NaNs in the sample are dropped)."""
    x = np.sort(sample[np.isfinite(sample)])
    n = len(x)
    if n == 0 or not np.isfinite(y):
        return float("nan")
    first = float(np.mean(np.abs(x - y)))
    # E|X - X'| from the sorted sample: (2 / n²) Σ (2i - n - 1) x_i, i = 1..n.
    spread = float(2.0 * np.sum((2.0 * np.arange(1, n + 1) - n - 1) * x) / n**2)
    return first - 0.5 * spread


def interval_score(sample: F64, y: float, alpha: float = ALPHA) -> float:
    """Interval score of the central ``1 - alpha`` interval of a sample for the outcome ``y``."""
    x = sample[np.isfinite(sample)]
    if len(x) == 0 or not np.isfinite(y):
        return float("nan")
    lo, hi = np.quantile(x, [alpha / 2, 1 - alpha / 2])
    return float((hi - lo) + (2 / alpha) * max(lo - y, 0.0) + (2 / alpha) * max(y - hi, 0.0))


def _window_value(
    nights: pd.DataFrame, quantity: str, start: pd.Timestamp, end: pd.Timestamp
) -> float:
    from umbrella.tempo.forecast import observed_quantities

    obs = observed_quantities(nights, start.date(), end.date())
    return float("nan") if obs is None else float(obs[quantity])


@renamed_argument("n", "runs", until="0.4")
def persistence_sample(
    nights: pd.DataFrame,
    origin: date,
    start: date,
    end: date,
    quantity: str,
    runs: int,
    rng: np.random.Generator,
) -> F64:
    """A sample of ``runs`` values of the persistence forecast of a quantity over
    ``start``-``end`` (scoring scale).

    Only nights up to ``origin`` are read.
    """
    days = (end - start).days + 1
    o = pd.Timestamp(origin)
    span = pd.Timedelta(days=days - 1)
    last = score_scale(quantity, np.array([_window_value(nights, quantity, o - span, o)]))[0]
    history = nights.loc[:o]
    first = pd.DatetimeIndex(history.index).min()
    changes = []
    for m in pd.date_range(first + 2 * span + pd.Timedelta(days=1), o, freq="ME"):
        a = _window_value(
            history, quantity, m - 2 * span - pd.Timedelta(days=1), m - span - pd.Timedelta(days=1)
        )
        b = _window_value(history, quantity, m - span, m)
        if np.isfinite(a) and np.isfinite(b):
            sa, sb = score_scale(quantity, np.array([a, b]))
            changes.append(sb - sa)
    sd = float(np.std(changes, ddof=1)) if len(changes) >= 3 else 1.0
    out: F64 = last + sd * rng.standard_normal(runs)
    if quantity == SHARE:
        out = np.clip(out, 0.0, 100.0)
    return out
