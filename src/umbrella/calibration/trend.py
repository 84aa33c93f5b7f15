"""How the drone-defence capability moves with time: a monthly path fitted to the reports, and
its extrapolation, with its own uncertainty, to nights after the training end.

Model (log κ, the capability of :mod:`umbrella.calibration.posture`):

* each calendar month ``m`` of the training window has its level ``a_m``; the months follow a
  random walk with drift: ``a_{m+1} = a_m + β + σ ε_m`` (``β`` ``capability_drift`` per month,
  ``σ`` ``exp(log_capability_rw)`` per square-root month);
* after the training end the level goes on from the last month's, with the drift damped
  (``g(h) = (1 - φ^h) / (-ln φ)``, ``φ`` = :data:`DAMPING` per month, so the trend never adds
  more than about two months of drift) and a Brownian motion of the same ``σ``:
  ``a(h) = a_M + β g(h) + σ W(h)``, ``h`` in months after the end of the last training month;
* each night deviates from its month's level by ``N(0, τ²)``, ``τ = exp(log_night_sd)``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

__all__ = [
    "DAMPING",
    "DAYS_PER_MONTH",
    "capability_paths",
    "days_ahead",
    "month_end",
    "month_key",
    "month_names",
]

F64 = npt.NDArray[np.float64]
DAYS_PER_MONTH = 365.25 / 12.0
DAMPING = 0.6


def month_key(day: date) -> str:
    """``YYYY-MM`` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def month_names(start: date, end: date) -> list[str]:
    """Every calendar month from ``start``'s to ``end``'s, as ``YYYY-MM``."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_end(key: str) -> date:
    """Last day of a ``YYYY-MM`` month."""
    y, m = int(key[:4]), int(key[5:])
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def capability_paths(
    levels: F64,
    drift: F64,
    rw_sd: F64,
    months: list[str],
    nights: list[date],
    walks: F64,
) -> F64:
    """Log capability of each path on each night (the month's level, or the extrapolation).

    Parameters
    ----------
    levels
        (P, M) monthly levels of each path (one path per posterior draw used).
    drift, rw_sd
        (P,) drift per month and random-walk s.d. per square-root month.
    months
        The M training months, oldest first.
    nights
        Nights to evaluate.
    walks
        (P, H) standard normal steps, one a day after the last training month, with ``H`` at
        least the days from the end of the last month to the last night (a path's steps come
        from its own stream, so a night's value does not depend on the other nights asked).

    Returns
    -------
    numpy.ndarray
        (P, len(nights)). Nights inside a training month take its level; nights before the
        first month take the first; nights after the last month follow the extrapolation.
    """
    n_paths = levels.shape[0]
    index = {m: k for k, m in enumerate(months)}
    last_end = month_end(months[-1])
    out = np.empty((n_paths, len(nights)))
    walk = np.cumsum(walks * np.sqrt(1.0 / DAYS_PER_MONTH), axis=1)
    for j, d in enumerate(nights):
        ahead = (d - last_end).days
        if ahead <= 0:
            key = month_key(d)
            k = index.get(key, 0 if key < months[0] else len(months) - 1)
            out[:, j] = levels[:, k]
        else:
            h = ahead / DAYS_PER_MONTH
            g = (1.0 - DAMPING**h) / (-np.log(DAMPING))
            out[:, j] = levels[:, -1] + drift * g + rw_sd * walk[:, ahead - 1]
    return out


def days_ahead(months: list[str], nights: list[date]) -> int:
    """Days from the end of the last training month to the last of ``nights`` (0 if none)."""
    last_end = month_end(months[-1])
    return max([0, *((d - last_end).days for d in nights)])
