"""Where a job's runs go: this process, local worker processes, or a Dask cluster.

Every heavy job (sweep, optimise, calibrate's emulator grid, nights, campaign and campaign
compare) cuts its work into tasks of whole blocks (a block of replications, a few grid points,
a few nights) and hands them to an :class:`Executor`:

- :class:`InProcess` runs them one after the other here (the compiled engine uses this
  process's threads);
- :class:`OnDask` sends them to the workers of a Dask cluster: local worker processes
  (``workers=N``: a :class:`distributed.LocalCluster` on this machine) or a running cluster
  (``scheduler="tcp://HOST:PORT"``: ``dask scheduler`` and ``dask worker`` processes anywhere).

Only what a task needs travels: one ``shared`` object per job (specs, a fitted model, seeds:
sent once to every worker) and each task's small item (a block range, a grid index). A worker
builds what is slow to build (a compiled raid, a prepared campaign) once per job and keeps it
in :func:`worker_cache`.

The results come back in task order, whatever order the workers finish in, and each task
draws its random numbers from counter streams of ``(seed, replication)`` (or ``(seed, night)``),
so a job gives the same numbers in process, on any number of workers, or on a cluster. A task
whose worker dies is run again on another worker by the scheduler (and a task that raises is
retried once); being a pure function of its inputs, it returns the same numbers.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from umbrella.core.errors import InputError
from umbrella.core.limits import check_workers
from umbrella.core.progress import Progress, report

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "Executor",
    "InProcess",
    "OnDask",
    "TaskFailed",
    "Where",
    "available_cores",
    "forget",
    "open_executor",
    "worker_cache",
]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

#: Times a task that raised is run again on the cluster (a worker that dies is handled by the
#: scheduler, which reruns its tasks elsewhere).
RETRIES = 1
#: Jobs whose built objects a worker keeps (least recently used dropped first).
CACHE_SIZE = 8

# One engine call at a time per worker process: a Dask worker may run several tasks in
# threads, and the compiled engine already uses the threads it is given.
_ENGINE_LOCK = threading.Lock()
_CACHE: OrderedDict[Hashable, Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()


class TaskFailed(RuntimeError):
    """A task failed on the cluster after its retries (one line: which task, why)."""


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def one_line(exc: BaseException) -> str:
    """An exception as one line of text."""
    if isinstance(exc, InputError):
        return exc.one_line()
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def worker_cache(key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, kept in this process for later tasks of the same job (``key`` names the
    job and the thing built: include a job token, see :func:`job_token`)."""
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]  # type: ignore[no-any-return]
    value = build()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def forget(token: str) -> None:
    """Drop what this process keeps for the job ``token`` (its objects are no longer needed
    once its tasks are done)."""
    with _CACHE_LOCK:
        for key in [k for k in _CACHE if isinstance(k, tuple) and k and k[0] == token]:
            del _CACHE[key]


def job_token() -> str:
    """A fresh name for one job's tasks and cached objects."""
    return uuid.uuid4().hex[:16]


class Executor(Protocol):
    """Runs ``fn(shared, item)`` for every item and returns the results in item order."""

    @property
    def workers(self) -> int:
        """Worker processes (0: this process)."""
        ...

    def describe(self) -> str:
        """Where the tasks run, in words."""
        ...

    def map(
        self,
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        *,
        weights: Sequence[int] | None = None,
        progress: Progress | None = None,
        stage: str = "",
        done0: int = 0,
        total: int | None = None,
        on_result: Callable[[int, R], None] | None = None,
        failed: Callable[[int, BaseException], R] | None = None,
    ) -> list[R]:
        """``[fn(shared, item) for item in items]``, the items spread over the workers.

        ``progress(done0 + weight done, total, stage)`` after each task (``weights`` default to
        one per item, ``total`` to ``done0`` plus their sum), and ``on_result(i, result)`` as
        each result comes back (before its progress), in this process: to keep finished work.
        A task that fails on a cluster after its retries raises :class:`TaskFailed`, or gives
        ``failed(i, exception)`` as its result when ``failed`` is given.
        """
        ...


def _progress_plan(
    items: Sequence[Any], weights: Sequence[int] | None, done0: int, total: int | None
) -> tuple[list[int], int]:
    w = [1] * len(items) if weights is None else [int(x) for x in weights]
    if len(w) != len(items):
        raise ValueError("one weight per item is needed")
    return w, (done0 + sum(w) if total is None else total)


class InProcess:
    """Every task here, one after the other."""

    workers = 0

    def describe(self) -> str:
        return "in this process"

    def map(
        self,
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        *,
        weights: Sequence[int] | None = None,
        progress: Progress | None = None,
        stage: str = "",
        done0: int = 0,
        total: int | None = None,
        on_result: Callable[[int, R], None] | None = None,
        failed: Callable[[int, BaseException], R] | None = None,
    ) -> list[R]:
        w, tot = _progress_plan(items, weights, done0, total)
        out = []
        done = done0
        for i, (item, k) in enumerate(zip(items, w, strict=True)):
            out.append(fn(shared, item))
            if on_result is not None:
                on_result(i, out[-1])
            done += k
            report(progress, done, tot, stage)
        return out


def _worker_threads() -> int | None:
    """The threads of the Dask worker running this task (its share of the cores), if any."""
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return None


def _on_worker(fn: Callable[[S, T], R], shared: S, item: T) -> R:
    """A task on a Dask worker: the engine uses as many threads as the worker has (its share of
    the machine, and never more than ``NUMBA_NUM_THREADS``), one engine call at a time."""
    with _ENGINE_LOCK:
        threads = _worker_threads()
        if threads is not None:
            import numba

            limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
            numba.set_num_threads(max(1, min(threads, limit)))
        return fn(shared, item)


@dataclass
class OnDask:
    """Tasks on the workers of a connected :class:`distributed.Client`."""

    client: Client
    where: str

    @property
    def workers(self) -> int:
        info = self.client.scheduler_info()
        return max(1, len(info.get("workers", {})))

    def describe(self) -> str:
        return self.where

    def map(
        self,
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        *,
        weights: Sequence[int] | None = None,
        progress: Progress | None = None,
        stage: str = "",
        done0: int = 0,
        total: int | None = None,
        on_result: Callable[[int, R], None] | None = None,
        failed: Callable[[int, BaseException], R] | None = None,
    ) -> list[R]:
        from distributed import as_completed

        w, tot = _progress_plan(items, weights, done0, total)
        if not items:
            return []
        token = job_token()
        # Dask names a task by the words of its key before the token: umbrella-sweep-batch.
        name = getattr(fn, "__name__", "task").strip("_").replace("_", "-")
        [shared_f] = self.client.scatter([shared], broadcast=True, hash=False)  # type: ignore[no-untyped-call]
        futures: dict[Any, int] = {}
        for i, item in enumerate(items):
            key = f"umbrella-{name}-{token}-{i}"
            f = self.client.submit(_on_worker, fn, shared_f, item, key=key, retries=RETRIES,
                                   pure=False)  # fmt: skip
            futures[f] = i
        out: list[Any] = [None] * len(items)
        done = done0
        try:
            for f in as_completed(list(futures)):  # type: ignore[no-untyped-call]
                i = futures[f]
                if f.status == "error":
                    exc = f.exception()
                    if isinstance(exc, InputError | KeyboardInterrupt):
                        raise exc
                    if failed is None:
                        raise TaskFailed(f"task {i + 1} of {len(items)} ({name}) failed on the "
                                         f"cluster: {one_line(exc)}")  # fmt: skip
                    out[i] = failed(i, exc)
                else:
                    out[i] = f.result()
                f.release()
                if on_result is not None:
                    on_result(i, out[i])
                done += w[i]
                report(progress, done, tot, stage)
        finally:
            for f in futures:
                if f.status == "pending":
                    f.cancel()
            shared_f.release()
        return out


@dataclass(frozen=True)
class Where:
    """Where a job runs, as the command line gives it: ``--workers N`` or ``--scheduler ADDRESS``
    (neither: in this process)."""

    workers: int | None = None
    scheduler: str | None = None
    threads_per_worker: int | None = None

    def __post_init__(self) -> None:
        if self.workers is not None and self.scheduler is not None:
            raise InputError("give --workers or --scheduler, not both", key="--scheduler")
        check_workers(self.workers, key="--workers")
        if self.threads_per_worker is not None and self.threads_per_worker < 1:
            raise InputError("threads per worker must be at least 1", key="threads_per_worker")

    @property
    def in_process(self) -> bool:
        return self.workers is None and self.scheduler is None

    def describe(self) -> str:
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        if self.workers is not None:
            s = "" if self.workers == 1 else "es"
            return f"{self.workers} local worker process{s}"
        return "in this process"


@contextmanager
def open_executor(
    where: Where | None = None, *, client: Client | None = None
) -> Iterator[Executor]:
    """The executor ``where`` names (in process by default), or one on a connected ``client``.

    Local worker processes are started here and stopped on leaving; a remote cluster is
    checked to be a Dask scheduler (:func:`umbrella.core.cluster.probe_scheduler`) and only
    disconnected from.
    """
    from umbrella.core import cluster

    where = where or Where()
    if client is not None:
        yield OnDask(client, "a Dask cluster")
    elif where.scheduler is not None:
        with cluster.remote_client(where.scheduler) as remote:
            yield OnDask(remote, where.describe())
    elif where.workers is not None:
        with cluster.local_client(where.workers, where.threads_per_worker) as local:
            yield OnDask(local, where.describe())
    else:
        yield InProcess()
