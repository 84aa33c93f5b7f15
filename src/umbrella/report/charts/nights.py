"""The chart of ``umbrella nights``: predicted against reported drone neutralised shares."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.report.charts.style import finish

__all__ = ["plot_nights"]


def plot_nights(rows: pd.DataFrame, title: str) -> Figure:
    """The predicted 90% band and median of each night's drone neutralised share, with the
    reported share as dots, over time; and predicted against reported."""
    fig = Figure(figsize=(10, 6.5), dpi=100)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    r = rows[rows["share_mean"].notna()].sort_values("night")
    x = r["night"].to_numpy()
    top.vlines(x, r["share_p05"], r["share_p95"], color="#264653", alpha=0.35, lw=2,
               label="predicted, per-run spread p05-p95")  # fmt: skip
    top.plot(x, r["share_p50"], "_", color="#264653", ms=6, label="predicted median")
    rep = r[r["reported_share"].notna()]
    top.plot(
        rep["night"].to_numpy(), rep["reported_share"], ".", color="#e76f51", ms=5, label="reported"
    )
    top.set_ylabel("drones neutralised (share)")
    top.set_ylim(0.0, 1.02)
    top.legend(frameon=False, fontsize=8, loc="lower left")
    top.set_title(title)
    top.tick_params(axis="x", labelrotation=30, labelsize=8)
    if len(rep):
        bottom.errorbar(
            rep["reported_share"],
            rep["share_mean"],
            yerr=[rep["share_mean"] - rep["share_p05"], rep["share_p95"] - rep["share_mean"]],
            fmt="o",
            ms=3,
            alpha=0.5,
            color="#264653",
            elinewidth=0.6,
        )
        lo = float(min(rep["reported_share"].min(), rep["share_p05"].min(), 0.5))
        bottom.plot([lo, 1.0], [lo, 1.0], color="#888888", lw=0.8)
    bottom.set_xlabel("reported share")
    bottom.set_ylabel("predicted mean, spread p05-p95")
    note = ("Source: umbrella predictions of each reported night (national posture); reported "
            "shares from the national morning reports.")  # fmt: skip
    return finish(fig, note, DATA_CREDIT)
