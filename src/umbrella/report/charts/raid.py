"""The chart of a raid run: how each threat type's flights end.

Drawn with matplotlib's object API from the run's fates table: nothing is shown, no pyplot state
or backend is touched; display the figure in a notebook, or ``fig.savefig(path)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from umbrella.core.vocabulary import FATES, THREAT_CLASSES
from umbrella.report.charts.style import (
    FATE_COLOURS as _COLOURS,
)
from umbrella.report.charts.style import (
    FATE_LABELS,
    LITERAL_TEXT,
    finish,
    finish_right,
    source_line,
)

__all__ = ["plot_fates", "plot_overview"]


def plot_fates(
    fates: pd.DataFrame, *, scenario: str, runs: int, seed: int, credit: str = ""
) -> Figure:
    """Share of each fate per threat type, threat types grouped by class, so that six missiles
    read as clearly as 300 drones; each row names how many were launched and the leakers' mean
    with its 95% CI and per-run spread.

    ``fates`` is a run's fates table (:meth:`umbrella.engine.RaidResult.fates_table`).
    """
    order = fates[fates["launched"] > 0].copy()
    order["_class"] = order["threat_class"].map(THREAT_CLASSES.index)
    order = order.sort_values(["_class", "launched"], ascending=[True, False], kind="stable")
    with rc_context(LITERAL_TEXT):
        fig = Figure(figsize=(10, 1.6 + 0.42 * max(len(order), 1)), dpi=110)
        ax = fig.subplots()
        y = np.arange(len(order))
        left = np.zeros(len(order))
        launched = order["launched"].to_numpy(dtype=float)
        for fate in FATES:
            share = order[fate].to_numpy(dtype=float) / launched
            ax.barh(y, share, left=left, color=_COLOURS[fate], label=FATE_LABELS[fate])
            left += share
        names = [f"{r.display_name} ({r.threat_class})" for r in order.itertuples()]
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0.0, 1.0)
        ax.set_xlabel("share of the threats launched (mean over runs)")
        for row, r in enumerate(order.to_dict("records")):
            n = float(r["launched"])
            digits = 0 if n == int(n) else 1
            ax.annotate(
                f"{n:,.{digits}f} launched; leaked {r['leaked']:,.1f} (CI "
                f"{r['leaked_ci95_lo']:,.1f}-{r['leaked_ci95_hi']:,.1f}; runs "
                f"{r['leaked_p05']:,.0f}-{r['leaked_p95']:,.0f})",
                (1.01, row), xycoords=("axes fraction", "data"), va="center", fontsize=7,
            )  # fmt: skip
        ax.set_title(f"{scenario}: how each threat type's flights end ({runs:,} runs)")
        ax.legend(frameon=False, fontsize=7, ncols=2, loc="upper center",
                  bbox_to_anchor=(0.5, -0.12 - 0.5 / max(len(order), 1)))  # fmt: skip
        fig.subplots_adjust(right=0.62)
        note = ("Leaked: mean per raid (CI = 95% CI of the mean; runs = per-run spread "
                "p05-p95).")  # fmt: skip
        return finish_right(fig, note, source_line(runs, seed), credit)


def plot_overview(
    fates: pd.DataFrame,
    distribution: Mapping[str, Any],
    *,
    scenario: str,
    runs: int,
    seed: int,
    credit: str = "",
) -> Figure:
    """A raid run at a glance, for a notebook: the share of each fate per threat type (left,
    from the run's fates table) and the exceedance curves of leakers and damage per raid (from
    its summary's ``distribution``)."""
    from umbrella.report.charts.distribution import draw_exceedance

    order = fates[fates["launched"] > 0]
    dist = distribution
    with rc_context(LITERAL_TEXT):
        fig = Figure(figsize=(12, 3.2 + 0.15 * max(len(order), 1)), dpi=100)
        left, mid, right = fig.subplots(1, 3, gridspec_kw={"width_ratios": (1.3, 1, 1)})
        y = np.arange(len(order))
        start = np.zeros(len(order))
        launched = order["launched"].to_numpy(dtype=float)
        for fate in FATES:
            share = order[fate].to_numpy(dtype=float) / launched
            left.barh(y, share, left=start, color=_COLOURS[fate], label=FATE_LABELS[fate])
            start += share
        left.set_yticks(y, list(order["display_name"]), fontsize=8)
        left.invert_yaxis()
        left.set_xlim(0.0, 1.0)
        left.set_xlabel("share of the threats launched (mean over runs)")
        left.legend(frameon=False, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.25),
                    ncols=2)  # fmt: skip
        for ax, key, label in ((mid, "leaked", "leakers per raid (threats)"),
                               (right, "damage", "damage per raid (value units)")):  # fmt: skip
            draw_exceedance(ax, dist["p"], dist[key])
            ax.set_xlabel(label)
        right.set_ylabel("")
        fig.suptitle(f"{scenario}: {runs:,} runs, seed {seed}")
        return finish(fig, source_line(runs, seed), credit)
