"""Predicting nights: reproducible, independent of the other nights asked, in range, and the
capability path moves the prediction the way the posterior says."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from umbrella.calibration.night import Night
from umbrella.calibration.predict import predict_nights
from umbrella.core.errors import InputError
from umbrella.scenario import Scenario
from umbrella.scenario.record import CalibrationRecord, PosteriorDraws

NIGHTS = [
    Night(night=date(2025, 3, 3), drones=40, missiles={"iskander_m": 3}),
    Night(night=date(2025, 3, 4), drones=160, decoys=70),
    Night(night=date(2025, 3, 5), drones=0, missiles={"iskander_m": 6}),
]


def _fitted(tiny: Scenario, months: list[str], levels: list[float], drift: float = 0.0) -> Scenario:
    names = [f"log_capability@{m}" for m in months] + [
        "capability_drift", "log_capability_rw", "log_night_sd", "log_frontline_capability",
        "log_ew_scale", "logit_shahed_ew", "log_frontline_drones", "log_frontline_spread",
        "logit_decoy_share", "logit_pk_iskander_m", "log_night_sd_iskander_m",
    ]  # fmt: skip
    row = [*levels, drift, np.log(0.05), np.log(0.2), 0.0, 0.0, -1.0, np.log(40.0),
           np.log(0.3), 0.0, 0.5, np.log(0.3)]  # fmt: skip
    rec = tiny.calibration.model_copy(  # type: ignore[union-attr]
        update={
            "train_end": date.fromisoformat(months[-1] + "-28"),
            "months": months,
            "posterior": PosteriorDraws(names=names, draws=[row]),
        }
    )
    return tiny.replace(calibration=rec)


def test_predictions_are_reproducible_and_in_range(tiny: Scenario) -> None:
    a = predict_nights(tiny, NIGHTS, 20, seed=4)
    b = predict_nights(tiny, NIGHTS, 20, seed=4)
    np.testing.assert_array_equal(a.drone_share, b.drone_share)
    share = a.drone_share[:2]
    assert ((share >= 0) & (share <= 1)).all() and (a.drone_killed[:2] <= share).all()
    assert np.isnan(a.drone_share[2]).all()  # no drones that night
    assert (a.missiles_neutralised["ballistic"] <= a.missiles_launched["ballistic"][:, None]).all()
    assert a.missiles_launched["ballistic"].tolist() == [3, 0, 6]
    c = predict_nights(tiny, NIGHTS, 20, seed=5)
    assert not np.array_equal(a.drone_share[:2], c.drone_share[:2])


def test_a_night_does_not_depend_on_the_other_nights_asked(tiny: Scenario) -> None:
    fitted = _fitted(tiny, ["2025-01", "2025-02"], [0.0, -0.3], drift=-0.05)
    late = [Night(night=date(2025, 5, 2), drones=120), Night(night=date(2025, 6, 9), drones=90)]
    both = predict_nights(fitted, late, 30, seed=2)
    alone = predict_nights(fitted, late[1:], 30, seed=2)
    np.testing.assert_array_equal(both.drone_share[1], alone.drone_share[0])


def test_capability_path_moves_the_share(tiny: Scenario) -> None:
    night = [Night(night=date(2025, 2, 10), drones=60)]
    low = predict_nights(_fitted(tiny, ["2025-01", "2025-02"], [0.0, -2.0]), night, 50, seed=1)
    high = predict_nights(_fitted(tiny, ["2025-01", "2025-02"], [0.0, 1.0]), night, 50, seed=1)
    assert high.drone_share.mean() > low.drone_share.mean() + 0.1


def test_an_empty_list_or_too_few_runs_is_refused(tiny: Scenario) -> None:
    with pytest.raises(InputError, match="no night"):
        predict_nights(tiny, [], 10, 0)
    with pytest.raises(InputError, match="runs"):
        predict_nights(tiny, NIGHTS, 1, 0)


def test_a_record_without_draws_is_flown_as_written(tiny: Scenario) -> None:
    plain = tiny.replace(calibration=CalibrationRecord(frontline_waves=["front-shahed"]))
    pred = predict_nights(plain, NIGHTS[:1], 10, 0)
    assert np.isfinite(pred.drone_share).all()
