"""``calibrate``: fit a posture's uncertain parameters to the nightly reports up to a date.

Steps (``umbrella calibrate`` runs them in this order):

1. the training nights: the ``window_days`` nights up to ``train_end`` with at least
   ``min_drones`` drones and a reported outcome (nothing later is read);
2. the engine's drone response on a grid, under common random numbers (:mod:`.emulator`);
3. the posterior of the drone parameters: the mode of the simulated likelihood
   (:mod:`.likelihood`) times the priors, and the Laplace approximation around it
   (:mod:`.posterior`); the monthly capability levels are linked by the random-walk prior of
   :mod:`.trend`;
4. the missile response at the fitted drone layer, and the posterior of each missile type's
   ``p_kill_factor`` (binomial mixed over nights, on the nights a row names that type alone);
5. the fitted posture: the posterior mode at the training end written into the scenario's
   numbers (:func:`~umbrella.calibration.posture.posture_scenario`), with a ``[calibration]``
   record holding the window, the method, posterior draws (relative to the file's own numbers),
   the in-sample fit of the engine on the training nights and the data credit;
6. each missile class's level, set so that the engine flying the fitted posture on the training
   nights neutralises the share of the class the reports give (:mod:`.missiles`).

Priors (fitting scale; ``N(mean, sd)``):

==============================  =================================================================
parameter                       prior and reason
==============================  =================================================================
``log_capability@<month>``      random walk with drift (``trend``); the first month ``N(0, 2)``
``capability_drift``            ``N(0, 0.1)``: no direction assumed, ~10% a month at 1 s.d.
``log_capability_rw``           ``N(log 0.15, 1)``
``log_frontline_capability``    ``N(0, 1)``
``log_night_sd``                ``N(log 0.3, 1)``
``log_ew_scale``                ``N(0, 0.7)``: the posture's EW zones as written
``logit_shahed_ew``             ``N(logit 0.3, 1.5)``: Shahed-type drones carry anti-jam
                                antennas, decoys do not ("locationally lost drones are mostly
                                imitator drones", Ihnat, parameters.md section 6)
``log_frontline_drones``        ``N(log of the frontline waves' counts, 1)``
``log_frontline_spread``        ``N(log 0.5, 1)``
``logit_decoy_share``           ``N(0, 0.4)``: 0.4-0.6 at one s.d. (parameters.md section 6)
``log_split_concentration``     ``N(log 30, 2)``
``logit_pk_<type>``             ``N(logit of the type's p_kill_factor, 2)``
``log_night_sd_<type>``         ``N(log 0.7, 0.7)``
``log_frontline_missiles_<t>``  ``N(log of the type's frontline waves' counts, 1)``
``log_frontline_missile_        ``N(log 0.5, 0.7)``
spread_<type>``
==============================  =================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from umbrella.calibration.emulator import (
    DroneGrid,
    DroneResponse,
    MissileResponse,
    measure_drones,
    measure_missiles,
)
from umbrella.calibration.layout import WaveLayout
from umbrella.calibration.likelihood import (
    DroneNights,
    MissileNights,
    drone_log_likelihood,
    missile_log_likelihood,
)
from umbrella.calibration.missiles import match_missile_classes
from umbrella.calibration.night import nights_in
from umbrella.calibration.posterior import Parameter, Posterior, fit_posterior
from umbrella.calibration.posture import PostureValues, posture_scenario
from umbrella.calibration.training import drone_nights, missile_nights, training_window
from umbrella.core.executor import Executor
from umbrella.core.progress import Progress, report
from umbrella.core.seeds import check_seed, generator
from umbrella.scenario.model import Scenario
from umbrella.scenario.record import CalibrationRecord, PosteriorDraws

__all__ = ["METHOD", "Calibration", "CalibrationSettings", "calibrate", "posterior_means"]

F64 = npt.NDArray[np.float64]
METHOD = (
    "emulator-based simulated likelihood: the raid engine flown on a grid under common random "
    "numbers; nightly neutralised drones binomial and the shot-down part beta-binomial, mixed "
    "over night-to-night capability, frontline share and decoy share (Gauss-Hermite); monthly "
    "capability a random walk with drift; missile p_kill_factor per type, binomial mixed over "
    "nights; "
    "posterior mode and Laplace approximation"
)
#: The stage of the posterior fits in :func:`calibrate`'s progress.
FIT_STAGE = "fit"
#: Purpose of the stream of posterior draws (see ``umbrella.core.seeds``): distinct from the
#: campaign's 0 and 1 and from the predictions' 80-82.
CALIBRATION_DRAWS = 3


@dataclass(frozen=True)
class CalibrationSettings:
    """Options of :func:`calibrate`.

    Attributes
    ----------
    window_days
        Nights of reports fitted, ending at the training end.
    min_drones
        Nights with fewer drones are left out of the drone likelihood.
    draws
        Posterior draws kept in the record (predictions cycle through them).
    grid
        The emulator's grid.
    missile_runs
        Engine runs per point of the missile response.
    """

    window_days: int = 365
    min_drones: int = 50
    draws: int = 64
    grid: DroneGrid = field(default_factory=DroneGrid)
    missile_runs: int = 200


@dataclass(frozen=True)
class Calibration:
    """What :func:`calibrate` found.

    Attributes
    ----------
    scenario
        The fitted posture: the input with the posterior mode at the training end written into
        its numbers, and its ``[calibration]`` record (``fit`` still empty; see
        :func:`~umbrella.calibration.check.check_fit`, which fills ``fit`` and ``runs``).
    drones, missiles
        Posteriors of the drone and missile parameters (fitting scale, relative parameters
        relative to the *input* posture).
    response, missile_response
        The emulators.
    nights
        The drone likelihood's training nights.
    train_start, train_end
        The window fitted.
    """

    scenario: Scenario
    drones: Posterior
    missiles: Posterior
    response: DroneResponse
    missile_response: MissileResponse
    nights: DroneNights
    train_start: date
    train_end: date


def _drone_parameters(
    response: DroneResponse, nights: DroneNights, layout: WaveLayout
) -> list[Parameter]:
    lk = response.log_capability
    out = [Parameter(f"log_capability@{m}", 0.0, 10.0, lk[0], lk[-1]) for m in nights.months]
    if len(response.zones) == 2:
        out.append(Parameter("log_frontline_capability", 0.0, 1.0, -3.0, 3.0))
    out += [
        Parameter("capability_drift", 0.0, 0.1, -1.0, 1.0),
        Parameter(
            "log_capability_rw", float(np.log(0.15)), 1.0, float(np.log(0.005)), float(np.log(2.0))
        ),
        Parameter("log_night_sd", float(np.log(0.3)), 1.0, float(np.log(0.01)), float(np.log(3.0))),
        Parameter("log_ew_scale", 0.0, 0.7, response.log_ew_scale[0], response.log_ew_scale[-1]),
        Parameter(
            "logit_shahed_ew",
            float(special.logit(0.3)),
            1.5,
            response.logit_shahed_ew[0],
            response.logit_shahed_ew[-1],
        ),
    ]
    if len(response.zones) == 2:
        c0 = max(float(layout.default.frontline_drones), 1.0)
        out += [
            Parameter(
                "log_frontline_drones",
                float(np.log(c0)),
                1.0,
                float(np.log(2.0)),
                float(np.log(5000.0)),
            ),
            Parameter(
                "log_frontline_spread",
                float(np.log(0.5)),
                1.0,
                float(np.log(0.02)),
                float(np.log(3.0)),
            ),
        ]
    out.append(Parameter("logit_decoy_share", 0.0, 0.4, -3.0, 3.0))
    if np.isfinite(nights.shot_down).any():
        out.append(
            Parameter("log_split_concentration", float(np.log(30.0)), 2.0, 0.0, float(np.log(1e4)))
        )
    return out


def _random_walk(n_months: int, names: list[str]) -> Callable[[F64], float]:
    drift, rw = names.index("capability_drift"), names.index("log_capability_rw")

    def neg_log_prior(x: F64) -> float:
        levels = x[:n_months]
        sigma = float(np.exp(x[rw]))
        steps = np.diff(levels) - x[drift]
        return float(
            0.5 * np.sum(steps**2) / sigma**2
            + (n_months - 1) * np.log(sigma)
            + 0.5 * (levels[0] / 2.0) ** 2
        )

    return neg_log_prior


def fit_drones(response: DroneResponse, nights: DroneNights, layout: WaveLayout) -> Posterior:
    """Posterior of the drone parameters (see the module docstring)."""
    params = _drone_parameters(response, nights, layout)
    names = [p.name for p in params]
    n_months = len(nights.months)

    def nll(x: F64) -> float:
        return -float(
            drone_log_likelihood(response, nights, dict(zip(names, x, strict=True))).sum()
        )

    # Start every month at the capability that fits its nights on its own, roughly.
    x0 = np.array([p.prior_mean for p in params])
    x0[:n_months] = float(np.log(0.5))
    return fit_posterior(nll, params, x0=x0, extra_prior=_random_walk(n_months, names))


def fit_missiles(
    response: MissileResponse,
    nights: MissileNights,
    prior_factor: dict[str, float],
    frontline_default: Mapping[str, float] | None = None,
) -> Posterior:
    """Posterior of each missile type's logit ``p_kill_factor``, night-to-night s.d. and, for a
    type with frontline waves, its frontline count and spread."""
    frontline_default = frontline_default or {}
    params = []
    for t in response.types:
        params.append(
            Parameter(
                f"logit_pk_{t}",
                float(special.logit(np.clip(prior_factor.get(t, 0.5), 0.05, 0.95))),
                2.0,
                float(response.logit_factor[0]),
                float(response.logit_factor[-1]),
            )
        )
        params.append(
            Parameter(
                f"log_night_sd_{t}",
                float(np.log(0.7)),
                0.7,
                float(np.log(0.05)),
                float(np.log(5.0)),
            )
        )
        front = response.frontline[response.types.index(t)]
        if front.any() and not front.all():
            c0 = max(float(frontline_default.get(t, 1.0)), 0.5)
            params.append(
                Parameter(
                    f"log_frontline_missiles_{t}",
                    float(np.log(c0)),
                    1.0,
                    float(np.log(0.2)),
                    float(np.log(200.0)),
                )
            )
            params.append(
                Parameter(
                    f"log_frontline_missile_spread_{t}",
                    float(np.log(0.5)),
                    0.7,
                    float(np.log(0.02)),
                    float(np.log(3.0)),
                )
            )
    names = [p.name for p in params]

    def nll(x: F64) -> float:
        return -missile_log_likelihood(response, nights, dict(zip(names, x, strict=True)))

    # Start each type where the engine gives its pooled reported share (the response is flat
    # far from it, where a gradient method would not move).
    x0 = np.array([p.prior_mean for p in params])
    for t in response.types:
        a = nights.assessed.get(t)
        if a is not None and a.sum() > 0:
            pooled = float(nights.neutralised[t].sum() / a.sum())
            x0[names.index(f"logit_pk_{t}")] = float(response.factor_for(t, np.asarray(pooled)))
    return fit_posterior(nll, params, x0=x0)


def _values_at_end(
    drones: Posterior, missiles: Posterior, months: tuple[str, ...]
) -> PostureValues:
    mode = dict(zip(drones.names, drones.mode, strict=True)) | dict(
        zip(missiles.names, missiles.mode, strict=True)
    )
    return PostureValues.from_draw(mode, log_capability=mode[f"log_capability@{months[-1]}"])


def _rebased_draws(
    drones: Posterior, missiles: Posterior, values: PostureValues, n: int, seed: int
) -> PosteriorDraws:
    """Posterior draws relative to the fitted file's own numbers."""
    rng = generator(seed, CALIBRATION_DRAWS)
    d, m = drones.draw(n, rng), missiles.draw(n, rng)
    names = list(drones.names) + list(missiles.names)
    x = np.concatenate([d, m], axis=1)
    for k, name in enumerate(names):
        if name.startswith("log_capability@"):
            x[:, k] -= np.log(values.capability)
        elif name == "log_frontline_capability":
            x[:, k] -= np.log(values.frontline_capability)
        elif name == "log_ew_scale":
            x[:, k] -= np.log(values.ew_scale)
    return PosteriorDraws(names=names, draws=[[float(v) for v in row] for row in x])


def posterior_means(draws: PosteriorDraws) -> dict[str, float]:
    """Posterior means on the natural scale (exp of logs, expit of logits)."""
    x = np.asarray(draws.draws)
    out: dict[str, float] = {}
    for k, name in enumerate(draws.names):
        col = x[:, k]
        if name.startswith("log_"):
            out[name.removeprefix("log_")] = float(np.mean(np.exp(col)))
        elif name.startswith("logit_"):
            out[name.removeprefix("logit_")] = float(np.mean(special.expit(col)))
        else:
            out[name] = float(np.mean(col))
    return out


def calibrate(
    posture: Scenario,
    table: pd.DataFrame,
    train_end: date,
    *,
    seed: int = 0,
    settings: CalibrationSettings | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Calibration:
    """Fit a posture to the nightly reports up to ``train_end``.

    Parameters
    ----------
    posture
        The posture to fit (its structure: waves, units, zones, ``[calibration]`` frontline).
    table
        :func:`~umbrella.calibration.night.night_table` of the reports; nothing after
        ``train_end`` is read.
    train_end
        Last night fitted.
    seed
        Seed of the engine runs and of the posterior draws.
    settings
        Options; :class:`CalibrationSettings` defaults if None.
    progress
        ``progress(done, total, stage)`` (:mod:`umbrella.core.progress`), through the stages
        ``emulator grid`` (the drone grid flown), ``missile emulator`` and ``fit`` (the drone
        posterior, then the missile one).
    executor
        Where the engine's runs go (:mod:`umbrella.core.executor`; default this process): the
        same fit anywhere.

    Raises
    ------
    InputError
        If ``train_end`` precedes the reports or too few nights qualify.
    """
    from umbrella.core.version import __version__
    from umbrella.core.vocabulary import DATA_CREDIT

    seed = check_seed(seed)
    settings = settings or CalibrationSettings()
    window = training_window(table, train_end, settings.window_days, settings.min_drones)
    nights = drone_nights(window)
    layout = WaveLayout.from_scenario(posture)

    response = measure_drones(posture, seed, settings.grid, progress=progress, executor=executor)
    report(progress, 0, 2, FIT_STAGE)
    drones = fit_drones(response, nights, layout)
    report(progress, 1, 2, FIT_STAGE)
    months = nights.months
    at_mode = PostureValues.from_draw(
        dict(zip(drones.names, drones.mode, strict=True)),
        log_capability=drones.value(f"log_capability@{months[-1]}"),
    )
    missile_response = measure_missiles(
        posture, at_mode, seed, runs=settings.missile_runs, progress=progress, executor=executor
    )
    cat = posture.resolved_catalogue()
    prior_factor = {t: cat.threats[t].p_kill_factor for t in missile_response.types}
    missiles = fit_missiles(
        missile_response,
        missile_nights(table, train_end, settings.window_days),
        prior_factor,
        layout.default.frontline_missiles,
    )
    report(progress, 2, 2, FIT_STAGE)
    values = _values_at_end(drones, missiles, months)
    draws = _rebased_draws(drones, missiles, values, settings.draws, seed)
    start = pd.Timestamp(window.index.min()).date()
    base = posture.calibration or CalibrationRecord()
    record = base.model_copy(
        update={
            "method": METHOD,
            "train_start": start,
            "train_end": train_end,
            "months": list(months),
            "nights": len(nights),
            "runs": 0,
            "seed": seed,
            "version": __version__,
            "data_credit": DATA_CREDIT,
            "fit": {},
            "parameters": posterior_means(draws),
            "posterior": draws,
        }
    )
    fitted = posture_scenario(posture, values).replace(calibration=record)
    fitted, _ = match_missile_classes(
        fitted, nights_in(table, start, train_end), seed, progress=progress, executor=executor
    )
    return Calibration(
        scenario=fitted,
        drones=drones,
        missiles=missiles,
        response=response,
        missile_response=missile_response,
        nights=nights,
        train_start=start,
        train_end=train_end,
    )
