"""Forecast summaries of a window: the quantities, their predictive quantiles, and what happened.

The window counts nights by the date of the morning report, both ends included. Each quantity is
computed per simulated run, and summarised over the runs as an
:class:`~umbrella.core.documents.Estimate`: its mean with the 95% CI of the mean, and its 5%, 50%
and 95% quantiles (the per-run spread p05-p95 is the forecast's 90% predictive interval).
:class:`ForecastResult` is the result of ``umbrella data forecast``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from umbrella.core.deprecations import renamed_argument
from umbrella.core.errors import InputError
from umbrella.core.seeds import generator
from umbrella.core.vocabulary import DATA_CREDIT, DRONE
from umbrella.tempo.model import TempoModel, TempoSimulation, fit_tempo

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from umbrella.core.documents import Estimate
    from umbrella.core.documents.data import ForecastSummary

__all__ = [
    "HEAVY_NIGHT_DRONES",
    "QUANTITIES",
    "ForecastResult",
    "forecast_with",
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
    """Each quantity per run, shape (runs,); the neutralised share is NaN for a drone-less run."""
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


@dataclass(frozen=True, eq=False, repr=False)
class ForecastResult:
    """A forecast of one window (``umbrella data forecast``).

    Attributes
    ----------
    train_end, start, end
        Training end and the window (both ends included).
    n_nights
        Nights in the window.
    runs
        Simulated runs.
    seed
        The seed (None when the random numbers came from a caller's generator,
        :func:`forecast_with`).
    samples
        Quantity → the value in each simulated run, shape (runs,) (the predictive sample; the
        share is NaN for a run without drones).
    observed
        Quantity → value from the reports, or None when the data do not cover the window.
    model
        The fitted model.
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_forecast`; None when made by
        hand).
    """

    kind: ClassVar[str] = "forecast"

    train_end: date
    start: date
    end: date
    n_nights: int
    runs: int
    seed: int | None
    samples: dict[str, NDArray[np.float64]]
    observed: dict[str, float] | None
    model: TempoModel
    provenance: Mapping[str, Any] | None = None

    def __repr__(self) -> str:
        return (
            f"ForecastResult({self.start} to {self.end}, trained to {self.train_end}, "
            f"runs={self.runs}, seed={self.seed})"
        )

    @property
    def quantiles(self) -> dict[str, dict[str, float]]:
        """Quantity → ``{"p05", "p50", "p95"}`` over the runs with a value (NaN if none)."""
        return {q: summarise(self.samples[q]) for q in QUANTITIES}

    def estimates(self) -> dict[str, Estimate | None]:
        """Quantity → its :class:`~umbrella.core.documents.Estimate` over the runs with a value
        (None if no run has one: the share when no run has a drone)."""
        from umbrella.core.stats import estimate

        out: dict[str, Estimate | None] = {}
        for q in QUANTITIES:
            x = self.samples[q]
            finite = x[np.isfinite(x)]
            out[q] = estimate(finite) if finite.size else None
        return out

    # ------------------------------------------------------------------ documents
    def summary(self) -> ForecastSummary:
        """The ``umbrella data forecast --json`` document (a
        :class:`~umbrella.core.documents.data.ForecastSummary`)."""
        from umbrella.core.version import __version__

        e = self.estimates()

        def whole(q: str) -> Estimate:
            value = e[q]
            assert value is not None  # counts: every run has one
            return value

        return {
            "kind": "forecast",
            "train_end": self.train_end.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "nights": self.n_nights,
            "runs": self.runs,
            "seed": self.seed,
            "version": __version__,
            "drones_launched_total": whole("drones_launched_total"),
            "drones_neutralised_share": e["drones_neutralised_share"],
            "missiles_launched_total": whole("missiles_launched_total"),
            "nights_with_500_plus_drones": whole("nights_with_500_plus_drones"),
            "max_nightly_drones": whole("max_nightly_drones"),
            "observed": (
                None if self.observed is None else {q: _finite(v) for q, v in self.observed.items()}
            ),
            "data_credit": DATA_CREDIT,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``quantities`` (one row per quantity: the mean with its 95% CI of the mean, the
        per-run spread p05-p95, the median, and what the reports show) and ``runs`` (each
        quantity in each run)."""
        rows = []
        for q, e in self.estimates().items():
            lo, hi = e["ci95"] if e is not None else (None, None)
            rows.append(
                {
                    "quantity": q,
                    "mean": np.nan if e is None else e["mean"],
                    "ci95_lo": np.nan if lo is None else lo,
                    "ci95_hi": np.nan if hi is None else hi,
                    "p05": np.nan if e is None else e["p05"],
                    "p50": np.nan if e is None else e["p50"],
                    "p95": np.nan if e is None else e["p95"],
                    "observed": np.nan if self.observed is None else self.observed[q],
                }
            )
        runs = pd.DataFrame(
            {"run": np.arange(self.runs), **{q: self.samples[q] for q in QUANTITIES}}
        )
        return {"quantities": pd.DataFrame(rows), "runs": runs}

    def figures(self) -> dict[str, Figure]:
        """``forecast``: each quantity's distribution over the runs, its per-run spread
        p05-p95 and median, and the reported value when the data cover the window."""
        from umbrella.report.charts.forecast import plot_forecast

        title = (f"Raid-tempo forecast, {self.start} to {self.end} ({self.n_nights} nights), "
                 f"fitted to {self.train_end}")  # fmt: skip
        fig = plot_forecast(self.samples, self.observed, title=title, runs=self.runs,
                            seed=self.seed)  # fmt: skip
        return {"forecast": fig}

    def plot(self) -> Figure:
        """The forecast's chart (a matplotlib figure)."""
        return self.figures()["forecast"]

    def _repr_html_(self) -> str:
        from umbrella.report.html import esc
        from umbrella.report.sections import forecast_sections

        body = "".join(f"<h4>{esc(h)}</h4>{html}" for h, html in forecast_sections(self.summary()))
        return f"<p><b>{esc(repr(self))}</b></p>{body}"

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella data forecast --out`` writes (see
        :mod:`umbrella.report.folder`): the tables, ``summary.json``, ``meta.json``, the chart
        and ``report.html``."""
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def summarise(values: NDArray[np.float64]) -> dict[str, float]:
    """5%, 50% and 95% quantiles of the finite values (NaN if none)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"p05": float("nan"), "p50": float("nan"), "p95": float("nan")}
    q = np.percentile(finite, PERCENTILES)
    return {"p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}


@renamed_argument("n_runs", "runs", until="0.4")
def make_forecast(
    nights: pd.DataFrame,
    train_end: date,
    start: date,
    end: date,
    runs: int,
    seed: int,
    **fit_options: Any,
) -> ForecastResult:
    """Fit on nights up to ``train_end`` and forecast the window ``start``-``end``.

    Parameters
    ----------
    nights
        Output of :func:`~umbrella.data.nights.load_nights`.
    train_end
        Last night the model may see.
    start, end
        The window, both included; ``start`` must be after ``train_end``.
    runs
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
    result = forecast_with(nights, train_end, start, end, runs, generator(seed), **fit_options)
    return dataclasses.replace(result, seed=seed)


@renamed_argument("n_runs", "runs", until="0.4")
def forecast_with(
    nights: pd.DataFrame,
    train_end: date,
    start: date,
    end: date,
    runs: int,
    rng: np.random.Generator,
    **fit_options: Any,
) -> ForecastResult:
    """:func:`make_forecast` with the random numbers drawn from ``rng`` (the result's ``seed``
    is None)."""
    model = fit_tempo(nights, train_end, **fit_options)
    sim = model.draw(start, end, runs, rng)
    return ForecastResult(
        train_end=train_end,
        start=start,
        end=end,
        n_nights=len(sim.dates),
        runs=runs,
        seed=None,
        samples=simulated_quantities(sim),
        observed=observed_quantities(nights, start, end),
        model=model,
    )
