"""Count likelihoods and the Laplace approximation used to fit the raid-tempo model.

Each part of the model is fitted by maximising its log-likelihood plus weakly informative normal
priors on transformed parameters (logits and logs); the approximate posterior is the normal with
the inverse Hessian at the optimum as covariance (:class:`Laplace`). Forecasts draw one
parameter vector per run from it, so parameter uncertainty reaches the predictive intervals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

__all__ = [
    "Laplace",
    "betabinom_logpmf",
    "fit_laplace",
    "nbinom_logpmf",
]

FloatArray = NDArray[np.float64]


def nbinom_logpmf(y: FloatArray, mean: FloatArray, shape: FloatArray) -> FloatArray:
    """Log pmf of the negative binomial with mean ``mean``, variance ``mean + mean²/shape``."""
    y = np.asarray(y, dtype=np.float64)
    mean = np.maximum(np.asarray(mean, dtype=np.float64), 1e-300)
    shape = np.asarray(shape, dtype=np.float64)
    log_total = np.log(shape + mean)
    out: FloatArray = (
        special.gammaln(y + shape)
        - special.gammaln(shape)
        - special.gammaln(y + 1.0)
        + shape * (np.log(shape) - log_total)
        + y * (np.log(mean) - log_total)
    )
    return out


def betabinom_logpmf(k: FloatArray, n: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Log pmf of the beta-binomial with ``n`` trials and beta parameters ``a``, ``b``."""
    out: FloatArray = (
        special.gammaln(n + 1.0)
        - special.gammaln(k + 1.0)
        - special.gammaln(n - k + 1.0)
        + special.betaln(k + a, n - k + b)
        - special.betaln(a, b)
    )
    return out


@dataclass(frozen=True)
class Laplace:
    """A normal approximation to the posterior of a named parameter vector.

    Attributes
    ----------
    names
        Parameter names (transformed scale: logits and logs as the name says).
    mean
        Posterior mode, shape (k,).
    cov
        Covariance, k rows of k numbers.
    """

    names: tuple[str, ...]
    mean: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]

    def value(self, name: str) -> float:
        """Posterior mode of one parameter."""
        return self.mean[self.names.index(name)]

    def sd(self, name: str) -> float:
        """Posterior standard deviation of one parameter."""
        i = self.names.index(name)
        return float(np.sqrt(self.cov[i][i]))

    def draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        """Draw ``n`` parameter vectors; returns name → array of shape (n,)."""
        mean = np.asarray(self.mean, dtype=np.float64)
        cov = np.asarray(self.cov, dtype=np.float64)
        # Eigen-decomposition tolerates a covariance that is only semi-definite.
        vals, vecs = np.linalg.eigh(cov)
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        x = mean + rng.standard_normal((n, len(mean))) @ root.T
        return {name: x[:, i] for i, name in enumerate(self.names)}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Laplace:
        """Rebuild from :func:`dataclasses.asdict` output (lists for tuples)."""
        names, mean, cov = d["names"], d["mean"], d["cov"]
        if not (
            isinstance(names, list | tuple)
            and isinstance(mean, list | tuple)
            and isinstance(cov, list | tuple)
            and len(names) == len(mean) == len(cov)
        ):
            raise TypeError("names, mean and cov must be lists of one length")
        return cls(
            names=tuple(str(n) for n in names),
            mean=tuple(float(m) for m in mean),
            cov=tuple(tuple(float(c) for c in row) for row in cov),
        )


def _hessian(f: Callable[[FloatArray], float], x: FloatArray) -> FloatArray:
    k = len(x)
    h = 1e-4 * np.maximum(1.0, np.abs(x))
    hess = np.empty((k, k))
    f0 = f(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = h[i]
        hess[i, i] = (f(x + ei) - 2.0 * f0 + f(x - ei)) / h[i] ** 2
        for j in range(i + 1, k):
            ej = np.zeros(k)
            ej[j] = h[j]
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (
                4.0 * h[i] * h[j]
            )
            hess[i, j] = hess[j, i] = v
    return hess


def fit_laplace(
    neg_log_lik: Callable[[FloatArray], float],
    names: tuple[str, ...],
    prior_mean: FloatArray,
    prior_sd: FloatArray,
    x0: FloatArray | None = None,
) -> Laplace:
    """Maximise likelihood × independent normal priors; return the Laplace approximation.

    Parameters
    ----------
    neg_log_lik
        Negative log-likelihood of the transformed parameter vector.
    names
        Parameter names, shape (k,).
    prior_mean, prior_sd
        Independent normal priors on each transformed parameter, shape (k,).
    x0
        Starting point; the prior mean if None.
    """
    prior_mean = np.asarray(prior_mean, dtype=np.float64)
    prior_sd = np.asarray(prior_sd, dtype=np.float64)

    def objective(x: FloatArray) -> float:
        value = neg_log_lik(x) + 0.5 * float(np.sum(((x - prior_mean) / prior_sd) ** 2))
        return value if np.isfinite(value) else 1e300

    start = prior_mean.copy() if x0 is None else np.asarray(x0, dtype=np.float64)
    best = optimize.minimize(objective, start, method="Nelder-Mead", options={"maxiter": 400})
    res = optimize.minimize(objective, best.x, method="BFGS", options={"gtol": 1e-6})
    x = res.x if res.fun <= best.fun else best.x
    hess = _hessian(objective, x)
    hess = 0.5 * (hess + hess.T)
    vals, vecs = np.linalg.eigh(hess)
    # A flat direction keeps its prior variance rather than an infinite or negative one.
    floor = 1.0 / float(np.max(prior_sd) ** 2)
    vals = np.maximum(vals, floor)
    cov = (vecs / vals) @ vecs.T
    return Laplace(
        names=names,
        mean=tuple(float(v) for v in x),
        cov=tuple(tuple(float(c) for c in row) for row in cov),
    )
