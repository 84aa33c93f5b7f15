"""Charts of a campaign and of a comparison of campaigns: interceptor stocks, the chance of a
stock-out, cumulative leakers, totals by city and paired differences, each with labelled
intervals (per-run spread beside the 95% CI of the mean).

Drawn with matplotlib's object API: nothing is shown, no pyplot state or backend is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

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
    from umbrella.campaign.compare import ComparisonResult
    from umbrella.campaign.result import CampaignResult

__all__ = [
    "MAX_GROUPS",
    "plot_cumulative_leakers",
    "plot_difference_spreads",
    "plot_differences",
    "plot_exceedance_of_season",
    "plot_group_differences",
    "plot_groups",
    "plot_overview",
    "plot_stockout",
    "plot_stockout_comparison",
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
    order = sorted(block, key=lambda g: -block[g]["damage"]["mean"])[:MAX_GROUPS]
    y = np.arange(len(order), dtype=float)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(10, 1.9 + 0.36 * max(len(order), 1)), dpi=100)
        axes = fig.subplots(1, 2, squeeze=False, sharey=True)[0]
        for ax, metric, unit in (
            (axes[0], "damage", "value destroyed (asset value units)"),
            (axes[1], "leaked", "leakers that reached it (threats)"),
        ):
            draw_intervals(ax, y, [dict(cast(Mapping[str, Any], block[g])[metric]) for g in order])
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


# ---------------------------------------------------------------------------- comparison
#: Each compared season total as a chart names it, with its unit and the scale it is drawn at.
_METRIC_AXES = {
    "leaked": ("leakers (threats)", 1.0),
    "leaked_missiles": ("missile leakers (missiles)", 1.0),
    "damage": ("value destroyed (asset value units)", 1.0),
    "defender_cost_usd": ("defender's spend on rounds fired (USD million)", 1e6),
    "attacker_cost_usd": ("attacker's spend on weapons launched (USD million)", 1e6),
}


def _scaled(r: Mapping[str, Any], k: float) -> dict[str, Any]:
    lo, hi = r["ci95"]
    return {"mean": r["mean"] / k, "p05": r["p05"] / k, "p95": r["p95"] / k,
            "ci95": [None if lo is None else lo / k, None if hi is None else hi / k]}  # fmt: skip


def _name(label: str) -> str:
    return Path(label).stem


def _comparison_lines(comparison: ComparisonResult) -> tuple[str, str]:
    runs = source_line(comparison.runs, comparison.seed, "campaign model")
    return runs + " Runs paired by index (common random numbers).", comparison.data_credit


def plot_differences(comparison: ComparisonResult) -> Figure:
    """Paired difference of each season total against the baseline (alternative - baseline):
    the mean, its 95% CI and the per-run spread p05-p95, one row per alternative."""
    doc = comparison.summary()
    labels = list(doc["alternatives"])
    y = np.arange(len(labels), dtype=float)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(10, 1.8 + 0.5 * len(_METRIC_AXES) * max(len(labels), 1)),
                     dpi=100)  # fmt: skip
        axes = fig.subplots(len(_METRIC_AXES), 1, squeeze=False)
        for ax, (metric, (unit, k)) in zip(axes[:, 0], _METRIC_AXES.items(), strict=True):
            totals = [doc["alternatives"][lab]["totals"] for lab in labels]
            draw_intervals(ax, y, [_scaled(t[metric], k) for t in totals])  # type: ignore[literal-required]
            ax.axvline(0.0, color="#b0b0b0", lw=1)
            ax.set_yticks(y, [_name(lab) for lab in labels], fontsize=8)
            ax.set_ylim(-0.6, len(labels) - 0.4)
            ax.invert_yaxis()
            ax.set_xlabel(f"change in {unit}", fontsize=8)
        interval_legend(axes[0, 0], loc="best")
        fig.suptitle(f"Season totals, each alternative minus {_name(doc['baseline'])} "
                     f"({doc['runs']:,} runs)", fontsize=10)  # fmt: skip
        return finish(fig, *_comparison_lines(comparison))


def plot_group_differences(comparison: ComparisonResult) -> Figure:
    """Paired difference of the season damage of each group of assets (city), alternative -
    baseline: the mean, its 95% CI and the per-run spread; one panel per alternative, the groups
    the alternatives move most first."""
    doc = comparison.summary()
    labels = list(doc["alternatives"])
    moved: dict[str, float] = {}
    for lab in labels:
        for group, r in doc["alternatives"][lab]["assets"]["by_group"].items():
            moved[group] = max(moved.get(group, 0.0), abs(r["damage"]["mean"]))
    order = sorted(moved, key=lambda g: -moved[g])[:MAX_GROUPS]
    y = np.arange(len(order), dtype=float)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(10, (1.2 + 0.32 * max(len(order), 1)) * max(len(labels), 1) + 0.8),
                     dpi=100)  # fmt: skip
        axes = fig.subplots(max(len(labels), 1), 1, squeeze=False)
        for ax, lab in zip(axes[:, 0], labels, strict=False):
            block = doc["alternatives"][lab]["assets"]["by_group"]
            shown = [g for g in order if g in block]
            yy = np.array([y[order.index(g)] for g in shown])
            draw_intervals(ax, yy, [dict(block[g]["damage"]) for g in shown])
            ax.axvline(0.0, color="#b0b0b0", lw=1)
            ax.set_yticks(y, order, fontsize=8)
            ax.set_ylim(-0.6, len(order) - 0.4)
            ax.invert_yaxis()
            ax.set_title(f"{_name(lab)} minus {_name(doc['baseline'])}", fontsize=9)
            ax.set_xlabel("change in value destroyed (asset value units)", fontsize=8)
        interval_legend(axes[0, 0], loc="best")
        more = len(moved) - len(order)
        fig.suptitle("Damage by city (asset group) over the season, paired differences"
                     + (f" ({len(order)} of {len(moved)} groups)" if more > 0 else ""),
                     fontsize=10)  # fmt: skip
        return finish(fig, *_comparison_lines(comparison))


def plot_stockout_comparison(comparison: ComparisonResult) -> Figure:
    """P(stock-out by date) of each interceptor the baseline tracks, one line per campaign."""
    base = comparison.baseline
    k_types = max(len(base.tracked), 1)
    cols = min(3, k_types)
    rows = -(-k_types // cols)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(max(4.4 * cols, 7.0), 3.1 * rows + 1.2), dpi=100)
        axes = fig.subplots(rows, cols, squeeze=False)
        for k, name in enumerate(base.tracked):
            ax = axes[k // cols][k % cols]
            for res, label in zip(comparison.results, comparison.labels, strict=True):
                if name in res.tracked:
                    j = res.tracked.index(name)
                    ax.plot(_dates(res), res.stockout()[:, :, j].mean(axis=0), label=_name(label))
            ax.set_ylim(-0.02, 1.02)
            ax.set_title(base.label(name), fontsize=9)
            ax.set_ylabel("P(stock-out by date)", fontsize=8)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        for k in range(len(base.tracked), rows * cols):
            axes[k // cols][k % cols].axis("off")
        if base.tracked:
            axes[0][0].legend(frameon=False, fontsize=7)
        fig.suptitle(f"Probability of having run out, by date ({base.runs:,} runs per campaign)",
                     fontsize=10)  # fmt: skip
        return finish(fig, source_line(base.runs, base.seed, "campaign model"),
                      comparison.data_credit)  # fmt: skip


def plot_exceedance_of_season(result: CampaignResult) -> Figure:
    """How season leakers and damage spread across runs: their exceedance curves P(X > x)."""
    from umbrella.report.charts.distribution import plot_exceedance

    fig = plot_exceedance(
        result.summary()["distribution"],
        title=f"{result.name}: season leakers and damage across {result.runs:,} runs",
        per="over the season",
        lines=_campaign_lines(result),
    )
    assert isinstance(fig, Figure)
    return fig


def plot_difference_spreads(comparison: ComparisonResult) -> Figure:
    """Per alternative, how the per-run paired difference of season leakers and damage spreads
    (exceedance curves of alternative - baseline)."""
    from umbrella.report.charts.distribution import plot_difference_spread

    doc = comparison.summary()
    dists = {_name(k): a["distribution"] for k, a in doc["alternatives"].items()}
    return plot_difference_spread(
        dists,
        title=f"Against {_name(comparison.labels[0])}: the change in each run "
        f"({comparison.runs:,} runs)",
        lines=_comparison_lines(comparison),
    )


def plot_overview(result: CampaignResult) -> Figure:
    """A campaign at a glance: each tracked stock after each night (median, per-run spread
    p05-p95) and the cumulative leakers (median, spread)."""
    dates = _dates(result)
    with rc_context(_LITERAL):
        fig = Figure(figsize=(11, 4.2), dpi=100)
        left, right = fig.subplots(1, 2)
        colours = ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a")
        for k, name in enumerate(result.tracked):
            colour = colours[k % len(colours)]
            q = np.quantile(result.stock[:, :, k], [0.05, 0.5, 0.95], axis=0)
            left.fill_between(dates, q[0], q[2], alpha=0.15, color=colour, lw=0)
            left.plot(dates, q[1], color=colour, label=result.label(name))
        left.set_ylabel("rounds in stock (median; band: per-run spread p05-p95)")
        left.set_ylim(bottom=0)
        left.set_title("Interceptor stocks after each night", fontsize=9)
        if result.tracked:
            left.legend(frameon=False, fontsize=7)
        cum = np.cumsum(result.leaked, axis=1)
        q = np.quantile(cum, [0.05, 0.5, 0.95], axis=0)
        right.fill_between(dates, q[0], q[2], alpha=0.25, color="#e76f51", lw=0,
                           label=SPREAD_LABEL)  # fmt: skip
        right.plot(dates, q[1], color="#e76f51", label="median")
        right.set_ylabel("leakers so far (threats)")
        right.set_ylim(bottom=0)
        right.set_title("Threats that reached their targets, cumulative", fontsize=9)
        right.legend(frameon=False, fontsize=7, loc="upper left")
        for ax in (left, right):
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        fig.suptitle(f"{result.name}: {result.runs:,} runs")
        return finish(fig, *_campaign_lines(result))
