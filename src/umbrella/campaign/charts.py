"""Charts of a campaign: interceptor stocks, the chance of a stock-out, cumulative leakers and
totals by city, each with labelled intervals (per-run spread beside the 95% CI of the mean).

Drawn with matplotlib's object API: nothing is shown, no pyplot state or backend is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt
from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from umbrella.report.charts.intervals import draw_intervals, interval_legend
from umbrella.report.charts.style import (
    INK,
    LITERAL_TEXT,
    SPREAD_LABEL,
    finish,
    source_line,
)

if TYPE_CHECKING:
    from umbrella.campaign.result import CampaignResult

__all__ = [
    "MAX_GROUPS",
    "plot_cumulative_leakers",
    "plot_groups",
    "plot_stockout",
    "plot_stocks",
]

_INK = INK
_LITERAL = LITERAL_TEXT
_date2num = cast(Callable[[date], float], mdates.date2num)
#: Most groups (cities) a chart shows, those with the most damage.
MAX_GROUPS = 20


def _dates(result: CampaignResult) -> npt.NDArray[np.datetime64]:
    return np.array(result.dates, dtype="datetime64[D]")


def _campaign_lines(result: CampaignResult) -> tuple[str, str]:
    return source_line(result.runs, result.seed, "campaign model"), result.data_credit


def _mark_supply(ax: Axes, result: CampaignResult, k: int, name: str) -> bool:
    """Delivery marks and pause spans of tracked type ``k``; whether any was drawn."""
    dates = _dates(result)
    drawn = False
    for interceptor, start, end in result.pauses:
        if interceptor == name:
            ax.axvspan(_date2num(start), _date2num(end + timedelta(days=1)), color="#f4a261",
                       alpha=0.18, lw=0)  # fmt: skip
            drawn = True
    lots = np.flatnonzero(result.delivered[:, k] > 0)
    for d in lots:
        ax.axvline(dates[d], color="#2a9d8f", lw=0.8, ls=":")
        if len(lots) <= 12:
            ax.annotate(f"+{int(result.delivered[d, k]):,}", (dates[d], 1.0),
                        xycoords=("data", "axes fraction"), fontsize=6, color="#2a9d8f",
                        ha="center", va="bottom")  # fmt: skip
    return drawn or lots.size > 0


def plot_stocks(result: CampaignResult) -> Figure:
    """Fan chart of each tracked interceptor type's stock after each night, in rounds, with the
    deliveries (dotted, with the rounds delivered) and delivery pauses (shaded) marked."""
    dates = _dates(result)
    k_types = len(result.tracked)
    cols = min(3, max(k_types, 1))
    rows = max(1, -(-k_types // cols))
    with rc_context(_LITERAL):
        fig = Figure(figsize=(max(4.4 * cols, 7.0), 3.1 * rows + 1.2), dpi=100)
        axes = fig.subplots(rows, cols, squeeze=False)
        for k, name in enumerate(result.tracked):
            ax = axes[k // cols][k % cols]
            q = np.quantile(result.stock[:, :, k], [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
            ax.fill_between(dates, q[0], q[4], alpha=0.2, color=_INK, lw=0)
            ax.fill_between(dates, q[1], q[3], alpha=0.35, color=_INK, lw=0)
            ax.plot(dates, q[2], color=_INK)
            _mark_supply(ax, result, k, name)
            ax.set_title(f"{result.label(name)}", fontsize=9, pad=10)
            ax.set_ylabel("rounds in stock")
            ax.set_ylim(bottom=0)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        for k in range(k_types, rows * cols):
            axes[k // cols][k % cols].axis("off")
        handles = [
            Patch(color=_INK, alpha=0.2, label=SPREAD_LABEL),
            Patch(color=_INK, alpha=0.45, label="per-run spread p25-p75"),
            Line2D([], [], color=_INK, label="median"),
            Line2D([], [], color="#2a9d8f", ls=":", label="delivery (+rounds)"),
            Patch(color="#f4a261", alpha=0.3, label="delivery pause"),
        ]
        fig.legend(handles=handles, loc="upper center", ncols=5, frameon=False, fontsize=7,
                   bbox_to_anchor=(0.5, 1.0 - 0.5 / fig.get_figheight()))  # fmt: skip
        fig.suptitle(f"{result.name}: interceptor stocks after each night "
                     f"({result.runs:,} runs)")  # fmt: skip
        finish(fig, *_campaign_lines(result))
        fig.subplots_adjust(top=min(fig.subplotpars.top, 1.0 - 1.0 / fig.get_figheight()))
        return fig


def plot_stockout(result: CampaignResult) -> Figure:
    """Probability that each tracked type has run out by each date (share of the runs)."""
    dates = _dates(result)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(7.5, 4.0), dpi=100)
        ax = fig.subplots()
        out_ = result.stockout()
        for k, name in enumerate(result.tracked):
            ax.plot(dates, out_[:, :, k].mean(axis=0), label=result.label(name))
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("P(stock-out by date), share of runs")
        ax.set_title(f"{result.name}: probability that each interceptor type has run out",
                     fontsize=10)  # fmt: skip
        if result.tracked:
            ax.legend(frameon=False, fontsize=7)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        return finish(fig, *_campaign_lines(result))


def plot_cumulative_leakers(result: CampaignResult) -> Figure:
    """Cumulative leakers over the campaign, missiles apart from drones (and decoys): median,
    mean and the per-run spread p05-p95."""
    dates = _dates(result)
    parts = (
        ("missiles (cruise, ballistic, aeroballistic)", result.leaked_missiles),
        ("drones and decoys", result.leaked - result.leaked_missiles),
    )
    with rc_context(_LITERAL):
        fig = Figure(figsize=(10, 4.2), dpi=100)
        axes = fig.subplots(1, 2, squeeze=False)[0]
        for ax, (what, x) in zip(axes, parts, strict=True):
            cum = np.cumsum(x, axis=1)
            q = np.quantile(cum, [0.05, 0.5, 0.95], axis=0)
            ax.fill_between(dates, q[0], q[2], alpha=0.25, color="#e76f51", lw=0,
                            label=SPREAD_LABEL)  # fmt: skip
            ax.plot(dates, q[1], color="#e76f51", label="median")
            ax.plot(dates, cum.mean(axis=0), color="#7a2e1d", ls="--", lw=1, label="mean")
            ax.set_title(what, fontsize=9)
            ax.set_ylabel("leakers so far (threats)")
            ax.set_ylim(bottom=0)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
            ax.legend(frameon=False, fontsize=7, loc="upper left")
        fig.suptitle(f"{result.name}: threats that reached their targets, cumulative "
                     f"({result.runs:,} runs)")  # fmt: skip
        return finish(fig, *_campaign_lines(result))


def plot_groups(result: CampaignResult) -> Figure:
    """Damage and leakers per group of assets (city) over the campaign: mean, 95% CI of the mean
    and per-run spread p05-p95; the groups with the most damage first."""
    block = result.assets_summary()["by_group"]
    order = sorted(block, key=lambda g: -block[g]["damage_total"]["mean"])[:MAX_GROUPS]
    y = np.arange(len(order), dtype=float)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(10, 1.9 + 0.36 * max(len(order), 1)), dpi=100)
        axes = fig.subplots(1, 2, squeeze=False, sharey=True)[0]
        for ax, metric, unit in (
            (axes[0], "damage_total", "value destroyed (asset value units)"),
            (axes[1], "leaked_total", "leakers that reached it (threats)"),
        ):
            draw_intervals(ax, y, [block[g][metric] for g in order])
            ax.set_xlabel(unit)
            ax.set_xlim(left=0)
            ax.grid(axis="x", alpha=0.3)
        axes[0].set_yticks(y, order, fontsize=8)
        axes[0].invert_yaxis()
        interval_legend(axes[1], loc="lower right")
        more = len(block) - len(order)
        fig.suptitle(f"{result.name}: campaign totals by city (asset group)"
                     + (f", {len(order)} of {len(block)} shown" if more > 0 else ""))  # fmt: skip
        return finish(fig, *_campaign_lines(result))
