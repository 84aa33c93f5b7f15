"""Forecast summaries of a window: the quantities, their predictive quantiles, and what happened.

The window counts nights by the date of the morning report, both ends included. Each quantity is
computed per simulated run, and summarised by its 5%, 50% and 95% quantiles (a 90% predictive
interval and the median).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from umbrella.core.errors import InputError
from umbrella.core.seeds import generator
from umbrella.core.vocabulary import DRONE
from umbrella.tempo.model import TempoModel, TempoSimulation, fit_tempo

__all__ = [
    "HEAVY_NIGHT_DRONES",
    "QUANTITIES",
    "Forecast",
    "make_forecast",
    "observed_quantities",
    "simulated_quantities",
]

HEAVY_NIGHT_DRONES = 500
QUANTITIES = (
    "drones_launched_total",
    "drones_neutralised_share",
    "missiles_launched_total",
    "nights_with_500_plus_drones",
    "max_nightly_drones",
)
"""Names of the forecast quantities, in report order."""
PERCENTILES = (5.0, 50.0, 95.0)


def simulated_quantities(sim: TempoSimulation) -> dict[str, NDArray[np.float64]]:
    """Each quantity per run, shape (n_runs,); the neutralised share is NaN for a drone-less run."""
    drones = sim.drones.sum(axis=1).astype(np.float64)
    neutralised = sim.drones_neutralised.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(drones > 0, neutralised / np.maximum(drones, 1.0), np.nan)
    return {
        "drones_launched_total": drones,
        "drones_neutralised_share": share,
        "missiles_launched_total": sim.missiles_total.sum(axis=1).astype(np.float64),
        "nights_with_500_plus_drones": (sim.drones >= HEAVY_NIGHT_DRONES)
        .sum(axis=1)
        .astype(np.float64),
        "max_nightly_drones": sim.drones.max(axis=1).astype(np.float64),
    }


def observed_quantities(nights: pd.DataFrame, start: date, end: date) -> dict[str, float] | None:
    """The same quantities from the reports, or None if the data do not cover the window."""
    index = pd.DatetimeIndex(nights.index)
    if len(index) == 0 or index.min() > pd.Timestamp(start) or index.max() < pd.Timestamp(end):
        return None
    w = nights.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    assessed = float(w[f"{DRONE}_assessed"].sum())
    return {
        "drones_launched_total": float(w["drones"].sum()),
        "drones_neutralised_share": (
            float(w[f"{DRONE}_neutralised"].sum()) / assessed if assessed > 0 else float("nan")
        ),
        "missiles_launched_total": float(w["missiles"].sum()),
        "nights_with_500_plus_drones": float((w["drones"] >= HEAVY_NIGHT_DRONES).sum()),
        "max_nightly_drones": float(w["drones"].max()),
    }


@dataclass(frozen=True)
class Forecast:
    """A forecast of one window.

    Attributes
    ----------
    train_end, start, end
        Training end and the window (both ends included).
    n_nights
        Nights in the window.
    quantiles
        Quantity → ``{"p05", "p50", "p95"}``.
    observed
        Quantity → value from the reports, or None when the data do not cover the window.
    model
        The fitted model.
    samples
        Quantity → the value in each simulated run (the predictive sample).
    """

    train_end: date
    start: date
    end: date
    n_nights: int
    quantiles: dict[str, dict[str, float]]
    observed: dict[str, float] | None
    model: TempoModel
    samples: dict[str, NDArray[np.float64]] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The ``umbrella data forecast --json`` document."""
        doc: dict[str, Any] = {
            "train_end": self.train_end.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "nights": self.n_nights,
        }
        doc.update(self.quantiles)
        return doc


def summarise(values: NDArray[np.float64]) -> dict[str, float]:
    """5%, 50% and 95% quantiles of the finite values (NaN if none)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"p05": float("nan"), "p50": float("nan"), "p95": float("nan")}
    q = np.percentile(finite, PERCENTILES)
    return {"p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}


def make_forecast(
    nights: pd.DataFrame,
    train_end: date,
    start: date,
    end: date,
    n_runs: int,
    seed: int,
    **fit_options: Any,
) -> Forecast:
    """Fit on nights up to ``train_end`` and forecast the window ``start``-``end``.

    Parameters
    ----------
    nights
        Output of :func:`~umbrella.data.nights.load_nights`.
    train_end
        Last night the model may see.
    start, end
        The window, both included; ``start`` must be after ``train_end``.
    n_runs
        Simulated runs.
    seed
        Non-negative seed.
    **fit_options
        Passed to :func:`~umbrella.data.tempo.fit_tempo`.
    """
    if start <= train_end:
        raise InputError(f"start {start} must be after the training end {train_end}")
    if end < start:
        raise InputError(f"end {end} is before start {start}")
    return forecast_with(nights, train_end, start, end, n_runs, generator(seed), **fit_options)


def forecast_with(
    nights: pd.DataFrame,
    train_end: date,
    start: date,
    end: date,
    n_runs: int,
    rng: np.random.Generator,
    **fit_options: Any,
) -> Forecast:
    """:func:`make_forecast` with the random numbers drawn from ``rng``."""
    model = fit_tempo(nights, train_end, **fit_options)
    sim = model.draw(start, end, n_runs, rng)
    per_run = simulated_quantities(sim)
    return Forecast(
        train_end=train_end,
        start=start,
        end=end,
        n_nights=len(sim.dates),
        quantiles={q: summarise(per_run[q]) for q in QUANTITIES},
        observed=observed_quantities(nights, start, end),
        model=model,
        samples=per_run,
    )
