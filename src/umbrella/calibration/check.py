"""The in-sample check of a calibration: the fitted posture flown through the engine on its own
training nights, scored against the reports (the ``fit`` table of the ``[calibration]`` record).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from umbrella.calibration.fit import Calibration
from umbrella.calibration.night import nights_in
from umbrella.calibration.predict import predict_nights
from umbrella.calibration.scores import DEFAULT_MIN_DRONES, night_rows
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

__all__ = ["check_fit", "fit_metrics"]


def fit_metrics(rows: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES) -> dict[str, float]:
    """Scores of a :func:`~umbrella.calibration.scores.night_rows` table over all its nights:
    drone share (nights with ``min_drones``+), the killed share where the reports split it,
    and the pooled neutralised share of each missile class."""
    s = rows[(rows["drones"] >= min_drones) & rows["reported_share"].notna()]
    out: dict[str, float] = {"nights": float(len(s))}
    if len(s):
        pred, obs = s["share_mean"].to_numpy(), s["reported_share"].to_numpy()
        out["mae"] = float(np.mean(np.abs(pred - obs)))
        out["bias"] = float(np.mean(pred - obs))
        if len(s) >= 3 and pred.std() > 0 and obs.std() > 0:
            out["correlation"] = float(np.corrcoef(pred, obs)[0, 1])
        out["coverage90"] = float(np.mean((obs >= s["share_p05"]) & (obs <= s["share_p95"])))
    split = s[s["reported_killed"].notna()]
    if len(split):
        w = split["drones"].to_numpy(np.float64)
        out["killed_share"] = float(np.sum(w * split["killed_mean"]) / w.sum())
        out["killed_share_reported"] = float(np.sum(w * split["reported_killed"]) / w.sum())
    for c in MISSILE_THREAT_CLASSES:
        m = rows[(rows[f"{c}_launched"] > 0) & rows[f"{c}_reported"].notna()]
        launched = float(m[f"{c}_launched"].sum())
        if launched > 0:
            out[f"{c}_share"] = float(m[f"{c}_neutralised_mean"].sum() / launched)
            out[f"{c}_share_reported"] = float(m[f"{c}_reported"].sum() / launched)
    return out


def check_fit(
    calibration: Calibration,
    table: pd.DataFrame,
    runs: int,
    seed: int,
    *,
    min_drones: int = DEFAULT_MIN_DRONES,
    progress: Callable[[int, int], None] | None = None,
) -> Scenario:
    """Fly the fitted posture on its training nights and put the scores in its record.

    Returns
    -------
    Scenario
        The fitted scenario with ``calibration.fit`` and ``calibration.runs`` filled in.
    """
    nights = [
        n
        for n in nights_in(table, calibration.train_start, calibration.train_end)
        if n.drones >= min_drones
    ]
    scenario = calibration.scenario
    assert scenario.calibration is not None
    if not nights:
        return scenario
    pred = predict_nights(scenario, nights, runs, seed, progress=progress)
    metrics = fit_metrics(night_rows(pred), min_drones)
    record = scenario.calibration.model_copy(update={"fit": metrics, "runs": runs})
    return scenario.replace(calibration=record)
