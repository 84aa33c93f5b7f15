"""``umbrella optimise FILE``: the buy within a budget that protects most."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from umbrella.cli.intervals import mean_cell, mean_ci_header, with_ci
from umbrella.cli.options import (
    ForceFlag,
    SchedulerOption,
    WorkersOption,
    check_cli_seed,
    check_force,
    check_seconds,
    check_where,
)
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import console, emit_json, say, wrote

if TYPE_CHECKING:
    from umbrella.optimise.result import OptimisationResult

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
            help="Write the output folder (best.toml, the frontier table and chart, "
            "report.html) here.",
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
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Search a menu of interceptor lots, fire units, drone teams, production lines and EW zones
    for the buy of least expected damage (or leakers) within a budget.

    Every buy is flown through the campaign on the same replications (common random numbers),
    each step's candidates raced on growing numbers of runs (those clearly beaten are dropped
    early); the winner is re-estimated on independent replications, with an optimality-gap
    bound. The buys can be flown on local worker processes (--workers) or a Dask cluster
    (--scheduler); the numbers are the same as in this process.
    """
    from umbrella.core.limits import check_runs
    from umbrella.jobs.optimise import run_optimisation

    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    limit = None if time_limit is None else check_seconds(time_limit, "--time-limit")
    check_force(force, out_dir)
    check_where(workers, scheduler)
    with progress_shown(file.stem, quiet=as_json) as progress:
        result = run_optimisation(
            file, runs=runs, seed=seed, data=data, time_limit_s=limit, workers=workers,
            scheduler=scheduler, out=out_dir, force=force, progress=progress,
        )  # fmt: skip
    if result.stopped:
        say(
            console(stderr=True),
            f"note: the search stopped at the time limit ({limit:g} s) after "
            f"{len(result.evaluated)} buys; the best so far is reported with its gap to the "
            "buys evaluated",
        )
    if as_json:
        emit_json(result.summary())
        return
    _print(result)
    if out_dir is not None:
        wrote(out_dir)


def _print(result: OptimisationResult) -> None:
    out = console()
    summary = result.summary()
    spec, obj = result.spec, objective_label(result)
    det = summary["details"]
    say(out, f"{spec.name}: budget ${spec.budget_usd / 1e6:,.0f}M, objective: expected total "
        f"{obj}; {det['method']}, {det['buys_evaluated']} buys evaluated on up to "
        f"{result.runs} runs each, seed {result.seed}")  # fmt: skip
    race = det["racing"]
    if race["enabled"]:
        say(out, f"raced in stages of {', '.join(str(n) for n in race['stages'])} runs "
            f"(error rate {race['alpha']:g} per race): {len(race['eliminated'])} candidates "
            f"dropped early; {race['runs_flown']:,} of {race['runs_without_racing']:,} runs "
            "flown")  # fmt: skip
    best = summary["best"]
    say(out, f"best buy: {result.buy_text(result.best)} for ${best['cost_usd'] / 1e6:,.0f}M")
    say(out, f"  {obj} {with_ci(best['objective'])} vs "
        f"{with_ci(summary['baseline']['objective'])} with nothing bought (independent "
        "replications)")  # fmt: skip
    gap = best["gap"]
    say(out, f"  reduction {with_ci(best['reduction'])} (paired, independent replications); "
        f"optimality gap {gap['estimate']:,.1f}, upper 95% bound "
        f"{gap['ci95_upper']:,.1f}")  # fmt: skip
    t = Table("frontier: cost against the objective (selection replications)")
    t.add_column("buy")
    t.add_column("cost $M", right=True)
    t.add_column(mean_ci_header(obj), right=True)
    for row in summary["frontier"]:
        label = ", ".join(f"{k} x{v}" for k, v in row["buy"].items()) or "nothing"
        t.add_row(label, f"{row['cost_usd'] / 1e6:,.0f}", mean_cell(row["objective"]))
    show(t, out)
    m = Table(f"first unit of each option: {obj} reduction per $1M")
    m.add_column("option")
    m.add_column(mean_ci_header("per $1M"), right=True)
    for oid, est in summary["marginal"].items():
        m.add_row(oid, mean_cell(est, ",.2f"))
    show(m, out)
    for oid, why in det["idle_options"].items():
        say(out, "not bought: ", oid, ": ", why)


def objective_label(result: OptimisationResult) -> str:
    """The objective's name as shown."""
    from umbrella.core.metrics import metric

    return metric(result.spec.objective).label
