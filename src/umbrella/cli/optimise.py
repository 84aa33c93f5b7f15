"""``umbrella optimise FILE``: the buy within a budget that protects most."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from umbrella.attacks.reader import DAILY_FILE
from umbrella.campaign.inputs import load_defence, load_raid_tempo
from umbrella.campaign.spec import campaign_hash, load_campaign
from umbrella.cli.history import record_history
from umbrella.cli.options import ForceFlag, check_cli_seed, check_seconds
from umbrella.cli.progress import with_progress
from umbrella.cli.terminal import console, lit, say
from umbrella.core.files import check_output_dir, dumps_json
from umbrella.core.limits import check_runs
from umbrella.jobs.optimise import write_optimisation
from umbrella.jobs.provenance import campaign_inputs, file_hash, provenance
from umbrella.optimise import check_options, load_optimisation, optimise
from umbrella.optimise.run import OptimisationResult

__all__ = ["optimise_command"]


def optimise_command(
    file: Annotated[Path, typer.Argument(help="Optimisation TOML (campaign, budget, options).")],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs per buy (>= 2).")] = 200,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed (>= 0).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write best.toml, the frontier table and chart, summary.json and meta.json here.",
        ),
    ] = None,
    force: ForceFlag = False,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Stop the search after S seconds; report the best so far with its gap.",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Attack-report folder (overrides the campaign's data_dir)."),
    ] = None,
) -> None:
    """Search a menu of interceptor lots, fire units, drone teams, production lines and EW zones
    for the buy of least expected damage (or leakers) within a budget.

    Every buy is flown through the campaign on the same replications (common random numbers);
    the winner is re-estimated on independent replications, with an optimality-gap bound.
    """
    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    limit = None if time_limit is None else check_seconds(time_limit, "--time-limit")
    data = None if data is None else data.resolve()
    spec = load_optimisation(file)
    camp_path = spec.campaign_path()
    campaign = load_campaign(camp_path)
    defence = load_defence(campaign)
    check_options(spec, campaign, defence)
    campaign.check_data_path(data)
    inputs = [file, camp_path]
    scenario = campaign.base_dir / campaign.scenario
    if scenario.is_file():
        inputs.append(scenario)
    folder = campaign.data_path(data)
    if folder is not None:
        inputs += [folder, folder / DAILY_FILE]
    if out_dir is not None:
        check_output_dir(out_dir, inputs=inputs, force=force)
    tempo = load_raid_tempo(campaign, data)
    result = with_progress(
        f"{spec.name} (buys evaluated)",
        0,
        lambda report: optimise(spec, campaign, defence, runs, seed, tempo=tempo,
                                time_limit_s=limit, progress=report),
        quiet=as_json,
    )  # fmt: skip
    read = {str(file): file_hash(file), **campaign_inputs(campaign, camp_path)}
    meta = provenance(
        "optimise", inputs=read, seed=seed, runs=runs, catalogue=defence.resolved_catalogue(),
        data_dir=folder,
        parameters={"time_limit_s": limit, "campaign_hash": campaign_hash(campaign)},
    )  # fmt: skip
    if out_dir is not None:
        write_optimisation(result, campaign, defence, out_dir, meta, force=force, inputs=inputs)
    summary = result.summary()
    if result.stopped:
        sys.stderr.write(
            f"note: the search stopped at the time limit ({limit:g} s) after "
            f"{len(result.evaluated)} buys; the best so far is reported with its gap to the "
            "buys evaluated\n"
        )
    if as_json:
        sys.stdout.write(dumps_json(summary) + "\n")
    else:
        _print(result, summary)
        if out_dir is not None:
            say(console(), "wrote ", out_dir, "/")
    record_history(
        meta, summary=summary | {"details": result.details()}, out_dir=out_dir,
        spec={"optimisation": spec.model_dump(mode="json")},
        headline=f"{spec.name}: best {summary['best']['buy']} for "
        f"${summary['best']['cost_usd'] / 1e6:,.0f}M",
    )  # fmt: skip


def _ci(x: dict[str, Any], k: float = 1.0, fmt: str = ",.0f") -> str:
    lo, hi = x["ci95"]
    return f"{x['mean'] / k:{fmt}} [{lo / k:{fmt}}, {hi / k:{fmt}}]"


def _print(result: OptimisationResult, summary: dict[str, Any]) -> None:
    out = console()
    spec, obj = result.spec, spec_objective(result)
    det = result.details()
    say(out, f"{spec.name}: budget ${spec.budget_usd / 1e6:,.0f}M, objective: expected total "
        f"{obj} (mean [95% CI]); {det['method']}, {det['buys_evaluated']} buys evaluated on "
        f"{result.runs} runs each, seed {result.seed}")  # fmt: skip
    best = summary["best"]
    buy = ", ".join(f"{k} x{v}" for k, v in best["buy"].items()) or "nothing"
    say(out, f"best buy: {buy} for ${best['cost_usd'] / 1e6:,.0f}M")
    say(out, f"  {obj} {_ci(best['objective'])} vs {_ci(summary['baseline']['objective'])} "
        f"with nothing bought (independent replications)")  # fmt: skip
    gain = det["best_gain_over_baseline"]
    gap = best["gap"]
    say(out, f"  reduction {_ci(gain)} (paired, independent replications); optimality gap "
        f"{gap['estimate']:,.1f}, upper 95% bound {gap['ci95_upper']:,.1f}")  # fmt: skip
    t = Table(title=lit("frontier: cost against the objective (selection replications)"))
    for col in ("buy", "cost $M", f"{obj} mean [95% CI]"):
        t.add_column(col)
    for row in summary["frontier"]:
        label = ", ".join(f"{k} x{v}" for k, v in row["buy"].items()) or "nothing"
        t.add_row(lit(label), f"{row['cost_usd'] / 1e6:,.0f}", _ci(row["objective"]))
    out.print(t)
    m = Table(title=lit(f"first unit of each option: {obj} reduction per $1M (mean [95% CI])"))
    m.add_column("option")
    m.add_column("per $1M")
    for oid, row in summary["marginal"].items():
        lo, hi = row["ci95"]
        cell = f"{row['per_musd']:,.2f} [{lo:,.2f}, {hi:,.2f}]"
        m.add_row(lit(oid), cell if all(map(math.isfinite, (lo, hi))) else "-")
    out.print(m)
    for oid, why in det["idle_options"].items():
        say(out, f"not bought: {oid}: {why}")


def spec_objective(result: OptimisationResult) -> str:
    """The objective's name as shown."""
    return "damage" if result.spec.objective == "damage" else "leakers"
