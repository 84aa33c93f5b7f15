"""The attack-report jobs: ``umbrella data summary``, ``forecast``, ``backtest`` and ``fit`` from
Python, and what every job reading the reports shares (the files it reads, dates given as text,
its provenance).

The reports are read as the job's first step, after its output has been checked: an output that
cannot be written is refused before anything is read, whatever the reports hold.

>>> from umbrella.jobs import run_forecast
>>> result = run_forecast(
...     "path/to/attacks", train_end="2025-06-30", start="2025-07-01", end="2025-12-31"
... )  # doctest: +SKIP
>>> result.summary()["drones_launched_total"]["p50"]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umbrella.core.errors import InputError
from umbrella.core.progress import Progress, report
from umbrella.jobs.pipeline import Job, execute

if TYPE_CHECKING:
    import pandas as pd

    from umbrella.attacks.summary import DataSummaryResult
    from umbrella.scenario.model import Scenario
    from umbrella.tempo.backtest import BacktestResult
    from umbrella.tempo.fitted import TempoFitResult
    from umbrella.tempo.forecast import ForecastResult

__all__ = [
    "MAX_WINDOW_NIGHTS",
    "as_date",
    "check_window",
    "class_map",
    "report_files",
    "reports_provenance",
    "run_backtest",
    "run_data_summary",
    "run_forecast",
    "run_tempo_fit",
]

#: Most nights in a forecast window (ten years).
MAX_WINDOW_NIGHTS = 3660
#: Bytes a forecast holds per run and night (its simulated arrays).
_BYTES_PER_RUN_NIGHT = 8 * 24


def as_date(value: date | str, key: str) -> date:
    """A date given as a :class:`~datetime.date` or as ISO text (``YYYY-MM-DD``).

    Raises
    ------
    InputError
        Neither (naming ``key``).
    """
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", key=key)


def report_files(data: str | Path, classes: str | Path | None = None) -> list[Path]:
    """What a job reading the reports reads: the data folder, its daily file and the class
    table if any (no output may be or hold one of them)."""
    from umbrella.attacks.reader import DAILY_FILE

    read = [Path(data), Path(data) / DAILY_FILE]
    return read if classes is None else [*read, Path(classes)]


def class_map(classes: str | Path | None) -> Mapping[str, str]:
    """The model-to-class table: the default, or the default changed by ``classes`` (a TOML or
    CSV file, :func:`~umbrella.attacks.classes.load_class_map`)."""
    from umbrella.attacks.classes import DEFAULT_CLASS_MAP, load_class_map

    return DEFAULT_CLASS_MAP if classes is None else load_class_map(classes)


def reports_provenance(
    kind: str,
    *,
    data: str | Path,
    classes: str | Path | None,
    seed: int | None,
    runs: int | None,
    parameters: Mapping[str, Any] | None = None,
    posture: Scenario | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The provenance of a job reading the reports (:func:`~umbrella.jobs.provenance.provenance`):
    the reports' daily file and the class table among its inputs, their hash as ``data_hash``;
    with a ``posture`` (read from ``source``) its name, source, hash and catalogue too."""
    from umbrella.attacks.reader import DAILY_FILE
    from umbrella.jobs.provenance import file_hash, provenance, scenario_input

    inputs: dict[str, str | None] = {}
    extra: dict[str, Any] = {}
    catalogue = None
    if posture is not None and source is not None:
        from umbrella.scenario.bundled import IN_MEMORY
        from umbrella.scenario.model import scenario_hash

        label, digest = scenario_input(source)
        inputs[label] = scenario_hash(posture) if source == IN_MEMORY else digest
        extra = {"scenario": posture.name, "scenario_source": source,
                 "scenario_hash": scenario_hash(posture)}  # fmt: skip
        catalogue = posture.resolved_catalogue()
    daily = Path(data) / DAILY_FILE
    inputs[str(daily)] = file_hash(daily)
    if classes is not None:
        inputs[str(classes)] = file_hash(classes)
    return extra | provenance(
        kind, inputs=inputs, seed=seed, runs=runs, catalogue=catalogue, data_dir=data,
        parameters=parameters,
    )  # fmt: skip


def check_window(start: date, end: date, runs: int) -> None:
    """A forecast window the model can draw: in order, at most :data:`MAX_WINDOW_NIGHTS`
    nights, within the memory budget for ``runs`` runs.

    Raises
    ------
    InputError
        Otherwise (naming ``end`` or ``runs``).
    """
    from umbrella.core.limits import MAX_MEMORY_BYTES

    if end < start:
        raise InputError(f"end {end} is before start {start}", key="end")
    nights = (end - start).days + 1
    if nights > MAX_WINDOW_NIGHTS:
        raise InputError(f"a window of {nights:,} nights; at most {MAX_WINDOW_NIGHTS:,}", key="end")
    need = runs * nights * _BYTES_PER_RUN_NIGHT
    if need > MAX_MEMORY_BYTES:
        raise InputError(
            f"{runs:,} runs of {nights:,} nights need {need / 2**30:,.1f} GiB, over the limit "
            f"of {MAX_MEMORY_BYTES / 2**30:,.0f} GiB (use fewer runs)",
            key="runs",
        )


def _nights(data: str | Path, classes: str | Path | None) -> pd.DataFrame:
    from umbrella.attacks.nights import load_nights

    return load_nights(data, class_map(classes))


def _parameters(**values: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def run_data_summary(
    data: str | Path,
    *,
    classes: str | Path | None = None,
    largest: int = 10,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> DataSummaryResult:
    """Summarise the national nights of the reports: what ``umbrella data summary`` does, from
    Python.

    Parameters
    ----------
    data
        The folder holding ``missile_attacks_daily.csv``.
    classes
        A TOML or CSV file changing the model-to-class table.
    largest
        How many of the largest nights to list.
    out
        Write the output folder here (the tables as Parquet, ``summary.json``, ``meta.json``,
        the charts and ``report.html``), refused before any work where it would replace a
        user's files (unless ``force``).
    history
        Record the run in the run history.
    progress
        ``progress(done, total, stage)`` (:mod:`umbrella.core.progress`).

    Raises
    ------
    InputError
        A missing or malformed data folder or class table, or an output folder that cannot be
        written.
    """
    from umbrella.attacks.summary import summarise_nights

    if isinstance(largest, bool) or not isinstance(largest, int) or not 1 <= largest <= 1000:
        raise InputError(f"must be a whole number from 1 to 1,000 (got {largest!r})",
                         key="largest")  # fmt: skip

    def run(report_to: Progress | None) -> DataSummaryResult:
        result = summarise_nights(_nights(data, classes), n_largest=largest)
        report(report_to, 1, 1, "summary")
        return result

    def headline(result: DataSummaryResult) -> str:
        return f"attack reports: {len(result.nights):,} nights, {result.start} to {result.end}"

    parameters = _parameters(largest=largest)
    job = Job(
        kind="data-summary",
        inputs=report_files(data, classes),
        run=run,
        provenance=lambda _: reports_provenance(
            "data-summary",
            data=data,
            classes=classes,
            seed=None,
            runs=None,
            parameters=parameters,
        ),
        headline=headline,
        spec=parameters,
    )
    return execute(job, out=out, force=force, history=history, progress=progress)


def run_forecast(
    data: str | Path,
    *,
    train_end: date | str,
    start: date | str,
    end: date | str,
    runs: int = 2000,
    seed: int = 0,
    classes: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> ForecastResult:
    """Fit the raid-tempo model on the reports up to ``train_end`` and forecast the window
    ``start``-``end`` (both included): what ``umbrella data forecast`` does, from Python.

    Parameters
    ----------
    data
        The folder holding ``missile_attacks_daily.csv``.
    train_end, start, end
        Dates (:class:`~datetime.date` or ``YYYY-MM-DD``); ``start`` after ``train_end``.
    runs, seed
        Simulated runs (>= 1) and the seed; the same seed gives the same forecast.
    classes
        A TOML or CSV file changing the model-to-class table.
    out
        Write the output folder here (``quantities.parquet``, ``runs.parquet``,
        ``summary.json``, ``meta.json``, ``forecast.png`` and ``report.html``).
    history, progress
        As :func:`~umbrella.jobs.run_raid`.

    Raises
    ------
    InputError
        A bad date, window or number of runs, missing or malformed reports, or an output
        folder that cannot be written; nothing is run or written.
    """
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed
    from umbrella.tempo.forecast import make_forecast

    runs = check_runs(runs, minimum=1)
    seed = check_seed(seed)
    fitted_to = as_date(train_end, "train_end")
    first, last = as_date(start, "start"), as_date(end, "end")
    check_window(first, last, runs)
    if first <= fitted_to:
        raise InputError(f"start {first} must be after the training end {fitted_to}", key="start")

    def run(report_to: Progress | None) -> ForecastResult:
        report(report_to, 0, 1, "forecast")
        result = make_forecast(_nights(data, classes), fitted_to, first, last, runs, seed)
        report(report_to, 1, 1, "forecast")
        return result

    def headline(result: ForecastResult) -> str:
        q = result.quantiles["drones_launched_total"]
        return (f"forecast {first} to {last} (fitted to {fitted_to}): drones p50 {q['p50']:,.0f}, "
                f"per-run spread p05-p95 {q['p05']:,.0f} to {q['p95']:,.0f}")  # fmt: skip

    parameters = _parameters(train_end=fitted_to, start=first, end=last)
    job = Job(
        kind="forecast",
        inputs=report_files(data, classes),
        run=run,
        provenance=lambda _: reports_provenance(
            "forecast", data=data, classes=classes, seed=seed, runs=runs, parameters=parameters
        ),
        headline=headline,
        spec=parameters,
    )
    return execute(job, out=out, force=force, history=history, progress=progress)


def run_backtest(
    data: str | Path,
    *,
    runs: int = 1000,
    seed: int = 0,
    horizons: Sequence[int] = (3, 6),
    classes: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> BacktestResult:
    """The rolling-origin backtest of the raid-tempo model (see :mod:`umbrella.tempo.backtest`):
    what ``umbrella data backtest`` does, from Python.

    Parameters
    ----------
    data
        The folder holding ``missile_attacks_daily.csv``.
    runs, seed
        Simulated runs per forecast (>= 1) and the seed.
    horizons
        Forecast horizons in whole months (1 to 24).
    classes
        A TOML or CSV file changing the model-to-class table.
    out
        Write the output folder here (``forecasts.parquet``, ``scores.parquet``,
        ``summary.json``, ``meta.json``, ``backtest.png`` and ``report.html``).
    history, progress
        As :func:`~umbrella.jobs.run_raid`; ``progress`` counts forecasts.

    Raises
    ------
    InputError
        A bad number of runs or horizon, missing or malformed reports or too few of them, or an
        output folder that cannot be written.
    """
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed
    from umbrella.tempo.backtest import backtest_tempo

    runs = check_runs(runs, minimum=1)
    seed = check_seed(seed)
    months = tuple(horizons)
    if not months or any(isinstance(h, bool) or not isinstance(h, int) or not 1 <= h <= 24
                         for h in months):  # fmt: skip
        raise InputError(f"horizons must be whole months from 1 to 24 (got {months!r})",
                         key="horizons")  # fmt: skip
    # The longest window any origin forecasts: its memory is what the runs must fit in.
    first = date(2000, 1, 1)
    check_window(first, first + timedelta(days=31 * max(months) - 1), runs)

    def run(report_to: Progress | None) -> BacktestResult:
        nights = _nights(data, classes)
        try:
            return backtest_tempo(nights, months, runs, seed, progress=report_to)
        except InputError as exc:
            if exc.source is not None:
                raise
            raise InputError(exc.message, source=data, key=exc.key) from None

    def headline(result: BacktestResult) -> str:
        origins = result.origins
        return (f"backtest: {len(origins)} origins {origins[0]} to {origins[-1]}, horizons "
                f"{', '.join(str(h) for h in result.horizons)} months")  # fmt: skip

    parameters = _parameters(horizons=list(months))
    job = Job(
        kind="backtest",
        inputs=report_files(data, classes),
        run=run,
        provenance=lambda _: reports_provenance(
            "backtest", data=data, classes=classes, seed=seed, runs=runs, parameters=parameters
        ),
        headline=headline,
        spec=parameters,
    )
    return execute(job, out=out, force=force, history=history, progress=progress)


def run_tempo_fit(
    data: str | Path,
    *,
    train_end: date | str,
    classes: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> TempoFitResult:
    """Fit the raid-tempo model to the reports up to ``train_end``: what ``umbrella data fit``
    does, from Python.

    Parameters
    ----------
    data
        The folder holding ``missile_attacks_daily.csv``.
    train_end
        The last night fitted (:class:`~datetime.date` or ``YYYY-MM-DD``).
    classes
        A TOML or CSV file changing the model-to-class table.
    out
        Write the model's JSON file here (``{"kind": "umbrella.raid_tempo", ...}``; an existing
        file is replaced only if umbrella wrote it and it is unchanged since, ``force`` or not),
        for campaign files and :func:`~umbrella.tempo.model.load_tempo`.
    history, progress
        As :func:`~umbrella.jobs.run_raid`.

    Raises
    ------
    InputError
        A bad date, missing or malformed reports, too few nights, or an output file that
        cannot be written.
    """
    from functools import partial

    from umbrella.core.files import check_output_file
    from umbrella.tempo.fitted import TempoFitResult
    from umbrella.tempo.model import MODEL_KIND, fit_tempo

    fitted_to = as_date(train_end, "train_end")

    def run(report_to: Progress | None) -> TempoFitResult:
        report(report_to, 0, 1, "fit")
        result = TempoFitResult(model=fit_tempo(_nights(data, classes), fitted_to))
        report(report_to, 1, 1, "fit")
        return result

    def headline(result: TempoFitResult) -> str:
        s = result.summary()
        return (f"raid-tempo model fitted to {s['train_end']}: {s['drones_per_night']:,.0f} "
                f"drones a night, {s['drones_neutralised_share']:.0%} neutralised")  # fmt: skip

    parameters = _parameters(train_end=fitted_to)
    job = Job(
        kind="tempo-fit",
        inputs=report_files(data, classes),
        run=run,
        provenance=lambda _: reports_provenance(
            "tempo-fit", data=data, classes=classes, seed=None, runs=None, parameters=parameters
        ),
        headline=headline,
        spec=parameters,
        check_out=partial(check_output_file, kind=MODEL_KIND),
    )
    return execute(job, out=out, force=force, history=history, progress=progress)


def last_report(data: str | Path | None) -> date | None:
    """The last night of the national reports in the folder ``data`` (None without one)."""
    if data is None:
        return None
    import pandas as pd

    from umbrella.attacks.nights import load_nights

    nights = load_nights(data)
    return None if nights.empty else pd.Timestamp(nights.index.max()).date()
