"""Nightly one-way attack drone counts: trend, over-dispersion and heavy nights.

Model
-----
For night ``t`` (``u`` months after the training end, ``u <= 0`` in the training window) the
expected count is the *level* ``L_t = exp(a + b·g(u) + W(u))``: ``a`` the log level at the training
end, ``b`` the growth per month, ``g(u) = u`` in the window and the damped
``g(u) = (1 - φ^u) / (-ln φ)`` ahead (``φ = 1``: no damping), ``W`` the level's wandering ahead
(``W = 0`` in the window; a random walk plus month effects ahead, see ``drift``) for what no
trend foresees.

Given ``L``, a night is quiet (no drones) with probability ``p_zero``; otherwise it is a heavy
night with probability ``p_heavy`` and a regular one else, each negative binomial with its own
shape; the heavy mean is ``1 + heavy_excess`` times the regular mean and both are scaled so that
the night's expectation is ``L``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from umbrella.tempo.drift import LevelNoise
from umbrella.tempo.likelihood import FloatArray, Laplace, fit_laplace, nbinom_logpmf

__all__ = [
    "DAYS_PER_MONTH",
    "DRONE_PARAMS",
    "DroneTempo",
    "fit_drone_tempo",
    "night_cv2",
    "simulate_drones",
]

DAYS_PER_MONTH = 365.25 / 12.0
DRONE_PARAMS = (
    "log_level",
    "growth_per_month",
    "logit_p_zero",
    "logit_p_heavy",
    "log_heavy_excess",
    "log_shape",
    "log_shape_heavy",
)
_PRIOR_MEAN = np.array([0.0, 0.0, -2.0, -2.0, np.log(2.0), 0.0, np.log(5.0)])
_PRIOR_SD = np.array([10.0, 0.2, 3.0, 1.5, 1.0, 2.0, 1.5])


@dataclass(frozen=True)
class DroneTempo:
    """Fitted drone-count part of the raid-tempo model.

    Attributes
    ----------
    posterior
        Laplace posterior of :data:`DRONE_PARAMS`.
    level
        Month-to-month wandering of the log level ahead of the training end.
    damping
        Monthly trend damping ``φ`` in (0, 1].
    window_days
        Number of nights the fit used.
    """

    posterior: Laplace
    level: LevelNoise
    damping: float
    window_days: int


def _components(
    theta: dict[str, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    p_zero = special.expit(theta["logit_p_zero"])
    p_heavy = special.expit(theta["logit_p_heavy"])
    ratio = 1.0 + np.exp(theta["log_heavy_excess"])
    scale = 1.0 / ((1.0 - p_zero) * (1.0 - p_heavy + p_heavy * ratio))
    return (
        p_zero,
        p_heavy,
        scale,
        scale * ratio,
        np.exp(theta["log_shape"]),
        np.exp(theta["log_shape_heavy"]),
    )


def _night_logpmf(y: FloatArray, level: FloatArray, theta: dict[str, FloatArray]) -> FloatArray:
    p_zero, p_heavy, m_reg, m_heavy, k_reg, k_heavy = _components(theta)
    lp_reg = np.log1p(-p_heavy) + nbinom_logpmf(y, level * m_reg, k_reg)
    lp_heavy = np.log(p_heavy) + nbinom_logpmf(y, level * m_heavy, k_heavy)
    lp_active = np.log1p(-p_zero) + np.logaddexp(lp_reg, lp_heavy)
    out: FloatArray = np.where(y == 0, np.logaddexp(np.log(p_zero), lp_active), lp_active)
    return out


def _night_variance(level: FloatArray, theta: dict[str, FloatArray]) -> FloatArray:
    p_zero, p_heavy, m_reg, m_heavy, k_reg, k_heavy = _components(theta)
    mu_r, mu_h = level * m_reg, level * m_heavy
    second = (1.0 - p_zero) * (
        (1.0 - p_heavy) * (mu_r + mu_r**2 * (1.0 + 1.0 / k_reg))
        + p_heavy * (mu_h + mu_h**2 * (1.0 + 1.0 / k_heavy))
    )
    out: FloatArray = second - level**2
    return out


def fit_drone_tempo(
    counts: NDArray[np.int64],
    days_to_end: NDArray[np.int64],
    months: NDArray[np.int64] | None = None,
    damping: float = 1.0,
) -> DroneTempo:
    """Fit the drone part to nightly counts of a training window.

    Parameters
    ----------
    counts
        Drones launched per night, shape (n,).
    days_to_end
        Days from each night to the training end (0 for the last night, negative before),
        shape (n,).
    months
        Calendar month key of each night, shape (n,). If given, the night-to-night parameters
        (quiet and heavy nights, shapes) are refitted around each month's own mean, so that
        month-to-month swings, modelled apart (``drift``), do not also widen the nightly
        spread; the level and growth come from the fit around the trend.
    damping
        Monthly trend damping ``φ`` used ahead of the window.
    """
    y = np.asarray(counts, dtype=np.float64)
    u = np.asarray(days_to_end, dtype=np.float64) / DAYS_PER_MONTH

    def nll(x: FloatArray) -> float:
        theta = {n: np.asarray(v) for n, v in zip(DRONE_PARAMS, x, strict=True)}
        level = np.exp(theta["log_level"] + theta["growth_per_month"] * u)
        return -float(np.sum(_night_logpmf(y, level, theta)))

    prior_mean = _PRIOR_MEAN.copy()
    prior_mean[0] = np.log(max(float(y[-60:].mean()), 0.5))
    x0 = prior_mean.copy()
    x0[2] = special.logit(np.clip(np.mean(y == 0), 0.02, 0.98))
    posterior = fit_laplace(nll, DRONE_PARAMS, prior_mean, _PRIOR_SD, x0=x0)
    if months is not None:
        posterior = _refit_nightly(y, np.asarray(months), posterior)
    return DroneTempo(
        posterior=posterior,
        level=LevelNoise(0.0, 0.0),
        damping=float(damping),
        window_days=len(y),
    )


def _refit_nightly(y: FloatArray, months: NDArray[np.int64], trend: Laplace) -> Laplace:
    _, inverse = np.unique(months, return_inverse=True)
    level = ((np.bincount(inverse, weights=y) + 0.5) / np.bincount(inverse))[inverse]
    names = DRONE_PARAMS[2:]

    def nll(x: FloatArray) -> float:
        theta = {n: np.asarray(v) for n, v in zip(names, x, strict=True)}
        return -float(np.sum(_night_logpmf(y, level, theta)))

    nightly = fit_laplace(nll, names, _PRIOR_MEAN[2:], _PRIOR_SD[2:], x0=np.array(trend.mean[2:]))
    cov = np.zeros((len(DRONE_PARAMS), len(DRONE_PARAMS)))
    cov[:2, :2] = np.asarray(trend.cov)[:2, :2]
    cov[2:, 2:] = np.asarray(nightly.cov)
    return Laplace(
        names=DRONE_PARAMS,
        mean=(*trend.mean[:2], *nightly.mean),
        cov=tuple(tuple(float(c) for c in row) for row in cov),
    )


def night_cv2(model: DroneTempo) -> float:
    """Squared coefficient of variation of one night's count at the fitted training-end level."""
    theta = {n: np.asarray(model.posterior.value(n)) for n in DRONE_PARAMS}
    level = np.exp(theta["log_level"])
    return float(_night_variance(level, theta) / level**2)


def trend_shape(u: FloatArray, damping: float) -> FloatArray:
    """Cumulative damped trend ``g(u)`` in months ahead (``u`` months, >= 0)."""
    if damping >= 1.0:
        return u
    out: FloatArray = (1.0 - damping**u) / (-np.log(damping))
    return out


def simulate_drones(
    model: DroneTempo,
    days_ahead: NDArray[np.int64],
    theta: dict[str, FloatArray],
    deviation: FloatArray,
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """Draw nightly drone counts.

    Parameters
    ----------
    model
        The fitted drone part.
    days_ahead
        Days after the training end of each night to simulate, increasing, shape (n_nights,);
        values below 1 are treated as 1 (the level at the end of training).
    theta
        One parameter draw per run (name → array of shape (runs,)), from
        ``model.posterior.draw``.
    deviation
        Wandering of the log level (``drift.draw_level_noise``), shape (runs, n_nights).
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Drones per run and night, shape (runs, n_nights).
    """
    runs = len(theta["log_level"])
    days = np.maximum(np.asarray(days_ahead, dtype=np.int64), 1)
    u = days / DAYS_PER_MONTH
    g = trend_shape(u, model.damping)
    col = {k: v[:, None] for k, v in theta.items()}
    level = np.exp(col["log_level"] + col["growth_per_month"] * g[None, :] + deviation)
    p_zero, p_heavy, m_reg, m_heavy, k_reg, k_heavy = _components(col)
    shape = (runs, len(days))
    heavy = rng.random(shape) < p_heavy
    active = rng.random(shape) >= p_zero
    k = np.where(heavy, k_heavy, k_reg)
    mean = level * np.where(heavy, m_heavy, m_reg)
    rate = mean * rng.gamma(k, 1.0, size=shape) / k
    # A cap far above any reported night keeps a wild parameter draw from overflowing.
    drawn = rng.poisson(np.minimum(rate, 1e7))
    out: NDArray[np.int64] = np.where(active, drawn, 0).astype(np.int64)
    return out
