"""The chart of a weapon-target assignment (``umbrella wta solve --out``): rounds of each weapon
on each target."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from umbrella.report.charts.style import finish

__all__ = ["plot_assignment"]


def plot_assignment(x: npt.NDArray[np.int64], title: str) -> Figure:
    """A heat map of ``x`` (weapons x targets): the rounds of each weapon on each target, blank
    where none. ``title`` may hold a line break."""
    weapons, targets = x.shape
    width = min(12.0, max(7.0, 0.08 * targets + 3.0))
    height = min(10.0, max(3.0, 0.08 * weapons + 2.0))
    fig = Figure(figsize=(width, height))
    ax = fig.subplots()
    shown = np.ma.masked_equal(x, 0)
    image = ax.imshow(shown, aspect="auto", interpolation="nearest", cmap="viridis")
    fig.colorbar(image, ax=ax, label="rounds")
    ax.set_xlabel(f"target (0 to {targets - 1})")
    ax.set_ylabel(f"weapon (0 to {weapons - 1})")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=9, loc="left")
    return finish(fig, "Source: umbrella weapon-target assignment; blank: no round.")
