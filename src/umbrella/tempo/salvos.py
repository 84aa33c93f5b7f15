"""Missile salvos: how often a night has missiles, how many, and of which classes.

Model
-----
A night has missiles with probability ``p`` (beta posterior from the training window's count of
missile nights). A missile night's salvo is ``1 + NB(mean, shape)`` missiles. The salvo is split
over the missile classes by a Dirichlet-multinomial: each night draws its own class mix from a
Dirichlet with mean ``mix`` and concentration ``mix_concentration`` (nights are mostly ballistic
or mostly cruise, rarely an even mix). ``mix`` itself is uncertain: each run draws it from a
Dirichlet whose weights are ``0.5 + n_nights · share`` (the information in over-dispersed class
counts grows with the number of nights, not of missiles).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

from umbrella.core.deprecations import renamed_argument
from umbrella.tempo.drift import LevelNoise
from umbrella.tempo.likelihood import FloatArray, Laplace, fit_laplace, nbinom_logpmf

__all__ = ["SIZE_PARAMS", "SalvoTempo", "fit_salvos", "simulate_salvos"]

SIZE_PARAMS = ("log_mean_extra", "log_shape")


@dataclass(frozen=True)
class SalvoTempo:
    """Fitted missile part of the raid-tempo model.

    Attributes
    ----------
    classes
        Missile class names, shape (k,).
    p_night_a, p_night_b
        Beta posterior of the probability that a night has missiles.
    size
        Laplace posterior of the salvo size: ``size - 1 ~ NB(exp(log_mean_extra),
        exp(log_shape))``.
    mix_weights
        Dirichlet weights of the run-level mean class mix, shape (k,).
    mix_concentration
        Night-to-night Dirichlet concentration of the class mix.
    level
        Month-to-month wandering of the log missile rate ahead of the training end.
    """

    classes: tuple[str, ...]
    p_night_a: float
    p_night_b: float
    size: Laplace
    mix_weights: tuple[float, ...]
    mix_concentration: float
    level: LevelNoise = field(default_factory=lambda: LevelNoise(0.0, 0.0))


def _dm_loglik(counts: FloatArray, share: FloatArray, conc: float) -> float:
    alpha = conc * share
    n = counts.sum(axis=1)
    return float(
        np.sum(
            special.gammaln(conc)
            - special.gammaln(n + conc)
            + np.sum(special.gammaln(counts + alpha) - special.gammaln(alpha), axis=1)
        )
    )


def fit_salvos(counts: NDArray[np.int64], classes: tuple[str, ...]) -> SalvoTempo:
    """Fit the missile part to the nightly counts of a training window.

    Parameters
    ----------
    counts
        Missiles launched per night and class, shape (n_nights, k).
    classes
        Names of the k classes.
    """
    c = np.asarray(counts, dtype=np.float64)
    total = c.sum(axis=1)
    salvo = total > 0
    n_salvo = int(salvo.sum())
    sizes = total[salvo] - 1.0

    def nll(x: FloatArray) -> float:
        return -float(np.sum(nbinom_logpmf(sizes, np.exp(x[0]), np.exp(x[1]))))

    prior = np.array([np.log(5.0), 0.0])
    if n_salvo:
        prior_x0 = np.array([np.log(max(float(sizes.mean()), 0.5)), 0.0])
        size = fit_laplace(nll, SIZE_PARAMS, prior, np.array([3.0, 2.0]), x0=prior_x0)
    else:
        size = Laplace(SIZE_PARAMS, tuple(prior), ((1.0, 0.0), (0.0, 1.0)))
    pooled = c[salvo].sum(axis=0)
    share = (pooled + 0.5) / (pooled.sum() + 0.5 * len(classes))
    conc = 1.0
    if n_salvo >= 5:
        res = optimize.minimize_scalar(
            lambda lc: -_dm_loglik(c[salvo], share, float(np.exp(lc))),
            bounds=(np.log(0.05), np.log(200.0)),
            method="bounded",
        )
        conc = float(np.exp(res.x))
    return SalvoTempo(
        classes=tuple(classes),
        p_night_a=0.5 + n_salvo,
        p_night_b=0.5 + len(total) - n_salvo,
        size=size,
        mix_weights=tuple(float(w) for w in 0.5 + n_salvo * share),
        mix_concentration=conc,
    )


@renamed_argument("n_runs", "runs", until="0.4")
def simulate_salvos(
    model: SalvoTempo,
    runs: int,
    n_nights: int,
    rng: np.random.Generator,
    deviation: FloatArray | None = None,
) -> dict[str, NDArray[np.int64]]:
    """Draw missiles per run, night and class; returns class → array (runs, n_nights).

    ``deviation`` (shape (runs, n_nights)) scales the expected missiles per night by
    ``exp(deviation)``: the chance of a missile night as a hazard (``1 - (1 - p)^f``), the
    salvo size by what remains.
    """
    shape = (runs, n_nights)
    p = rng.beta(model.p_night_a, model.p_night_b, size=runs)[:, None]
    theta = model.size.draw(runs, rng)
    mean = np.exp(theta["log_mean_extra"])[:, None]
    factor = np.exp(np.zeros(shape) if deviation is None else deviation)
    p_night = 1.0 - (1.0 - p) ** factor
    mean = np.maximum(factor * p * (1.0 + mean) / np.maximum(p_night, 1e-12) - 1.0, 0.0)
    k = np.exp(theta["log_shape"])[:, None]
    rate = mean * rng.gamma(np.broadcast_to(k, shape), 1.0) / k
    size = 1 + rng.poisson(np.minimum(rate, 1e6))
    size = np.where(rng.random(shape) < p_night, size, 0)
    mix = rng.dirichlet(np.asarray(model.mix_weights), size=runs)
    alpha = np.maximum(model.mix_concentration * mix, 1e-3)[:, None, :]
    night_mix = rng.gamma(np.broadcast_to(alpha, (*shape, len(model.classes))), 1.0)
    night_mix /= np.maximum(night_mix.sum(axis=2, keepdims=True), 1e-300)
    out: dict[str, NDArray[np.int64]] = {}
    remaining = size.astype(np.int64)
    left = np.ones(shape)
    for j, cls in enumerate(model.classes):
        if j == len(model.classes) - 1:
            drawn = remaining
        else:
            p = np.clip(night_mix[:, :, j] / np.maximum(left, 1e-12), 0.0, 1.0)
            drawn = rng.binomial(remaining, p)
        out[cls] = drawn.astype(np.int64)
        remaining = remaining - drawn
        left = left - night_mix[:, :, j]
    return out
