"""The nights a calibration fits: the training window, its checks, and the likelihood's arrays."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from umbrella.calibration.likelihood import DroneNights, MissileNights
from umbrella.calibration.trend import month_key, month_names
from umbrella.core.errors import InputError

__all__ = ["MIN_TRAINING_NIGHTS", "drone_nights", "missile_nights", "training_window"]

MIN_TRAINING_NIGHTS = 30
"""Fewest nights with drones (at least ``min_drones``, outcome reported) a fit accepts."""


def training_window(
    table: pd.DataFrame, train_end: date, window_days: int, min_drones: int
) -> pd.DataFrame:
    """The rows of a :func:`~umbrella.calibration.night.night_table` that a fit uses.

    Nights from ``train_end - window_days + 1`` to ``train_end`` with at least ``min_drones``
    drones whose outcome is reported in full.

    Raises
    ------
    InputError
        If ``train_end`` is before the first report or too few nights qualify.
    """
    if table.empty:
        raise InputError("the reports hold no night with a launch")
    first = pd.Timestamp(table.index.min()).date()
    if train_end < first:
        raise InputError(
            f"train-end {train_end} is before the first report ({first})", key="--train-end"
        )
    start = train_end - timedelta(days=window_days - 1)
    w = table.loc[pd.Timestamp(start) : pd.Timestamp(train_end)]
    w = w[(w["drones"] >= min_drones) & (w["drones_assessed"] == w["drones"])]
    if len(w) < MIN_TRAINING_NIGHTS:
        raise InputError(
            f"only {len(w)} nights with at least {min_drones} drones and a reported outcome "
            f"from {start} to {train_end}; a fit needs {MIN_TRAINING_NIGHTS}",
            key="--train-end",
        )
    return w


def drone_nights(window: pd.DataFrame) -> DroneNights:
    """The drone likelihood's arrays for the nights of a training window."""
    days = [pd.Timestamp(d).date() for d in window.index]
    months = month_names(days[0], days[-1])
    index = {m: k for k, m in enumerate(months)}
    drones = window["drones"].to_numpy(np.float64)
    split = window["drones_shot_down"].notna() & window["drones_lost"].notna()
    return DroneNights(
        drones=drones,
        neutralised=window["drones_neutralised"].to_numpy(np.float64),
        shot_down=window["drones_shot_down"].where(split).to_numpy(np.float64),
        decoy_share=(window["decoys"] / window["drones"]).to_numpy(np.float64),
        month=np.array([index[month_key(d)] for d in days], dtype=np.int64),
        months=tuple(months),
    )


def missile_nights(table: pd.DataFrame, train_end: date, window_days: int) -> MissileNights:
    """Per missile type, the assessed and neutralised counts of the window's nights."""
    start = train_end - timedelta(days=window_days - 1)
    w = table.loc[pd.Timestamp(start) : pd.Timestamp(train_end)]
    types = [c.removeprefix("type_").removesuffix("_assessed") for c in w.columns
             if c.startswith("type_") and c.endswith("_assessed")]  # fmt: skip
    assessed, neutralised = {}, {}
    for t in types:
        a = w[f"type_{t}_assessed"].to_numpy(np.float64)
        keep = a > 0
        assessed[t] = a[keep]
        neutralised[t] = np.minimum(w[f"type_{t}_neutralised"].to_numpy(np.float64)[keep], a[keep])
    return MissileNights(assessed=assessed, neutralised=neutralised)
