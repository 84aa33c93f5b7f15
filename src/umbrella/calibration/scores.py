"""How predicted nights compare with the reports: the per-night table, half-year scores, and the
simple predictors a posture must beat.

Scores (per half-year, over nights with at least ``min_drones`` drones and a reported share):
``mae`` and ``bias``, the mean absolute and the mean signed difference between the predicted
mean share and the reported share (share points: 0.05 is five points); ``correlation``, Pearson's
between the two; ``coverage90``, the fraction of nights whose reported share lies inside the 90%
predictive interval (p05-p95 over runs).

Baselines (per half-year, the same nights): the mean share of the previous half-year's nights
(``previous_half``), the mean of the previous ten nights before each night (``previous_10``,
persistence), and the window's own mean (``own_mean``, which knows the future). Over the whole
window (:func:`window_scores`), the persistence predictors that see only each night's past
reports (:func:`persistence`: ``previous_10``, ``pooled_30``, ``pooled_90``) are scored beside
the posture on the same nights.
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
    "PERSISTENCE",
    "REPORTED_SHARE",
    "SHARE",
    "baselines",
    "half_year",
    "night_rows",
    "persistence",
    "pooled_missiles",
    "score_rows",
    "scored_nights",
    "share_scores",
    "window_scores",
]

F64 = npt.NDArray[np.float64]
DEFAULT_MIN_DRONES = 100


def half_year(day: date) -> str:
    """``YYYYH1`` or ``YYYYH2``."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


#: The per-night share of drones neutralised: its column (the mean over runs) and, with the
#: suffixes of :func:`~umbrella.core.stats.estimate_columns`, its intervals.
SHARE = "drones_neutralised_share"
#: The reported share beside it.
REPORTED_SHARE = "reported_drones_neutralised_share"


def _per_night(x: F64) -> dict[str, F64]:
    """:func:`~umbrella.core.stats.estimate_columns` of ``x`` (nights, runs) per night, over
    the runs with a value (NaN where a night has none)."""
    from umbrella.core.stats import estimate

    keys = ("mean", "ci95_lo", "ci95_hi", "p05", "p50", "p95")
    out = {k: np.full(len(x), np.nan) for k in keys}
    for i, row in enumerate(x):
        finite = row[np.isfinite(row)]
        if finite.size == 0:
            continue
        e = estimate(finite)
        lo, hi = e["ci95"]
        for k, v in zip(keys, (e["mean"], lo, hi, e["p05"], e["p50"], e["p95"]), strict=True):
            out[k][i] = np.nan if v is None else v
    return out


def night_rows(pred: NightPredictions) -> pd.DataFrame:
    """One row per night (the ``nights`` table of ``umbrella nights --out``).

    Columns: ``night``, ``half`` (:func:`half_year`), ``drones_launched``, ``decoys`` (NaN
    where the reports do not say); ``drones_neutralised_share``, the predicted mean over runs,
    with its 95% CI of the mean (``_ci95_lo``, ``_ci95_hi``) and per-run spread (``_p05``,
    ``_p50``, ``_p95``); ``drones_killed_share`` (the mean shot-down share);
    ``reported_drones_neutralised_share`` and ``reported_drones_killed_share``; and per missile
    threat class ``C``: ``C_launched``, ``C_neutralised_mean`` (predicted, per run),
    ``C_not_flown`` (launches the posture has no wave for) and ``C_reported_neutralised``. A
    value the reports do not give, or a share on a night without drones, is NaN.
    """
    share = _per_night(pred.drone_share)
    killed = _per_night(pred.drone_killed)
    rows: dict[str, Any] = {
        "night": pd.to_datetime([n.night for n in pred.nights]),
        "half": [half_year(n.night) for n in pred.nights],
        "drones_launched": [n.drones for n in pred.nights],
        "decoys": [np.nan if n.decoys is None else float(n.decoys) for n in pred.nights],
        SHARE: share["mean"],
        **{f"{SHARE}_{k}": v for k, v in share.items() if k != "mean"},
        "drones_killed_share": killed["mean"],
        REPORTED_SHARE: [
            np.nan if n.reported_share is None else n.reported_share for n in pred.nights
        ],
        "reported_drones_killed_share": [
            np.nan if n.drones_shot_down is None or n.drones == 0 else n.drones_shot_down / n.drones
            for n in pred.nights
        ],
    }
    for c in MISSILE_THREAT_CLASSES:
        rows[f"{c}_launched"] = pred.missiles_launched[c]
        rows[f"{c}_neutralised_mean"] = pred.missiles_neutralised[c].mean(axis=1)
        rows[f"{c}_not_flown"] = pred.missiles_unmapped[c]
        rows[f"{c}_reported_neutralised"] = [
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


def scored_nights(rows: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES) -> pd.DataFrame:
    """The nights of a :func:`night_rows` table that are scored: ``min_drones``+ drones and a
    reported share."""
    return rows[(rows["drones_launched"] >= min_drones) & rows[REPORTED_SHARE].notna()]


def score_rows(
    rows: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES
) -> dict[str, dict[str, float | int]]:
    """Scores per half-year (see the module docstring) of a :func:`night_rows` table."""
    return {
        str(half): share_scores(g)
        for half, g in scored_nights(rows, min_drones).groupby("half", sort=True)
    }


def share_scores(rows: pd.DataFrame) -> dict[str, float | int]:
    """``nights``, ``mae``, ``bias``, ``correlation`` and ``coverage90`` (see the module
    docstring) of the nights of a :func:`night_rows` table (NaN where undefined)."""
    return _scores(
        rows[SHARE].to_numpy(np.float64),
        rows[REPORTED_SHARE].to_numpy(np.float64),
        rows[f"{SHARE}_p05"].to_numpy(np.float64),
        rows[f"{SHARE}_p95"].to_numpy(np.float64),
    )


def baselines(
    rows: pd.DataFrame, table: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES
) -> pd.DataFrame:
    """MAE and bias of the simple predictors, per half-year, on the scored nights.

    ``table`` is the :func:`~umbrella.calibration.night.night_table` of the reports (its earlier
    nights give the previous half-year and the previous ten nights).
    """
    full = table[(table["drones"] >= min_drones) & (table["drones_assessed"] == table["drones"])]
    shares = full["drones_neutralised"] / full["drones"]
    out = []
    for half, g in scored_nights(rows, min_drones).groupby("half", sort=True):
        obs = g[REPORTED_SHARE].to_numpy(np.float64)
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
            "posture": g[SHARE].to_numpy(np.float64),
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
    return pd.DataFrame(out, columns=["half", "predictor", "nights", "mae", "bias"])


#: The persistence predictors of :func:`persistence`: each predicts a night from reports before it.
PERSISTENCE = ("previous_10", "pooled_30", "pooled_90")


def persistence(rows: pd.DataFrame, table: pd.DataFrame, min_drones: int) -> pd.DataFrame:
    """For each night of a :func:`night_rows` table, what the persistence predictors say from
    the reports strictly before it: ``previous_10``, the mean share of the ten previous nights
    with ``min_drones``+ drones; ``pooled_30`` and ``pooled_90``, the pooled share (neutralised
    over launched) of every reported night of the previous 30 and 90 days."""
    full = table[(table["drones"] > 0) & (table["drones_assessed"] == table["drones"])]
    neut, drones = full["drones_neutralised"].astype(float), full["drones"].astype(float)
    big = (neut / drones)[full["drones"] >= min_drones]
    out: dict[str, list[float]] = {name: [] for name in PERSISTENCE}
    for night in pd.to_datetime(rows["night"]):
        before = night - pd.Timedelta(days=1)
        last10 = big.loc[:before].tail(10)
        out["previous_10"].append(float(last10.mean()) if len(last10) else np.nan)
        for days in (30, 90):
            lo = night - pd.Timedelta(days=days)
            n = drones.loc[lo:before].sum()
            out[f"pooled_{days}"].append(float(neut.loc[lo:before].sum() / n) if n else np.nan)
    return pd.DataFrame(out, index=rows.index)


def window_scores(
    rows: pd.DataFrame, predictors: pd.DataFrame, min_drones: int = DEFAULT_MIN_DRONES
) -> dict[str, dict[str, float | int]]:
    """Scores over every scored night of the window: the posture's (``posture``: MAE, bias,
    correlation, coverage of its p05-p95) and each persistence predictor's (no interval: its
    coverage is NaN), on the same nights."""
    s = scored_nights(rows, min_drones)
    obs = s[REPORTED_SHARE].to_numpy(np.float64)
    out = {"posture": share_scores(s)}
    nan = np.full(len(s), np.nan)
    for name in PERSISTENCE:
        pred = predictors.loc[s.index, name].to_numpy(np.float64)
        ok = np.isfinite(pred)
        sc = _scores(pred[ok], obs[ok], nan[ok], nan[ok])
        sc["coverage90"] = float("nan")
        out[name] = sc
    return out


def pooled_missiles(pred: NightPredictions) -> dict[str, dict[str, Any]]:
    """Pooled neutralised shares, predicted (mean over runs) and reported, per missile threat
    class (over the nights whose reports give the class's outcome) and per catalogue type (over
    the nights a report row names the type alone: ``type_assessed``)."""
    by_class: dict[str, Any] = {}
    for c in MISSILE_THREAT_CLASSES:
        keep = [
            i
            for i, n in enumerate(pred.nights)
            if pred.missiles_launched[c][i] > 0 and n.missiles_neutralised.get(c) is not None
        ]
        launched = float(pred.missiles_launched[c][keep].sum())
        if launched <= 0:
            continue
        reported = float(sum(min(pred.nights[i].missiles_neutralised[c] or 0,
                                 pred.missiles_launched[c][i]) for i in keep))  # fmt: skip
        predicted = float(pred.missiles_neutralised[c][keep].mean(axis=1).sum())
        by_class[c] = {"launched": int(launched), "predicted_share": predicted / launched,
                       "reported_share": reported / launched}  # fmt: skip
    by_type: dict[str, Any] = {}
    for t, neut in sorted(pred.type_neutralised.items()):
        t_assessed = np.array([n.type_assessed.get(t, 0) for n in pred.nights], np.float64)
        t_launched = np.array([n.missiles.get(t, 0) for n in pred.nights], np.float64)
        mask = (t_assessed > 0) & (t_launched > 0)
        if not mask.any():
            continue
        t_reported = np.array([n.type_neutralised.get(t, 0) for n in pred.nights], np.float64)
        share = neut.mean(axis=1)[mask] / t_launched[mask]
        w = t_assessed[mask]
        by_type[t] = {
            "assessed": int(w.sum()),
            "predicted_share": float(np.sum(w * share) / w.sum()),
            "reported_share": float(np.minimum(t_reported[mask], w).sum() / w.sum()),
        }
    return {"by_class": by_class, "by_type": by_type}
