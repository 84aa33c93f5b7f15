"""The nights job: ``umbrella nights`` from Python. Every reported national night of a window
flown through the raid engine on a posture, set beside the reports.

>>> from umbrella.jobs import run_nights
>>> result = run_nights(
...     "national", data="path/to/attacks", start="2025-10-01", end="2025-12-31"
... )  # doctest: +SKIP
>>> result.summary()["summary"]["2025H2"]["mae"]  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from umbrella.calibration.scores import DEFAULT_MIN_DRONES
from umbrella.calibration.state import PostureState, state_date, warn_if_stale
from umbrella.core.errors import InputError
from umbrella.core.executor import Executor, Where, open_executor
from umbrella.core.progress import Progress
from umbrella.jobs.data import as_date, class_map, report_files, reports_provenance
from umbrella.jobs.pipeline import Job, execute

if TYPE_CHECKING:
    from datetime import date

    from umbrella.calibration.result import NightsResult
    from umbrella.scenario.model import Scenario

__all__ = ["run_nights"]


def run_nights(
    posture: Scenario | str | Path,
    *,
    data: str | Path,
    start: date | str,
    end: date | str,
    runs: int = 200,
    seed: int = 0,
    min_drones: int = DEFAULT_MIN_DRONES,
    classes: str | Path | None = None,
    assimilate: bool = False,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> NightsResult:
    """Predict every national night with a launch from ``start`` to ``end`` through the raid
    engine on ``posture``, beside the reports: what ``umbrella nights`` does, from Python.

    Parameters
    ----------
    posture
        A scenario, a scenario file, or the name of a bundled one (``national``); fitted (with a
        ``[calibration]`` posterior: parameter uncertainty and the capability trend carried into
        every run) or flown as written.
    data
        The folder holding ``missile_attacks_daily.csv``.
    start, end
        The first and last night (dates of the morning reports; :class:`~datetime.date` or
        ``YYYY-MM-DD``), both included.
    runs, seed
        Engine runs per night (>= 2) and the seed; a night's prediction depends only on the
        seed and the night, not on the other nights asked for.
    min_drones
        Nights with fewer drones are left out of the scores.
    classes
        A TOML or CSV file changing the model-to-class table.
    assimilate
        Predict every night from the posture updated with every report strictly before it
        (:mod:`umbrella.calibration.assimilate`); without it, the posture as fitted (or as last
        updated) flies every night.
    out
        Write the output folder here (``nights.parquet``, ``baselines.parquet``,
        ``summary.json``, ``meta.json``, ``nights.png`` and ``report.html``), refused before
        any work where it would replace a user's files (unless ``force``).
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, "nights")`` (:mod:`umbrella.core.progress`).
    workers, scheduler
        Fly the nights on this many local worker processes, or on the Dask cluster of this
        scheduler (``tcp://HOST:PORT``): the same numbers as in this process.

    Returns
    -------
    NightsResult
        The predictions, the per-night table, the scores and the simple predictors beside them.

    Raises
    ------
    InputError
        A bad posture, date, window, number of runs or seed, missing or malformed reports, no
        night with a launch in the window, or an output folder that cannot be written; nothing
        is run or written.
    """
    from umbrella.attacks.reader import read_data_dir
    from umbrella.calibration.night import night_table, nights_in
    from umbrella.calibration.predict import predict_nights
    from umbrella.calibration.result import NightsResult
    from umbrella.calibration.scores import score_rows
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed
    from umbrella.scenario.bundled import resolve_scenario, source_files

    runs = check_runs(runs)
    seed = check_seed(seed)
    first, last = as_date(start, "start"), as_date(end, "end")
    if last < first:
        raise InputError(f"end {last} is before start {first}", key="end")
    if isinstance(min_drones, bool) or not isinstance(min_drones, int) or min_drones < 0:
        raise InputError(f"must be a whole number, zero or more (got {min_drones!r})",
                         key="min_drones")  # fmt: skip
    spec, source = resolve_scenario(posture)
    where = Where(workers=workers, scheduler=scheduler)

    def run(report_to: Progress | None) -> NightsResult:
        with open_executor(where) as ex:
            return predict(report_to, ex)

    def predict(report_to: Progress | None, ex: Executor) -> NightsResult:
        reports = night_table(read_data_dir(data), class_map(classes))
        warn_if_stale(spec, reports.index.max().date() if len(reports) else None)
        window = nights_in(reports, first, last)
        if not window:
            raise InputError(f"no national night with a launch from {first} to {last}", source=data)
        groups = None
        if assimilate:
            from umbrella.calibration.assimilate import Assimilation
            from umbrella.calibration.predict import GROUPS, assimilated_groups

            assimilation = Assimilation.prepare(spec, seed, reports, executor=ex)
            groups = assimilated_groups(
                assimilation, reports, window, min(GROUPS, runs), seed, progress=report_to
            )
        pred = predict_nights(spec, window, runs, seed, groups=groups, progress=report_to,
                              executor=ex)  # fmt: skip
        pred = dataclasses.replace(pred, assimilated=assimilate)
        return NightsResult.from_predictions(
            pred, reports, start=first, end=last, min_drones=min_drones,
            state_through=state_date(spec),
        )  # fmt: skip

    def headline(result: NightsResult) -> str:
        scores = score_rows(result.nights.assign(half="all"), min_drones).get("all")
        mae = "" if scores is None else f", MAE {100 * float(scores['mae']):.1f} share points"
        return f"{spec.name}: {len(result.nights)} nights {first} to {last}{mae}"

    if assimilate:
        PostureState.of(spec)  # refused before any work when the posture was never fitted
    parameters = {"start": first.isoformat(), "end": last.isoformat(), "min_drones": min_drones,
                  "assimilate": assimilate}  # fmt: skip
    job = Job(
        kind="nights",
        inputs=[*source_files(source), *report_files(data, classes)],
        where=report_files(data)[1],
        run=run,
        provenance=lambda _: reports_provenance(
            "nights",
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
    )
    return execute(job, out=out, force=force, history=history, progress=progress)
