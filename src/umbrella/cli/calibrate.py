"""``umbrella calibrate``: fit a posture to the reports up to a date and write the fitted file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from umbrella.cli.nights import ClassesOption, DataOption
from umbrella.cli.options import (
    ForceFlag,
    SchedulerOption,
    WorkersOption,
    check_cli_seed,
    check_where,
    command_line_error,
    parse_cli_date,
)
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import console, emit_json, say

if TYPE_CHECKING:
    from umbrella.calibration.result import CalibrationResult

__all__ = ["calibrate_command"]

#: The posture ``umbrella calibrate`` fits when given none.
STRUCTURE = "national-base"


def calibrate_command(
    data: DataOption,
    out: Annotated[Path, typer.Option("--out", help="Scenario file to write (TOML).")],
    train_end: Annotated[
        str | None, typer.Option("--train-end", help="Last night fitted (YYYY-MM-DD).")
    ] = None,
    update: Annotated[
        str | None,
        typer.Option(
            "--update",
            metavar="POSTURE",
            help="Bring this fitted posture (a file or a bundled name) up to date with the "
            "reports since its fit, instead of fitting one (nothing refitted).",
        ),
    ] = None,
    through: Annotated[
        str | None,
        typer.Option("--through", help="With --update: the last night assimilated (YYYY-MM-DD)."),
    ] = None,
    scenario: Annotated[
        str, typer.Option("--scenario", help="Posture to fit: a scenario file or a bundled name.")
    ] = STRUCTURE,
    runs: Annotated[
        int, typer.Option("--runs", help="Engine runs per night of the in-sample check (>= 2).")
    ] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed (>= 0).")] = 0,
    window_days: Annotated[
        int, typer.Option("--window-days", help="Nights of reports fitted, ending at --train-end.")
    ] = 365,
    grid: Annotated[
        str, typer.Option("--grid", help="Emulator grid: standard, or coarse for a quick look.")
    ] = "standard",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout only.")
    ] = False,
    classes: ClassesOption = None,
    force: ForceFlag = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Fit the posture's uncertain parameters to the nightly reports up to --train-end and write
    the fitted scenario (valid for `umbrella validate`, `run`, `nights` and campaigns); or,
    with --update, bring a fitted posture up to date with the reports since its fit."""
    import time

    from umbrella.core.limits import check_runs
    from umbrella.jobs import run_calibration, update_posture
    from umbrella.jobs.calibrate import GRIDS, MAX_WINDOW_DAYS, MIN_WINDOW_DAYS

    seed = check_cli_seed(seed)
    check_where(workers, scheduler)
    if update is not None:
        if train_end is not None:
            raise command_line_error("give --train-end to fit, or --update to update", "--update")
        last = None if through is None else parse_cli_date(through, "--through")
        t0 = time.perf_counter()
        with progress_shown(f"update {update}", quiet=as_json) as progress:
            updated = update_posture(update, data=data, through=last, seed=seed,
                                     classes=classes, out=out, force=force,
                                     progress=progress, workers=workers,
                                     scheduler=scheduler)  # fmt: skip
        if as_json:
            emit_json(updated.summary())
            return
        rec = updated.record
        say(console(), f"wrote {out}: {updated.scenario.name} updated through "
            f"{rec.updated_through} ({updated.nights_assimilated} nights assimilated) in "
            f"{time.perf_counter() - t0:.0f} s. ", rec.data_credit)  # fmt: skip
        return
    if through is not None:
        raise command_line_error("--through applies to --update", "--through")
    if train_end is None:
        raise command_line_error("give --train-end (to fit) or --update (to update)", "--train-end")
    runs = check_runs(runs, key="--runs", source="command line")
    if not MIN_WINDOW_DAYS <= window_days <= MAX_WINDOW_DAYS:
        raise command_line_error(
            f"the window must hold {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS:,} nights", "--window-days"
        )
    end = parse_cli_date(train_end, "--train-end")
    if grid not in GRIDS:
        raise command_line_error(f"unknown grid {grid!r}; choose standard or coarse", "--grid")
    t0 = time.perf_counter()
    with progress_shown(f"calibrate {scenario}", quiet=as_json) as progress:
        result = run_calibration(
            scenario, data=data, train_end=end, runs=runs, seed=seed, window_days=window_days,
            grid=grid, classes=classes, out=out, force=force, progress=progress,
            workers=workers, scheduler=scheduler,
        )  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print(result)
    say(console(), f"wrote {out} in {time.perf_counter() - t0:.0f} s. ", result.record.data_credit)


def _print(result: CalibrationResult) -> None:
    doc = result.summary()
    out = console()
    t = Table(f"{doc['scenario']} fitted to {doc['nights']} nights, {doc['train_start']} to "
              f"{doc['train_end']} (capability and EW scale relative to the file)")  # fmt: skip
    t.add_column("parameter")
    t.add_column("posterior mean (posterior p05-p95, a 90% credible interval)", right=True)
    for name, s in doc["parameters"].items():
        t.add_row(name, f"{s['mean']:.3g} ({s['p05']:.3g} to {s['p95']:.3g})")
    show(t, out)
    f = Table(f"In-sample: the fitted posture through the engine ({doc['runs']} runs a night)")
    f.add_column("score")
    f.add_column("value", right=True)
    for k, v in doc["fit"].items():
        f.add_row(k, "–" if v is None else (f"{v:.0f}" if k == "nights" else f"{v:.3f}"))
    show(f, out)
