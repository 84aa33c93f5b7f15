"""Posterior of a parameter vector: the mode under bounds, the Laplace approximation around it,
and draws from it.

The fits here have tens of parameters and a likelihood evaluated through an interpolated
emulator (smooth but with kinks at grid lines), so the mode is found by L-BFGS-B with
finite-difference gradients inside the emulator's box, and the covariance is the inverse of a
finite-difference Hessian; directions the data leave flat keep their prior variance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize

__all__ = ["Parameter", "Posterior", "fit_posterior"]

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Parameter:
    """One parameter on its fitting scale: name, normal prior and bounds."""

    name: str
    prior_mean: float
    prior_sd: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Posterior:
    """A Laplace posterior: names, mode and covariance, and the bounds draws are kept in."""

    names: tuple[str, ...]
    mode: F64
    cov: F64
    lower: F64
    upper: F64

    def sd(self, name: str) -> float:
        """Posterior standard deviation of one parameter."""
        i = self.names.index(name)
        return float(np.sqrt(self.cov[i, i]))

    def value(self, name: str) -> float:
        """Posterior mode of one parameter."""
        return float(self.mode[self.names.index(name)])

    def draw(self, n: int, rng: np.random.Generator) -> F64:
        """``n`` draws, shape (n, k), clipped to the bounds."""
        vals, vecs = np.linalg.eigh(self.cov)
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        x = self.mode + rng.standard_normal((n, len(self.mode))) @ root.T
        out: F64 = np.clip(x, self.lower, self.upper)
        return out


def _hessian(f: Callable[[F64], float], x: F64, h: F64) -> F64:
    k = len(x)
    hess = np.empty((k, k))
    f0 = f(x)
    eye = np.diag(h)
    plus = np.array([f(x + eye[i]) for i in range(k)])
    minus = np.array([f(x - eye[i]) for i in range(k)])
    for i in range(k):
        hess[i, i] = (plus[i] - 2.0 * f0 + minus[i]) / h[i] ** 2
        for j in range(i + 1, k):
            v = (f(x + eye[i] + eye[j]) - plus[i] - plus[j] + f0) / (h[i] * h[j])
            hess[i, j] = hess[j, i] = v
    return hess


def fit_posterior(
    neg_log_lik: Callable[[F64], float],
    params: Sequence[Parameter],
    x0: F64 | None = None,
    extra_prior: Callable[[F64], float] | None = None,
    maxiter: int = 300,
) -> Posterior:
    """Mode of likelihood × priors inside the bounds, and the Laplace approximation there.

    Parameters
    ----------
    neg_log_lik
        Negative log-likelihood of the parameter vector (fitting scale).
    params
        The parameters: independent normal priors and bounds.
    x0
        Start (the prior means, clipped to the bounds, if None).
    extra_prior
        Negative log of a further prior term (e.g. a random walk linking parameters).
    maxiter
        L-BFGS-B iterations.
    """
    mean = np.array([p.prior_mean for p in params])
    sd = np.array([p.prior_sd for p in params])
    lower = np.array([p.lower for p in params])
    upper = np.array([p.upper for p in params])
    if not params:
        empty = np.zeros(0)
        return Posterior(names=(), mode=empty, cov=np.zeros((0, 0)), lower=empty, upper=empty)

    def objective(x: F64) -> float:
        value = neg_log_lik(x) + 0.5 * float(np.sum(((x - mean) / sd) ** 2))
        if extra_prior is not None:
            value += extra_prior(x)
        return value if np.isfinite(value) else 1e300

    start = np.clip(mean if x0 is None else x0, lower, upper)
    res = optimize.minimize(
        objective,
        start,
        method="L-BFGS-B",
        bounds=list(zip(lower, upper, strict=True)),
        options={"maxiter": maxiter, "eps": 1e-5},
    )
    x = res.x
    h = 1e-3 * np.maximum(1.0, np.abs(x))
    # Keep the finite differences inside the box.
    x_in = np.clip(x, lower + 2 * h, upper - 2 * h)
    hess = _hessian(objective, x_in, h)
    hess = 0.5 * (hess + hess.T)
    vals, vecs = np.linalg.eigh(hess)
    # A direction the data leave flat keeps the widest prior variance, not an infinite one.
    vals = np.maximum(vals, 1.0 / float(np.max(sd)) ** 2)
    cov = (vecs / vals) @ vecs.T
    return Posterior(names=tuple(p.name for p in params), mode=x, cov=cov, lower=lower, upper=upper)
