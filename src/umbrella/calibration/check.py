"""The in-sample check of a calibration: the fitted posture flown through the engine on its own
training nights, scored against the reports (the ``fit`` table of the ``[calibration]`` record).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from umbrella.calibration.fit import Calibration
from umbrella.calibration.night import nights_in
from umbrella.calibration.predict import predict_nights
from umbrella.calibration.scores import (
    DEFAULT_MIN_DRONES,
    night_rows,
    scored_nights,
    share_scores,
)
from umbrella.core.executor import Executor
from umbrella.core.progress import Progress
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

__all__ = ["CHECK_STAGE", "check_fit", "fit_metrics"]

#: The stage :func:`check_fit` reports its progress under.
CHECK_STAGE = "in-sample check"


def fit_metrics(rows: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES) -> dict[str, float]:
    """Scores of a :func:`~umbrella.calibration.scores.night_rows` table over all its nights:
    drone share (nights with ``min_drones``+, :func:`~umbrella.calibration.scores.share_scores`;
    a score left out where undefined), the killed share where the reports split it, and the
    pooled neutralised share of each missile class."""
    s = scored_nights(rows, min_drones)
    out: dict[str, float] = {"nights": float(len(s))}
    if len(s):
        scores = share_scores(s)
        out |= {k: float(scores[k]) for k in ("mae", "bias", "correlation", "coverage90")}
        if not np.isfinite(out["correlation"]):
            del out["correlation"]
    split = s[s["reported_drones_killed_share"].notna()]
    if len(split):
        w = split["drones_launched"].to_numpy(np.float64)
        out["killed_share"] = float(np.sum(w * split["drones_killed_share"]) / w.sum())
        out["killed_share_reported"] = float(
            np.sum(w * split["reported_drones_killed_share"]) / w.sum()
        )
    for c in MISSILE_THREAT_CLASSES:
        reported = f"{c}_reported_neutralised"
        m = rows[(rows[f"{c}_launched"] > 0) & rows[reported].notna()]
        launched = float(m[f"{c}_launched"].sum())
        if launched > 0:
            out[f"{c}_share"] = float(m[f"{c}_neutralised_mean"].sum() / launched)
            out[f"{c}_share_reported"] = float(m[reported].sum() / launched)
    return out


def check_fit(
    calibration: Calibration,
    table: pd.DataFrame,
    runs: int,
    seed: int,
    *,
    min_drones: int = DEFAULT_MIN_DRONES,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Scenario:
    """Fly the fitted posture on its training nights and put the scores in its record.

    ``progress`` is called with ``(nights done, nights, "in-sample check")``.

    Returns
    -------
    Scenario
        The fitted scenario with ``calibration.fit`` and ``calibration.runs`` filled in.
    """
    # Every training night: drone scores over nights with ``min_drones``+ drones, the missile
    # classes pooled over every night that launched them.
    nights = nights_in(table, calibration.train_start, calibration.train_end)
    scenario = calibration.scenario
    assert scenario.calibration is not None
    if not nights:
        return scenario

    def checking(done: int, total: int, stage: str) -> None:
        if progress is not None:
            progress(done, total, CHECK_STAGE)

    pred = predict_nights(scenario, nights, runs, seed, progress=checking, executor=executor)
    metrics = fit_metrics(night_rows(pred), min_drones)
    record = scenario.calibration.model_copy(update={"fit": metrics, "runs": runs})
    return scenario.replace(calibration=record)
