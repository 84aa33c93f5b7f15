"""The chart of a raid-tempo forecast (``umbrella data forecast --out``): each quantity's
distribution over the runs, its per-run spread p05-p95 and median, and the reported value."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.report.charts.backtest import QUANTITY_LABELS
from umbrella.report.charts.style import INK, SPREAD_LABEL, finish, source_line

__all__ = ["plot_forecast"]

_REPORT_COLOUR = "#e76f51"


def plot_forecast(
    samples: Mapping[str, npt.NDArray[np.float64]],
    observed: Mapping[str, float] | None,
    *,
    title: str,
    runs: int,
    seed: int | None,
) -> Figure:
    """One panel per quantity: the histogram of its value over the runs, the per-run spread
    p05-p95 (the forecast's 90% predictive interval) shaded, the median marked, and the
    reported value as a line where the reports cover the window.

    ``samples`` maps each quantity to its value per run (NaN where a run has none).
    """
    keys = [q for q in QUANTITY_LABELS if q in samples]
    keys += sorted(set(samples) - set(keys))
    fig = Figure(figsize=(10, 1.9 * len(keys) + 1.2))
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    for ax, q in zip(axes, keys, strict=True):
        x = np.asarray(samples[q], dtype=np.float64)
        x = x[np.isfinite(x)]
        label = QUANTITY_LABELS.get(q, q)
        ax.set_title(label, fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        ax.set_yticks([])
        if x.size == 0:
            ax.text(0.5, 0.5, "no run has a value", ha="center", va="center",
                    transform=ax.transAxes, fontsize=8, color="#555555")  # fmt: skip
            continue
        p05, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
        ax.hist(x, bins=min(50, max(10, int(np.sqrt(x.size)))), color=INK, alpha=0.45)
        ax.axvspan(p05, p95, color=INK, alpha=0.12, label=f"forecast, {SPREAD_LABEL}")
        ax.axvline(p50, color=INK, lw=1.5, label="forecast median")
        seen = None if observed is None else observed.get(q)
        if seen is not None and np.isfinite(seen):
            ax.axvline(seen, color=_REPORT_COLOUR, lw=2, label="reported")
        if q.endswith("share"):
            ax.set_xlim(min(0.5, float(x.min())), 1.0)
    axes[0].legend(loc="upper right", fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    source = (
        source_line(runs, seed, "raid-tempo forecast")
        if seed is not None
        else f"Source: umbrella raid-tempo forecast, {runs:,} runs."
    )
    return finish(fig, source, DATA_CREDIT)
