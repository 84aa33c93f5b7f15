"""The chart of a rolling-origin backtest: each forecast's 90% predictive interval against the
total the reports gave for its window (``umbrella data backtest --out``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.figure import Figure

from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.report.charts.style import finish, source_line

__all__ = ["QUANTITY_LABELS", "plot_backtest"]

#: Each forecast quantity as a reader needs it, with its unit.
QUANTITY_LABELS = {
    "drones_launched_total": "drones launched (total over the window)",
    "drones_neutralised_share": "share of drones neutralised",
    "missiles_launched_total": "missiles launched (total over the window)",
    "nights_with_500_plus_drones": "nights with 500+ drones",
    "max_nightly_drones": "largest night (drones)",
}


def plot_backtest(rows: pd.DataFrame, runs: int, seed: int) -> Figure:
    """Small multiples, one row per quantity and one column per horizon: at the end of each
    forecast window, the forecast's per-run spread p05-p95 (its 90% predictive interval) and
    median, and the reported value (filled when inside the interval, hollow red when not).

    ``rows`` as :func:`umbrella.tempo.backtest.run_backtest` returns them.
    """
    quantities = [q for q in QUANTITY_LABELS if q in set(rows["quantity"])]
    quantities += sorted(set(rows["quantity"]) - set(quantities))
    horizons = sorted({int(h) for h in rows["horizon_months"]})
    fig = Figure(figsize=(5.0 * len(horizons) + 1.0, 2.3 * len(quantities) + 1.0))
    axes = np.atleast_2d(fig.subplots(len(quantities), len(horizons), squeeze=False))
    for i, q in enumerate(quantities):
        for j, h in enumerate(horizons):
            ax = axes[i, j]
            part = rows[(rows["quantity"] == q) & (rows["horizon_months"] == h)]
            ends = pd.to_datetime(part["end"])
            ax.vlines(ends, part["p05"], part["p95"], color="tab:blue", lw=3, alpha=0.45,
                      label="forecast: per-run spread p05-p95 (90% interval)")  # fmt: skip
            ax.plot(ends, part["p50"], "_", color="tab:blue", ms=10, label="forecast median")
            inside = part["covered"].to_numpy(dtype=bool)
            ax.plot(ends[inside], part["observed"][inside], "o", color="black", ms=4,
                    label="reported, inside the interval")  # fmt: skip
            ax.plot(ends[~inside], part["observed"][~inside], "o", mfc="none", color="tab:red",
                    ms=5, label="reported, outside the interval")  # fmt: skip
            covered = f"{inside.mean():.0%}" if inside.size else "-"
            ax.set_title(f"{h}-month forecasts: {QUANTITY_LABELS.get(q, q)}\n"
                         f"{inside.size} origins, {covered} inside", fontsize=9)  # fmt: skip
            ax.tick_params(labelsize=8)
            if part.empty:
                ax.set_xticks([])
                ax.text(0.5, 0.5, "no origins for this horizon", ha="center", va="center",
                        transform=ax.transAxes, fontsize=8, color="#555555")  # fmt: skip
                continue
            pad = pd.Timedelta(days=20)
            ax.set_xlim(ends.min() - pad, ends.max() + pad)
            locator = mdates.AutoDateLocator(maxticks=6)  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            if q.endswith("share"):
                ax.set_ylim(0.0, 1.0)
    axes[0, 0].legend(loc="best", fontsize=7)
    fig.suptitle("Rolling-origin backtest of the raid-tempo model: forecasts made at each month "
                 "end, drawn at the end of their window")  # fmt: skip
    return finish(fig, source_line(runs, seed, "raid-tempo forecasts"), DATA_CREDIT)
