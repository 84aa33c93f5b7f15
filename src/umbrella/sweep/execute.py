"""A sweep's tasks: each a batch of replications of one point, on any executor.

The work is cut into tasks of whole batches of replications (``batch_runs`` each), so task
overhead stays small next to the work; a worker compiles a point's raid once
(:func:`umbrella.core.executor.worker_cache`) for all the batches of it that it runs.
Replication ``r`` of a point draws only from ``(seed, r)``, so the batches are put back
together in replication order and the numbers are the same whatever the executor
(:mod:`umbrella.core.executor`: this process, local worker processes or a Dask cluster), the
number of workers or the batch size.

A point that fails (its overrides are refused, or one of its batches is lost on the cluster) is
recorded with its error, and the rest of the sweep goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from umbrella.core.errors import InputError
from umbrella.core.executor import (
    Where,
    forget,
    job_token,
    one_line,
    open_executor,
    worker_cache,
)
from umbrella.core.progress import Progress
from umbrella.scenario.overrides import Override

if TYPE_CHECKING:
    from distributed import Client

    from umbrella.sweep.models import SweepModel

__all__ = [
    "DEFAULT_BATCH_RUNS",
    "Failure",
    "Task",
    "execute",
    "plan_tasks",
]

F64 = npt.NDArray[np.float64]
#: Replications per task by default: a few tenths of a second of the reference raid.
DEFAULT_BATCH_RUNS = 2000
#: The stage a sweep's progress counts: replications over every point.
STAGE = "runs"


@dataclass(frozen=True)
class Task:
    """Replications ``rep0 .. rep0 + n - 1`` of one point."""

    point: int
    rep0: int
    n: int


@dataclass(frozen=True)
class Failure:
    """Why a point (or one of its batches) failed, in one line."""

    message: str


def plan_tasks(n_points: int, runs: int, splittable: bool, batch_runs: int) -> list[Task]:
    """Every task of a sweep, point by point, batches in replication order."""
    if batch_runs < 1:
        raise InputError("batch_runs must be at least 1", key="batch_runs")
    step = batch_runs if splittable else runs
    return [
        Task(p, r0, min(step, runs - r0)) for p in range(n_points) for r0 in range(0, runs, step)
    ]


@dataclass(frozen=True)
class SweepJob:
    """What every task of one sweep shares: sent once to each worker."""

    token: str
    model: SweepModel
    points: tuple[tuple[Override, ...], ...]
    seed: int
    outputs: tuple[str, ...]


def build_point(model: SweepModel, overrides: Sequence[Override]) -> Any:
    """A point's overrides applied and compiled, or a :class:`Failure`."""
    try:
        return model.build(overrides)
    except Exception as exc:  # a point that fails is reported, not lost
        return Failure(one_line(exc))


def _lost(i: int, exc: BaseException) -> Failure:
    """A batch lost on the cluster (its worker died too often, say): its point fails."""
    return Failure(f"the task failed on the cluster: {one_line(exc)}")


def sweep_batch(job: SweepJob, task: Task) -> F64 | Failure:
    """Task: (n, O) outputs of a batch of replications, or a :class:`Failure`."""
    built = worker_cache(
        (job.token, task.point), lambda: build_point(job.model, job.points[task.point])
    )
    if isinstance(built, Failure):
        return built
    try:
        return job.model.run(built, job.seed, task.rep0, task.n, job.outputs)
    except Exception as exc:
        return Failure(one_line(exc))


def execute(
    model: SweepModel,
    points: Sequence[Sequence[Override]],
    runs: int,
    seed: int,
    outputs: Sequence[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    batch_runs: int = DEFAULT_BATCH_RUNS,
    progress: Progress | None = None,
) -> tuple[F64, dict[int, str]]:
    """Run every point of a sweep.

    Parameters
    ----------
    model
        What is varied (:class:`~umbrella.sweep.models.RaidModel` or ``CampaignModel``).
    points
        One list of overrides per point.
    runs, seed
        Replications per point and the seed every point uses (common random numbers).
    outputs
        Output names (:mod:`umbrella.sweep.metrics`).
    workers
        Local worker processes (default: none, every task in this process).
    scheduler
        Address of a running Dask scheduler (``tcp://HOST:PORT``), instead of local workers.
    client
        A connected :class:`distributed.Client` to use (neither ``workers`` nor ``scheduler``).
    batch_runs
        Replications per task (the numbers do not depend on it).
    progress
        ``progress(done, total, "runs")`` after each batch: replications done of every point's
        (``total`` is ``len(points) * runs``; :mod:`umbrella.core.progress`).

    Returns
    -------
    values, errors
        (P, R, O) outputs per point, replication and output (NaN for a failed point), and the
        one-line error of each failed point.
    """
    given = sum(x is not None for x in (workers, scheduler, client))
    if given > 1:
        raise InputError("give one of workers, scheduler or client", key="--workers")
    where = Where(workers=workers, scheduler=scheduler)
    tasks = plan_tasks(len(points), runs, model.splittable, batch_runs)
    job = SweepJob(job_token(), model, tuple(tuple(p) for p in points), seed, tuple(outputs))
    try:
        with open_executor(where, client=client) as ex:
            results = ex.map(sweep_batch, job, tasks, weights=[t.n for t in tasks],
                             progress=progress, stage=STAGE, failed=_lost)  # fmt: skip
    finally:
        forget(job.token)
    values = np.full((len(points), runs, len(outputs)), np.nan)
    errors: dict[int, str] = {}
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, Failure):
            errors.setdefault(task.point, result.message)
        else:
            values[task.point, task.rep0 : task.rep0 + task.n] = result
    for p in errors:
        values[p] = np.nan  # never half a point
    return values, dict(sorted(errors.items()))
