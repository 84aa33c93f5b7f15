"""Rolling-origin backtests: fit up to the end of a month, forecast the next months, compare.

Origins are the ends of calendar months from the first one with :data:`MIN_HISTORY_DAYS` nights
of national reports before it, to the last one whose whole horizon the data cover. For each
origin and horizon (3 and 6 months: the window is the nights of the following whole months) the
model is refitted on the nights up to the origin only and its 90% interval and median for each
quantity are set beside what the reports show.

Scores per quantity and horizon: ``coverage90`` (share of origins whose observed value falls in
the 90% interval; the target is 0.9), ``median_error`` (mean absolute log ratio of median to
observed, ``log((p50 + 1) / (obs + 1))``, for counts; mean absolute difference for the
neutralised share), ``relative_width`` (mean of ``(p95 - p05) / p50``), and the proper scores of
:mod:`umbrella.tempo.scores`, the mean ``crps`` and 90% ``interval_score`` of the model and of
the persistence forecast (``*_persistence``) over the same origins (lower is better). Windows of
neighbouring origins overlap, so the origins are not independent; the coverage's effective
sample is smaller than the number of origins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from umbrella.core.deprecations import renamed_argument
from umbrella.core.errors import InputError
from umbrella.core.progress import Progress, report
from umbrella.core.seeds import spawn_generators
from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.tempo.forecast import QUANTITIES, forecast_with
from umbrella.tempo.scores import crps_sample, interval_score, persistence_sample, score_scale

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from umbrella.core.documents.data import BacktestScore, BacktestSummary

__all__ = [
    "MIN_HISTORY_DAYS",
    "BacktestResult",
    "backtest_origins",
    "backtest_tempo",
    "score_backtest",
]

MIN_HISTORY_DAYS = 365
SHARE_QUANTITIES = ("drones_neutralised_share",)


def backtest_origins(
    nights: pd.DataFrame, horizon_months: int, min_history_days: int = MIN_HISTORY_DAYS
) -> list[date]:
    """Month ends usable as origins for a horizon: enough history before, data to the end after."""
    index = pd.DatetimeIndex(nights.index)
    first, last = index.min(), index.max()
    ends = pd.date_range(first, last, freq="ME")
    out = []
    for m in ends:
        window_end = m + pd.offsets.MonthEnd(horizon_months)
        if (m - first).days + 1 >= min_history_days and window_end <= last:
            out.append(m.date())
    return out


def _num(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


@dataclass(frozen=True, eq=False, repr=False)
class BacktestResult:
    """A rolling-origin backtest of the raid-tempo model (``umbrella data backtest``).

    Attributes
    ----------
    rows
        One row per origin, horizon and quantity (see :func:`backtest_tempo`).
    runs
        Simulated runs per forecast.
    seed
        The seed.
    horizons
        The horizons, in whole months.
    min_history_days
        Nights of reports required before the first origin.
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_backtest`; None when made by
        hand).
    """

    kind: ClassVar[str] = "backtest"

    rows: pd.DataFrame
    runs: int
    seed: int
    horizons: tuple[int, ...]
    min_history_days: int = MIN_HISTORY_DAYS
    provenance: Mapping[str, Any] | None = None

    @property
    def origins(self) -> list[str]:
        """The origins (month ends, ``YYYY-MM-DD``), in order."""
        return sorted({str(o) for o in self.rows["origin"]})

    def scores(self) -> pd.DataFrame:
        """The scores per horizon and quantity (:func:`score_backtest`)."""
        return score_backtest(self.rows)

    def __repr__(self) -> str:
        origins = self.origins
        return (
            f"BacktestResult(origins {origins[0]} to {origins[-1]}, horizons={self.horizons}, "
            f"runs={self.runs}, seed={self.seed})"
        )

    # ------------------------------------------------------------------ documents
    def summary(self) -> BacktestSummary:
        """The ``umbrella data backtest --json`` document (a
        :class:`~umbrella.core.documents.data.BacktestSummary`)."""
        from umbrella.core.version import __version__

        scores: list[BacktestScore] = [
            {
                "horizon_months": int(r["horizon_months"]),
                "quantity": str(r["quantity"]),
                "origins": int(r["origins"]),
                "coverage90": _num(r["coverage90"]),
                "below": _num(r["below"]),
                "above": _num(r["above"]),
                "median_error": _num(r["median_error"]),
                "error_kind": str(r["error_kind"]),
                "relative_width": _num(r["relative_width"]),
                "crps": _num(r["crps"]),
                "interval_score": _num(r["interval_score"]),
                "crps_persistence": _num(r["crps_persistence"]),
                "interval_score_persistence": _num(r["interval_score_persistence"]),
            }
            for r in self.scores().to_dict("records")
        ]
        origins = self.origins
        return {
            "kind": "backtest",
            "runs": self.runs,
            "seed": self.seed,
            "horizons": list(self.horizons),
            "min_history_days": self.min_history_days,
            "first_origin": origins[0],
            "last_origin": origins[-1],
            "version": __version__,
            "scores": scores,
            "data_credit": DATA_CREDIT,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``forecasts`` (one row per origin, horizon and quantity) and ``scores`` (per horizon
        and quantity)."""
        return {"forecasts": self.rows, "scores": self.scores()}

    def figures(self) -> dict[str, Figure]:
        """``backtest``: each forecast's interval against the reported value, per quantity and
        horizon."""
        from umbrella.report.charts.backtest import plot_backtest

        return {"backtest": plot_backtest(self.rows, self.runs, self.seed)}

    def plot(self) -> Figure:
        """The backtest's chart (a matplotlib figure)."""
        return self.figures()["backtest"]

    def _repr_html_(self) -> str:
        from umbrella.report.html import esc
        from umbrella.report.sections import backtest_sections

        body = "".join(f"<h4>{esc(h)}</h4>{html}" for h, html in backtest_sections(self.summary()))
        return f"<p><b>{esc(repr(self))}</b></p>{body}"

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella data backtest --out`` writes (see
        :mod:`umbrella.report.folder`): ``forecasts.parquet``, ``scores.parquet``,
        ``summary.json``, ``meta.json``, the chart and ``report.html``."""
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip


def backtest_tempo(
    nights: pd.DataFrame,
    horizons: Sequence[int] = (3, 6),
    runs: int = 1000,
    seed: int = 0,
    min_history_days: int = MIN_HISTORY_DAYS,
    *,
    progress: Progress | None = None,
    **fit_options: Any,
) -> BacktestResult:
    """Run the rolling-origin backtest.

    Parameters
    ----------
    nights
        Output of :func:`~umbrella.attacks.nights.load_nights`.
    horizons
        Forecast horizons in whole months.
    runs
        Simulated runs per forecast.
    seed
        Seed; each origin and horizon gets its own child stream.
    min_history_days
        Nights of history required before the first origin.
    progress
        ``progress(done, total, "forecasts")`` after each origin and horizon.
    **fit_options
        Passed to :func:`~umbrella.tempo.model.fit_tempo`.

    Returns
    -------
    BacktestResult
        Its ``rows``: one row per origin, horizon and quantity: ``origin``,
        ``horizon_months``, ``start``, ``end``, ``quantity``, ``p05``, ``p50``, ``p95``,
        ``observed``, ``covered``, and the proper scores ``crps``, ``interval_score``,
        ``crps_persistence``, ``interval_score_persistence`` (see
        :mod:`umbrella.tempo.scores`).

    Raises
    ------
    InputError
        Too little data for one origin.
    """
    rows: list[dict[str, Any]] = []
    horizons = tuple(int(h) for h in horizons)
    per_horizon = [backtest_origins(nights, h, min_history_days) for h in horizons]
    total = sum(len(o) for o in per_horizon)
    if total == 0:
        raise InputError(
            f"too little data for a backtest: need {min_history_days} nights of history "
            "before the first origin and a whole horizon after it"
        )
    rngs = iter(spawn_generators(seed, total))
    done = 0
    for h, origins in zip(horizons, per_horizon, strict=True):
        for origin in origins:
            start = (pd.Timestamp(origin) + pd.Timedelta(days=1)).date()
            end = (pd.Timestamp(origin) + pd.offsets.MonthEnd(h)).date()
            rng = next(rngs)
            fc = forecast_with(nights, origin, start, end, runs, rng, **fit_options)
            assert fc.observed is not None
            quantiles = fc.quantiles
            for q in QUANTITIES:
                qs, obs = quantiles[q], fc.observed[q]
                y = float(score_scale(q, np.array([obs]))[0])
                model = score_scale(q, fc.samples[q])
                base = persistence_sample(nights, origin, start, end, q, runs, rng)
                rows.append(
                    {
                        "origin": origin,
                        "horizon_months": h,
                        "start": start,
                        "end": end,
                        "quantity": q,
                        **qs,
                        "observed": obs,
                        "covered": bool(qs["p05"] <= obs <= qs["p95"]),
                        "crps": crps_sample(model, y),
                        "interval_score": interval_score(model, y),
                        "crps_persistence": crps_sample(base, y),
                        "interval_score_persistence": interval_score(base, y),
                    }
                )
            done += 1
            report(progress, done, total, "forecasts")
    return BacktestResult(
        rows=pd.DataFrame(rows), runs=runs, seed=seed, horizons=horizons,
        min_history_days=min_history_days,
    )  # fmt: skip


@renamed_argument("n_runs", "runs", until="0.4")
def run_backtest(
    nights: pd.DataFrame,
    horizons: Sequence[int] = (3, 6),
    runs: int = 1000,
    seed: int = 0,
    min_history_days: int = MIN_HISTORY_DAYS,
    **fit_options: Any,
) -> pd.DataFrame:
    """The old name of ``backtest_tempo(...).rows`` (works, with a warning, until umbrella 0.4;
    :func:`umbrella.jobs.run_backtest` is the job of ``umbrella data backtest``)."""
    import warnings

    from umbrella.core.errors import UmbrellaDeprecationWarning

    warnings.warn(
        "umbrella.tempo.run_backtest(...) is now umbrella.tempo.backtest_tempo(...), which "
        "returns a BacktestResult (its rows: .rows); the old name works until umbrella 0.4",
        UmbrellaDeprecationWarning,
        stacklevel=2,
    )
    return backtest_tempo(nights, horizons, runs, seed, min_history_days, **fit_options).rows


def score_backtest(rows: pd.DataFrame) -> pd.DataFrame:
    """Coverage, median error and relative width per horizon and quantity.

    Returns
    -------
    pandas.DataFrame
        Columns ``horizon_months``, ``quantity``, ``origins``, ``coverage90``,
        ``below`` and ``above`` (shares of outcomes under ``p05`` and over ``p95``),
        ``median_error``, ``error_kind``, ``relative_width``, and the means of ``crps``,
        ``interval_score``, ``crps_persistence`` and ``interval_score_persistence``.
    """
    out = []
    for h in sorted({int(v) for v in rows["horizon_months"]}):
        for q in QUANTITIES:
            g = rows[(rows["horizon_months"] == h) & (rows["quantity"] == q)]
            if not g.empty:
                out.append(_score(g, h, q))
    return pd.DataFrame(out)


def _score(g: pd.DataFrame, h: int, q: str) -> dict[str, Any]:
    g = g[np.isfinite(g["observed"].to_numpy(dtype=np.float64))]
    if q in SHARE_QUANTITIES:
        err = float(np.mean(np.abs(g["p50"] - g["observed"])))
        kind = "mean |p50 - obs|"
    else:
        err = float(np.mean(np.abs(np.log((g["p50"] + 1.0) / (g["observed"] + 1.0)))))
        kind = "mean |log((p50+1)/(obs+1))|"
    width = (g["p95"] - g["p05"]) / g["p50"].where(g["p50"] > 0)
    proper = {
        c: float(g[c].mean()) if c in g else float("nan")
        for c in ("crps", "interval_score", "crps_persistence", "interval_score_persistence")
    }
    return {
        "horizon_months": h,
        "quantity": q,
        "origins": len(g),
        "coverage90": float(g["covered"].mean()),
        "below": float((g["observed"] < g["p05"]).mean()),
        "above": float((g["observed"] > g["p95"]).mean()),
        "median_error": err,
        "error_kind": kind,
        "relative_width": float(width.mean()),
        **proper,
    }
