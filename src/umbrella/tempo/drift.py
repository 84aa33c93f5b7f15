"""How far a monthly level wanders beyond its trend: the forecast uncertainty no fit shows.

Raid tempo and defence success change from month to month in ways no fitted trend foresees (the
autumn-2024 escalation, the spring-2025 dip). Each such series (log mean drones per night, log
mean missiles per night, share of drones neutralised) wanders ahead of the training end as

    W(u) = O + B(u) + M_m(u)

``B`` a Brownian motion with ``rw_sigma`` per square-root month (lasting level shifts), ``M``
one ``N(0, month_sigma²)`` effect per calendar month (passing ones) and, for the share, ``O`` an
offset drawn once per run: how far the level the model starts from (the mean of the last months)
already is from the level at the training end. :func:`calibrate_wander` fits the two sigmas to
the errors of the forecasts the model would have made from every month end of the training
history (``h`` months ahead the error is taken as ``N(0, h·rw_sigma² + month_sigma² + v)``,
``v`` the counting noise); :func:`calibrate_window_wander` fits them to the errors of forecasts of
whole windows of 1 to 6 months, the quantity a forecast reports, and keeps their uncertainty.
Either way the model is calibrated on its own past errors inside the training data, never on the
window it forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from umbrella.core.deprecations import renamed_argument
from umbrella.tempo.likelihood import FloatArray, fit_laplace

__all__ = [
    "LevelNoise",
    "calibrate_wander",
    "calibrate_window_wander",
    "draw_level_noise",
    "month_keys",
]

DAYS_PER_MONTH = 365.25 / 12.0
_NAMES = ("log_rw_sigma", "log_month_sigma")
LEVEL_EXPONENT_PRIOR = (0.3, 0.3)
"""Median and log-scale s.d. of the prior of ``γ`` (``level_scaled``)."""


@dataclass(frozen=True)
class LevelNoise:
    """Month-to-month wandering of a level.

    Attributes
    ----------
    rw_sigma
        Standard deviation of lasting level shifts, per square-root month.
    month_sigma
        Standard deviation of passing month effects.
    n_months
        Months that informed the fit (0: the defaults were used).
    origin_sigma
        Standard deviation of the offset ``O``, drawn once per run, between the level the model
        starts from (a mean over the last months) and the level at the training end.
    dof
        Effective number of errors the sigmas were fitted on; if positive, each run scales its
        whole wandering by ``sqrt(dof / χ²(dof))``, so that a wandering learnt from a short
        history forecasts with the tails of a Student t of ``dof`` degrees of freedom.
    """

    rw_sigma: float
    month_sigma: float
    n_months: int = 0
    origin_sigma: float = 0.0
    dof: float = 0.0


def _predict(z: FloatArray, horizon: int, trend: bool, damping: float) -> FloatArray:
    """Predictions 1..horizon months past the end of ``z`` (trend: OLS line, damped ahead)."""
    h = np.arange(1, horizon + 1, dtype=np.float64)
    if not trend or len(z) < 3:
        return np.full(horizon, float(np.mean(z)))
    t = np.arange(len(z), dtype=np.float64) - (len(z) - 1)
    slope, intercept = np.polyfit(t, z, 1)
    ahead = h if damping >= 1.0 else (1.0 - damping**h) / (-np.log(damping))
    out: FloatArray = intercept + slope * ahead
    return out


def calibrate_wander(
    z: FloatArray,
    noise_var: FloatArray,
    default: LevelNoise,
    window_months: int,
    trend: bool = False,
    damping: float = 1.0,
    horizon: int = 6,
    min_pairs: int = 8,
    half_life_months: float | None = None,
    level_scaled: bool = False,
) -> LevelNoise:
    """Fit the wandering to the errors of past forecasts made inside the training history.

    For every month-end ``o`` of the history with ``window_months`` months before it, the
    series is predicted 1..``horizon`` months ahead the way the model predicts it (the mean of
    the window, or with ``trend`` a least-squares line through it, damped by ``damping`` ahead),
    and each error ``e`` at ``h`` months is taken as ``N(0, h·rw_sigma² + month_sigma² + v)``
    with ``v`` the counting noise of the month predicted; both sigmas are maximum-likelihood
    estimates with weak priors centred on ``default``.

    Parameters
    ----------
    z
        Monthly values (log or logit scale), oldest first, shape (n,).
    noise_var
        Counting-noise variance of each value, shape (n,).
    default
        Returned when fewer than ``min_pairs`` errors are available.
    window_months
        Months of history behind each prediction.
    trend, damping
        How the prediction is made (see above).
    horizon
        Longest horizon, months.
    min_pairs
        Fewest (origin, horizon) errors needed.
    half_life_months
        If given, each error counts with weight ``0.5 ** (age / half_life_months)``, ``age``
        the months from the month it predicted to the last month of ``z``: how levels wander
        changes with the regime, and recent errors say most about the next months.
    level_scaled
        If set, the wander's variance scales as ``exp(-γ (z_o - z_end))`` with the level ``z_o``
        at the origin relative to the last one, ``γ >= 0`` fitted (prior half-normal, s.d. 1):
        a large campaign, bound by production, changes more slowly in relative terms than a
        small one. The sigmas returned are those at the last level.
    """
    z = np.asarray(z, dtype=np.float64)
    v = np.asarray(noise_var, dtype=np.float64)
    window_months = max(int(window_months), 1)
    errors, steps, noise, ages, levels = [], [], [], [], []
    for o in range(window_months - 1, len(z) - 1):
        past = z[o - window_months + 1 : o + 1]
        if not np.all(np.isfinite(past)):
            continue
        n_ahead = min(horizon, len(z) - 1 - o)
        pred = _predict(past, n_ahead, trend, damping)
        for ahead in range(1, n_ahead + 1):
            if np.isfinite(z[o + ahead]) and np.isfinite(v[o + ahead]):
                errors.append(z[o + ahead] - pred[ahead - 1])
                steps.append(float(ahead))
                noise.append(v[o + ahead])
                ages.append(float(len(z) - 1 - (o + ahead)))
                levels.append(float(np.mean(past[-3:])) - float(np.mean(z[-3:])))
    if len(errors) < min_pairs:
        return default
    e, months_ahead, nv = np.array(errors), np.array(steps), np.array(noise)
    weight = (
        np.ones(len(e)) if half_life_months is None else 0.5 ** (np.array(ages) / half_life_months)
    )

    rel = np.array(levels)

    def nll(x: FloatArray) -> float:
        scale = np.exp(-np.exp(x[2]) * rel) if level_scaled else 1.0
        var = (months_ahead * np.exp(2.0 * x[0]) + np.exp(2.0 * x[1])) * scale + nv
        return float(0.5 * np.sum(weight * (np.log(var) + e * e / var)))

    prior = np.log(np.maximum([default.rw_sigma, default.month_sigma], 1e-3))
    if level_scaled:
        fit = fit_laplace(
            nll,
            (*_NAMES, "log_level_exponent"),
            np.append(prior, np.log(LEVEL_EXPONENT_PRIOR[0])),
            np.array([1.0, 1.0, LEVEL_EXPONENT_PRIOR[1]]),
        )
    else:
        fit = fit_laplace(lambda x: nll(np.append(x, 0.0)), _NAMES, prior, np.array([1.0, 1.0]))
    return LevelNoise(
        rw_sigma=float(np.exp(fit.value("log_rw_sigma"))),
        month_sigma=float(np.exp(fit.value("log_month_sigma"))),
        n_months=len(z),
    )


def _walk_factor(weights: FloatArray) -> float:
    """Variance of the weighted mean of the monthly means of a unit random walk from 0, over
    months 1, 2, ... (month ``i`` the interval ``(i - 1, i]``; monthly means, not month-end
    values, since a month's share is the mean over its nights)."""
    i = np.arange(1, len(weights) + 1, dtype=np.float64)
    cov = np.minimum.outer(i, i) - 0.5
    cov[np.diag_indices_from(cov)] = i - 2.0 / 3.0
    return float(weights @ cov @ weights)


def _lag_factor(weights: FloatArray) -> float:
    """Variance of a unit random walk's value now less the weighted mean of its last monthly
    means (``weights`` oldest first): how far a mean of recent months lags the level now."""
    return _walk_factor(weights[::-1])


def calibrate_window_wander(
    z: FloatArray,
    noise_var: FloatArray,
    sizes: FloatArray,
    default: LevelNoise,
    window_months: int,
    horizon: int = 6,
    min_pairs: int = 8,
) -> LevelNoise:
    """Fit the wandering to the errors of past forecasts of whole windows of months.

    From every month end ``o`` of the history with ``window_months`` months before it, the mean
    of the next ``T`` months (``T`` = 1..``horizon``) is predicted by the mean of the last
    ``window_months``, both weighted by ``sizes`` as a pooled share weights its months. The error
    is taken as normal with variance

        rw_sigma² (Σ wᵢwⱼ min(i, j) + lag) + month_sigma² (Σ wᵢ² + Σ pⱼ²) + Σ wᵢ² vᵢ + Σ pⱼ² vⱼ

    (``w`` the window's weights, ``p`` the predictor's, ``lag`` how far the predictor's mean
    trails a random walk, ``v`` the counting noise): a forecast of a window is judged on the
    quantity it reports, and the level it starts from is itself a mean of past months. Each
    error counts ``1 / (horizon · T)``: neighbouring origins share ``T - 1`` of its ``T`` months,
    so the weights add up to the effective number of errors, ``dof``: a wandering learnt from
    a short history forecasts with the tails of a Student t (see :class:`LevelNoise`).

    Parameters
    ----------
    z
        Monthly values (share points for the drone share), oldest first, shape (n,).
    noise_var
        Counting-noise variance of each value, shape (n,).
    sizes
        Weight of each month in a pooled value (e.g. drones assessed), shape (n,).
    default
        Returned when fewer than ``min_pairs`` errors are available.
    window_months
        Months behind each prediction.
    horizon
        Longest window, months.
    min_pairs
        Fewest (origin, window) errors needed.

    Returns
    -------
    LevelNoise
        The two sigmas (posterior mode), ``origin_sigma`` for the last ``window_months`` of the
        history, and ``dof``.
    """
    z = np.asarray(z, dtype=np.float64)
    v = np.asarray(noise_var, dtype=np.float64)
    n = np.asarray(sizes, dtype=np.float64)
    w = max(int(window_months), 1)
    ok = np.isfinite(z) & np.isfinite(v) & (n > 0)
    rows: list[tuple[float, float, float, float, float]] = []
    for o in range(w - 1, len(z) - 1):
        past = slice(o - w + 1, o + 1)
        if not np.all(ok[past]):
            continue
        p = n[past] / n[past].sum()
        lag = _lag_factor(p)
        for t in range(1, min(horizon, len(z) - 1 - o) + 1):
            ahead = slice(o + 1, o + t + 1)
            if not np.all(ok[ahead]):
                continue
            q = n[ahead] / n[ahead].sum()
            rows.append(
                (
                    float(q @ z[ahead] - p @ z[past]),
                    _walk_factor(q) + lag,
                    float(q @ q + p @ p),
                    float(q**2 @ v[ahead] + p**2 @ v[past]),
                    1.0 / (horizon * t),
                )
            )
    if len(rows) < min_pairs:
        return default
    e, walk, month, nv, weight = (np.array(c) for c in zip(*rows, strict=True))

    def nll(x: FloatArray) -> float:
        var = walk * np.exp(2.0 * x[0]) + month * np.exp(2.0 * x[1]) + nv
        return float(0.5 * np.sum(weight * (np.log(var) + e * e / var)))

    prior = np.log(np.maximum([default.rw_sigma, default.month_sigma], 1e-3))
    fit = fit_laplace(nll, _NAMES, prior, np.array([1.0, 1.0]))
    rw = float(np.exp(fit.value("log_rw_sigma")))
    ms = float(np.exp(fit.value("log_month_sigma")))
    p = n[-w:] / n[-w:].sum() if np.all(ok[-w:]) else np.full(w, 1.0 / w)
    return LevelNoise(
        rw_sigma=rw,
        month_sigma=ms,
        n_months=len(z),
        origin_sigma=float(np.sqrt(rw**2 * _lag_factor(p) + ms**2 * float(p @ p))),
        dof=float(weight.sum()),
    )


def month_keys(days_ahead: NDArray[np.int64], train_end: np.datetime64) -> NDArray[np.int64]:
    """Index (0, 1, ...) of the calendar month of each night, counted from the training end's."""
    dates = train_end + days_ahead.astype("timedelta64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64)
    base = np.asarray(train_end).astype("datetime64[M]").astype(np.int64)
    out: NDArray[np.int64] = np.maximum(months - base, 0)
    return out


@renamed_argument("n_runs", "runs", until="0.4")
def draw_level_noise(
    noise: LevelNoise,
    days_ahead: NDArray[np.int64],
    months: NDArray[np.int64],
    runs: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Additive deviations of the level, shape (runs, n_nights).

    Parameters
    ----------
    noise
        The fitted wandering.
    days_ahead
        Days after the training end of each night, increasing, shape (n_nights,); values
        below 1 count as 1.
    months
        Calendar month index of each night (:func:`month_keys`), shape (n_nights,).
    runs
        Runs.
    rng
        Random generator.
    """
    days = np.maximum(np.asarray(days_ahead, dtype=np.int64), 1)
    step = noise.rw_sigma / np.sqrt(DAYS_PER_MONTH)
    walk = np.cumsum(rng.standard_normal((runs, int(days.max()))) * step, axis=1)[:, days - 1]
    effects = rng.standard_normal((runs, int(months.max()) + 1)) * noise.month_sigma
    out: FloatArray = walk + effects[:, months]
    # Drawn only when set, so that the random numbers of a plain wandering stay as they were.
    if noise.origin_sigma > 0.0:
        out = out + rng.standard_normal((runs, 1)) * noise.origin_sigma
    if noise.dof > 0.0:
        out = out * np.sqrt(noise.dof / rng.chisquare(noise.dof, size=(runs, 1)))
    return out
