"""Parameter recovery: nights simulated through the engine from a posture with known values are
calibrated back to them, within their posterior intervals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from umbrella.attacks.reader import read_reports
from umbrella.calibration.emulator import DroneGrid
from umbrella.calibration.fit import CalibrationSettings, calibrate
from umbrella.calibration.night import night_table
from umbrella.calibration.predict import predict_nights
from umbrella.scenario import Scenario
from umbrella.scenario.record import PosteriorDraws

from .conftest import launch_nights, report_row, write_rows

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04"]
TRUTH = {
    "log_capability@2025-01": 0.3,
    "log_capability@2025-02": 0.1,
    "log_capability@2025-03": -0.3,
    "log_capability@2025-04": -0.6,
    "capability_drift": -0.2,
    "log_capability_rw": float(np.log(0.15)),
    "log_night_sd": float(np.log(0.25)),
    "log_frontline_capability": -0.5,
    "log_ew_scale": float(np.log(2.0)),
    "logit_shahed_ew": float(special.logit(0.15)),
    "log_frontline_drones": float(np.log(45.0)),
    "log_frontline_spread": float(np.log(0.3)),
    "logit_decoy_share": float(special.logit(0.45)),
    "logit_pk_iskander_m": float(special.logit(0.7)),
    "log_night_sd_iskander_m": float(np.log(0.3)),
    "log_frontline_missiles_iskander_m": float(np.log(2.0)),
    "log_frontline_missile_spread_iskander_m": float(np.log(0.3)),
}
#: Parameters the reports identify well, checked at 2.5 posterior s.d.; the rest at 3.5.
SHARP = ("log_capability@2025-02", "log_capability@2025-04", "log_frontline_drones",
         "log_frontline_capability", "log_night_sd")  # fmt: skip


def _truth(tiny: Scenario) -> Scenario:
    rec = tiny.calibration.model_copy(  # type: ignore[union-attr]
        update={
            "train_end": date(2025, 4, 30),
            "months": MONTHS,
            "posterior": PosteriorDraws(names=list(TRUTH), draws=[list(TRUTH.values())]),
        }
    )
    return tiny.replace(calibration=rec)


def _reports(tiny: Scenario, folder: Path) -> Path:
    nights = launch_nights(
        date(2025, 1, 1), date(2025, 4, 30), seed=8, known_decoys_from=date(2025, 4, 1)
    )
    pred = predict_nights(_truth(tiny), nights, 2, seed=11)
    rows = []
    for i, n in enumerate(nights):
        share, killed = pred.drone_share[i, 0], pred.drone_killed[i, 0]
        shot = round(killed * n.drones)
        lost = round(share * n.drones) - shot
        real = None if n.decoys is None else f"{n.drones - n.decoys:.1f}"
        rows.append(
            report_row(
                n.night,
                "Shahed-136/131",
                n.drones,
                shot,
                not_reach_goal=f"{lost:.1f}",
                is_shahed=real,
            )
        )
        if n.missiles:
            k = int(pred.missiles_neutralised["ballistic"][i, 0])
            rows.append(report_row(n.night, "Iskander-M", n.missiles["iskander_m"], k))
    return write_rows(folder / "missile_attacks_daily.csv", rows)


@pytest.mark.slow
def test_calibration_recovers_known_values(tiny: Scenario, tmp_path: Path) -> None:
    table = night_table(read_reports(_reports(tiny, tmp_path)))
    settings = CalibrationSettings(
        window_days=120, min_drones=20, grid=DroneGrid.coarse(), draws=16
    )
    cal = calibrate(tiny, table, date(2025, 4, 30), seed=3, settings=settings)
    posts = [cal.drones, cal.missiles]
    checked = []
    for name, true in TRUTH.items():
        post = next((p for p in posts if name in p.names), None)
        if post is None or name in ("capability_drift", "log_capability_rw"):
            continue  # four months say little about the walk; its prior dominates
        z = abs(post.value(name) - true) / post.sd(name)
        assert z < (2.5 if name in SHARP else 3.5), (name, post.value(name), true, post.sd(name))
        checked.append(name)
    assert len(checked) >= 12
    # The fitted file flies the fitted values: its draws are centred on zero capability shift.
    rec = cal.scenario.calibration
    assert rec is not None and rec.posterior is not None
    k = rec.posterior.names.index("log_capability@2025-04")
    assert abs(np.mean([d[k] for d in rec.posterior.draws])) < 3 * cal.drones.sd(
        "log_capability@2025-04"
    )
    assert rec.train_end == date(2025, 4, 30) and rec.months == MONTHS


@pytest.mark.slow
def test_recovery_with_the_standard_grid(tiny: Scenario, tmp_path: Path) -> None:
    table = night_table(read_reports(_reports(tiny, tmp_path)))
    settings = CalibrationSettings(window_days=120, min_drones=20, draws=16)
    cal = calibrate(tiny, table, date(2025, 4, 30), seed=3, settings=settings)
    for name in SHARP:
        assert abs(cal.drones.value(name) - TRUTH[name]) < 2.5 * cal.drones.sd(name), name
