"""Proper scores: CRPS and the interval score against closed forms, persistence reads no future,
and the drone share's size effect is recovered."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from umbrella.tempo.scores import crps_sample, interval_score, persistence_sample
from umbrella.tempo.shares import fit_share


@pytest.mark.parametrize("y", [-1.3, 0.0, 0.4, 2.5])
def test_crps_of_a_normal_sample_matches_the_closed_form(y: float) -> None:
    x = stats.norm.ppf((np.arange(40_000) + 0.5) / 40_000)  # an evenly spread normal sample
    exact = y * (2 * stats.norm.cdf(y) - 1) + 2 * stats.norm.pdf(y) - 1 / np.sqrt(np.pi)
    assert crps_sample(x, y) == pytest.approx(exact, abs=1e-3)


def test_crps_of_a_point_is_the_absolute_error() -> None:
    assert crps_sample(np.full(10, 3.0), 5.0) == pytest.approx(2.0)


def test_interval_score_is_width_plus_penalties() -> None:
    x = np.linspace(0.0, 10.0, 100_001)
    lo, hi = 0.5, 9.5
    assert interval_score(x, 5.0) == pytest.approx(hi - lo, abs=1e-3)
    assert interval_score(x, 12.0) == pytest.approx(hi - lo + 20 * (12.0 - hi), abs=1e-3)
    assert interval_score(x, -1.0) == pytest.approx(hi - lo + 20 * (lo + 1.0), abs=1e-3)


def test_persistence_reads_nothing_after_the_origin() -> None:
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D", name="night")
    rng = np.random.default_rng(2)
    drones = rng.poisson(100, len(days))
    nights = pd.DataFrame({"drones": drones, "missiles": 0,
                           "one_way_attack_drone_neutralised": drones // 2,
                           "one_way_attack_drone_assessed": drones}, index=days)  # fmt: skip
    changed = nights.copy()
    changed.loc["2025-07-01":, "drones"] *= 10
    origin, start, end = date(2025, 6, 30), date(2025, 7, 1), date(2025, 9, 30)
    q = "drones_launched_total"
    a = persistence_sample(nights, origin, start, end, q, 50, np.random.default_rng(0))
    b = persistence_sample(changed, origin, start, end, q, 50, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    # Centred on the previous window's total (92 nights of about 100 drones), on the log scale.
    assert np.median(a) == pytest.approx(
        np.log1p(nights.loc["2025-03-31":"2025-06-30", "drones"].sum()), abs=0.3
    )


def test_share_size_effect_is_recovered() -> None:
    rng = np.random.default_rng(4)
    n = rng.integers(20, 800, 400)
    x = np.log(n + 1.0) - np.log(n + 1.0).mean()
    p = 1 / (1 + np.exp(-(1.4 + 0.6 * x)))
    k = rng.binomial(n, rng.beta(p * 60, (1 - p) * 60))
    fit = fit_share(k, n, size_effect=True)
    assert fit.posterior.value("size_slope") == pytest.approx(
        0.6, abs=3 * fit.posterior.sd("size_slope")
    )
    assert fit.posterior.value("logit_mean") == pytest.approx(
        1.4, abs=3 * fit.posterior.sd("logit_mean")
    )
