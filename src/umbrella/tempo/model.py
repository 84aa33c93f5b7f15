"""The stochastic raid-tempo model: fitted to nights up to a training end, simulates any window.

:func:`fit_tempo` fits four parts to the nights of :func:`~umbrella.data.nights.load_nights`:

* drones per night (``drones``): log-linear trend, damped ahead, a random-walk level, quiet
  nights, and a two-component negative-binomial mixture of regular and heavy nights;
* missile salvos (``salvos``): probability of a missile night, salvo size, class mix;
* the decoy share of drones (``decoys``): beta-binomial on ``is_shahed`` where the training
  window reports it on at least :data:`MIN_DECOY_NIGHTS` nights, otherwise the documented
  prior range 0.4-0.6 (``parameters.md`` section 6);
* neutralised shares by class (``neutralisation``): beta-binomial on the recent window.

:meth:`TempoModel.simulate` draws one parameter vector per run from the approximate posterior,
then the nights, vectorised across runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from umbrella.core.deprecations import renamed_argument
from umbrella.core.errors import InputError
from umbrella.core.files import write_json
from umbrella.core.seeds import generator
from umbrella.core.vocabulary import DRONE, REPORT_MISSILE_CLASSES
from umbrella.tempo.drift import (
    LevelNoise,
    calibrate_wander,
    calibrate_window_wander,
    draw_level_noise,
    month_keys,
)
from umbrella.tempo.drones import (
    DAYS_PER_MONTH,
    DroneTempo,
    fit_drone_tempo,
    simulate_drones,
)
from umbrella.tempo.likelihood import Laplace
from umbrella.tempo.salvos import SalvoTempo, fit_salvos, simulate_salvos
from umbrella.tempo.shares import (
    ShareModel,
    draw_night_shares,
    fit_share,
    prior_share,
)

__all__ = [
    "MIN_DECOY_NIGHTS",
    "MODEL_KIND",
    "TempoModel",
    "TempoSimulation",
    "fit_tempo",
    "load_tempo",
    "save_tempo",
]

MIN_DECOY_NIGHTS = 10
DECOY_PRIOR_RANGE = (0.4, 0.6)
DECOY_PRIOR_CONCENTRATION = 30.0
DEFAULT_WINDOW_DAYS = 180
DEFAULT_SALVO_WINDOW_DAYS = 365
DEFAULT_SHARE_WINDOW_DAYS = 90
DEFAULT_DRIFT_WINDOW_DAYS = 1095
DEFAULT_DAMPING = 0.6
DEFAULT_LEVEL_SCALE = 1.0
DRONE_WANDER = LevelNoise(0.25, 0.25)
MISSILE_WANDER = LevelNoise(0.3, 0.3)
SHARE_WANDER_POINTS = LevelNoise(0.03, 0.03)
MIN_SHARE_MONTH_ASSESSED = 20
MIN_TRAINING_NIGHTS = 60


@dataclass(frozen=True)
class TempoSimulation:
    """Simulated nights: plain arrays of shape (runs, n_nights).

    Attributes
    ----------
    dates
        Night dates (date of the morning report), ``datetime64[D]``, shape (n_nights,).
    drones
        One-way attack drones launched, decoys included.
    decoys
        Decoys among ``drones``.
    drones_neutralised
        Drones neutralised (shot down or suppressed/lost).
    missiles
        Missiles launched per class (cruise, ballistic, aeroballistic, guided air-to-surface).
    missiles_neutralised
        Missiles neutralised per class.
    """

    dates: NDArray[np.datetime64]
    drones: NDArray[np.int64]
    decoys: NDArray[np.int64]
    drones_neutralised: NDArray[np.int64]
    missiles: dict[str, NDArray[np.int64]]
    missiles_neutralised: dict[str, NDArray[np.int64]] = field(default_factory=dict)

    @property
    def missiles_total(self) -> NDArray[np.int64]:
        """All missiles per run and night, shape (runs, n_nights)."""
        out: NDArray[np.int64] = sum(self.missiles.values(), np.zeros_like(self.drones))
        return out


@dataclass(frozen=True)
class TempoModel:
    """A fitted raid-tempo model: plain numbers, serialisable with :meth:`to_dict`.

    Attributes
    ----------
    train_end
        Last night used for fitting; forecasts run from the night after.
    drones, salvos
        Drone-count and missile-salvo parts.
    decoys
        Decoy share of drones.
    neutralisation
        Neutralised share by class (drones and each missile class).
    """

    train_end: date
    drones: DroneTempo
    salvos: SalvoTempo
    decoys: ShareModel
    neutralisation: Mapping[str, ShareModel]

    def simulate(self, start: date, end: date, runs: int, seed: int) -> TempoSimulation:
        """Simulate the nights from ``start`` to ``end``, both included.

        Parameters
        ----------
        start, end
            First and last night (date of the morning report). Nights on or before
            ``train_end`` are drawn at the level of the training end.
        runs
            Number of independent runs.
        seed
            Non-negative seed; the same seed gives the same simulation.
        """
        return self.draw(start, end, runs, generator(seed))

    @renamed_argument("n_runs", "runs", until="0.4")
    def draw(self, start: date, end: date, runs: int, rng: np.random.Generator) -> TempoSimulation:
        """:meth:`simulate` with the random numbers drawn from ``rng``."""
        if end < start:
            raise InputError(f"end {end} is before start {start}")
        if runs < 1:
            raise InputError(f"runs must be at least 1, got {runs}", key="runs")
        n_nights = (end - start).days + 1
        dates = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
        end_day = np.datetime64(self.train_end, "D")
        days_ahead = (dates - end_day).astype(np.int64)
        months = month_keys(days_ahead, end_day)

        def wander(level: LevelNoise | None) -> NDArray[np.float64]:
            if level is None:
                return np.zeros((runs, n_nights))
            return draw_level_noise(level, days_ahead, months, runs, rng)

        theta = self.drones.posterior.draw(runs, rng)
        drones = simulate_drones(self.drones, days_ahead, theta, wander(self.drones.level), rng)
        decoy_share = draw_night_shares(self.decoys, runs, n_nights, rng)
        decoys = rng.binomial(drones, decoy_share).astype(np.int64)
        drone_share = self.neutralisation[DRONE]
        share = draw_night_shares(
            drone_share, runs, n_nights, rng, wander(drone_share.level), trials=drones
        )
        neutralised = rng.binomial(drones, share).astype(np.int64)
        missiles = simulate_salvos(self.salvos, runs, n_nights, rng, wander(self.salvos.level))
        missiles_neutralised = {
            cls: rng.binomial(
                n, draw_night_shares(self.neutralisation[cls], runs, n_nights, rng)
            ).astype(np.int64)
            for cls, n in missiles.items()
        }
        return TempoSimulation(
            dates=dates,
            drones=drones,
            decoys=decoys,
            drones_neutralised=neutralised,
            missiles=missiles,
            missiles_neutralised=missiles_neutralised,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (``json.dumps`` works on it); :meth:`from_dict` reverses it."""
        d = dataclasses.asdict(self)
        d["train_end"] = self.train_end.isoformat()
        d["neutralisation"] = {k: dataclasses.asdict(v) for k, v in self.neutralisation.items()}
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TempoModel:
        """Rebuild a model from :meth:`to_dict` output (e.g. distributions written in a file)."""
        try:
            dr, sa = d["drones"], d["salvos"]
            return cls(
                train_end=date.fromisoformat(d["train_end"]),
                drones=DroneTempo(
                    posterior=Laplace.from_dict(dr["posterior"]),
                    level=_level_from_dict(dr["level"]),
                    damping=float(dr["damping"]),
                    window_days=int(dr["window_days"]),
                ),
                salvos=SalvoTempo(
                    classes=tuple(sa["classes"]),
                    p_night_a=float(sa["p_night_a"]),
                    p_night_b=float(sa["p_night_b"]),
                    size=Laplace.from_dict(sa["size"]),
                    mix_weights=tuple(float(w) for w in sa["mix_weights"]),
                    mix_concentration=float(sa["mix_concentration"]),
                    level=_level_from_dict(sa["level"]),
                ),
                decoys=_share_from_dict(d["decoys"]),
                neutralisation={k: _share_from_dict(v) for k, v in d["neutralisation"].items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not a raid-tempo model: {exc!r}") from None


#: The ``kind`` of a model's JSON file.
MODEL_KIND = "umbrella.raid_tempo"


#: Largest model file read, bytes.
MAX_MODEL_BYTES = 64 * 2**20


def save_tempo(model: TempoModel, path: str | Path) -> None:
    """Write a model as JSON (atomically), sealed as umbrella's
    (:func:`~umbrella.core.manifest.seal_json`); :func:`load_tempo` reads it back."""
    from umbrella.core.manifest import seal_json

    write_json(path, seal_json({"kind": MODEL_KIND, "version": 1, "model": model.to_dict()}))


def load_tempo(path: str | Path) -> TempoModel:
    """Read a model written by :func:`save_tempo` (or by hand in the same layout): strict JSON
    (NaN and Infinity refused) from a regular file."""
    from umbrella.core.userfiles import read_strict_json

    path = Path(path)
    doc = read_strict_json(path, MAX_MODEL_BYTES, "raid-tempo model file")
    if not isinstance(doc, dict) or doc.get("kind") != MODEL_KIND:
        raise InputError("not a raid-tempo model file (kind umbrella.raid_tempo)", source=path)
    try:
        return TempoModel.from_dict(doc["model"])
    except (KeyError, InputError) as exc:
        raise InputError(f"bad model: {exc}", source=path, key="model") from None


def _level_from_dict(d: Mapping[str, Any]) -> LevelNoise:
    return LevelNoise(
        float(d["rw_sigma"]),
        float(d["month_sigma"]),
        int(d.get("n_months", 0)),
        float(d.get("origin_sigma", 0.0)),
        float(d.get("dof", 0.0)),
    )


def _share_from_dict(d: Mapping[str, Any]) -> ShareModel:
    low, high, level = d.get("mean_low"), d.get("mean_high"), d.get("level")
    ref = d.get("size_reference")
    at = d.get("wander_share")
    return ShareModel(
        posterior=Laplace.from_dict(d["posterior"]),
        n_nights=int(d["n_nights"]),
        mean_low=None if low is None else float(low),
        mean_high=None if high is None else float(high),
        level=None if level is None else _level_from_dict(level),
        size_reference=None if ref is None else float(ref),
        wander_share=None if at is None else float(at),
    )


def _window(nights: pd.DataFrame, train_end: date, days: int) -> pd.DataFrame:
    end = pd.Timestamp(train_end)
    return nights.loc[(nights.index > end - pd.Timedelta(days=days)) & (nights.index <= end)]


def fit_tempo(
    nights: pd.DataFrame,
    train_end: date,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    salvo_window_days: int = DEFAULT_SALVO_WINDOW_DAYS,
    share_window_days: int = DEFAULT_SHARE_WINDOW_DAYS,
    drift_window_days: int = DEFAULT_DRIFT_WINDOW_DAYS,
    damping: float = DEFAULT_DAMPING,
    level_scale: float = DEFAULT_LEVEL_SCALE,
) -> TempoModel:
    """Fit the raid-tempo model to the nights up to ``train_end`` (included).

    Parameters
    ----------
    nights
        Output of :func:`~umbrella.data.nights.load_nights` (indexed by night).
    train_end
        Last night used; nothing after it is read.
    window_days
        Nights of history for the drone counts (trend, dispersion, heavy nights).
    salvo_window_days
        Nights of history for the missile salvos.
    share_window_days
        Nights of history for the neutralised and decoy shares (recent: defences change).
    drift_window_days
        Nights of history for the month-to-month wandering of levels and shares (``drift``).
    damping
        Monthly damping ``φ`` of the drone trend ahead of ``train_end`` (1: none).
    level_scale
        Factor on the fitted random-walk s.d. of the drone level (calibration, see the docs).

    Raises
    ------
    InputError
        If fewer than 60 nights precede ``train_end``.
    """
    train = _window(nights, train_end, window_days)
    if len(train) < MIN_TRAINING_NIGHTS:
        raise InputError(
            f"only {len(train)} nights of reports up to {train_end}; "
            f"the model needs at least {MIN_TRAINING_NIGHTS}"
        )
    idx = pd.DatetimeIndex(train.index)
    days_to_end = (idx - pd.Timestamp(train_end)).days.to_numpy(dtype=np.int64)
    months = (idx.year * 12 + idx.month).to_numpy(dtype=np.int64)
    drones = fit_drone_tempo(
        train["drones"].to_numpy(dtype=np.int64), days_to_end, months, damping=damping
    )
    salvo_nights = _window(nights, train_end, salvo_window_days)
    counts = np.column_stack(
        [salvo_nights[f"{c}_launched"].to_numpy() for c in REPORT_MISSILE_CLASSES]
    )
    salvos = fit_salvos(counts.astype(np.int64), REPORT_MISSILE_CLASSES)
    recent = _window(nights, train_end, share_window_days)
    neutralisation = {
        cls: fit_share(
            recent[f"{cls}_neutralised"].to_numpy(dtype=np.int64),
            recent[f"{cls}_assessed"].to_numpy(dtype=np.int64),
            size_effect=cls == DRONE,
        )
        for cls in (DRONE, *REPORT_MISSILE_CLASSES)
    }
    monthly = _full_months(nights, train_end, drift_window_days)
    drone_window = round(window_days / DAYS_PER_MONTH)
    wander = _drone_wander(monthly, drones, drone_window)
    wander = dataclasses.replace(wander, rw_sigma=wander.rw_sigma * level_scale)
    drones = dataclasses.replace(drones, level=wander)
    salvo_window = round(salvo_window_days / DAYS_PER_MONTH)
    salvos = dataclasses.replace(salvos, level=_missile_wander(monthly, salvo_nights, salvo_window))
    share_window = max(round(share_window_days / DAYS_PER_MONTH), 1)
    level, at = _share_wander(monthly, recent, neutralisation[DRONE], share_window)
    neutralisation[DRONE] = dataclasses.replace(neutralisation[DRONE], level=level, wander_share=at)
    return TempoModel(
        train_end=train_end,
        drones=drones,
        salvos=salvos,
        decoys=_fit_decoys(recent),
        neutralisation=neutralisation,
    )


def _fit_decoys(recent: pd.DataFrame) -> ShareModel:
    real = recent["real_drones"]
    given = real.notna() & (recent["drones"] > 0) & (real <= recent["drones"])
    if int(given.sum()) < MIN_DECOY_NIGHTS:
        low, high = DECOY_PRIOR_RANGE
        return prior_share(0.5 * (low + high), DECOY_PRIOR_CONCENTRATION, low, high)
    drones = recent.loc[given, "drones"].to_numpy(dtype=np.int64)
    decoys = drones - real[given].to_numpy(dtype=np.int64)
    return fit_share(decoys, drones, prior_mean=0.5, prior_concentration=DECOY_PRIOR_CONCENTRATION)


def _full_months(nights: pd.DataFrame, train_end: date, days: int) -> pd.DataFrame:
    """Monthly sums of the calendar months wholly inside the window, with ``n`` nights each,
    and each month's own counting noise: ``drones_cv2`` (squared coefficient of variation of
    its nightly drones) and ``share_var`` (variance of its pooled drone share from the spread
    of its nights, the ratio-estimator variance)."""
    w = _window(nights, train_end, days)
    cols = ["drones", "missiles", f"{DRONE}_neutralised", f"{DRONE}_assessed"]
    monthly = w[cols].resample("MS").sum()
    monthly["n"] = w["drones"].resample("MS").size()
    month = pd.DatetimeIndex(w.index).to_period("M")
    stats = w.assign(month=month).groupby("month")
    cv2 = stats["drones"].var(ddof=0) / stats["drones"].mean().clip(lower=1e-9) ** 2
    monthly["drones_cv2"] = cv2.to_numpy()
    k, a = w[f"{DRONE}_neutralised"].astype(float), w[f"{DRONE}_assessed"].astype(float)
    pooled = (k.groupby(month).sum() / a.groupby(month).sum().clip(lower=1.0)).reindex(month)
    resid = (k - pooled.to_numpy() * a) ** 2
    monthly["share_var"] = (
        resid.groupby(month).sum() / a.groupby(month).sum().clip(lower=1.0) ** 2
    ).to_numpy()
    full = monthly["n"] == pd.DatetimeIndex(monthly.index).days_in_month
    return monthly[full]


def _drone_wander(monthly: pd.DataFrame, drones: DroneTempo, window: int) -> LevelNoise:
    y, n = monthly["drones"].to_numpy(np.float64), monthly["n"].to_numpy(np.float64)
    # Each month's counting noise from its own nights (a month of a few heavy nights is noisy,
    # a month of steady nightly raids is not), so that sporadic months do not pass for wander.
    noise = monthly["drones_cv2"].to_numpy(np.float64) / n + 1.0 / (y + 1.0)
    z = np.log((y + 1.0) / n)
    return calibrate_wander(
        z, noise, DRONE_WANDER, window, trend=True, damping=drones.damping, level_scaled=True
    )


def _missile_wander(monthly: pd.DataFrame, salvo_nights: pd.DataFrame, window: int) -> LevelNoise:
    nightly = salvo_nights["missiles"].to_numpy(np.float64)
    cv2 = float(nightly.var() / max(nightly.mean(), 1e-9) ** 2) if nightly.sum() > 0 else 1.0
    y, n = monthly["missiles"].to_numpy(np.float64), monthly["n"].to_numpy(np.float64)
    z = np.log((y + 1.0) / n)
    return calibrate_wander(z, cv2 / n + 1.0 / (y + 1.0), MISSILE_WANDER, window)


def _share_wander(
    monthly: pd.DataFrame, recent: pd.DataFrame, share: ShareModel, months: int
) -> tuple[LevelNoise, float]:
    """The wander of the drone share in share points, and the share where it applies.

    Calibrated on what a forecast reports: each full month's pooled share (neutralised of
    assessed, months of at least 20 drones assessed), its noise the ratio-estimator variance
    from the spread of its nights with the binomial variance as a floor, on the errors of
    forecasts of whole windows of 1 to 6 months by the pooled share of the last ``months``.
    It applies at the pooled share the fitted model gives the recent nights (the level a
    window's share starts from), on the arcsine scale
    (:func:`~umbrella.tempo.shares.points_to_logit`).
    """
    k = monthly[f"{DRONE}_neutralised"].to_numpy(np.float64)
    a = monthly[f"{DRONE}_assessed"].to_numpy(np.float64)
    z = np.where(a >= MIN_SHARE_MONTH_ASSESSED, k / np.maximum(a, 1.0), np.nan)
    smooth = (k + 0.5) / (a + 1.0)
    binomial = smooth * (1.0 - smooth) / np.maximum(a, 1.0)
    noise = np.maximum(monthly["share_var"].to_numpy(np.float64), binomial)
    level = calibrate_window_wander(z, noise, a, SHARE_WANDER_POINTS, months)
    trials = recent[f"{DRONE}_assessed"].to_numpy(np.float64)
    trials = trials[trials > 0]
    if len(trials) == 0:
        return level, share.mean
    logit = np.full(len(trials), share.posterior.value("logit_mean"))
    if "size_slope" in share.posterior.names and share.size_reference is not None:
        logit += share.posterior.value("size_slope") * (np.log(trials + 1.0) - share.size_reference)
    pooled = float(np.sum(trials * special.expit(logit)) / np.sum(trials))
    return level, pooled
