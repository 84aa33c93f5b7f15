"""The ``--out`` folder of an optimisation: ``best.toml`` (the campaign with the chosen buy),
``frontier.parquet`` (every buy evaluated), ``frontier.png``, ``summary.json`` and
``meta.json``, written atomically (see :mod:`umbrella.core.files`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure

from umbrella.campaign.spec import Campaign, dump_campaign, parse_campaign
from umbrella.core.files import atomic_dir, write_json, write_text_atomic
from umbrella.jobs.provenance import stable_provenance
from umbrella.optimise.buy import apply_buy
from umbrella.optimise.run import OptimisationResult
from umbrella.report import build_report
from umbrella.report.charts.style import LITERAL_TEXT
from umbrella.scenario.bundled import bundled_names
from umbrella.scenario.model import Scenario, dump_scenario

__all__ = ["BEST_DEFENCE", "best_campaign", "plot_frontier", "write_optimisation"]

#: The defence scenario written beside ``best.toml`` when the buy adds EW zones.
BEST_DEFENCE = "best-defence.toml"


def best_campaign(
    result: OptimisationResult, campaign: Campaign, defence: Scenario
) -> tuple[str, str | None]:
    """``best.toml``'s text (the campaign with the chosen buy as deliveries, posture changes,
    production lines and limits; its paths made absolute so that it runs from any folder) and,
    when the buy adds EW zones, the text of the defence scenario it then names."""
    camp, dfn = apply_buy(campaign, defence, result.spec.options, result.best)
    update: dict[str, Any] = {
        "name": f"{campaign.name}-{result.spec.name}",
        "description": f"{campaign.name} with the buy chosen by optimisation {result.spec.name}: "
        + (", ".join(f"{k} x{v}" for k, v in result.buy_doc(result.best).items()) or "nothing"),
    }
    scenario_text = None
    if dfn is not defence:
        scenario_text = dump_scenario(dfn)
        update["scenario"] = BEST_DEFENCE
    elif campaign.scenario not in bundled_names() and not Path(campaign.scenario).is_absolute():
        update["scenario"] = str((campaign.base_dir / campaign.scenario).resolve())
    if campaign.raids.data_dir is not None and not Path(campaign.raids.data_dir).is_absolute():
        folder = (campaign.base_dir / campaign.raids.data_dir).resolve()
        update["raids"] = campaign.raids.model_copy(update={"data_dir": str(folder)})
    text = dump_campaign(camp.model_copy(update=update))
    parse_campaign(text, "best.toml")  # what is written must read back
    return text, scenario_text


def plot_frontier(result: OptimisationResult) -> Figure:
    """Cost against the objective's reduction from the baseline of every buy evaluated
    (selection replications, paired over runs): the frontier with 95% confidence intervals of
    the mean reduction, the chosen buy marked."""
    table = result.table()
    fig = Figure(figsize=(7.5, 4.5), dpi=100)
    ax = fig.subplots()
    ax.scatter(table["cost_usd"] / 1e6, table["reduction_mean"], s=12, color="#b0b0b0",
               label="buys evaluated")  # fmt: skip
    front = table[table["on_frontier"]]
    x = front["cost_usd"].to_numpy() / 1e6
    m = front["reduction_mean"].to_numpy()
    err = np.vstack([m - front["reduction_ci95_lo"].to_numpy(),
                     front["reduction_ci95_hi"].to_numpy() - m])  # fmt: skip
    ax.errorbar(x, m, yerr=err, marker="o", capsize=3, color="#264653",
                label="frontier (mean, 95% CI, paired)")  # fmt: skip
    best = table[table["is_best"]]
    ax.scatter(best["cost_usd"] / 1e6, best["reduction_mean"], s=120, facecolors="none",
               edgecolors="#e76f51", linewidths=2, label="chosen", zorder=3)  # fmt: skip
    ax.axvline(result.spec.budget_usd / 1e6, color="#e76f51", linestyle=":", label="budget")
    ax.set_xlabel("cost of the buy ($M)")
    ax.set_ylabel(f"reduction of expected total {result.spec.objective}")
    ax.set_title(f"{result.spec.name}: {result.runs} runs per buy, seed {result.seed}, "
                 "common random numbers")  # fmt: skip
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    return fig


def write_optimisation(
    result: OptimisationResult,
    campaign: Campaign,
    defence: Scenario,
    out_dir: str | Path,
    meta: dict[str, Any],
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write ``best.toml``, the frontier table and chart, ``summary.json``, ``meta.json`` and
    ``report.html`` into ``out_dir`` atomically (``force`` and ``inputs`` as in
    :func:`~umbrella.core.files.atomic_dir`)."""
    text, scenario_text = best_campaign(result, campaign, defence)
    out = Path(out_dir)
    with (
        atomic_dir(out, force=force, inputs=inputs, kind="optimise") as tmp,
        rc_context(LITERAL_TEXT),
    ):
        write_text_atomic(tmp / "best.toml", text)
        if scenario_text is not None:
            write_text_atomic(tmp / BEST_DEFENCE, scenario_text)
        result.table().to_parquet(tmp / "frontier.parquet", index=False)
        plot_frontier(result).savefig(tmp / "frontier.png")
        write_json(tmp / "meta.json", meta)
        summary = stable_provenance(meta) | result.summary() | {"details": result.details()}
        write_json(tmp / "summary.json", summary)
        build_report(tmp, "optimise")
    return out
