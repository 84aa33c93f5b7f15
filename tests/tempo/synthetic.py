"""Synthetic nights in the layout of :func:`~umbrella.attacks.load_nights`, for the tempo tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from umbrella.core.vocabulary import BALLISTIC, CRUISE, DRONE, REPORT_CLASSES


def synthetic_nights(n_days: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n_days, freq="D", name="night")
    frame = pd.DataFrame(index=index)
    drones = rng.negative_binomial(2, 2 / (2 + 120), size=n_days)
    for cls in REPORT_CLASSES:
        for col in ("launched", "assessed", "neutralised"):
            frame[f"{cls}_{col}"] = 0
    frame[f"{DRONE}_launched"] = drones
    frame[f"{DRONE}_assessed"] = drones
    frame[f"{DRONE}_neutralised"] = rng.binomial(drones, 0.85)
    missiles = np.where(rng.random(n_days) < 0.3, 1 + rng.poisson(5, n_days), 0)
    cruise = rng.binomial(missiles, 0.6)
    for cls, n in ((CRUISE, cruise), (BALLISTIC, missiles - cruise)):
        frame[f"{cls}_launched"] = n
        frame[f"{cls}_assessed"] = n
        frame[f"{cls}_neutralised"] = rng.binomial(n, 0.7 if cls == CRUISE else 0.2)
    frame["drones"] = drones
    frame["missiles"] = missiles
    frame["real_drones"] = np.nan
    frame["after_break"] = False
    return frame
