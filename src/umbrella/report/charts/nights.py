"""The chart of ``umbrella nights``: predicted against reported drone neutralised shares."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.report.charts.style import INK, SPREAD_LABEL, finish, source_line

__all__ = ["plot_nights"]

_SHARE = "drones_neutralised_share"
_REPORTED = "reported_drones_neutralised_share"
_REPORT_COLOUR = "#e76f51"


def plot_nights(rows: pd.DataFrame, title: str, *, runs: int, seed: int) -> Figure:
    """The predicted per-run spread p05-p95 (a 90% predictive interval) and median of each
    night's drone neutralised share, with the reported share as dots, over time; and the
    predicted mean against the reported share.

    ``rows`` as :func:`umbrella.calibration.scores.night_rows` makes them; ``runs`` and ``seed``
    name the predictions in the source line.
    """
    fig = Figure(figsize=(10, 6.5), dpi=100)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    r = rows[rows[_SHARE].notna()].sort_values("night")
    x = r["night"].to_numpy()
    top.vlines(x, r[f"{_SHARE}_p05"], r[f"{_SHARE}_p95"], color=INK, alpha=0.35, lw=2,
               label=f"predicted, {SPREAD_LABEL}")  # fmt: skip
    top.plot(x, r[f"{_SHARE}_p50"], "_", color=INK, ms=6, label="predicted median")
    rep = r[r[_REPORTED].notna()]
    top.plot(rep["night"].to_numpy(), rep[_REPORTED], ".", color=_REPORT_COLOUR, ms=5,
             label="reported")  # fmt: skip
    top.set_ylabel("drones neutralised (share)")
    top.set_ylim(0.0, 1.02)
    top.legend(frameon=False, fontsize=8, loc="lower left")
    top.set_title(title)
    top.tick_params(axis="x", labelrotation=30, labelsize=8)
    if len(rep):
        bottom.errorbar(
            rep[_REPORTED],
            rep[_SHARE],
            # The mean of a skewed night may lie outside its p05-p95: no negative bar.
            yerr=[
                (rep[_SHARE] - rep[f"{_SHARE}_p05"]).clip(lower=0.0),
                (rep[f"{_SHARE}_p95"] - rep[_SHARE]).clip(lower=0.0),
            ],
            fmt="o",
            ms=3,
            alpha=0.5,
            color=INK,
            elinewidth=0.6,
        )
        lo = float(min(rep[_REPORTED].min(), rep[f"{_SHARE}_p05"].min(), 0.5))
        bottom.plot([lo, 1.0], [lo, 1.0], color="#888888", lw=0.8)
    bottom.set_xlabel("reported share")
    bottom.set_ylabel(f"predicted mean, {SPREAD_LABEL}")
    source = source_line(runs, seed, "predictions of each reported night")
    return finish(fig, source, "Reported shares: the national morning reports. " + DATA_CREDIT)
