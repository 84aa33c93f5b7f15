"""How leakers and damage spread across runs: exceedance curves P(X > x), drawn from the
quantiles a summary keeps (:data:`umbrella.core.stats.DISTRIBUTION_P`), so that a page, a
notebook and a rebuilt folder draw the same curve.

Drawn with matplotlib's object API (each function returns or fills a Figure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from umbrella.report.charts.style import INK, LITERAL_TEXT, finish, plain_numbers

__all__ = ["draw_exceedance", "plot_difference_spread", "plot_exceedance"]

#: What the two quantities are, on the axes.
QUANTITIES = (("leaked", "leakers (threats)"), ("damage", "damage (value units)"))
_COLOURS = ("#264653", "#e76f51", "#2a9d8f", "#e9c46a", "#8ab17d", "#6d597a")


def draw_exceedance(
    ax: Axes, p: Sequence[float], values: Sequence[float], *, label: str = "", colour: str = INK
) -> None:
    """The exceedance curve of a quantity whose quantiles at ``p`` are ``values``: for each
    value x, the share of runs above it (1 - p), with the per-run p05 and p95 marked."""
    x = np.asarray(values, dtype=float)
    y = 1.0 - np.asarray(p, dtype=float)
    ax.plot(x, y, marker="o", ms=3, color=colour, label=label or None)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share of runs above the value, P(X > x)")
    ax.grid(True, alpha=0.3)
    plain_numbers(ax)


def _panel_axes(fig: Figure | SubFigure) -> list[Axes]:
    return list(fig.subplots(1, 2, squeeze=False)[0])


def plot_exceedance(
    distribution: Mapping[str, Any],
    *,
    title: str,
    per: str,
    lines: Sequence[str] = (),
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """Exceedance curves of leakers and damage ``per`` raid or season, from a summary's
    ``distribution`` block; ``lines`` (the source line, a credit) go under the axes."""
    with rc_context(LITERAL_TEXT):
        own = fig is None
        target: Figure | SubFigure = Figure(figsize=(9.0, 3.8), dpi=100) if own else fig  # type: ignore[assignment]
        p = distribution.get("p") or []
        for ax, (key, label) in zip(_panel_axes(target), QUANTITIES, strict=True):
            draw_exceedance(ax, p, distribution.get(key) or [])
            ax.set_xlabel(f"{label} {per}")
            ax.set_title(
                f"{label.split(' (')[0].capitalize()}: how often a run exceeds x", fontsize=9
            )
        target.suptitle(title, fontsize=10)
        if own:
            assert isinstance(target, Figure)
            return finish(target, "Each point: a per-run quantile (p01 ... p99).", *lines)
        return target


def plot_difference_spread(
    distributions: Mapping[str, Mapping[str, Any]],
    *,
    title: str,
    lines: Sequence[str] = (),
    per: str = "season",
) -> Figure:
    """Per alternative, the exceedance curve of the per-run paired difference alternative -
    baseline of leakers and damage over a ``per`` ("season" or "raid"; left of 0: the
    alternative did better in that run)."""
    with rc_context(LITERAL_TEXT):
        fig = Figure(figsize=(9.0, 4.0), dpi=100)
        axes = _panel_axes(fig)
        for k, (name, dist) in enumerate(distributions.items()):
            colour = _COLOURS[k % len(_COLOURS)]
            for ax, (key, _) in zip(axes, QUANTITIES, strict=True):
                draw_exceedance(
                    ax, dist.get("p") or [], dist.get(key) or [], label=name, colour=colour
                )
        for ax, (_, label) in zip(axes, QUANTITIES, strict=True):
            ax.axvline(0.0, color="#555555", lw=0.8, ls=":")
            what = f"season {label}" if per == "season" else f"{label} per {per}"
            ax.set_xlabel(f"change in {what}, alternative − baseline, per run")
            ax.legend(frameon=False, fontsize=7)
        fig.suptitle(title, fontsize=10)
        return finish(
            fig,
            "Paired per run (same raids and shots). Left of the dotted line: the alternative "
            "did better in that run.",
            *lines,
        )
