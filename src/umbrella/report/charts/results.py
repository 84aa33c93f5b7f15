"""Charts of raid and campaign results, drawn with matplotlib's object API.

Every function takes a result and returns a :class:`matplotlib.figure.Figure` (nothing is shown,
no pyplot state or backend is touched): display it in a notebook, or save it with
``fig.savefig(path)``. Each chart has a title naming the scenario or campaign, axis units, a
source line, the data credit where the attack reports were used, and labelled intervals: the
per-run spread (p05-p95) beside the 95% CI of the mean, never the CI alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt
from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from umbrella.core.stats import mean_ci
from umbrella.core.vocabulary import FATES, LEAKED, THREAT_CLASSES
from umbrella.report.charts.style import CI_LABEL, FATE_LABELS, SPREAD_LABEL, finish, source_line

if TYPE_CHECKING:
    from umbrella.campaign.result import CampaignResult
    from umbrella.engine import RaidResult

__all__ = [
    "draw_intervals",
    "interval_legend",
    "plot_cumulative_leakers",
    "plot_fates",
    "plot_groups",
    "plot_stockout",
    "plot_stocks",
]

_COLOURS = {"killed": "#2a9d8f", "lost": "#8ab17d", "leaked": "#e76f51", "expired": "#b0b0b0"}
_INK = "#264653"
_LITERAL: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}
_date2num = cast(Callable[[date], float], mdates.date2num)
#: Most groups (cities) a chart shows, those with the most damage.
MAX_GROUPS = 20


def plot_fates(result: RaidResult) -> Figure:
    """Share of each fate per threat type, threat types grouped by class, so that six missiles
    read as clearly as 300 drones; each row names how many were launched and the leakers' mean
    with its 95% CI and per-run spread."""
    raid = result.raid
    fbt = result.fates_by_type.astype(float)  # (R, K, 4)
    launched = result.launched_by_type
    order = sorted(
        (k for k in range(len(raid.type_names)) if launched[k] > 0),
        key=lambda k: (int(raid.type_class[k]), -launched[k]),
    )
    with rc_context(_LITERAL):
        fig = Figure(figsize=(10, 1.6 + 0.42 * max(len(order), 1)), dpi=110)
        ax = fig.subplots()
        y = np.arange(len(order))
        left = np.zeros(len(order))
        for f, fate in enumerate(FATES):
            share = np.array([fbt[:, k, f].mean() / launched[k] for k in order])
            ax.barh(y, share, left=left, color=_COLOURS[fate], label=FATE_LABELS[fate])
            left += share
        names = [
            f"{raid.type_labels[k]} ({THREAT_CLASSES[int(raid.type_class[k])]})" for k in order
        ]
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0.0, 1.0)
        ax.set_xlabel("share of the threats launched (mean over runs)")
        for row, k in enumerate(order):
            leaked = fbt[:, k, LEAKED]
            m, lo, hi = mean_ci(leaked)
            p05, p95 = np.quantile(leaked, [0.05, 0.95])
            digits = 0 if launched[k] == int(launched[k]) else 1
            ax.annotate(
                f"{launched[k]:,.{digits}f} launched; leaked {m:,.1f} (CI {lo:,.1f}-{hi:,.1f}; "
                f"runs {p05:,.0f}-{p95:,.0f})",
                (1.01, row), xycoords=("axes fraction", "data"), va="center", fontsize=7,
            )  # fmt: skip
        ax.set_title(f"{raid.scenario_name}: how each threat type's flights end "
                     f"({result.n_runs:,} runs)")  # fmt: skip
        ax.legend(frameon=False, fontsize=7, ncols=2, loc="upper center",
                  bbox_to_anchor=(0.5, -0.12 - 0.5 / max(len(order), 1)))  # fmt: skip
        fig.subplots_adjust(right=0.62)
        note = ("Leaked: mean per raid (CI = 95% CI of the mean; runs = per-run spread "
                "p05-p95).")  # fmt: skip
        return _finish_right(fig, note, source_line(result.n_runs, result.seed),
                             raid.data_credit)  # fmt: skip


def _finish_right(fig: Figure, *lines: str) -> Figure:
    """:func:`finish`, keeping room on the right for row annotations."""
    finish(fig, *lines)
    fig.subplots_adjust(right=min(fig.subplotpars.right, 0.66))
    return fig


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


def draw_intervals(
    ax: Axes, y: npt.NDArray[np.float64], rows: list[dict[str, Any]], colour: str = _INK
) -> None:
    """Estimates ``{"mean", "ci95", "p05", "p95"}`` drawn along ``y``: a thin line for the
    per-run spread, a thick bar for the 95% CI of the mean, a dot for the mean."""
    for yy, r in zip(y, rows, strict=True):
        ax.plot([r["p05"], r["p95"]], [yy, yy], color=colour, lw=1, alpha=0.6)
        for end in (r["p05"], r["p95"]):
            ax.plot([end, end], [yy - 0.15, yy + 0.15], color=colour, lw=1, alpha=0.6)
        lo, hi = r["ci95"]
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [yy, yy], color=colour, lw=5, solid_capstyle="butt")
        ax.plot([r["mean"]], [yy], "o", color="white", mec=colour, ms=5)


def interval_legend(ax: Axes, colour: str = _INK, **kw: Any) -> None:
    """The legend of :func:`draw_intervals`."""
    handles = [
        Line2D([], [], ls="", marker="o", color="white", mec=colour, label="mean"),
        Line2D([], [], lw=5, color=colour, label=CI_LABEL),
        Line2D([], [], lw=1, color=colour, alpha=0.6, label=SPREAD_LABEL),
    ]
    ax.legend(handles=handles, frameon=False, fontsize=7, **kw)


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
