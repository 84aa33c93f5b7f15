"""Summary tables and charts of the national nights: per month and class, heavy and largest nights.

Statistics are computed apart from plotting: :func:`summarise_nights` builds the tables,
:func:`write_summary` writes them (Parquet and CSV) with PNG charts, atomically. Charts use
matplotlib's object API (``Figure``, rendered by Agg), so no pyplot state or display is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from umbrella.attacks.nights import BREAK_DATE, DATA_CREDIT
from umbrella.outputs.atomic import atomic_dir
from umbrella.outputs.captions import finish
from umbrella.vocabulary import DRONE, REPORT_CLASSES, REPORT_MISSILE_CLASSES

__all__ = ["HEAVY_THRESHOLDS", "NightsSummary", "summarise_nights", "write_summary"]

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


def _break_line(ax: Axes) -> None:
    # Matplotlib's unit conversion accepts a date on a date axis; its stubs say float.
    ax.axvline(cast(float, pd.Timestamp(BREAK_DATE)), color="grey", linestyle=":", linewidth=1)


def _plot_nightly(summary: NightsSummary, path: Path) -> None:
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    ax.plot(summary.nights.index, summary.nights["drones"], linewidth=0.6, color="tab:red")
    for t in HEAVY_THRESHOLDS:
        ax.axhline(t, color="black", linewidth=0.5, linestyle="--")
    _break_line(ax)
    ax.set_title("One-way attack drones per night (national reports, incl. decoys)")
    ax.set_ylabel("drones launched")
    finish(fig, DATA_CREDIT)
    fig.savefig(path, dpi=120)


def _plot_monthly(summary: NightsSummary, path: Path) -> None:
    table = summary.by_class.pivot(index="month", columns="cls", values="launched")
    months = pd.to_datetime(table.index)
    fig = Figure(figsize=(10, 7))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    ax1.bar(months, table[DRONE], width=20, color="tab:red", label="launched")
    neutral = summary.by_class[summary.by_class["cls"] == DRONE]
    ax1.plot(months, neutral["neutralised"].to_numpy(), color="black", label="neutralised")
    ax1.set_ylabel("drones per month")
    ax1.legend(loc="upper left")
    bottom = np.zeros(len(table))
    for cls in REPORT_MISSILE_CLASSES:
        ax2.bar(months, table[cls], width=20, bottom=bottom, label=cls.replace("_", " "))
        bottom = bottom + table[cls].to_numpy()
    ax2.set_ylabel("missiles per month")
    ax2.legend(loc="upper left", fontsize=8)
    for ax in (ax1, ax2):
        _break_line(ax)
    ax1.set_title("Launched and neutralised per month (dotted: August-2025 reporting break)")
    finish(fig, DATA_CREDIT)
    fig.savefig(path, dpi=120)


def _plot_shares(summary: NightsSummary, path: Path) -> None:
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    for cls in (DRONE, *REPORT_MISSILE_CLASSES):
        part = summary.by_class[summary.by_class["cls"] == cls]
        # Months with under 10 launched are gaps in the line, not points joined across.
        share = part["share"].where(part["assessed"] >= 10)
        label = cls.replace("_", " ")
        ax.plot(pd.to_datetime(part["month"]), share, marker=".", label=label)
    _break_line(ax)
    ax.set_ylim(0, 1)
    ax.set_ylabel("neutralised / launched")
    ax.set_title("Neutralised share by class (months with 10+ launched)")
    ax.legend(loc="lower left", fontsize=8)
    finish(fig, DATA_CREDIT)
    fig.savefig(path, dpi=120)


def write_summary(
    summary: NightsSummary,
    out_dir: str | Path,
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> list[str]:
    """Write the tables (``.parquet`` and ``.csv``) and PNG charts into ``out_dir`` atomically.

    ``force`` and ``inputs`` as in :func:`~umbrella.outputs.atomic.atomic_dir`.

    Returns
    -------
    list of str
        Names of the files written.
    """
    tables = {
        "by_class": summary.by_class,
        "by_month": summary.by_month,
        "largest_nights": summary.largest,
        "nights": summary.nights.reset_index().assign(
            night=lambda f: pd.DatetimeIndex(f["night"]).strftime("%Y-%m-%d")
        ),
    }
    names: list[str] = []
    with atomic_dir(out_dir, force=force, inputs=inputs) as staging:
        for name, table in tables.items():
            table.to_parquet(staging / f"{name}.parquet", index=False)
            table.to_csv(staging / f"{name}.csv", index=False)
            names += [f"{name}.parquet", f"{name}.csv"]
        for name, plot in (
            ("drones_nightly.png", _plot_nightly),
            ("monthly_launched.png", _plot_monthly),
            ("neutralised_share.png", _plot_shares),
        ):
            plot(summary, staging / name)
            names.append(name)
    return names
