"""Charts of raid and campaign results, drawn with matplotlib's object API.

Every function takes a result and returns a :class:`matplotlib.figure.Figure` (nothing is shown,
no pyplot state or backend is touched): display it in a notebook, or save it with
``fig.savefig(path)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from umbrella.campaign.result import CampaignResult
from umbrella.engine import RaidResult
from umbrella.vocabulary import FATES

__all__ = ["plot_cumulative_leakers", "plot_fates", "plot_stockout", "plot_stocks"]

_COLOURS = {"killed": "#2a9d8f", "lost": "#8ab17d", "leaked": "#e76f51", "expired": "#b0b0b0"}


def plot_fates(result: RaidResult) -> Figure:
    """Stacked bar chart of mean fates per threat type, with 95% CI on leakers."""
    table = result.fates_table()
    fig = Figure(figsize=(8, 4.5), dpi=110)
    ax = fig.subplots()
    bottom = [0.0] * len(table)
    for fate in FATES:
        ax.bar(table["threat_type"], table[fate], bottom=bottom, label=fate, color=_COLOURS[fate])
        bottom = [b + v for b, v in zip(bottom, table[fate], strict=True)]
    ax.set_ylabel("threats per raid (mean)")
    ax.set_title(f"{result.raid.scenario_name}: fates by threat type ({result.n_runs} runs)")
    ax.legend(frameon=False)
    for k, row in table.iterrows():
        ax.annotate(
            f"leaked {row['leaked']:.1f}\n[{row['leaked_lo']:.1f}, {row['leaked_hi']:.1f}]",
            (k, row["launched"]),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    ax.set_ylim(0, max(table["launched"]) * 1.2)
    fig.tight_layout()
    return fig


def _dates(result: CampaignResult) -> np.ndarray:
    return np.array(result.dates, dtype="datetime64[D]")


def plot_stocks(result: CampaignResult) -> Figure:
    """Fan chart of each tracked interceptor type's stock after each night."""
    dates = _dates(result)
    k_types = len(result.tracked)
    cols = min(3, max(k_types, 1))
    rows = max(1, -(-k_types // cols))
    fig = Figure(figsize=(max(4.2 * cols, 6.5), 3.0 * rows + 0.4), dpi=100)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, name in enumerate(result.tracked):
        ax = axes[k // cols][k % cols]
        q = np.quantile(result.stock[:, :, k], [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(dates, q[0], q[4], alpha=0.2, color="#264653", label="90%")
        ax.fill_between(dates, q[1], q[3], alpha=0.35, color="#264653", label="50%")
        ax.plot(dates, q[2], color="#264653", label="median")
        ax.set_title(f"{name} stock")
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for k in range(k_types, rows * cols):
        axes[k // cols][k % cols].axis("off")
    axes[0][0].legend(frameon=False, fontsize=7)
    fig.suptitle(f"{result.name}: stocks after each night ({result.runs} runs)")
    fig.tight_layout()
    return fig


def plot_stockout(result: CampaignResult) -> Figure:
    """Probability that each tracked type has run out by each date."""
    dates = _dates(result)
    fig = Figure(figsize=(7, 3.5), dpi=100)
    ax = fig.subplots()
    out_ = result.stockout()
    for k, name in enumerate(result.tracked):
        ax.plot(dates, out_[:, :, k].mean(axis=0), label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("P(stock-out by date)")
    ax.legend(frameon=False, fontsize=7)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.tight_layout()
    return fig


def plot_cumulative_leakers(result: CampaignResult) -> Figure:
    """Cumulative leakers over the campaign: median and 90% interval over runs."""
    dates = _dates(result)
    fig = Figure(figsize=(7, 3.5), dpi=100)
    ax = fig.subplots()
    cum = np.cumsum(result.leaked, axis=1)
    q = np.quantile(cum, [0.05, 0.5, 0.95], axis=0)
    ax.fill_between(dates, q[0], q[2], alpha=0.25, color="#e76f51", label="90% interval")
    ax.plot(dates, q[1], color="#e76f51", label="median")
    ax.set_ylabel("cumulative leakers")
    ax.legend(frameon=False, fontsize=7)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.tight_layout()
    return fig
