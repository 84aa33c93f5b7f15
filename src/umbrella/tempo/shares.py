"""Shares that vary from night to night: neutralised of launched, decoys of drones.

A share is beta-binomial: each night draws its own share from a beta with mean ``mean`` and
concentration ``concentration`` (small = nights differ a lot), and the count is binomial given it.
Both are fitted by maximum likelihood with weak priors (:func:`fit_share`); their Laplace
posterior carries the uncertainty of the mean into forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from umbrella.core.deprecations import renamed_argument
from umbrella.tempo.drift import LevelNoise
from umbrella.tempo.likelihood import FloatArray, Laplace, betabinom_logpmf, fit_laplace

__all__ = [
    "SHARE_PARAMS",
    "ShareModel",
    "design_effect",
    "draw_night_shares",
    "fit_share",
    "points_to_logit",
    "prior_share",
]

SHARE_PARAMS = ("logit_mean", "log_concentration")


@dataclass(frozen=True)
class ShareModel:
    """A fitted (or prior) beta-binomial share.

    Attributes
    ----------
    posterior
        Laplace posterior of ``logit_mean`` and ``log_concentration``.
    n_nights
        Nights that informed the fit (0 for a prior).
    mean_low, mean_high
        If ``n_nights`` is 0 and these are set, each run's mean share is uniform on
        ``[mean_low, mean_high]`` instead of coming from ``posterior`` (a documented prior range).
    level
        Month-to-month wandering of the mean ahead of the training end, if modelled: in share
        points on the arcsine scale at ``wander_share`` if that is set, else on the logit of
        the mean (models written before 0.2).
    size_reference
        With a ``size_slope`` parameter in the posterior, the night's logit mean is
        ``logit_mean + size_slope · (log(trials + 1) - size_reference)``: the drone share rises
        with the size of the night (large raids fly deep, into more layers of defence).
    wander_share
        The pooled share the fit gives the recent nights, where ``level`` (in share points)
        applies: a deviation ``W`` moves it to ``sin²(asin(√s) + W / (2√(s(1 - s))))``, and
        every night's logit mean moves as far as that takes the logit of ``s``.
    """

    posterior: Laplace
    n_nights: int
    mean_low: float | None = None
    mean_high: float | None = None
    level: LevelNoise | None = None
    size_reference: float | None = None
    wander_share: float | None = None

    @property
    def mean(self) -> float:
        """Point estimate of the mean share."""
        if self.mean_low is not None and self.mean_high is not None:
            return 0.5 * (self.mean_low + self.mean_high)
        return float(special.expit(self.posterior.value("logit_mean")))


def design_effect(model: ShareModel, mean_trials: float) -> float:
    """Variance inflation of a pooled share over binomial, for nights of ``mean_trials``."""
    conc = float(np.exp(model.posterior.value("log_concentration")))
    return 1.0 + max(mean_trials - 1.0, 0.0) / (conc + 1.0)


def fit_share(
    successes: NDArray[np.int64],
    trials: NDArray[np.int64],
    prior_mean: float = 0.5,
    prior_concentration: float = 20.0,
    size_effect: bool = False,
) -> ShareModel:
    """Fit a beta-binomial share to nightly counts.

    Parameters
    ----------
    successes, trials
        Per night, e.g. neutralised and assessed launches, shape (n,). Nights with no trials
        are ignored.
    prior_mean, prior_concentration
        Centre of the weak priors: logit-normal (sd 2) on the mean, log-normal (sd 2) on the
        concentration.
    size_effect
        Also fit ``size_slope``, the change of the logit mean per unit of ``log(trials + 1)``
        (prior normal, sd 1), around the window's mean log size.
    """
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    keep = n > 0
    k, n = np.minimum(k[keep], n[keep]), n[keep]
    if len(n) == 0:
        return prior_share(prior_mean, prior_concentration)
    ref = float(np.mean(np.log(n + 1.0))) if size_effect else None
    x = np.log(n + 1.0) - (ref or 0.0)
    names = (*SHARE_PARAMS, "size_slope") if size_effect else SHARE_PARAMS
    prior = np.array([special.logit(prior_mean), np.log(prior_concentration), 0.0][: len(names)])
    sd = np.array([2.0, 2.0, 1.0][: len(names)])

    def nll(theta: FloatArray) -> float:
        logit = theta[0] + (theta[2] * x if size_effect else 0.0)
        mean = special.expit(logit)
        conc = np.exp(theta[1])
        return -float(np.sum(betabinom_logpmf(k, n, mean * conc, (1.0 - mean) * conc)))

    x0 = np.array([special.logit(np.clip(k.sum() / n.sum(), 0.01, 0.99)), prior[1], 0.0])
    posterior = fit_laplace(nll, names, prior, sd, x0=x0[: len(names)])
    return ShareModel(posterior=posterior, n_nights=len(n), size_reference=ref)


def prior_share(
    mean: float,
    concentration: float,
    mean_low: float | None = None,
    mean_high: float | None = None,
) -> ShareModel:
    """A share with no data behind it: weak prior, or a uniform range for the mean."""
    posterior = Laplace(
        names=SHARE_PARAMS,
        mean=(float(special.logit(mean)), float(np.log(concentration))),
        cov=((4.0, 0.0), (0.0, 0.0 if mean_low is not None else 4.0)),
    )
    return ShareModel(posterior=posterior, n_nights=0, mean_low=mean_low, mean_high=mean_high)


@renamed_argument("n_runs", "runs", until="0.4")
def draw_night_shares(
    model: ShareModel,
    runs: int,
    n_nights: int,
    rng: np.random.Generator,
    deviation: FloatArray | None = None,
    trials: NDArray[np.int64] | None = None,
) -> FloatArray:
    """Draw one share per run and night, shape (runs, n_nights), mean uncertainty included.

    ``deviation`` (shape (runs, n_nights)) is the wandering of the mean share: in share points
    at ``model.wander_share`` (see :class:`ShareModel`) if that is set, else added to the
    logit; ``trials`` (same shape) are the nights' sizes, used when the model has a size effect.
    """
    theta = model.posterior.draw(runs, rng)
    if model.n_nights == 0 and model.mean_low is not None and model.mean_high is not None:
        logit_mean = special.logit(rng.uniform(model.mean_low, model.mean_high, size=runs))
    else:
        logit_mean = theta["logit_mean"]
    if deviation is not None and model.wander_share is not None:
        deviation = points_to_logit(deviation, model.wander_share)
    logit = logit_mean[:, None] + (0.0 if deviation is None else deviation)
    if "size_slope" in theta and trials is not None and model.size_reference is not None:
        logit = logit + theta["size_slope"][:, None] * (np.log(trials + 1.0) - model.size_reference)
    mean = special.expit(logit)
    conc = np.exp(theta["log_concentration"])[:, None]
    a = np.maximum(mean * conc, 1e-3)
    b = np.maximum((1.0 - mean) * conc, 1e-3)
    out: FloatArray = rng.beta(a, b, size=(runs, n_nights))
    return out


def points_to_logit(points: FloatArray, share: float) -> FloatArray:
    """The logit shift that moves ``share`` by ``points`` (a fraction, e.g. -0.05) on the
    arcsine scale, same shape as ``points``.

    Near the middle the share moves by ``points``; towards 0 or 1 a move that would cross the
    bound turns back (``sin²`` of an angle that wanders), so the share stays inside (0, 1)
    without a pile of runs at the bound. Small moves in points are the same at every level.
    """
    s = min(max(float(share), 1e-6), 1.0 - 1e-6)
    angle = np.arcsin(np.sqrt(s)) + np.asarray(points) / (2.0 * np.sqrt(s * (1.0 - s)))
    target = np.clip(np.sin(angle) ** 2, 1e-6, 1.0 - 1e-6)
    out: FloatArray = special.logit(target) - special.logit(s)
    return out
