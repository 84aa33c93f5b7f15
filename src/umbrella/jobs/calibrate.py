"""The calibration job: ``umbrella calibrate`` from Python. A posture's uncertain parameters
fitted to the nightly reports up to a date, checked in sample, written as a scenario file.

>>> from umbrella.jobs import run_calibration
>>> result = run_calibration(
...     "national-base", data="path/to/attacks", train_end="2025-06-30", out="fitted.toml"
... )  # doctest: +SKIP
>>> result.summary()["fit"]["mae"]  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from umbrella.core.errors import InputError
from umbrella.core.executor import Where, open_executor
from umbrella.core.progress import Progress
from umbrella.jobs.data import as_date, class_map, report_files, reports_provenance
from umbrella.jobs.pipeline import Job, execute

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from umbrella.calibration.emulator import DroneGrid
    from umbrella.calibration.result import CalibrationResult
    from umbrella.scenario.model import Scenario

__all__ = [
    "GRIDS",
    "MAX_WINDOW_DAYS",
    "MIN_WINDOW_DAYS",
    "run_calibration",
    "update_posture",
]

#: The emulator grids by name: ``standard``, and ``coarse`` for a quick look.
GRIDS = ("standard", "coarse")
#: The window of nights fitted: at least a month, at most ten years.
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 30, 3660


def _grid(grid: str | DroneGrid) -> DroneGrid:
    from umbrella.calibration.emulator import DroneGrid

    if isinstance(grid, DroneGrid):
        return grid
    if grid == "standard":
        return DroneGrid()
    if grid == "coarse":
        return DroneGrid.coarse()
    raise InputError(f"unknown grid {grid!r}; choose {' or '.join(GRIDS)}", key="grid")


def run_calibration(
    posture: Scenario | str | Path = "national-base",
    *,
    data: str | Path,
    train_end: date | str,
    runs: int = 100,
    seed: int = 0,
    window_days: int = 365,
    grid: str | DroneGrid = "standard",
    classes: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> CalibrationResult:
    """Fit a posture to the nightly reports up to ``train_end`` and check the fit in sample:
    what ``umbrella calibrate`` does, from Python (see :mod:`umbrella.calibration.fit`).

    Parameters
    ----------
    posture
        The posture's structure: a scenario, a scenario file or a bundled name (default
        ``national-base``).
    data
        The folder holding ``missile_attacks_daily.csv``.
    train_end
        The last night fitted (:class:`~datetime.date` or ``YYYY-MM-DD``); nothing later is read.
    runs, seed
        Engine runs per night of the in-sample check (>= 2) and the seed of the fit and of the
        check.
    window_days
        Nights of reports fitted, ending at ``train_end`` (30 to 3,660).
    grid
        The emulator's grid: ``standard``, ``coarse`` (a quick look) or a
        :class:`~umbrella.calibration.emulator.DroneGrid`.
    classes
        A TOML or CSV file changing the model-to-class table.
    out
        Write the fitted posture's *file* here (TOML, valid wherever a scenario file is). It may
        not be an input; an existing file is replaced only if it is a posture umbrella fitted,
        unchanged since (its seal matches), ``force`` or not; refused before any work.
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, stage)`` (:mod:`umbrella.core.progress`) through the stages
        ``emulator grid``, ``missile emulator``, ``fit`` and ``in-sample check``.
    workers, scheduler
        Fly the engine's runs on this many local worker processes, or on the Dask cluster of
        this scheduler (``tcp://HOST:PORT``): the same fit as in this process.

    Returns
    -------
    CalibrationResult
        The fitted scenario (with its ``[calibration]`` record), the posteriors and emulators.

    Raises
    ------
    InputError
        A bad posture, date, window, grid, number of runs or seed, missing or malformed reports,
        too few nights to fit, or an output file that cannot be written; nothing is run or
        written.
    """
    from umbrella.attacks.reader import read_data_dir
    from umbrella.calibration.check import check_fit
    from umbrella.calibration.fit import CalibrationSettings, calibrate
    from umbrella.calibration.night import night_table
    from umbrella.calibration.result import CalibrationResult
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed
    from umbrella.scenario.bundled import resolve_scenario

    runs = check_runs(runs)
    seed = check_seed(seed)
    fitted_to = as_date(train_end, "train_end")
    if (
        isinstance(window_days, bool)
        or not isinstance(window_days, int)
        or not MIN_WINDOW_DAYS <= window_days <= MAX_WINDOW_DAYS
    ):
        raise InputError(
            f"the window must hold {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS:,} nights "
            f"(got {window_days!r})",
            key="window_days",
        )
    settings = CalibrationSettings(window_days=window_days, grid=_grid(grid))
    where = Where(workers=workers, scheduler=scheduler)
    spec, source = resolve_scenario(posture)

    def run(report_to: Progress | None) -> CalibrationResult:
        reports = night_table(read_data_dir(data), class_map(classes))
        with open_executor(where) as ex:
            cal = calibrate(spec, reports, fitted_to, seed=seed, settings=settings,
                            progress=report_to, executor=ex)  # fmt: skip
            fitted = check_fit(cal, reports, runs, seed, progress=report_to, executor=ex)
        return CalibrationResult(scenario=fitted, calibration=cal, source=source, runs=runs,
                                 window_days=window_days)  # fmt: skip

    def headline(result: CalibrationResult) -> str:
        rec = result.record
        mae = rec.fit.get("mae")
        score = "" if mae is None else f", in-sample MAE {100 * mae:.1f} share points"
        return (f"{spec.name} fitted to {rec.nights} nights, {rec.train_start} to "
                f"{rec.train_end}{score}")  # fmt: skip

    parameters = {"train_end": fitted_to.isoformat(), "window_days": window_days,
                  "grid": grid if isinstance(grid, str) else "custom"}  # fmt: skip
    job = _posture_job(spec, source, data, classes, seed, runs, parameters, run, headline)
    return execute(job, out=out, force=force, history=history, progress=progress)


def update_posture(
    posture: Scenario | str | Path,
    *,
    data: str | Path,
    through: date | str | None = None,
    seed: int = 0,
    classes: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> CalibrationResult:
    """Bring a fitted posture up to date with the reports since its fit: what ``umbrella
    calibrate --update`` does, from Python (see :mod:`umbrella.calibration.update`).

    Every reported night after the posture's last night seen, up to ``through`` (default: the
    last night of the reports), is assimilated in order (:mod:`umbrella.calibration.assimilate`);
    nothing is refitted.

    Parameters
    ----------
    posture
        A fitted posture: a scenario, a file or a bundled name (``national``).
    data
        The folder holding ``missile_attacks_daily.csv``.
    through
        The last night assimilated (:class:`~datetime.date` or ``YYYY-MM-DD``).
    seed
        The seed of the assimilation (its emulators and its particles).
    classes
        A TOML or CSV file changing the model-to-class table.
    out
        Write the updated posture's file here (TOML), refused before any work as for
        :func:`run_calibration`.
    history, progress, workers, scheduler
        As :func:`run_calibration` (progress stage ``assimilation``).

    Raises
    ------
    InputError
        A posture never fitted, a bad date or seed, ``through`` before the posture's last night
        seen, missing or malformed reports, or an output file that cannot be written.
    """
    import dataclasses

    from umbrella.attacks.reader import read_data_dir
    from umbrella.calibration.assimilate import Assimilation
    from umbrella.calibration.night import night_table, nights_in
    from umbrella.calibration.result import CalibrationResult
    from umbrella.calibration.state import PostureState
    from umbrella.calibration.update import updated_posture
    from umbrella.core.seeds import check_seed
    from umbrella.scenario.bundled import resolve_scenario

    seed = check_seed(seed)
    where = Where(workers=workers, scheduler=scheduler)
    last = None if through is None else as_date(through, "through")
    spec, source = resolve_scenario(posture)
    start = PostureState.of(spec)  # refused here when the posture was never fitted
    if last is not None and last < start.as_of:
        raise InputError(
            f"{last} is before the night the posture was last brought to ({start.as_of})",
            key="through",
        )
    rec = spec.calibration
    assert rec is not None

    def run(report_to: Progress | None) -> CalibrationResult:
        reports = night_table(read_data_dir(data), class_map(classes))
        end = last or reports.index.max().date()
        with open_executor(where) as ex:
            assimilation = Assimilation.prepare(spec, seed, reports, executor=ex)
        state = assimilation.through(reports, end, progress=report_to)
        state = dataclasses.replace(state, as_of=max(state.as_of, end))
        seen = [n for n in nights_in(reports, start.as_of, end) if n.night > start.as_of]
        posture = updated_posture(spec, state, seed, assimilation.offsets)
        return CalibrationResult(
            scenario=posture, calibration=None, source=source, runs=0, window_days=0,
            nights_assimilated=len(seen),
        )  # fmt: skip

    def headline(result: CalibrationResult) -> str:
        return (f"{spec.name} updated through {result.record.updated_through} "
                f"({result.nights_assimilated} nights assimilated)")  # fmt: skip

    parameters = {"update": True, "through": None if last is None else last.isoformat()}
    job = _posture_job(spec, source, data, classes, seed, None, parameters, run, headline)
    return execute(job, out=out, force=force, history=history, progress=progress)


def _posture_job(
    spec: Scenario,
    source: str,
    data: str | Path,
    classes: str | Path | None,
    seed: int,
    runs: int | None,
    parameters: dict[str, Any],
    run: Callable[[Progress | None], CalibrationResult],
    headline: Callable[[CalibrationResult], str],
) -> Job[CalibrationResult]:
    """The job of a command that reads the reports and writes a fitted posture's file (a fit
    or an update): what it reads, its provenance and history entry, the file's check."""
    from umbrella.calibration.files import check_posture_file
    from umbrella.scenario.bundled import source_files

    return Job(
        kind="calibration",
        inputs=[*source_files(source), *report_files(data, classes)],
        where=report_files(data)[1],
        run=run,
        provenance=lambda _: reports_provenance(
            "calibration",
            data=data,
            classes=classes,
            seed=seed,
            runs=runs,
            parameters=parameters,
            posture=spec,
            source=source,
        ),
        headline=headline,
        spec={"posture": spec.model_dump(mode="json"), **parameters},
        check_out=check_posture_file,
    )
