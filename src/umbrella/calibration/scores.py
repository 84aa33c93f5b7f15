"""How predicted nights compare with the reports: the per-night table, half-year scores, and the
simple predictors a posture must beat.

Scores (per half-year, over nights with at least ``min_drones`` drones and a reported share):
``mae`` and ``bias``, the mean absolute and the mean signed difference between the predicted
mean share and the reported share (share points: 0.05 is five points); ``correlation``, Pearson's
between the two; ``coverage90``, the fraction of nights whose reported share lies inside the 90%
predictive interval (p05-p95 over runs).

Baselines (per half-year, the same nights): the mean share of the previous half-year's nights
(``previous_half``), the mean of the previous ten nights before each night (``previous_10``,
persistence), and the window's own mean (``own_mean``, which knows the future).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from umbrella.calibration.predict import NightPredictions
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES

__all__ = [
    "DEFAULT_MIN_DRONES",
    "baselines",
    "half_year",
    "night_rows",
    "nights_document",
    "score_rows",
]

F64 = npt.NDArray[np.float64]
DEFAULT_MIN_DRONES = 100


def half_year(day: date) -> str:
    """``YYYYH1`` or ``YYYYH2``."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def night_rows(pred: NightPredictions) -> pd.DataFrame:
    """One row per night: launches, the predicted share (mean, p05, p50, p95), the predicted
    killed share, missiles by class (launched, predicted neutralised mean, reported) and the
    reported values (NaN where the reports carry none)."""
    share = pred.drone_share
    has: npt.NDArray[np.bool_] = np.asarray(np.isfinite(share).any(axis=1))
    q = np.full((len(pred.nights), 3), np.nan)
    if has.any():
        q[has] = np.nanquantile(share[has], [0.05, 0.5, 0.95], axis=1).T
    rows: dict[str, Any] = {
        "night": pd.to_datetime([n.night for n in pred.nights]),
        "half": [half_year(n.night) for n in pred.nights],
        "drones": [n.drones for n in pred.nights],
        "decoys": [np.nan if n.decoys is None else float(n.decoys) for n in pred.nights],
        "share_mean": np.where(has, np.nanmean(np.where(has[:, None], share, 0.0), axis=1), np.nan),
        "share_p05": q[:, 0],
        "share_p50": q[:, 1],
        "share_p95": q[:, 2],
        "killed_mean": np.where(
            has, np.nanmean(np.where(has[:, None], pred.drone_killed, 0.0), axis=1), np.nan
        ),
        "reported_share": [
            np.nan if n.reported_share is None else n.reported_share for n in pred.nights
        ],
        "reported_killed": [
            np.nan if n.drones_shot_down is None or n.drones == 0 else n.drones_shot_down / n.drones
            for n in pred.nights
        ],
    }
    for c in MISSILE_THREAT_CLASSES:
        rows[f"{c}_launched"] = pred.missiles_launched[c]
        rows[f"{c}_neutralised_mean"] = pred.missiles_neutralised[c].mean(axis=1)
        rows[f"{c}_not_flown"] = pred.missiles_unmapped[c]
        rows[f"{c}_reported"] = [
            np.nan if n.missiles_neutralised.get(c) is None else float(n.missiles_neutralised[c])  # type: ignore[arg-type]
            for n in pred.nights
        ]
    return pd.DataFrame(rows)


def _scores(pred: F64, obs: F64, lo: F64, hi: F64) -> dict[str, float | int]:
    n = len(obs)
    if n == 0:
        nan = float("nan")
        return {"nights": 0, "mae": nan, "bias": nan, "correlation": nan, "coverage90": nan}
    corr = (
        float(np.corrcoef(pred, obs)[0, 1])
        if n >= 3 and pred.std() > 0 and obs.std() > 0
        else float("nan")
    )
    return {
        "nights": int(n),
        "mae": float(np.mean(np.abs(pred - obs))),
        "bias": float(np.mean(pred - obs)),
        "correlation": corr,
        "coverage90": float(np.mean((obs >= lo) & (obs <= hi))),
    }


def _scored(rows: pd.DataFrame, min_drones: int) -> pd.DataFrame:
    return rows[(rows["drones"] >= min_drones) & rows["reported_share"].notna()]


def score_rows(
    rows: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES
) -> dict[str, dict[str, float | int]]:
    """Scores per half-year (see the module docstring) of a :func:`night_rows` table."""
    scored = _scored(rows, min_drones)
    out = {}
    for half, g in scored.groupby("half", sort=True):
        out[str(half)] = _scores(
            g["share_mean"].to_numpy(np.float64),
            g["reported_share"].to_numpy(np.float64),
            g["share_p05"].to_numpy(np.float64),
            g["share_p95"].to_numpy(np.float64),
        )
    return out


def baselines(
    rows: pd.DataFrame, table: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES
) -> pd.DataFrame:
    """MAE and bias of the simple predictors, per half-year, on the scored nights.

    ``table`` is the :func:`~umbrella.calibration.night.night_table` of the reports (its earlier
    nights give the previous half-year and the previous ten nights).
    """
    full = table[(table["drones"] >= min_drones) & (table["drones_assessed"] == table["drones"])]
    shares = full["drones_neutralised"] / full["drones"]
    scored = _scored(rows, min_drones)
    out = []
    for half, g in scored.groupby("half", sort=True):
        obs = g["reported_share"].to_numpy(np.float64)
        year, h = int(str(half)[:4]), int(str(half)[-1])
        prev_start = pd.Timestamp(year - (h == 1), 7 if h == 1 else 1, 1)
        prev = shares.loc[prev_start : prev_start + pd.DateOffset(months=6) - pd.Timedelta(days=1)]
        persistence = np.array(
            [shares.loc[: n - pd.Timedelta(days=1)].tail(10).mean() for n in g["night"]]
        )
        preds = {
            "previous_half": np.full(len(obs), prev.mean() if len(prev) else np.nan),
            "previous_10": persistence,
            "own_mean": np.full(len(obs), obs.mean()),
            "posture": g["share_mean"].to_numpy(np.float64),
        }
        for name, p in preds.items():
            out.append(
                {
                    "half": str(half),
                    "predictor": name,
                    "nights": len(obs),
                    "mae": float(np.mean(np.abs(p - obs))),
                    "bias": float(np.mean(p - obs)),
                }
            )
    return pd.DataFrame(out)


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def nights_document(
    pred: NightPredictions, rows: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES
) -> dict[str, Any]:
    """The ``umbrella nights --json`` document (see the README)."""
    nights = []
    for r in rows.to_dict("records"):
        missiles = {}
        for c in MISSILE_THREAT_CLASSES:
            launched = int(r[f"{c}_launched"])
            if launched == 0:
                continue
            rep = float(r[f"{c}_reported"])
            missiles[c] = {
                "launched": launched,
                "neutralised_mean": float(r[f"{c}_neutralised_mean"]),
                "reported_neutralised": None if not np.isfinite(rep) else int(rep),
            }
        nights.append(
            {
                "night": pd.Timestamp(r["night"]).date().isoformat(),
                "drones_launched": int(r["drones"]),
                "drones_neutralised_share": {
                    q: _num(float(r[f"share_{q}"])) for q in ("mean", "p05", "p50", "p95")
                },
                "reported_drones_neutralised_share": _num(float(r["reported_share"])),
                "missiles": missiles,
            }
        )
    summary = {
        half: {k: (_num(v) if isinstance(v, float) else v) for k, v in s.items()}
        for half, s in score_rows(rows, min_drones).items()
    }
    return {
        "scenario": pred.scenario,
        "runs": pred.runs,
        "seed": pred.seed,
        "nights": nights,
        "summary": summary,
    }
