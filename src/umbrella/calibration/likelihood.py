"""The simulated likelihood of the nightly reports under the posture (through the emulator).

**Drones.** A night of ``N`` drones with ``k`` reported neutralised (and, before the 1 August
2025 break, ``s`` of them shot down) is, given the night's capability ``log κ = a_m + τ z``, its
frontline count ``F = min(N, c·exp(s_F y))`` and its decoy share ``d``:

* ``k ~ Binomial(N, p)``, ``p`` the engine's neutralised fraction of the night's mix
  (frontline and deep zones weighted by their drones, real drones and decoys by ``d``);
* ``s | k ~ BetaBinomial(k, q ψ, (1 - q) ψ)``, ``q`` the engine's killed share of the
  neutralised (shot down vs locationally lost), ``ψ`` fitted.

``z`` and ``y`` are standard normal and integrated out by Gauss-Hermite quadrature, ``d``
(where the reports do not give it) by five quantiles of ``Beta(d̄·30, (1 - d̄)·30)``: the
likelihood of a night is the mixture over these nodes. The binomial is the engine's own
replication spread (each threat's fate is nearly independent given the night's draws), so the
night-to-night spread beyond it is what ``τ`` and ``s_F`` must carry; predictions fly exactly
these draws through the engine.

**Missiles.** Per catalogue type, on nights where a report row names that type alone:
``k ~ Binomial(a, μ)``, ``μ`` the engine's neutralised fraction at the night's
``logit p_kill_factor = f + σ z`` (``f`` and ``σ`` the type's, ``z`` integrated out) and, for a
ballistic or aeroballistic type, on the one wave the night's salvo flies (a mixture over the
type's waves: whether a salvo meets a Patriot or not makes these types all-or-nothing from
night to night), as the engine flies it in predictions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from umbrella.calibration.emulator import DroneResponse, MissileResponse
from umbrella.calibration.layout import DECOY_CONCENTRATION

__all__ = [
    "DroneNights",
    "MissileNights",
    "betabinom_log",
    "binom_log",
    "drone_log_likelihood",
    "missile_log_likelihood",
    "night_fractions",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Z_NODES, Z_WEIGHTS = np.polynomial.hermite_e.hermegauss(7)
Z_WEIGHTS = Z_WEIGHTS / Z_WEIGHTS.sum()
Y_NODES, Y_WEIGHTS = np.polynomial.hermite_e.hermegauss(9)
Y_WEIGHTS = Y_WEIGHTS / Y_WEIGHTS.sum()
D_PROBS = (np.arange(5) + 0.5) / 5.0


@dataclass(frozen=True)
class DroneNights:
    """Training nights for the drone likelihood (each array shape (n,)).

    Attributes
    ----------
    drones, neutralised
        Drones launched and reported neutralised.
    shot_down
        Reported shot down (NaN from the break, where only the sum is reported).
    decoy_share
        Reported decoy share (NaN where not reported).
    month
        Index of the night's month in ``months``.
    months
        The training months, oldest first.
    """

    drones: F64
    neutralised: F64
    shot_down: F64
    decoy_share: F64
    month: I64
    months: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.drones)


def betabinom_log(k: F64, n: F64, a: F64, b: F64) -> F64:
    out: F64 = (
        special.gammaln(n + 1.0)
        - special.gammaln(k + 1.0)
        - special.gammaln(n - k + 1.0)
        + special.betaln(k + a, n - k + b)
        - special.betaln(a, b)
    )
    return out


def binom_log(k: F64, n: F64, p: F64) -> F64:
    out: F64 = (
        special.gammaln(n + 1.0)
        - special.gammaln(k + 1.0)
        - special.gammaln(n - k + 1.0)
        + special.xlogy(k, p)
        + special.xlog1py(n - k, -p)
    )
    return out


def night_fractions(
    response: DroneResponse,
    table: F64,
    nights: DroneNights,
    log_capability: tuple[F64, F64],
    frontline: F64,
    decoy: F64,
) -> F64:
    """Fractions killed and neutralised of each night at quadrature nodes.

    Parameters
    ----------
    response, table
        The emulator and its table at the current (λ, vulnerability) (:meth:`DroneResponse.at`).
    nights
        The nights.
    log_capability
        (n, Kz) log κ per night and z node, of the frontline zone and of the deep one (the
        same array twice with a single zone).
    frontline
        (n, Ky) frontline drones per night and y node (ignored with one zone).
    decoy
        (n, Kd) decoy share per night and d node.

    Returns
    -------
    numpy.ndarray
        (n, Kz, Ky, Kd, 2): killed and neutralised fractions.
    """
    n = nights.drones[:, None, None]
    lks = [x[:, :, None] for x in log_capability]
    lk = lks[1]
    if len(response.zones) == 2:
        front = frontline[:, None, :]
        sizes = [front, n - front]
    else:
        sizes = [n]
    shape = np.broadcast_shapes(lk.shape, sizes[0].shape)
    total = np.zeros((*shape, decoy.shape[1], 2))
    d = decoy[:, None, None, :, None]
    for z, size in enumerate(sizes):
        size_b = np.broadcast_to(size, shape)
        f = response.fractions(
            table, z, np.broadcast_to(lks[z], shape), np.log(np.maximum(size_b, 1.0))
        )  # (n, Kz, Ky, 2 kinds, 2 outcomes)
        mix = (1.0 - d) * f[..., None, 0, :] + d * f[..., None, 1, :]
        total += size_b[..., None, None] * mix
    out: F64 = total / n[..., None, None]
    return out


def decoy_nodes(nights: DroneNights, mean: float) -> F64:
    """(n, 5) decoy-share nodes: the reported share, or quantiles of the beta around ``mean``."""
    q = special.betaincinv(mean * DECOY_CONCENTRATION, (1 - mean) * DECOY_CONCENTRATION, D_PROBS)
    known = np.isfinite(nights.decoy_share)
    out: F64 = np.where(known[:, None], nights.decoy_share[:, None], q[None, :])
    return out


def drone_log_likelihood(
    response: DroneResponse, nights: DroneNights, theta: Mapping[str, float]
) -> F64:
    """Log-likelihood of each night, shape (n,), at one parameter vector.

    ``theta`` holds ``log_capability@YYYY-MM`` for every month of ``nights.months``,
    ``log_night_sd``, ``log_ew_scale``, ``logit_shahed_ew``, ``logit_decoy_share``,
    ``log_split_concentration`` and, with a frontline zone, ``log_frontline_drones`` and
    ``log_frontline_spread``.
    """
    levels = np.array([theta[f"log_capability@{m}"] for m in nights.months])
    tau = float(np.exp(theta["log_night_sd"]))
    table = response.at(theta["log_ew_scale"], theta["logit_shahed_ew"])
    lk = levels[nights.month][:, None] + tau * Z_NODES[None, :]
    if len(response.zones) == 2:
        lk_front = lk + theta.get("log_frontline_capability", 0.0)
        c = float(np.exp(theta["log_frontline_drones"]))
        s = float(np.exp(theta["log_frontline_spread"]))
        front = np.minimum(nights.drones[:, None], c * np.exp(s * Y_NODES[None, :]))
        y_w = Y_WEIGHTS
    else:
        lk_front = lk
        front = np.zeros((len(nights), 1))
        y_w = np.ones(1)
    decoy = decoy_nodes(nights, float(special.expit(theta["logit_decoy_share"])))
    frac = night_fractions(response, table, nights, (lk_front, lk), front, decoy)
    frac = np.clip(frac, 1e-9, 1 - 1e-9)
    pk, pn = frac[..., 0], frac[..., 1]
    n = nights.drones[:, None, None, None]
    k = nights.neutralised[:, None, None, None]
    ll = binom_log(k, n, pn)
    split = np.isfinite(nights.shot_down)
    if split.any():
        psi = float(np.exp(theta["log_split_concentration"]))
        q = np.clip(pk / pn, 1e-6, 1 - 1e-6)
        shot = np.where(split, nights.shot_down, 0.0)[:, None, None, None]
        ll = ll + np.where(
            split[:, None, None, None], betabinom_log(shot, k, q * psi, (1 - q) * psi), 0.0
        )
    logw = (
        np.log(Z_WEIGHTS)[None, :, None, None]
        + np.log(y_w)[None, None, :, None]
        + np.log(np.full(decoy.shape[1], 1.0 / decoy.shape[1]))[None, None, None, :]
    )
    out: F64 = special.logsumexp(ll + logw, axis=(1, 2, 3))
    return out


@dataclass(frozen=True)
class MissileNights:
    """Training nights per missile type: ``assessed`` and ``neutralised`` counts of the nights
    on which a report row names that type alone (type → arrays of shape (n_t,))."""

    assessed: Mapping[str, F64]
    neutralised: Mapping[str, F64]


def missile_night_shares(
    response: MissileResponse,
    threat_type: str,
    salvo: F64,
    theta: Mapping[str, float],
) -> tuple[F64, F64]:
    """Neutralised fraction of each night's salvo at quadrature nodes, and the nodes' weights.

    Parameters
    ----------
    response
        The missile emulator.
    threat_type
        The type.
    salvo
        (n,) missiles of the type each night.
    theta
        ``logit_pk_<type>``, ``log_night_sd_<type>`` and, for a type with frontline and deep
        waves, ``log_frontline_missiles_<type>`` and ``log_frontline_missile_spread_<type>``.

    Returns
    -------
    shares, weights
        (n, Ky, Kz, Kw) fractions and (Ky, Kz, Kw) weights summing to one: Ky frontline-count
        nodes, Kz night-deviation nodes, Kw deep waves a salvo may fly.
    """
    k = response.types.index(threat_type)
    sd = float(np.exp(theta[f"log_night_sd_{threat_type}"]))
    x = theta[f"logit_pk_{threat_type}"] + sd * Z_NODES
    mu = np.clip(response.wave_shares(threat_type, x), 1e-9, 1 - 1e-9)  # (W, Kz)
    weight, front = response.waves[k], response.frontline[k]
    deep = ~front if (front.any() and not front.all()) else np.ones_like(front)
    n = salvo[:, None]
    if deep.all():
        f_share = np.zeros((1, len(Z_NODES)))
        count = np.zeros((len(salvo), 1))
        y_w = np.ones(1)
    else:
        wf = weight[front] / weight[front].sum()
        f_share = (wf @ mu[front])[None, :]
        c = float(np.exp(theta[f"log_frontline_missiles_{threat_type}"]))
        s = float(np.exp(theta[f"log_frontline_missile_spread_{threat_type}"]))
        count = np.minimum(n, c * np.exp(s * Y_NODES[None, :]))
        y_w = Y_WEIGHTS
    wd = weight[deep] / weight[deep].sum()
    if response.salvo[k]:
        d_share, d_w = mu[deep].T, wd  # (Kz, Kw)
    else:
        d_share, d_w = (wd @ mu[deep])[:, None], np.ones(1)
    front_part = count[:, :, None, None] * f_share[0][None, None, :, None]
    deep_part = (n[:, :, None, None] - count[:, :, None, None]) * d_share[None, None, :, :]
    shares = (front_part + deep_part) / np.maximum(n[:, :, None, None], 1.0)
    weights = y_w[:, None, None] * Z_WEIGHTS[None, :, None] * d_w[None, None, :]
    return np.clip(shares, 1e-9, 1 - 1e-9), weights


def missile_log_likelihood(
    response: MissileResponse, nights: MissileNights, theta: Mapping[str, float]
) -> float:
    """Log-likelihood of the missile nights (see :func:`missile_night_shares`)."""
    total = 0.0
    for t, a in nights.assessed.items():
        if len(a) == 0 or t not in response.types:
            continue
        shares, weights = missile_night_shares(response, t, a, theta)
        k = nights.neutralised[t][:, None, None, None]
        ll = binom_log(k, a[:, None, None, None], shares) + np.log(weights)[None]
        total += float(np.sum(special.logsumexp(ll, axis=(1, 2, 3))))
    return total
