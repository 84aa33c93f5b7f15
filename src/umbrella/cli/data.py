"""``umbrella data``: the public attack reports (summary, forecast, backtest, fit, class table)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from umbrella.cli.nights import ClassesOption
from umbrella.cli.options import (
    ForceFlag,
    check_cli_seed,
    check_force,
    command_line_error,
    parse_cli_date,
)
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import console, emit_json, say, wrote
from umbrella.core.metrics import SPREAD_LABEL

if TYPE_CHECKING:
    from rich.console import Console

    from umbrella.attacks.summary import DataSummaryResult
    from umbrella.tempo.backtest import BacktestResult
    from umbrella.tempo.forecast import ForecastResult

app = typer.Typer(
    help="Public attack reports: summary, forecast, backtest, fit.", no_args_is_help=True
)

DataDir = Annotated[
    Path,
    typer.Option(
        "--data", help="Directory holding missile_attacks_daily.csv (the dataset's format)."
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout only.")]
OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="Write the output folder (tables, charts, report.html) here."),
]
SHORT_NAMES = {
    "one_way_attack_drone": "drones",
    "cruise_missile": "cruise",
    "ballistic_missile": "ballistic",
    "aeroballistic_missile": "aeroball.",
    "guided_air_to_surface_missile": "guided",
}


def _console() -> Console:
    """The console the tables go to (stdout)."""
    return console()


def _check_window(start: date, end: date, runs: int) -> None:
    """A forecast window the model can draw, as :func:`umbrella.jobs.data.check_window` checks
    it, with the command line's options named."""
    from umbrella.core.errors import InputError
    from umbrella.jobs.data import check_window

    if end < start:
        raise command_line_error(f"--end {end} is before --start {start}", "--end")
    try:
        check_window(start, end, runs)
    except InputError as exc:
        raise command_line_error(exc.message, f"--{exc.key}") from None


def _fmt(value: float | None, quantity: str = "") -> str:
    import math

    if value is None or not math.isfinite(value):
        return "–"
    if "share" in quantity:
        return f"{value:.1%}"
    return f"{value:,.0f}"


@app.command("classes")
def classes_command(classes: ClassesOption = None) -> None:
    """Show the model-name → weapon-class table (after any --classes override)."""
    from umbrella.core.vocabulary import REPORT_CLASSES
    from umbrella.jobs.data import class_map

    table = Table("Weapon model → class (models not listed are 'other')")
    table.add_column("model")
    table.add_column("class")
    mapping = class_map(classes)
    for cls in REPORT_CLASSES:
        for model, c in mapping.items():
            if c == cls:
                table.add_row(model, cls)
    show(table, _console())


@app.command("summary")
def summary_command(
    data: DataDir,
    out: OutDir = None,
    months: Annotated[int, typer.Option("--months", help="Months shown in the table.")] = 18,
    as_json: JsonFlag = False,
    classes: ClassesOption = None,
    force: ForceFlag = False,
) -> None:
    """Per month and class: launched, neutralised and share; heavy and largest nights."""
    from umbrella.jobs import run_data_summary

    if not 1 <= months <= 10_000:
        raise command_line_error(f"must be from 1 to 10,000 (got {months})", "--months")
    check_force(force, out)
    with progress_shown("data summary", quiet=as_json) as progress:
        result = run_data_summary(data, classes=classes, out=out, force=force, progress=progress)
    if as_json:
        emit_json(result.summary())
        return
    _print_summary(result, months)
    if out is not None:
        wrote(out)


def _print_summary(result: DataSummaryResult, months: int) -> None:
    import math

    from umbrella.attacks.nights import BREAK_DATE, NATIONAL_ACCOUNTS
    from umbrella.core.vocabulary import DATA_CREDIT, DRONE, REPORT_MISSILE_CLASSES

    out = _console()
    by_class = {
        (str(m), str(c)): (int(n), float(sh))
        for m, c, n, sh in result.by_class[
            ["month", "report_class", "launched", "neutralised_share"]
        ].itertuples(index=False)
    }
    table = Table(
        f"National reports by month (night = date of the morning report; "
        f"neutralised = shot down + lost, comparable across the {BREAK_DATE} break)"
    )
    table.notes.append(
        "each class: launched / neutralised share (aeroball.: aeroballistic; guided: guided "
        "air-to-surface); nights: with 300+ / 500+ drones"
    )
    table.add_column("month")
    for cls in (DRONE, *REPORT_MISSILE_CLASSES):
        table.add_column(SHORT_NAMES[cls], right=True)
    table.add_column("nights", right=True)
    for rec in result.by_month.tail(months).itertuples(index=False):
        cells = [str(rec.month)]
        for cls in (DRONE, *REPORT_MISSILE_CLASSES):
            launched, share = by_class[(str(rec.month), cls)]
            pct = "–" if not math.isfinite(share) else f"{share:.0%}"
            cells.append(f"{launched:,} / {pct}")
        cells.append(f"{rec.nights_300_plus} / {rec.nights_500_plus}")
        table.add_row(*cells)
    show(table, out)
    largest = Table("Largest nights (one-way attack drones, decoys included)")
    for col in ("night", "drones", "missiles", "drones neutralised"):
        largest.add_column(col, right=True)
    for night, drones, missiles, top_share in result.largest.itertuples(index=False):
        value = float(top_share)
        pct = f"{value:.0%}" if math.isfinite(value) else "–"
        largest.add_row(str(night), f"{int(drones):,}", f"{int(missiles):,}", pct)
    show(largest, out)
    say(out, f"National accounts: {', '.join(NATIONAL_ACCOUNTS)}. {DATA_CREDIT}")


@app.command("forecast")
def forecast_command(
    data: DataDir,
    train_end: Annotated[str, typer.Option("--train-end", help="Last night fitted (YYYY-MM-DD).")],
    start: Annotated[str, typer.Option("--start", help="First night forecast (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last night forecast, included.")],
    runs: Annotated[int, typer.Option("--runs", help="Simulated runs (>= 1).")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: JsonFlag = False,
    out: OutDir = None,
    classes: ClassesOption = None,
    force: ForceFlag = False,
) -> None:
    """Fit the raid-tempo model on reports up to --train-end and forecast a window."""
    from umbrella.core.limits import check_runs
    from umbrella.jobs import run_forecast

    runs = check_runs(runs, key="--runs", minimum=1, source="command line")
    seed = check_cli_seed(seed)
    t_end = parse_cli_date(train_end, "--train-end")
    w_start, w_end = parse_cli_date(start, "--start"), parse_cli_date(end, "--end")
    _check_window(w_start, w_end, runs)
    if w_start <= t_end:
        raise command_line_error(
            f"--start {w_start} must be after the training end --train-end {t_end}", "--start"
        )
    check_force(force, out)
    with progress_shown("data forecast", quiet=as_json) as progress:
        result = run_forecast(
            data, train_end=t_end, start=w_start, end=w_end, runs=runs, seed=seed,
            classes=classes, out=out, force=force, progress=progress,
        )  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print_forecast(result)
    if out is not None:
        wrote(out)


def _print_forecast(result: ForecastResult) -> None:
    from umbrella.core.vocabulary import DATA_CREDIT
    from umbrella.tempo.forecast import QUANTITIES

    table = Table(f"Forecast {result.start} to {result.end} ({result.n_nights} nights), trained "
                  f"to {result.train_end}, {result.runs} runs, seed {result.seed}")  # fmt: skip
    for col in ("quantity", "mean", "p05 (per run)", "median", "p95 (per run)", "observed"):
        table.add_column(col, right=col != "quantity")
    estimates = result.estimates()
    for q in QUANTITIES:
        e = estimates[q]
        obs = "–" if result.observed is None else _fmt(result.observed[q], q)
        cells = ["–"] * 4 if e is None else [_fmt(e[k], q) for k in ("mean", "p05", "p50", "p95")]
        table.add_row(q, *cells, obs)
    table.notes.append(f"p05-p95: the {SPREAD_LABEL} (the forecast's 90% predictive interval).")
    if result.observed is None:
        table.notes.append("The data do not cover the whole window: no observed values.")
    table.notes.append(DATA_CREDIT)
    show(table, _console())


@app.command("fit")
def fit_command(
    data: DataDir,
    train_end: Annotated[str, typer.Option("--train-end", help="Last night fitted (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write the model to.")],
    as_json: JsonFlag = False,
    classes: ClassesOption = None,
    force: ForceFlag = False,
) -> None:
    """Fit the raid-tempo model and write it as JSON (for campaign files and notebooks)."""
    from umbrella.jobs import run_tempo_fit

    fitted_to = parse_cli_date(train_end, "--train-end")
    with progress_shown("data fit", quiet=as_json) as progress:
        result = run_tempo_fit(data, train_end=fitted_to, classes=classes, out=out, force=force,
                               progress=progress)  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    s = result.summary()
    say(
        _console(),
        f"Wrote the raid-tempo model trained to {s['train_end']} to ", out,
        f" (drone level {s['drones_per_night']:.0f} a night, neutralised "
        f"{s['drones_neutralised_share']:.0%}).",
    )  # fmt: skip


@app.command("backtest")
def backtest_command(
    data: DataDir,
    runs: Annotated[int, typer.Option("--runs", help="Runs per forecast (>= 1).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: JsonFlag = False,
    out: OutDir = None,
    classes: ClassesOption = None,
    force: ForceFlag = False,
) -> None:
    """Rolling-origin backtest: 3- and 6-month forecasts from every month end the data allow."""
    from umbrella.core.limits import check_runs
    from umbrella.jobs import run_backtest

    runs = check_runs(runs, key="--runs", minimum=1, source="command line")
    seed = check_cli_seed(seed)
    _check_window(date(2000, 1, 1), date(2000, 6, 30), runs)
    check_force(force, out)
    with progress_shown("data backtest", quiet=as_json) as progress:
        result = run_backtest(data, runs=runs, seed=seed, horizons=(3, 6), classes=classes,
                              out=out, force=force, progress=progress)  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print_backtest(result)
    if out is not None:
        wrote(out)


def _print_backtest(result: BacktestResult) -> None:
    table = Table(f"Rolling-origin backtest, {result.runs} runs per forecast, seed {result.seed}")
    columns = ("h", "quantity", "origins", "cover90", "below/above", "med.err", "width/p50",
               "CRPS", "CRPS persist.", "IS90", "IS90 persist.")  # fmt: skip
    for col in columns:
        table.add_column(col, right=col != "quantity")
    for s in result.summary()["scores"]:
        table.add_row(
            f"{s['horizon_months']}m", s["quantity"], str(s["origins"]),
            _fmt(s["coverage90"], "share"), f"{_fmt(s['below'], 'share')}/"
            f"{_fmt(s['above'], 'share')}", _num(s["median_error"], 3),
            _num(s["relative_width"], 2), _num(s["crps"], 3), _num(s["crps_persistence"], 3),
            _num(s["interval_score"], 2), _num(s["interval_score_persistence"], 2),
        )  # fmt: skip
    origins = result.origins
    table.notes.append(
        "h: horizon in months; cover90: share of outcomes inside the 90% interval (the "
        f"forecast's {SPREAD_LABEL}); below/above: shares below p05 and above p95; med.err: "
        "mean |log((p50+1)/(obs+1))| for counts, mean |p50 - obs| for the share; width/p50: "
        "mean (p95 - p05) / p50; CRPS and IS90 (90% interval score): proper scores on "
        "log(1 + count) or share points, lower is better, beside the persistence forecast's "
        f"(persist.). Origins: month ends from {origins[0]} to {origins[-1]}."
    )
    show(table, _console())


def _num(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"
