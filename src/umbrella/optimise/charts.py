"""The chart of an optimisation, drawn with matplotlib's object API (it returns a Figure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from umbrella.optimise.result import OptimisationResult

__all__ = ["plot_frontier"]


def plot_frontier(result: OptimisationResult) -> Figure:
    """Cost against the objective's reduction from the baseline of every buy evaluated
    (selection replications, paired per run): the frontier with the 95% CI of the mean
    reduction, the buy chosen marked, the budget drawn; a source line and, when the raids or
    the posture come from the attack reports, their credit under the axes."""
    from umbrella.core.metrics import metric
    from umbrella.report.charts.style import CI_LABEL, INK, finish, source_line

    spec = result.spec
    table = result.frontier_table()
    fig = Figure(figsize=(7.5, 4.8), dpi=100)
    ax = fig.subplots()
    ax.scatter(table["cost_usd"] / 1e6, table["reduction"], s=12, color="#b0b0b0",
               label="buys evaluated")  # fmt: skip
    front = table[table["on_frontier"]]
    x = front["cost_usd"].to_numpy() / 1e6
    m = front["reduction"].to_numpy()
    err = np.vstack([m - front["reduction_ci95_lo"].to_numpy(),
                     front["reduction_ci95_hi"].to_numpy() - m])  # fmt: skip
    ax.errorbar(x, m, yerr=err, marker="o", capsize=3, color=INK,
                label=f"frontier: mean, bars {CI_LABEL} (paired)")  # fmt: skip
    best = table[table["is_best"]]
    ax.scatter(best["cost_usd"] / 1e6, best["reduction"], s=120, facecolors="none",
               edgecolors="#e76f51", linewidths=2, label="chosen", zorder=3)  # fmt: skip
    ax.axvline(spec.budget_usd / 1e6, color="#e76f51", linestyle=":", label="budget")
    objective = metric(spec.objective)
    ax.set_xlabel("cost of the buy ($M)")
    ax.set_ylabel(f"reduction of the campaign's {objective.label} ({objective.unit})")
    ax.set_title(f"{spec.name}: {result.runs} runs per buy, seed {result.seed}, "
                 "common random numbers")  # fmt: skip
    ax.legend(loc="best", fontsize="small")
    line = source_line(result.runs, result.seed, f"optimisation on campaign {result.campaign.name}")
    return finish(fig, line, result.data_credit)
