"""Drawing estimates: a mean with its 95% CI and its per-run spread, told apart on the chart."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from umbrella.report.charts.style import CI_LABEL, INK, SPREAD_LABEL

__all__ = ["draw_intervals", "interval_legend"]

_INK = INK


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
