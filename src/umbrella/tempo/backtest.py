"""Rolling-origin backtests: fit up to the end of a month, forecast the next months, compare.

Origins are the ends of calendar months from the first one with :data:`MIN_HISTORY_DAYS` nights
of national reports before it, to the last one whose whole horizon the data cover. For each
origin and horizon (3 and 6 months: the window is the nights of the following whole months) the
model is refitted on the nights up to the origin only and its 90% interval and median for each
quantity are set beside what the reports show.

Scores per quantity and horizon: ``coverage_90`` (share of origins whose observed value falls in
the 90% interval; the target is 0.9), ``median_error`` (mean absolute log ratio of median to
observed, ``log((p50 + 1) / (obs + 1))``, for counts; mean absolute difference for the
neutralised share), ``relative_width`` (mean of ``(p95 - p05) / p50``), and the proper scores of
:mod:`umbrella.tempo.scores`, the mean ``crps`` and 90% ``interval_score`` of the model and of
the persistence forecast (``*_persistence``) over the same origins (lower is better). Windows of
neighbouring origins overlap, so the origins are not independent; the coverage's effective
sample is smaller than the number of origins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from umbrella.core.seeds import spawn_generators
from umbrella.tempo.forecast import QUANTITIES, forecast_with
from umbrella.tempo.scores import crps_sample, interval_score, persistence_sample, score_scale

__all__ = [
    "MIN_HISTORY_DAYS",
    "backtest_document",
    "backtest_origins",
    "run_backtest",
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


def run_backtest(
    nights: pd.DataFrame,
    horizons: Sequence[int] = (3, 6),
    n_runs: int = 1000,
    seed: int = 0,
    min_history_days: int = MIN_HISTORY_DAYS,
    **fit_options: Any,
) -> pd.DataFrame:
    """Run the rolling-origin backtest.

    Parameters
    ----------
    nights
        Output of :func:`~umbrella.data.nights.load_nights`.
    horizons
        Forecast horizons in whole months.
    n_runs
        Simulated runs per forecast.
    seed
        Seed; each origin and horizon gets its own child stream.
    min_history_days
        Nights of history required before the first origin.
    **fit_options
        Passed to :func:`~umbrella.data.tempo.fit_tempo`.

    Returns
    -------
    pandas.DataFrame
        One row per origin, horizon and quantity: ``origin``, ``horizon_months``, ``start``,
        ``end``, ``quantity``, ``p05``, ``p50``, ``p95``, ``observed``, ``covered``, and the
        proper scores ``crps``, ``interval_score``, ``crps_persistence``,
        ``interval_score_persistence`` (see :mod:`umbrella.tempo.scores`).
    """
    rows: list[dict[str, Any]] = []
    per_horizon = [backtest_origins(nights, h, min_history_days) for h in horizons]
    rngs = iter(spawn_generators(seed, sum(len(o) for o in per_horizon)))
    for h, origins in zip(horizons, per_horizon, strict=True):
        for origin in origins:
            start = (pd.Timestamp(origin) + pd.Timedelta(days=1)).date()
            end = (pd.Timestamp(origin) + pd.offsets.MonthEnd(h)).date()
            rng = next(rngs)
            fc = forecast_with(nights, origin, start, end, n_runs, rng, **fit_options)
            assert fc.observed is not None
            for q in QUANTITIES:
                qs, obs = fc.quantiles[q], fc.observed[q]
                y = float(score_scale(q, np.array([obs]))[0])
                model = score_scale(q, fc.samples[q])
                base = persistence_sample(nights, origin, start, end, q, n_runs, rng)
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
    return pd.DataFrame(rows)


def backtest_document(
    rows: pd.DataFrame, scores: pd.DataFrame, runs: int, seed: int
) -> dict[str, Any]:
    """The ``umbrella data backtest --json`` document: runs, seed, the origins and the scores."""
    origins = sorted({str(o) for o in rows["origin"]})
    return {
        "runs": runs,
        "seed": seed,
        "min_history_days": MIN_HISTORY_DAYS,
        "first_origin": origins[0],
        "last_origin": origins[-1],
        "scores": scores.to_dict(orient="records"),
    }


def score_backtest(rows: pd.DataFrame) -> pd.DataFrame:
    """Coverage, median error and relative width per horizon and quantity.

    Returns
    -------
    pandas.DataFrame
        Columns ``horizon_months``, ``quantity``, ``origins``, ``coverage_90``,
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
        "coverage_90": float(g["covered"].mean()),
        "below": float((g["observed"] < g["p05"]).mean()),
        "above": float((g["observed"] > g["p95"]).mean()),
        "median_error": err,
        "error_kind": kind,
        "relative_width": float(width.mean()),
        **proper,
    }
