"""The raid-tempo model: parameters recovered from synthetic nights, reproducible simulation."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import special

from umbrella.core.vocabulary import (
    CRUISE,
    DRONE,
    REPORT_MISSILE_CLASSES,
)
from umbrella.tempo.drift import LevelNoise, calibrate_wander
from umbrella.tempo.drones import DRONE_PARAMS, DroneTempo, fit_drone_tempo, simulate_drones
from umbrella.tempo.likelihood import Laplace
from umbrella.tempo.model import TempoModel, fit_tempo
from umbrella.tempo.salvos import fit_salvos
from umbrella.tempo.shares import fit_share

from .synthetic import synthetic_nights

TRUE_DRONES = {
    "log_level": np.log(150.0),
    "growth_per_month": 0.04,
    "logit_p_zero": special.logit(0.1),
    "logit_p_heavy": special.logit(0.12),
    "log_heavy_excess": np.log(3.0),
    "log_shape": np.log(3.0),
    "log_shape_heavy": np.log(12.0),
}


def _within(posterior: Laplace, truth: dict[str, float], n_sd: float = 4.0) -> None:
    for name, value in truth.items():
        est, sd = posterior.value(name), posterior.sd(name)
        assert abs(est - value) <= n_sd * sd, f"{name}: {est:.3f} ± {sd:.3f}, true {value:.3f}"


def test_drone_fit_recovers_known_parameters() -> None:
    n = 900
    known = Laplace(
        names=DRONE_PARAMS,
        mean=tuple(float(TRUE_DRONES[k]) for k in DRONE_PARAMS),
        cov=tuple(tuple(0.0 for _ in DRONE_PARAMS) for _ in DRONE_PARAMS),
    )
    truth_model = DroneTempo(known, LevelNoise(0.0, 0.0), damping=1.0, window_days=n)
    rng = np.random.default_rng(2024)
    theta = known.draw(1, rng)
    days = np.arange(1, n + 1)
    counts = simulate_drones(truth_model, days, theta, np.zeros((1, n)), rng)[0]
    fitted = fit_drone_tempo(counts, days - n, damping=1.0)
    truth = dict(TRUE_DRONES)
    # The fit's level is the level at its last night, n days after the truth's origin.
    truth["log_level"] = TRUE_DRONES["log_level"] + TRUE_DRONES["growth_per_month"] * n / (
        365.25 / 12
    )
    _within(fitted.posterior, truth)
    # The posterior is informative, not just wide: growth to within 0.01 per month.
    assert fitted.posterior.sd("growth_per_month") < 0.01


def test_share_fit_recovers_mean_and_concentration() -> None:
    rng = np.random.default_rng(5)
    trials = rng.integers(20, 200, size=400)
    shares = rng.beta(0.8 * 25, 0.2 * 25, size=400)
    model = fit_share(rng.binomial(trials, shares), trials)
    _within(model.posterior, {"logit_mean": special.logit(0.8), "log_concentration": np.log(25)})
    assert model.n_nights == 400


def test_salvo_fit_recovers_frequency_size_and_mix() -> None:
    rng = np.random.default_rng(9)
    n = 1500
    p_night, mean_extra, shape = 0.4, 6.0, 1.5
    size = 1 + rng.negative_binomial(shape, shape / (shape + mean_extra), size=n)
    size = np.where(rng.random(n) < p_night, size, 0)
    mix = np.array([0.5, 0.3, 0.1, 0.1])
    counts = np.array([rng.multinomial(s, rng.dirichlet(mix * 5.0)) for s in size])
    model = fit_salvos(counts, REPORT_MISSILE_CLASSES)
    a, b = model.p_night_a, model.p_night_b
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert abs(a / (a + b) - p_night) <= 4 * sd
    _within(model.size, {"log_mean_extra": np.log(mean_extra), "log_shape": np.log(shape)})
    w = np.asarray(model.mix_weights)
    share_sd = np.sqrt(mix * (1 - mix) / (w.sum() + 1))
    assert np.all(np.abs(w / w.sum() - mix) <= 4 * share_sd)
    assert 2.0 < model.mix_concentration < 12.0


def test_wander_recovers_a_random_walk() -> None:
    rng = np.random.default_rng(17)
    z = np.cumsum(rng.normal(0.0, 0.3, size=400))
    # Predicting with the last value: errors are sums of h steps of sd 0.3.
    fitted = calibrate_wander(z, np.zeros(400), LevelNoise(0.1, 0.1), window_months=1)
    assert 0.25 < fitted.rw_sigma < 0.35
    assert fitted.month_sigma < 0.1


@pytest.fixture(scope="module")
def model() -> TempoModel:
    return fit_tempo(synthetic_nights(), date(2024, 12, 31))


def test_simulation_shapes_and_invariants(model: TempoModel) -> None:
    sim = model.simulate(date(2025, 1, 1), date(2025, 3, 31), 300, 1)
    assert sim.dates[0] == np.datetime64("2025-01-01") and len(sim.dates) == 90
    assert sim.drones.shape == (300, 90) and sim.drones.dtype == np.int64
    assert np.all((sim.decoys >= 0) & (sim.decoys <= sim.drones))
    assert np.all((sim.drones_neutralised >= 0) & (sim.drones_neutralised <= sim.drones))
    assert set(sim.missiles) == set(REPORT_MISSILE_CLASSES)
    for cls, n in sim.missiles.items():
        assert n.shape == (300, 90)
        assert np.all((sim.missiles_neutralised[cls] >= 0) & (sim.missiles_neutralised[cls] <= n))
    # Fitted to ~120 drones a night and 85% neutralised: the simulation is on that scale.
    assert 60 < np.median(sim.drones) < 240
    share = sim.drones_neutralised.sum() / sim.drones.sum()
    assert 0.75 < share < 0.95


def test_decoys_use_the_prior_range_without_is_shahed(model: TempoModel) -> None:
    sim = model.simulate(date(2025, 1, 1), date(2025, 3, 31), 400, 2)
    per_run = sim.decoys.sum(axis=1) / sim.drones.sum(axis=1)
    assert per_run.min() > 0.36 and per_run.max() < 0.64
    # The runs spread over the range, not all at its centre.
    assert per_run.max() - per_run.min() > 0.1


def test_decoys_fitted_from_is_shahed() -> None:
    nights = synthetic_nights()
    rng = np.random.default_rng(4)
    nights["real_drones"] = rng.binomial(nights["drones"], 0.62).astype(float)
    fitted = fit_tempo(nights, date(2024, 12, 31))
    assert fitted.decoys.n_nights > 10
    assert abs(fitted.decoys.mean - 0.38) < 0.03


def test_simulation_is_reproducible_from_a_seed(model: TempoModel) -> None:
    a = model.simulate(date(2025, 1, 1), date(2025, 2, 28), 50, 7)
    b = model.simulate(date(2025, 1, 1), date(2025, 2, 28), 50, 7)
    c = model.simulate(date(2025, 1, 1), date(2025, 2, 28), 50, 8)
    np.testing.assert_array_equal(a.drones, b.drones)
    np.testing.assert_array_equal(a.missiles[CRUISE], b.missiles[CRUISE])
    assert not np.array_equal(a.drones, c.drones)


def test_model_round_trips_through_json(model: TempoModel) -> None:
    restored = TempoModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert restored == model
    a = model.simulate(date(2025, 1, 1), date(2025, 1, 31), 20, 5)
    b = restored.simulate(date(2025, 1, 1), date(2025, 1, 31), 20, 5)
    np.testing.assert_array_equal(a.drones, b.drones)


def test_fit_reads_nothing_after_train_end() -> None:
    nights = synthetic_nights()
    changed = nights.copy()
    after = changed.index > pd.Timestamp("2024-12-31")
    changed.loc[after, "drones"] = 10_000
    changed.loc[after, f"{DRONE}_launched"] = 10_000
    assert fit_tempo(nights, date(2024, 12, 31)) == fit_tempo(changed, date(2024, 12, 31))


def test_too_little_history_is_an_input_error() -> None:
    from umbrella.core.errors import InputError

    with pytest.raises(InputError, match="needs at least"):
        fit_tempo(synthetic_nights(), date(2024, 1, 20))


def test_simulate_window_before_training_end_uses_end_level(model: TempoModel) -> None:
    start = model.train_end - timedelta(days=5)
    sim = model.simulate(start, model.train_end + timedelta(days=5), 10, 0)
    assert sim.drones.shape == (10, 11)
