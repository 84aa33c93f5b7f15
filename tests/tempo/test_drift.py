"""The drone share's wander: calibrated on past window forecasts, covering a known drift.

Synthetic shares are drawn as the model assumes they behave (a level that walks from night to
night, a passing effect per calendar month, counting noise per month), the wander is calibrated
on the history only, and the forecast of the next whole window is checked against the outcome.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from umbrella.core.vocabulary import DRONE
from umbrella.tempo.drift import (
    DAYS_PER_MONTH,
    LevelNoise,
    _lag_factor,
    _walk_factor,
    calibrate_window_wander,
    draw_level_noise,
    month_keys,
)
from umbrella.tempo.forecast import simulated_quantities
from umbrella.tempo.model import TempoModel, fit_tempo
from umbrella.tempo.shares import points_to_logit

from .synthetic import synthetic_nights

HISTORY_MONTHS = 36
PREDICTOR_MONTHS = 3
PRIOR = LevelNoise(0.03, 0.03)


def _monthly_shares(
    rng: np.random.Generator, n_months: int, rw_sigma: float, month_sigma: float
) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    """Months, pooled shares, their counting-noise variance and drones assessed per month."""
    months = pd.date_range("2022-01-01", periods=n_months, freq="MS")
    lengths = months.days_in_month.to_numpy()
    walk = 0.85 + np.cumsum(rng.normal(0.0, rw_sigma / np.sqrt(DAYS_PER_MONTH), lengths.sum()))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    level = np.add.reduceat(walk, starts) / lengths
    sizes = rng.integers(1000, 5000, n_months).astype(np.float64)
    noise = 0.85 * 0.15 / sizes
    z = level + rng.normal(0.0, month_sigma, n_months) + rng.normal(0.0, np.sqrt(noise))
    return months, z, noise, sizes


def _window_forecast(
    rng: np.random.Generator, rw_sigma: float, month_sigma: float, horizon: int, runs: int = 1000
) -> tuple[float, float, float, float]:
    """Calibrate on ``HISTORY_MONTHS`` months, forecast the pooled share of the next ``horizon``:
    (p05, p95, observed, the 90% width of the counting noise alone)."""
    months, z, v, n = _monthly_shares(rng, HISTORY_MONTHS + horizon, rw_sigma, month_sigma)
    h = HISTORY_MONTHS
    fit = calibrate_window_wander(z[:h], v[:h], n[:h], PRIOR, PREDICTOR_MONTHS)
    past, ahead = slice(h - PREDICTOR_MONTHS, h), slice(h, h + horizon)
    p, q = n[past] / n[past].sum(), n[ahead] / n[ahead].sum()
    end = np.datetime64(months[h - 1] + pd.offsets.MonthEnd(0), "D")
    last = np.datetime64(months[-1] + pd.offsets.MonthEnd(0), "D")
    days = (np.arange(end + 1, last + 1) - end).astype(np.int64)
    keys = month_keys(days, end)
    wander = draw_level_noise(fit, days, keys, runs, rng)
    # The window's share pools its months by their drones, as a forecast's pooled share does.
    starts = np.flatnonzero(np.diff(np.concatenate([[0], keys])))
    monthly = np.add.reduceat(wander, starts, axis=1) / np.diff(np.append(starts, len(keys)))
    noise_var = float(q**2 @ v[ahead] + p**2 @ v[past])
    draws = p @ z[past] + monthly @ q + rng.normal(0.0, np.sqrt(noise_var), runs)
    lo, hi = np.quantile(draws, [0.05, 0.95])
    return float(lo), float(hi), float(q @ z[ahead]), 2.0 * 1.645 * np.sqrt(noise_var)


@pytest.mark.parametrize("horizon", [3, 6])
def test_a_share_that_walks_is_covered_at_the_nominal_rate(horizon: int) -> None:
    rng = np.random.default_rng(11 + horizon)
    n = 200
    hits = [
        lo <= obs <= hi
        for lo, hi, obs, _ in (_window_forecast(rng, 0.03, 0.02, horizon) for _ in range(n))
    ]
    coverage, se = np.mean(hits), np.sqrt(0.9 * 0.1 / n)
    assert abs(coverage - 0.9) <= 4.0 * se, f"coverage {coverage:.3f} at {horizon} months"


def test_a_stable_share_is_not_widened() -> None:
    rng = np.random.default_rng(5)
    rows = [_window_forecast(rng, 0.0, 0.0, 6) for _ in range(40)]
    widths = np.array([hi - lo for lo, hi, _, _ in rows])
    noise_only = np.array([w for _, _, _, w in rows])
    # Counting noise alone gives about 2 points; the wander learnt on a flat history adds less
    # than as much again (a share drifting 3 points per √month gives about 18).
    assert np.median(widths / noise_only) < 2.5
    assert np.max(widths) < 0.05


def test_window_calibration_recovers_the_walk() -> None:
    rng = np.random.default_rng(3)
    _, z, v, n = _monthly_shares(rng, 400, 0.02, 0.01)
    fit = calibrate_window_wander(z, v, n, LevelNoise(0.05, 0.05), PREDICTOR_MONTHS)
    assert 0.016 < fit.rw_sigma < 0.024
    assert fit.month_sigma < 0.02
    # Each origin's errors at 1..6 months share months: they count as sum(1/T)/6 of an error.
    origins = 400 - PREDICTOR_MONTHS - 5
    assert fit.dof == pytest.approx(origins * sum(1.0 / t for t in range(1, 7)) / 6, rel=0.05)


def test_too_short_a_history_keeps_the_default() -> None:
    _, z, v, n = _monthly_shares(np.random.default_rng(1), 5, 0.02, 0.01)
    assert calibrate_window_wander(z, v, n, PRIOR, PREDICTOR_MONTHS) == PRIOR


def test_walk_and_lag_factors_match_a_simulated_walk() -> None:
    rng = np.random.default_rng(8)
    per_month, runs = 30, 20_000
    walk = np.cumsum(rng.normal(0.0, np.sqrt(1.0 / per_month), (runs, 3 * per_month)), axis=1)
    means = walk.reshape(runs, 3, per_month).mean(axis=2)
    w = np.array([0.2, 0.3, 0.5])
    for factor, sample in (
        (_walk_factor(w), means @ w),
        # The walk at the end less the weighted mean of its three monthly means.
        (_lag_factor(w), walk[:, -1] - means @ w),
    ):
        se = factor * np.sqrt(2.0 / runs)
        # Daily steps, not a continuous walk: a discretisation bias of about 1/(2·30) month.
        assert abs(sample.var() - factor) <= 4.0 * se + 0.02, (sample.var(), factor)


def test_few_past_errors_give_student_t_tails() -> None:
    rng = np.random.default_rng(2)
    noise = LevelNoise(0.0, 0.0, origin_sigma=1.0, dof=4.0)
    days = np.arange(1, 31, dtype=np.int64)
    draws = draw_level_noise(noise, days, np.zeros(30, dtype=np.int64), 40_000, rng)[:, 0]
    beyond = np.mean(np.abs(draws) > stats.t.ppf(0.95, 4.0))
    assert abs(beyond - 0.1) <= 4.0 * np.sqrt(0.1 * 0.9 / len(draws))
    # A normal of the same scale would put only 3.9% beyond that point.
    assert beyond > 0.08


def test_points_move_the_share_by_points_and_keep_it_inside() -> None:
    for share in (0.5, 0.85, 0.97):
        moved = special.expit(special.logit(share) + points_to_logit(np.array([-0.002]), share))
        assert moved[0] - share == pytest.approx(-0.002, rel=0.05)
    big = np.linspace(-1.0, 1.0, 201)
    moved = special.expit(special.logit(0.95) + points_to_logit(big, 0.95))
    assert np.all((moved > 0.0) & (moved < 1.0))
    assert points_to_logit(np.zeros(1), 0.95)[0] == pytest.approx(0.0)


def _nights_with_share(path: np.ndarray, seed: int = 3) -> pd.DataFrame:
    nights = synthetic_nights(len(path), seed)
    drones = nights["drones"].to_numpy()
    nights[f"{DRONE}_neutralised"] = np.random.default_rng(seed).binomial(drones, path)
    return nights


def _share_interval(nights: pd.DataFrame, train_end: date) -> np.ndarray:
    model = fit_tempo(nights, train_end)
    start = (pd.Timestamp(train_end) + pd.Timedelta(days=1)).date()
    end = (pd.Timestamp(train_end) + pd.offsets.MonthEnd(3)).date()
    sim = model.simulate(start, end, 1000, 1)
    out: np.ndarray = np.quantile(
        simulated_quantities(sim)["drones_neutralised_share"], [0.05, 0.95]
    )
    return out


def test_the_fitted_model_widens_the_share_only_when_it_drifts() -> None:
    n_days = 1096  # 2024-01-01 .. 2026-12-31
    train_end = date(2026, 12, 31)
    stable = _share_interval(_nights_with_share(np.full(n_days, 0.85)), train_end)
    rng = np.random.default_rng(0)
    steps = rng.normal(0.0, 0.03 / np.sqrt(DAYS_PER_MONTH), n_days)
    drifting = _share_interval(
        _nights_with_share(np.clip(0.85 + np.cumsum(steps), 0.5, 0.99)), train_end
    )
    assert stable[0] < 0.85 < stable[1]
    assert stable[1] - stable[0] < 0.04
    assert drifting[1] - drifting[0] > 2.5 * (stable[1] - stable[0])


def test_models_written_before_the_share_wander_in_points_still_load() -> None:
    d = fit_tempo(synthetic_nights(), date(2024, 12, 31)).to_dict()
    share = d["neutralisation"][DRONE]
    del share["wander_share"], share["level"]["origin_sigma"], share["level"]["dof"]
    old = TempoModel.from_dict(d)
    assert old.neutralisation[DRONE].wander_share is None
    assert old.neutralisation[DRONE].level is not None
    assert old.neutralisation[DRONE].level.dof == 0.0
    sim = old.simulate(date(2025, 1, 1), date(2025, 1, 31), 50, 0)
    assert np.all(sim.drones_neutralised <= sim.drones)
