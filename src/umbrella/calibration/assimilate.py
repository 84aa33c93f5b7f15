"""Nightly assimilation: a fitted posture's state updated by each reported night, in order.

The state (:class:`~umbrella.calibration.state.PostureState`) is a cloud of weighted particles,
each a posterior draw of the posture with its own capability levels. For every reported night
after the state's date, in order:

1. **move**: the levels walk from the previous night to this one
   (:meth:`~umbrella.calibration.state.PostureState.ahead`);
2. **weigh**: each particle's weight is multiplied by the likelihood of the night's report under
   it — the drones by the simulated likelihood the fit uses (:mod:`.likelihood`: binomial
   neutralised, beta-binomial shot down before the August 2025 break, mixed over the night's
   capability deviation, frontline count and decoy share), through an emulator of the engine
   measured at the posterior's mean EW values; each missile class by a beta-binomial around the
   engine's neutralised fraction of the night's missiles of the class (:func:`missile_class_mean`),
   with the class's night-to-night dispersion;
3. **resample** (systematic) when fewer than half the particles carry the weight.

A prediction for a night uses the state after every report strictly before that night: the
random numbers of night ``D`` (its walk and its resampling) come from ``(seed, ASSIMILATE,
D.toordinal())``, so the state after a night depends on the reports up to it and on the seed,
never on later reports (tested by truncating the reports).

The missile emulator flies each class's waves without the night's drones, so at the same levels
it neutralises more than the engine does among the drones (about 5 points more of the cruise
missiles on a posture fitted to 2025-06-30). Left so, the filter would lower a class's level
until the emulator matched the reports, and the engine would then predict low. Each class's
emulator fraction is therefore shifted by a logit offset (:meth:`Assimilation.class_offsets`):
the engine's pooled share on the training nights (the fit's in-sample check) against the
emulator's on the same nights, before any night the filter reads.

This is sequential Monte Carlo over the posterior draws and the capability walk; the structure
of the posture (its zones, EW, decoys, the draws' other parameters) is not refitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from umbrella.calibration import state as state_module
from umbrella.calibration.emulator import (
    DroneGrid,
    DroneResponse,
    MissileResponse,
    measure_drones,
    measure_missiles,
)
from umbrella.calibration.layout import DECOY_CONCENTRATION
from umbrella.calibration.likelihood import (
    D_PROBS,
    Y_NODES,
    Y_WEIGHTS,
    Z_NODES,
    Z_WEIGHTS,
    DroneNights,
    betabinom_log,
    binom_log,
    missile_night_shares,
    night_fractions,
)
from umbrella.calibration.night import Night, nights_in
from umbrella.calibration.posture import PostureValues
from umbrella.calibration.state import PostureState
from umbrella.core.executor import Executor
from umbrella.core.progress import Progress, report
from umbrella.core.seeds import generator
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

__all__ = [
    "ASSIMILATE",
    "DEFAULT_DISPERSION",
    "MIN_DRONES",
    "Assimilation",
    "missile_class_mean",
]

F64 = npt.NDArray[np.float64]
#: Purpose of the assimilation's random streams (see :mod:`umbrella.core.seeds`).
ASSIMILATE = 83
#: Nights with fewer drones do not update the drone levels (as in the fit's likelihood).
MIN_DRONES = 50
#: Night-to-night beta-binomial concentration of each missile class's neutralised share, where
#: the posterior does not carry its own (``log_missile_dispersion_<class>``): the reports'
#: nights of 2024-07 to 2025-12 around each half-year's pooled share.
DEFAULT_DISPERSION: Mapping[str, float] = {"cruise": 2.7, "ballistic": 0.9, "aeroballistic": 1.0}
#: Every so many particles of the starting state estimate the emulator's share of the training
#: nights for the missile offsets.
OFFSET_STRIDE = 16
#: The stage assimilation reports its progress under.
STAGE = "assimilation"
_TINY = 1e-9
_PREPARED: dict[tuple[str, int], Assimilation] = {}


def _night_arrays(night: Night, copies: int) -> DroneNights:
    """A night's drone report as the likelihood's arrays, ``copies`` times (one per particle)."""
    shot = night.drones_shot_down if night.drones_lost is not None else None
    decoy = np.nan if night.decoys is None else night.decoys / night.drones
    return DroneNights(
        drones=np.full(copies, float(night.drones)),
        neutralised=np.full(copies, float(night.drones_neutralised or 0)),
        shot_down=np.full(copies, np.nan if shot is None else float(shot)),
        decoy_share=np.full(copies, decoy),
        month=np.zeros(copies, dtype=np.int64),
        months=("state",),
    )


def missile_class_mean(
    response: MissileResponse, launched: Mapping[str, int], draw: Mapping[str, float]
) -> float:
    """The engine's neutralised fraction of a night's missiles of one class under one draw
    (with its class levels folded in): each type's night as the fit's likelihood sees it
    (:func:`~umbrella.calibration.likelihood.missile_night_shares`: the night's deviation, the
    salvo's frontline count and the wave it flies integrated out), weighted by the type's
    missiles."""
    total = float(sum(launched.values()))
    out = 0.0
    for t, n in launched.items():
        shares, weights = missile_night_shares(response, t, np.array([float(n)]), draw)
        out += n / total * float(np.sum(shares[0] * weights))
    return float(np.clip(out, _TINY, 1 - _TINY))


@dataclass(frozen=True)
class Assimilation:
    """A fitted posture ready to assimilate reports: its emulators and its initial state.

    Attributes
    ----------
    scenario
        The posture.
    start
        Its state before any report is assimilated.
    drones
        The drone emulator, measured at the posterior's mean EW scale and Shahed vulnerability.
    table
        The emulator's table at those values (:meth:`DroneResponse.at`).
    missiles
        The missile emulator at the posterior's mean drone layer.
    classes
        Catalogue threat type -> threat class.
    seed
        The seed of the assimilation's random streams.
    offsets
        Missile class -> logit offset of the missile emulator to the engine
        (:meth:`class_offsets`).
    """

    scenario: Scenario
    start: PostureState
    drones: DroneResponse
    table: F64
    missiles: MissileResponse
    classes: Mapping[str, str]
    seed: int
    offsets: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def prepare(
        cls,
        scenario: Scenario,
        seed: int,
        reports: pd.DataFrame,
        executor: Executor | None = None,
    ) -> Assimilation:
        """Measure the emulators of a fitted posture (the engine, under common random numbers:
        a few seconds), take its state and the missile offsets (:meth:`class_offsets`, from
        the training nights of ``reports``, the
        :func:`~umbrella.calibration.night.night_table`). The emulators of the last few
        postures prepared in this process are kept (they depend only on the posture and the
        seed, not on the ``executor`` they are flown on)."""
        from umbrella.scenario.model import scenario_hash

        key = (scenario_hash(scenario), seed)
        if key not in _PREPARED:
            _PREPARED[key] = cls._measure(scenario, seed, executor)
            while len(_PREPARED) > 4:
                _PREPARED.pop(next(iter(_PREPARED)))
        measured = _PREPARED[key]
        return replace(measured, offsets=measured.class_offsets(reports))

    def class_offsets(self, reports: pd.DataFrame) -> dict[str, float]:
        """Missile class -> logit offset added to the emulator's neutralised fraction of the
        class: logit of the engine's pooled share on the training nights (the fit's in-sample
        check, ``<class>_share`` of the record's ``fit``) minus logit of the emulator's pooled
        share on the same nights of ``reports`` (the starting state's draws). A posture brought
        up to date keeps the offsets of the posture it came from (``missile_offsets`` of its
        record); a class without both shares gets none."""
        rec = self.scenario.calibration
        assert rec is not None and rec.train_end is not None
        if rec.missile_offsets or rec.updated_through is not None:
            return dict(rec.missile_offsets)
        nights = nights_in(reports, rec.train_start or rec.train_end, rec.train_end)
        draws = [self.start.draw_dict(p) for p in range(0, self.start.particles, OFFSET_STRIDE)]
        out: dict[str, float] = {}
        for cls in MISSILE_THREAT_CLASSES:
            engine = rec.fit.get(f"{cls}_share")
            launched_total, emulated = 0.0, 0.0
            for night in nights:
                launched = self._launched(night, str(cls))
                if (night.missiles_neutralised or {}).get(cls) is None or not launched:
                    continue
                n = float(sum(launched.values()))
                mean = np.mean([missile_class_mean(self.missiles, launched, d) for d in draws])
                launched_total += n
                emulated += n * float(mean)
            if engine is None or not np.isfinite(engine) or launched_total == 0:
                continue
            share = np.clip([engine, emulated / launched_total], 1e-4, 1 - 1e-4)
            out[str(cls)] = float(special.logit(share[0]) - special.logit(share[1]))
        return out

    def _launched(self, night: Night, cls: str) -> dict[str, int]:
        """The night's missiles of class ``cls`` the emulator flies, by type."""
        return {
            t: n
            for t, n in night.missiles.items()
            if n > 0 and self.classes.get(t) == cls and t in self.missiles.types
        }

    @classmethod
    def _measure(cls, scenario: Scenario, seed: int, executor: Executor | None) -> Assimilation:
        start = PostureState.of(scenario)
        lam = float(np.mean(start.value("log_ew_scale")))
        vul = float(np.mean(start.value("logit_shahed_ew", float(special.logit(0.3)))))
        grid = DroneGrid(ew_scale=(float(np.exp(lam)),), shahed_ew=(float(special.expit(vul)),))
        drones = measure_drones(scenario, seed, grid, executor=executor)
        mean_front = float(np.mean(start.front))
        values = PostureValues(
            capability=float(np.exp(np.mean(start.level))),
            frontline_capability=float(np.exp(mean_front)),
            ew_scale=float(np.exp(lam)),
            shahed_ew=float(special.expit(vul)),
        )
        missiles = measure_missiles(scenario, values, seed, executor=executor)
        cat = scenario.resolved_catalogue()
        classes = {t: str(cat.threats[t].threat_class) for t in cat.threats}
        return cls(
            scenario=scenario,
            start=start,
            drones=drones,
            table=drones.at(lam, vul),
            missiles=missiles,
            classes=classes,
            seed=seed,
        )

    # ------------------------------------------------------------------ likelihoods
    def drone_log_likelihood(self, state: PostureState, night: Night) -> F64:
        """(P,) log-likelihood of the night's drone report under each particle."""
        p = state.particles
        nights = _night_arrays(night, p)
        tau = np.exp(state.value("log_night_sd", np.log(0.3)))
        lk = state.level[:, None] + tau[:, None] * Z_NODES[None, :]
        lk_front = lk + state.front[:, None]
        if len(self.drones.zones) == 2:
            c = np.exp(state.value("log_frontline_drones"))
            s = np.exp(state.value("log_frontline_spread", -np.inf))
            front = np.minimum(float(night.drones), c[:, None] * np.exp(s[:, None] * Y_NODES))
            y_w = Y_WEIGHTS
        else:
            front, y_w = np.zeros((p, 1)), np.ones(1)
        if night.decoys is not None:
            decoy = np.full((p, 1), night.decoys / night.drones)
        else:
            mean = special.expit(state.value("logit_decoy_share"))
            decoy = special.betaincinv(
                (mean * DECOY_CONCENTRATION)[:, None],
                ((1 - mean) * DECOY_CONCENTRATION)[:, None],
                D_PROBS[None, :],
            )
        frac = night_fractions(self.drones, self.table, nights, (lk_front, lk), front, decoy)
        frac = np.clip(frac, _TINY, 1 - _TINY)
        pk, pn = frac[..., 0], frac[..., 1]
        n = float(night.drones)
        k = float(min(night.drones_neutralised or 0, night.drones))
        ll = binom_log(np.asarray(k), np.asarray(n), pn)
        if night.drones_shot_down is not None and night.drones_lost is not None:
            psi = np.exp(state.value("log_split_concentration", np.log(30.0)))[:, None, None, None]
            q = np.clip(pk / pn, 1e-6, 1 - 1e-6)
            shot = float(min(night.drones_shot_down, k))
            ll = ll + betabinom_log(np.asarray(shot), np.asarray(k), q * psi, (1 - q) * psi)
        logw = (
            np.log(Z_WEIGHTS)[None, :, None, None]
            + np.log(y_w)[None, None, :, None]
            - np.log(decoy.shape[1])
        )
        out: F64 = special.logsumexp(ll + logw, axis=(1, 2, 3))
        return out

    def missile_log_likelihood(self, state: PostureState, night: Night) -> F64:
        """(P,) log-likelihood of the night's missile reports (each class it reports): a
        beta-binomial around the engine's neutralised fraction of the class
        (:func:`missile_class_mean`, shifted by the class's offset), with the class's
        night-to-night dispersion."""
        out = np.zeros(state.particles)
        reported = night.missiles_neutralised or {}
        per_class = {}
        for cls in MISSILE_THREAT_CLASSES:
            neutralised = reported.get(cls)
            launched = self._launched(night, str(cls))
            if neutralised is not None and launched:
                per_class[cls] = (launched, float(min(neutralised, sum(launched.values()))))
        if not per_class:
            return out
        for p in range(state.particles):
            draw = state.draw_dict(p)
            for cls, (launched, k) in per_class.items():
                mu = missile_class_mean(self.missiles, launched, draw)
                mu = float(special.expit(special.logit(mu) + self.offsets.get(cls, 0.0)))
                default = float(np.log(DEFAULT_DISPERSION[cls]))
                psi = float(np.exp(draw.get(f"log_missile_dispersion_{cls}", default)))
                n = np.asarray(float(sum(launched.values())))
                a, b = np.asarray(mu * psi), np.asarray((1 - mu) * psi)
                out[p] += float(betabinom_log(np.asarray(k), n, a, b))
        return out

    # ------------------------------------------------------------------ the filter
    def step(self, state: PostureState, night: Night) -> PostureState:
        """The state moved on to ``night`` and weighed by its report (where it has one)."""
        rng = generator(self.seed, ASSIMILATE, night.night.toordinal())
        state = state.ahead(night.night, rng, state_module.ASSIMILATION_WIDENING)
        ll = np.zeros(state.particles)
        if night.drones_neutralised is not None and night.drones >= MIN_DRONES:
            ll += self.drone_log_likelihood(state, night)
        ll += self.missile_log_likelihood(state, night)
        if not np.any(ll):
            return state
        return state.reweighted(ll, rng)

    def states(
        self,
        reports: pd.DataFrame,
        before: Sequence[date],
        *,
        progress: Progress | None = None,
    ) -> list[PostureState]:
        """For each day of ``before`` (in any order), the state after every reported night
        strictly before it (moved on to the day, not yet weighed by its report).

        ``reports`` is the :func:`~umbrella.calibration.night.night_table` of the reports.
        """
        if not before:
            return []
        last = max(before)
        nights = [
            n for n in nights_in(reports, self.start.as_of, last) if n.night > self.start.as_of
        ]
        snapshots: dict[date, PostureState] = {}
        state, i = self.start, 0
        for day in sorted(set(before)):
            while i < len(nights) and nights[i].night < day:
                state = self.step(state, nights[i])
                i += 1
                report(progress, i, len(nights), STAGE)
            rng = generator(self.seed, ASSIMILATE, day.toordinal(), 1)
            snapshots[day] = state.ahead(day, rng, state_module.ASSIMILATION_WIDENING)
        return [snapshots[d] for d in before]

    def through(
        self, reports: pd.DataFrame, last: date, *, progress: Progress | None = None
    ) -> PostureState:
        """The state after every reported night up to ``last`` (included)."""
        state = self.start
        nights = [n for n in nights_in(reports, state.as_of, last) if n.night > state.as_of]
        for i, night in enumerate(nights):
            state = self.step(state, night)
            report(progress, i + 1, len(nights), STAGE)
        return state
