"""Charts of the national attack reports: drones per night, launched per month, neutralised
shares (a dotted line marks the August-2025 reporting break)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from umbrella.core.vocabulary import DATA_CREDIT, DRONE, REPORT_MISSILE_CLASSES
from umbrella.report.charts.style import finish

__all__ = ["plot_monthly", "plot_nightly", "plot_shares"]


def _break_line(ax: Axes, break_date: date) -> None:
    # Matplotlib's unit conversion accepts a date on a date axis; its stubs say float.
    ax.axvline(cast(float, pd.Timestamp(break_date)), color="grey", linestyle=":", linewidth=1)


def plot_nightly(nights: pd.DataFrame, thresholds: Sequence[int], break_date: date) -> Figure:
    """Drones launched per night, with the heavy-night thresholds and the reporting break."""
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    ax.plot(nights.index, nights["drones"], linewidth=0.6, color="tab:red")
    for t in thresholds:
        ax.axhline(t, color="black", linewidth=0.5, linestyle="--")
    _break_line(ax, break_date)
    ax.set_title("One-way attack drones per night (national reports, incl. decoys)")
    ax.set_ylabel("drones launched")
    return finish(fig, DATA_CREDIT)


def plot_monthly(by_class: pd.DataFrame, break_date: date) -> Figure:
    """Drones and missiles launched per month, drones neutralised."""
    table = by_class.pivot(index="month", columns="report_class", values="launched")
    months = pd.to_datetime(table.index)
    fig = Figure(figsize=(10, 7))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    ax1.bar(months, table[DRONE], width=20, color="tab:red", label="launched")
    neutral = by_class[by_class["report_class"] == DRONE]
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
        _break_line(ax, break_date)
    ax1.set_title("Launched and neutralised per month (dotted: August-2025 reporting break)")
    return finish(fig, DATA_CREDIT)


def plot_shares(by_class: pd.DataFrame, break_date: date) -> Figure:
    """Neutralised share by class and month (months with 10 or more launched)."""
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    for cls in (DRONE, *REPORT_MISSILE_CLASSES):
        part = by_class[by_class["report_class"] == cls]
        # Months with under 10 launched are gaps in the line, not points joined across.
        share = part["neutralised_share"].where(part["assessed"] >= 10)
        label = cls.replace("_", " ")
        ax.plot(pd.to_datetime(part["month"]), share, marker=".", label=label)
    _break_line(ax, break_date)
    ax.set_ylim(0, 1)
    ax.set_ylabel("neutralised / launched")
    ax.set_title("Neutralised share by class (months with 10+ launched)")
    ax.legend(loc="lower left", fontsize=8)
    return finish(fig, DATA_CREDIT)
