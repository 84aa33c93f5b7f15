"""``umbrella calibrate``: fit a posture to the reports up to a date and write the fitted file."""

from __future__ import annotations

import math
import sys
import time
import tomllib
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from umbrella.attacks.classes import DEFAULT_CLASS_MAP, load_class_map
from umbrella.attacks.reader import read_data_dir
from umbrella.calibration.check import check_fit
from umbrella.calibration.emulator import DroneGrid
from umbrella.calibration.files import write_posture
from umbrella.calibration.fit import Calibration, CalibrationSettings, calibrate
from umbrella.calibration.night import night_table
from umbrella.cli.nights import load_posture, read_inputs
from umbrella.cli.options import ForceFlag, check_cli_seed, command_line_error, parse_cli_date
from umbrella.cli.terminal import console, lit
from umbrella.core.errors import InputError
from umbrella.core.files import dumps_json
from umbrella.core.limits import MAX_SPEC_BYTES, check_runs
from umbrella.core.userfiles import read_user_text
from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.scenario.model import Scenario

__all__ = ["calibrate_command"]

HEADER = """{name}: fitted by `umbrella calibrate` to the Air Force reports from {start} to {end}.
The numbers below are the posterior mode at {end}; the [calibration] table holds the method,
the window, posterior draws (relative to this file's own numbers), the in-sample fit and the
data credit. Geography is notional: no real unit positions. See docs/calibration.md."""


def _check_out(out: Path, inputs: list[Path], force: bool) -> None:
    """Refuse, before any work, an --out that is an input or a file that is not a fitted
    posture (an earlier output of this command) unless --force."""
    real = out.resolve()
    for item in inputs:
        if real == item.resolve() or item.resolve() in real.parents:
            raise InputError("is an input of the calibration; give another name",
                             source=out, key="--out")  # fmt: skip
    if real.is_dir():
        raise InputError("is a folder; give a file name", source=out, key="--out")
    if real.exists() and not force:
        try:
            ours = "calibration" in tomllib.loads(read_user_text(real, MAX_SPEC_BYTES))
        except (InputError, tomllib.TOMLDecodeError):
            ours = False
        if not ours:
            raise InputError(
                "exists and is not a posture fitted by umbrella calibrate; give another name, "
                "or --force to replace it",
                source=out,
                key="--out",
            )


def _summaries(scenario: Scenario) -> dict[str, dict[str, float]]:
    """Posterior mean and 90% interval of each parameter, natural scale."""
    rec = scenario.calibration
    assert rec is not None and rec.posterior is not None
    x = np.asarray(rec.posterior.draws)
    out = {}
    for k, name in enumerate(rec.posterior.names):
        col = x[:, k]
        if name.startswith("log_"):
            col, label = np.exp(col), name.removeprefix("log_")
        elif name.startswith("logit_"):
            col, label = 1.0 / (1.0 + np.exp(-col)), name.removeprefix("logit_")
        else:
            label = name
        q = np.quantile(col, [0.05, 0.95])
        out[label] = {"mean": float(col.mean()), "p05": float(q[0]), "p95": float(q[1])}
    return out


def _run(posture: Scenario, table: Any, train_end: Any, seed: int, settings: CalibrationSettings,
         runs: int, quiet: bool) -> tuple[Calibration, Scenario]:  # fmt: skip
    if quiet or not sys.stderr.isatty():
        cal = calibrate(posture, table, train_end, seed=seed, settings=settings)
        return cal, check_fit(cal, table, runs, seed)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console(stderr=True), transient=True,
    ) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        cal = calibrate(posture, table, train_end, seed=seed, settings=settings, progress=report)
        fitted = check_fit(
            cal, table, runs, seed, progress=lambda d, t: report("in-sample check", d, t)
        )
    return cal, fitted


def calibrate_command(
    data: Annotated[
        Path, typer.Option("--data", help="Directory holding missile_attacks_daily.csv.")
    ],
    train_end: Annotated[str, typer.Option("--train-end", help="Last night fitted (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="Scenario file to write (TOML).")],
    scenario: Annotated[
        str, typer.Option("--scenario", help="Posture to fit: a scenario file or a bundled name.")
    ] = "national-base",
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
    classes: Annotated[
        Path | None,
        typer.Option("--classes", help="TOML or CSV overriding the model-to-class table."),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Fit the posture's uncertain parameters to the nightly reports up to --train-end and write
    the fitted scenario (valid for `umbrella validate`, `run`, `nights` and campaigns)."""
    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    if not 30 <= window_days <= 3660:
        raise command_line_error("the window must hold 30 to 3,660 nights", "--window-days")
    end = parse_cli_date(train_end, "--train-end")
    posture, source = load_posture(scenario)
    _check_out(out, read_inputs(source, data, classes), force)
    class_map = DEFAULT_CLASS_MAP if classes is None else load_class_map(classes)
    table = night_table(read_data_dir(data), class_map)
    t0 = time.perf_counter()
    if grid not in ("standard", "coarse"):
        raise command_line_error(f"unknown grid {grid!r}; choose standard or coarse", "--grid")
    settings = CalibrationSettings(
        window_days=window_days, grid=DroneGrid() if grid == "standard" else DroneGrid.coarse()
    )
    _, fitted = _run(posture, table, end, seed, settings, runs, as_json)
    seconds = time.perf_counter() - t0
    rec = fitted.calibration
    assert rec is not None
    header = HEADER.format(name=fitted.name, start=rec.train_start, end=rec.train_end)
    write_posture(out, fitted, header)
    params = _summaries(fitted)
    if as_json:
        doc = {
            "scenario": fitted.name,
            "source": source,
            "out": str(out),
            "train_start": str(rec.train_start),
            "train_end": str(rec.train_end),
            "nights": rec.nights,
            "method": rec.method,
            "parameters": params,
            "fit": rec.fit,
        }
        sys.stdout.write(dumps_json(doc) + "\n")
        return
    out_console = console(min_width=110)
    t = Table(
        title=lit(
            f"{fitted.name} fitted to {rec.nights} nights, {rec.train_start} to "
            f"{rec.train_end} (posterior mean [90%]; capability and EW scale relative to the file)"
        )
    )
    t.add_column("parameter")
    t.add_column("value", justify="right")
    for name, s in params.items():
        t.add_row(name, f"{s['mean']:.3g} [{s['p05']:.3g}, {s['p95']:.3g}]")
    out_console.print(t)
    f = Table(title=f"In-sample: the fitted posture through the engine ({runs} runs a night)")
    f.add_column("score")
    f.add_column("value", justify="right")
    for k, v in rec.fit.items():
        f.add_row(k, "–" if not math.isfinite(v) else (f"{v:.0f}" if k == "nights" else f"{v:.3f}"))
    out_console.print(f)
    out_console.print(lit(f"wrote {out} in {seconds:.0f} s. {DATA_CREDIT}"))
