"""Summary tables and charts of the national nights: per month and class, heavy and largest nights.

Statistics are computed apart from plotting: :func:`summarise_nights` builds the tables;
:mod:`umbrella.report.charts.attacks` draws them and :mod:`umbrella.jobs.data` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from umbrella.attacks.nights import BREAK_DATE
from umbrella.core.vocabulary import DRONE, REPORT_CLASSES

__all__ = ["HEAVY_THRESHOLDS", "NightsSummary", "summarise_nights"]

HEAVY_THRESHOLDS = (300, 500)
"""Drone counts that make a night heavy, for the per-month counts."""


@dataclass(frozen=True)
class NightsSummary:
    """Tables summarising the nights.

    Attributes
    ----------
    by_class
        One row per month and class: ``month`` (``YYYY-MM``), ``cls``, ``launched``,
        ``neutralised``, ``assessed``, ``share`` (neutralised / assessed), ``shot_down`` and
        ``lost`` (before the reporting break only; NaN from it).
    by_month
        One row per month: ``month``, ``nights``, ``drones``, ``missiles``,
        ``nights_with_drones``, ``nights_300_plus``, ``nights_500_plus``, ``max_drones``.
    largest
        The nights with most drones: ``night``, ``drones``, ``missiles``,
        ``drones_neutralised_share``.
    nights
        The nightly table summarised.
    """

    by_class: pd.DataFrame
    by_month: pd.DataFrame
    largest: pd.DataFrame
    nights: pd.DataFrame


def _month(index: pd.Index) -> pd.Index:
    return pd.DatetimeIndex(index).strftime("%Y-%m")


def summarise_nights(nights: pd.DataFrame, n_largest: int = 10) -> NightsSummary:
    """Build the summary tables from :func:`~umbrella.data.nights.load_nights` output."""
    monthly = nights.drop(columns=["after_break"]).resample("MS").sum(min_count=1)
    break_month = pd.Timestamp(BREAK_DATE).to_period("M").to_timestamp()
    rows = []
    for cls in REPORT_CLASSES:
        launched = monthly[f"{cls}_launched"].fillna(0)
        neutralised = monthly[f"{cls}_neutralised"].fillna(0)
        assessed = monthly[f"{cls}_assessed"].fillna(0)
        pre = monthly.index < break_month
        frame = pd.DataFrame(
            {
                "month": _month(monthly.index),
                "cls": cls,
                "launched": launched.astype(np.int64).to_numpy(),
                "neutralised": neutralised.astype(np.int64).to_numpy(),
                "assessed": assessed.astype(np.int64).to_numpy(),
                "share": (neutralised / assessed.where(assessed > 0)).to_numpy(),
                "shot_down": monthly[f"{cls}_shot_down"].where(pre).to_numpy(),
                "lost": monthly[f"{cls}_lost"].where(pre).to_numpy(),
            }
        )
        rows.append(frame)
    by_class = pd.concat(rows, ignore_index=True).sort_values(["month", "cls"], kind="stable")
    drones = nights["drones"]
    counts = pd.DataFrame(
        {
            "nights": 1,
            "drones": drones,
            "missiles": nights["missiles"],
            "nights_with_drones": (drones > 0).astype(np.int64),
            **{f"nights_{t}_plus": (drones >= t).astype(np.int64) for t in HEAVY_THRESHOLDS},
        },
        index=nights.index,
    )
    months = pd.DatetimeIndex(nights.index).to_period("M")
    by_month = counts.groupby(months).sum()
    by_month["max_drones"] = drones.groupby(months).max()
    by_month.insert(0, "month", by_month.index.astype(str))
    by_month = by_month.reset_index(drop=True)
    top = nights.sort_values("drones", ascending=False, kind="stable").head(n_largest)
    assessed_top = top[f"{DRONE}_assessed"]
    largest = pd.DataFrame(
        {
            "night": pd.DatetimeIndex(top.index).strftime("%Y-%m-%d"),
            "drones": top["drones"].to_numpy(),
            "missiles": top["missiles"].to_numpy(),
            "drones_neutralised_share": (
                top[f"{DRONE}_neutralised"] / assessed_top.where(assessed_top > 0)
            ).to_numpy(),
        }
    )
    return NightsSummary(by_class=by_class, by_month=by_month, largest=largest, nights=nights)
