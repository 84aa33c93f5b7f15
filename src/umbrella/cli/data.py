"""``umbrella data``: the public attack reports (summary, forecast, backtest, class table)."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from umbrella.attacks.classes import DEFAULT_CLASS_MAP, load_class_map
from umbrella.attacks.nights import BREAK_DATE, NATIONAL_ACCOUNTS, load_nights
from umbrella.attacks.reader import DAILY_FILE
from umbrella.attacks.summary import summarise_nights
from umbrella.cli.options import ForceFlag, check_cli_seed, command_line_error, parse_cli_date
from umbrella.cli.terminal import console as make_console
from umbrella.cli.terminal import lit
from umbrella.core.errors import InputError
from umbrella.core.files import (
    atomic_dir,
    check_output_dir,
    check_output_file,
    dumps_json,
    nan_to_none,
)
from umbrella.core.limits import MAX_MEMORY_BYTES, check_runs
from umbrella.core.vocabulary import DATA_CREDIT, DRONE, REPORT_CLASSES, REPORT_MISSILE_CLASSES
from umbrella.jobs.data import write_summary
from umbrella.report.charts.backtest import plot_backtest
from umbrella.tempo.backtest import (
    MIN_HISTORY_DAYS,
    backtest_document,
    run_backtest,
    score_backtest,
)
from umbrella.tempo.forecast import QUANTITIES, make_forecast
from umbrella.tempo.model import fit_tempo, save_tempo

app = typer.Typer(help="Public attack reports: summary, forecast, backtest.", no_args_is_help=True)

DataDir = Annotated[
    Path,
    typer.Option(
        "--data", help="Directory holding missile_attacks_daily.csv (the dataset's format)."
    ),
]
ClassesFile = Annotated[
    Path | None,
    typer.Option(
        "--classes",
        help="TOML ([classes] model = class) or CSV (model,class) overriding the table.",
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout only.")]
SHORT_NAMES = {
    DRONE: "drones",
    "cruise_missile": "cruise",
    "ballistic_missile": "ballistic",
    "aeroballistic_missile": "aeroball.",
    "guided_air_to_surface_missile": "guided",
}


def _console() -> Console:
    """A console at least 110 columns wide, so tables stay legible when piped."""
    return make_console(min_width=110)


def _inputs(data: Path, classes: Path | None) -> list[Path]:
    """What a data command reads: no output may be or hold one of them."""
    read = [data, data / DAILY_FILE]
    return read if classes is None else [*read, classes]


def _check_force(force: bool, out: Path | None) -> None:
    if force and out is None:
        raise command_line_error("--force applies to an --out folder; none was given", "--force")


def _check_window(start: date, end: date, runs: int) -> None:
    """A forecast window the model can draw: in order, at most ten years, within the memory
    budget for ``runs`` runs."""
    if end < start:
        raise command_line_error(f"--end {end} is before --start {start}", "--end")
    nights = (end - start).days + 1
    if nights > 3660:
        raise command_line_error(f"a window of {nights:,} nights; at most 3,660", "--end")
    need = runs * nights * 8 * 24
    if need > MAX_MEMORY_BYTES:
        raise command_line_error(
            f"{runs:,} runs of {nights:,} nights need {need / 2**30:,.1f} GiB, over the limit "
            f"of {MAX_MEMORY_BYTES / 2**30:,.0f} GiB (use fewer runs)",
            "--runs",
        )


def _class_map(path: Path | None) -> Mapping[str, str]:
    return DEFAULT_CLASS_MAP if path is None else load_class_map(path)


def _emit_json(doc: Any) -> None:
    sys.stdout.write(dumps_json(nan_to_none(doc)) + "\n")


def _fmt(value: float, quantity: str = "") -> str:
    if not math.isfinite(value):
        return "–"
    if "share" in quantity:
        return f"{value:.1%}"
    return f"{value:,.0f}"


@app.command("classes")
def classes_command(classes: ClassesFile = None) -> None:
    """Show the model-name → weapon-class table (after any --classes override)."""
    table = Table(title="Weapon model → class (models not listed are 'other')")
    table.add_column("model")
    table.add_column("class")
    mapping = _class_map(classes)
    for cls in REPORT_CLASSES:
        for model, c in mapping.items():
            if c == cls:
                table.add_row(lit(model), cls)
    _console().print(table)


@app.command("summary")
def summary_command(
    data: DataDir,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write tables and PNG charts here.")
    ] = None,
    months: Annotated[int, typer.Option("--months", help="Months shown in the table.")] = 18,
    classes: ClassesFile = None,
    force: ForceFlag = False,
) -> None:
    """Per month and class: launched, neutralised and share; heavy and largest nights."""
    if not 1 <= months <= 10_000:
        raise command_line_error(f"must be from 1 to 10,000 (got {months})", "--months")
    _check_force(force, out)
    if out is not None:
        check_output_dir(out, inputs=_inputs(data, classes), force=force)
    summary = summarise_nights(load_nights(data, _class_map(classes)))
    console = _console()
    by_class = {
        (str(m), str(c)): (int(n), float(sh))
        for m, c, n, sh in summary.by_class[["month", "cls", "launched", "share"]].itertuples(
            index=False
        )
    }
    shown = summary.by_month.tail(months)
    table = Table(
        title=f"National reports by month (night = date of the morning report; "
        f"neutralised = shot down + lost, comparable across the {BREAK_DATE} break)"
    )
    table.caption = "each class: launched / neutralised share; nights: with 300+ / 500+ drones"
    table.add_column("month", no_wrap=True)
    for cls in (DRONE, *REPORT_MISSILE_CLASSES):
        table.add_column(SHORT_NAMES[cls], justify="right", no_wrap=True)
    table.add_column("nights", justify="right", no_wrap=True)
    for rec in shown.itertuples(index=False):
        cells = [str(rec.month)]
        for cls in (DRONE, *REPORT_MISSILE_CLASSES):
            launched, share = by_class[(str(rec.month), cls)]
            pct = "–" if not math.isfinite(share) else f"{share:.0%}"
            cells.append(f"{launched:,} / {pct}")
        cells.append(f"{rec.nights_300_plus} / {rec.nights_500_plus}")
        table.add_row(*cells)
    console.print(table)
    largest = Table(title="Largest nights (one-way attack drones, decoys included)")
    for col in ("night", "drones", "missiles", "drones neutralised"):
        largest.add_column(col, justify="right")
    for night, drones, missiles, top_share in summary.largest.itertuples(index=False):
        value = float(top_share)
        pct = f"{value:.0%}" if math.isfinite(value) else "–"
        largest.add_row(str(night), f"{int(drones):,}", f"{int(missiles):,}", pct)
    console.print(largest)
    console.print(f"National accounts: {', '.join(NATIONAL_ACCOUNTS)}. {DATA_CREDIT}")
    if out is not None:
        names = write_summary(summary, out, force=force, inputs=_inputs(data, classes))
        console.print(lit(f"Wrote {len(names)} files to {out}"))


@app.command("forecast")
def forecast_command(
    data: DataDir,
    train_end: Annotated[str, typer.Option("--train-end", help="Last night fitted (YYYY-MM-DD).")],
    start: Annotated[str, typer.Option("--start", help="First night forecast (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last night forecast, included.")],
    runs: Annotated[int, typer.Option("--runs", help="Simulated runs (>= 1).")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: JsonFlag = False,
    classes: ClassesFile = None,
) -> None:
    """Fit the raid-tempo model on reports up to --train-end and forecast a window."""
    runs = check_runs(runs, key="--runs", minimum=1, source="command line")
    seed = check_cli_seed(seed)
    t_end = parse_cli_date(train_end, "--train-end")
    w_start, w_end = parse_cli_date(start, "--start"), parse_cli_date(end, "--end")
    _check_window(w_start, w_end, runs)
    nights = load_nights(data, _class_map(classes))
    fc = make_forecast(nights, t_end, w_start, w_end, runs, seed)
    if as_json:
        _emit_json(fc.to_json())
        return
    table = Table(
        title=lit(f"Forecast {w_start} to {w_end} ({fc.n_nights} nights), trained to {t_end}, "
                  f"{runs} runs, seed {seed}")
    )  # fmt: skip
    for col in ("quantity", "p05", "p50", "p95", "observed"):
        table.add_column(col, justify="right" if col != "quantity" else "left")
    for q in QUANTITIES:
        qs = fc.quantiles[q]
        obs = "–" if fc.observed is None else _fmt(fc.observed[q], q)
        table.add_row(q, _fmt(qs["p05"], q), _fmt(qs["p50"], q), _fmt(qs["p95"], q), obs)
    console = _console()
    console.print(table)
    if fc.observed is None:
        console.print("The data do not cover the whole window: no observed values.")
    console.print(DATA_CREDIT)


@app.command("fit")
def fit_command(
    data: DataDir,
    train_end: Annotated[str, typer.Option("--train-end", help="Last night fitted (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write the model to.")],
    classes: ClassesFile = None,
    force: ForceFlag = False,
) -> None:
    """Fit the raid-tempo model and write it as JSON (for campaign files and notebooks)."""
    check_output_file(out, kind="umbrella.raid_tempo", inputs=_inputs(data, classes), force=force)
    model = fit_tempo(
        load_nights(data, _class_map(classes)), parse_cli_date(train_end, "--train-end")
    )
    save_tempo(model, out)
    drone = model.neutralisation[DRONE]
    _console().print(lit(
        f"Wrote the raid-tempo model trained to {model.train_end} to {out} "
        f"(drone level {np.exp(model.drones.posterior.value('log_level')):.0f} a night, "
        f"neutralised {drone.mean:.0%})."
    ))  # fmt: skip


@app.command("backtest")
def backtest_command(
    data: DataDir,
    runs: Annotated[int, typer.Option("--runs", help="Runs per forecast (>= 1).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: JsonFlag = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write per-origin rows and scores here.")
    ] = None,
    classes: ClassesFile = None,
    force: ForceFlag = False,
) -> None:
    """Rolling-origin backtest: 3- and 6-month forecasts from every month end the data allow."""
    runs = check_runs(runs, key="--runs", minimum=1, source="command line")
    seed = check_cli_seed(seed)
    _check_window(date(2000, 1, 1), date(2000, 6, 30), runs)
    _check_force(force, out)
    if out is not None:
        check_output_dir(out, inputs=_inputs(data, classes), force=force)
    nights = load_nights(data, _class_map(classes))
    rows = run_backtest(nights, horizons=(3, 6), n_runs=runs, seed=seed)
    if rows.empty:
        raise InputError(
            f"too little data for a backtest: need {MIN_HISTORY_DAYS} nights of history "
            "before the first origin and a whole horizon after it",
            source=data,
        )
    scores = score_backtest(rows)
    if out is not None:
        with atomic_dir(out, force=force, inputs=_inputs(data, classes)) as staging:
            for name, frame in (("backtest_rows", rows), ("backtest_scores", scores)):
                frame.astype({c: str for c in ("origin", "start", "end") if c in frame}).to_csv(
                    staging / f"{name}.csv", index=False
                )
            plot_backtest(rows, runs, seed).savefig(staging / "backtest.png")
    if as_json:
        _emit_json(backtest_document(rows, scores, runs, seed))
        return
    table = Table(title=f"Rolling-origin backtest, {runs} runs per forecast, seed {seed}")
    columns = ("h", "quantity", "origins", "cover90", "below/above", "med.err", "width/p50",
               "CRPS", "vs persist.", "IS90", "vs persist.")  # fmt: skip
    for col in columns:
        table.add_column(col, justify="left" if col == "quantity" else "right", no_wrap=True)
    for r in scores.itertuples(index=False):
        table.add_row(
            f"{r.horizon_months}m",
            str(r.quantity),
            str(r.origins),
            f"{r.coverage_90:.0%}",
            f"{r.below:.0%}/{r.above:.0%}",
            f"{r.median_error:.3f}",
            f"{r.relative_width:.2f}",
            f"{r.crps:.3f}",
            f"{r.crps_persistence:.3f}",
            f"{r.interval_score:.2f}",
            f"{r.interval_score_persistence:.2f}",
        )
    console = _console()
    console.print(table)
    console.print(
        "h: horizon in months; cover90: share of outcomes inside the 90% interval; med.err: "
        "mean |log((p50+1)/(obs+1))| for counts, mean |p50 - obs| for the share; width/p50: "
        "mean (p95 - p05) / p50; CRPS and IS90 (90% interval score): proper scores on "
        "log(1 + count) or share points, lower is better, beside the persistence forecast's. "
        f"Origins: month ends from {rows['origin'].min()} to {rows['origin'].max()}."
    )
